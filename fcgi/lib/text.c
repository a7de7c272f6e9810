/*
 * Text checks shared by every form: what a field may contain is decided here,
 * once, so each program validates the same way.
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

int
text_is_clean_utf8(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p, need, cp;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && !(multiline && (c == '\n' || c == '\r'))) || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else
			return 0;
		p++;
		while (need--) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*p++ & 0x3f);
		}
		/* overlong forms, surrogates and out-of-range code points */
		if ((c == 0xe0 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (c == 0xf0 && cp < 0x10000) || cp > 0x10ffff)
			return 0;
		/* C1 controls */
		if (cp >= 0x80 && cp <= 0x9f)
			return 0;
	}
	return 1;
}

size_t
text_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
text_utf8_cut(const char *s, size_t max)
{
	size_t len = strnlen(s, max + 1);

	if (len <= max)
		return len;
	/* s[max] is the first byte left out: while it continues a
	 * character, that character is left out whole */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t
text_copy_utf8(char *out, size_t size, const char *s)
{
	size_t len = text_utf8_cut(s, size - 1);

	memcpy(out, s, len);
	out[len] = '\0';
	return len;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char *
text_trim(char *s)
{
	size_t len;
	char *start = s;

	while (is_space(*start))
		start++;
	len = strlen(start);
	while (len > 0 && is_space(start[len - 1]))
		len--;
	memmove(s, start, len);
	s[len] = '\0';
	return s;
}

char *
text_lower_ascii(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* RFC 5322 atext: what a local part may hold besides letters, digits and
 * the dots between its words. */
static int
is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* 1 when domain is a host name a mail server can look up (RFC 1123, RFC
 * 5321 §4.1.2): at least two labels of letters, digits and inner hyphens,
 * 1-63 bytes each, a last label that is not all digits (that would be an
 * IP address, which no shop mails to). The whole address's 254 bytes keep
 * it under the 253 a host name may have. */
static int
domain_is_host_name(const char *domain)
{
	const char *label = domain, *end;
	size_t length;
	int labels = 0, all_digits = 0;

	for (;;) {
		end = strchr(label, '.');
		length = end ? (size_t)(end - label) : strlen(label);
		if (length == 0 || length > 63 || label[0] == '-' || label[length - 1] == '-' ||
		    strspn(label, "abcdefghijklmnopqrstuvwxyz0123456789-") < length)
			return 0;
		all_digits = strspn(label, "0123456789") >= length;
		labels++;
		if (end == NULL)
			break;
		label = end + 1;
	}
	return labels >= 2 && !all_digits;
}

enum text_email
text_email_check(char *s)
{
	const char *at, *p;
	size_t local;

	text_lower_ascii(text_trim(s));
	if (*s == '\0' || strlen(s) > 254 || !text_is_clean_utf8(s, 0))
		return TEXT_EMAIL_INVALID;
	at = strchr(s, '@');
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return TEXT_EMAIL_INVALID;
	/* A non-ASCII local part (josé@) can only be delivered through a relay
	 * that offers SMTPUTF8 (RFC 6531), and an internationalised domain in
	 * Unicode needs converting to its xn-- form first. Fidèle does not
	 * know what its relay offers, and an address the relay refuses ends
	 * as a failed mail nobody reads, so both are refused here with their
	 * own message; the xn-- form of a domain is accepted. */
	for (p = s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return TEXT_EMAIL_NOT_ASCII;
	/* the local part: dot-separated words of atext (a quoted local part
	 * is refused: nobody types one and many relays refuse it) */
	local = (size_t)(at - s);
	if (local > 64 || s[0] == '.' || at[-1] == '.')
		return TEXT_EMAIL_INVALID;
	for (p = s; p < at; p++)
		if (!(is_atext(*p) || (*p == '.' && p[1] != '.')))
			return TEXT_EMAIL_INVALID;
	return domain_is_host_name(at + 1) ? TEXT_EMAIL_OK : TEXT_EMAIL_INVALID;
}

int
text_email_normalise(char *s)
{
	return text_email_check(s) == TEXT_EMAIL_OK;
}

int
text_like_prefix(const char *s, char *out, size_t out_size)
{
	size_t o = 0;

	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\') {
			if (o + 1 >= out_size)
				return -1;
			out[o++] = '\\';
		}
		if (o + 1 >= out_size)
			return -1;
		out[o++] = *s;
	}
	if (o + 2 > out_size)
		return -1;
	out[o++] = '%';
	out[o] = '\0';
	return 0;
}

/* Whether the cgi kit's cgi_url_escape writes c as %XX (a space is
 * one of them, written +). */
static int
url_reserved(unsigned char c)
{
	if (c < 32 || c > 126)
		return 1;
	switch (c) {
	case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=':
	case '?': case '@': case ' ': case '"': case '<': case '>': case '#': case '%':
	case '{': case '}': case '|': case '\\': case '^': case '~': case '[': case ']':
	case '`': case '\'':
		return 1;
	default:
		return 0;
	}
}

long
text_url_escape(const char *s, char *out, size_t out_size)
{
	/* the kit looks each character up in a string of them, twice: a
	 * list page's link of 200 characters cost it 15,000 instructions */
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, need;

	for (; *p != '\0'; p++) {
		need = *p != ' ' && url_reserved(*p) ? 3 : 1;
		if (o + need >= out_size) {
			if (out_size > 0)
				out[0] = '\0';
			return -1;
		}
		if (*p == ' ')
			out[o++] = '+';
		else if (need == 3) {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		} else
			out[o++] = (char)*p;
	}
	if (out_size == 0)
		return -1;
	out[o] = '\0';
	return (long)o;
}

static const char base64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
text_base64url_encode(const unsigned char *in, size_t len, char *out, size_t out_size)
{
	size_t i, o = 0;

	if (out_size < (len + 2) / 3 * 4 + 1)
		return -1;
	for (i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (unsigned long)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		out[o++] = base64url[v >> 18 & 63];
		out[o++] = base64url[v >> 12 & 63];
		if (left > 1)
			out[o++] = base64url[v >> 6 & 63];
		if (left > 2)
			out[o++] = base64url[v & 63];
	}
	out[o] = '\0';
	return 0;
}

long
text_base64url_decode(const char *in, unsigned char *out, size_t out_size)
{
	size_t len = strlen(in), i, o = 0;
	unsigned long v = 0;
	int bits = 0;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		const char *at = memchr(base64url, in[i], 64);

		if (in[i] == '\0' || at == NULL)
			return -1;
		v = (v << 6 | (unsigned long)(at - base64url)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= out_size)
				return -1;
			out[o++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	/* the unused low bits of the last character must be zero */
	if (bits > 0 && (v & ((1UL << bits) - 1)) != 0)
		return -1;
	out[o] = '\0';
	return (long)o;
}

const char *
text_client_key(const char *ip, char *out, size_t size)
{
	struct in6_addr address;
	char text[INET6_ADDRSTRLEN];

	if (ip != NULL && strchr(ip, ':') != NULL && inet_pton(AF_INET6, ip, &address) == 1 &&
	    !IN6_IS_ADDR_V4MAPPED(&address)) {
		memset(address.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &address, text, sizeof(text)) != NULL) {
			snprintf(out, size, "%s/64", text);
			return out;
		}
	}
	snprintf(out, size, "%s", ip != NULL ? ip : "");
	return out;
}

const char *
text_host_split(const char *header, char *out, size_t size)
{
	const char *colon;
	size_t host_len;

	if (header == NULL || strlen(header) >= size)
		return NULL;
	colon = strrchr(header, ':');
	if (colon == NULL || strchr(colon, ']') != NULL)
		colon = NULL;	/* none, or inside an IPv6 literal */
	host_len = colon ? (size_t)(colon - header) : strlen(header);
	memcpy(out, header, host_len);
	out[host_len] = '\0';
	if (colon == NULL || colon[1] == '\0' || strlen(colon + 1) > 5 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return "";
	return colon + 1;
}

int
text_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
