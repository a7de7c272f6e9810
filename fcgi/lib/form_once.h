/*
 * Forms that must not work twice (form_once.c). A double click, a reload
 * of the answer or a Back and send again posts a form once more: the forms
 * that would then send a second mail, store a second note, queue a second
 * mailing or make a second API key carry a random one-time key ("once").
 * The handler writes it (table form_once, sql/008) in the transaction that
 * does the work; a second POST with it finds it there (the unique key
 * decides, even for two at once) and does nothing. The worker forgets keys
 * after a day.
 */
#ifndef FIDELE_FORM_ONCE_H
#define FIDELE_FORM_ONCE_H

#include "request.h"

/* A fresh key (64 hex characters) under name in the request's tree, for
 * the form's hidden "once" input. 0 or -1. */
int form_once_new(struct request *req, const char *name);

/* Writes the key the form sent (hex) inside the caller's open transaction.
 * 1: go on (also when once is NULL or "": a form sent by a script, done
 * every time); 0: the form was done already (the transaction is rolled
 * back, nothing answered: the caller shows what the first one did); -1:
 * the transaction is rolled back and the error page answered (400 for a
 * key that is not one, 500). */
int form_once_take(struct request *req, const char *once);

#endif
