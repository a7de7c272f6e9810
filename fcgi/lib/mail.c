/*
 * The request side of outgoing mail: render, then one INSERT into the
 * outbox. Nothing here talks to an SMTP server, so a mail server that is
 * down never fails a request.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core_sql.h"
#include "log.h"
#include "mail.h"
#include "page.h"

/* Points Lang (and Page.Lang, which the mail's <html lang> says) at the
 * language tree of code when it is one Fidèle speaks; NULL: back to the
 * shop's. */
static void
mail_link_lang(struct request *req, const char *code)
{
	char target[16];
	int i;

	for (i = 0; code != NULL && i < LANG__MAX; i++)
		if (strcmp(code, lang_codes[i]) == 0) {
			snprintf(target, sizeof(target), "Lang_%s", lang_codes[i]);
			hdf_set_symlink(req->hdf, "Lang", target);
			hdf_set_value(req->hdf, "Page.Lang", lang_codes[i]);
			return;
		}
	request_link_lang(req);
	hdf_set_value(req->hdf, "Page.Lang", lang_codes[req->shop.lang]);
}

int
mail_queue(struct request *req, const struct mail *mail)
{
	return mail_queue_in(req, mail, NULL);
}

int
mail_queue_in(struct request *req, const struct mail *mail, const char *language)
{
	STRING text, html;
	char template[128];
	char *subject, *body;
	int status = -1;

	string_init(&text);
	string_init(&html);
	hdf_set_value(req->hdf, "Mail.Recipient", mail->recipient);
	mail_link_lang(req, language);
	snprintf(template, sizeof(template), "mail/%s.txt.cs", mail->name);
	if (page_render_text(req, template, "none", &text) != 0)
		goto out;
	snprintf(template, sizeof(template), "mail/%s.html.cs", mail->name);
	if (page_render_text(req, template, "html", &html) != 0)
		goto out;
	/* the page that follows speaks the shop's language again */
	mail_link_lang(req, NULL);
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
			DB_INT(req->shop.id),
			mail->customer_id ? DB_INT(mail->customer_id) : DB_NULL,
			mail->admin_id ? DB_INT(mail->admin_id) : DB_NULL,
			DB_TEXT(mail->name), DB_TEXT(mail->recipient), DB_TEXT(subject),
			DB_TEXT(body), DB_TEXT(html.buf ? html.buf : "")
		};

		if (db_exec(&req->app->db, &core_sql[CORE_OUTBOX_INSERT], params, 8) < 0)
			goto out;
	}
	/* the timeline says which mail by its subject, as the admin reads it */
	if (mail->customer_id != 0 &&
	    request_event(req, mail->customer_id, 0, "mail.queued", subject) != 0)
		goto out;
	status = 0;
out:
	mail_link_lang(req, NULL);
	string_clear(&text);
	string_clear(&html);
	return status;
}
