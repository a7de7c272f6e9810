/*
 * Forms that must not work twice: see form_once.h.
 */
#include <config.h>

#include <string.h>

#include "core_sql.h"
#include "crypto.h"
#include "form_once.h"
#include "page.h"

int
form_once_new(struct request *req, const char *name)
{
	unsigned char key[32];
	char hex[2 * sizeof(key) + 1];

	if (crypto_random(key, sizeof(key)) != 0)
		return -1;
	crypto_hex(key, sizeof(key), hex);
	hdf_set_value(req->hdf, name, hex);
	return 0;
}

int
form_once_take(struct request *req, const char *once)
{
	unsigned char key[32];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(key, sizeof(key)) };
	long long rows;

	if (once == NULL || *once == '\0')
		return 1;
	if (crypto_unhex(once, key, sizeof(key)) != 0) {
		db_rollback(&req->app->db);
		page_error(req, 400, "Error.Field.Token");
		return -1;
	}
	rows = db_exec(&req->app->db, &core_sql[CORE_FORM_ONCE], params, 2);
	if (rows == DB_DUPLICATE) {
		db_rollback(&req->app->db);
		return 0;
	}
	if (rows < 0) {
		db_rollback(&req->app->db);
		page_error(req, 500, NULL);
		return -1;
	}
	return 1;
}
