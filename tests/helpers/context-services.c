/*
 * The services a page calls, called as the worker would call them: with a
 * shop context made by context_for_shop and no request at all, for
 * tests/web/test_context.py, against the test stack's database
 * (FIDELE_CONFIG). That it links proves the services need no request;
 * what it prints lets the test check they behave as they do for pages.
 *
 *   context-services link-base <slug>       prints the start of the shop's
 *                                           mailed links; exit 1 (and the
 *                                           reason on stderr) when it has none
 *   context-services tokens <slug> <email>  makes a password link with a
 *                                           code for the shop's admin email,
 *                                           then prints "step: result" for
 *                                           finding it by link and by handle,
 *                                           a wrong code, the right code,
 *                                           using it twice and finding it again
 *   context-services limits <slug> <key>    prints whether a 2-a-minute limit
 *                                           on key is used up, before and
 *                                           after each of three hits
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/lib/core_sql.h"
#include "../../fcgi/lib/log.h"
#include "../../fcgi/lib/ratelimit.h"
#include "../../fcgi/lib/settings.h"
#include "../../fcgi/lib/token.h"

/* The id in the first row of sql with its n params, or 0. */
static long long
id_of(struct db *db, const char *sql, const struct db_param *params, size_t n)
{
	struct db_query query = { .sql = sql };
	long long id = 0;

	if (db_prepare(db, &query) != 0)
		return 0;
	if (db_exec(db, &query, params, n) >= 0 && db_fetch(&query) == 1)
		id = db_int(&query, 0);
	db_done(&query);
	db_release(&query);
	return id;
}

static int
print_link_base(struct shop_context *ctx)
{
	char base[300];

	if (context_link_base(ctx, base, sizeof(base)) != 0)
		return 1;
	printf("%s\n", base);
	return 0;
}

static int
tokens(struct shop_context *ctx, const char *email)
{
	struct db_param params[2] = { DB_INT(ctx->shop_id), DB_TEXT(email) };
	long long admin_id = id_of(ctx->db, "SELECT id FROM admin WHERE shop_id = ? AND email = ?",
	    params, 2);
	struct token_new made;
	struct token_found by_link, by_handle, again;
	char wrong[12];

	if (admin_id == 0 || db_begin(ctx->db) != 0 ||
	    token_create(ctx, "admin_password", 0, admin_id, 1, NULL, TOKEN_MINUTES, &made) != 0 ||
	    db_commit(ctx->db) != 0)
		return 1;
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(made.code) + 1) % 1000000);
	printf("by link: %d\n", token_find(ctx, "admin_password", made.token, 0, &by_link));
	printf("same admin: %d\n", by_link.admin_id == admin_id);
	printf("as another purpose: %d\n",
	    token_find(ctx, "customer_login", made.token, 0, &again));
	printf("by handle: %d\n", token_find(ctx, "admin_password", made.handle, 1, &by_handle));
	printf("wrong code: %d\n", token_check_code(ctx, &by_handle, wrong));
	printf("right code: %d\n", token_check_code(ctx, &by_handle, made.code));
	if (db_begin(ctx->db) != 0)
		return 1;
	printf("used: %d\n", token_consume(ctx, &by_link));
	printf("used again: %d\n", token_consume(ctx, &by_link));
	if (db_commit(ctx->db) != 0)
		return 1;
	printf("by link after use: %d\n", token_find(ctx, "admin_password", made.token, 0, &again));
	return 0;
}

static int
limits(struct shop_context *ctx, const char *key)
{
	static const struct ratelimit rule = { "context-services", 2, 60 };
	int hit;

	for (hit = 0; hit <= 3; hit++) {
		printf("after %d: %d\n", hit, ratelimit_exceeded(ctx, &rule, key));
		if (hit < 3 && ratelimit_hit(ctx, &rule, key) != 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct shop_context ctx;
	struct db_param slug;
	HDF *config;
	struct db db;
	long long shop_id;
	int status = 2;

	log_program("context-services");
	if (argc < 3)
		return 2;
	config = settings_load();
	if (config == NULL)
		return 1;
	if (db_connect(&db, config) != 0 || db_register(&db, core_sql, CORE_SQL__MAX) != 0) {
		hdf_destroy(&config);
		return 1;
	}
	slug = DB_TEXT(argv[2]);
	shop_id = id_of(&db, "SELECT id FROM shop WHERE slug = ?", &slug, 1);
	if (shop_id == 0)
		log_err("no shop %s", argv[2]);
	else if (context_for_shop(&ctx, &db, config, shop_id, ACTOR_WORKER) != 1)
		status = 1;
	else if (strcmp(argv[1], "link-base") == 0 && argc == 3)
		status = print_link_base(&ctx);
	else if (strcmp(argv[1], "tokens") == 0 && argc == 4)
		status = tokens(&ctx, argv[3]);
	else if (strcmp(argv[1], "limits") == 0 && argc == 4)
		status = limits(&ctx, argv[3]);
	if (shop_id != 0)
		context_end(&ctx);
	db_close(&db);
	hdf_destroy(&config);
	return status;
}
