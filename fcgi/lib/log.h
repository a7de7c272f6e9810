/*
 * One door for logs. Every line a program writes to stderr goes through
 * here: it starts with the program's name, it is one line, and its control
 * bytes (and backslashes) are escaped, so that nothing a request carries (a
 * path with %0a, a Host header, an address) can forge a line of its own or
 * drive the terminal of whoever reads the log.
 */
#ifndef FIDELE_LOG_H
#define FIDELE_LOG_H

#include <stddef.h>

/* Names the program once, at start ("login", "customers"); the default is
 * "fidele". The name is not copied: pass a string that lives on. */
void log_program(const char *name);

/* "<program>: <message>": something failed. */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "<program>: warning: <message>": something is off but the work goes on. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "<program> <message>": the one line per request. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "<program>: debug: <message>": what a developer needs to follow the
 * work (each statement prepared, for one). Off unless the environment
 * variable FIDELE_LOG_DEBUG is set to a non-empty value other than "0",
 * read once; the message is not even formatted when off. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether log_debug writes anything (FIDELE_LOG_DEBUG). */
int log_debug_enabled(void);

/* Copies text into out (size bytes, always terminated), writing a
 * backslash as "\\", a line feed, carriage return and tab as "\n", "\r",
 * "\t", and every other byte below 0x20 and 0x7f as "\xHH". Stops before
 * an escape that would not fit whole. Returns the length written. */
size_t log_escape(const char *text, char *out, size_t size);

#endif
