/*
 * OpenSSL wrappers: CSPRNG, SHA-256, HMAC-SHA256 and scrypt password hashes
 * stored as PHC strings so the cost can rise later without breaking old ones.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "crypto.h"
#include "text.h"

#define SCRYPT_DEFAULT_LOG2_N 17
#define SCRYPT_R 8
#define SCRYPT_P 1
#define SCRYPT_SALT_BYTES 16
#define SCRYPT_KEY_BYTES 32

/* Before libmariadb starts OpenSSL (mysql_init calls OPENSSL_init_ssl,
 * which also fills OpenSSL's legacy tables of every cipher and digest by
 * name and loads libcrypto's error texts), for the programs that read
 * neither: the web programs and the worker. OpenSSL 3 fetches what HMAC,
 * scrypt and TLS use from its providers, and libssl's own error texts,
 * which TLS failures quote, are still loaded by libmariadb, as is the
 * configuration file (a host's FIPS or TLS policy applies). Skipping both
 * is about 0.9 ms of each plain-CGI start, 15 % of it, and 1 MiB of each
 * copy's resident memory. fidele-admin and fidele-mailer start OpenSSL
 * whole: their doctor's and SMTP errors quote libcrypto's texts. */
void
crypto_start_lean(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
}

/* OpenSSL's generator is a NIST SP 800-90A DRBG seeded by the kernel.
 * Its default, CTR-DRBG, fetches AES-256-CTR on first use, about 3.5
 * million instructions: a fifth of a program's start as plain CGI, where
 * every request is a first use. Hash_DRBG over SHA-256 has the same
 * strength, and SHA-256 is fetched anyway for the sessions' hashes. Set
 * before the first random bytes; a generator already made (a TLS
 * connection's, before) keeps its type, and the refusal is not left on
 * the error queue for a later TLS call to read as its own. */
int
crypto_random(unsigned char *buf, size_t n)
{
	static int typed;

	if (!typed) {
		typed = 1;
		ERR_set_mark();
		(void)RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL, "SHA256");
		ERR_pop_to_mark();
	}
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

void
crypto_hex(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

int
crypto_unhex(const char *text, unsigned char *out, size_t n)
{
	size_t i;

	if (text == NULL || strlen(text) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int high = text_hex_digit(text[2 * i]), low = text_hex_digit(text[2 * i + 1]);
		if (high < 0 || low < 0)
			return -1;
		out[i] = (unsigned char)(high << 4 | low);
	}
	return 0;
}

/* SHA-256 fetched once for the process: OpenSSL 3's one-shot SHA256()
 * fetches the digest from its providers on each call, 6,000 instructions
 * to hash a session cookie's 32 bytes on every request. A fetched digest
 * may be used by every thread. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void
crypto_sha256(const void *data, size_t len, unsigned char *out)
{
	(void)pthread_once(&sha256_once, sha256_fetch);
	if (sha256_md == NULL || EVP_Digest(data, len, out, NULL, sha256_md, NULL) != 1)
		SHA256(data, len, out);
}

/* HMAC's keyed contexts, kept per thread: OpenSSL 3's one-shot HMAC()
 * fetches the digest and builds and keys a context for each call, 1.2 %
 * of a list page's instructions for its CSRF token; a kept context is only
 * started again. A program signs with one or two keys (the installation's
 * secret, a key's); a third takes the place of the one used longest ago.
 * Kept until the process ends: only the requests' thread signs (not the
 * export's second thread), so nothing is left behind by a thread. */
#define HMAC_KEYS_KEPT 2
#define HMAC_KEY_MAX 256	/* longer keys are not kept (the secret is 64) */

static __thread struct hmac_kept {
	EVP_MAC_CTX *ctx;
	char key[HMAC_KEY_MAX + 1];
	unsigned long used;
} hmac_kept[HMAC_KEYS_KEPT];
static __thread unsigned long hmac_uses;

/* The kept context keyed with key, made when it is not there; NULL when
 * OpenSSL could not make it (or the key is too long to keep). */
static EVP_MAC_CTX *
hmac_context(const char *key, size_t key_len)
{
	struct hmac_kept *slot = &hmac_kept[0];
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	int i;

	if (key_len > HMAC_KEY_MAX)
		return NULL;
	for (i = 0; i < HMAC_KEYS_KEPT; i++) {
		if (hmac_kept[i].ctx != NULL && strcmp(hmac_kept[i].key, key) == 0) {
			hmac_kept[i].used = ++hmac_uses;
			return hmac_kept[i].ctx;
		}
		if (hmac_kept[i].used < slot->used)
			slot = &hmac_kept[i];
	}
	EVP_MAC_CTX_free(slot->ctx);
	slot->ctx = NULL;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	slot->ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (slot->ctx == NULL ||
	    EVP_MAC_init(slot->ctx, (const unsigned char *)key, key_len, params) != 1) {
		EVP_MAC_CTX_free(slot->ctx);
		slot->ctx = NULL;
		return NULL;
	}
	memcpy(slot->key, key, key_len + 1);
	slot->used = ++hmac_uses;
	return slot->ctx;
}

void
crypto_hmac(const char *key, const void *data, size_t len, unsigned char *out)
{
	size_t key_len = strlen(key), out_len = 0;
	unsigned int one_shot_len = CRYPTO_HASH_BYTES;
	EVP_MAC_CTX *ctx = hmac_context(key, key_len);

	/* started again under the key it holds: a NULL key keeps it */
	if (ctx != NULL && EVP_MAC_init(ctx, NULL, 0, NULL) == 1 &&
	    EVP_MAC_update(ctx, data, len) == 1 &&
	    EVP_MAC_final(ctx, out, &out_len, CRYPTO_HASH_BYTES) == 1 &&
	    out_len == CRYPTO_HASH_BYTES)
		return;
	HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &one_shot_len);
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* scrypt of password with the given salt and cost into key. 0 or -1. */
static int
scrypt_derive(const char *password, const unsigned char *salt, size_t salt_len,
    int log2_n, unsigned char *key, size_t key_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	EVP_KDF_CTX *ctx;
	OSSL_PARAM params[7], *p = params;
	uint64_t n = (uint64_t)1 << log2_n;
	uint32_t r = SCRYPT_R, par = SCRYPT_P;
	uint64_t maxmem = (uint64_t)256 * 1024 * 1024;
	int ok;

	if (kdf == NULL)
		return -1;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		return -1;
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (char *)password, strlen(password));
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (unsigned char *)salt, salt_len);
	*p++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*p++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	*p++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &par);
	*p++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	*p = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, key, key_len, params) == 1;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* Unpadded standard base64, as PHC strings use. Returns the length written. */
static size_t
base64_encode(const unsigned char *in, size_t n, char *out)
{
	int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);

	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
	return (size_t)len;
}

/* Decodes unpadded base64 of at most max bytes. Returns length or -1. */
static int
base64_decode(const char *in, size_t in_len, unsigned char *out, size_t max)
{
	char padded[128];
	unsigned char decoded[96];
	size_t pad = (4 - in_len % 4) % 4;
	int len;

	if (in_len + pad >= sizeof(padded) || pad == 3)
		return -1;
	memcpy(padded, in, in_len);
	memset(padded + in_len, '=', pad);
	padded[in_len + pad] = '\0';
	len = EVP_DecodeBlock(decoded, (unsigned char *)padded, (int)(in_len + pad));
	if (len < 0)
		return -1;
	len -= (int)pad;
	if (len < 0 || (size_t)len > max)
		return -1;
	memcpy(out, decoded, (size_t)len);
	return len;
}

char *
crypto_password_hash_cost(const char *password, int log2_n)
{
	unsigned char salt[SCRYPT_SALT_BYTES], key[SCRYPT_KEY_BYTES];
	char salt_text[64], key_text[64], *phc;

	if (crypto_random(salt, sizeof(salt)) != 0 ||
	    scrypt_derive(password, salt, sizeof(salt), log2_n, key, sizeof(key)) != 0)
		return NULL;
	base64_encode(salt, sizeof(salt), salt_text);
	base64_encode(key, sizeof(key), key_text);
	phc = malloc(160);
	if (phc != NULL)
		snprintf(phc, 160, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", log2_n,
		    SCRYPT_R, SCRYPT_P, salt_text, key_text);
	OPENSSL_cleanse(key, sizeof(key));
	return phc;
}

char *
crypto_password_hash(const char *password)
{
	return crypto_password_hash_cost(password, SCRYPT_DEFAULT_LOG2_N);
}

int
crypto_password_verify(const char *password, const char *phc)
{
	int log2_n, r, p, consumed = 0, salt_len, key_len, match;
	unsigned char salt[64], expected[64], actual[64];
	const char *salt_text, *key_text;

	if (phc == NULL ||
	    sscanf(phc, "$scrypt$ln=%d,r=%d,p=%d$%n", &log2_n, &r, &p, &consumed) != 3 ||
	    consumed == 0 || log2_n < 1 || log2_n > 20 || r != SCRYPT_R || p != SCRYPT_P)
		return 0;
	salt_text = phc + consumed;
	key_text = strchr(salt_text, '$');
	if (key_text == NULL)
		return 0;
	salt_len = base64_decode(salt_text, (size_t)(key_text - salt_text), salt, sizeof(salt));
	key_text++;
	key_len = base64_decode(key_text, strlen(key_text), expected, sizeof(expected));
	if (salt_len <= 0 || key_len <= 0)
		return 0;
	if (scrypt_derive(password, salt, (size_t)salt_len, log2_n, actual, (size_t)key_len) != 0)
		return 0;
	match = crypto_equal(expected, actual, (size_t)key_len);
	OPENSSL_cleanse(actual, sizeof(actual));
	return match;
}

/* --- passwords everyone tries first ------------------------------------------------- */

/* Keyboard rows (French and English), read either way; the digits row
 * with its 0 at the end. */
static const char *const keyboard_rows[] = { "1234567890", "azertyuiop", "qsdfghjklm",
	"wxcvbn", "qwertyuiop", "asdfghjkl", "zxcvbnm", NULL };

/* Words people build a password on, in French and English. */
static const char *const common_words[] = { "motdepasse", "password", "passw0rd", "azerty",
	"qwerty", "bonjour", "soleil", "doudou", "loulou", "chouchou", "marseille", "iloveyou",
	"jetaime", "admin", "administrateur", "welcome", "letmein", "fidele", "boutique",
	"changeme", "secret", "test", NULL };

/* Whether text (lower case) is a stretch of a keyboard row, either way. */
static int
keyboard_stretch(const char *text, size_t length)
{
	int r;

	for (r = 0; keyboard_rows[r] != NULL; r++) {
		const char *row = keyboard_rows[r];
		size_t row_length = strlen(row), start, i;

		for (start = 0; start + length <= row_length; start++) {
			int forward = 1, backward = 1;

			for (i = 0; i < length && (forward || backward); i++) {
				forward = forward && text[i] == row[start + i];
				backward = backward && text[i] == row[row_length - 1 - start - i];
			}
			if (forward || backward)
				return 1;
		}
	}
	return 0;
}

int
crypto_password_guessable(const char *password)
{
	char lower[64];
	size_t length = strlen(password), core, i, distinct = 0;
	int up = 1, down = 1, w;
	unsigned char seen[256] = { 0 };

	/* longer than any of these patterns needs: a long password is left
	 * to its length */
	if (length >= sizeof(lower))
		return 0;
	for (i = 0; i < length; i++) {
		unsigned char c = (unsigned char)password[i];

		lower[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		if (!seen[(unsigned char)lower[i]]++)
			distinct++;
		if (i > 0) {
			up = up && (unsigned char)lower[i] == (unsigned char)lower[i - 1] + 1;
			down = down && (unsigned char)lower[i] + 1 == (unsigned char)lower[i - 1];
		}
	}
	lower[length] = '\0';
	if (distinct <= 3 || up || down || keyboard_stretch(lower, length))
		return 1;
	/* the part before trailing digits and signs: "azerty2026!" */
	for (core = length; core > 0; core--) {
		unsigned char c = (unsigned char)lower[core - 1];

		if (!(c >= '0' && c <= '9') && !(c < 0x80 && ispunct(c)))
			break;
	}
	if (core == 0)
		return 0;	/* digits and signs only, and none of the above */
	if (core >= 4 && keyboard_stretch(lower, core))
		return 1;
	for (w = 0; common_words[w] != NULL; w++)
		if (strlen(common_words[w]) == core && strncmp(lower, common_words[w], core) == 0)
			return 1;
	return 0;
}
