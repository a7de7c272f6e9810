/*
 * Shop contexts outside a request (the CLI, the worker: app.c makes a
 * request's), and what every caller shares: the language link of mail and
 * the event writer.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "core_sql.h"
#include "log.h"
#include "settings.h"
#include "text.h"

int
context_for_shop(struct shop_context *ctx, struct db *db, HDF *config, long long shop_id,
    enum context_actor actor)
{
	struct db_query *query = &core_sql[CORE_SHOP_BY_ID];
	struct db_param param = DB_INT(shop_id);
	int found;

	memset(ctx, 0, sizeof(*ctx));
	ctx->db = db;
	ctx->config = config;
	ctx->secret = settings_secret(config);
	ctx->data_dir = settings_data_dir(config);
	ctx->actor = actor;
	ctx->own_shop = calloc(1, sizeof(*ctx->own_shop));
	ctx->shop = ctx->own_shop;
	if (ctx->own_shop == NULL || ctx->secret == NULL || db_exec(db, query, &param, 1) < 0)
		return -1;
	found = shop_read(query, ctx->own_shop);
	if (found != 1)
		return found;
	ctx->shop_id = ctx->own_shop->id;
	ctx->page_lang = ctx->own_shop->lang;
	if (lang_load(&ctx->own_hdf, ctx->data_dir, NULL) != 0)
		return -1;
	ctx->hdf = ctx->own_hdf;
	hdf_set_value(ctx->hdf, "Shop.Name", ctx->own_shop->name);
	context_link_lang(ctx, NULL);
	context_set_link_base(ctx, "https", ctx->own_shop->host, NULL);
	return 1;
}

void
context_set_link_base(struct shop_context *ctx, const char *scheme, const char *host,
    const char *port)
{
	size_t len;

	ctx->link_base[0] = '\0';
	if (ctx->shop->public_url[0] != '\0') {
		snprintf(ctx->link_base, sizeof(ctx->link_base), "%s", ctx->shop->public_url);
		len = strlen(ctx->link_base);
		while (len > 0 && ctx->link_base[len - 1] == '/')
			ctx->link_base[--len] = '\0';
	} else if (host != NULL && host[0] != '\0') {
		snprintf(ctx->link_base, sizeof(ctx->link_base), "%s://%s%s%s", scheme, host,
		    port != NULL && port[0] != '\0' ? ":" : "", port != NULL ? port : "");
	}
}

int
context_link_base(const struct shop_context *ctx, char *out, size_t size)
{
	if (ctx->link_base[0] == '\0') {
		log_err("shop %s has no host nor URL for mailed links (fidele-admin shop set-url;"
		    " or shop host add, for a shop found by its Host)", ctx->shop->slug);
		return -1;
	}
	snprintf(out, size, "%s", ctx->link_base);
	return 0;
}

void
context_end(struct shop_context *ctx)
{
	if (ctx->own_hdf != NULL)
		hdf_destroy(&ctx->own_hdf);
	free(ctx->own_shop);
	ctx->own_shop = NULL;
	ctx->shop = NULL;
	ctx->hdf = NULL;
}

void
context_link_lang(struct shop_context *ctx, const char *code)
{
	int lang = lang_from_code(code);

	if (lang < 0)
		lang = ctx->page_lang;
	lang_link(ctx->hdf, lang);
	hdf_set_value(ctx->hdf, "Page.Lang", lang_codes[lang]);
}

int
event_add(struct shop_context *ctx, long long customer_id, long long admin_id,
    const char *kind, const char *detail)
{
	struct db_param params[7] = {
		DB_INT(ctx->shop_id), customer_id ? DB_INT(customer_id) : DB_NULL,
		admin_id ? DB_INT(admin_id) : DB_NULL,
		ctx->actor == ACTOR_KEY ? DB_INT(ctx->actor_id) : DB_NULL,
		DB_TEXT(kind), DB_TEXT(detail ? detail : ""), DB_TEXT(ctx->ip)
	};

	return db_exec(ctx->db, &core_sql[CORE_EVENT_INSERT], params, 7) < 0 ? -1 : 0;
}

void
shop_from_row(struct db_query *query, struct shop *out)
{
	const char *lang = db_text(query, 3);

	memset(out, 0, sizeof(*out));
	out->id = db_int(query, 0);
	/* copies cut between characters (snprintf's "%s" cost a request
	 * 600 instructions each) */
	text_copy_utf8(out->slug, sizeof(out->slug), db_text_or(query, 1, ""));
	/* up to 200 characters of 4 bytes each */
	text_copy_utf8(out->name, sizeof(out->name), db_text_or(query, 2, ""));
	text_copy_utf8(out->currency, sizeof(out->currency), db_text_or(query, 4, ""));
	text_copy_utf8(out->mode, sizeof(out->mode), db_text_or(query, 5, ""));
	text_copy_utf8(out->sender_name, sizeof(out->sender_name), db_text_or(query, 6, ""));
	text_copy_utf8(out->sender_email, sizeof(out->sender_email), db_text_or(query, 7, ""));
	text_copy_utf8(out->public_url, sizeof(out->public_url), db_text_or(query, 8, ""));
	text_copy_utf8(out->time_zone, sizeof(out->time_zone), db_text_or(query, 9, "UTC"));
	out->lang = lang_from_code(lang) == LANG_EN ? LANG_EN : LANG_FR;
}

int
shop_read(struct db_query *query, struct shop *out)
{
	int found = db_fetch(query);

	memset(out, 0, sizeof(*out));
	if (found == 1) {
		shop_from_row(query, out);
		/* CORE_SHOP_BY_ID adds the shop's first host */
		if (db_text(query, 10) != NULL)
			snprintf(out->host, sizeof(out->host), "%s", db_text(query, 10));
	}
	db_done(query);
	return found;
}
