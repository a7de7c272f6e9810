/*
 * SQL of the shared core, one statement per enum core_sql entry.
 */
#include <config.h>

#include "core_sql.h"

/* The door: the request's shop with its signed-in admin (the hash NULL
 * when there is no cookie), who must still belong to the shop and not be
 * disabled; then what the provider set for the shop
 * (sql/025), the admin's chosen list columns and own language (sql/034). Every read is on a
 * primary key. Columns: enum door_column. A program that shows the shop's
 * alerts (app.door_alerts: the customer list) reads them in the same trip,
 * for that admin: the shop's failed mails and the newest queued or running
 * job of the program's kind (the first parameter, app.job_kind), as the
 * server keeps them (sql/030), and the version of its groups and tags
 * (sql/027); the other programs leave those three reads out (about 40 µs
 * of the server's time on each of their requests) and read NULL, NULL and
 * 0 in their place. */
#define DOOR_SHOP_ADMIN \
    "SELECT s.id, s.slug, s.name, s.language, s.currency, s.mode, s.sender_name," \
    "       s.sender_email, s.public_url, s.time_zone," \
    "       a.id, a.role, a.email, a.name, TIMESTAMPDIFF(SECOND, sa.last_seen_at, NOW()),"
#define DOOR_ALERTS \
    "       IF(a.id IS NULL, NULL, COALESCE(mf.failed, 0))," \
    "       IF(a.id IS NULL, NULL, (SELECT MAX(ja.job_id) FROM job_active ja" \
    "                                WHERE ja.shop_id = s.id AND ja.kind = ?)),"
#define DOOR_REST(labels) \
    "       s.disabled_at IS NOT NULL, s.upload_limit_mb, " labels "," \
    "       a.list_columns, a.language"
#define DOOR_COLUMNS DOOR_SHOP_ADMIN DOOR_ALERTS DOOR_REST("COALESCE(lv.version, 0)")
#define DOOR_PLAIN_COLUMNS DOOR_SHOP_ADMIN " NULL, NULL," DOOR_REST("0")
#define DOOR_SESSION_JOINS \
    "  LEFT JOIN session sa ON sa.id_hash = ? AND sa.shop_id = s.id AND sa.expires_at > NOW()" \
    "  LEFT JOIN admin a ON a.id = sa.admin_id AND a.shop_id = s.id AND a.disabled_at IS NULL"
#define DOOR_JOINS \
    "  LEFT JOIN mail_failed mf ON mf.shop_id = s.id" DOOR_SESSION_JOINS \
    "  LEFT JOIN label_version lv ON lv.shop_id = s.id"

struct db_query core_sql[CORE_SQL__MAX] = {
	/* the request's shop and admin (DOOR_COLUMNS) */
	[CORE_DOOR_BY_SLUG] = { .sql =
	    DOOR_COLUMNS "  FROM shop s" DOOR_JOINS " WHERE s.slug = ?" },
	[CORE_DOOR_BY_HOST] = { .sql =
	    DOOR_COLUMNS "  FROM shop_host h JOIN shop s ON s.id = h.shop_id" DOOR_JOINS
	    " WHERE h.host = ?" },
	/* the same without the alerts: no job kind among the parameters */
	[CORE_DOOR_PLAIN_BY_SLUG] = { .sql =
	    DOOR_PLAIN_COLUMNS "  FROM shop s" DOOR_SESSION_JOINS " WHERE s.slug = ?" },
	[CORE_DOOR_PLAIN_BY_HOST] = { .sql =
	    DOOR_PLAIN_COLUMNS "  FROM shop_host h JOIN shop s ON s.id = h.shop_id"
	    DOOR_SESSION_JOINS " WHERE h.host = ?" },
	/* the CLI's and the worker's shop (context.c), with the first host it
	 * answers on, for its mailed links when it has no public URL */
	[CORE_SHOP_BY_ID] = { .sql =
	    "SELECT s.id, s.slug, s.name, s.language, s.currency, s.mode, s.sender_name,"
	    "       s.sender_email, s.public_url, s.time_zone,"
	    "       (SELECT MIN(h.host) FROM shop_host h WHERE h.shop_id = s.id)"
	    "  FROM shop s WHERE s.id = ?" },
	/* the customer must still belong to this shop, not blocked or erased */
	[CORE_SESSION_LOAD_CUSTOMER] = { .sql =
	    "SELECT c.id, c.email, TRIM(CONCAT(c.first_name, ' ', c.last_name)),"
	    "       TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW())"
	    "  FROM session s"
	    "  JOIN customer c ON c.id = s.customer_id AND c.shop_id = s.shop_id"
	    "                 AND c.status <> 'blocked' AND c.erased_at IS NULL"
	    " WHERE s.id_hash = ? AND s.shop_id = ? AND s.expires_at > NOW()" },
	/* sliding 12 hours of idleness, never past 7 days from sign-in */
	[CORE_SESSION_TOUCH] = { .sql =
	    "UPDATE session SET last_seen_at = NOW(),"
	    "       expires_at = LEAST(created_at + INTERVAL 7 DAY, NOW() + INTERVAL 12 HOUR)"
	    " WHERE id_hash = ?" },
	[CORE_SESSION_INSERT] = { .sql =
	    "INSERT INTO session (id_hash, shop_id, admin_id, customer_id, expires_at, ip, user_agent)"
	    " VALUES (?, ?, ?, ?, NOW() + INTERVAL 12 HOUR, ?, LEFT(?, 255))" },
	[CORE_SESSION_DELETE] = { .sql =
	    "DELETE FROM session WHERE id_hash = ? AND shop_id = ?" },
	[CORE_RATE_HIT] = { .sql =
	    "INSERT INTO rate_limit (bucket, key_hash, window_start, hits)"
	    " VALUES (?, ?, NOW(), 1)"
	    " ON DUPLICATE KEY UPDATE"
	    "   hits = IF(window_start <= NOW() - INTERVAL ? SECOND, 1, hits + 1),"
	    "   window_start = IF(window_start <= NOW() - INTERVAL ? SECOND, NOW(), window_start)" },
	/* CORE_RATE_HIT that also says the count it reached: LAST_INSERT_ID(n)
	 * hands n back with the statement's answer (ratelimit_take) */
	[CORE_RATE_TAKE] = { .sql =
	    "INSERT INTO rate_limit (bucket, key_hash, window_start, hits)"
	    " VALUES (?, ?, NOW(), LAST_INSERT_ID(1))"
	    " ON DUPLICATE KEY UPDATE"
	    "   hits = LAST_INSERT_ID(IF(window_start <= NOW() - INTERVAL ? SECOND, 1, hits + 1)),"
	    "   window_start = IF(window_start <= NOW() - INTERVAL ? SECOND, NOW(), window_start)" },
	[CORE_RATE_READ] = { .sql =
	    "SELECT hits FROM rate_limit"
	    " WHERE bucket = ? AND key_hash = ? AND window_start > NOW() - INTERVAL ? SECOND" },
	[CORE_OUTBOX_INSERT] = { .sql =
	    "INSERT INTO outbox (shop_id, customer_id, admin_id, kind, recipient, subject,"
	    "                    body_text, body_html)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)" },
	[CORE_EVENT_INSERT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, api_key_id, kind, detail, ip)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)" },
	[CORE_TOKEN_INSERT] = { .sql =
	    "INSERT INTO login_token (shop_id, customer_id, admin_id, purpose, token_hash,"
	    "                         code_hash, handle_hash, return_path, expires_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW() + INTERVAL ? MINUTE)" },
	[CORE_TOKEN_BY_HASH] = { .sql =
	    "SELECT id, customer_id, admin_id, return_path, code_hash, token_hash FROM login_token"
	    " WHERE token_hash = ? AND shop_id = ? AND purpose = ?"
	    "   AND used_at IS NULL AND expires_at > NOW()" },
	[CORE_TOKEN_BY_HANDLE] = { .sql =
	    "SELECT id, customer_id, admin_id, return_path, code_hash, token_hash FROM login_token"
	    " WHERE handle_hash = ? AND shop_id = ? AND purpose = ?"
	    "   AND used_at IS NULL AND expires_at > NOW()" },
	/* single use: only the first of two racing requests changes the row */
	[CORE_TOKEN_USE] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE id = ? AND used_at IS NULL AND expires_at > NOW()" },
	[CORE_TOKEN_VOID_OTHERS] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE shop_id = ? AND customer_id <=> ? AND admin_id <=> ? AND used_at IS NULL" },
	/* the fifth wrong code kills the token (used_at is set first, from the
	 * count before this try) */
	/* a code that is already dead (typed wrong with the address) no longer
	 * counts: typing it on the asking page must not end the mailed link */
	[CORE_TOKEN_CODE_TRY] = { .sql =
	    "UPDATE login_token SET used_at = IF(code_tries + 1 >= ?, NOW(), used_at),"
	    "       code_tries = code_tries + 1"
	    " WHERE id = ? AND code_hash IS NOT NULL" },
	/* one of Limits.PasswordHashConcurrency slots of the installation (a
	 * server may hold several databases, hence the name): never waits, and
	 * the server frees it if the process dies */
	[CORE_HASH_SLOT_TAKE] = { .sql =
	    "SELECT GET_LOCK(CONCAT(DATABASE(), ':scrypt:', ?), 0)" },
	[CORE_HASH_SLOT_GIVE] = { .sql =
	    "SELECT RELEASE_LOCK(CONCAT(DATABASE(), ':scrypt:', ?))" },
	/* a code typed with an address: the live codes of that customer, the
	 * newest first (link requests are limited, so there are a few at most) */
	[CORE_TOKEN_BY_ADDRESS] = { .sql =
	    "SELECT t.id, t.customer_id, t.admin_id, t.return_path, t.code_hash, t.token_hash"
	    "  FROM customer c"
	    "  JOIN login_token t ON t.customer_id = c.id AND t.shop_id = c.shop_id"
	    " WHERE c.shop_id = ? AND c.email = ? AND c.erased_at IS NULL"
	    "   AND t.purpose = 'customer_login' AND t.code_hash IS NOT NULL"
	    "   AND t.used_at IS NULL AND t.expires_at > NOW()"
	    " ORDER BY t.id DESC LIMIT 8" },
	/* a wrong code typed with an address counts against every live code of
	 * that customer (run for unknown addresses too, where it changes nothing).
	 * Anyone may type any address here, so the last try kills the code
	 * only: the link in the customer's mail keeps working (ratelimit.h). */
	[CORE_TOKEN_CODE_TRY_BY_ADDRESS] = { .sql =
	    "UPDATE login_token SET code_hash = IF(code_tries + 1 >= ?, NULL, code_hash),"
	    "       code_tries = code_tries + 1"
	    " WHERE shop_id = ? AND purpose = 'customer_login' AND code_hash IS NOT NULL"
	    "   AND used_at IS NULL AND expires_at > NOW()"
	    "   AND customer_id IN (SELECT id FROM customer"
	    "                        WHERE shop_id = ? AND email = ? AND erased_at IS NULL)" },
	/* a form's one-time key (form_once.h): a duplicate, it was done */
	[CORE_FORM_ONCE] = { .sql = "INSERT INTO form_once (shop_id, once_key) VALUES (?, ?)" },
	/* an admin disabled or enabled (admin_access.c): their role and
	 * state, locked until the change commits */
	[CORE_ADMIN_LOCK] = { .sql =
	    "SELECT role, disabled_at IS NOT NULL FROM admin WHERE id = ? AND shop_id = ? FOR UPDATE" },
	/* the owners who stay enabled once this admin is disabled, locked
	 * until the disable commits: two owners disabled at once leave one */
	[CORE_ADMIN_OWNERS_LEFT] = { .sql =
	    "SELECT COUNT(*) FROM admin"
	    " WHERE shop_id = ? AND role = 'owner' AND disabled_at IS NULL AND id <> ? FOR UPDATE" },
	[CORE_ADMIN_DISABLE] = { .sql =
	    "UPDATE admin SET disabled_at = NOW() WHERE id = ? AND shop_id = ? AND disabled_at IS NULL" },
	[CORE_ADMIN_SESSIONS_END] = { .sql = "DELETE FROM session WHERE admin_id = ? AND shop_id = ?" },
	/* a password link mailed before: dead too */
	[CORE_ADMIN_TOKENS_END] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE admin_id = ? AND shop_id = ? AND used_at IS NULL" },
	[CORE_ADMIN_ENABLE] = { .sql =
	    "UPDATE admin SET disabled_at = NULL"
	    " WHERE id = ? AND shop_id = ? AND disabled_at IS NOT NULL" },
	[CORE_ADMIN_ROLE] = { .sql = "UPDATE admin SET role = ? WHERE id = ? AND shop_id = ?" },
};
