/*
 * A shop context: what a service (mail, event, token, customer writer)
 * needs to act for one shop, whoever calls it — a page, the worker or the
 * CLI. A request carries one (req->context, made by app.c once the shop
 * and the session are known); the CLI and the worker make one for a shop id
 * with context_for_shop, with their own HDF tree holding the language files, so
 * that the same mail_queue, event_add and token_create serve all three.
 */
#ifndef FIDELE_CONTEXT_H
#define FIDELE_CONTEXT_H

#include "clearsilver.h"
#include "db.h"
#include "lang.h"

/* A shop, as a request or a context acts for it. */
struct shop {
	long long id;
	char slug[64];
	char name[256];
	char currency[4];
	char mode[16];		/* open, waitlist, closed */
	char sender_name[256];
	char sender_email[256];
	char public_url[256];	/* where mailed links point; see context_link_base */
	/* the host as registered: the one a request found the shop by (when
	 * found_by_host), or the shop's first one (context_for_shop) */
	char host[254];
	char time_zone[64];	/* IANA name; times are shown in it (format.h) */
	int found_by_host;	/* the Host header was checked against shop_host */
	enum lang lang;
	/* set by the door only (sql/025): the provider disabled the shop, and
	 * its upload limit in bytes (0: the installation's); the version of
	 * its groups and tags (sql/027), for the lists kept of them */
	int disabled;
	long long upload_limit;
	long long labels_version;
};

/* Reads the next row of CORE_SHOP_BY_ID into out and ends the query.
 * Returns 1 found, 0 not, -1 on a database error. */
int shop_read(struct db_query *query, struct shop *out);

/* Reads the shop of the current row (its first ten columns, as
 * CORE_SHOP_BY_ID and CORE_DOOR_BY_* have them) into out. */
void shop_from_row(struct db_query *query, struct shop *out);

/* Who acts, for the timeline and the audit trail. */
enum context_actor {
	ACTOR_VISITOR,	/* a page seen by nobody signed in */
	ACTOR_ADMIN,	/* a signed-in admin: actor_id is the admin id */
	ACTOR_CUSTOMER,	/* a signed-in customer: actor_id is the customer id */
	ACTOR_CLI,	/* fidele-admin */
	ACTOR_WORKER,	/* fidele-worker: actor_id is the admin a job acts for, or 0 */
	ACTOR_KEY	/* a shop's API key (a ROUTE_KEY request): actor_id is api_key.id */
};

struct shop_context {
	struct db *db;
	long long shop_id;	/* shop->id, for the services that need only it */
	const struct shop *shop;
	HDF *config;
	/* where mail is rendered: Lang_<code> trees, a Lang link to
	 * page_lang's, Shop.Name, and the caller's Mail.* values */
	HDF *hdf;
	/* the language hdf's Lang is linked to between mails: the request's
	 * pages' (request.lang), the shop's outside a request */
	enum lang page_lang;
	const char *secret;
	const char *data_dir;
	enum context_actor actor;
	long long actor_id;	/* the admin, customer or API key id, else 0 */
	const char *ip;		/* the client's address, NULL outside a request */
	/* the start of the shop's mailed links ("https://host", no final
	 * slash), "" when it has none; read with context_link_base */
	char link_base[300];
	/* owned by a context made outside a request (context_end frees) */
	struct shop *own_shop;
	HDF *own_hdf;
};

/* The context of the shop shop_id for the CLI or the worker (actor
 * ACTOR_CLI or ACTOR_WORKER; actor_id 0), on db, with config's secret and
 * data directory; loads the language files. Its mailed links start with
 * the shop's public URL, else https:// and the first host the shop
 * answers on (no request tells the scheme or a port). Returns 1 made, 0
 * no such shop, -1 on an error (logged). Ends with context_end in every
 * case. */
int context_for_shop(struct shop_context *ctx, struct db *db, HDF *config, long long shop_id,
    enum context_actor actor);

/* Fills ctx->link_base for ctx->shop: its public URL (final slashes cut)
 * when it has one, else scheme "://" host, with ":" port when port is
 * neither NULL nor "" — host being the shop's as shop_host has it, never
 * what a client wrote —, else "" (a shop reached by a pinned vhost, or
 * one without hosts). */
void context_set_link_base(struct shop_context *ctx, const char *scheme, const char *host,
    const char *port);

/* Writes the start of the shop's mailed links ("https://host", no final
 * slash) into out, for a page, the CLI or the worker alike. Returns 0, or
 * -1 after logging what the provider must do when the shop has none. */
int context_link_base(const struct shop_context *ctx, char *out, size_t size);

/* Frees what context_for_shop made. */
void context_end(struct shop_context *ctx);

/* Points the context's Lang (and Page.Lang) at the tree of code when it
 * is a language Fidèle speaks, else at its pages' (page_lang). */
void context_link_lang(struct shop_context *ctx, const char *code);

/* Adds a row to the timeline (customer_id and admin_id may be 0), with the
 * context's client address and, when an API key acts, the key's id.
 * Returns 0 or -1. */
int event_add(struct shop_context *ctx, long long customer_id, long long admin_id,
    const char *kind, const char *detail);

#endif
