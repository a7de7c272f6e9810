/*
 * The queuing side of outgoing mail, for pages, the CLI and the worker
 * alike: render, then one INSERT into the outbox. Nothing here talks to an SMTP server, so a mail server that is
 * down never fails a request.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core_sql.h"
#include "log.h"
#include "mail.h"
#include "page.h"
#include "unsubscribe.h"

enum mail_sql {
	SQL_MARKETING_TO,
	SQL_LIST_UNSUBSCRIBE,
	SQL_MAILING_ID,
	SQL_ABOUT,
	SQL_GREETING_NAME,
	MAIL_SQL__MAX
};

static struct db_query mail_sql[MAIL_SQL__MAX] = {
	/* the first name a customer's mail greets them by: not a signup never
	 * confirmed, whose name a stranger may have typed with their address */
	[SQL_GREETING_NAME] = { .sql =
	    "SELECT first_name FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL"
	    "   AND NOT (status = 'invited' AND source = 'self')" },
	/* whom a marketing mail may go to, now: the flag the ledger keeps
	 * (consent.c), locked so that an unsubscribe waits for this mail's
	 * transaction and the next one sees the withdrawal; never someone
	 * blocked, nor an applicant not yet accepted, nor one made inactive,
	 * nor a signup never confirmed */
	[SQL_MARKETING_TO] = { .sql =
	    "SELECT email, language, first_name FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL AND marketing_consent = 1"
	    "   AND email IS NOT NULL AND status IN ('invited', 'active')"
	    "   AND NOT (status = 'invited' AND source = 'self')"
	    " LOCK IN SHARE MODE" },
	[SQL_LIST_UNSUBSCRIBE] = { .sql =
	    "UPDATE outbox SET list_unsubscribe = ? WHERE id = ? AND shop_id = ?" },
	/* a mailing's mail, counted on its page (groups-mailing.c) */
	[SQL_MAILING_ID] = { .sql =
	    "UPDATE outbox SET mailing_id = ? WHERE id = ? AND shop_id = ?" },
	[SQL_ABOUT] = { .sql =
	    "UPDATE outbox SET about_customer_id = ? WHERE id = ? AND shop_id = ?" },
};

static int
mail_ready(struct db *db)
{
	return db_register(db, mail_sql, MAIL_SQL__MAX);
}

int
mail_queue(struct shop_context *ctx, const struct mail *mail)
{
	return mail_queue_in(ctx, mail, NULL);
}

/* Mail.Hello, the mail's first line, set anew for every mail (the worker
 * renders many in one tree: never the last one's name): "Bonjour Marie,"
 * for a customer with a first name, else Lang.Mail.Hello ("Bonjour,"):
 * the name the caller read with the customer's row (a mailing's
 * thousands of mails), else read here. Once the mail's language is
 * linked. 0, or -1. */
static int
mail_greeting(struct shop_context *ctx, const struct mail *mail, const char *first_name)
{
	struct db_query *query = &mail_sql[SQL_GREETING_NAME];
	struct db_param params[2];
	char line[512] = "";

	if (first_name != NULL) {
		if (*first_name != '\0')
			snprintf(line, sizeof(line), "%s %s,",
			    hdf_get_value(ctx->hdf, "Lang.Mail.HelloName", ""), first_name);
	} else if (mail->customer_id != 0) {
		params[0] = DB_INT(mail->customer_id);
		params[1] = DB_INT(ctx->shop_id);
		if (mail_ready(ctx->db) != 0 || db_exec(ctx->db, query, params, 2) < 0)
			return -1;
		if (db_fetch(query) == 1 && db_text(query, 0) != NULL && *db_text(query, 0) != '\0')
			snprintf(line, sizeof(line), "%s %s,",
			    hdf_get_value(ctx->hdf, "Lang.Mail.HelloName", ""), db_text(query, 0));
		db_done(query);
	}
	hdf_set_value(ctx->hdf, "Mail.Hello", line[0] != '\0' ? line :
	    hdf_get_value(ctx->hdf, "Lang.Mail.Hello", ""));
	return 0;
}

/* Renders and queues one mail; with_footer appends the text of
 * templates/mail/unsubscribe-footer.txt.cs to the text body (the HTML
 * layout shows Mail.Unsubscribe itself). */
static int
mail_render_queue(struct shop_context *ctx, const struct mail *mail, const char *language,
    const char *first_name, int with_footer)
{
	STRING text, html;
	char template[128];
	char *subject, *body;
	int status = -1;

	string_init(&text);
	string_init(&html);
	hdf_set_value(ctx->hdf, "Mail.Recipient", mail->recipient);
	/* a mail says nothing of its language: the shop's */
	context_link_lang(ctx, lang_from_code(language) >= 0 ? language :
	    lang_codes[ctx->shop->lang]);
	if (mail_greeting(ctx, mail, first_name) != 0)
		goto out;
	snprintf(template, sizeof(template), "mail/%s.txt.cs", mail->name);
	if (page_render_text(ctx->hdf, ctx->data_dir, template, "none", &text) != 0 ||
	    (with_footer && page_render_text(ctx->hdf, ctx->data_dir,
	    "mail/unsubscribe-footer.txt.cs", "none", &text) != 0))
		goto out;
	snprintf(template, sizeof(template), "mail/%s.html.cs", mail->name);
	if (page_render_text(ctx->hdf, ctx->data_dir, template, "html", &html) != 0)
		goto out;
	/* the page that follows speaks its own language again */
	context_link_lang(ctx, NULL);
	/* the text template's first line is the subject */
	if (text.buf == NULL || strncmp(text.buf, "Subject: ", 9) != 0 ||
	    (body = strchr(text.buf, '\n')) == NULL) {
		log_err("mail/%s.txt.cs must start with a Subject: line", mail->name);
		goto out;
	}
	*body++ = '\0';
	while (*body == '\n')
		body++;
	subject = text.buf + 9;
	{
		struct db_param params[8] = {
			DB_INT(ctx->shop_id),
			mail->customer_id ? DB_INT(mail->customer_id) : DB_NULL,
			mail->admin_id ? DB_INT(mail->admin_id) : DB_NULL,
			DB_TEXT(mail->name), DB_TEXT(mail->recipient), DB_TEXT(subject),
			DB_TEXT(body), DB_TEXT(html.buf ? html.buf : "")
		};

		if (db_exec(ctx->db, &core_sql[CORE_OUTBOX_INSERT], params, 8) < 0)
			goto out;
	}
	/* the timeline says which mail by its subject, as the admin reads it */
	if (mail->customer_id != 0 &&
	    event_add(ctx, mail->customer_id, 0, "mail.queued", subject) != 0)
		goto out;
	status = 0;
out:
	context_link_lang(ctx, NULL);
	string_clear(&text);
	string_clear(&html);
	return status;
}

int
mail_queue_in(struct shop_context *ctx, const struct mail *mail, const char *language)
{
	return mail_render_queue(ctx, mail, language, NULL, 0);
}

int
mail_queue_named(struct shop_context *ctx, const struct mail *mail, const char *language,
    const char *first_name)
{
	return mail_render_queue(ctx, mail, language, first_name, 0);
}

int
mail_queue_about(struct shop_context *ctx, const struct mail *mail, const char *language,
    long long about_customer_id)
{
	struct db_param params[3];

	if (mail_ready(ctx->db) != 0 || mail_render_queue(ctx, mail, language, NULL, 0) != 0)
		return -1;
	params[0] = DB_INT(about_customer_id);
	params[1] = DB_INT((long long)db_insert_id(&core_sql[CORE_OUTBOX_INSERT]));
	params[2] = DB_INT(ctx->shop_id);
	return db_exec(ctx->db, &mail_sql[SQL_ABOUT], params, 3) == 1 ? 0 : -1;
}

int
mail_queue_marketing(struct shop_context *ctx, const struct mail *mail)
{
	struct db_query *query = &mail_sql[SQL_MARKETING_TO];
	struct db_param params[3] = { DB_INT(mail->customer_id), DB_INT(ctx->shop_id) };
	char url[600], header[UNSUBSCRIBE_HEADER_SIZE], language[3] = "";
	struct mail to = *mail;
	char recipient[256] = "", first_name[404] = "";
	long long outbox_id;
	int found, status;

	if (mail->customer_id == 0 || mail_ready(ctx->db) != 0 ||
	    db_exec(ctx->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		snprintf(recipient, sizeof(recipient), "%s", db_text(query, 0));
		if (db_text(query, 1) != NULL)
			snprintf(language, sizeof(language), "%s", db_text(query, 1));
		if (db_text(query, 2) != NULL)
			snprintf(first_name, sizeof(first_name), "%s", db_text(query, 2));
	}
	db_done(query);
	if (found != 1)
		return found < 0 ? -1 : MAIL_NO_CONSENT;
	if (unsubscribe_links(ctx, mail->customer_id, url, sizeof(url), header) != 0)
		return -1;
	/* the address as it is now, whatever the caller had */
	to.recipient = recipient;
	hdf_set_value(ctx->hdf, "Mail.Unsubscribe", url);
	status = mail_render_queue(ctx, &to, language, first_name, 1);
	hdf_remove_tree(ctx->hdf, "Mail.Unsubscribe");
	if (status != 0)
		return -1;
	outbox_id = (long long)db_insert_id(&core_sql[CORE_OUTBOX_INSERT]);
	params[0] = DB_TEXT(header);
	params[1] = DB_INT(outbox_id);
	params[2] = DB_INT(ctx->shop_id);
	return db_exec(ctx->db, &mail_sql[SQL_LIST_UNSUBSCRIBE], params, 3) == 1 ? 0 : -1;
}

int
mail_set_mailing(struct shop_context *ctx, long long mailing_id)
{
	struct db_param params[3] = { DB_INT(mailing_id),
		DB_INT((long long)db_insert_id(&core_sql[CORE_OUTBOX_INSERT])), DB_INT(ctx->shop_id) };

	if (mail_ready(ctx->db) != 0)
		return -1;
	return db_exec(ctx->db, &mail_sql[SQL_MAILING_ID], params, 3) == 1 ? 0 : -1;
}
