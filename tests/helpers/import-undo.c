/*
 * An import's undo run as the worker's job runs it, without the job, for
 * tests/web/test_import_undo.py, against the test stack's database
 * (FIDELE_CONFIG):
 *
 *   import-undo <shop id> <admin id> <import id>       undoes the import;
 *       prints "removed N kept M" (exit 0), or exits 1
 *   import-undo <shop id> <admin id> <import id> stop  the same with a
 *       beat that says "cancelled" before the first batch; prints what
 *       import_undo_beating returned
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/lib/context.h"
#include "../../fcgi/lib/core_sql.h"
#include "../../fcgi/lib/log.h"
#include "../../fcgi/lib/settings.h"
#include "../../fcgi/import-job.h"
#include "../../fcgi/import-undo.h"

static int
cancelled(void *data, long long progress)
{
	(void)data;
	(void)progress;
	return 0;
}

int
main(int argc, char **argv)
{
	long long removed = 0, kept = 0;
	struct shop_context ctx;
	HDF *config;
	struct db db;
	int status = 1, result;

	log_program("import-undo");
	memset(&ctx, 0, sizeof(ctx));
	if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "stop") != 0))
		return 2;
	config = settings_load();
	if (config == NULL)
		return 1;
	if (db_connect(&db, config) != 0) {
		hdf_destroy(&config);
		return 1;
	}
	/* the shop's language, as the worker's job has it (its context) */
	if (db_register(&db, core_sql, CORE_SQL__MAX) != 0 ||
	    context_for_shop(&ctx, &db, config, atoll(argv[1]), ACTOR_WORKER) != 1) {
		status = 1;
	} else if (argc == 5) {
		result = import_undo_beating(&db, ctx.hdf, atoll(argv[1]), atoll(argv[2]),
		    atoll(argv[3]), cancelled, NULL, &removed, &kept);
		printf("%d\n", result);
		status = 0;
	} else if (import_undo_beating(&db, ctx.hdf, atoll(argv[1]), atoll(argv[2]),
	    atoll(argv[3]), NULL, NULL, &removed, &kept) == 0) {
		printf("removed %lld kept %lld\n", removed, kept);
		status = 0;
	}
	context_end(&ctx);
	db_close(&db);
	hdf_destroy(&config);
	return status;
}
