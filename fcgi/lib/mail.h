/*
 * Queuing mail. A mail is a row of the outbox, written with the change
 * that causes it (inside the caller's transaction), and sent later by
 * fidele-worker. Its bodies are rendered now, in the recipient's language
 * when the caller knows it (a customer's own setting), else the shop's, from
 * templates/mail/<name>.txt.cs (whose first line is "Subject: …") and
 * templates/mail/<name>.html.cs, with whatever the caller put under Mail.*
 * in the context's HDF (a request's own tree, or the CLI's or worker's).
 */
#ifndef FIDELE_MAIL_H
#define FIDELE_MAIL_H

#include "context.h"

struct mail {
	const char *name;	/* template name and outbox kind, e.g. "customer-login" */
	const char *recipient;	/* a normalised address */
	long long customer_id;	/* 0 when not about a customer */
	long long admin_id;	/* 0 when not to an admin */
};

/* Renders and queues one mail; a customer's mail also goes to their
 * timeline. Returns 0, or -1 (template or database error, logged). */
int mail_queue(struct shop_context *ctx, const struct mail *mail);

/* The same, rendered in language ("fr", "en": the recipient's own, e.g.
 * customer.language); NULL, "" or a language Fidèle does not speak: the
 * shop's. */
int mail_queue_in(struct shop_context *ctx, const struct mail *mail, const char *language);

/* mail_queue_in for a caller that read the customer's row already: the
 * greeting's first name ("": none), so that a mailing's thousands of
 * mails read no row each for it. Not for a signup never confirmed. */
int mail_queue_named(struct shop_context *ctx, const struct mail *mail, const char *language,
    const char *first_name);

/* The same, for a mail about a customer that is not theirs (to the
 * shop's admins about an applicant or a deleted account, or the refusal
 * sent as the applicant is erased): customer_id stays 0 so that erasing
 * them does not take it away before it leaves, and outbox.about_customer_id
 * names them, so that once they are erased and the mail has left its
 * bodies (and its address, when it went to them) are blanked
 * (customer.h's CUSTOMER_ERASE, fidele-worker). 0 or -1. */
int mail_queue_about(struct shop_context *ctx, const struct mail *mail, const char *language,
    long long about_customer_id);

/*
 * A marketing mail (a newsletter, an offer: anything the customer may
 * refuse, unlike the mails their own account or orders cause). The one
 * way to queue one: it is queued only when the customer may be sent
 * marketing mail now (customer.marketing_consent, which the consent ledger
 * keeps: consent.h), and it carries one-click unsubscribe (unsubscribe.h):
 * the worker sends List-Unsubscribe (an HTTPS link and a mailto) and
 * List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), and the
 * mail's text and HTML end with the visible link (templates/mail/
 * unsubscribe-footer.txt.cs, the HTML layout's mail_bottom: the template
 * need not do anything). mail->customer_id is required; the language is
 * the customer's own.
 *
 * Returns 0 queued, MAIL_NO_CONSENT when the customer (of the context's
 * shop, not erased) may not be sent marketing mail (no consent, no
 * address, or not invited nor active: blocked, inactive, on the waiting
 * list) or does not exist (nothing queued), or -1 (template or database
 * error, logged).
 */
#define MAIL_NO_CONSENT 1
int mail_queue_marketing(struct shop_context *ctx, const struct mail *mail);

/* Marks the mail this context queued last (mail_queue_in or
 * mail_queue_marketing returned 0 just before) as one of mailing_id's
 * (outbox.mailing_id: a mailing's counts, groups-mailing-job.h). 0 or -1. */
int mail_set_mailing(struct shop_context *ctx, long long mailing_id);

#endif
