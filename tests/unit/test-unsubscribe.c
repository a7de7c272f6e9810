/* Unit tests for fcgi/lib/unsubscribe.c: the signed links of one-click
 * unsubscribe, a table of tokens and what each must give. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "../../fcgi/lib/unsubscribe.h"
#include "tap.h"

int
main(void)
{
	struct shop shop_alpha = { .id = 1 }, shop_beta = { .id = 2 };
	struct shop_context alpha = { .shop_id = 1, .shop = &shop_alpha, .secret = "s3cret" };
	struct shop_context beta = { .shop_id = 2, .shop = &shop_beta, .secret = "s3cret" };
	struct shop_context other_secret = { .shop_id = 1, .shop = &shop_alpha, .secret = "other" };
	char good[UNSUBSCRIBE_TOKEN_SIZE], token[UNSUBSCRIBE_TOKEN_SIZE + 8];
	const char *mac;
	size_t i;

	unsubscribe_token(&alpha, 42, good);
	mac = strchr(good, '-') + 1;
	ok(strncmp(good, "42-", 3) == 0 && strlen(mac) == 64, "a token is the id, '-' and 64 hex");
	ok(unsubscribe_token_customer(&alpha, good) == 42, "the shop's own token names its customer");
	unsubscribe_token(&alpha, 42, token);
	is_str(token, good, "one customer has one token (no expiry, nothing stored)");
	ok(unsubscribe_token_customer(&beta, good) == 0, "another shop's token is refused");
	ok(unsubscribe_token_customer(&other_secret, good) == 0,
	    "a token made under another secret is refused");
	{
		struct {
			const char *what;
			char text[UNSUBSCRIBE_TOKEN_SIZE + 8];
		} bad[8];

		snprintf(bad[0].text, sizeof(bad[0].text), "43-%s", mac);
		bad[0].what = "another id with the same signature";
		snprintf(bad[1].text, sizeof(bad[1].text), "042-%s", mac);
		bad[1].what = "the id with a leading zero";
		snprintf(bad[2].text, sizeof(bad[2].text), "42-%.63s%c", mac,
		    mac[63] == '0' ? '1' : '0');
		bad[2].what = "the signature's last digit changed";
		snprintf(bad[3].text, sizeof(bad[3].text), "42-%.63s", mac);
		bad[3].what = "a signature cut short";
		snprintf(bad[4].text, sizeof(bad[4].text), "%s0", good);
		bad[4].what = "a signature too long";
		snprintf(bad[5].text, sizeof(bad[5].text), "42%s", mac);
		bad[5].what = "no separator";
		snprintf(bad[6].text, sizeof(bad[6].text), "-%s", mac);
		bad[6].what = "no id";
		snprintf(bad[7].text, sizeof(bad[7].text), "1234567890123456789-%s", mac);
		bad[7].what = "an id of 19 digits";
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			ok(unsubscribe_token_customer(&alpha, bad[i].text) == 0, bad[i].what);
	}
	ok(unsubscribe_token_customer(&alpha, "") == 0, "an empty token is refused");
	ok(unsubscribe_token_customer(&alpha, NULL) == 0, "no token is refused");
	return tap_done();
}
