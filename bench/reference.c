/*
 * The reference for the customer list: the same three queries as
 * customers.fcgi (shop by host, session, 51 rows by name) with prepared
 * statements, written out with printf-style escaping and no template
 * engine. DESIGN.md's target is that /admin/customers serves as many
 * requests per second as this page.
 *
 * Settings come from the environment (bench/run sets them):
 * BENCH_DB_SOCKET, BENCH_DB_USER, BENCH_DB_PASSWORD, BENCH_DB_NAME.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <mysql.h>
#include <openssl/sha.h>

#define COLUMNS 7

static const char *const sql[3] = {
	"SELECT s.id FROM shop_host h JOIN shop s ON s.id = h.shop_id WHERE h.host = ?",
	"SELECT a.id FROM session s JOIN admin a ON a.id = s.admin_id AND a.shop_id = s.shop_id"
	" WHERE s.id_hash = ? AND s.shop_id = ? AND s.expires_at > NOW()",
	"SELECT c.id, c.first_name, c.last_name, c.email, c.status, c.order_count,"
	" c.total_spent_cents FROM customer c"
	" WHERE c.shop_id = ? AND c.erased_at IS NULL AND c.status <> 'inactive'"
	" ORDER BY c.name_key, c.id LIMIT 51 OFFSET 0",
};

static MYSQL_STMT *stmt[3];

static void
escape(FCGX_Stream *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': FCGX_PutS("&lt;", out); break;
		case '>': FCGX_PutS("&gt;", out); break;
		case '&': FCGX_PutS("&amp;", out); break;
		case '"': FCGX_PutS("&quot;", out); break;
		case '\'': FCGX_PutS("&#39;", out); break;
		default: FCGX_PutChar(*s, out);
		}
	}
}

/* Runs a statement whose single result column is an integer id. */
static long long
fetch_id(MYSQL_STMT *s, MYSQL_BIND *params)
{
	long long id = 0;
	MYSQL_BIND result;

	memset(&result, 0, sizeof(result));
	result.buffer_type = MYSQL_TYPE_LONGLONG;
	result.buffer = &id;
	if (mysql_stmt_bind_param(s, params) || mysql_stmt_execute(s) ||
	    mysql_stmt_bind_result(s, &result) || mysql_stmt_store_result(s))
		return -1;
	if (mysql_stmt_fetch(s) != 0)
		id = 0;
	mysql_stmt_free_result(s);
	return id;
}

static int
hex_to_bytes(const char *hex, unsigned char *out)
{
	int i;

	for (i = 0; i < 32; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	return 0;
}

static void
serve(FCGX_Request *req)
{
	const char *host = FCGX_GetParam("HTTP_HOST", req->envp);
	const char *cookie = FCGX_GetParam("HTTP_COOKIE", req->envp);
	const char *sid = cookie ? strstr(cookie, "fidele_session=") : NULL;
	unsigned char raw[32], hash[32];
	long long shop = 0, admin = 0;
	MYSQL_BIND p[2], r[COLUMNS];
	char text[COLUMNS][512];
	unsigned long len[COLUMNS];
	my_bool null[COLUMNS];
	int i;

	memset(p, 0, sizeof(p));
	p[0].buffer_type = MYSQL_TYPE_STRING;
	p[0].buffer = (void *)(host ? host : "");
	p[0].buffer_length = host ? strlen(host) : 0;
	shop = fetch_id(stmt[0], p);
	if (shop > 0 && sid != NULL && hex_to_bytes(sid + 15, raw) == 0) {
		SHA256(raw, sizeof(raw), hash);
		memset(p, 0, sizeof(p));
		p[0].buffer_type = MYSQL_TYPE_BLOB;
		p[0].buffer = hash;
		p[0].buffer_length = sizeof(hash);
		p[1].buffer_type = MYSQL_TYPE_LONGLONG;
		p[1].buffer = &shop;
		admin = fetch_id(stmt[1], p);
	}
	if (admin <= 0) {
		FCGX_PutS("Status: 303 See Other\r\nLocation: /admin/login\r\n\r\n", req->out);
		return;
	}
	memset(p, 0, sizeof(p));
	p[0].buffer_type = MYSQL_TYPE_LONGLONG;
	p[0].buffer = &shop;
	memset(r, 0, sizeof(r));
	for (i = 0; i < COLUMNS; i++) {
		r[i].buffer_type = MYSQL_TYPE_STRING;
		r[i].buffer = text[i];
		r[i].buffer_length = sizeof(text[i]) - 1;
		r[i].length = &len[i];
		r[i].is_null = &null[i];
	}
	if (mysql_stmt_bind_param(stmt[2], p) || mysql_stmt_execute(stmt[2]) ||
	    mysql_stmt_bind_result(stmt[2], r) || mysql_stmt_store_result(stmt[2])) {
		FCGX_PutS("Status: 500 Internal Server Error\r\n\r\n", req->out);
		return;
	}
	FCGX_PutS("Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Clients</title>"
	    "<link rel=\"stylesheet\" href=\"/static/fidele.css\"></head><body><main>"
	    "<h1>Clients</h1><table class=\"list\"><tbody>\n", req->out);
	for (i = 0; i < 50 && mysql_stmt_fetch(stmt[2]) == 0; i++) {
		int c;

		FCGX_PutS("<tr>", req->out);
		for (c = 1; c < COLUMNS; c++) {
			text[c][null[c] ? 0 : len[c]] = '\0';
			FCGX_PutS("<td>", req->out);
			escape(req->out, text[c]);
			FCGX_PutS("</td>", req->out);
		}
		FCGX_PutS("</tr>\n", req->out);
	}
	mysql_stmt_free_result(stmt[2]);
	FCGX_PutS("</tbody></table></main></body></html>\n", req->out);
}

int
main(void)
{
	FCGX_Request request;
	MYSQL *db = mysql_init(NULL);
	int i;

	mysql_optionsv(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(db, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (!mysql_real_connect(db, NULL, getenv("BENCH_DB_USER"), getenv("BENCH_DB_PASSWORD"),
	    getenv("BENCH_DB_NAME"), 0, getenv("BENCH_DB_SOCKET"), 0)) {
		fprintf(stderr, "reference: %s\n", mysql_error(db));
		return 1;
	}
	for (i = 0; i < 3; i++) {
		stmt[i] = mysql_stmt_init(db);
		if (mysql_stmt_prepare(stmt[i], sql[i], strlen(sql[i]))) {
			fprintf(stderr, "reference: %s\n", mysql_stmt_error(stmt[i]));
			return 1;
		}
	}
	FCGX_Init();
	FCGX_InitRequest(&request, 0, 0);
	while (FCGX_Accept_r(&request) >= 0) {
		serve(&request);
		FCGX_Finish_r(&request);
	}
	return 0;
}
