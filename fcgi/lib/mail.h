/*
 * Queuing mail. A mail is a row of the outbox, written with the change
 * that causes it (inside the caller's transaction), and sent later by
 * fidele-worker. Its bodies are rendered now, in the recipient's language
 * when the caller knows it (a customer's own setting), else the shop's, from
 * templates/mail/<name>.txt.cs (whose first line is "Subject: …") and
 * templates/mail/<name>.html.cs, with whatever the caller put under Mail.*
 * in the request's HDF.
 */
#ifndef FIDELE_MAIL_H
#define FIDELE_MAIL_H

#include "request.h"

struct mail {
	const char *name;	/* template name and outbox kind, e.g. "customer-login" */
	const char *recipient;	/* a normalised address */
	long long customer_id;	/* 0 when not about a customer */
	long long admin_id;	/* 0 when not to an admin */
};

/* Renders and queues one mail; a customer's mail also goes to their
 * timeline. Returns 0, or -1 (template or database error, logged). */
int mail_queue(struct request *req, const struct mail *mail);

/* The same, rendered in language ("fr", "en": the recipient's own, e.g.
 * customer.language); NULL, "" or a language Fidèle does not speak: the
 * shop's. */
int mail_queue_in(struct request *req, const struct mail *mail, const char *language);

#endif
