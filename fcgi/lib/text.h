/*
 * Checking and normalising user text: UTF-8, lengths, e-mail addresses,
 * LIKE patterns. Pure functions, no allocation unless stated.
 */
#ifndef FIDELE_TEXT_H
#define FIDELE_TEXT_H

#include <stddef.h>

/* 1 when s is well-formed UTF-8 with no control characters other than
 * tab (and CR/LF when multiline is set). */
int text_is_clean_utf8(const char *s, int multiline);

/* Number of code points in a valid UTF-8 string. */
size_t text_length(const char *s);

/* Removes leading and trailing ASCII white space in place; returns s. */
char *text_trim(char *s);

/* Lowercases ASCII letters in place; returns s. */
char *text_lower_ascii(char *s);

/* Normalises an e-mail address in place (trim, lowercase) and checks its
 * shape: one '@', a non-empty local part, a domain with a dot, no spaces,
 * at most 254 bytes. Returns 1 when valid. */
int text_email_normalise(char *s);

/* Copies s into out (size out_size) with LIKE's % _ and \ escaped and a
 * trailing % added: a prefix pattern. Returns 0, or -1 if it does not fit. */
int text_like_prefix(const char *s, char *out, size_t out_size);

/* Base64url without padding (RFC 4648 §5), for values carried in URLs.
 * Encode returns 0, or -1 if out is too small. Decode writes the bytes and a
 * terminating NUL and returns their count, or -1 when in is not canonical
 * base64url or does not fit. */
int text_base64url_encode(const unsigned char *in, size_t len, char *out, size_t out_size);
long text_base64url_decode(const char *in, unsigned char *out, size_t out_size);

#endif
