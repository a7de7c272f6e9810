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

int
mail_queue(struct shop_context *ctx, const struct mail *mail)
{
	return mail_queue_in(ctx, mail, NULL);
}

int
mail_queue_in(struct shop_context *ctx, const struct mail *mail, const char *language)
{
	STRING text, html;
	char template[128];
	char *subject, *body;
	int status = -1;

	string_init(&text);
	string_init(&html);
	hdf_set_value(ctx->hdf, "Mail.Recipient", mail->recipient);
	context_link_lang(ctx, language);
	snprintf(template, sizeof(template), "mail/%s.txt.cs", mail->name);
	if (page_render_text(ctx->hdf, ctx->data_dir, template, "none", &text) != 0)
		goto out;
	snprintf(template, sizeof(template), "mail/%s.html.cs", mail->name);
	if (page_render_text(ctx->hdf, ctx->data_dir, template, "html", &html) != 0)
		goto out;
	/* the page that follows speaks the shop's language again */
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
