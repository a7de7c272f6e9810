/*
 * The signed links of one-click unsubscribe (RFC 8058, RFC 2369). Every
 * marketing mail (mail_queue_marketing, mail.h) carries a link to
 * /account/unsubscribe?token=… in its List-Unsubscribe header and its
 * text: the token is the customer's id and an HMAC-SHA256 under
 * Security.Secret of the shop and the customer, so no table keeps them
 * and a mail of any age still works.
 *
 * No expiry: a mailbox provider's button, or a person reading an old
 * newsletter, may follow the link months later, and the law asks that
 * withdrawing be always as easy as giving; the token can do nothing but
 * withdraw one shop's marketing consent of one customer (a replay changes
 * nothing). Changing Security.Secret voids every such link at once.
 */
#ifndef FIDELE_UNSUBSCRIBE_H
#define FIDELE_UNSUBSCRIBE_H

#include <stddef.h>

#include "context.h"

/* Longest token: 20 digits, '-', 64 hex characters, NUL. */
#define UNSUBSCRIBE_TOKEN_SIZE 88
/* Longest List-Unsubscribe value (outbox.list_unsubscribe). */
#define UNSUBSCRIBE_HEADER_SIZE 1000

/* Writes the token of the context's shop's customer customer_id
 * ("<id>-<hex HMAC>") into out (UNSUBSCRIBE_TOKEN_SIZE bytes). */
void unsubscribe_token(const struct shop_context *ctx, long long customer_id, char *out);

/* The customer a token names when its signature is this shop's (checked
 * in constant time), else 0: garbage, a tampered id or signature, another
 * shop's token, a token made under another secret. */
long long unsubscribe_token_customer(const struct shop_context *ctx, const char *token);

/* Writes the link of the unsubscribe page (url, url_size bytes) and the
 * List-Unsubscribe header's value (header, UNSUBSCRIBE_HEADER_SIZE bytes):
 * "<https link>, <mailto:ADDRESS?subject=unsubscribe>", the mailto being
 * the shop's own sender address, where replies go and a person of the
 * shop reads them; left out when the shop has none (the installation's
 * Mail.From is read by nobody) or it is not a plain address. Returns 0,
 * or -1 when the shop has no link base (logged). */
int unsubscribe_links(const struct shop_context *ctx, long long customer_id, char *url,
    size_t url_size, char *header);

#endif
