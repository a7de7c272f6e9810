/*
 * An import's undo as a worker job runs it (fcgi/import-undo.c):
 * import_undo (import-job.h) with a beat between its batches, so that the
 * job stays alive, can be cancelled and takes turns with other shops'
 * jobs, as bulk_job_run does.
 */
#ifndef FIDELE_IMPORT_UNDO_H
#define FIDELE_IMPORT_UNDO_H

#include "lib/db.h"

/* import_undo, with lang (the shop's language tree, Lang linked to its
 * language; NULL: none) for the statement of the ledger's withdrawals,
 * calling beat(data, customers judged so far in this call)
 * before each batch when beat is not NULL: 1 go on, 0 stop (cancelled),
 * 2 stop (the job's turn is over), -1 (database). Returns 0 done, -1
 * (database, or an import that is not done), -2 stopped by a 0, -3
 * stopped by a 2; a stopped undo stays "undoing", and the next call goes
 * on where it stopped. */
int import_undo_beating(struct db *db, HDF *lang, long long shop_id, long long admin_id,
    long long import_id, int (*beat)(void *data, long long progress), void *data,
    long long *removed, long long *kept);

#endif
