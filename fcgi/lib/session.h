/*
 * Admin and customer sessions in the database (only a SHA-256 of the id is
 * stored) and the CSRF tokens derived from them. An anonymous visitor gets a random
 * cookie of its own so that forms such as sign-in are protected too.
 */
#ifndef FIDELE_SESSION_H
#define FIDELE_SESSION_H

#include "crypto.h"
#include "request.h"

/* The SHA-256 of the admin's session cookie into hash for the door
 * statement (CORE_DOOR_BY_*): hash, or NULL when the cookie is absent or
 * malformed and for a machine's request (ROUTE_KEY), which reads no
 * session. */
const unsigned char *session_door_hash(struct request *req,
    unsigned char hash[CRYPTO_HASH_BYTES]);

/* Reads the admin's session, and what the admin is told, from the door
 * statement's current row. */
void session_door_read(struct request *req, struct db_query *door);

/* Once the route is known to want a session: loads the customer's session
 * from its cookie, moves the end of a session idle for a while and
 * settles the CSRF basis (an anonymous visitor gets one). Returns 0, or -1
 * on a database error. */
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

/* 1 when the signed-in admin may export the shop's customers (an owner,
 * or staff when an owner allowed it: one statement, staff only), 0 not,
 * -1 on a database error (logged; nothing answered). Pages show their
 * export links by it; export.fcgi asks it again. */
int session_may_export(struct request *req);

#endif
