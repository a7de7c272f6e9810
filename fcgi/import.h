/*
 * import.fcgi's pages share this: the program's SQL (import.c), the import
 * of the path as the pages read it, and each page file's handlers and
 * fields for the route table.
 *
 *   import.c         route table, SQL, the import of the path
 *   import-start.c   the start page: a file or a pasted list in, the
 *                    sample file, the shop's import history
 *   import-show.c    one import: the mapping screen, the job under way,
 *                    the preview, the report
 *   import-change.c  what the admin changes: the file read another way, the
 *                    mapping (which queues the preview), the run, the undo,
 *                    a job stopped, an import given up
 *   import-errors.c  errors.csv
 *
 * The file is read by fcgi/lib/sheet.h, its columns understood by
 * import-map.h, and the long work (preview, run, undo) is a worker job
 * queued through import-job.h.
 */
#ifndef FIDELE_IMPORT_H
#define FIDELE_IMPORT_H

#include "lib/request.h"
#include "lib/sheet.h"
#include "import-map.h"

enum import_sql {
	SQL_IMPORT_ADD,
	SQL_IMPORT_ONE,
	SQL_IMPORT_LOCK,
	SQL_IMPORT_DELETE,
	SQL_IMPORT_HISTORY,
	SQL_IMPORT_LAST_MAPPING,
	SQL_IMPORT_READ_SET,
	SQL_IMPORT_RUN_RESET,
	SQL_IMPORT_MAPPING_SET,
	SQL_IMPORT_ERRORS,
	SQL_IMPORT_ERRORS_ALL,
	SQL_IMPORT_AHEAD,
	SQL_IMPORT_JOB_CANCEL,
	SQL_IMPORT_CANCELLED,
	IMPORT_SQL__MAX
};

extern struct db_query import_sql[IMPORT_SQL__MAX];

/* The columns the mapping form declares one select for (a route declares
 * 64 fields at most); the columns past them keep the field their header
 * was given. */
#define IMPORT_FORM_COLUMNS 56

/* Bytes of the headers and mapping texts kept for a file. */
#define IMPORT_HEADERS_MAX 65536
#define IMPORT_MAPPING_MAX (SHEET_COLUMNS_MAX * 20)

/* The import of the path, as the pages read it (SQL_IMPORT_ONE). */
struct import_view {
	long long id, admin_id, job_id, file_size, row_count;
	int column_count, has_header, subscribe, welcome;
	char source[8], state[16], format[8], encoding[16], separator[8], mode[16];
	char file_name[1024], spool_path[1024];
	char job_state[16];
	long long job_progress;
	long long elapsed;	/* seconds since the run started, -1 when not */
	long long silent;	/* seconds since the worker's last beat, -1 when none */
	long long counts[2][5];	/* [0] preview, [1] run: new, updated, unchanged, invalid, duplicate */
	long long undo_removed, undo_kept;
	int preview_failed;	/* its last job, a preview, failed: back to the mapping */
	char *headers;		/* malloc'd */
	char *mapping;		/* malloc'd */
};

/* Reads the shop's import of the path into view (free with
 * import_view_free) and its facts into the HDF under Page.Import. Returns
 * 1, 0 (not this shop's: answered 404) or -1 (answered 500). */
int import_load(struct request *req, struct import_view *view);

void import_view_free(struct import_view *view);

/* The separators as the forms name them, in SHEET_SEPARATORS' order. */
extern const char *const import_separator_names[];

/* The choices of a column's select: import_field_names and NULL (set up
 * once by import_fields_setup). */
extern const char *import_field_choices[IMPORT_FIELD__MAX + 1];

/* The choices of the encoding select: sheet_encoding_names but "" and NULL. */
extern const char *import_encoding_choices[SHEET_ENCODING__MAX];

/* The choices of the mode select: import_mode_names and NULL. */
extern const char *import_mode_choices[];

/* Fills the choice tables above from the reader's and the mapping's names. */
void import_fields_setup(void);

/* name as a Lang key (HDF names have no '-': "utf-8" is utf_8) into out. */
const char *lang_key_of(const char *name, char *out, size_t size);

/* Splits a headers or mapping text ("a,b%2C%20c") into at most max
 * malloc'd values (url-unescaped), for free_values. Returns how many. */
int split_values(const char *text, char **out, int max);

/* Splits a row as the worker keeps a refused one (import_error.row_text:
 * one CSV line, comma-separated, quoted where needed, maybe cut short)
 * into at most max malloc'd values, for free_values. Returns how many. */
int split_csv_line(const char *text, char **out, int max);

void free_values(char **values, int count);

/* How column (from 0) of the file is named to the admin, into out: its
 * header (of headers, split_values's), else "Colonne 3", as the mapping
 * screen names it. */
void import_column_name(struct request *req, char **headers, int header_count, int column,
    char *out, size_t size);

/* --- the pages ------------------------------------------------------------- */

/* import-start.c */
enum upload_key { UPLOAD_FILE, UPLOAD__MAX };
enum paste_key { PASTE_TEXT, PASTE__MAX };
extern const struct field upload_fields[UPLOAD__MAX + 1];
extern const struct field paste_fields[PASTE__MAX + 1];
void import_start(struct request *req);
void import_upload(struct request *req);
void import_paste(struct request *req);
void import_sample(struct request *req);

/* import-show.c */
enum show_key { SHOW_EDIT, SHOW__MAX };
extern const struct field show_fields[SHOW__MAX + 1];
void import_show(struct request *req);

int import_state_is(const struct import_view *view, const char *state);

/* Whether the rows not taken are the preview's (import_error.dry_run 1):
 * the run has not begun. */
int import_errors_of_preview(const struct import_view *view);

/* Whether the admin may stop or undo the import: an owner, or who began it. */
int import_may_change(struct request *req, const struct import_view *view);

/* How the file of view is read, as stored, into options. */
void import_view_options(const struct import_view *view, struct sheet_options *options);

/* The mapping of view into map (room for SHEET_COLUMNS_MAX). */
void import_view_map(const struct import_view *view, enum import_field *map);

/* The mapping screen of view with map, status, and message (a Lang key)
 * when what was sent could not be taken. */
void import_mapping_render(struct request *req, const struct import_view *view,
    const enum import_field *map, int status, const char *message);

/* import-change.c */
enum read_key { READ_ENCODING, READ_SEPARATOR, READ_HEADER, READ__MAX };
enum map_key { MAP_MODE, MAP_SUBSCRIBE, MAP_ATTEST, MAP_WELCOME, MAP_COLUMN0,
	MAP__MAX = MAP_COLUMN0 + IMPORT_FORM_COLUMNS };
extern const struct field read_fields[READ__MAX + 1];
extern const struct field map_fields[MAP__MAX + 1];
void import_reread(struct request *req);
void import_map(struct request *req);
void import_run(struct request *req);
void import_delete(struct request *req);
void import_cancel(struct request *req);
void import_undo_queue(struct request *req);
/* GET /admin/import/N/undo: the undo's confirmation (import-show.c). */
void import_undo_confirm(struct request *req);

/* import-errors.c */
void import_errors(struct request *req);

/* Reads the file at path with options: the first row decides whether it
 * is a header (as found, or header < 0 to detect), every row is counted.
 * Fills the analysis below. Returns SHEET_OK or what is wrong with the
 * whole file. */
struct import_analysis {
	struct sheet_options found;
	int has_header;
	long long row_count;
	int column_count;
	char *headers;		/* malloc'd: the headers text, "" without a header */
	char *mapping;		/* malloc'd: the guessed mapping text */
	int has_email;		/* the guess found an e-mail column */
};
enum sheet_status import_analyse(const char *path, const struct sheet_options *options,
    int header, struct import_analysis *out);
void import_analysis_free(struct import_analysis *analysis);

#endif
