/*
 * The run of an import's jobs in fidele-worker (see import-job.h). A
 * preview and a run read the spooled file the same way, a batch at a
 * time: every row is read through the admin's mapping (import-map.h),
 * checked against the addresses seen earlier in the file (a set of their
 * hashes, 8 bytes each with room to spare: a million rows in 11 MiB), and
 * the batch's valid rows are matched against the shop's customers with
 * one SELECT of all their addresses. The preview only counts (and keeps
 * the first invalid rows); the run writes each batch in one transaction
 * through the customer writer, with the import's counts and the job's
 * place in the file, so a worker killed mid-import resumes after the last
 * batch that committed.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/customer.h"
#include "lib/log.h"
#include "lib/mail.h"
#include "lib/settings.h"
#include "import-job.h"
#include "import-map.h"
#include "import-undo.h"

/* The invalid rows a preview keeps for the admin to see. */
#define PREVIEW_ERRORS 100
/* A batch also ends once its rows hold this many bytes (rows of long notes
 * must not take the worker past its memory budget). */
#define BATCH_BYTES (4 * 1024 * 1024)
/* The row as it was, for errors.csv, is cut there. */
#define ROW_TEXT_MAX 65536
/* A lost database connection (MariaDB restarting) is tried again this
 * many times, a second apart, before the import fails. */
#define DB_TRIES 30

enum import_job_sql {
	IJ_JOB,
	IJ_IMPORT,
	IJ_START,
	IJ_RESET_PREVIEW,
	IJ_RESET_RUN,
	IJ_CLEAR_ERRORS,
	IJ_STEP_JOB,
	IJ_STEP_PREVIEW,
	IJ_STEP_RUN,
	IJ_END,
	IJ_UNDONE,
	IJ_CANCELLED,
	IMPORT_JOB_SQL__MAX
};

static struct db_query import_job_sql[IMPORT_JOB_SQL__MAX] = {
	[IJ_JOB] = { .sql =
	    "SELECT payload, resume_after FROM job"
	    " WHERE id = ? AND shop_id = ? AND kind = '" IMPORT_JOB_KIND "'" },
	[IJ_IMPORT] = { .sql =
	    "SELECT spool_path, format, encoding, field_separator, has_header, mapping, mode,"
	    "       subscribe, welcome, state, file_name, row_count,"
	    "       LEAST(preview_invalid + preview_duplicate, 100),"
	    "       subscribe_admin_id, DATE_FORMAT(subscribe_attested_at, '%Y-%m-%d %H:%i')"
	    "  FROM import WHERE id = ? AND shop_id = ?" },
	[IJ_START] = { .sql =
	    "UPDATE import SET state = ?, started_at = COALESCE(started_at, NOW())"
	    " WHERE id = ? AND shop_id = ?" },
	/* a first batch starts from nothing (a preview made again) */
	[IJ_RESET_PREVIEW] = { .sql =
	    "UPDATE import SET preview_new = 0, preview_updated = 0, preview_unchanged = 0,"
	    "       preview_invalid = 0, preview_duplicate = 0"
	    " WHERE id = ? AND shop_id = ?" },
	[IJ_RESET_RUN] = { .sql =
	    "UPDATE import SET count_new = 0, count_updated = 0, count_unchanged = 0,"
	    "       count_invalid = 0, count_duplicate = 0"
	    " WHERE id = ? AND shop_id = ?" },
	[IJ_CLEAR_ERRORS] = { .sql =
	    "DELETE FROM import_error WHERE import_id = ? AND shop_id = ? AND dry_run = ?" },
	/* committed with each batch; no row: the job was cancelled (or taken
	 * by another worker) meanwhile, and the batch is undone */
	[IJ_STEP_JOB] = { .sql =
	    "UPDATE job SET progress = ?, resume_after = ?, changed = changed + ?,"
	    "       heartbeat_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND worker_id = ? AND state = 'running'" },
	[IJ_STEP_PREVIEW] = { .sql =
	    "UPDATE import SET preview_new = preview_new + ?, preview_updated = preview_updated + ?,"
	    "       preview_unchanged = preview_unchanged + ?, preview_invalid = preview_invalid + ?,"
	    "       preview_duplicate = preview_duplicate + ?"
	    " WHERE id = ? AND shop_id = ?" },
	[IJ_STEP_RUN] = { .sql =
	    "UPDATE import SET count_new = count_new + ?, count_updated = count_updated + ?,"
	    "       count_unchanged = count_unchanged + ?, count_invalid = count_invalid + ?,"
	    "       count_duplicate = count_duplicate + ?"
	    " WHERE id = ? AND shop_id = ?" },
	/* the end of a job: the import's state, why it failed, and the
	 * spooled file forgotten once a run is over */
	[IJ_END] = { .sql =
	    "UPDATE import SET state = ?, error = ?, spool_path = IF(?, '', spool_path),"
	    "       finished_at = IF(?, NOW(), finished_at)"
	    " WHERE id = ? AND shop_id = ?" },
	[IJ_UNDONE] = { .sql =
	    "UPDATE import SET state = 'undone', undo_removed = ?, undo_kept = ?, undone_at = NOW()"
	    " WHERE id = ? AND shop_id = ?" },
	/* a job that is no longer this worker's was cancelled, or taken by
	 * another worker (this one was taken for dead): then the import is
	 * the other's */
	[IJ_CANCELLED] = { .sql =
	    "SELECT state = 'cancelled' FROM job WHERE id = ? AND shop_id = ?" },
};

static int
import_job_ready(struct db *db)
{
	return db_register(db, import_job_sql, IMPORT_JOB_SQL__MAX);
}

/* --- the addresses seen in the file ---------------------------------------------- */

/* A set of 64-bit hashes of normalised addresses, open addressing, sized
 * for the import's row count at three quarters full (any size, not a power
 * of two: a million rows take 10.7 MiB, not 16). Two addresses of one file
 * that share a hash (about one chance in 10^7 for a million rows) would
 * count the second as a duplicate: the cost of a set that fits the
 * worker's budget. */
struct email_set {
	uint64_t *slots;	/* 0: free */
	size_t size, count;
};

static uint64_t
email_hash(const char *email)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a, then a finaliser that spreads it */

	for (; *email; email++)
		h = (h ^ (unsigned char)*email) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

/* Where h starts looking in a table of size slots (the high half of h
 * scaled to the size: no division). */
static size_t
email_home(uint64_t h, size_t size)
{
	return (size_t)(((h >> 32) * (uint64_t)size) >> 32);
}

/* Puts h into slots (size of them), where it is not. */
static void
email_put(uint64_t *slots, size_t size, uint64_t h)
{
	size_t i;

	for (i = email_home(h, size); slots[i] != 0; i = i + 1 < size ? i + 1 : 0)
		;
	slots[i] = h;
}

/* Room for rows addresses (the import's row count; it grows past that,
 * should the count be wrong). 0 or -1. */
static int
email_set_init(struct email_set *set, long long rows)
{
	set->size = rows > 768 ? (size_t)rows / 3 * 4 + 4 : 1024;
	set->slots = calloc(set->size, sizeof(*set->slots));
	set->count = 0;
	return set->slots != NULL ? 0 : -1;
}

static void
email_set_free(struct email_set *set)
{
	free(set->slots);
	set->slots = NULL;
}

/* Adds email. Returns 1 when it was new, 0 when it was there, -1 (memory). */
static int
email_set_add(struct email_set *set, const char *email)
{
	uint64_t h = email_hash(email);
	size_t i;

	if (set->count + 1 > set->size / 4 * 3) {
		size_t size = set->size * 2;
		uint64_t *bigger = calloc(size, sizeof(*bigger));

		if (bigger == NULL)
			return -1;
		for (i = 0; i < set->size; i++)
			if (set->slots[i] != 0)
				email_put(bigger, size, set->slots[i]);
		free(set->slots);
		set->slots = bigger;
		set->size = size;
	}
	for (i = email_home(h, set->size); set->slots[i] != 0; i = i + 1 < set->size ? i + 1 : 0)
		if (set->slots[i] == h)
			return 0;
	set->slots[i] = h;
	set->count++;
	return 1;
}

/* --- one batch of rows -------------------------------------------------------------- */

/* The text columns an import writes, each from the record's member. */
enum slot {
	SLOT_EMAIL, SLOT_FIRST_NAME, SLOT_LAST_NAME, SLOT_PHONE, SLOT_COMPANY, SLOT_ADDRESS,
	SLOT_POSTAL_CODE, SLOT_CITY, SLOT_COUNTRY, SLOT_LANGUAGE, SLOT_VAT_NUMBER, SLOT_NOTE,
	SLOT_SIGNUP_DATE, SLOT__MAX
};

/* Where each slot is in a record; slots up to SLOT_VAT_NUMBER are also
 * columns of the customer an import may fill or overwrite (the match's
 * columns 1 to 11, in this order). */
static const size_t slot_offsets[SLOT__MAX] = {
	[SLOT_EMAIL] = offsetof(struct import_record, email),
	[SLOT_FIRST_NAME] = offsetof(struct import_record, first_name),
	[SLOT_LAST_NAME] = offsetof(struct import_record, last_name),
	[SLOT_PHONE] = offsetof(struct import_record, phone),
	[SLOT_COMPANY] = offsetof(struct import_record, company),
	[SLOT_ADDRESS] = offsetof(struct import_record, address),
	[SLOT_POSTAL_CODE] = offsetof(struct import_record, postal_code),
	[SLOT_CITY] = offsetof(struct import_record, city),
	[SLOT_COUNTRY] = offsetof(struct import_record, country),
	[SLOT_LANGUAGE] = offsetof(struct import_record, language),
	[SLOT_VAT_NUMBER] = offsetof(struct import_record, vat_number),
	[SLOT_NOTE] = offsetof(struct import_record, note),
	[SLOT_SIGNUP_DATE] = offsetof(struct import_record, signup_date),
};
#define SLOT_COLUMNS (SLOT_VAT_NUMBER + 1)

/* What becomes of a row. */
enum outcome { OUT_NEW, OUT_UPDATED, OUT_UNCHANGED, OUT_INVALID, OUT_DUPLICATE, OUT__MAX };

/* A customer the shop has, as the match read it. */
struct existing {
	long long id;
	char *text[SLOT_COLUMNS];	/* "" for NULL */
	int tax_exempt, blocked, marketing;
	int withdrew;	/* the newest consent row took consent back */
	char data[];
};

/* A row of the batch: what it says (its text in data), or why it cannot
 * be taken and the row as it was (for import_error). */
struct staged {
	long long line;
	enum import_reason reason;
	int reason_column;	/* the refused cell's column, or -1 */
	enum outcome outcome;
	char *text[SLOT__MAX];
	int has_tax_exempt, tax_exempt;
	int marketing;		/* 1 subscribe, 0 unsubscribe, -1 no word */
	long long order_count, total_spent_cents;
	char *row_text;		/* invalid and duplicate rows only */
	struct existing *existing;	/* the shop's customer with its address, or NULL */
	/* the run's decisions */
	int subscribe;		/* 1 consent given, 0 taken back, -1 untouched */
	long long customer_id;
	char data[];
};

struct batch {
	struct staged **rows;
	int count, size;
	size_t bytes;
	long long counts[OUT__MAX];
};

static void
batch_clear(struct batch *batch)
{
	int i;

	for (i = 0; i < batch->count; i++) {
		free(batch->rows[i]->row_text);
		free(batch->rows[i]->existing);
		free(batch->rows[i]);
	}
	batch->count = 0;
	batch->bytes = 0;
	memset(batch->counts, 0, sizeof(batch->counts));
}

/* Forgets what a batch that was rolled back decided, before it is
 * written again. */
static void
batch_forget(struct batch *batch)
{
	int i;

	for (i = 0; i < batch->count; i++) {
		struct staged *row = batch->rows[i];

		free(row->existing);
		row->existing = NULL;
		row->subscribe = -1;
		row->customer_id = 0;
	}
	memset(batch->counts, 0, sizeof(batch->counts));
}

/* The row as CSV text (comma-separated, quoted where needed), cut at
 * ROW_TEXT_MAX bytes; malloc'd, NULL when out of memory. */
static char *
row_csv(const struct sheet_row *row)
{
	size_t size = 64, used = 0;
	char *out = malloc(size);
	int f;

	if (out == NULL)
		return NULL;
	for (f = 0; f < row->count && used < ROW_TEXT_MAX; f++) {
		const char *value = row->fields[f];
		size_t length = row->lengths[f], i;
		int quote = strpbrk(value, ",\"\r\n") != NULL;

		if (used + 2 * length + 4 >= size) {
			char *bigger;

			size = used + 2 * length + 64;
			bigger = realloc(out, size);
			if (bigger == NULL) {
				free(out);
				return NULL;
			}
			out = bigger;
		}
		if (f > 0)
			out[used++] = ',';
		if (quote)
			out[used++] = '"';
		for (i = 0; i < length; i++) {
			if (value[i] == '"')
				out[used++] = '"';
			out[used++] = value[i];
		}
		if (quote)
			out[used++] = '"';
	}
	if (used > ROW_TEXT_MAX) {
		used = ROW_TEXT_MAX;
		while (used > 0 && ((unsigned char)out[used] & 0xc0) == 0x80)
			used--;	/* never cut a character in two */
	}
	out[used] = '\0';
	return out;
}

/* A staged copy of what record says (only the text it has), for a valid
 * row. NULL when out of memory. */
static struct staged *
staged_from_record(const struct import_record *record, long long line, int subscribe_all,
    int attested)
{
	size_t lengths[SLOT__MAX], total = 0;
	struct staged *row;
	char *p;
	int s;

	for (s = 0; s < SLOT__MAX; s++) {
		lengths[s] = strlen((const char *)record + slot_offsets[s]);
		total += lengths[s] + 1;
	}
	row = calloc(1, sizeof(*row) + total);
	if (row == NULL)
		return NULL;
	p = row->data;
	for (s = 0; s < SLOT__MAX; s++) {
		memcpy(p, (const char *)record + slot_offsets[s], lengths[s] + 1);
		row->text[s] = p;
		p += lengths[s] + 1;
	}
	row->line = line;
	row->reason = IMPORT_OK;
	row->has_tax_exempt = record->has[IMPORT_TAX_EXEMPT];
	row->tax_exempt = record->tax_exempt;
	/* the file's own word wins over the import's "subscribe everyone"; its
	 * "yes" only when an admin attested it (import_map asks for it; an
	 * import mapped before it did may lack it), its "no" always */
	row->marketing = record->has[IMPORT_MARKETING] && (attested || !record->marketing) ?
	    record->marketing : subscribe_all ? 1 : -1;
	row->order_count = record->has[IMPORT_ORDER_COUNT] ? record->order_count : 0;
	row->total_spent_cents = record->has[IMPORT_TOTAL_SPENT] ? record->total_spent_cents : 0;
	row->subscribe = -1;
	return row;
}

static struct staged *
staged_invalid(const struct sheet_row *sheet_row, enum import_reason reason, int column)
{
	struct staged *row = calloc(1, sizeof(*row));

	if (row == NULL)
		return NULL;
	row->line = sheet_row->line;
	row->reason = reason;
	row->reason_column = column;
	row->outcome = reason == IMPORT_DUPLICATE ? OUT_DUPLICATE : OUT_INVALID;
	row->row_text = row_csv(sheet_row);
	if (row->row_text == NULL) {
		free(row);
		return NULL;
	}
	return row;
}

/* Adds row to the batch (which owns it from here). 0 or -1 (memory). */
static int
batch_add(struct batch *batch, struct staged *row)
{
	int s;

	if (row == NULL)
		return -1;
	if (batch->count == batch->size) {
		int size = batch->size ? batch->size * 2 : 256;
		struct staged **bigger = realloc(batch->rows, (size_t)size * sizeof(*bigger));

		if (bigger == NULL) {
			free(row->row_text);
			free(row);
			return -1;
		}
		batch->rows = bigger;
		batch->size = size;
	}
	batch->rows[batch->count++] = row;
	batch->bytes += sizeof(*row) + (row->row_text ? strlen(row->row_text) : 0);
	for (s = 0; row->reason == IMPORT_OK && s < SLOT__MAX; s++)
		batch->bytes += strlen(row->text[s]) + 1;
	return 0;
}

/* --- the job ------------------------------------------------------------------------ */

/* Everything one run of the job needs. */
struct job {
	struct job_run *run;
	enum import_action action;
	long long import_id;
	long long resume_after;	/* data rows done before this run */
	/* the import row */
	char spool_path[1025];
	char file_name[256];
	char state[16];
	struct sheet_options options;
	int has_header;
	enum import_field map[SHEET_COLUMNS_MAX];
	int columns;
	enum import_mode mode;
	int subscribe, welcome;
	long long attested_by;	/* the admin who attested the consent (0: gone) */
	char attested_at[20];	/* when, "YYYY-MM-DD HH:MM" */
	long long row_count;
	/* while it runs */
	struct shop_context ctx;
	struct email_set seen;
	struct sheet *sheet;
	long long errors_kept;	/* a preview's import_error rows */
	long long batch_size;
	long pause_ms;		/* Jobs.ImportPauseMilliseconds between batches */
	char link[300];		/* the welcome mail's sign-in page */
	char statement[600];	/* the consent rows' statement */
};

/* Fails the run with the reason key. Returns -1. */
static long long
failed(struct job *job, const char *reason)
{
	snprintf(job->run->error, sizeof(job->run->error), "%s", reason);
	return -1;
}

/* The index of name in names (count of them), or -1. */
static int
name_index(const char *const *names, int count, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < count; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Reads the job's payload: which import, what to do. 0 or -1. */
static int
read_payload(struct job *job, const char *payload)
{
	char action[16];
	int end = 0;

	if (payload == NULL ||
	    sscanf(payload, "import=%lld&action=%15[a-z]%n", &job->import_id, action, &end) != 2 ||
	    payload[end] != '\0' || job->import_id <= 0)
		return -1;
	job->action = (enum import_action)name_index(import_action_names, IMPORT_ACTION__MAX,
	    action);
	return (int)job->action < 0 ? -1 : 0;
}

/* The job row and the import row. 0, or -1 (run->error says why). */
static int
read_job(struct job *job)
{
	struct db_query *query = &import_job_sql[IJ_JOB];
	struct db_param params[2] = { DB_INT(job->run->job_id), DB_INT(job->run->shop_id) };
	const char *separator, *mode;
	int found, status = 0, format, encoding;

	if (db_exec(job->run->db, query, params, 2) < 0)
		return (int)failed(job, "error");
	found = db_fetch(query);
	if (found == 1) {
		status = read_payload(job, db_text(query, 0));
		job->resume_after = db_int(query, 1);
	}
	db_done(query);
	if (found != 1 || status != 0)
		return (int)failed(job, found < 0 ? "error" : "payload");
	query = &import_job_sql[IJ_IMPORT];
	params[0] = DB_INT(job->import_id);
	if (db_exec(job->run->db, query, params, 2) < 0)
		return (int)failed(job, "error");
	found = db_fetch(query);
	if (found == 1) {
		snprintf(job->spool_path, sizeof(job->spool_path), "%s", db_text(query, 0));
		format = name_index(sheet_format_names, SHEET_FORMAT__MAX, db_text(query, 1));
		encoding = name_index(sheet_encoding_names, SHEET_ENCODING__MAX, db_text(query, 2));
		job->options.format = format > 0 ? (enum sheet_format)format : SHEET_FORMAT_DETECT;
		job->options.encoding = encoding > 0 ? (enum sheet_encoding)encoding :
		    SHEET_ENCODING_DETECT;
		separator = db_text(query, 3);
		job->options.separator = strcmp(separator, "tab") == 0 ? '\t' : separator[0];
		job->has_header = db_int(query, 4) != 0;
		job->columns = import_mapping_read(db_text(query, 5), job->map, SHEET_COLUMNS_MAX);
		mode = db_text(query, 6);
		job->mode = (enum import_mode)name_index(import_mode_names, IMPORT_MODE__MAX, mode);
		job->subscribe = db_int(query, 7) != 0;
		job->welcome = db_int(query, 8) != 0;
		snprintf(job->state, sizeof(job->state), "%s", db_text(query, 9));
		snprintf(job->file_name, sizeof(job->file_name), "%s", db_text(query, 10));
		job->row_count = db_int(query, 11);
		job->errors_kept = db_int(query, 12);
		job->attested_by = db_text(query, 13) != NULL ? db_int(query, 13) : 0;
		snprintf(job->attested_at, sizeof(job->attested_at), "%s",
		    db_text(query, 14) != NULL ? db_text(query, 14) : "");
	}
	db_done(query);
	if (found != 1)
		return (int)failed(job, found < 0 ? "error" : "payload");
	if (job->columns < 0 || (int)job->mode < 0)
		return (int)failed(job, "mapping");
	return 0;
}

/* Whether path is a file of the shop's kept spool folder (the only files
 * a job reads and deletes). */
static int
in_kept_spool(const struct job *job, const char *path)
{
	char prefix[1100];
	int length = snprintf(prefix, sizeof(prefix), "%s/%lld/kept/",
	    settings_spool_dir(job->run->config), job->run->shop_id);

	return length > 0 && (size_t)length < sizeof(prefix) &&
	    strncmp(path, prefix, (size_t)length) == 0 && strstr(path + length, "..") == NULL &&
	    strchr(path + length, '/') == NULL && path[length] != '\0';
}

/* Writes the import's state at the end of a job (and why it failed),
 * in a transaction of its own; a run's file is forgotten, then deleted. */
static int
end_import(struct job *job, const char *state, const char *error)
{
	int over = job->action == IMPORT_RUN || strcmp(state, "failed") == 0;
	struct db_param params[6] = { DB_TEXT(state), DB_TEXT(error), DB_INT(over), DB_INT(over),
		DB_INT(job->import_id), DB_INT(job->run->shop_id) };

	if (db_begin(job->run->db) != 0 ||
	    db_exec(job->run->db, &import_job_sql[IJ_END], params, 6) < 0 ||
	    db_commit(job->run->db) != 0) {
		db_rollback(job->run->db);
		return -1;
	}
	if (over && job->spool_path[0] != '\0' && in_kept_spool(job, job->spool_path) &&
	    unlink(job->spool_path) != 0 && errno != ENOENT)
		log_warn("cannot delete the import's file %s: %s", job->spool_path, strerror(errno));
	return 0;
}

/* The match: the shop's customers among the batch's addresses (the batch
 * size's places, unused ones NULL), locked by a run. */
static struct db_query *
match_statement(struct job *job)
{
	static const char head[] =
	    "SELECT c.id, c.email, c.first_name, c.last_name, c.phone, c.company, c.address,"
	    "       c.postal_code, c.city, c.country, c.language, c.vat_number, c.tax_exempt,"
	    "       c.status = 'blocked', c.marketing_consent,"
	    "       COALESCE((SELECT k.granted = 0 FROM consent k"
	    "                  WHERE k.shop_id = c.shop_id AND k.customer_id = c.id"
	    "                    AND k.purpose = 'marketing'"
	    "                  ORDER BY k.id DESC LIMIT 1), 0)"
	    "  FROM customer c WHERE c.shop_id = ? AND c.erased_at IS NULL AND c.email IN (";
	struct db_query *query;
	char *sql = db_sql_repeat(head, "?", (size_t)job->batch_size,
	    job->action == IMPORT_RUN ? ") FOR UPDATE" : ")");

	if (sql == NULL)
		return NULL;
	query = db_cached(job->run->db, sql);
	free(sql);
	return query;
}

/* Hashes addresses to rows of the batch, for the match's answers. */
struct row_index {
	int *slots;	/* row + 1, 0 free */
	size_t mask;
};

static struct staged *
row_index_find(const struct row_index *index, struct batch *batch, const char *email)
{
	size_t i;

	for (i = email_hash(email) & index->mask; index->slots[i] != 0; i = (i + 1) & index->mask)
		if (strcmp(batch->rows[index->slots[i] - 1]->text[SLOT_EMAIL], email) == 0)
			return batch->rows[index->slots[i] - 1];
	return NULL;
}

/* A copy of the match's current row. NULL when out of memory. */
static struct existing *
existing_from_match(struct db_query *query)
{
	size_t lengths[SLOT_COLUMNS], total = 0;
	struct existing *customer;
	char *p;
	int s;

	for (s = 0; s < SLOT_COLUMNS; s++) {
		lengths[s] = db_text(query, (unsigned)s + 1) ? db_length(query, (unsigned)s + 1) : 0;
		total += lengths[s] + 1;
	}
	customer = malloc(sizeof(*customer) + total);
	if (customer == NULL)
		return NULL;
	p = customer->data;
	for (s = 0; s < SLOT_COLUMNS; s++) {
		if (lengths[s] > 0)
			memcpy(p, db_text(query, (unsigned)s + 1), lengths[s]);
		p[lengths[s]] = '\0';
		customer->text[s] = p;
		p += lengths[s] + 1;
	}
	customer->id = db_int(query, 0);
	customer->tax_exempt = db_int(query, 12) != 0;
	customer->blocked = db_int(query, 13) != 0;
	customer->marketing = db_int(query, 14) != 0;
	customer->withdrew = db_int(query, 15) != 0;
	return customer;
}

/* Finds the shop's customers among the batch's valid rows with one
 * SELECT. 0 or -1. */
static int
match(struct job *job, struct batch *batch)
{
	struct row_index index = { NULL, 0 };
	struct db_param *params;
	struct db_query *query;
	size_t size = 64;
	int i, n = 0, status = 0;

	while (size < (size_t)batch->count * 2)
		size *= 2;
	index.slots = calloc(size, sizeof(*index.slots));
	index.mask = size - 1;
	params = calloc((size_t)job->batch_size + 1, sizeof(*params));
	if (index.slots == NULL || params == NULL) {
		free(index.slots);
		free(params);
		return -1;
	}
	params[n++] = DB_INT(job->run->shop_id);
	for (i = 0; i < batch->count; i++) {
		struct staged *row = batch->rows[i];
		size_t slot;

		if (row->reason != IMPORT_OK)
			continue;
		params[n++] = DB_TEXT(row->text[SLOT_EMAIL]);
		for (slot = email_hash(row->text[SLOT_EMAIL]) & index.mask; index.slots[slot] != 0;
		    slot = (slot + 1) & index.mask)
			;
		index.slots[slot] = i + 1;
	}
	while (n < job->batch_size + 1)
		params[n++] = DB_NULL;
	query = match_statement(job);
	if (query == NULL || db_exec(job->run->db, query, params, (size_t)n) < 0)
		status = -1;
	while (status == 0 && db_fetch(query) == 1) {
		struct staged *row = row_index_find(&index, batch, db_text(query, 1));

		if (row != NULL && row->existing == NULL &&
		    (row->existing = existing_from_match(query)) == NULL)
			status = -1;
	}
	if (query != NULL)
		db_done(query);
	free(index.slots);
	free(params);
	return status;
}

/* Whether the mode takes the row's value of a column the customer has as
 * now. */
static int
takes(enum import_mode mode, const char *now, const char *value)
{
	if (value[0] == '\0' || strcmp(now, value) == 0)
		return 0;
	return mode == IMPORT_OVERWRITE || (mode == IMPORT_FILL_EMPTY && now[0] == '\0');
}

/* Decides what becomes of each valid row, as the preview counts it and
 * the run writes it: new, updated (something changes under the mode) or
 * unchanged; and whether consent is given or taken back. A blocked
 * customer, or one whose newest consent row took it back, is never
 * subscribed by an import. */
static void
decide(struct job *job, struct batch *batch)
{
	int i, s;

	for (i = 0; i < batch->count; i++) {
		struct staged *row = batch->rows[i];
		struct existing *customer = row->existing;
		int changes = 0;

		if (row->reason != IMPORT_OK) {
			batch->counts[row->outcome]++;
			continue;
		}
		if (customer == NULL) {
			row->outcome = OUT_NEW;
			row->subscribe = row->marketing == 1 ? 1 : -1;
			batch->counts[OUT_NEW]++;
			continue;
		}
		if (job->mode != IMPORT_KEEP) {
			for (s = SLOT_FIRST_NAME; s < SLOT_COLUMNS; s++)
				changes += takes(job->mode, customer->text[s], row->text[s]);
			changes += job->mode == IMPORT_OVERWRITE && row->has_tax_exempt &&
			    row->tax_exempt != customer->tax_exempt;
			if (row->marketing == 1 && !customer->marketing && !customer->blocked &&
			    !customer->withdrew)
				row->subscribe = 1;
			else if (row->marketing == 0 && customer->marketing &&
			    job->mode == IMPORT_OVERWRITE)
				row->subscribe = 0;
			changes += row->subscribe != -1;
		}
		row->outcome = changes > 0 ? OUT_UPDATED : OUT_UNCHANGED;
		batch->counts[row->outcome]++;
	}
}

/* The customer_fields of a new row. */
static struct customer_fields
new_fields(const struct job *job, const struct staged *row)
{
	struct customer_fields fields = {
		.email = row->text[SLOT_EMAIL],
		.first_name = row->text[SLOT_FIRST_NAME],
		.last_name = row->text[SLOT_LAST_NAME],
		.phone = row->text[SLOT_PHONE],
		.country = row->text[SLOT_COUNTRY][0] ? row->text[SLOT_COUNTRY] : NULL,
		.language = row->text[SLOT_LANGUAGE][0] ? row->text[SLOT_LANGUAGE] : NULL,
		.company = row->text[SLOT_COMPANY],
		.address = row->text[SLOT_ADDRESS],
		.postal_code = row->text[SLOT_POSTAL_CODE],
		.city = row->text[SLOT_CITY],
		.vat_number = row->text[SLOT_VAT_NUMBER],
		.tax_exempt = row->tax_exempt,
		.source = "import",
		.marketing_consent = row->subscribe == 1,
		.order_count = (int)row->order_count,
		.total_spent_cents = row->total_spent_cents,
		.created_at = row->text[SLOT_SIGNUP_DATE][0] ? row->text[SLOT_SIGNUP_DATE] : NULL,
		.import_id = job->import_id,
	};

	return fields;
}

/* The customer_update_row of an updated row: what it keeps and what the
 * mode takes from the file. */
static void
update_fields(const struct job *job, const struct staged *row, struct customer_update_row *out)
{
	const struct existing *customer = row->existing;
	const char *value[SLOT_COLUMNS];
	int s;

	for (s = 0; s < SLOT_COLUMNS; s++)
		value[s] = takes(job->mode, customer->text[s], row->text[s]) ? row->text[s] :
		    customer->text[s];
	memset(out, 0, sizeof(*out));
	out->id = customer->id;
	out->fields.email = customer->text[SLOT_EMAIL];
	out->fields.first_name = value[SLOT_FIRST_NAME];
	out->fields.last_name = value[SLOT_LAST_NAME];
	out->fields.phone = value[SLOT_PHONE];
	out->fields.company = value[SLOT_COMPANY];
	out->fields.address = value[SLOT_ADDRESS];
	out->fields.postal_code = value[SLOT_POSTAL_CODE];
	out->fields.city = value[SLOT_CITY];
	out->fields.country = value[SLOT_COUNTRY][0] ? value[SLOT_COUNTRY] : NULL;
	out->fields.language = value[SLOT_LANGUAGE][0] ? value[SLOT_LANGUAGE] : NULL;
	out->fields.vat_number = value[SLOT_VAT_NUMBER];
	out->fields.tax_exempt = job->mode == IMPORT_OVERWRITE && row->has_tax_exempt ?
	    row->tax_exempt : customer->tax_exempt;
	out->fields.marketing_consent = row->subscribe == -1 ? customer->marketing : row->subscribe;
	out->reindex = value[SLOT_FIRST_NAME] != customer->text[SLOT_FIRST_NAME] ||
	    value[SLOT_LAST_NAME] != customer->text[SLOT_LAST_NAME] ||
	    value[SLOT_PHONE] != customer->text[SLOT_PHONE];
	out->old_first_name = customer->text[SLOT_FIRST_NAME];
	out->old_last_name = customer->text[SLOT_LAST_NAME];
	out->old_phone = customer->text[SLOT_PHONE];
}

/* Writes the batch's new customers through the writer, CUSTOMER_BATCH_MAX
 * at a time, each with its event; their ids go to their rows. 0 or -1. */
static int
write_new(struct job *job, struct batch *batch)
{
	static struct customer_fields fields[CUSTOMER_BATCH_MAX];
	static struct staged *rows[CUSTOMER_BATCH_MAX];
	static long long ids[CUSTOMER_BATCH_MAX];
	int i = 0, n, k;

	while (i < batch->count) {
		for (n = 0; i < batch->count && n < CUSTOMER_BATCH_MAX; i++)
			if (batch->rows[i]->reason == IMPORT_OK && batch->rows[i]->outcome == OUT_NEW) {
				rows[n] = batch->rows[i];
				fields[n++] = new_fields(job, batch->rows[i]);
			}
		if (n == 0)
			break;
		switch (customer_create_batch(&job->ctx, fields, n, "customer.imported", ids)) {
		case CUSTOMER_OK:
			break;
		case CUSTOMER_LIMIT:	/* the batches before it stay */
			return (int)failed(job, "customer_limit");
		default:
			return -1;
		}
		for (k = 0; k < n; k++)
			rows[k]->customer_id = ids[k];
	}
	return 0;
}

/* Writes the batch's updates, CUSTOMER_BATCH_MAX at a time. 0 or -1. */
static int
write_updates(struct job *job, struct batch *batch)
{
	static struct customer_update_row rows[CUSTOMER_BATCH_MAX];
	int i = 0, n;

	while (i < batch->count) {
		for (n = 0; i < batch->count && n < CUSTOMER_BATCH_MAX; i++)
			if (batch->rows[i]->reason == IMPORT_OK &&
			    batch->rows[i]->outcome == OUT_UPDATED) {
				update_fields(job, batch->rows[i], &rows[n++]);
				batch->rows[i]->customer_id = batch->rows[i]->existing->id;
			}
		if (n == 0)
			break;
		if (customer_update_batch(&job->ctx, rows, n, "customer.import_updated") !=
		    CUSTOMER_OK)
			return -1;
	}
	return 0;
}

/* Rows of one multi-row INSERT of write_rows. */
#define WRITE_ROWS 250

/* One kind of row a batch writes beside its customers. */
struct side_table {
	const char *head;	/* "INSERT INTO t (a, b, ...)" */
	const char *group;	/* one row's values, or NULL: "(?,?,...)" */
	unsigned int columns;
	/* whether the batch's row gives one, and its values into params */
	int (*wanted)(const struct job *job, const struct staged *row);
	void (*values)(const struct job *job, const struct staged *row, struct db_param *params);
};

static int
wants_consent(const struct job *job, const struct staged *row)
{
	(void)job;
	return row->reason == IMPORT_OK && row->subscribe != -1 &&
	    (row->outcome == OUT_NEW || row->outcome == OUT_UPDATED);
}

static void
consent_values(const struct job *job, const struct staged *row, struct db_param *params)
{
	params[0] = DB_INT(job->run->shop_id);
	params[1] = DB_INT(row->customer_id);
	params[2] = DB_INT(row->subscribe);
	/* the admin who attested the shop's consent ("subscribe"), else (a
	 * consent column of the file) the one who started the run */
	params[3] = job->attested_by > 0 ? DB_INT(job->attested_by) :
	    job->run->admin_id > 0 ? DB_INT(job->run->admin_id) : DB_NULL;
	params[4] = DB_INT(job->import_id);
	/* the ledger's hash of the address (consent_email_hash), which
	 * stays when the customer is erased */
	params[5] = DB_TEXT(row->text[SLOT_EMAIL]);
	params[6] = DB_TEXT(job->statement);
}

/* Notes come with the customers an import creates: a customer the shop
 * already had would get the same note again at each import of the file. */
static int
wants_note(const struct job *job, const struct staged *row)
{
	(void)job;
	return row->reason == IMPORT_OK && row->outcome == OUT_NEW && row->text[SLOT_NOTE][0];
}

static void
note_values(const struct job *job, const struct staged *row, struct db_param *params)
{
	params[0] = DB_INT(job->run->shop_id);
	params[1] = DB_INT(row->customer_id);
	params[2] = job->run->admin_id > 0 ? DB_INT(job->run->admin_id) : DB_NULL;
	params[3] = DB_TEXT(row->text[SLOT_NOTE]);
}

static int
wants_error(const struct job *job, const struct staged *row)
{
	(void)job;
	return row->reason != IMPORT_OK;
}

static void
error_values(const struct job *job, const struct staged *row, struct db_param *params)
{
	params[0] = DB_INT(job->import_id);
	params[1] = DB_INT(job->action == IMPORT_PREVIEW);
	params[2] = DB_INT(row->line);
	params[3] = DB_INT(job->run->shop_id);
	params[4] = DB_TEXT(import_reason_names[row->reason]);
	params[5] = row->reason_column >= 0 ? DB_INT(row->reason_column) : DB_NULL;
	params[6] = DB_TEXT(row->row_text);
}

enum side { SIDE_CONSENT, SIDE_NOTE, SIDE_ERROR, SIDE__MAX };

/* the most columns a side table has (the consent rows') */
#define SIDE_COLUMNS_MAX 7

static const struct side_table side_tables[SIDE__MAX] = {
	/* as consent_record writes an entry (fcgi/lib/consent.h): marketing,
	 * through the import, by the import, no wording on a screen and no
	 * client address (the worker writes it) */
	[SIDE_CONSENT] = { "INSERT INTO consent (shop_id, customer_id, granted, purpose, source,"
	    " actor, admin_id, import_id, email_hash, statement)",
	    "(?,?,?,'marketing','import','import',?,?,UNHEX(SHA2(?,256)),?)", 7, wants_consent,
	    consent_values },
	[SIDE_NOTE] = { "INSERT INTO note (shop_id, customer_id, admin_id, body)", NULL, 4,
	    wants_note, note_values },
	[SIDE_ERROR] = { "INSERT INTO import_error (import_id, dry_run, line, shop_id, reason,"
	    " reason_column, row_text)", NULL, 7, wants_error, error_values },
};

/* Writes the batch's rows of one side table (at most limit of them),
 * WRITE_ROWS a statement. Returns how many, or -1. */
static long long
write_side(struct job *job, struct batch *batch, enum side side, long long limit)
{
	static struct db_param params[WRITE_ROWS * SIDE_COLUMNS_MAX];
	const struct side_table *table = &side_tables[side];
	long long written = 0, done;
	int i = 0, n;

	while (i < batch->count && written < limit) {
		for (n = 0; i < batch->count && n < WRITE_ROWS && written + n < limit; i++)
			if (table->wanted(job, batch->rows[i]))
				table->values(job, batch->rows[i], params + (size_t)n++ * table->columns);
		if (n == 0)
			break;
		done = db_insert_rows_as(job->run->db, table->head, table->group, table->columns,
		    params, (size_t)n, NULL);
		if (done != n)
			return -1;
		written += n;
	}
	return written;
}

/* Queues the welcome mail of each new customer, in their language, with
 * the way to their account. 0 or -1. */
static int
write_welcomes(struct job *job, struct batch *batch)
{
	int i;

	hdf_set_valuef(job->ctx.hdf, "Mail.Link=%s/account/login", job->link);
	for (i = 0; i < batch->count; i++) {
		struct staged *row = batch->rows[i];
		struct mail mail = { "customer-welcome", NULL, 0, 0 };

		if (row->reason != IMPORT_OK || row->outcome != OUT_NEW)
			continue;
		mail.recipient = row->text[SLOT_EMAIL];
		mail.customer_id = row->customer_id;
		if (mail_queue_in(&job->ctx, &mail, row->text[SLOT_LANGUAGE]) != 0)
			return -1;
	}
	return 0;
}

/* Commits the batch's counts with the job's place in the file. Returns 1,
 * 0 when the job was cancelled meanwhile (the batch is rolled back), -1. */
static int
step(struct job *job, struct batch *batch, long long done)
{
	struct db_param params[7];
	long long rows, changed = batch->counts[OUT_NEW] + batch->counts[OUT_UPDATED];
	int o;

	for (o = 0; o < OUT__MAX; o++)
		params[o] = DB_INT(batch->counts[o]);
	params[5] = DB_INT(job->import_id);
	params[6] = DB_INT(job->run->shop_id);
	if (db_exec(job->run->db, &import_job_sql[job->action == IMPORT_RUN ? IJ_STEP_RUN :
	    IJ_STEP_PREVIEW], params, 7) < 0)
		return -1;
	params[0] = DB_INT(done);
	params[1] = DB_INT(done);
	params[2] = DB_INT(job->action == IMPORT_RUN ? changed : 0);
	params[3] = DB_INT(job->run->job_id);
	params[4] = DB_INT(job->run->shop_id);
	params[5] = DB_TEXT(job->run->worker_id);
	rows = db_exec(job->run->db, &import_job_sql[IJ_STEP_JOB], params, 6);
	return rows < 0 ? -1 : rows > 0;
}

/* Writes one batch (a run) or counts it (a preview), in one transaction
 * with the counts and done, the data rows gone through once it commits.
 * Returns 1, 0 cancelled meanwhile (nothing of it written), -1. */
static int
write_batch(struct job *job, struct batch *batch, long long done)
{
	long long kept = 0;
	int status;

	if (db_begin(job->run->db) != 0)
		return -1;
	if (match(job, batch) != 0)
		goto error;
	decide(job, batch);
	if (job->action == IMPORT_PREVIEW) {
		kept = write_side(job, batch, SIDE_ERROR, PREVIEW_ERRORS - job->errors_kept);
		if (kept < 0)
			goto error;
	} else if (write_new(job, batch) != 0 || write_updates(job, batch) != 0 ||
	    write_side(job, batch, SIDE_CONSENT, batch->count) < 0 ||
	    write_side(job, batch, SIDE_NOTE, batch->count) < 0 ||
	    write_side(job, batch, SIDE_ERROR, batch->count) < 0 ||
	    (job->welcome && write_welcomes(job, batch) != 0))
		goto error;
	status = step(job, batch, done);
	if (status != 1) {
		db_rollback(job->run->db);
		return status;
	}
	if (db_commit(job->run->db) != 0)
		return -1;
	job->errors_kept += kept;
	return 1;
error:
	db_rollback(job->run->db);
	return -1;
}

/* Reads the next data row into the batch (or, skipping, only into the set
 * of addresses seen). Returns 1, 0 at the end of the file, -1 (the file or
 * memory: run->error says). */
static int
read_row(struct job *job, struct batch *batch)
{
	static struct import_record record;
	struct sheet_row row;
	enum import_reason reason;
	int next, added;

	next = sheet_next(job->sheet, &row);
	if (next < 0)
		return (int)failed(job, sheet_status_names[sheet_status(job->sheet)]);
	if (next == 0)
		return 0;
	if (row.number == 1 && job->has_header) {
		next = sheet_next(job->sheet, &row);
		if (next <= 0)
			return next < 0 ? (int)failed(job,
			    sheet_status_names[sheet_status(job->sheet)]) : 0;
	}
	reason = import_record_read(&row, job->map, job->columns, &record);
	if (reason == IMPORT_OK) {
		added = email_set_add(&job->seen, record.email);
		if (added < 0)
			return (int)failed(job, "memory");
		if (added == 0)
			reason = IMPORT_DUPLICATE;
	}
	if (batch == NULL)
		return 1;
	if (batch_add(batch, reason == IMPORT_OK ?
	    staged_from_record(&record, row.line, job->subscribe, job->attested_at[0] != '\0') :
	    staged_invalid(&row, reason, reason == IMPORT_DUPLICATE ? -1 : record.reason_column)) != 0)
		return (int)failed(job, "memory");
	return 1;
}

/* Opens the file and reads past the rows done before (their addresses
 * go into the set: a later row with one of them is a duplicate). 0, or
 * -1 (run->error says). */
static int
open_file(struct job *job)
{
	enum sheet_status status;
	long long skipped;
	int read = 1;

	if (job->spool_path[0] == '\0' || !in_kept_spool(job, job->spool_path) ||
	    (access(job->spool_path, R_OK) != 0 && errno == ENOENT))
		return (int)failed(job, "no_file");
	status = sheet_open(job->spool_path, &job->options, &job->sheet, NULL);
	if (status != SHEET_OK)
		return (int)failed(job, sheet_status_names[status]);
	if (email_set_init(&job->seen, job->row_count) != 0)
		return (int)failed(job, "memory");
	for (skipped = 0; skipped < job->resume_after && read == 1; skipped++)
		read = read_row(job, NULL);
	return read < 0 ? -1 : 0;
}

/* Says what the consent rows say: that the admin attested consent when
 * bringing this file in, in the shop's language. */
static void
consent_statement(struct job *job)
{
	snprintf(job->statement, sizeof(job->statement), "%s %lld (%s)%s%s",
	    hdf_get_value(job->ctx.hdf, "Lang.ImportJob.ConsentStatement", "import"),
	    job->import_id, job->file_name, job->attested_at[0] ? ", " : "", job->attested_at);
}

/* The beat, tried again while the database is away. */
static int
beat_again(struct job *job, long long done)
{
	int going = job->run->beat(job->run->data, done), tries;

	for (tries = 0; going < 0 && tries < DB_TRIES; tries++) {
		sleep(1);
		going = job->run->beat(job->run->data, done);
	}
	return going;
}

/* Waits pause_ms between batches (0 by default: a provider may slow big
 * imports down so that the shop's pages stay quick), beating meanwhile.
 * Returns what the beat said (1 go on). */
static int
pause_between(struct job *job, long long done)
{
	long pause_ms = job->pause_ms;
	int going = 1;

	while (pause_ms > 0 && going == 1) {
		long step_ms = pause_ms > 200 ? 200 : pause_ms;

		usleep((useconds_t)step_ms * 1000);
		pause_ms -= step_ms;
		going = beat_again(job, done);
	}
	return going;
}

/* Writes the batch, again when it was rolled back whole (no COMMIT was
 * sent): a MariaDB restart (the connection lost with the transaction)
 * costs a wait of up to DB_TRIES seconds, a deadlock with a page or a
 * lock wait two more tries, not the import. Returns as write_batch. */
static int
write_batch_again(struct job *job, struct batch *batch, long long done)
{
	struct db *db = job->run->db;
	int written, tries;

	db_request_start(db);
	written = write_batch(job, batch, done);
	/* a refusal that names its reason (the customer limit) is not tried again */
	for (tries = 0; written < 0 && !db->wrote && job->run->error[0] == '\0' &&
	    tries < DB_TRIES; tries++) {
		if (!db_request_repeatable(db) && tries >= 2)
			break;
		log_warn("import %lld: writing the batch again", job->import_id);
		sleep(1);
		db_request_start(db);
		batch_forget(batch);
		if (db_ensure_connection(db) == DB_OK)
			written = write_batch(job, batch, done);
	}
	return written;
}

/* The preview or the run, batch after batch. */
static long long
read_and_write(struct job *job)
{
	struct job_run *run = job->run;
	struct batch batch;
	long long done = job->resume_after, result = -1;
	int going, read = 1, written;

	memset(&batch, 0, sizeof(batch));
	if (job->resume_after == 0) {
		struct db_param params[3] = { DB_INT(job->import_id), DB_INT(run->shop_id),
			DB_INT(job->action == IMPORT_PREVIEW) };

		/* a preview made again, or a run after a preview: from nothing */
		if (db_begin(run->db) != 0 ||
		    db_exec(run->db, &import_job_sql[job->action == IMPORT_RUN ? IJ_RESET_RUN :
		    IJ_RESET_PREVIEW], params, 2) < 0 ||
		    db_exec(run->db, &import_job_sql[IJ_CLEAR_ERRORS], params, 3) < 0 ||
		    db_commit(run->db) != 0) {
			db_rollback(run->db);
			return failed(job, "error");
		}
		job->errors_kept = 0;
	}
	if (open_file(job) != 0)
		return -1;
	for (;;) {
		going = beat_again(job, done);
		if (going == 1 && done > job->resume_after)
			going = pause_between(job, done);
		if (going != 1) {
			result = going == 0 ? -2 : going == 2 ? -3 : failed(job, "error");
			break;
		}
		while (read == 1 && batch.count < job->batch_size && batch.bytes < BATCH_BYTES)
			read = read_row(job, &batch);
		if (read < 0)
			break;
		if (batch.count == 0) {
			result = done;
			break;
		}
		written = write_batch_again(job, &batch, done + batch.count);
		if (written != 1) {
			result = written == 0 ? -2 : run->error[0] != '\0' ? -1 : failed(job, "error");
			break;
		}
		done += batch.count;
		batch_clear(&batch);
	}
	batch_clear(&batch);
	free(batch.rows);
	return result;
}

/* The undo: import_undo removes what it may, beating between its batches
 * (a large undo takes minutes: the job stays alive, can be stopped, and
 * takes turns with other shops' jobs), then the import says how many it
 * removed and kept. */
static long long
undo(struct job *job)
{
	struct db_param params[4];
	long long removed = 0, kept = 0;
	int result;

	result = import_undo_beating(job->run->db, job->ctx.hdf, job->run->shop_id,
	    job->run->admin_id, job->import_id, job->run->beat, job->run->data, &removed, &kept);
	if (result == -2 || result == -3)
		return result;
	if (result != 0)
		return failed(job, "undo");
	params[0] = DB_INT(removed);
	params[1] = DB_INT(kept);
	params[2] = DB_INT(job->import_id);
	params[3] = DB_INT(job->run->shop_id);
	if (db_exec(job->run->db, &import_job_sql[IJ_UNDONE], params, 4) < 0)
		return failed(job, "error");
	return removed + kept;
}

/* The states an action's job finds its import in when it may go on (a
 * job taken again after its worker died finds its own "during" state),
 * and what it sets meanwhile and at its end. */
static const struct {
	const char *queued, *during, *done, *cancelled;
} action_states[IMPORT_ACTION__MAX] = {
	[IMPORT_PREVIEW] = { "previewing", "previewing", "previewed", "new" },
	[IMPORT_RUN] = { "queued", "importing", "done", "cancelled" },
	[IMPORT_UNDO] = { "undoing", "undoing", "undone", "done" },
};

/* Whether the job was cancelled (rather than taken by another worker).
 * 1, 0, or -1 (database). */
static int
job_cancelled(struct job *job)
{
	struct db_query *query = &import_job_sql[IJ_CANCELLED];
	struct db_param params[2] = { DB_INT(job->run->job_id), DB_INT(job->run->shop_id) };
	int found, cancelled = 0;

	if (db_exec(job->run->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		cancelled = db_int(query, 0) == 1;
	db_done(query);
	return found < 0 ? -1 : cancelled;
}

long long
import_job_run(struct job_run *run)
{
	struct job *job = calloc(1, sizeof(*job));
	long long result;
	int made;

	run->error[0] = '\0';
	if (job == NULL) {
		snprintf(run->error, sizeof(run->error), "memory");
		return -1;
	}
	job->run = run;
	job->batch_size = hdf_get_int_value(run->config, "Jobs.ImportBatch", IMPORT_JOB_BATCH);
	if (job->batch_size < 1 || job->batch_size > 10000)
		job->batch_size = IMPORT_JOB_BATCH;
	job->pause_ms = hdf_get_int_value(run->config, "Jobs.ImportPauseMilliseconds", 0);
	if (import_job_ready(run->db) != 0 || read_job(job) != 0) {
		result = run->error[0] ? -1 : failed(job, "error");
		free(job);
		return result;
	}
	/* the import moved on without this job (cancelled meanwhile, or a
	 * job taken again after its end committed): nothing left to do */
	if (strcmp(job->state, action_states[job->action].queued) != 0 &&
	    strcmp(job->state, action_states[job->action].during) != 0) {
		result = job->resume_after;
		free(job);
		return result;
	}
	made = context_for_shop(&job->ctx, run->db, run->config, run->shop_id, ACTOR_WORKER);
	/* the worker acts for the admin who started the import: the timeline
	 * and the consent rows name them */
	job->ctx.actor_id = run->admin_id;
	if (made != 1)
		result = failed(job, "error");
	else if (job->action == IMPORT_UNDO)
		result = undo(job);
	else if (job->action == IMPORT_RUN && job->welcome &&
	    context_link_base(&job->ctx, job->link, sizeof(job->link)) != 0)
		result = failed(job, "no_link");
	else {
		struct db_param params[3] = { DB_TEXT(action_states[job->action].during),
			DB_INT(job->import_id), DB_INT(run->shop_id) };

		consent_statement(job);
		result = db_exec(run->db, &import_job_sql[IJ_START], params, 3) < 0 ?
		    failed(job, "error") : read_and_write(job);
	}
	if (job->sheet != NULL)
		sheet_close(job->sheet);
	email_set_free(&job->seen);
	context_end(&job->ctx);
	if ((result >= 0 && job->action != IMPORT_UNDO &&
	    end_import(job, action_states[job->action].done, "") != 0) ||
	    (result == -2 && job_cancelled(job) == 1 &&
	    end_import(job, action_states[job->action].cancelled, "") != 0))
		result = failed(job, "error");
	if (result == -1 && end_import(job, job->action == IMPORT_UNDO ? "done" : "failed",
	    run->error) != 0)
		log_err("cannot mark import %lld failed", job->import_id);
	free(job);
	return result;
}
