/* Unit tests for fcgi/lib/keyauth.c: the Authorization header, key ids,
 * and the signature of the README's worked example. */
#include <config.h>

#include <stdlib.h>

#include "../../fcgi/lib/keyauth.h"
#include "tap.h"

#define KEY "fk_0123456789abcdef01234567"
#define NONCE "0123456789abcdef0123456789abcdef"
#define SIG "dfd7e6dff1420749f91d41039c159f0b784093075120d1b216b42c2cc9754d66"

/* Headers and whether keyauth_header_parse takes them. */
static const struct {
	const char *header;
	int good;
	const char *name;
} headers[] = {
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE ", sig=" SIG, 1,
	    "the README's header is taken" },
	{ "fidele-hmac key=" KEY ",ts=1767225600,nonce=" NONCE ",sig=" SIG, 1,
	    "the scheme's letter case and the spaces do not matter" },
	{ "Fidele-HMAC sig=" SIG ", nonce=" NONCE ", ts=1767225600, key=" KEY, 1,
	    "the parameters come in any order" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE, 0,
	    "a missing sig is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE ", sig=" SIG ", sig=" SIG, 0,
	    "a repeated parameter is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE ", sig=" SIG ", x=1", 0,
	    "an unknown parameter is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE ", sig=" SIG ",", 0,
	    "a trailing comma is refused" },
	{ "Bearer key=" KEY ", ts=1767225600, nonce=" NONCE ", sig=" SIG, 0,
	    "another scheme is refused" },
	{ "Fidele-HMAC key=fk_0123, ts=1767225600, nonce=" NONCE ", sig=" SIG, 0,
	    "a short key id is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=-5, nonce=" NONCE ", sig=" SIG, 0,
	    "a negative timestamp is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=176722560000000, nonce=" NONCE ", sig=" SIG, 0,
	    "a timestamp of more than 11 digits is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=0123456789abcde, sig=" SIG, 0,
	    "a nonce under 16 hex digits is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=0123456789ABCDEF, sig=" SIG, 0,
	    "a nonce in capitals is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE NONCE "0, sig=" SIG, 0,
	    "a nonce over 64 hex digits is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE ", sig=abc", 0,
	    "a short signature is refused" },
	{ "Fidele-HMAC key=" KEY ", ts=1767225600, nonce=" NONCE ", sig=" SIG "\r\nX: y", 0,
	    "a line break is refused" },
	{ "Fidele-HMAC", 0, "a bare scheme is refused" },
	{ "", 0, "an empty header is refused" },
};

int
main(void)
{
	struct keyauth_header parsed;
	unsigned char mac[CRYPTO_HASH_BYTES];
	char hex[2 * CRYPTO_HASH_BYTES + 1], id[KEYAUTH_ID_LENGTH + 1], other[KEYAUTH_ID_LENGTH + 1];
	char secret[KEYAUTH_SECRET_HEX + 1], again[KEYAUTH_SECRET_HEX + 1];
	static const char body[] = "{\"email\": \"ana@example.org\", \"total\": \"12.50\"}";
	size_t i;

	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		ok((keyauth_header_parse(headers[i].header, &parsed) == 0) == headers[i].good,
		    headers[i].name);
	ok(keyauth_header_parse(headers[0].header, &parsed) == 0 &&
	    strcmp(parsed.key, KEY) == 0 && parsed.ts_value == 1767225600 &&
	    strcmp(parsed.ts, "1767225600") == 0 && strcmp(parsed.nonce, NONCE) == 0,
	    "the header's values are read as sent");
	crypto_hex(parsed.sig, sizeof(parsed.sig), hex);
	is_str(hex, SIG, "the signature is read as bytes");

	ok(keyauth_id_new(id) == 0 && keyauth_id_new(other) == 0 && keyauth_id_ok(id) &&
	    strcmp(id, other) != 0, "new key ids are well formed and differ");
	ok(!keyauth_id_ok("fk_0123456789ABCDEF01234567"), "a key id is lowercase");

	keyauth_secret("install secret", KEY, secret);
	keyauth_secret("install secret", KEY, again);
	ok(strlen(secret) == KEYAUTH_SECRET_HEX && strcmp(secret, again) == 0,
	    "a key's secret is derived again the same");
	keyauth_secret("another install", KEY, again);
	ok(strcmp(secret, again) != 0, "another installation's secret gives another key secret");

	/* the README's worked example: secret = SHA-256 of "readme example" */
	ok(keyauth_sign("f7f40f218441220360a4fbf847f95b3044a760185590e16797c2cd53955f2038",
	    "POST", "/api/v1/orders", "dry_run=1", "1767225600", NONCE, body, strlen(body),
	    mac) == 0, "a request is signed");
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex, SIG, "the README's worked example signs as the README says");
	return tap_done();
}
