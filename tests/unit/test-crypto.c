/* Unit tests for fcgi/lib/crypto.c: tokens, HMACs and password hashes. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "../../fcgi/lib/crypto.h"
#include "tap.h"

int
main(void)
{
	unsigned char a[32], b[32], mac[32], other[32];
	char hex[65], long_key[132], very_long_key[301];
	char *phc, *again;

	pid_t child;
	int status, i;
	SSL_CTX *tls;

	/* as a web program starts (app.c): everything below runs after it */
	crypto_start_lean();
	/* in a process whose generator a TLS connection made first, the
	 * type stays and its refusal leaves nothing on the error queue */
	if ((child = fork()) == 0)
		_exit(RAND_bytes(a, sizeof(a)) == 1 && crypto_random(b, sizeof(b)) == 0 &&
		    ERR_peek_error() == 0 ? 0 : 1);
	ok(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0,
	    "after a generator made elsewhere, random bytes come and leave no error behind");
	ok(crypto_random(a, sizeof(a)) == 0 && crypto_random(b, sizeof(b)) == 0,
	    "the CSPRNG gives bytes");
	ok(memcmp(a, b, sizeof(a)) != 0, "two tokens differ");
	/* CTR-DRBG's first use was a fifth of a plain-CGI start (crypto.c) */
	ok(RAND_get0_public(NULL) != NULL &&
	    strcmp(EVP_RAND_get0_name(EVP_RAND_CTX_get0_rand(RAND_get0_public(NULL))),
	    "HASH-DRBG") == 0, "the tokens come from OpenSSL's Hash_DRBG");
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
	/* RFC 4231 test case 6: a key longer than SHA-256's block is hashed first */
	memset(long_key, 0xaa, 131);
	long_key[131] = '\0';
	crypto_hmac(long_key, "Test Using Larger Than Block-Size Key - Hash Key First", 54, mac);
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	    "HMAC-SHA256 with a key longer than a block matches RFC 4231");
	/* RFC 4231 test case 1: a key of binary bytes, 20 of them */
	memset(long_key, 0x0b, 20);
	long_key[20] = '\0';
	crypto_hmac(long_key, "Hi There", 8, mac);
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	    "HMAC-SHA256 with a 20-byte key matches RFC 4231");

	/* the keyed contexts are kept (crypto.c): the same answers again, with
	 * three keys taking turns in two kept places, and after a long key
	 * that is not kept */
	for (i = 0; i < 3; i++) {
		crypto_hmac("Jefe", "what do ya want for nothing?", 28, mac);
		crypto_hex(mac, sizeof(mac), hex);
		ok(strcmp(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
		    == 0, "HMAC-SHA256 under a kept key, again");
		crypto_hmac(long_key, "Hi There", 8, mac);
		crypto_hex(mac, sizeof(mac), hex);
		ok(strcmp(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
		    == 0, "HMAC-SHA256 under a second kept key, again");
		crypto_hmac("key", "The quick brown fox jumps over the lazy dog", 43, mac);
		crypto_hex(mac, sizeof(mac), hex);
		ok(strcmp(hex, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
		    == 0, "HMAC-SHA256 under a third key, two kept places");
		memset(very_long_key, 'k', sizeof(very_long_key) - 1);
		very_long_key[sizeof(very_long_key) - 1] = '\0';
		crypto_hmac(very_long_key, "Hi There", 8, mac);
		crypto_hmac(very_long_key, "Hi There", 8, other);
		ok(memcmp(mac, other, sizeof(mac)) == 0, "a key too long to keep signs alike twice");
	}

	/* FIPS 180-2's examples */
	crypto_sha256("abc", 3, mac);
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256 of \"abc\" matches FIPS 180-2");
	crypto_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, mac);
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	    "SHA-256 of two blocks matches FIPS 180-2");
	crypto_sha256("", 0, mac);
	crypto_hex(mac, sizeof(mac), hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "SHA-256 of nothing is the known one");

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

	/* libmariadb's start of OpenSSL, after the web program's */
	ok(OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) == 1, "OpenSSL starts as libmariadb starts it");
	ok(EVP_get_cipherbyname("AES-256-CBC") == NULL && EVP_get_digestbyname("SHA256") == NULL,
	    "it no longer fills the legacy tables of ciphers and digests by name");
	tls = SSL_CTX_new(TLS_client_method());
	ok(tls != NULL && sk_SSL_CIPHER_num(SSL_CTX_get_ciphers(tls)) > 10,
	    "a TLS client (a database reached over TLS) still has its ciphers");
	SSL_CTX_free(tls);
	{
		/* what an attacker tries first, and what people really choose */
		static const char *const guessable[] = { "1234567890", "0123456789",
			"9876543210", "abcdefghij", "aaaaaaaaaa", "ababababab", "1212121212",
			"azertyuiop", "AZERTYUIOP", "qwertyuiop", "poiuytreza", "qsdfghjklm",
			"motdepasse", "MotDePasse2026!", "azerty1234", "qwerty123456",
			"password123", "Password!!", "bonjour2025", "fidele2026", "iloveyou99",
			"administrateur", NULL };
		static const char *const fine[] = { "brand-new-password", "alpha-owner-password",
			"correct horse battery staple", "1029384756", "tomate-velo-nuage",
			"Marché du samedi 7h", "azerty-est-long-mais-pas-que", "motdepasse-du-verger",
			NULL };
		int k;

		char name[100];

		for (k = 0; guessable[k] != NULL; k++) {
			snprintf(name, sizeof(name), "refused as guessable: %s", guessable[k]);
			ok(crypto_password_guessable(guessable[k]), name);
		}
		for (k = 0; fine[k] != NULL; k++) {
			snprintf(name, sizeof(name), "taken: %s", fine[k]);
			ok(!crypto_password_guessable(fine[k]), name);
		}
	}
	return tap_done();
}
