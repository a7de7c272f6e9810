/*
 * SQL of the shared core, one statement per enum core_sql entry.
 */
#include <config.h>

#include "core_sql.h"

struct db_query core_sql[CORE_SQL__MAX] = {
	[CORE_SHOP_BY_SLUG] = { .sql =
	    "SELECT id, slug, name, language, currency FROM shop WHERE slug = ?" },
	[CORE_SHOP_BY_HOST] = { .sql =
	    "SELECT s.id, s.slug, s.name, s.language, s.currency"
	    "  FROM shop_host h JOIN shop s ON s.id = h.shop_id"
	    " WHERE h.host = ?" },
	/* the admin must still belong to this shop and not be disabled */
	[CORE_SESSION_LOAD] = { .sql =
	    "SELECT a.id, a.role, a.email, a.name,"
	    "       TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW()) AS idle"
	    "  FROM session s"
	    "  JOIN admin a ON a.id = s.admin_id AND a.shop_id = s.shop_id"
	    "              AND a.disabled_at IS NULL"
	    " WHERE s.id_hash = ? AND s.shop_id = ? AND s.expires_at > NOW()" },
	/* sliding 12 hours of idleness, never past 7 days from sign-in */
	[CORE_SESSION_TOUCH] = { .sql =
	    "UPDATE session SET last_seen_at = NOW(),"
	    "       expires_at = LEAST(created_at + INTERVAL 7 DAY, NOW() + INTERVAL 12 HOUR)"
	    " WHERE id_hash = ?" },
	[CORE_SESSION_INSERT] = { .sql =
	    "INSERT INTO session (id_hash, shop_id, admin_id, expires_at, ip, user_agent)"
	    " VALUES (?, ?, ?, NOW() + INTERVAL 12 HOUR, ?, LEFT(?, 255))" },
	[CORE_SESSION_DELETE] = { .sql =
	    "DELETE FROM session WHERE id_hash = ? AND shop_id = ?" },
	[CORE_RATE_HIT] = { .sql =
	    "INSERT INTO rate_limit (bucket, key_hash, window_start, hits)"
	    " VALUES (?, ?, NOW(), 1)"
	    " ON DUPLICATE KEY UPDATE"
	    "   hits = IF(window_start <= NOW() - INTERVAL ? SECOND, 1, hits + 1),"
	    "   window_start = IF(window_start <= NOW() - INTERVAL ? SECOND, NOW(), window_start)" },
	[CORE_RATE_READ] = { .sql =
	    "SELECT hits FROM rate_limit"
	    " WHERE bucket = ? AND key_hash = ? AND window_start > NOW() - INTERVAL ? SECOND" },
};
