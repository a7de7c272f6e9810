<?php
/*
 * The customer list in PHP, as a PHP shop would write it, for bench/run:
 * the same page as bench/reference.c, byte for byte, and the same rows as
 * /admin/customers (bench/list.py checks both before timing). PDO with the
 * server's own prepared statements (no emulation), the same three
 * statements, htmlspecialchars() for every text, money and dates written
 * the way fcgi/lib/format.c writes them for a French shop. Served by
 * php-fpm (pm = static, opcache on, timestamps not checked).
 *
 * Settings come from the environment (the pool's env[]): BENCH_DB_SOCKET,
 * BENCH_DB_USER, BENCH_DB_PASSWORD, BENCH_DB_NAME.
 */
declare(strict_types=1);

/* the same statements, word for word, as bench/reference.c */
const SQL_SHOP = "SELECT s.id, s.currency, s.time_zone FROM shop_host h"
    . " JOIN shop s ON s.id = h.shop_id WHERE h.host = ?";
const SQL_SESSION = "SELECT a.id FROM session s JOIN admin a ON a.id = s.admin_id"
    . " AND a.shop_id = s.shop_id AND a.disabled_at IS NULL"
    . " WHERE s.id_hash = ? AND s.shop_id = ? AND s.expires_at > NOW()";
const SQL_PAGE = "SELECT c.id, c.first_name, c.last_name, c.email, c.phone,"
    . " IF(c.status = 'invited' AND c.source = 'self', 'unconfirmed', c.status) AS status,"
    . " c.created_at, c.order_count, c.total_spent_cents, c.last_order_at"
    . " FROM customer c FORCE INDEX (customer_shop_name) WHERE c.shop_id = ?"
    . " AND c.erased_at IS NULL AND c.status NOT IN ('inactive', 'waiting')"
    . " ORDER BY c.name_key, c.id LIMIT 51";

const STATUS_LABEL = ['active' => 'Actif', 'invited' => 'Invité', 'inactive' => 'Inactif',
    'blocked' => 'Bloqué', 'unconfirmed' => 'Non confirmé'];
const SYMBOL = ['EUR' => '€', 'GBP' => '£', 'USD' => '$'];

const HEADER = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Clients</title>"
    . "<link rel=\"stylesheet\" href=\"/static/fidele.css\"></head><body><main>\n"
    . "<h1>Clients</h1>\n<table class=\"list customers\"><thead><tr><th></th><th>Nom</th>"
    . "<th>E-mail</th><th>Téléphone</th>"
    . "<th>Statut</th><th>Commandes</th><th>Dépensé</th>"
    . "<th>Dernière commande</th><th>Client depuis</th>"
    . "</tr></thead>\n<tbody>\n";
const FOOTER = "</tbody></table>\n</main></body></html>\n";

/* A setting from the environment, "" when it is not set. */
function setting(string $name): string
{
    $value = getenv($name);
    return $value === false ? '' : $value;
}

/* The one escaping map: & < > " ' (the last as &#039;). */
function e(?string $text): string
{
    return htmlspecialchars($text ?? '', ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

/* "1 015,62 €": a narrow no-break space between thousands, a no-break
 * space before the symbol. */
function money(int $cents, string $symbol): string
{
    $magnitude = abs($cents);
    return ($cents < 0 ? '-' : '') . number_format(intdiv($magnitude, 100), 0, '', "\u{202F}")
        . ',' . sprintf('%02d', $magnitude % 100) . "\u{00A0}" . $symbol;
}

/* The day of a UTC datetime in the shop's zone: "06/09/2026". */
function day(?string $utc, DateTimeZone $zone): string
{
    static $tz_utc = null;
    if ($utc === null) {
        return '';
    }
    $tz_utc ??= new DateTimeZone('UTC');
    return (new DateTimeImmutable($utc, $tz_utc))->setTimezone($zone)->format('d/m/Y');
}

/* One row, as reference.c's put_row() writes it: change them together
 * when the list's cells change (bench/list.py compares the cells' texts
 * with Fidèle's). */
function row(array $c, string $symbol, DateTimeZone $zone): string
{
    $last = e($c['last_name']);
    $first = e($c['first_name']);
    $email = e($c['email']);
    // the address may break before its last "@"
    $at = strrpos($email, '@');
    $shown = $at === false ? $email : substr($email, 0, $at) . '<wbr>' . substr($email, $at);
    $both = $last !== '' && $first !== '' ? ', ' : '';
    $none = $last === '' && $first === '';
    return '<tr><td class="tick"><input type="checkbox" name="id" value="' . $c['id']
        . '" aria-label="' . $last . $both . $first . ($none ? $email : '')
        . '"></td><td class="name"><a href="/admin/customers/' . $c['id'] . '">'
        . ($last !== '' ? '<span class="family-name">' . $last . '</span>' . $both : '')
        . $first . ($none ? '—' : '')
        . '</a><span class="sub">' . $shown
        . '</span></td><td>' . $shown
        . '</td><td>' . e($c['phone'])
        . '</td><td><span class="status status-' . e($c['status']) . '">'
        . (STATUS_LABEL[$c['status']] ?? '')
        . '</span></td><td>' . $c['order_count']
        . '</td><td>' . money($c['total_spent_cents'], $symbol)
        . '</td><td>' . day($c['last_order_at'], $zone)
        . '</td><td>' . day($c['created_at'], $zone)
        . "</td></tr>\n";
}

$db = new PDO(
    'mysql:unix_socket=' . setting('BENCH_DB_SOCKET') . ';dbname=' . setting('BENCH_DB_NAME')
    . ';charset=utf8mb4',
    setting('BENCH_DB_USER'),
    setting('BENCH_DB_PASSWORD'),
    [
        PDO::ATTR_EMULATE_PREPARES => false,
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
        PDO::ATTR_PERSISTENT => true,
        PDO::MYSQL_ATTR_INIT_COMMAND => "SET time_zone = '+00:00'",
    ]
);

$query = $db->prepare(SQL_SHOP);
$query->execute([$_SERVER['HTTP_HOST'] ?? '']);
$shop = $query->fetch();
$admin = false;
$cookie = $_COOKIE['fidele_session'] ?? '';
if ($shop !== false && preg_match('/\A[0-9a-f]{64}\z/', $cookie)) {
    $query = $db->prepare(SQL_SESSION);
    $query->execute([hash('sha256', hex2bin($cookie), true), $shop['id']]);
    $admin = $query->fetchColumn();
}
if ($admin === false) {
    header('Location: /admin/login', true, 303);
    exit;
}

$query = $db->prepare(SQL_PAGE);
$query->execute([$shop['id']]);
try {
    $zone = new DateTimeZone($shop['time_zone']);
} catch (Exception) {
    $zone = new DateTimeZone('UTC');
}
$symbol = SYMBOL[$shop['currency']] ?? $shop['currency'];
header('Content-Type: text/html; charset=utf-8');
$page = HEADER;
/* the 51st row only says that there is a next page */
for ($i = 0; $i < 50 && ($c = $query->fetch()) !== false; $i++) {
    $page .= row($c, $symbol, $zone);
}
echo $page, FOOTER;
