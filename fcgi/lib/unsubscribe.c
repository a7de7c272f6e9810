/*
 * The signed links of one-click unsubscribe (unsubscribe.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "unsubscribe.h"

/* The HMAC of a shop's customer: what only this installation can make. */
static void
token_mac(const struct shop_context *ctx, long long customer_id, unsigned char *mac)
{
	char data[80];

	snprintf(data, sizeof(data), "unsubscribe:%lld:%lld", ctx->shop_id, customer_id);
	crypto_hmac(ctx->secret, data, strlen(data), mac);
}

void
unsubscribe_token(const struct shop_context *ctx, long long customer_id, char *out)
{
	unsigned char mac[CRYPTO_HASH_BYTES];
	char hex[2 * CRYPTO_HASH_BYTES + 1];

	token_mac(ctx, customer_id, mac);
	crypto_hex(mac, sizeof(mac), hex);
	snprintf(out, UNSUBSCRIBE_TOKEN_SIZE, "%lld-%s", customer_id, hex);
}

long long
unsubscribe_token_customer(const struct shop_context *ctx, const char *token)
{
	unsigned char mac[CRYPTO_HASH_BYTES], sent[CRYPTO_HASH_BYTES];
	size_t digits;
	long long customer_id;

	if (token == NULL)
		return 0;
	digits = strspn(token, "0123456789");
	/* one decimal id without a leading zero, so one customer has one token */
	if (digits == 0 || digits > 18 || token[0] == '0' || token[digits] != '-' ||
	    strlen(token + digits + 1) != 2 * CRYPTO_HASH_BYTES ||
	    crypto_unhex(token + digits + 1, sent, sizeof(sent)) != 0)
		return 0;
	customer_id = strtoll(token, NULL, 10);
	token_mac(ctx, customer_id, mac);
	return crypto_equal(mac, sent, sizeof(mac)) ? customer_id : 0;
}

/* 1 when address may stand inside <mailto:…> in a header: no space, no
 * control byte, nothing that ends the bracket or the list. */
static int
mailto_ok(const char *address)
{
	const unsigned char *p;

	if (address == NULL || strchr(address, '@') == NULL)
		return 0;
	for (p = (const unsigned char *)address; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>,\"?&%", *p) != NULL)
			return 0;
	return 1;
}

int
unsubscribe_links(const struct shop_context *ctx, long long customer_id, char *url,
    size_t url_size, char *header)
{
	char base[300], token[UNSUBSCRIBE_TOKEN_SIZE];
	const char *mailto = ctx->shop->sender_email;

	if (context_link_base(ctx, base, sizeof(base)) != 0)
		return -1;
	unsubscribe_token(ctx, customer_id, token);
	snprintf(url, url_size, "%s/account/unsubscribe?token=%s", base, token);
	/* not the installation's Mail.From: nobody reads it, and a mail
	 * client's "unsubscribe" sent there would change nothing */
	if (mailto_ok(mailto))
		snprintf(header, UNSUBSCRIBE_HEADER_SIZE, "<%s>, <mailto:%s?subject=unsubscribe>", url,
		    mailto);
	else
		snprintf(header, UNSUBSCRIBE_HEADER_SIZE, "<%s>", url);
	return 0;
}
