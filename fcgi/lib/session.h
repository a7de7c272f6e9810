/*
 * Admin and customer sessions in the database (only a SHA-256 of the id is
 * stored) and the CSRF tokens derived from them. An anonymous visitor gets a random
 * cookie of its own so that forms such as sign-in are protected too.
 */
#ifndef FIDELE_SESSION_H
#define FIDELE_SESSION_H

#include "request.h"

/* Reads the cookies and loads the admin and customer sessions of
 * req->shop, if any. Returns 0, or -1 on a database error. */
int session_load(struct request *req);

/* Starts a new session for an admin (a new id every time) and sets its
 * cookie. Drops the session the request came with. Returns 0 or -1. */
int session_start_admin(struct request *req, long long admin_id);

/* The same for a customer. */
int session_start_customer(struct request *req, long long customer_id);

/* Ends the request's admin session and clears its cookie. Returns 0 or -1. */
int session_end(struct request *req);

/* Ends the request's customer session and clears its cookie. */
int session_end_customer(struct request *req);

/* 1 when the request's "csrf" form value is the right token. */
int session_csrf_ok(struct request *req);

#endif
