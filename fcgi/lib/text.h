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

/* The bytes of UTF-8 s that fit in max bytes without cutting a
 * character: strlen(s) when it fits, else max moved back to the start of
 * the character it falls in. */
size_t text_utf8_cut(const char *s, size_t max);

/* Copies UTF-8 s into out (size bytes, NUL included), cut at a character
 * boundary when it does not fit, so that out stays valid UTF-8. Returns
 * the bytes copied. size must be at least 1. */
size_t text_copy_utf8(char *out, size_t size, const char *s);

/* Removes leading and trailing ASCII white space in place; returns s. */
char *text_trim(char *s);

/* The value of a hex digit (either case), or -1. */
int text_hex_digit(int c);

/* Lowercases ASCII letters in place; returns s. */
char *text_lower_ascii(char *s);

/* Splits a Host header into its host, copied into out (size bytes), and
 * its port. Returns the port's digits ("" when none, or when what follows
 * the colon is no port), or NULL when there is no header or it is too
 * long. */
const char *text_host_split(const char *header, char *out, size_t size);

/* What is wrong with an e-mail address, if anything. */
enum text_email {
	TEXT_EMAIL_OK,
	TEXT_EMAIL_INVALID,	/* not an address a mail server would deliver to */
	TEXT_EMAIL_NOT_ASCII	/* letters beyond ASCII: see text.c for why refused */
};

/* Normalises an e-mail address in place (trim, lowercase ASCII) and checks
 * it: one '@', a local part of dot-separated RFC 5322 words of at most 64
 * bytes, a domain that is a host name (labels of letters, digits and inner
 * hyphens, 1-63 bytes, at least two, a last one not all digits), at most
 * 254 bytes in all, ASCII only. */
enum text_email text_email_check(char *s);

/* text_email_check(s) == TEXT_EMAIL_OK, as 1 or 0. */
int text_email_normalise(char *s);

/* Copies s into out (size out_size) with LIKE's % _ and \ escaped and a
 * trailing % added: a prefix pattern. Returns 0, or -1 if it does not fit. */
int text_like_prefix(const char *s, char *out, size_t out_size);

/* s URL-escaped into out as the cgi kit's cgi_url_escape writes it: a space
 * as +, the kit's other reserved characters ($&+,/:;=?@"<>#%{}|\^~[]`')
 * and every byte outside 32-126 as %XX. Returns the length written, or -1
 * when it does not fit in out_size (out is then ""). */
long text_url_escape(const char *s, char *out, size_t out_size);

/* Base64url without padding (RFC 4648 §5), for values carried in URLs.
 * Encode returns 0, or -1 if out is too small. Decode writes the bytes and a
 * terminating NUL and returns their count, or -1 when in is not canonical
 * base64url or does not fit. */
int text_base64url_encode(const unsigned char *in, size_t len, char *out, size_t out_size);
long text_base64url_decode(const char *in, unsigned char *out, size_t out_size);

/* The key under which a client's requests are limited: an IPv4 address as
 * it is, an IPv6 address as its /64 ("2001:db8:1:2::/64"), since one
 * subscriber usually holds a whole /64 and could otherwise change address
 * at every request. NULL or unreadable: the text as given (or ""). Writes
 * into out (size bytes, INET6_ADDRSTRLEN + 4 is enough) and returns it. */
const char *text_client_key(const char *ip, char *out, size_t size);

#endif
