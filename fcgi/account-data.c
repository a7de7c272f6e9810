/*
 * "Download my data" (/account/data): a ZIP of what the shop keeps about
 * the customer, each part as JSON (for programs) and CSV (for a
 * spreadsheet: sheet_out's "CSV pour Excel" in the customer's language,
 * so that Excel opens it in columns with its accents; amounts in units,
 * 42,50, where the JSON keeps cents): profile, orders, consent history (each ledger entry with
 * the wording it points to) and the mails sent to them (the outbox). The
 * ZIP is built by libzip in the shop's spool folder, sent, and deleted;
 * one a killed process left is swept with the spool's other leftovers
 * (its name has the prefix the sweep knows, sheet_out.h).
 *
 * The page's GET shows a button; the POST (a form with its CSRF token)
 * sends the file, so that no other site can make a browser fetch it.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "lib/log.h"
#include "lib/page.h"
#include "lib/sheet_out.h"
#include "lib/upload.h"
#include "account.h"
#include "signup.h"

enum account_data_sql { SQL_PROFILE, SQL_ORDERS, SQL_CONSENT, SQL_MAILS, ACCOUNT_DATA_SQL__MAX };

/* The kinds of mail whose body holds a link or code that acts. */
#define ACCOUNT_DATA_TOKEN_MAILS \
	"'customer-login', 'signup-confirm', 'account-email-confirm', 'account-delete'," \
	" 'admin-reset'"

/* Times in UTC, ISO 8601 */
#define ISO(column) "DATE_FORMAT(" column ", '%Y-%m-%dT%H:%i:%sZ')"

static struct db_query account_data_sql[ACCOUNT_DATA_SQL__MAX] = {
	[SQL_PROFILE] = { .sql =
	    "SELECT id, email, first_name, last_name, phone, company, vat_number, address,"
	    "       postal_code, city, country, language, status, source, marketing_consent,"
	    "       system_mail, " ISO("created_at") ", " ISO("last_sign_in_at")
	    "  FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_ORDERS] = { .sql =
	    "SELECT reference, status, total_cents, currency, " ISO("ordered_at")
	    "  FROM orders WHERE shop_id = ? AND customer_id = ? ORDER BY ordered_at, id" },
	/* each entry with the wording it was given or withdrawn to */
	[SQL_CONSENT] = { .sql =
	    "SELECT " ISO("k.created_at") ", k.purpose, k.granted, k.source, k.actor, k.statement,"
	    "       t.language, t.version, t.body, LOWER(HEX(t.body_sha256))"
	    "  FROM consent k LEFT JOIN consent_text t ON t.id = k.text_id AND t.shop_id = k.shop_id"
	    " WHERE k.shop_id = ? AND k.customer_id = ? ORDER BY k.id" },
	/* A mail that carried a link or code that acts (sign in, confirm a
	 * signup or an address, delete the account) is told by its subject
	 * and dates only: the file may be kept or passed on while the link
	 * still works. Any other body has the value of a token= in a link
	 * cut out too, so that a kind of mail added later cannot leak one. */
	[SQL_MAILS] = { .sql =
	    "SELECT " ISO("created_at") ", " ISO("sent_at") ", status, kind, recipient, subject,"
	    "       IF(kind IN (" ACCOUNT_DATA_TOKEN_MAILS "), NULL,"
	    "          REGEXP_REPLACE(body_text, '(?<=[?&]token=)[^[:space:]&\"<>]+', '[...]'))"
	    "  FROM outbox WHERE shop_id = ? AND customer_id = ? ORDER BY id" },
};

/* What a column of a part holds: text; a number (JSON: unquoted; CSV: a
 * number cell); an amount in cents (JSON: the cents, "total_cents":
 * 4250; CSV: the amount, under the name without "_cents": total 42,50).
 * SQL NULL is JSON null and an empty cell. */
enum data_kind { DATA_TEXT, DATA_NUMBER, DATA_CENTS };

/* A column of a part: its name in both files and its kind. */
struct data_column {
	const char *name;
	enum data_kind kind;
};

static const struct data_column profile_columns[] = {
	{ "id", DATA_NUMBER }, { "email", DATA_TEXT }, { "first_name", DATA_TEXT },
	{ "last_name", DATA_TEXT }, { "phone", DATA_TEXT }, { "company", DATA_TEXT },
	{ "vat_number", DATA_TEXT }, { "address", DATA_TEXT },
	{ "postal_code", DATA_TEXT }, { "city", DATA_TEXT }, { "country", DATA_TEXT },
	{ "language", DATA_TEXT }, { "status", DATA_TEXT }, { "source", DATA_TEXT },
	{ "marketing_consent", DATA_NUMBER }, { "system_mail", DATA_NUMBER },
	{ "created_at", DATA_TEXT }, { "last_sign_in_at", DATA_TEXT }, { NULL, DATA_TEXT }
};

static const struct data_column order_columns[] = {
	{ "reference", DATA_TEXT }, { "status", DATA_TEXT }, { "total_cents", DATA_CENTS },
	{ "currency", DATA_TEXT }, { "ordered_at", DATA_TEXT }, { NULL, DATA_TEXT }
};

static const struct data_column consent_columns[] = {
	{ "at", DATA_TEXT }, { "purpose", DATA_TEXT }, { "granted", DATA_NUMBER },
	{ "channel", DATA_TEXT }, { "actor", DATA_TEXT }, { "statement", DATA_TEXT },
	{ "wording_language", DATA_TEXT }, { "wording_version", DATA_NUMBER },
	{ "wording", DATA_TEXT }, { "wording_sha256", DATA_TEXT }, { NULL, DATA_TEXT }
};

static const struct data_column mail_columns[] = {
	{ "queued_at", DATA_TEXT }, { "sent_at", DATA_TEXT }, { "status", DATA_TEXT },
	{ "kind", DATA_TEXT }, { "recipient", DATA_TEXT }, { "subject", DATA_TEXT },
	{ "body", DATA_TEXT }, { NULL, DATA_TEXT }
};

void
account_data_page(struct request *req)
{
	struct account_me me;

	if (account_load(req, &me))
		account_render(req, &me, 200, "account/data.cs");
}

static int
csv_sink(void *ctx, const char *buf, size_t len)
{
	return string_appendn((STRING *)ctx, buf, (int)len) == STATUS_OK ? 0 : -1;
}

/* Runs query (its params) and writes its rows as JSON into json (an
 * array of objects, or the one object when single) and as CSV in language
 * (a code) with a header row into csv. Returns 0 or -1 (logged). */
static int
data_part(struct request *req, struct db_query *query, const struct db_param *params,
    size_t n, const struct data_column *columns, int single, const char *language,
    STRING *json, STRING *csv)
{
	static const enum sheet_out_type cell_types[] = {
		[DATA_TEXT] = SHEET_OUT_TEXT, [DATA_NUMBER] = SHEET_OUT_INTEGER,
		[DATA_CENTS] = SHEET_OUT_MONEY,
	};
	enum sheet_out_type types[32];
	struct sheet_out *out;
	int count = 0, rows = 0, col, status = 0;

	while (columns[count].name != NULL)
		count++;
	for (col = 0; col < count; col++)
		types[col] = cell_types[columns[col].kind];
	out = sheet_out_open(SHEET_OUT_CSV_EXCEL, language, types, count, NULL, csv_sink, csv);
	if (out == NULL)
		return -1;
	for (col = 0; status == 0 && col < count; col++) {
		size_t len = strlen(columns[col].name);

		if (columns[col].kind == DATA_CENTS)
			len -= strlen("_cents");
		status = sheet_out_text(out, columns[col].name, len);
	}
	if (status != 0 || sheet_out_row_end(out) != 0 ||
	    db_exec(&req->app->db, query, params, n) < 0) {
		sheet_out_abandon(out);
		return -1;
	}
	if (!single)
		string_append(json, "[");
	while (status == 0 && db_fetch(query) == 1) {
		string_append(json, rows++ > 0 ? ",\n  {" : single ? "{" : "\n  {");
		for (col = 0; status == 0 && col < count; col++) {
			const char *value = db_text(query, (unsigned int)col);

			string_appendf(json, "%s\"%s\": ", col > 0 ? ", " : "", columns[col].name);
			if (value == NULL) {
				string_append(json, "null");
				status = sheet_out_empty(out);
			} else if (columns[col].kind == DATA_CENTS) {
				string_appendf(json, "%lld", db_int(query, (unsigned int)col));
				status = sheet_out_money(out, db_int(query, (unsigned int)col));
			} else if (columns[col].kind == DATA_NUMBER) {
				string_appendf(json, "%lld", db_int(query, (unsigned int)col));
				status = sheet_out_integer(out, db_int(query, (unsigned int)col));
			} else {
				page_json_string(json, value);
				status = sheet_out_text(out, value, strlen(value));
			}
		}
		string_append(json, "}");
		if (status == 0)
			status = sheet_out_row_end(out);
	}
	db_done(query);
	string_append(json, single ? (rows == 0 ? "{}\n" : "\n") : rows > 0 ? "\n]\n" : "]\n");
	if (status != 0) {
		sheet_out_abandon(out);
		return -1;
	}
	return sheet_out_close(out);
}

/* Adds a text as the file name of the archive; the archive owns it (its
 * buffer is freed by libzip). Returns 0 or -1. */
static int
zip_add_text(zip_t *archive, const char *name, STRING *text)
{
	zip_source_t *source;

	source = zip_source_buffer(archive, text->buf != NULL ? text->buf : "",
	    (zip_uint64_t)text->len, text->buf != NULL);
	if (source == NULL)
		return -1;
	text->buf = NULL;	/* the source's now, or freed below */
	text->len = text->max = 0;
	if (zip_file_add(archive, name, source, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(source);
		return -1;
	}
	return 0;
}

/* Writes the four parts into archive. Returns 0 or -1. */
static int
data_parts(struct request *req, const struct account_me *me, zip_t *archive)
{
	static const struct {
		enum account_data_sql sql;
		const char *base;
		const struct data_column *columns;
		int single;
	} parts[] = {
		{ SQL_PROFILE, "profile", profile_columns, 1 },
		{ SQL_ORDERS, "orders", order_columns, 0 },
		{ SQL_CONSENT, "consent", consent_columns, 0 },
		{ SQL_MAILS, "mails", mail_columns, 0 },
	};
	struct db_param params[3];
	size_t i, n;
	char name[32];
	int status = 0;

	for (i = 0; status == 0 && i < sizeof(parts) / sizeof(parts[0]); i++) {
		STRING json, csv;

		string_init(&json);
		string_init(&csv);
		if (parts[i].sql == SQL_PROFILE) {
			params[0] = DB_INT(me->id);
			params[1] = DB_INT(req->shop.id);
			n = 2;
		} else {
			params[0] = DB_INT(req->shop.id);
			params[1] = DB_INT(me->id);
			n = 2;
		}
		status = data_part(req, &account_data_sql[parts[i].sql], params, n,
		    parts[i].columns, parts[i].single, lang_codes[me->lang], &json, &csv);
		if (status == 0) {
			snprintf(name, sizeof(name), "%s.json", parts[i].base);
			status = zip_add_text(archive, name, &json);
		}
		if (status == 0) {
			snprintf(name, sizeof(name), "%s.csv", parts[i].base);
			status = zip_add_text(archive, name, &csv);
		}
		string_clear(&json);
		string_clear(&csv);
	}
	return status;
}

/* Builds the ZIP at path (an empty file of ours). Returns 0 or -1
 * (logged). */
static int
data_zip(struct request *req, const struct account_me *me, const char *path)
{
	zip_t *archive;
	int error = 0;

	archive = zip_open(path, ZIP_TRUNCATE, &error);
	if (archive == NULL) {
		log_err("account data: cannot make %s (libzip error %d)", path, error);
		return -1;
	}
	if (data_parts(req, me, archive) != 0) {
		log_err("account data: a part of customer %lld's data could not be written", me->id);
		zip_discard(archive);
		return -1;
	}
	if (zip_close(archive) != 0) {
		log_err("account data: cannot write %s: %s", path, zip_strerror(archive));
		zip_discard(archive);
		return -1;
	}
	return 0;
}

/* Sends the file open on fd as the download, filename given. Returns 0,
 * or -1 when nothing could be sent (then the caller answers). */
static int
data_send(struct request *req, int fd, const char *filename)
{
	char header[200], buf[65536];
	ssize_t got;

	snprintf(header, sizeof(header), "attachment; filename=\"%s\"", filename);
	page_header(req, "Content-Disposition", header);
	if (page_begin(req, "application/zip") != 0)
		return -1;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		if (page_write(req, buf, (size_t)got) != 0)
			return 0;	/* the client went away */
	if (got < 0)
		page_abort(req);
	return 0;
}

void
account_data_download(struct request *req)
{
	struct account_me me;
	char folder[1024], path[1100], filename[160], day[16];
	time_t now = time(NULL);
	struct tm utc;
	int fd;

	if (!account_load(req, &me))
		return;
	if (account_sql_ready(&req->app->db, account_data_sql, ACCOUNT_DATA_SQL__MAX) != 0 ||
	    upload_shop_folder(req, folder, sizeof(folder)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(path, sizeof(path), "%s/" SHEET_OUT_FILE_PREFIX "XXXXXX", folder);
	fd = mkstemp(path);
	if (fd < 0) {
		log_err("account data: cannot make a file in %s: %s", folder, strerror(errno));
		page_error(req, 500, NULL);
		return;
	}
	close(fd);
	if (data_zip(req, &me, path) != 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		unlink(path);
		page_error(req, 500, NULL);
		return;
	}
	/* gone from the folder at once; the open file is still read */
	unlink(path);
	if (event_add(&req->context, me.id, 0, "customer.data_downloaded", NULL) != 0) {
		close(fd);
		page_error(req, 500, NULL);
		return;
	}
	gmtime_r(&now, &utc);
	strftime(day, sizeof(day), "%Y-%m-%d", &utc);
	/* the shop's slug is ASCII letters, digits and '-': nothing to quote */
	snprintf(filename, sizeof(filename), "%s-%s-%s.zip", request_text(req, "Account.DataFile"),
	    req->shop.slug, day);
	if (data_send(req, fd, filename) != 0)
		page_error(req, 500, NULL);
	close(fd);
}
