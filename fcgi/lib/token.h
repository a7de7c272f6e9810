/*
 * Tokens mailed in links (sign-in, password reset): 256 random bits, only
 * an HMAC under Security.Secret stored, ten minutes, single use. A token
 * may come with a 6-digit code that can be typed instead of following the
 * link: on the page that asked for it, which knows the token only by an
 * opaque handle, or anywhere else beside the customer's address. Five
 * wrong codes kill the token. Every function takes a shop context
 * (context.h): a page passes its request's, the CLI its own.
 */
#ifndef FIDELE_TOKEN_H
#define FIDELE_TOKEN_H

#include "context.h"

#define TOKEN_MINUTES 10
#define TOKEN_CODE_TRIES 5

/* What a new token gives the caller to mail and to show. */
struct token_new {
	char token[65];		/* hex, for the link */
	char handle[65];	/* hex, for the code form */
	char code[7];		/* six digits, when asked for */
};

/* A valid token found by its link or its handle. */
struct token_found {
	long long id;
	long long customer_id;	/* 0 for an admin's token */
	long long admin_id;	/* 0 for a customer's token */
	char return_path[501];
	unsigned char token_hash[32];	/* what the code is bound to */
	unsigned char code_hash[32];
	int has_code;
};

/* Creates a token for purpose ("customer_login", "admin_password", …) and
 * one owner of the context's shop, for a page, the CLI or the worker alike;
 * with_code adds a code. Returns 0 or -1. */
int token_create(struct shop_context *ctx, const char *purpose, long long customer_id,
    long long admin_id, int with_code, const char *return_path, int minutes,
    struct token_new *out);

/* A random handle that belongs to no token, so that the code page of an
 * unknown address looks like any other. */
void token_decoy_handle(struct token_new *out);

/* Finds a live token of purpose by the hex from a link (by_handle = 0) or
 * from a code form (by_handle = 1), among the context's shop's. Returns 1
 * found, 0 not (unknown, used, expired, another shop's), -1 on a database
 * error. */
int token_find(struct shop_context *ctx, const char *purpose, const char *hex, int by_handle,
    struct token_found *out);

/* Checks a typed code against a token found by its handle. A wrong code
 * counts as one of its TOKEN_CODE_TRIES. Returns 1 right, 0 wrong, -1 on a
 * database error. */
int token_check_code(struct shop_context *ctx, const struct token_found *token, const char *code);

/* Finds the live customer_login token of this shop's customer with the
 * (normalised) address email whose code is code. A wrong code counts as one
 * try of each of that customer's live codes, and the last try kills the
 * code but not the link (anyone can type an address); an unknown address
 * takes the same steps and finds nothing. Returns 1 found (out filled), 0 not (then
 * out->customer_id names the customer whose live codes were tried, or is 0),
 * -1 on a database error. */
int token_find_by_code(struct shop_context *ctx, const char *email, const char *code,
    struct token_found *out);

/* Uses the token up and voids every other live token of its owner, inside
 * the caller's transaction. Returns 1 when this caller used it, 0 when
 * another one got there first, -1 on a database error. */
int token_consume(struct shop_context *ctx, const struct token_found *token);

/* A change of address (purpose "email_change") waits in its token until
 * the link mailed to the new address is followed (sql/017,
 * login_token.new_email). token_set_new_email writes the (normalised)
 * address into the token just made, token_new_email reads it back from a
 * token found into out. Each returns 0, or -1 on a database error (or, for
 * token_new_email, when the token holds no address). */
int token_set_new_email(struct shop_context *ctx, const struct token_new *token,
    const char *email);
int token_new_email(struct shop_context *ctx, const struct token_found *token, char *out,
    size_t size);

#endif
