/*
 * Unconfirmed self-signups expire (review of issue 15, finding 11). A
 * visitor's form makes a customer row (invited, source self) that only
 * its confirmation link makes a customer; a link lives a day
 * (signup-public.c). Once every link of theirs is SIGNUP_EXPIRE_HOURS
 * old, fidele-worker's housekeeping deletes them as if they had never
 * been (customer_delete_selection: row, search terms, timeline, mails,
 * links), with their unconfirmed requests, so that the address can sign
 * up again and nobody's details linger from a form that was never
 * confirmed (perhaps not even sent by them).
 *
 * Only when they have nothing else: never signed in, no order (even
 * cancelled), no note, no consent entry, no request beyond unconfirmed
 * ones, nothing an admin did on their timeline.
 */
#ifndef FIDELE_SIGNUP_EXPIRE_H
#define FIDELE_SIGNUP_EXPIRE_H

#include "lib/context.h"

/* The link's day, and a day's grace for a late click to read "this link
 * has expired" rather than a form that forgot them. */
#define SIGNUP_EXPIRE_HOURS 48

/* Deletes every shop's expired unconfirmed signups, a committed batch at
 * a time, outside any transaction (config: for the shops' contexts).
 * Returns how many customers went, or -1 (database, logged). */
long long signup_expire_all(struct db *db, HDF *config);

#endif
