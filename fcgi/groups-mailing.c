/*
 * Mailing a group, a tag or a segment (/admin/segments/mail, owners only):
 * the subject and the text, a preview as the customer will see it, the
 * kind (marketing: only to those whose consent allows it; a system
 * announcement: to those with system mail on) and how many will get it;
 * sending queues a mailing that fidele-worker turns into mails in batches
 * (groups-mailing-job.h). /admin/segments/mailings lists the shop's
 * mailings with their counts, read from the outbox.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/format.h"
#include "lib/page.h"
#include "lib/text.h"
#include "groups.h"
#include "groups-mailing-job.h"

enum mailing_sql {
	SQL_ONCE,
	SQL_MAILING_ADD,
	SQL_JOB_ADD,
	SQL_MAILINGS,
	SQL_TARGETS,
	MAILING_SQL__MAX
};

static struct db_query mailing_sql[MAILING_SQL__MAX] = {
	/* the form's one-time key (sql/008): a second POST of the same form
	 * finds it and queues nothing */
	[SQL_ONCE] = { .sql = "INSERT INTO form_once (shop_id, once_key) VALUES (?, ?)" },
	[SQL_MAILING_ADD] = { .sql =
	    "INSERT INTO mailing (shop_id, admin_id, kind, target_kind, target_id, target_label,"
	    "                     subject, body)"
	    " VALUES (?, ?, ?, ?, ?, LEFT(?, 100), ?, ?)" },
	[SQL_JOB_ADD] = { .sql =
	    "INSERT INTO job (shop_id, admin_id, kind, total, payload)"
	    " VALUES (?, ?, '" MAILING_JOB_KIND "', ?, ?)" },
	/* the counts from the outbox (outbox_mailing: mailing_id, status) */
	[SQL_MAILINGS] = { .sql =
	    "SELECT m.id, m.kind, m.target_kind, m.target_label, m.subject, m.state,"
	    "       m.recipient_count, DATE_FORMAT(m.created_at, '%Y-%m-%d %H:%i:%s'),"
	    "       (SELECT COUNT(*) FROM outbox o WHERE o.mailing_id = m.id AND o.shop_id = m.shop_id"
	    "          AND o.status IN ('queued', 'sending')),"
	    "       (SELECT COUNT(*) FROM outbox o WHERE o.mailing_id = m.id AND o.shop_id = m.shop_id"
	    "          AND o.status = 'sent'),"
	    "       (SELECT COUNT(*) FROM outbox o WHERE o.mailing_id = m.id AND o.shop_id = m.shop_id"
	    "          AND o.status IN ('failed', 'dismissed')),"
	    "       COALESCE(a.email, '')"
	    "  FROM mailing m LEFT JOIN admin a ON a.id = m.admin_id AND a.shop_id = m.shop_id"
	    " WHERE m.shop_id = ? ORDER BY m.id DESC LIMIT 100" },
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

enum { MAIL_TARGET, MAIL_GET__MAX };
const struct field mailing_compose_fields[MAIL_GET__MAX + 1] = {
	[MAIL_TARGET] = { "target", FIELD_TEXT, 1, 40, 0, 0, NULL },
};

static const char *const action_names[] = { "preview", "send", NULL };
enum { ACTION_PREVIEW, ACTION_SEND };

/* The lengths are checked by the handler, which says which limit: the
 * door's are only there to refuse what no form sends. */
enum { POST_TARGET, POST_KIND, POST_SUBJECT, POST_TEXT, POST_ONCE, POST_ACTION, MAIL_POST__MAX };
const struct field mailing_send_fields[MAIL_POST__MAX + 1] = {
	[POST_TARGET] = { "target", FIELD_TEXT, 1, 40, 0, 0, NULL },
	[POST_KIND] = { "kind", FIELD_CHOICE, 1, 0, 0, 0, mailing_kind_names },
	[POST_SUBJECT] = { "subject", FIELD_TEXT, 0, 1000, 0, 0, NULL },
	[POST_TEXT] = { "text", FIELD_MULTILINE, 0, 20000, 0, 0, NULL },
	[POST_ONCE] = { "once", FIELD_TOKEN, 1, 64, 0, 0, NULL },
	[POST_ACTION] = { "action", FIELD_CHOICE, 1, 0, 0, 0, action_names },
};

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
	if (target->kind == TARGET_BUILTIN)
		hdf_set_value(req->hdf, "Page.Target.label", request_text(req,
		    target->id == MAILING_BUILTIN_NEW ? "Mailing.BuiltinNew" :
		    "Mailing.BuiltinReturning"));
	else
		hdf_set_value(req->hdf, "Page.Target.label", target->label);
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

/* A fresh one-time key for the form, or the one it was sent with. */
static int
once_to_page(struct request *req, const char *sent)
{
	unsigned char key[32];
	char hex[2 * sizeof(key) + 1];

	if (sent != NULL && strlen(sent) == 64) {
		hdf_set_value(req->hdf, "Page.Once", sent);
		return 0;
	}
	if (crypto_random(key, sizeof(key)) != 0)
		return -1;
	crypto_hex(key, sizeof(key), hex);
	hdf_set_value(req->hdf, "Page.Once", hex);
	return 0;
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
	compose_render(req, 200);
}

/* Writes the form's one-time key in the transaction. 1 go on, 0 when the
 * form was sent already (answered: the mailings, where the first one is),
 * -1 (answered). */
static int
form_once(struct request *req, const char *once)
{
	unsigned char key[32];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(key, sizeof(key)) };
	long long rows;

	if (crypto_unhex(once, key, sizeof(key)) != 0) {
		db_rollback(&req->app->db);
		page_error(req, 400, "Error.Field.Token");
		return -1;
	}
	rows = db_exec(&req->app->db, &mailing_sql[SQL_ONCE], params, 2);
	if (rows == DB_DUPLICATE) {
		db_rollback(&req->app->db);
		page_redirect(req, "/admin/segments/mailings");
		return 0;
	}
	if (rows < 0) {
		db_rollback(&req->app->db);
		page_error(req, 500, NULL);
		return -1;
	}
	return 1;
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
	if (form_once(req, once) != 1)
		return;
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

void
mailing_send(struct request *req)
{
	struct mailing_target target;
	long long recipients[MAILING_KIND__MAX];
	const char *subject = request_field(req, &mailing_send_fields[POST_SUBJECT]);
	const char *text = request_field(req, &mailing_send_fields[POST_TEXT]);
	const char *once = request_field(req, &mailing_send_fields[POST_ONCE]);
	enum mailing_kind kind = (enum mailing_kind)request_field_choice(req,
	    &mailing_send_fields[POST_KIND], MAILING_MARKETING);
	int action = request_field_choice(req, &mailing_send_fields[POST_ACTION], ACTION_PREVIEW);
	int wrong = 0;

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
	if (action == ACTION_SEND) {
		mailing_queue(req, &target, kind, subject, text, once, recipients[kind]);
		return;
	}
	/* the preview: the mail's body as its templates show it */
	hdf_set_value(req->hdf, "Page.Preview.Subject", subject);
	mailing_body_hdf(req->hdf, "Page.Preview.Body", "Page.Preview.Text", text);
	compose_render(req, 200);
}

/* --- the shop's mailings -------------------------------------------------------------- */

void
mailings_page(struct request *req)
{
	struct db_query *query = &mailing_sql[SQL_MAILINGS];
	struct db_param params[3] = { DB_INT(req->shop.id), DB_INT(req->shop.id),
		DB_INT(req->shop.id) };
	static const char *const columns[] = { "id", "kind", "target_kind", "target_label",
		"subject", "state", "recipients", "created", "queued", "sent", "failed", "admin" };
	char name[48];
	HDF *node;
	int count = 0;
	size_t c;

	if (mailing_ready(req) != 0 || db_exec(&req->app->db, query, params, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Mailings.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		for (c = 0; c < sizeof(columns) / sizeof(columns[0]); c++) {
			const char *value = db_text(query, (unsigned int)c);
			char shown[64];

			/* the date in the shop's time zone, the counts the local way */
			if (c == 7) {
				format_local_when(value, req->shop.time_zone, req->shop.lang, shown,
				    sizeof(shown));
				value = shown;
			} else if (c == 6 || (c >= 8 && c <= 10)) {
				format_count(db_int(query, (unsigned int)c), req->shop.lang, shown,
				    sizeof(shown));
				value = shown;
			}
			hdf_set_value(node, columns[c], value);
		}
	}
	db_done(query);
	hdf_set_int_value(req->hdf, "Page.Count", count);
	/* an owner may write a new one: to what */
	if (req->session.admin_is_owner) {
		query = &mailing_sql[SQL_TARGETS];
		if (db_exec(&req->app->db, query, params, 3) < 0) {
			page_error(req, 500, NULL);
			return;
		}
		count = 0;
		while (db_fetch(query) == 1) {
			snprintf(name, sizeof(name), "Page.Targets.%d", count++);
			if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
				break;
			hdf_set_valuef(node, "value=%s:%s", db_text(query, 0), db_text(query, 1));
			hdf_set_value(node, "kind", db_text(query, 0));
			hdf_set_value(node, "name", db_text(query, 2));
		}
		db_done(query);
	}
	hdf_set_value(req->hdf, "Page.Section", "mailings");
	page_render(req, 200, "groups/mailings.cs");
}
