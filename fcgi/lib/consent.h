/*
 * The consent ledger (sql/017): what each customer agreed to or withdrew,
 * through which door, shown which wording, attested by whom. Rows are
 * only ever added (triggers refuse changes and deletions, but an
 * erasure's blanking of the client address and free text); the
 * customer's marketing_consent and system_mail flags are the newest
 * entry's answer, written here in the same transaction, never elsewhere
 * one at a time. Every function works inside the caller's transaction,
 * with a shop context (context.h), for a page, the worker or the CLI.
 *
 * The wordings a person is shown (the signup page's marketing box, the
 * admin's attestation "I have this person's consent…") are versioned per
 * shop, purpose and language in consent_text: the first use of a purpose
 * stores the product's default from the language files
 * (Consent.Default.<purpose>), an owner's edit adds a version, and an
 * entry points to the version that was on the screen.
 */
#ifndef FIDELE_CONSENT_H
#define FIDELE_CONSENT_H

#include <stddef.h>

#include "context.h"

/* What a consent is for; the names are the ENUM's (consent.purpose). */
enum consent_purpose {
	CONSENT_MARKETING,	/* marketing mail (newsletters, offers) */
	CONSENT_SYSTEM_MAIL,	/* announcements to every customer ("la vente est ouverte") */
	CONSENT_CREATION,	/* an account created on the person's behalf */
	CONSENT_PURPOSE__MAX
};

/* Where it came from; the names are the ENUM's (consent.source). */
enum consent_channel {
	CONSENT_VIA_SIGNUP,	/* the public signup page */
	CONSENT_VIA_CONFIRM,	/* the double opt-in link followed */
	CONSENT_VIA_ADMIN,	/* an admin's attestation or change */
	CONSENT_VIA_IMPORT,	/* an import's "I have their consent" */
	CONSENT_VIA_UNSUBSCRIBE,	/* a mail's unsubscribe link or header */
	CONSENT_VIA_PROFILE,	/* the customer's own space */
	CONSENT_VIA_API,	/* the shop's site, through the API */
	CONSENT_CHANNEL__MAX
};

extern const char *const consent_purpose_names[CONSENT_PURPOSE__MAX];
extern const char *const consent_channel_names[CONSENT_CHANNEL__MAX];

/* Longest wording kept (bytes), and longest free statement. */
#define CONSENT_TEXT_MAX 4000
#define CONSENT_STATEMENT_MAX 2000

/* One entry. The actor is the context's: an admin (ACTOR_ADMIN), the
 * customer (ACTOR_CUSTOMER, or ACTOR_VISITOR for a signed link or the
 * public page), an import (ACTOR_WORKER with import_id), the API
 * (ACTOR_KEY), else the system (worker, CLI). */
struct consent_entry {
	enum consent_purpose purpose;
	int granted;			/* 1 given, 0 withdrawn */
	enum consent_channel channel;
	long long text_id;		/* the wording shown (consent_text.id), 0 none */
	const char *statement;		/* free text, e.g. how an admin obtained it; NULL none */
	long long import_id;		/* the import that says so, 0 none */
};

/* Appends entry for the context's shop's customer customer_id, with the
 * actor and client address of the context and the SHA-256 of the
 * customer's address as it is now; for marketing and system mail, sets
 * the customer's flag to match and adds a "customer.consent" event to the
 * timeline. Returns 0, CONSENT_NOT_FOUND when the shop has no such
 * (non-erased) customer, or -1 on a database error (logged). */
#define CONSENT_NOT_FOUND 1
int consent_record(struct shop_context *ctx, long long customer_id,
    const struct consent_entry *entry);

/* The current wording of purpose in language ("fr", "en") for the
 * context's shop: its consent_text id, and its text copied into body (when
 * body is not NULL; cut at size). The first call for a purpose and
 * language stores version 1 from Lang.Consent.Default.<purpose> of that
 * language. Returns the id (> 0), or -1. */
long long consent_text_current(struct shop_context *ctx, enum consent_purpose purpose,
    const char *language, char *body, size_t size);

/* Saves body as the newest wording of purpose in language, by the
 * context's admin: a new version, unless it is the current one's text
 * (then nothing changes). Returns the id of the current version
 * afterwards, or -1. */
long long consent_text_save(struct shop_context *ctx, enum consent_purpose purpose,
    const char *language, const char *body);

/* The SHA-256 of an address as the ledger keeps it (the normalised
 * address's bytes, as customer.email holds them). */
void consent_email_hash(const char *email, unsigned char out[32]);

/* Whether the customer may be sent purpose's mail and why: the newest
 * entry of that purpose (0 when the ledger has none: then the customer's
 * flag as older data set it is all there is). Fills *granted, *channel
 * and *at ("YYYY-MM-DD HH:MM:SS", UTC) when found. Returns 1 found, 0
 * none, -1 on a database error. */
int consent_latest(struct shop_context *ctx, long long customer_id,
    enum consent_purpose purpose, int *granted, enum consent_channel *channel,
    char *at, size_t at_size);

#endif
