/*
 * A mailing to a group, a tag or a segment: its target, who it goes to,
 * its body, and the worker's job that queues it (see groups-mailing-job.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/context.h"
#include "lib/customer_query.h"
#include "lib/log.h"
#include "lib/mail.h"
#include "groups-mailing-job.h"

const char *const mailing_kind_names[MAILING_KIND__MAX + 1] = { "marketing", "system", NULL };
const char *const mailing_kind_mail[MAILING_KIND__MAX] = { "mailing-marketing",
	"mailing-system" };
const char *const mailing_target_names[TARGET__MAX + 1] = { "group", "tag", "segment", "builtin",
	NULL };

static const char *const builtin_names[] = { "", "new", "returning" };

enum mailing_job_sql {
	MJ_GROUP,
	MJ_TAG,
	MJ_SEGMENT,
	MJ_SELECT_GROUP,
	MJ_SELECT_TAG,
	MJ_SELECT_NEW,
	MJ_SELECT_RETURNING,
	MJ_SELECTED,
	MJ_RECIPIENTS,
	MJ_COUNT,
	MJ_FORGET,
	MJ_JOB,
	MJ_MAILING,
	MJ_STEP,
	MJ_JOB_STEP,
	MJ_END,
	MAILING_JOB_SQL__MAX
};

/* the rules of both kinds (groups-mailing-job.h), on customer c: an
 * unconfirmed signup (invited, source self) is an address someone typed
 * that never answered the confirmation mail, and gets nothing else */
#define RECIPIENT_RULES \
	" c.erased_at IS NULL AND c.email IS NOT NULL AND c.status IN ('invited', 'active')" \
	" AND NOT (c.status = 'invited' AND c.source = 'self')" \
	" AND IF(? = 'marketing', c.marketing_consent = 1, c.system_mail = 1)"

/* the target's customers after an id, in id order, into bulk_selection
 * (selection, shop, after, limit) */
static struct db_query mailing_job_sql[MAILING_JOB_SQL__MAX] = {
	[MJ_GROUP] = { .sql = "SELECT name FROM customer_group WHERE id = ? AND shop_id = ?" },
	[MJ_TAG] = { .sql = "SELECT name FROM tag WHERE id = ? AND shop_id = ?" },
	[MJ_SEGMENT] = { .sql = "SELECT name, view_query FROM segment WHERE id = ? AND shop_id = ?" },
	[MJ_SELECT_GROUP] = { .sql =
	    "INSERT INTO bulk_selection (selection_id, customer_id)"
	    " SELECT ?, m.customer_id FROM customer_group_member m"
	    " WHERE m.group_id = ? AND m.shop_id = ? AND m.customer_id > ?"
	    " ORDER BY m.customer_id LIMIT ?" },
	[MJ_SELECT_TAG] = { .sql =
	    "INSERT INTO bulk_selection (selection_id, customer_id)"
	    " SELECT ?, t.customer_id FROM customer_tag t"
	    " WHERE t.tag_id = ? AND t.shop_id = ? AND t.customer_id > ?"
	    " ORDER BY t.customer_id LIMIT ?" },
	/* the built-in segments, read from the orders (first order in the
	 * last 30 days; 2 orders or more) */
	[MJ_SELECT_NEW] = { .sql =
	    "INSERT INTO bulk_selection (selection_id, customer_id)"
	    " SELECT ?, c.id FROM customer c"
	    " WHERE c.shop_id = ? AND c.id > ? AND c.last_order_at >= NOW() - INTERVAL 30 DAY"
	    "   AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.shop_id = c.shop_id"
	    "                     AND o.customer_id = c.id"
	    "                     AND o.ordered_at < NOW() - INTERVAL 30 DAY)"
	    " ORDER BY c.id LIMIT ?" },
	[MJ_SELECT_RETURNING] = { .sql =
	    "INSERT INTO bulk_selection (selection_id, customer_id)"
	    " SELECT ?, c.id FROM customer c"
	    " WHERE c.shop_id = ? AND c.id > ? AND c.order_count >= 2"
	    " ORDER BY c.id LIMIT ?" },
	[MJ_SELECTED] = { .sql =
	    "SELECT COUNT(*), COALESCE(MAX(customer_id), 0) FROM bulk_selection"
	    " WHERE selection_id = ?" },
	/* (shop, selection, kind) */
	[MJ_RECIPIENTS] = { .sql =
	    "SELECT c.id, c.email, c.language, c.first_name FROM bulk_selection s"
	    "  JOIN customer c ON c.id = s.customer_id AND c.shop_id = ?"
	    " WHERE s.selection_id = ? AND" RECIPIENT_RULES
	    " ORDER BY c.id" },
	[MJ_COUNT] = { .sql =
	    "SELECT COUNT(*) FROM bulk_selection s"
	    "  JOIN customer c ON c.id = s.customer_id AND c.shop_id = ?"
	    " WHERE s.selection_id = ? AND" RECIPIENT_RULES },
	[MJ_FORGET] = { .sql = "DELETE FROM bulk_selection WHERE selection_id = ?" },
	[MJ_JOB] = { .sql =
	    "SELECT payload FROM job WHERE id = ? AND shop_id = ? AND kind = '" MAILING_JOB_KIND "'" },
	/* locked for the batch: two workers never queue the same batch */
	[MJ_MAILING] = { .sql =
	    "SELECT kind, target_kind, target_id, subject, body, state, cursor_id FROM mailing"
	    " WHERE id = ? AND shop_id = ? FOR UPDATE" },
	[MJ_STEP] = { .sql =
	    "UPDATE mailing SET state = 'sending', cursor_id = ?,"
	    "       recipient_count = recipient_count + ?"
	    " WHERE id = ? AND shop_id = ?" },
	/* job_run_step's: committed with the batch; no row: the job was
	 * cancelled (or taken by another worker, this one taken for dead)
	 * meanwhile, and the batch is undone */
	[MJ_JOB_STEP] = { .sql =
	    "UPDATE job SET progress = progress + ?, changed = changed + ?, resume_after = ?,"
	    "       heartbeat_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND worker_id = ? AND state = 'running'" },
	[MJ_END] = { .sql =
	    "UPDATE mailing SET state = ?, finished_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND state IN ('queued', 'sending')" },
};

static int
mailing_job_ready(struct db *db)
{
	return db_register(db, mailing_job_sql, MAILING_JOB_SQL__MAX);
}

/* --- the target ------------------------------------------------------------------- */

int
mailing_target_parse(const char *text, struct mailing_target *target)
{
	const char *colon;
	char *end;
	size_t k;

	memset(target, 0, sizeof(*target));
	if (text == NULL || (colon = strchr(text, ':')) == NULL)
		return -1;
	for (k = 0; k < TARGET__MAX; k++)
		if (strlen(mailing_target_names[k]) == (size_t)(colon - text) &&
		    strncmp(text, mailing_target_names[k], (size_t)(colon - text)) == 0)
			break;
	if (k == TARGET__MAX)
		return -1;
	target->kind = (enum mailing_target_kind)k;
	/* the segments page names the built-in ones as segments (segment:new) */
	if (target->kind == TARGET_SEGMENT && colon[1] >= 'a' && colon[1] <= 'z')
		target->kind = TARGET_BUILTIN;
	if (target->kind == TARGET_BUILTIN) {
		for (k = 1; k < sizeof(builtin_names) / sizeof(builtin_names[0]); k++)
			if (strcmp(colon + 1, builtin_names[k]) == 0)
				target->id = (long long)k;
		return target->id != 0 ? 0 : -1;
	}
	if (colon[1] < '1' || colon[1] > '9' || strlen(colon + 1) > 18)
		return -1;
	target->id = strtoll(colon + 1, &end, 10);
	return *end == '\0' && target->id > 0 ? 0 : -1;
}

void
mailing_target_text(const struct mailing_target *target, char *out, size_t size)
{
	if (target->kind == TARGET_BUILTIN)
		snprintf(out, size, "builtin:%s", builtin_names[target->id == MAILING_BUILTIN_NEW ?
		    MAILING_BUILTIN_NEW : MAILING_BUILTIN_RETURNING]);
	else
		snprintf(out, size, "%s:%lld", mailing_target_names[target->kind], target->id);
}

int
mailing_target_load(struct db *db, long long shop_id, struct mailing_target *target)
{
	static const enum mailing_job_sql lookups[TARGET__MAX] = { MJ_GROUP, MJ_TAG, MJ_SEGMENT,
		MJ_GROUP };
	struct db_query *query = &mailing_job_sql[lookups[target->kind]];
	struct db_param params[2] = { DB_INT(target->id), DB_INT(shop_id) };
	int found;

	target->label[0] = '\0';
	target->view_query[0] = '\0';
	if (target->kind == TARGET_BUILTIN)
		return target->id == MAILING_BUILTIN_NEW || target->id == MAILING_BUILTIN_RETURNING;
	if (mailing_job_ready(db) != 0 || db_exec(db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		snprintf(target->label, sizeof(target->label), "%s",
		    db_text(query, 0) ? db_text(query, 0) : "");
		if (target->kind == TARGET_SEGMENT)
			snprintf(target->view_query, sizeof(target->view_query), "%s",
			    db_text(query, 1) ? db_text(query, 1) : "");
	}
	db_done(query);
	return found < 0 ? -1 : found == 1;
}

/* Puts the target's next customers after after (at most limit) in
 * bulk_selection under selection, inside the caller's transaction. query
 * is the segment's, read (customer_query_from_text) by the caller. 0 or
 * -1. */
static int
select_batch(struct db *db, long long shop_id, const struct mailing_target *target,
    struct customer_query *query, const unsigned char *selection, long long after,
    long long limit)
{
	struct db_param params[5];

	params[0] = DB_BLOB(selection, 16);
	switch (target->kind) {
	case TARGET_GROUP:
	case TARGET_TAG:
		params[1] = DB_INT(target->id);
		params[2] = DB_INT(shop_id);
		params[3] = DB_INT(after);
		params[4] = DB_INT(limit);
		return db_exec(db, &mailing_job_sql[target->kind == TARGET_GROUP ? MJ_SELECT_GROUP :
		    MJ_SELECT_TAG], params, 5) < 0 ? -1 : 0;
	case TARGET_BUILTIN:
		params[1] = DB_INT(shop_id);
		params[2] = DB_INT(after);
		params[3] = DB_INT(limit);
		return db_exec(db, &mailing_job_sql[target->id == MAILING_BUILTIN_NEW ? MJ_SELECT_NEW :
		    MJ_SELECT_RETURNING], params, 4) < 0 ? -1 : 0;
	case TARGET_SEGMENT:
		return customer_query_select_batch(query, db, selection, after, limit);
	default:
		return -1;
	}
}

/* The count and the last customer of a selection. 0 or -1. */
static int
selected(struct db *db, const unsigned char *selection, long long *count, long long *last)
{
	struct db_query *query = &mailing_job_sql[MJ_SELECTED];
	struct db_param param = DB_BLOB(selection, 16);
	int found;

	if (db_exec(db, query, &param, 1) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		*count = db_int(query, 0);
		*last = db_int(query, 1);
	}
	db_done(query);
	return found == 1 ? 0 : -1;
}

/* Reads a segment's view into query: 0, -2 when it no longer reads (a
 * filter that no longer exists, or a group or tag the shop no longer has:
 * it would find nobody), -1 on a database error. */
static int
segment_reads(struct db *db, long long shop_id, HDF *config, const struct mailing_target *target,
    struct customer_query *query)
{
	char group[8], tag[8];
	int missing;

	if (customer_query_from_text(query, shop_id, config, target->view_query) != NULL)
		return -2;
	missing = customer_query_slice_names(query, db, group, sizeof(group), tag, sizeof(tag));
	return missing < 0 ? -1 : missing > 0 ? -2 : 0;
}

int
mailing_count(struct db *db, HDF *config, long long shop_id,
    const struct mailing_target *target, enum mailing_kind kind, long long *members,
    long long *recipients)
{
	static struct customer_query query;
	struct db_query *count = &mailing_job_sql[MJ_COUNT];
	unsigned char selection[16];
	struct db_param params[3];
	long long last = 0;
	int status = -1;

	*members = *recipients = 0;
	if (mailing_job_ready(db) != 0)
		return -1;
	if (target->kind == TARGET_SEGMENT) {
		status = segment_reads(db, shop_id, config, target, &query);
		if (status != 0)
			return status;
		status = -1;
	}
	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(db) != 0)
		return -1;
	if (select_batch(db, shop_id, target, &query, selection, 0, 1LL << 50) != 0 ||
	    selected(db, selection, members, &last) != 0)
		goto out;
	params[0] = DB_INT(shop_id);
	params[1] = DB_BLOB(selection, 16);
	params[2] = DB_TEXT(mailing_kind_names[kind]);
	if (db_exec(db, count, params, 3) < 0)
		goto out;
	if (db_fetch(count) == 1) {
		*recipients = db_int(count, 0);
		status = 0;
	}
	db_done(count);
out:
	/* the selection is only ever this transaction's */
	db_rollback(db);
	return status;
}

/* --- the body --------------------------------------------------------------------- */

/* The length of the http(s) URL at s, trailing punctuation left out; 0
 * when s does not start one. */
static size_t
url_length(const char *s, const char *stop)
{
	size_t n = 0;

	if (strncmp(s, "https://", 8) == 0)
		n = 8;
	else if (strncmp(s, "http://", 7) == 0)
		n = 7;
	else
		return 0;
	while (s + n < stop && (unsigned char)s[n] > ' ' && s[n] != '<' && s[n] != '>' &&
	    s[n] != '"')
		n++;
	while (n > 8 && strchr(".,;:!?)'", s[n - 1]) != NULL)
		n--;
	/* a scheme alone is no link */
	return s[n - 1] == '/' && (n == 7 || n == 8) ? 0 : n;
}

struct body_out {
	HDF *hdf;
	const char *prefix;
	STRING *text;
	int paragraph, piece;
	int line_break;		/* the next piece starts a new line */
};

static void
piece_add(struct body_out *out, const char *text, size_t text_len, const char *href,
    size_t href_len)
{
	char name[160], *copy;

	snprintf(name, sizeof(name), "%s.%d.%d", out->prefix, out->paragraph, out->piece++);
	copy = strndup(text, text_len);
	if (copy == NULL)
		return;
	hdf_set_value(out->hdf, name, "");
	{
		HDF *node;

		if (hdf_get_node(out->hdf, name, &node) == STATUS_OK) {
			hdf_set_value(node, "Text", copy);
			if (out->line_break)
				hdf_set_value(node, "Br", "1");
			if (href != NULL) {
				char *link = strndup(href, href_len);

				if (link != NULL)
					hdf_set_value(node, "Href", link);
				free(link);
			}
		}
	}
	out->line_break = 0;
	string_appendn(out->text, text, (int)text_len);
	if (href != NULL && (href_len != text_len || strncmp(href, text, text_len) != 0)) {
		string_append(out->text, " (");
		string_appendn(out->text, href, (int)href_len);
		string_append(out->text, ")");
	}
	free(copy);
}

/* One line of a paragraph: its text and links. */
static void
line_add(struct body_out *out, const char *s, const char *stop)
{
	const char *plain = s;

	while (s < stop) {
		const char *close, *url;
		size_t n;

		if (*s == '[' && (close = memchr(s, ']', (size_t)(stop - s))) != NULL &&
		    close > s + 1 && close[1] == '(' && memchr(s + 1, '[', (size_t)(close - s - 1)) == NULL &&
		    (n = url_length(close + 2, stop)) > 0 && close + 2 + n < stop &&
		    close[2 + n] == ')') {
			url = close + 2;
			if (s > plain)
				piece_add(out, plain, (size_t)(s - plain), NULL, 0);
			piece_add(out, s + 1, (size_t)(close - s - 1), url, n);
			s = plain = url + n + 1;
			continue;
		}
		if ((s == plain || (unsigned char)s[-1] <= ' ' || s[-1] == '(') &&
		    (n = url_length(s, stop)) > 0) {
			if (s > plain)
				piece_add(out, plain, (size_t)(s - plain), NULL, 0);
			piece_add(out, s, n, s, n);
			s = plain = s + n;
			continue;
		}
		s++;
	}
	if (stop > plain)
		piece_add(out, plain, (size_t)(stop - plain), NULL, 0);
}

void
mailing_body_hdf(HDF *hdf, const char *prefix, const char *text_name, const char *text)
{
	struct body_out out = { hdf, prefix, NULL, -1, 0, 0 };
	STRING plain;
	const char *s = text ? text : "";
	int in_paragraph = 0;

	string_init(&plain);
	out.text = &plain;
	while (*s != '\0') {
		const char *end = strchr(s, '\n'), *stop, *p;
		int blank = 1;

		if (end == NULL)
			end = s + strlen(s);
		stop = end;
		if (stop > s && stop[-1] == '\r')
			stop--;
		for (p = s; p < stop; p++)
			if ((unsigned char)*p > ' ')
				blank = 0;
		if (blank)
			in_paragraph = 0;
		else {
			if (!in_paragraph) {
				if (out.paragraph >= 0)
					string_append(&plain, "\n\n");
				out.paragraph++;
				out.piece = 0;
				out.line_break = 0;
				in_paragraph = 1;
			} else {
				string_append(&plain, "\n");
				out.line_break = 1;
			}
			line_add(&out, s, stop);
		}
		s = *end ? end + 1 : end;
	}
	hdf_set_value(hdf, text_name, plain.buf ? plain.buf : "");
	string_clear(&plain);
}

/* --- the worker's job ------------------------------------------------------------- */

struct recipient {
	long long id;
	char email[256];
	char language[3];
	char first_name[404];	/* read with the row: the greeting reads none */
};

/* Fails the run with the reason key. Returns -1. */
static long long
failed(struct job_run *run, const char *reason)
{
	snprintf(run->error, sizeof(run->error), "%s", reason);
	return -1;
}

struct mailing_run {
	long long id;
	enum mailing_kind kind;
	struct mailing_target target;
	struct customer_query *query;
	struct recipient *recipients;
	long long size;
};

/* Reads the mailing (locked), and where it got to. 1 to go on, 0 when it
 * is over (sent or cancelled), -1 (database or not found). Its subject and
 * body go into the context's tree the first time (first). */
static int
mailing_read(struct job_run *run, struct shop_context *ctx, struct mailing_run *m,
    long long *cursor, int first)
{
	struct db_query *query = &mailing_job_sql[MJ_MAILING];
	struct db_param params[2] = { DB_INT(m->id), DB_INT(run->shop_id) };
	int found, going = 0;
	size_t k;

	if (db_exec(run->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		const char *state = db_text(query, 5);

		going = state != NULL && (strcmp(state, "queued") == 0 ||
		    strcmp(state, "sending") == 0);
		*cursor = db_int(query, 6);
		if (first) {
			m->kind = db_text(query, 0) && strcmp(db_text(query, 0), "system") == 0 ?
			    MAILING_SYSTEM : MAILING_MARKETING;
			for (k = 0; k < TARGET__MAX; k++)
				if (db_text(query, 1) && strcmp(db_text(query, 1),
				    mailing_target_names[k]) == 0)
					m->target.kind = (enum mailing_target_kind)k;
			m->target.id = db_int(query, 2);
			hdf_set_value(ctx->hdf, "Mail.Subject", db_text(query, 3));
			mailing_body_hdf(ctx->hdf, "Mail.Body", "Mail.Text", db_text(query, 4));
		}
	}
	db_done(query);
	return found != 1 ? -1 : going;
}

/* Marks the mailing sent (or cancelled: it cannot go out) in a
 * transaction of its own. 0 or -1. */
static int
mailing_end(struct job_run *run, long long id, const char *state)
{
	struct db_param params[3] = { DB_TEXT(state), DB_INT(id), DB_INT(run->shop_id) };

	return db_exec(run->db, &mailing_job_sql[MJ_END], params, 3) < 0 ? -1 : 0;
}

/* One batch: the target's next customers after the mailing's cursor, in
 * id order, their mails queued in one transaction with the mailing's
 * cursor and the job's counts. Returns how many customers it went through
 * (0: none left, or the mailing is over), -1 (database), or -2 (cancelled
 * meanwhile: undone). */
static long long
batch(struct job_run *run, struct shop_context *ctx, struct mailing_run *m, int first)
{
	struct db_query *recipients = &mailing_job_sql[MJ_RECIPIENTS];
	unsigned char selection[16];
	struct db_param params[4];
	long long cursor = 0, chosen = 0, last = 0, count = 0, queued = 0, i;
	int ended;
	int going;

	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(run->db) != 0)
		return -1;
	going = mailing_read(run, ctx, m, &cursor, first);
	if (going <= 0) {
		db_rollback(run->db);
		return going;
	}
	if (m->target.kind == TARGET_SEGMENT && first) {
		/* read again: the page checked it, the segment may have changed */
		int found = mailing_target_load(run->db, run->shop_id, &m->target);

		if (found < 0)
			goto error;
		/* gone (0), or no longer reading: -2 */
		found = found == 0 ? -2 : segment_reads(run->db, run->shop_id, run->config,
		    &m->target, m->query);
		if (found == -1)
			goto error;
		if (found != 0) {
			db_rollback(run->db);
			return -3;
		}
	}
	if (select_batch(run->db, run->shop_id, &m->target, m->query, selection, cursor,
	    m->size) != 0 || selected(run->db, selection, &chosen, &last) != 0)
		goto error;
	if (chosen == 0) {
		db_rollback(run->db);
		return 0;
	}
	params[0] = DB_INT(run->shop_id);
	params[1] = DB_BLOB(selection, 16);
	params[2] = DB_TEXT(mailing_kind_names[m->kind]);
	if (db_exec(run->db, recipients, params, 3) < 0)
		goto error;
	while (count < m->size && db_fetch(recipients) == 1) {
		struct recipient *r = &m->recipients[count++];

		r->id = db_int(recipients, 0);
		snprintf(r->email, sizeof(r->email), "%s", db_text(recipients, 1));
		snprintf(r->language, sizeof(r->language), "%s",
		    db_text(recipients, 2) ? db_text(recipients, 2) : "");
		snprintf(r->first_name, sizeof(r->first_name), "%s",
		    db_text(recipients, 3) ? db_text(recipients, 3) : "");
	}
	db_done(recipients);
	for (i = 0; i < count; i++) {
		struct mail mail = { mailing_kind_mail[m->kind], m->recipients[i].email,
			m->recipients[i].id, 0 };
		int status = m->kind == MAILING_MARKETING ? mail_queue_marketing(ctx, &mail) :
		    mail_queue_named(ctx, &mail, m->recipients[i].language,
		    m->recipients[i].first_name);

		if (status < 0 || (status == 0 && mail_set_mailing(ctx, m->id) != 0))
			goto error;
		if (status == 0)
			queued++;
	}
	params[0] = DB_BLOB(selection, 16);
	if (db_exec(run->db, &mailing_job_sql[MJ_FORGET], params, 1) < 0)
		goto error;
	params[0] = DB_INT(last);
	params[1] = DB_INT(queued);
	params[2] = DB_INT(m->id);
	params[3] = DB_INT(run->shop_id);
	if (db_exec(run->db, &mailing_job_sql[MJ_STEP], params, 4) < 0)
		goto error;
	ended = job_run_step(run, &mailing_job_sql[MJ_JOB_STEP], chosen, queued, last);
	return ended != 0 ? ended : chosen;
error:
	db_rollback(run->db);
	return -1;
}

/* The job's mailing id. 0 or -1. */
static int
job_mailing(struct job_run *run, long long *id)
{
	struct db_query *query = &mailing_job_sql[MJ_JOB];
	struct db_param params[2] = { DB_INT(run->job_id), DB_INT(run->shop_id) };
	int found;

	if (db_exec(run->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		*id = db_text(query, 0) ? strtoll(db_text(query, 0), NULL, 10) : 0;
	db_done(query);
	return found == 1 && *id > 0 ? 0 : -1;
}

long long
mailing_job_run(struct job_run *run)
{
	static struct customer_query query;
	struct mailing_run m;
	struct shop_context ctx;
	long long progress = 0, done;
	int going, first = 1;

	run->error[0] = '\0';
	memset(&m, 0, sizeof(m));
	m.query = &query;
	m.size = hdf_get_int_value(run->config, "Jobs.MailingBatch", MAILING_JOB_BATCH);
	if (m.size < 1 || m.size > 5000)
		m.size = MAILING_JOB_BATCH;
	if (mailing_job_ready(run->db) != 0 || job_mailing(run, &m.id) != 0)
		return failed(run, "error");
	m.recipients = calloc((size_t)m.size, sizeof(*m.recipients));
	if (m.recipients == NULL)
		return failed(run, "error");
	if (context_for_shop(&ctx, run->db, run->config, run->shop_id, ACTOR_WORKER) != 1) {
		context_end(&ctx);
		free(m.recipients);
		return failed(run, "error");
	}
	ctx.actor_id = run->admin_id;
	for (;;) {
		long pause_ms = progress > 0 ?
		    hdf_get_int_value(run->config, "Jobs.MailingPauseMilliseconds", 0) : 0;

		going = run->beat(run->data, progress);
		/* a pause between batches (tests stop a worker there) */
		while (going == 1 && pause_ms > 0) {
			long step = pause_ms > 200 ? 200 : pause_ms;

			usleep((useconds_t)step * 1000);
			pause_ms -= step;
			going = run->beat(run->data, progress);
		}
		if (going != 1) {
			done = going == 0 ? -2 : going == 2 ? -3 : failed(run, "error");
			break;
		}
		/* a mailing is an owner's: it stops for good once the admin who
		 * sent it is no longer an enabled owner */
		if ((going = job_run_admin_is_owner(run)) != 1) {
			done = going < 0 ? failed(run, "error") :
			    mailing_end(run, m.id, "cancelled") == 0 ? failed(run, "owner") :
			    failed(run, "error");
			break;
		}
		done = batch(run, &ctx, &m, first);
		first = 0;
		if (done == -3) {
			/* the segment is gone or no longer reads: nothing more goes */
			done = mailing_end(run, m.id, "cancelled") == 0 ? failed(run, "segment") :
			    failed(run, "error");
			break;
		}
		if (done <= 0) {
			if (done == 0)
				done = mailing_end(run, m.id, "sent") == 0 ? progress : failed(run, "error");
			else if (done == -1)
				done = failed(run, "error");
			break;
		}
		progress += done;
	}
	context_end(&ctx);
	free(m.recipients);
	return done;
}
