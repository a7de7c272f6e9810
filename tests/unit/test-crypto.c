/* Unit tests for fcgi/lib/crypto.c: tokens, HMACs and password hashes. */
#include <config.h>

#include <stdlib.h>

#include "../../fcgi/lib/crypto.h"
#include "tap.h"

int
main(void)
{
	unsigned char a[32], b[32], mac[32];
	char hex[65];
	char *phc, *again;

	ok(crypto_random(a, sizeof(a)) == 0 && crypto_random(b, sizeof(b)) == 0,
	    "the CSPRNG gives bytes");
	ok(memcmp(a, b, sizeof(a)) != 0, "two tokens differ");
	crypto_hex(a, sizeof(a), hex);
	ok(strlen(hex) == 64, "a 256-bit token is 64 hex characters");
	ok(crypto_unhex(hex, b, sizeof(b)) == 0 && memcmp(a, b, sizeof(a)) == 0,
	    "hex decodes back to the same bytes");
	ok(crypto_unhex("zz", b, 1) != 0, "non-hex text is refused");
	ok(crypto_unhex("abcd", b, 1) != 0, "hex of the wrong length is refused");

	/* RFC 4231 test case 2 */
	crypto_hmac("Jefe", "what do ya want for nothing?", 28, mac);
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "HMAC-SHA256 matches RFC 4231");

	phc = crypto_password_hash("correct horse battery staple");
	ok(phc != NULL && strncmp(phc, "$scrypt$ln=17,r=8,p=1$", 22) == 0,
	    "passwords are hashed with scrypt at OWASP cost, as a PHC string");
	ok(crypto_password_verify("correct horse battery staple", phc), "the right password matches");
	ok(!crypto_password_verify("correct horse battery stapler", phc), "a wrong password does not");
	ok(!crypto_password_verify("", phc), "an empty password does not");
	again = crypto_password_hash("correct horse battery staple");
	ok(again != NULL && strcmp(phc, again) != 0, "the same password hashes differently (salt)");
	ok(!crypto_password_verify("x", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA"), "an absurd cost is refused");
	ok(!crypto_password_verify("x", "plain text"), "a malformed hash never matches");
	ok(!crypto_password_verify("x", NULL), "a missing hash never matches");
	free(phc);
	free(again);
	return tap_done();
}
