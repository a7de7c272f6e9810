/*
 * Mailing a group, a tag or a segment (/admin/segments/mail, owners only):
 * the subject and the text, a preview as the customer will see it, the
 * kind (marketing: only to those whose consent allows it; a system
 * announcement: to those with system mail on) and how many will get it.
 * Only a previewed text is sent: the preview carries a digest of what it
 * showed, and a send whose text, subject or kind differs shows the preview
 * again. A test goes to the admin's own address first, as the customers
 * will get it. Sending queues a mailing that fidele-worker turns into
 * mails in batches (groups-mailing-job.h). /admin/segments/mailings lists
 * the shop's mailings with their counts, read from the outbox; each has a
 * page with its text, from which a new mailing may start.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/form_once.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/text.h"
#include "groups.h"
#include "groups-mailing-job.h"

enum mailing_sql {
	SQL_MAILING_ADD,
	SQL_JOB_ADD,
	SQL_MAILINGS,
	SQL_MAILING,
	SQL_TARGETS,
	MAILING_SQL__MAX
};

/* a mailing's row as its pages show it (mailing_to_hdf's columns), its
 * counts read from the outbox; then MAILING_FROM. target_label is what
 * the target was called when it was sent (a group renamed since keeps
 * it); a built-in segment's is said again in the reader's language. */
#define MAILING_COLUMNS \
	"m.id, m.kind, m.target_kind, m.target_label, m.subject, m.state," \
	"       m.recipient_count, DATE_FORMAT(m.created_at, '%Y-%m-%d %H:%i:%s')," \
	"       (SELECT COUNT(*) FROM outbox o WHERE o.mailing_id = m.id AND o.shop_id = m.shop_id" \
	"          AND o.status IN ('queued', 'sending'))," \
	"       (SELECT COUNT(*) FROM outbox o WHERE o.mailing_id = m.id AND o.shop_id = m.shop_id" \
	"          AND o.status = 'sent')," \
	"       (SELECT COUNT(*) FROM outbox o WHERE o.mailing_id = m.id AND o.shop_id = m.shop_id" \
	"          AND o.status IN ('failed', 'dismissed'))," \
	"       COALESCE(a.email, ''), m.target_id"
#define MAILING_FROM \
	"  FROM mailing m LEFT JOIN admin a ON a.id = m.admin_id AND a.shop_id = m.shop_id"
static const char *const mailing_columns[] = { "id", "kind", "target_kind", "target_label",
	"subject", "state", "recipients", "created", "queued", "sent", "failed", "admin",
	"target_id" };
#define MAILING_COLUMN_COUNT (sizeof(mailing_columns) / sizeof(mailing_columns[0]))
#define MAILING_TARGET_ID (MAILING_COLUMN_COUNT - 1)

static struct db_query mailing_sql[MAILING_SQL__MAX] = {
	[SQL_MAILING_ADD] = { .sql =
	    "INSERT INTO mailing (shop_id, admin_id, kind, target_kind, target_id, target_label,"
	    "                     subject, body)"
	    " VALUES (?, ?, ?, ?, ?, LEFT(?, 100), ?, ?)" },
	[SQL_JOB_ADD] = { .sql =
	    "INSERT INTO job (shop_id, admin_id, kind, total, payload)"
	    " VALUES (?, ?, '" MAILING_JOB_KIND "', ?, ?)" },
	/* the counts from the outbox (outbox_mailing: mailing_id, status) */
	[SQL_MAILINGS] = { .sql =
	    "SELECT " MAILING_COLUMNS MAILING_FROM
	    " WHERE m.shop_id = ? ORDER BY m.id DESC LIMIT 100" },
	/* one, with its text: its page, or a new mailing that starts from it */
	[SQL_MAILING] = { .sql =
	    "SELECT " MAILING_COLUMNS ", m.body" MAILING_FROM
	    " WHERE m.id = ? AND m.shop_id = ?" },
	/* what a new mailing may go to */
	[SQL_TARGETS] = { .sql =
	    "SELECT 'group', id, name FROM customer_group WHERE shop_id = ?"
	    " UNION ALL SELECT 'tag', id, name FROM tag WHERE shop_id = ?"
	    " UNION ALL SELECT 'segment', id, name FROM segment WHERE shop_id = ?"
	    " ORDER BY 1, 3 LIMIT 1000" },
};

static int
mailing_ready(struct request *req)
{
	return db_register(&req->app->db, mailing_sql, MAILING_SQL__MAX);
}

/* tests to the admin's own address, per admin */
static const struct ratelimit limit_test = { "mailing-test", 10, 3600 };

enum { MAIL_TARGET, MAIL_FROM, MAIL_GET__MAX };
const struct field mailing_compose_fields[MAIL_GET__MAX + 1] = {
	[MAIL_TARGET] = { "target", FIELD_TEXT, 1, 40, 0, 0, NULL },
	/* a mailing whose kind, subject and text the new one starts with */
	[MAIL_FROM] = { "from", FIELD_INT, 0, 0, 1, 9223372036854775807LL, NULL },
};

static const char *const action_names[] = { "preview", "send", "test", NULL };
enum { ACTION_PREVIEW, ACTION_SEND, ACTION_TEST };

/* The lengths are checked by the handler, which says which limit: the
 * door's are only there to refuse what no form sends. */
enum { POST_TARGET, POST_KIND, POST_SUBJECT, POST_TEXT, POST_ONCE, POST_ACTION, POST_CHECKED,
	MAIL_POST__MAX };
const struct field mailing_send_fields[MAIL_POST__MAX + 1] = {
	[POST_TARGET] = { "target", FIELD_TEXT, 1, 40, 0, 0, NULL },
	[POST_KIND] = { "kind", FIELD_CHOICE, 1, 0, 0, 0, mailing_kind_names },
	[POST_SUBJECT] = { "subject", FIELD_TEXT, 0, 1000, 0, 0, NULL },
	[POST_TEXT] = { "text", FIELD_MULTILINE, 0, 20000, 0, 0, NULL },
	[POST_ONCE] = { "once", FIELD_TOKEN, 1, 64, 0, 0, NULL },
	[POST_ACTION] = { "action", FIELD_CHOICE, 1, 0, 0, 0, action_names },
	/* the digest of what the last preview showed (content_digest) */
	[POST_CHECKED] = { "checked", FIELD_TOKEN, 0, 64, 0, 0, NULL },
};

/* What a built-in segment (MAILING_BUILTIN_*) is called, in the
 * request's language. */
static const char *
builtin_label(struct request *req, long long id)
{
	return request_text(req, id == MAILING_BUILTIN_NEW ? "Mailing.BuiltinNew" :
	    "Mailing.BuiltinReturning");
}

/* The target the request names, looked up in the shop. 1, or 0 after
 * answering (404: unknown, another shop's, gone; 500). */
static int
target_of(struct request *req, const char *text, struct mailing_target *target)
{
	int found;
	char value[48];

	if (mailing_target_parse(text, target) != 0) {
		page_error(req, 404, "Mailing.UnknownTarget");
		return 0;
	}
	found = mailing_target_load(&req->app->db, req->shop.id, target);
	if (found <= 0) {
		page_error(req, found < 0 ? 500 : 404, found < 0 ? NULL : "Mailing.UnknownTarget");
		return 0;
	}
	mailing_target_text(target, value, sizeof(value));
	hdf_set_value(req->hdf, "Page.Target.value", value);
	hdf_set_value(req->hdf, "Page.Target.kind", mailing_target_names[target->kind]);
	hdf_set_value(req->hdf, "Page.Target.label", target->kind == TARGET_BUILTIN ?
	    builtin_label(req, target->id) : target->label);
	return 1;
}

/* How many customers the target holds and each kind reaches, into the
 * page; recipients[kind]. 0, or -1 after answering. */
static int
counts_to_page(struct request *req, const struct mailing_target *target,
    long long recipients[MAILING_KIND__MAX])
{
	long long members = 0;
	char name[48];
	int k, status;

	for (k = 0; k < MAILING_KIND__MAX; k++) {
		status = mailing_count(&req->app->db, req->app->config, req->shop.id, target,
		    (enum mailing_kind)k, &members, &recipients[k]);
		if (status == -2) {
			page_error(req, 409, "Mailing.SegmentBroken");
			return -1;
		}
		if (status != 0) {
			page_error(req, 500, NULL);
			return -1;
		}
		snprintf(name, sizeof(name), "Page.Count.%s", mailing_kind_names[k]);
		hdf_set_int_value(req->hdf, name, (int)recipients[k]);
	}
	hdf_set_int_value(req->hdf, "Page.Count.members", (int)members);
	return 0;
}

/* A fresh one-time key for the form (form_once.h), or the one it was
 * sent with: a preview or a test keeps it for the send. */
static int
once_to_page(struct request *req, const char *sent)
{
	if (sent != NULL && strlen(sent) == 64) {
		hdf_set_value(req->hdf, "Page.Once", sent);
		return 0;
	}
	return form_once_new(req, "Page.Once");
}

/* One mailing of the shop (SQL_MAILING run, its row fetched) into node:
 * its columns, the date in the shop's time zone and the counts the local
 * way. */
static void
mailing_to_hdf(struct request *req, struct db_query *query, HDF *node)
{
	size_t c;

	for (c = 0; c < MAILING_COLUMN_COUNT; c++) {
		const char *value = db_text(query, (unsigned int)c);
		char shown[64];

		if (c == 7) {
			format_local_when(value, req->shop.time_zone, req->lang, shown,
			    sizeof(shown));
			value = shown;
		} else if (c == 6 || (c >= 8 && c <= 10)) {
			format_count(db_int(query, (unsigned int)c), req->lang, shown,
			    sizeof(shown));
			value = shown;
		}
		hdf_set_value(node, mailing_columns[c], value);
	}
	if (db_text(query, 2) != NULL &&
	    strcmp(db_text(query, 2), mailing_target_names[TARGET_BUILTIN]) == 0)
		hdf_set_value(node, "target_label", builtin_label(req, db_int(query, MAILING_TARGET_ID)));
}

/* Runs SQL_MAILING for the shop's mailing id and fetches its row: 1 (the
 * caller reads it, then db_done), 0 not the shop's, -1. */
static int
mailing_one(struct request *req, long long id)
{
	struct db_query *query = &mailing_sql[SQL_MAILING];
	struct db_param params[2] = { DB_INT(id), DB_INT(req->shop.id) };
	int found;

	if (db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found != 1)
		db_done(query);
	return found;
}

static void
compose_render(struct request *req, int status)
{
	hdf_set_value(req->hdf, "Page.Section", "mailings");
	page_render(req, status, "groups/mail.cs");
}

void
mailing_compose(struct request *req)
{
	struct mailing_target target;
	long long recipients[MAILING_KIND__MAX];
	long long from = request_field_int(req, &mailing_compose_fields[MAIL_FROM], 0);

	if (mailing_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (!target_of(req, request_field(req, &mailing_compose_fields[MAIL_TARGET]), &target) ||
	    counts_to_page(req, &target, recipients) != 0)
		return;
	if (once_to_page(req, NULL) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Form.kind", "marketing");
	if (from != 0) {
		struct db_query *query = &mailing_sql[SQL_MAILING];
		int found = mailing_one(req, from);

		if (found != 1) {
			page_error(req, found < 0 ? 500 : 404, found < 0 ? NULL : "Mailing.Unknown");
			return;
		}
		hdf_set_value(req->hdf, "Page.Form.kind", db_text(query, 1));
		hdf_set_value(req->hdf, "Page.Form.subject", db_text(query, 4));
		hdf_set_value(req->hdf, "Page.Form.text", db_text(query, MAILING_COLUMN_COUNT));
		db_done(query);
	}
	compose_render(req, 200);
}

/* Queues the mailing and its job in one transaction. */
static void
mailing_queue(struct request *req, const struct mailing_target *target, enum mailing_kind kind,
    const char *subject, const char *text, const char *once, long long recipients)
{
	struct db *db = &req->app->db;
	struct db_param params[8];
	char id[24];
	long long mailing_id;
	const char *label = hdf_get_value(req->hdf, "Page.Target.label", "");

	if (db_begin(db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	switch (form_once_take(req, once)) {
	case 1:
		break;
	case 0:
		/* sent already: the mailings, where the first one is */
		page_redirect(req, "/admin/segments/mailings");
		return;
	default:
		return;
	}
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(req->session.admin_id);
	params[2] = DB_TEXT(mailing_kind_names[kind]);
	params[3] = DB_TEXT(mailing_target_names[target->kind]);
	params[4] = DB_INT(target->id);
	params[5] = DB_TEXT(label);
	params[6] = DB_TEXT(subject);
	params[7] = DB_TEXT(text);
	if (db_exec(db, &mailing_sql[SQL_MAILING_ADD], params, 8) != 1)
		goto error;
	mailing_id = (long long)db_insert_id(&mailing_sql[SQL_MAILING_ADD]);
	snprintf(id, sizeof(id), "%lld", mailing_id);
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(req->session.admin_id);
	params[2] = DB_INT(recipients);
	params[3] = DB_TEXT(id);
	if (db_exec(db, &mailing_sql[SQL_JOB_ADD], params, 4) != 1 ||
	    event_add(&req->context, 0, req->session.admin_id, "mailing.queued", subject) != 0 ||
	    db_commit(db) != 0)
		goto error;
	page_notice(req, "mailing_queued");
	page_redirect(req, "/admin/segments/mailings");
	return;
error:
	db_rollback(db);
	page_error(req, 500, NULL);
}

/* The hex SHA-256 of what a preview shows (kind, subject, text): a send
 * goes ahead only with the digest of the preview the admin saw. 0 or -1. */
static int
content_digest(enum mailing_kind kind, const char *subject, const char *text,
    char hex[2 * 32 + 1])
{
	const char *kind_name = mailing_kind_names[kind];
	size_t k = strlen(kind_name), s = strlen(subject), t = strlen(text);
	unsigned char digest[32];
	char *all = malloc(k + s + t + 2);

	if (all == NULL)
		return -1;
	/* the parts end with a NUL: "a" + "bc" and "ab" + "c" differ */
	memcpy(all, kind_name, k + 1);
	memcpy(all + k + 1, subject, s + 1);
	memcpy(all + k + s + 2, text, t);
	crypto_sha256(all, k + s + t + 2, digest);
	free(all);
	crypto_hex(digest, sizeof(digest), hex);
	return 0;
}

/* Queues the mail as a customer would get it (in the shop's language) to
 * the signed-in admin's own address, its subject marked as a test; a
 * marketing one shows where each customer's unsubscribe link will be.
 * 0 queued, 1 the admin's tests are used up for the hour, -1. */
static int
mailing_test(struct request *req, enum mailing_kind kind, const char *subject, const char *text)
{
	struct db *db = &req->app->db;
	struct mail mail = { mailing_kind_mail[kind], req->session.admin_email, 0,
		req->session.admin_id };
	char key[24];
	int over, status = -1;

	snprintf(key, sizeof(key), "%lld", req->session.admin_id);
	over = ratelimit_exceeded(&req->context, &limit_test, key);
	if (over != 0)
		return over;
	hdf_set_valuef(req->hdf, "Mail.Subject=%s %s", request_text(req, "Mailing.TestMark"),
	    subject);
	mailing_body_hdf(req->hdf, "Mail.Body", "Mail.Text", text);
	if (kind == MAILING_MARKETING)
		hdf_set_value(req->hdf, "Mail.UnsubscribeSample", "1");
	if (db_begin(db) == 0) {
		if (mail_queue(&req->context, &mail) == 0 &&
		    ratelimit_hit(&req->context, &limit_test, key) == 0 && db_commit(db) == 0)
			status = 0;
		else
			db_rollback(db);
	}
	hdf_remove_tree(req->hdf, "Mail");
	return status;
}

void
mailing_send(struct request *req)
{
	struct mailing_target target;
	long long recipients[MAILING_KIND__MAX];
	const char *subject = request_field(req, &mailing_send_fields[POST_SUBJECT]);
	const char *text = request_field(req, &mailing_send_fields[POST_TEXT]);
	const char *once = request_field(req, &mailing_send_fields[POST_ONCE]);
	const char *checked = request_field(req, &mailing_send_fields[POST_CHECKED]);
	enum mailing_kind kind = (enum mailing_kind)request_field_choice(req,
	    &mailing_send_fields[POST_KIND], MAILING_MARKETING);
	int action = request_field_choice(req, &mailing_send_fields[POST_ACTION], ACTION_PREVIEW);
	char digest[2 * 32 + 1];
	int wrong = 0, status = 200;

	if (subject == NULL)
		subject = "";
	if (text == NULL)
		text = "";
	if (mailing_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (!target_of(req, request_field(req, &mailing_send_fields[POST_TARGET]), &target) ||
	    counts_to_page(req, &target, recipients) != 0)
		return;
	if (once_to_page(req, once) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Form.kind", mailing_kind_names[kind]);
	hdf_set_value(req->hdf, "Page.Form.subject", subject);
	hdf_set_value(req->hdf, "Page.Form.text", text);
	if (*subject == '\0') {
		hdf_set_value(req->hdf, "Page.Errors.subject", request_text(req, "Mailing.SubjectEmpty"));
		wrong = 1;
	} else if (text_length(subject) > MAILING_SUBJECT_MAX) {
		hdf_set_value(req->hdf, "Page.Errors.subject", request_text(req, "Mailing.SubjectLong"));
		wrong = 1;
	}
	if (*text == '\0') {
		hdf_set_value(req->hdf, "Page.Errors.text", request_text(req, "Mailing.TextEmpty"));
		wrong = 1;
	} else if (text_length(text) > MAILING_TEXT_MAX) {
		hdf_set_value(req->hdf, "Page.Errors.text", request_text(req, "Mailing.TextLong"));
		wrong = 1;
	}
	if (wrong) {
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Mailing.Invalid"));
		compose_render(req, 400);
		return;
	}
	hdf_set_int_value(req->hdf, "Page.Recipients", (int)recipients[kind]);
	if (action == ACTION_SEND && recipients[kind] == 0) {
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Mailing.Nobody"));
		compose_render(req, 400);
		return;
	}
	if (content_digest(kind, subject, text, digest) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (action == ACTION_SEND) {
		if (checked != NULL && crypto_equal(checked, digest, sizeof(digest) - 1)) {
			mailing_queue(req, &target, kind, subject, text, once, recipients[kind]);
			return;
		}
		/* not what the last preview showed: show it, send nothing */
		hdf_set_value(req->hdf, "Page.Message", request_text(req,
		    checked == NULL || *checked == '\0' ? "Mailing.PreviewFirst" : "Mailing.Changed"));
		status = 409;
	} else if (action == ACTION_TEST) {
		int tested = mailing_test(req, kind, subject, text);

		if (tested < 0) {
			page_error(req, 500, NULL);
			return;
		}
		if (tested == 0) {
			hdf_set_value(req->hdf, "Page.Tested", req->session.admin_email);
		} else {
			hdf_set_value(req->hdf, "Page.Message", request_text(req, "Mailing.TestTooMany"));
			status = 429;
		}
	}
	/* the preview: the mail's body as its templates show it */
	hdf_set_value(req->hdf, "Page.Checked", digest);
	hdf_set_value(req->hdf, "Page.Preview.Subject", subject);
	mailing_body_hdf(req->hdf, "Page.Preview.Body", "Page.Preview.Text", text);
	compose_render(req, status);
}

/* --- the shop's mailings -------------------------------------------------------------- */

/* What a new mailing may go to, into Page.Targets (owners). 0 or -1. */
static int
targets_to_page(struct request *req)
{
	struct db_query *query = &mailing_sql[SQL_TARGETS];
	struct db_param params[3] = { DB_INT(req->shop.id), DB_INT(req->shop.id),
		DB_INT(req->shop.id) };
	char name[48];
	HDF *node;
	int count = 0;

	if (db_exec(&req->app->db, query, params, 3) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Targets.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		hdf_set_valuef(node, "value=%s:%s", db_text(query, 0), db_text(query, 1));
		hdf_set_value(node, "kind", db_text(query, 0));
		hdf_set_value(node, "name", db_text(query, 2));
	}
	db_done(query);
	return 0;
}

void
mailings_page(struct request *req)
{
	struct db_query *query = &mailing_sql[SQL_MAILINGS];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	char name[48];
	HDF *node;
	int count = 0;

	if (mailing_ready(req) != 0 || db_exec(&req->app->db, query, params, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Mailings.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		mailing_to_hdf(req, query, node);
	}
	db_done(query);
	hdf_set_int_value(req->hdf, "Page.Count", count);
	/* an owner may write a new one: to what */
	if (req->session.admin_is_owner && targets_to_page(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Section", "mailings");
	page_render(req, 200, "groups/mailings.cs");
}

/* One mailing: who sent it when, to whom, its counts and its text as the
 * customers got it; an owner may start a new one from it. */
void
mailing_page(struct request *req)
{
	struct db_query *query = &mailing_sql[SQL_MAILING];
	struct mailing_target target;
	char value[48];
	HDF *node;
	size_t k;
	int found;

	if (mailing_ready(req) != 0 || (found = mailing_one(req, req->path_id)) < 0 ||
	    hdf_get_node(req->hdf, "Page.Mailing", &node) != STATUS_OK) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		page_error(req, 404, "Mailing.Unknown");
		return;
	}
	mailing_to_hdf(req, query, node);
	/* what a new mailing from this one is offered to first */
	memset(&target, 0, sizeof(target));
	for (k = 0; k < TARGET__MAX; k++)
		if (db_text(query, 2) != NULL && strcmp(db_text(query, 2), mailing_target_names[k]) == 0)
			target.kind = (enum mailing_target_kind)k;
	target.id = db_int(query, MAILING_TARGET_ID);
	mailing_target_text(&target, value, sizeof(value));
	hdf_set_value(node, "target", value);
	hdf_set_value(req->hdf, "Page.Preview.Subject", db_text(query, 4));
	mailing_body_hdf(req->hdf, "Page.Preview.Body", "Page.Preview.Text",
	    db_text(query, MAILING_COLUMN_COUNT));
	db_done(query);
	if (req->session.admin_is_owner && targets_to_page(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Section", "mailings");
	page_render(req, 200, "groups/mailing.cs");
}
