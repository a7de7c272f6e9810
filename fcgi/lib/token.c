/*
 * Link tokens and codes. The database sees HMACs only: the token behind a
 * link, the handle behind a code form and the code itself are all hashed
 * under the installation's secret. A code is bound to its token (to the
 * stored HMAC of the token), so that it can be checked whether the token
 * was found by the handle of the page that asked for it or by the address
 * typed beside the code on another device.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core_sql.h"
#include "crypto.h"
#include "token.h"

/* The address a change of address waits for (token_set_new_email): a
 * table of its own, registered on first use, beside the core's. */
enum token_address_sql { SQL_SET_NEW_EMAIL, SQL_NEW_EMAIL, TOKEN_ADDRESS_SQL__MAX };

static struct db_query token_address_sql[TOKEN_ADDRESS_SQL__MAX] = {
	[SQL_SET_NEW_EMAIL] = { .sql =
	    "UPDATE login_token SET new_email = ? WHERE token_hash = ? AND shop_id = ?" },
	[SQL_NEW_EMAIL] = { .sql =
	    "SELECT new_email FROM login_token WHERE id = ? AND shop_id = ?" },
};

/* HMAC(secret, label ":" text [":" extra]) into out. */
static void
keyed_hash_with(const char *secret, const char *label, const char *text, const char *extra,
    unsigned char *out)
{
	char message[200];

	snprintf(message, sizeof(message), "%s:%s%s%s", label, text, extra ? ":" : "",
	    extra ? extra : "");
	crypto_hmac(secret, message, strlen(message), out);
}

static int
random_hex(char *out)
{
	unsigned char raw[CRYPTO_TOKEN_BYTES];

	if (crypto_random(raw, sizeof(raw)) != 0)
		return -1;
	crypto_hex(raw, sizeof(raw), out);
	return 0;
}

/* Six uniformly random digits (rejection sampling avoids a modulo bias). */
static int
random_code(char *out)
{
	unsigned int value;

	do {
		if (crypto_random((unsigned char *)&value, sizeof(value)) != 0)
			return -1;
	} while (value >= 4294000000u);
	snprintf(out, 7, "%06u", value % 1000000u);
	return 0;
}

/* The stored hash of a code: HMAC(secret, "code:" hex(token_hash) ":" code). */
static void
code_hash_with(const char *secret, const unsigned char *token_hash, const char *code,
    unsigned char *out)
{
	char token_hex[2 * 32 + 1];

	crypto_hex(token_hash, 32, token_hex);
	keyed_hash_with(secret, "code", token_hex, code, out);
}

void
token_decoy_handle(struct token_new *out)
{
	if (random_hex(out->handle) != 0)
		memset(out->handle, '0', 64);
	out->handle[64] = '\0';
}

int
token_create(struct shop_context *ctx, const char *purpose, long long customer_id,
    long long admin_id, int with_code, const char *return_path, int minutes,
    struct token_new *out)
{
	unsigned char token_hash[32], handle_hash[32], code_hash[32];
	struct db_param params[9];

	memset(out, 0, sizeof(*out));
	if (random_hex(out->token) != 0 || random_hex(out->handle) != 0 ||
	    (with_code && random_code(out->code) != 0))
		return -1;
	keyed_hash_with(ctx->secret, "link", out->token, NULL, token_hash);
	keyed_hash_with(ctx->secret, "handle", out->handle, NULL, handle_hash);
	if (with_code)
		code_hash_with(ctx->secret, token_hash, out->code, code_hash);
	params[0] = DB_INT(ctx->shop_id);
	params[1] = customer_id ? DB_INT(customer_id) : DB_NULL;
	params[2] = admin_id ? DB_INT(admin_id) : DB_NULL;
	params[3] = DB_TEXT(purpose);
	params[4] = DB_BLOB(token_hash, sizeof(token_hash));
	params[5] = with_code ? DB_BLOB(code_hash, sizeof(code_hash)) : DB_NULL;
	params[6] = DB_BLOB(handle_hash, sizeof(handle_hash));
	params[7] = DB_TEXT(return_path);
	params[8] = DB_INT(minutes);
	return db_exec(ctx->db, &core_sql[CORE_TOKEN_INSERT], params, 9) < 0 ? -1 : 0;
}

/* Copies the current row of a CORE_TOKEN_BY_* query into out. */
static void
token_from_row(struct db_query *query, struct token_found *out)
{
	const char *code_hash = db_text(query, 4);
	const char *token_hash = db_text(query, 5);

	memset(out, 0, sizeof(*out));
	out->id = db_int(query, 0);
	out->customer_id = db_int(query, 1);
	out->admin_id = db_int(query, 2);
	snprintf(out->return_path, sizeof(out->return_path), "%s",
	    db_text(query, 3) ? db_text(query, 3) : "");
	if (code_hash != NULL && db_length(query, 4) == sizeof(out->code_hash)) {
		memcpy(out->code_hash, code_hash, sizeof(out->code_hash));
		out->has_code = 1;
	}
	if (token_hash != NULL && db_length(query, 5) == sizeof(out->token_hash))
		memcpy(out->token_hash, token_hash, sizeof(out->token_hash));
}

int
token_find(struct shop_context *ctx, const char *purpose, const char *hex, int by_handle,
    struct token_found *out)
{
	struct db_query *query = &core_sql[by_handle ? CORE_TOKEN_BY_HANDLE : CORE_TOKEN_BY_HASH];
	unsigned char hash[32];
	struct db_param params[3];
	int found;

	memset(out, 0, sizeof(*out));
	keyed_hash_with(ctx->secret, by_handle ? "handle" : "link", hex, NULL, hash);
	params[0] = DB_BLOB(hash, sizeof(hash));
	params[1] = DB_INT(ctx->shop_id);
	params[2] = DB_TEXT(purpose);
	if (db_exec(ctx->db, query, params, 3) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		token_from_row(query, out);
	db_done(query);
	return found;
}

/* 1 when code is the token's code, else 0; changes nothing. */
static int
code_matches(const struct shop_context *ctx, const struct token_found *token, const char *code)
{
	unsigned char typed[32];

	code_hash_with(ctx->secret, token->token_hash, code, typed);
	return token->has_code && crypto_equal(typed, token->code_hash, sizeof(typed));
}

int
token_check_code(struct shop_context *ctx, const struct token_found *token, const char *code)
{
	struct db_param params[2];

	if (code_matches(ctx, token, code))
		return 1;
	params[0] = DB_INT(TOKEN_CODE_TRIES);
	params[1] = DB_INT(token->id);
	return db_exec(ctx->db, &core_sql[CORE_TOKEN_CODE_TRY], params, 2) < 0 ? -1 : 0;
}

int
token_find_by_code(struct shop_context *ctx, const char *email, const char *code,
    struct token_found *out)
{
	struct db_query *query = &core_sql[CORE_TOKEN_BY_ADDRESS];
	struct token_found candidate;
	struct db_param params[4];
	int found, right = 0, rows = 0;

	memset(out, 0, sizeof(*out));
	params[0] = DB_INT(ctx->shop_id);
	params[1] = DB_TEXT(email);
	if (db_exec(ctx->db, query, params, 2) < 0)
		return -1;
	/* every candidate is checked, so that the time taken does not tell
	 * which one was right */
	while ((found = db_fetch(query)) == 1) {
		rows++;
		token_from_row(query, &candidate);
		if (code_matches(ctx, &candidate, code) && !right) {
			*out = candidate;
			right = 1;
		}
	}
	db_done(query);
	if (found < 0)
		return -1;
	if (rows == 0) {
		/* an unknown address pays for one check too */
		memset(&candidate, 0, sizeof(candidate));
		code_matches(ctx, &candidate, code);
	}
	if (right)
		return 1;
	if (rows > 0)
		out->customer_id = candidate.customer_id;	/* whose code was wrong */
	params[0] = DB_INT(TOKEN_CODE_TRIES);
	params[1] = DB_INT(ctx->shop_id);
	params[2] = DB_INT(ctx->shop_id);
	params[3] = DB_TEXT(email);
	return db_exec(ctx->db, &core_sql[CORE_TOKEN_CODE_TRY_BY_ADDRESS], params, 4) < 0
	    ? -1 : 0;
}

int
token_consume(struct shop_context *ctx, const struct token_found *token)
{
	struct db_param params[3];
	long long rows;

	params[0] = DB_INT(token->id);
	rows = db_exec(ctx->db, &core_sql[CORE_TOKEN_USE], params, 1);
	if (rows <= 0)
		return rows < 0 ? -1 : 0;
	params[0] = DB_INT(ctx->shop_id);
	params[1] = token->customer_id ? DB_INT(token->customer_id) : DB_NULL;
	params[2] = token->admin_id ? DB_INT(token->admin_id) : DB_NULL;
	return db_exec(ctx->db, &core_sql[CORE_TOKEN_VOID_OTHERS], params, 3) < 0 ? -1 : 1;
}

static int
token_address_ready(struct db *db)
{
	return db_register(db, token_address_sql, TOKEN_ADDRESS_SQL__MAX);
}

int
token_set_new_email(struct shop_context *ctx, const struct token_new *token, const char *email)
{
	unsigned char hash[32];
	struct db_param params[3];

	keyed_hash_with(ctx->secret, "link", token->token, NULL, hash);
	params[0] = DB_TEXT(email);
	params[1] = DB_BLOB(hash, sizeof(hash));
	params[2] = DB_INT(ctx->shop_id);
	if (token_address_ready(ctx->db) != 0)
		return -1;
	return db_exec(ctx->db, &token_address_sql[SQL_SET_NEW_EMAIL], params, 3) == 1 ? 0 : -1;
}

int
token_new_email(struct shop_context *ctx, const struct token_found *token, char *out,
    size_t size)
{
	struct db_query *query = &token_address_sql[SQL_NEW_EMAIL];
	struct db_param params[2] = { DB_INT(token->id), DB_INT(ctx->shop_id) };
	int status = -1;

	if (token_address_ready(ctx->db) != 0 || db_exec(ctx->db, query, params, 2) < 0)
		return -1;
	if (db_fetch(query) == 1 && db_text(query, 0) != NULL && size > 0) {
		snprintf(out, size, "%s", db_text(query, 0));
		status = 0;
	}
	db_done(query);
	return status;
}
