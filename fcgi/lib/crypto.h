/*
 * Randomness, hashing and password storage, all through OpenSSL 3.
 * Buffers are the caller's unless a function says it returns malloc'd memory.
 */
#ifndef FIDELE_CRYPTO_H
#define FIDELE_CRYPTO_H

#include <stddef.h>

#define CRYPTO_TOKEN_BYTES 32	/* 256-bit session ids and link tokens */
#define CRYPTO_HASH_BYTES 32	/* SHA-256 */

/* Starts OpenSSL as the web programs and the worker need it, before their
 * first database connection (crypto.c says what it leaves out). */
void crypto_start_lean(void);

/* Fills buf with n bytes from the OpenSSL CSPRNG. Returns 0, or -1 on failure. */
int crypto_random(unsigned char *buf, size_t n);

/* Writes 2n lowercase hex characters and a NUL into out (size 2n + 1). */
void crypto_hex(const unsigned char *bytes, size_t n, char *out);

/* Decodes exactly 2n hex characters into n bytes. Returns 0, or -1 if text
 * is not that long or not hex. */
int crypto_unhex(const char *text, unsigned char *out, size_t n);

/* SHA-256 of data into out (CRYPTO_HASH_BYTES). */
void crypto_sha256(const void *data, size_t len, unsigned char *out);

/* HMAC-SHA256 of data under key into out (CRYPTO_HASH_BYTES). */
void crypto_hmac(const char *key, const void *data, size_t len, unsigned char *out);

/* Constant-time comparison; 1 when equal. */
int crypto_equal(const void *a, const void *b, size_t n);

/* Hashes a password with scrypt (OWASP: N=2^17, r=8, p=1) into a PHC string
 * "$scrypt$ln=17,r=8,p=1$<salt>$<hash>" (base64 without padding).
 * Returns a malloc'd string, or NULL on failure. */
char *crypto_password_hash(const char *password);

/* Same, with an explicit cost (log2 N); tests use a small one. */
char *crypto_password_hash_cost(const char *password, int log2_n);

/* 1 when a password of the right length is still among the first an
 * attacker tries: one to three characters over and over ("aaaaaaaaaa"),
 * a run of letters or digits ("0123456789", "9876543210"), a stretch of a
 * keyboard row ("azertyuiop", "qwertyuiop"), or a common word, each also
 * with digits or signs after it ("motdepasse2026!", "azerty1234"). Not a
 * breach list: the few everyone types first. The admin pages and
 * fidele-admin refuse these (login.c, fidele-admin.c). */
int crypto_password_guessable(const char *password);

/* Checks a password against a PHC string from crypto_password_hash.
 * Returns 1 on match, 0 otherwise (also for a malformed string). */
int crypto_password_verify(const char *password, const char *phc);

#endif
