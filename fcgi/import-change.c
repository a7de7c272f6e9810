/*
 * What an admin changes on an import (import.fcgi, the POST routes under
 * /admin/import/#): the file read another way, the mapping saved (which
 * queues the preview), the run, the undo, a job stopped, an import given
 * up. Each locks the import of the path and checks its state first: a form
 * from another tab that is no longer true changes nothing (409). Another
 * shop's import is a 404.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/page.h"
#include "lib/settings.h"
#include "import.h"
#include "import-job.h"

static const char *const header_choices[] = { "yes", "no", NULL };

const struct field read_fields[READ__MAX + 1] = {
	[READ_ENCODING] = { "encoding", FIELD_CHOICE, 0, 0, 0, 0, import_encoding_choices },
	[READ_SEPARATOR] = { "separator", FIELD_CHOICE, 0, 0, 0, 0, import_separator_names },
	[READ_HEADER] = { "header", FIELD_CHOICE, 1, 0, 0, 0, header_choices },
};

#define COLUMN(n) [MAP_COLUMN0 + (n)] = { "c" #n, FIELD_CHOICE, 0, 0, 0, 0, import_field_choices }
#define COLUMNS8(t) COLUMN(t##0), COLUMN(t##1), COLUMN(t##2), COLUMN(t##3), COLUMN(t##4), \
	COLUMN(t##5), COLUMN(t##6), COLUMN(t##7)

const struct field map_fields[MAP__MAX + 1] = {
	/* not required: the abandon button of the preview sends none */
	[MAP_MODE] = { "mode", FIELD_CHOICE, 0, 0, 0, 0, import_mode_choices },
	[MAP_SUBSCRIBE] = { "subscribe", FIELD_INT, 0, 0, 0, 1, NULL },
	[MAP_ATTEST] = { "attest", FIELD_INT, 0, 0, 0, 1, NULL },
	[MAP_WELCOME] = { "welcome", FIELD_INT, 0, 0, 0, 1, NULL },
	COLUMN(0), COLUMN(1), COLUMN(2), COLUMN(3), COLUMN(4), COLUMN(5), COLUMN(6), COLUMN(7),
	COLUMN(8), COLUMN(9),
	COLUMNS8(1), COLUMN(18), COLUMN(19),
	COLUMNS8(2), COLUMN(28), COLUMN(29),
	COLUMNS8(3), COLUMN(38), COLUMN(39),
	COLUMNS8(4), COLUMN(48), COLUMN(49),
	COLUMN(50), COLUMN(51), COLUMN(52), COLUMN(53), COLUMN(54), COLUMN(55),
};

/* Starts a transaction and locks the import of the path; its state into
 * state, who began it into *admin_id, its file into spool (when not NULL:
 * room for 1024). 1 found, 0 not (answered 404), -1 (answered 500). */
static int
import_lock(struct request *req, char *state, size_t size, long long *admin_id, char *spool)
{
	struct db_query *query = &import_sql[SQL_IMPORT_LOCK];
	int found = request_lock_path_row(req, query);

	if (found == 1) {
		snprintf(state, size, "%s", db_text(query, 0));
		*admin_id = db_text(query, 1) ? db_int(query, 1) : 0;
		if (spool != NULL)
			snprintf(spool, 1024, "%s", db_text(query, 2) ? db_text(query, 2) : "");
		db_done(query);
	} else {
		db_rollback(&req->app->db);
		page_error(req, found < 0 ? 500 : 404, NULL);
	}
	return found;
}

/* Queues action for the import of the path, inside the transaction
 * import_lock began, commits and shows the import. */
static void
queue_and_show(struct request *req, enum import_action action)
{
	char where[64];

	/* 0: no such import of the shop, which import_lock has just found */
	if (import_job_queue(&req->app->db, req->shop.id, req->session.admin_id, req->path_id,
	    action) <= 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(where, sizeof(where), "/admin/import/%lld", req->path_id);
	page_redirect(req, where);
}

/* Says that the import is no longer where the form was (another tab, or
 * another admin, moved it on), showing it as it is now. */
static void
not_now(struct request *req)
{
	db_rollback(&req->app->db);
	page_error(req, 409, "Import.Bad.NotNow");
}

void
import_reread(struct request *req)
{
	struct import_view view;
	struct import_analysis found;
	struct sheet_options options;
	enum import_field map[SHEET_COLUMNS_MAX];
	enum sheet_status status;
	char separator[2] = { 0, 0 }, where[64];
	int encoding, sep, header;

	if (import_load(req, &view) != 1)
		return;
	if (!import_state_is(&view, "new") && !import_state_is(&view, "previewed") &&
	    !view.preview_failed) {
		import_view_free(&view);
		not_now(req);
		return;
	}
	import_view_options(&view, &options);
	encoding = request_field_choice(req, &read_fields[READ_ENCODING], -1);
	sep = request_field_choice(req, &read_fields[READ_SEPARATOR], -1);
	header = request_field_choice(req, &read_fields[READ_HEADER], 0) == 0;
	if (options.format == SHEET_CSV) {
		if (encoding >= 0)
			options.encoding = (enum sheet_encoding)(encoding + 1);
		if (sep >= 0)
			options.separator = SHEET_SEPARATORS[sep];
	}
	status = import_analyse(view.spool_path, &options, header, &found);
	if (status != SHEET_OK || found.row_count == 0) {
		const char *message = status == SHEET_OK ? "Import.Bad.HeaderOnly"
		    : status == SHEET_EMPTY ? "Import.Bad.Empty" : "Import.Bad.Unreadable";

		if (status == SHEET_OK)
			import_analysis_free(&found);
		import_view_map(&view, map);
		hdf_set_value(req->hdf, "Page.Reread", "1");	/* the reading's form stays open */
		import_mapping_render(req, &view, map, 422, message);
		import_view_free(&view);
		return;
	}
	separator[0] = found.found.separator;
	{
		struct db_param params[9] = {
			DB_TEXT(sheet_encoding_names[found.found.encoding]),
			DB_TEXT(found.found.format == SHEET_CSV ? separator : ""),
			DB_INT(found.has_header), DB_INT(found.row_count), DB_INT(found.column_count),
			DB_TEXT(found.headers), DB_TEXT(found.mapping),
			DB_INT(req->path_id), DB_INT(req->shop.id),
		};

		if (db_exec(&req->app->db, &import_sql[SQL_IMPORT_READ_SET], params, 9) < 0) {
			import_analysis_free(&found);
			import_view_free(&view);
			page_error(req, 500, NULL);
			return;
		}
	}
	import_analysis_free(&found);
	import_view_free(&view);
	snprintf(where, sizeof(where), "/admin/import/%lld", req->path_id);
	page_redirect(req, where);
}

void
import_map(struct request *req)
{
	struct import_view view;
	enum import_field map[SHEET_COLUMNS_MAX];
	char mapping[IMPORT_MAPPING_MAX], state[16];
	const char *message = NULL;
	int seen[IMPORT_FIELD__MAX] = { 0 };
	int subscribe, attest, i, twice = -1;
	long long admin_id;

	if (import_load(req, &view) != 1)
		return;
	import_view_map(&view, map);
	for (i = 0; i < view.column_count && i < IMPORT_FORM_COLUMNS; i++) {
		int choice = request_field_choice(req, &map_fields[MAP_COLUMN0 + i], -1);

		if (choice >= 0)
			map[i] = (enum import_field)choice;
	}
	for (i = 0; i < view.column_count && i < SHEET_COLUMNS_MAX; i++)
		if (map[i] != IMPORT_IGNORE && seen[map[i]]++ > 0 && twice < 0)
			twice = (int)map[i];
	if (twice >= 0) {
		/* which field, and its columns marked (Page.Twice) */
		char key[64], text[512];

		snprintf(key, sizeof(key), "Import.Field.%s", import_field_names[twice]);
		snprintf(text, sizeof(text), "%s %s%s%s %s", request_text(req, "Import.Bad.TwiceField"),
		    request_text(req, "Typo.Open"), request_text(req, key),
		    request_text(req, "Typo.Close"), request_text(req, "Import.Bad.Twice"));
		hdf_set_value(req->hdf, "Page.Message", text);
		hdf_set_value(req->hdf, "Page.Twice", import_field_names[twice]);
		message = "";
	}
	if (message == NULL && !seen[IMPORT_EMAIL])
		message = "Import.Bad.NoEmail";
	subscribe = (int)request_field_int(req, &map_fields[MAP_SUBSCRIBE], 0);
	attest = (int)request_field_int(req, &map_fields[MAP_ATTEST], 0);
	/* a column saying who accepted the shop's e-mails subscribes them as
	 * "subscribe everyone" does: the ledger says the shop attested it,
	 * so an admin must */
	if (message == NULL && subscribe && !attest)
		message = "Import.Bad.Attest";
	if (message == NULL && seen[IMPORT_MARKETING] && !attest)
		message = "Import.Bad.AttestColumn";
	if (message != NULL) {
		/* the form as sent, with what is wrong */
		hdf_set_value(req->hdf, "Page.Import.Mode",
		    import_mode_choices[request_field_choice(req, &map_fields[MAP_MODE], 0)]);
		hdf_set_int_value(req->hdf, "Page.Import.Subscribe", subscribe);
		hdf_set_int_value(req->hdf, "Page.Import.Welcome",
		    (int)request_field_int(req, &map_fields[MAP_WELCOME], 0));
		import_mapping_render(req, &view, map, 422, message[0] != '\0' ? message : NULL);
		import_view_free(&view);
		return;
	}
	if (import_mapping_write(map, view.column_count, mapping, sizeof(mapping)) != 0) {
		import_view_free(&view);
		page_error(req, 500, NULL);
		return;
	}
	import_view_free(&view);
	if (import_lock(req, state, sizeof(state), &admin_id, NULL) != 1)
		return;
	if (strcmp(state, "new") != 0 && strcmp(state, "previewed") != 0 &&
	    !(strcmp(state, "failed") == 0 && view.preview_failed)) {
		not_now(req);
		return;
	}
	{
		/* the admin who ticked the attestation is the one the consent
		 * rows name, whoever starts the run */
		struct db_param attester = subscribe || seen[IMPORT_MARKETING] ?
		    DB_INT(req->session.admin_id) : DB_NULL;
		struct db_param params[8] = {
			DB_TEXT(mapping),
			DB_TEXT(import_mode_choices[request_field_choice(req, &map_fields[MAP_MODE], 0)]),
			DB_INT(subscribe), DB_INT(request_field_int(req, &map_fields[MAP_WELCOME], 0)),
			attester, attester,
			DB_INT(req->path_id), DB_INT(req->shop.id),
		};

		if (db_exec(&req->app->db, &import_sql[SQL_IMPORT_MAPPING_SET], params, 8) < 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	queue_and_show(req, IMPORT_PREVIEW);
}

void
import_run(struct request *req)
{
	char state[16];
	long long admin_id;

	if (import_lock(req, state, sizeof(state), &admin_id, NULL) != 1)
		return;
	if (strcmp(state, "previewed") != 0) {
		not_now(req);
		return;
	}
	{
		struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };

		if (db_exec(&req->app->db, &import_sql[SQL_IMPORT_RUN_RESET], params, 2) < 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	queue_and_show(req, IMPORT_RUN);
}

/* Gives up an import that has not run: its row goes, and its file, when
 * it is where the pages keep files (the shop's kept/ folder). */
void
import_delete(struct request *req)
{
	char state[16], spool[1024], kept[1024];
	long long admin_id;

	if (import_lock(req, state, sizeof(state), &admin_id, spool) != 1)
		return;
	if (strcmp(state, "new") != 0 && strcmp(state, "previewed") != 0) {
		not_now(req);
		return;
	}
	{
		struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };

		if (db_exec(&req->app->db, &import_sql[SQL_IMPORT_DELETE], params, 2) < 0 ||
		    db_commit(&req->app->db) != 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	snprintf(kept, sizeof(kept), "%s/%lld/kept/", settings_spool_dir(req->app->config),
	    req->shop.id);
	if (spool[0] != '\0' && strncmp(spool, kept, strlen(kept)) == 0 &&
	    strchr(spool + strlen(kept), '/') == NULL && unlink(spool) != 0)
		log_warn("cannot delete the import's file %s", spool);
	page_notice(req, "import_deleted");
	page_redirect(req, "/admin/import");
}

void
import_undo_queue(struct request *req)
{
	char state[16];
	long long admin_id;

	if (import_lock(req, state, sizeof(state), &admin_id, NULL) != 1)
		return;
	if (!req->session.admin_is_owner && admin_id != req->session.admin_id) {
		db_rollback(&req->app->db);
		page_error(req, 403, "Import.Bad.NotYours");
		return;
	}
	if (strcmp(state, "done") != 0 && strcmp(state, "cancelled") != 0 &&
	    strcmp(state, "failed") != 0) {
		not_now(req);
		return;
	}
	queue_and_show(req, IMPORT_UNDO);
}

/* Stops the import's job: a preview goes back to its mapping, a run that
 * had not begun back to its preview, a run under way stops at its next
 * batch (what it wrote stays, and can be undone). */
void
import_cancel(struct request *req)
{
	struct import_view view;
	char where[64];
	long long rows;

	if (import_load(req, &view) != 1)
		return;
	import_view_free(&view);
	if (!import_may_change(req, &view)) {
		page_error(req, 403, "Import.Bad.NotYours");
		return;
	}
	{
		struct db_param job[2] = { DB_INT(view.job_id), DB_INT(req->shop.id) };
		struct db_param import[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };

		if (db_begin(&req->app->db) != 0 ||
		    db_exec(&req->app->db, &import_sql[SQL_IMPORT_JOB_CANCEL], job, 2) < 0 ||
		    (rows = db_exec(&req->app->db, &import_sql[SQL_IMPORT_CANCELLED], import, 2)) < 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	if (rows == 0) {
		not_now(req);
		return;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "import_cancelled");
	snprintf(where, sizeof(where), "/admin/import/%lld", req->path_id);
	page_redirect(req, where);
}
