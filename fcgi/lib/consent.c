/*
 * The consent ledger and its wordings (consent.h, sql/017).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "consent.h"
#include "crypto.h"
#include "log.h"
#include "text.h"

const char *const consent_purpose_names[CONSENT_PURPOSE__MAX] = {
	"marketing", "system_mail", "creation"
};

const char *const consent_channel_names[CONSENT_CHANNEL__MAX] = {
	"signup", "confirm", "admin", "import", "unsubscribe", "profile", "api"
};

enum consent_sql {
	SQL_CUSTOMER,
	SQL_APPEND,
	SQL_MARKETING,
	SQL_SYSTEM_MAIL,
	SQL_TEXT_NEWEST,
	SQL_TEXT_ADD,
	SQL_LATEST,
	CONSENT_SQL__MAX
};

static struct db_query consent_sql[CONSENT_SQL__MAX] = {
	/* locks the customer while the entry and the flag are written */
	[SQL_CUSTOMER] = { .sql =
	    "SELECT email FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL"
	    " FOR UPDATE" },
	[SQL_APPEND] = { .sql =
	    "INSERT INTO consent (shop_id, customer_id, purpose, granted, source, actor, admin_id,"
	    " import_id, text_id, email_hash, ip, statement)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" },
	[SQL_MARKETING] = { .sql =
	    "UPDATE customer SET marketing_consent = ? WHERE id = ? AND shop_id = ?" },
	[SQL_SYSTEM_MAIL] = { .sql =
	    "UPDATE customer SET system_mail = ? WHERE id = ? AND shop_id = ?" },
	[SQL_TEXT_NEWEST] = { .sql =
	    "SELECT id, version, body FROM consent_text"
	    " WHERE shop_id = ? AND purpose = ? AND language = ?"
	    " ORDER BY version DESC LIMIT 1" },
	/* the next version; a writer that lost the race to it gets a
	 * duplicate and reads the winner's */
	[SQL_TEXT_ADD] = { .sql =
	    "INSERT INTO consent_text (shop_id, purpose, language, version, body, body_sha256,"
	    " admin_id) VALUES (?, ?, ?, ?, ?, ?, ?)" },
	[SQL_LATEST] = { .sql =
	    "SELECT granted, source, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') FROM consent"
	    " WHERE shop_id = ? AND customer_id = ? AND purpose = ?"
	    " ORDER BY id DESC LIMIT 1" },
};

static int
consent_ready(struct db *db)
{
	return db_register(db, consent_sql, CONSENT_SQL__MAX);
}

void
consent_email_hash(const char *email, unsigned char out[32])
{
	crypto_sha256(email, strlen(email), out);
}

/* Who acts, as the ledger names it, and the admin behind it. */
static const char *
actor_name(const struct shop_context *ctx, const struct consent_entry *entry)
{
	switch (ctx->actor) {
	case ACTOR_ADMIN:
		return "admin";
	case ACTOR_CUSTOMER:
	case ACTOR_VISITOR:
		return "customer";
	case ACTOR_KEY:
		return "api";
	case ACTOR_WORKER:
		return entry->import_id != 0 ? "import" : "system";
	case ACTOR_CLI:
		break;
	}
	return "system";
}

static struct db_param
acting_admin(const struct shop_context *ctx)
{
	return (ctx->actor == ACTOR_ADMIN || ctx->actor == ACTOR_WORKER) && ctx->actor_id != 0 ?
	    DB_INT(ctx->actor_id) : DB_NULL;
}

int
consent_record(struct shop_context *ctx, long long customer_id,
    const struct consent_entry *entry)
{
	struct db_param lock[2] = { DB_INT(customer_id), DB_INT(ctx->shop_id) };
	unsigned char hash[32];
	int has_hash = 0, found;
	char detail[96];

	if (entry->purpose < 0 || entry->purpose >= CONSENT_PURPOSE__MAX ||
	    entry->channel < 0 || entry->channel >= CONSENT_CHANNEL__MAX ||
	    consent_ready(ctx->db) != 0 ||
	    db_exec(ctx->db, &consent_sql[SQL_CUSTOMER], lock, 2) < 0)
		return -1;
	found = db_fetch(&consent_sql[SQL_CUSTOMER]);
	if (found == 1 && db_text(&consent_sql[SQL_CUSTOMER], 0) != NULL) {
		consent_email_hash(db_text(&consent_sql[SQL_CUSTOMER], 0), hash);
		has_hash = 1;
	}
	db_done(&consent_sql[SQL_CUSTOMER]);
	if (found < 0)
		return -1;
	if (found == 0)
		return CONSENT_NOT_FOUND;
	{
		struct db_param row[12] = {
			DB_INT(ctx->shop_id), DB_INT(customer_id),
			DB_TEXT(consent_purpose_names[entry->purpose]), DB_INT(entry->granted ? 1 : 0),
			DB_TEXT(consent_channel_names[entry->channel]), DB_TEXT(actor_name(ctx, entry)),
			acting_admin(ctx), entry->import_id ? DB_INT(entry->import_id) : DB_NULL,
			entry->text_id ? DB_INT(entry->text_id) : DB_NULL,
			has_hash ? DB_BLOB(hash, 32) : DB_NULL, DB_TEXT(ctx->ip),
			DB_TEXT(entry->statement ? entry->statement : "")
		};

		if (db_exec(ctx->db, &consent_sql[SQL_APPEND], row, 12) < 0)
			return -1;
	}
	if (entry->purpose == CONSENT_MARKETING || entry->purpose == CONSENT_SYSTEM_MAIL) {
		struct db_param flag[3] = { DB_INT(entry->granted ? 1 : 0), DB_INT(customer_id),
			DB_INT(ctx->shop_id) };

		if (db_exec(ctx->db, &consent_sql[entry->purpose == CONSENT_MARKETING ?
		    SQL_MARKETING : SQL_SYSTEM_MAIL], flag, 3) < 0)
			return -1;
	}
	snprintf(detail, sizeof(detail), "%s %s %s", consent_purpose_names[entry->purpose],
	    entry->granted ? "granted" : "withdrawn", consent_channel_names[entry->channel]);
	if (event_add(ctx, customer_id, ctx->actor == ACTOR_ADMIN ? ctx->actor_id : 0,
	    "customer.consent", detail) != 0)
		return -1;
	return 0;
}

/* The newest wording: 1 found (id, version, body copied), 0 none, -1. */
static int
text_newest(struct shop_context *ctx, enum consent_purpose purpose, const char *language,
    long long *id, long long *version, char *body, size_t size)
{
	struct db_query *query = &consent_sql[SQL_TEXT_NEWEST];
	struct db_param params[3] = { DB_INT(ctx->shop_id),
		DB_TEXT(consent_purpose_names[purpose]), DB_TEXT(language) };
	int found;

	if (db_exec(ctx->db, query, params, 3) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		*id = db_int(query, 0);
		*version = db_int(query, 1);
		if (body != NULL && size > 0)
			text_copy_utf8(body, size, db_text(query, 2) ? db_text(query, 2) : "");
	}
	db_done(query);
	return found;
}

/* Adds version of body. Returns 1 added (*id), 0 when another writer
 * took that version first, -1. */
static int
text_add(struct shop_context *ctx, enum consent_purpose purpose, const char *language,
    long long version, const char *body, long long *id)
{
	unsigned char hash[32];
	struct db_param params[7];
	long long added;

	crypto_sha256(body, strlen(body), hash);
	params[0] = DB_INT(ctx->shop_id);
	params[1] = DB_TEXT(consent_purpose_names[purpose]);
	params[2] = DB_TEXT(language);
	params[3] = DB_INT(version);
	params[4] = DB_TEXT(body);
	params[5] = DB_BLOB(hash, 32);
	params[6] = ctx->actor == ACTOR_ADMIN && ctx->actor_id != 0 ? DB_INT(ctx->actor_id) :
	    DB_NULL;
	added = db_exec(ctx->db, &consent_sql[SQL_TEXT_ADD], params, 7);
	if (added == DB_DUPLICATE)
		return 0;
	if (added < 0)
		return -1;
	*id = (long long)db_insert_id(&consent_sql[SQL_TEXT_ADD]);
	return 1;
}

/* The enum lang of a language's code, or -1. */
static int
language_known(const char *language)
{
	int l;

	for (l = 0; l < LANG__MAX; l++)
		if (language != NULL && strcmp(language, lang_codes[l]) == 0)
			return l;
	return -1;
}

long long
consent_text_current(struct shop_context *ctx, enum consent_purpose purpose,
    const char *language, char *body, size_t size)
{
	long long id = 0, version = 0;
	char key[96];
	const char *fallback;
	HDF *words;
	int found, tries, lang = language_known(language);

	if (purpose < 0 || purpose >= CONSENT_PURPOSE__MAX || lang < 0 ||
	    consent_ready(ctx->db) != 0)
		return -1;
	for (tries = 0; tries < 2; tries++) {
		found = text_newest(ctx, purpose, language, &id, &version, body, size);
		if (found != 0)
			return found == 1 ? id : -1;
		snprintf(key, sizeof(key), "Consent.Default.%s", consent_purpose_names[purpose]);
		words = lang_tree(ctx->hdf, lang);
		fallback = words != NULL ? hdf_get_value(words, key, NULL) : NULL;
		if (fallback == NULL) {
			log_err("consent: no default wording Lang_%s.%s in the language files",
			    language, key);
			return -1;
		}
		found = text_add(ctx, purpose, language, 1, fallback, &id);
		if (found < 0)
			return -1;
		if (found == 1) {
			if (body != NULL && size > 0)
				text_copy_utf8(body, size, fallback);
			return id;
		}
	}
	return -1;
}

long long
consent_text_save(struct shop_context *ctx, enum consent_purpose purpose,
    const char *language, const char *body)
{
	static char current[CONSENT_TEXT_MAX + 1];
	long long id = 0, version = 0;
	int found, tries;

	if (body == NULL || strlen(body) > CONSENT_TEXT_MAX ||
	    consent_text_current(ctx, purpose, language, NULL, 0) < 0)
		return -1;
	for (tries = 0; tries < 3; tries++) {
		found = text_newest(ctx, purpose, language, &id, &version, current, sizeof(current));
		if (found != 1)
			return -1;
		if (strcmp(current, body) == 0)
			return id;
		found = text_add(ctx, purpose, language, version + 1, body, &id);
		if (found != 0)
			return found == 1 ? id : -1;
	}
	return -1;
}

int
consent_latest(struct shop_context *ctx, long long customer_id,
    enum consent_purpose purpose, int *granted, enum consent_channel *channel,
    char *at, size_t at_size)
{
	struct db_query *query = &consent_sql[SQL_LATEST];
	struct db_param params[3] = { DB_INT(ctx->shop_id), DB_INT(customer_id),
		DB_TEXT(consent_purpose_names[purpose]) };
	int found, c;

	if (purpose < 0 || purpose >= CONSENT_PURPOSE__MAX || consent_ready(ctx->db) != 0 ||
	    db_exec(ctx->db, query, params, 3) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		const char *source = db_text(query, 1);

		*granted = (int)db_int(query, 0);
		*channel = CONSENT_VIA_ADMIN;
		for (c = 0; c < CONSENT_CHANNEL__MAX; c++)
			if (source != NULL && strcmp(source, consent_channel_names[c]) == 0)
				*channel = (enum consent_channel)c;
		if (at != NULL && at_size > 0)
			snprintf(at, at_size, "%s", db_text(query, 2) ? db_text(query, 2) : "");
	}
	db_done(query);
	return found;
}
