/*
 * The hand-written reference for the customer list: the same page as
 * bench/list.php, byte for byte, and the same rows as /admin/customers
 * (bench/list.py checks both before timing). Three prepared statements
 * (the shop by host, the admin's session by the SHA-256 of the cookie, the
 * 51 rows of the first page in name order: the statement Fidèle runs for
 * the plain list), money and dates written the way fcgi/lib/format.c
 * writes them for a French shop, one escaping map, the page built in one
 * buffer and written in one call, no template engine. DESIGN.md's target
 * is that /admin/customers serves as many requests per second as this.
 *
 * Settings come from the environment (bench/list.py sets them):
 * BENCH_DB_SOCKET, BENCH_DB_USER, BENCH_DB_PASSWORD, BENCH_DB_NAME.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>
#include <mysql.h>
#include <openssl/sha.h>

enum { SQL_SHOP, SQL_SESSION, SQL_PAGE, SQL__MAX };

/* the same statements, word for word, as bench/list.php */
static const char *const sql[SQL__MAX] = {
	[SQL_SHOP] = "SELECT s.id, s.currency, s.time_zone FROM shop_host h"
	" JOIN shop s ON s.id = h.shop_id WHERE h.host = ?",
	[SQL_SESSION] = "SELECT a.id FROM session s JOIN admin a ON a.id = s.admin_id"
	" AND a.shop_id = s.shop_id AND a.disabled_at IS NULL"
	" WHERE s.id_hash = ? AND s.shop_id = ? AND s.expires_at > NOW()",
	[SQL_PAGE] = "SELECT c.id, c.first_name, c.last_name, c.email, c.phone,"
	" IF(c.status = 'invited' AND c.source = 'self', 'unconfirmed', c.status),"
	" c.created_at, c.order_count, c.total_spent_cents, c.last_order_at"
	" FROM customer c FORCE INDEX (customer_shop_name) WHERE c.shop_id = ?"
	" AND c.erased_at IS NULL AND c.status NOT IN ('inactive', 'waiting')"
	" ORDER BY c.name_key, c.id LIMIT 51",
};

static MYSQL_STMT *stmt[SQL__MAX];

/* The page as it is written: one buffer per process, reused. */
static char *out;
static size_t out_len, out_size;

static void
put(const char *s, size_t n)
{
	if (out_len + n > out_size) {
		size_t size = out_size ? out_size : 65536;
		char *grown;

		while (size < out_len + n)
			size *= 2;
		if ((grown = realloc(out, size)) == NULL)
			abort();
		out = grown;
		out_size = size;
	}
	memcpy(out + out_len, s, n);
	out_len += n;
}

#define PUT(literal) put(literal, sizeof(literal) - 1)

/* The one escaping map, the same as PHP's htmlspecialchars(ENT_QUOTES). */
static void
put_escaped(const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		const char *entity;

		switch (s[i]) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#039;"; break;
		default: continue;
		}
		put(s + from, i - from);
		put(entity, strlen(entity));
		from = i + 1;
	}
	put(s + from, n - from);
}

static void
put_number(unsigned long long value)
{
	char digits[24];
	int i = sizeof(digits);

	do
		digits[--i] = (char)('0' + value % 10);
	while ((value /= 10) > 0);
	put(digits + i, sizeof(digits) - (size_t)i);
}

static const char *
currency_symbol(const char *currency)
{
	if (strcmp(currency, "EUR") == 0)
		return "€";
	if (strcmp(currency, "GBP") == 0)
		return "£";
	if (strcmp(currency, "USD") == 0)
		return "$";
	return currency;
}

/* "1 015,62 €" as format.c writes it in French: a narrow no-break space
 * between thousands, a no-break space before the symbol. */
static void
put_money(long long cents, const char *symbol)
{
	unsigned long long magnitude = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	unsigned long long whole = magnitude / 100;
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", whole), i;

	if (cents < 0)
		PUT("-");
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			PUT("\xe2\x80\xaf");
		put(digits + i, 1);
	}
	digits[0] = ',';
	digits[1] = (char)('0' + magnitude % 100 / 10);
	digits[2] = (char)('0' + magnitude % 10);
	put(digits, 3);
	PUT("\xc2\xa0");
	put(symbol, strlen(symbol));
}

/* Makes zone the process's local time zone, by format.c's rule: a name
 * that is not a plain tzdata name gives UTC. */
static void
zone_use(const char *zone)
{
	static char current[64];

	if (*zone == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL ||
	    strlen(zone) >= sizeof(current) ||
	    strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
	    strlen(zone))
		zone = "UTC";
	if (strcmp(current, zone) == 0)
		return;
	snprintf(current, sizeof(current), "%s", zone);
	setenv("TZ", current, 1);
	tzset();
}

/* The day of a UTC datetime in the shop's zone: "06/09/2026". */
static void
put_date(const MYSQL_TIME *utc, my_bool null)
{
	struct tm tm;
	time_t when;
	char text[10];
	int year;

	if (null)
		return;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)utc->year - 1900;
	tm.tm_mon = (int)utc->month - 1;
	tm.tm_mday = (int)utc->day;
	tm.tm_hour = (int)utc->hour;
	tm.tm_min = (int)utc->minute;
	tm.tm_sec = (int)utc->second;
	when = timegm(&tm);
	if (localtime_r(&when, &tm) == NULL)
		return;
	text[0] = (char)('0' + tm.tm_mday / 10);
	text[1] = (char)('0' + tm.tm_mday % 10);
	text[2] = '/';
	text[3] = (char)('0' + (tm.tm_mon + 1) / 10);
	text[4] = (char)('0' + (tm.tm_mon + 1) % 10);
	text[5] = '/';
	year = tm.tm_year + 1900;
	text[6] = (char)('0' + year / 1000 % 10);
	text[7] = (char)('0' + year / 100 % 10);
	text[8] = (char)('0' + year / 10 % 10);
	text[9] = (char)('0' + year % 10);
	put(text, 10);
}

/* One row of the page, as bench/list.php's row() writes it. */
struct row {
	unsigned long long id, orders;
	long long cents;
	char first[401], last[401], email[1017], phone[129], status[16];
	unsigned long first_len, last_len, email_len, phone_len, status_len;
	my_bool email_null;
	MYSQL_TIME created, last_order;
	my_bool last_order_null;
};

static const char *
status_label(const char *status)
{
	if (strcmp(status, "active") == 0)
		return "Actif";
	if (strcmp(status, "invited") == 0)
		return "Invité";
	if (strcmp(status, "inactive") == 0)
		return "Inactif";
	if (strcmp(status, "blocked") == 0)
		return "Bloqué";
	if (strcmp(status, "unconfirmed") == 0)
		return "Non confirmé";
	return "";
}

/* The row's markup, close to templates/customers/list.cs: change it with
 * list.php's row() when the list's cells change (bench/list.py compares
 * the cells' texts with Fidèle's). */
/* The address, which may break before its last "@". */
static void
put_email(const struct row *r)
{
	const char *at = NULL;
	size_t i;

	for (i = 0; i < r->email_len; i++)
		if (r->email[i] == '@')
			at = r->email + i;
	if (at == NULL) {
		put_escaped(r->email, r->email_len);
		return;
	}
	put_escaped(r->email, (size_t)(at - r->email));
	PUT("<wbr>");
	put_escaped(at, r->email_len - (size_t)(at - r->email));
}

static void
put_row(const struct row *r, const char *symbol)
{
	const char *label = status_label(r->status);

	PUT("<tr><td class=\"tick\"><input type=\"checkbox\" name=\"id\" value=\"");
	put_number(r->id);
	PUT("\" aria-label=\"");
	/* the name as text: "Last, First", or the e-mail address */
	put_escaped(r->last, r->last_len);
	if (r->last_len > 0 && r->first_len > 0)
		PUT(", ");
	put_escaped(r->first, r->first_len);
	if (r->last_len == 0 && r->first_len == 0)
		put_escaped(r->email, r->email_len);
	PUT("\"></td><td class=\"name\"><a href=\"/admin/customers/");
	put_number(r->id);
	PUT("\">");
	if (r->last_len > 0) {
		PUT("<span class=\"family-name\">");
		put_escaped(r->last, r->last_len);
		PUT("</span>");
		if (r->first_len > 0)
			PUT(", ");
	}
	put_escaped(r->first, r->first_len);
	if (r->last_len == 0 && r->first_len == 0)
		PUT("—");
	PUT("</a><span class=\"sub\">");
	put_email(r);
	PUT("</span></td><td>");
	put_email(r);
	PUT("</td><td>");
	put_escaped(r->phone, r->phone_len);
	PUT("</td><td><span class=\"status status-");
	put_escaped(r->status, r->status_len);
	PUT("\">");
	put(label, strlen(label));
	PUT("</span></td><td>");
	put_number(r->orders);
	PUT("</td><td>");
	put_money(r->cents, symbol);
	PUT("</td><td>");
	put_date(&r->last_order, r->last_order_null);
	PUT("</td><td>");
	put_date(&r->created, 0);
	PUT("</td></tr>\n");
}

static const char header[] =
    "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Clients</title>"
    "<link rel=\"stylesheet\" href=\"/static/fidele.css\"></head><body><main>\n"
    "<h1>Clients</h1>\n<table class=\"list customers\"><thead><tr><th></th><th>Nom</th>"
    "<th>E-mail</th><th>Téléphone</th>"
    "<th>Statut</th><th>Commandes</th><th>Dépensé</th>"
    "<th>Dernière commande</th><th>Client depuis</th>"
    "</tr></thead>\n<tbody>\n";
static const char footer[] = "</tbody></table>\n</main></body></html>\n";

static void
bind_text(MYSQL_BIND *b, char *buffer, size_t size, unsigned long *length, my_bool *null)
{
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buffer;
	b->buffer_length = size - 1;
	b->length = length;
	b->is_null = null;
}

/* Runs the shop statement; the shop's id (0: none, -1: error). */
static long long
find_shop(const char *host, char *currency, size_t currency_size, char *zone, size_t zone_size)
{
	long long id = 0;
	unsigned long len[2];
	my_bool null[2];
	MYSQL_BIND p, r[3];

	memset(&p, 0, sizeof(p));
	p.buffer_type = MYSQL_TYPE_STRING;
	p.buffer = (void *)host;
	p.buffer_length = strlen(host);
	memset(r, 0, sizeof(r));
	r[0].buffer_type = MYSQL_TYPE_LONGLONG;
	r[0].buffer = &id;
	bind_text(&r[1], currency, currency_size, &len[0], &null[0]);
	bind_text(&r[2], zone, zone_size, &len[1], &null[1]);
	if (mysql_stmt_bind_param(stmt[SQL_SHOP], &p) || mysql_stmt_execute(stmt[SQL_SHOP]) ||
	    mysql_stmt_bind_result(stmt[SQL_SHOP], r) || mysql_stmt_store_result(stmt[SQL_SHOP]))
		return -1;
	if (mysql_stmt_fetch(stmt[SQL_SHOP]) != 0)
		id = 0;
	else {
		currency[null[0] ? 0 : len[0]] = '\0';
		zone[null[1] ? 0 : len[1]] = '\0';
	}
	mysql_stmt_free_result(stmt[SQL_SHOP]);
	return id;
}

/* Runs the session statement; the admin's id (0: none, -1: error). */
static long long
find_admin(const unsigned char hash[32], long long shop)
{
	long long id = 0;
	MYSQL_BIND p[2], r;

	memset(p, 0, sizeof(p));
	p[0].buffer_type = MYSQL_TYPE_BLOB;
	p[0].buffer = (void *)hash;
	p[0].buffer_length = 32;
	p[1].buffer_type = MYSQL_TYPE_LONGLONG;
	p[1].buffer = &shop;
	memset(&r, 0, sizeof(r));
	r.buffer_type = MYSQL_TYPE_LONGLONG;
	r.buffer = &id;
	if (mysql_stmt_bind_param(stmt[SQL_SESSION], p) || mysql_stmt_execute(stmt[SQL_SESSION]) ||
	    mysql_stmt_bind_result(stmt[SQL_SESSION], &r) ||
	    mysql_stmt_store_result(stmt[SQL_SESSION]))
		return -1;
	if (mysql_stmt_fetch(stmt[SQL_SESSION]) != 0)
		id = 0;
	mysql_stmt_free_result(stmt[SQL_SESSION]);
	return id;
}

/* The session cookie's 32 bytes, from its 64 hex digits. 0, or -1. */
static int
session_cookie(const char *cookies, unsigned char raw[32])
{
	const char *hex = cookies;
	int i;

	while (hex != NULL && (hex = strstr(hex, "fidele_session=")) != NULL &&
	    hex != cookies && hex[-1] != ' ' && hex[-1] != ';')
		hex++;
	if (hex == NULL)
		return -1;
	hex += strlen("fidele_session=");
	for (i = 0; i < 64; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return -1;
		if (i % 2 == 0)
			raw[i / 2] = (unsigned char)(v << 4);
		else
			raw[i / 2] |= (unsigned char)v;
	}
	return hex[64] == '\0' || hex[64] == ';' ? 0 : -1;
}

static void
serve(FCGX_Request *req)
{
	const char *host = FCGX_GetParam("HTTP_HOST", req->envp);
	const char *cookies = FCGX_GetParam("HTTP_COOKIE", req->envp);
	static struct row row;
	unsigned char raw[32], hash[32];
	char currency[16], zone[65];
	long long shop = 0, admin = 0;
	MYSQL_BIND p, r[10];
	my_bool null[5];
	int i;

	shop = find_shop(host ? host : "", currency, sizeof(currency), zone, sizeof(zone));
	if (shop > 0 && cookies != NULL && session_cookie(cookies, raw) == 0) {
		SHA256(raw, sizeof(raw), hash);
		admin = find_admin(hash, shop);
	}
	if (shop < 0 || admin < 0) {
		FCGX_PutS("Status: 500 Internal Server Error\r\n\r\n", req->out);
		return;
	}
	if (admin == 0) {
		FCGX_PutS("Status: 303 See Other\r\nLocation: /admin/login\r\n\r\n", req->out);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.buffer_type = MYSQL_TYPE_LONGLONG;
	p.buffer = &shop;
	memset(r, 0, sizeof(r));
	r[0].buffer_type = MYSQL_TYPE_LONGLONG;
	r[0].buffer = &row.id;
	r[0].is_unsigned = 1;
	bind_text(&r[1], row.first, sizeof(row.first), &row.first_len, &null[0]);
	bind_text(&r[2], row.last, sizeof(row.last), &row.last_len, &null[1]);
	bind_text(&r[3], row.email, sizeof(row.email), &row.email_len, &row.email_null);
	bind_text(&r[4], row.phone, sizeof(row.phone), &row.phone_len, &null[2]);
	bind_text(&r[5], row.status, sizeof(row.status), &row.status_len, &null[3]);
	r[6].buffer_type = MYSQL_TYPE_DATETIME;
	r[6].buffer = &row.created;
	r[6].is_null = &null[4];
	r[7].buffer_type = MYSQL_TYPE_LONGLONG;
	r[7].buffer = &row.orders;
	r[7].is_unsigned = 1;
	r[8].buffer_type = MYSQL_TYPE_LONGLONG;
	r[8].buffer = &row.cents;
	r[9].buffer_type = MYSQL_TYPE_DATETIME;
	r[9].buffer = &row.last_order;
	r[9].is_null = &row.last_order_null;
	if (mysql_stmt_bind_param(stmt[SQL_PAGE], &p) || mysql_stmt_execute(stmt[SQL_PAGE]) ||
	    mysql_stmt_bind_result(stmt[SQL_PAGE], r) || mysql_stmt_store_result(stmt[SQL_PAGE])) {
		FCGX_PutS("Status: 500 Internal Server Error\r\n\r\n", req->out);
		return;
	}
	zone_use(zone);
	out_len = 0;
	PUT("Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n");
	PUT(header);
	/* the 51st row only says that there is a next page */
	for (i = 0; i < 50 && mysql_stmt_fetch(stmt[SQL_PAGE]) == 0; i++) {
		if (row.email_null)
			row.email_len = 0;
		row.first[row.first_len] = row.last[row.last_len] = row.email[row.email_len] = '\0';
		row.phone[row.phone_len] = row.status[row.status_len] = '\0';
		put_row(&row, currency_symbol(currency));
	}
	mysql_stmt_free_result(stmt[SQL_PAGE]);
	PUT(footer);
	FCGX_PutStr(out, (int)out_len, req->out);
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
	for (i = 0; i < SQL__MAX; i++) {
		stmt[i] = mysql_stmt_init(db);
		if (stmt[i] == NULL || mysql_stmt_prepare(stmt[i], sql[i], strlen(sql[i]))) {
			fprintf(stderr, "reference: %s\n", stmt[i] ? mysql_stmt_error(stmt[i]) :
			    mysql_error(db));
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
