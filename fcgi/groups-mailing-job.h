/*
 * A mailing to a group, a tag or a segment (issue 16, point 5), shared by
 * the pages that compose, preview and queue it (groups.fcgi:
 * groups-mailing.c) and the worker that sends it (fidele-worker).
 *
 * The page writes a mailing row (sql/019) and a job of kind "mailing"
 * whose payload is the mailing's id, in one transaction. The worker walks
 * the target's customers in id order, Jobs.MailingBatch (200) a
 * transaction: each batch queues its mails in the outbox (outbox.mailing_id
 * set) and moves mailing.cursor_id past its last customer in the same
 * commit, so a worker killed in the middle resumes after the last batch
 * that committed and nobody gets the mail twice. Between batches the
 * worker sends a round of mail and lets other shops' jobs take their turn
 * (job-run.h), and the mailing's mails go after every other mail of their
 * shop (sql/023), so one shop's 10,000 mails never delay a sign-in link.
 *
 * Who gets it, decided batch by batch as the mail is queued:
 *   marketing  customers who may be sent marketing mail now: through
 *              mail_queue_marketing (mail.h), which checks the consent the
 *              ledger keeps and adds the one-click unsubscribe headers;
 *   system     customers with system mail on (an announcement: "la vente
 *              est ouverte");
 * and for both only invited or active customers with an address, never
 * erased: never the blocked, the inactive nor the waiting list, nor a
 * signup never confirmed (its address may be a stranger's, typed by
 * someone else: double opt-in sends it the confirmation and nothing more).
 */
#ifndef FIDELE_GROUPS_MAILING_JOB_H
#define FIDELE_GROUPS_MAILING_JOB_H

#include "lib/clearsilver.h"
#include "lib/db.h"
#include "job-run.h"

#define MAILING_JOB_KIND "mailing"
#define MAILING_JOB_BATCH 200
#define MAILING_SUBJECT_MAX 200		/* characters (mailing.subject) */
#define MAILING_TEXT_MAX 5000		/* characters: the form fits APP_MAX_BODY */

enum mailing_kind { MAILING_MARKETING, MAILING_SYSTEM, MAILING_KIND__MAX };
/* the mailing.kind values, and the outbox kind (= mail template) of each */
extern const char *const mailing_kind_names[MAILING_KIND__MAX + 1];
extern const char *const mailing_kind_mail[MAILING_KIND__MAX];

enum mailing_target_kind { TARGET_GROUP, TARGET_TAG, TARGET_SEGMENT, TARGET_BUILTIN,
	TARGET__MAX };
/* the mailing.target_kind values ("group", "tag", "segment", "builtin") */
extern const char *const mailing_target_names[TARGET__MAX + 1];

/* The built-in segments (not rows of segment): their target ids. */
#define MAILING_BUILTIN_NEW 1		/* first order in the last 30 days */
#define MAILING_BUILTIN_RETURNING 2	/* 2 orders or more */

struct mailing_target {
	enum mailing_target_kind kind;
	long long id;
	char label[401];		/* the group's, tag's or segment's name */
	char view_query[2001];		/* a segment's list query string */
};

/* Reads "group:12", "tag:3", "segment:7", "builtin:new",
 * "builtin:returning" into target (kind and id). 0, or -1 when it is not
 * one of those. */
int mailing_target_parse(const char *text, struct mailing_target *target);

/* Writes the target's text form ("group:12") into out. */
void mailing_target_text(const struct mailing_target *target, char *out, size_t size);

/* Looks the parsed target up in the shop: fills label (a built-in's is
 * left "") and view_query. 1 found, 0 not the shop's (or gone), -1
 * (database). */
int mailing_target_load(struct db *db, long long shop_id, struct mailing_target *target);

/* How many customers the target holds now (*members) and how many of them
 * the mailing of kind would go to (*recipients). Runs in a transaction of
 * its own that it rolls back. 0, or -1 (database; a segment whose query
 * no longer reads: -2). */
int mailing_count(struct db *db, HDF *config, long long shop_id,
    const struct mailing_target *target, enum mailing_kind kind, long long *members,
    long long *recipients);

/* The mail's text as the mail templates show it: paragraphs (separated by
 * a blank line; a single line break is kept) made of pieces of text and
 * links, [text](https://...) or a bare http(s) URL, under
 * prefix.<paragraph>.<piece>.{Text, Href, Br} in hdf (the HTML template
 * escapes them); and the plain text body, links written "text (URL)",
 * into prefix's value "Text" sibling: hdf value text_name. Nothing else is
 * interpreted. */
void mailing_body_hdf(HDF *hdf, const char *prefix, const char *text_name, const char *text);

/* Runs (or resumes) the job. Returns how many customers it went through,
 * -1 when it failed (run->error says why), -2 when it was cancelled, -3
 * when its turn was over (the beat said 2) after the batches it
 * committed. */
long long mailing_job_run(struct job_run *run);

#endif
