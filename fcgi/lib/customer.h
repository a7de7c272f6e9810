/*
 * The one writer of customers. Every change to a customer row goes through
 * here, whoever asks (a page, the CLI, the worker), so that each keeps the
 * same things right: the search index (search.h), the timeline and audit
 * trail (event rows, with the acting admin), the login tokens and sessions
 * of a blocked or erased customer, and the status an undo goes back to
 * (sql/008). Every function works inside the caller's transaction, with a
 * shop context (context.h); nothing here commits.
 *
 * Changes of status work on a selection (the bulk_selection rows of one
 * random selection id), so that changing one customer and changing a
 * million run the same few statements.
 */
#ifndef FIDELE_CUSTOMER_H
#define FIDELE_CUSTOMER_H

#include "context.h"

/* What a writer reports; every failure is below zero. */
enum customer_result {
	CUSTOMER_ERROR = -1,	/* a database error, logged */
	CUSTOMER_OK = 0,
	CUSTOMER_DUPLICATE,	/* another customer of the shop has this address */
	CUSTOMER_NOT_FOUND,	/* no such customer in the shop (or erased) */
	CUSTOMER_LIMIT		/* the shop is at its customer limit (Error.CustomerLimit) */
};

/* The columns a writer sets. NULL text columns are written as "" (names,
 * phone, company, address, postal code, city, VAT number) or SQL NULL
 * (country, language); phone_digits is derived from phone here. */
struct customer_fields {
	const char *email;	/* normalised (text_email_normalise) */
	const char *first_name, *last_name, *phone, *country, *language;
	const char *company, *address, *postal_code, *city, *vat_number;
	int tax_exempt;
	/* creation only */
	const char *status;	/* NULL: invited */
	const char *source;	/* self, admin, import, order */
	int marketing_consent;
	int order_count;	/* totals known at creation (demo data, import) */
	long long total_spent_cents;
	const char *last_order_at;	/* NULL: no order */
	const char *created_at;	/* NULL: now */
	long long import_id;	/* the import that creates the customer, or 0 */
};

/* Most rows one customer_create_batch call takes: one statement of
 * db_insert_rows, so that the batch's ids are reserved at once. */
#define CUSTOMER_BATCH_MAX DB_INSERT_BATCH

/* Creates count customers (at most CUSTOMER_BATCH_MAX) with one multi-row
 * INSERT (db_insert_rows_as), indexes them for search, and writes one
 * event of kind for each when kind is not NULL (by the context's admin).
 * Their ids go to ids[0 .. count - 1], in the order of rows (they are
 * first, first + step, … with db_insert_id_step's step: never count on
 * consecutive ids, a Galera cluster of three steps by 3). Returns
 * CUSTOMER_OK, CUSTOMER_DUPLICATE when an address is taken, CUSTOMER_LIMIT
 * when the batch would take the shop past the customer limit its hosting
 * provider set (nothing of the batch is then written), or CUSTOMER_ERROR. */
int customer_create_batch(struct shop_context *ctx, const struct customer_fields *rows,
    int count, const char *kind, long long *ids);

/* One customer, with its "customer.created" event. Returns as above; *id
 * gets the new customer's id. */
int customer_create(struct shop_context *ctx, const struct customer_fields *fields,
    long long *id);

/* Locks the customer for the rest of the transaction and writes every
 * column of fields but the creation-only ones, with a "customer.edited"
 * event; a new address voids the links mailed to the old one and adds a
 * "customer.email_changed" event. Returns CUSTOMER_OK, CUSTOMER_DUPLICATE,
 * CUSTOMER_NOT_FOUND or CUSTOMER_ERROR. */
int customer_update(struct shop_context *ctx, long long customer_id,
    const struct customer_fields *fields);

/* One customer for customer_update_batch: the shop's customer id (locked
 * by the caller), every column's value as it is to be (the caller merges
 * what stays with what changes; the creation-only members but
 * marketing_consent are not written), and whether its names, address or
 * phone changed (its search terms are then made again). */
struct customer_update_row {
	long long id;
	struct customer_fields fields;
	/* the name and phone gave new search terms: the old ones (those of
	 * the values the row had, below) go, the new ones come */
	int reindex;
	const char *old_first_name, *old_last_name, *old_phone;
};

/* Writes count customers (at most CUSTOMER_BATCH_MAX) with multi-row
 * statements rather than a round trip each (an import's updates): the
 * columns, the search terms of those whose reindex is set, and one event
 * of kind each (by the context's admin). The address is not changed (it
 * is how the caller found them). Returns CUSTOMER_OK or CUSTOMER_ERROR. */
int customer_update_batch(struct shop_context *ctx, const struct customer_update_row *rows,
    int count, const char *kind);

/* Changes of status (and erasure), with the statuses each applies to. */
enum customer_change {
	CUSTOMER_DEACTIVATE,	/* invited or active -> inactive */
	CUSTOMER_REACTIVATE,	/* inactive -> what it was before */
	CUSTOMER_BLOCK,	/* any -> blocked, with a reason; sessions and links end */
	CUSTOMER_UNBLOCK,	/* blocked -> what it was before */
	/* any -> erased: personal data, notes, mails, sessions go; what
	 * their signup said (message, address, reason), the bodies of mails
	 * about them (mail_queue_about) and the ledger's free text too */
	CUSTOMER_ERASE,
	CUSTOMER_CHANGE__MAX
};

/* The event kind of a change ("customer.blocked"). */
const char *customer_change_event(enum customer_change change);

/* Adds the shop's customer customer_id to selection (16 bytes) when it
 * exists and is not erased. Returns CUSTOMER_OK or CUSTOMER_ERROR. */
int customer_select(struct shop_context *ctx, const unsigned char *selection,
    long long customer_id);

/* How many customers selection holds, or -1. */
long long customer_selection_count(struct shop_context *ctx, const unsigned char *selection);

/* Leaves in selection the customers change applies to (reactivating never
 * unblocks anyone). Returns how many, or -1. */
long long customer_selection_keep(struct shop_context *ctx, enum customer_change change,
    const unsigned char *selection);

/* Applies change to every customer of selection (reason: a block's, else
 * ignored), then empties the selection. Returns CUSTOMER_OK or
 * CUSTOMER_ERROR. */
int customer_change_selection(struct shop_context *ctx, enum customer_change change,
    const char *reason, const unsigned char *selection);

/* Deletes the customers of selection as if they had never been (an
 * import's undo: a wrong import leaves no trace), then empties the
 * selection: their rows, search terms, timeline, mails, notes, sessions
 * and sign-in links. The consent ledger keeps their entries (append-only,
 * no longer linked to a customer) with, for each consent still given, a
 * withdrawal by the import saying it was undone (Lang.Consent.ImportUndone of
 * the context's tree, when it has one; else no statement). Not for customers with orders (the
 * orders would lose their customer) nor for anyone whose history must be
 * kept: that is CUSTOMER_ERASE. Returns CUSTOMER_OK or CUSTOMER_ERROR. */
int customer_delete_selection(struct shop_context *ctx, const unsigned char *selection);

/* The same for one customer, locked first. Returns CUSTOMER_OK (also when
 * the change does not apply to their status: nothing is done),
 * CUSTOMER_NOT_FOUND or CUSTOMER_ERROR. */
int customer_change_one(struct shop_context *ctx, long long customer_id,
    enum customer_change change, const char *reason);

/* Rebuilds the search index from the customer rows of shop_id (every shop
 * when 0), for customers changed with SQL behind the programs' back. Unless
 * forced, only when the index is empty while customers exist (after the
 * migration that made it). Commits every thousand customers: call it
 * outside a transaction. Returns how many customers were indexed, or -1. */
long long customer_reindex(struct db *db, long long shop_id, int force);

/* The phone's digits, as customer.phone_digits keeps them for search and
 * matching ("+33 6 12" -> "33612"), into out. */
void customer_phone_digits(const char *phone, char *out, size_t size);

#endif
