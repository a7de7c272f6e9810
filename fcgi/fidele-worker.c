/*
 * fidele-worker: sends the outbox. Runs as a daemon (the systemd unit in
 * nginx-conf/) or once from cron (--once: send what is due, then exit).
 *
 * Each round releases the mails claimed by a worker that stopped beating
 * (killed: its row in the worker table is no longer updated every
 * HEARTBEAT_SECONDS), then claims up to a batch of due mails with UPDATEs
 * that stamp them with this worker's id, so two workers never take the same
 * mail. Mail is claimed fairly: the mail a person waits for (sign-in links
 * and codes, password links: outbox.priority 0) first, then each shop with
 * due mail takes its share of the round in turn, so one shop's mass mailing
 * never holds back another shop's sign-in link.
 *
 * Each attempt is counted and the mail's Message-ID written into its row
 * before the SMTP server hears of it; the Message-ID is derived from the
 * row, so a mail sent again (a worker killed between the server's "250" and
 * the "sent" mark) carries the same one. The SMTP connection stays open
 * between the mails of a round, so the "sent" mark follows the server's
 * acceptance at once; a mark the database refuses (away longer than
 * Database.ReconnectMilliseconds) is made at the next round, before any
 * mail is claimed or sent, so the mail does not leave twice. A failure puts the mail back with a growing delay
 * (Mail.RetrySeconds, doubled at each try, at most Mail.RetryMaxSeconds)
 * until Mail.GiveUpHours after the first attempt, when it is marked failed
 * for the shop's admins to see (they can send it again).
 *
 * Mail.Smtp is smtp://host:port (STARTTLS when the server offers it, or
 * always or never as Mail.StartTls says) or smtps://host:port (TLS from the
 * first byte). Certificates are checked against the system's CAs, or
 * Mail.CaFile. The SMTP conversation is fidele-mailer's (fidele-mailer.c),
 * a process the worker starts while it has mail to send: the worker itself
 * loads no libcurl, and stays small while it waits. Without Mail.Smtp the
 * worker does not start, and mail waits in the database; only an explicit
 * Mail.Directory (development, the demo) has mails written there as .eml
 * files instead.
 *
 * Exit status: 0 done, 1 failed (the database), 2 bad arguments, 3 the
 * configuration is incomplete or wrong (fidele-worker.service does
 * not restart it then: starting again would not help).
 */
#define _GNU_SOURCE	/* close_range */
#include <config.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/core_sql.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/mailer_proto.h"
#include "lib/settings.h"
#include "lib/upload.h"
#include "customers-bulkjob.h"
#include "import-job.h"
#include "retention.h"
#include "groups-mailing-job.h"
#include "signup-expire.h"

#define BATCH 20
#define MAILER_ANSWER_SECONDS 90	/* fidele-mailer gives up on a mail after 60 s */
#define EXIT_CONFIG 3
#define HEARTBEAT_SECONDS 2	/* how often a worker says it is alive */
#define DEAD_SECONDS 15		/* a worker silent this long is taken for dead */
#define MAX_SHOPS 1000		/* shops served per round, at most */
#define JOB_MAIL_SECONDS 2	/* a long job lets a round of mail go this often */
#define JOB_SLICE_SECONDS 10	/* Jobs.SliceSeconds: a long job's turn while others wait */
#define RETENTION_SECONDS 3600	/* every shop's retention runs this often (retention.h) */
#define RETENTION_SLICE 200	/* Retention.SliceCustomers: customers handled between two
				 * rounds of mail */

enum worker_sql {
	SQL_HELLO,
	SQL_BEAT,
	SQL_BYE,
	SQL_RELEASE,
	SQL_SHOPS,
	SQL_CLAIM,
	SQL_CLAIM_UNWANTED,
	SQL_CLAIMED,
	SQL_ATTEMPT,
	SQL_SENT,
	SQL_SENT_ABOUT_ERASED,
	SQL_RETRY,
	SQL_EVENT_CUSTOMER,
	SQL_EVENT,
	SQL_KEEP_SESSIONS,
	SQL_KEEP_TOKENS,
	SQL_KEEP_RATE_LIMITS,
	SQL_KEEP_FORM_ONCE,
	SQL_KEEP_BODIES,
	SQL_KEEP_WORKERS,
	SQL_KEEP_API_NONCES,
	SQL_JOB_CLAIM,
	SQL_JOB_CLAIMED,
	SQL_JOB_BEAT,
	SQL_JOB_MINE,
	SQL_JOB_END,
	SQL_JOB_WAITING,
	SQL_JOB_REQUEUE,
	SQL_JOB_CLAIM_LOCK,
	SQL_JOB_CLAIM_UNLOCK,
	WORKER_SQL__MAX
};

/* Whether the queued job j may start: any job but a shop's import, which
 * waits while another import of its shop runs or was queued before it (a
 * shop's imports run one after the other, in the order they were made:
 * the second may depend on what the first wrote). Read from job_shop_state
 * (sql/011). A disabled shop's jobs wait until it is enabled (sql/025). */
#define JOB_STARTABLE(j) \
	" ((" j ".kind <> '" IMPORT_JOB_KIND "'" \
	"  OR NOT EXISTS (SELECT 1 FROM job o" \
	"                  WHERE o.shop_id = " j ".shop_id AND o.kind = '" IMPORT_JOB_KIND "'" \
	"                    AND (o.state = 'running' OR (o.state = 'queued' AND o.id < " j ".id))))" \
	" AND NOT EXISTS (SELECT 1 FROM shop s WHERE s.id = " j ".shop_id" \
	"                   AND s.disabled_at IS NOT NULL))"

/* The claim and release statements run over every shop on purpose: the
 * worker serves the whole installation (each row keeps its own shop_id). */
static struct db_query worker_sql[WORKER_SQL__MAX] = {
	[SQL_HELLO] = { .sql =
	    "INSERT INTO worker (id, host, pid) VALUES (?, LEFT(?, 255), ?)" },
	[SQL_BEAT] = { .sql =
	    "UPDATE worker SET heartbeat_at = NOW() WHERE id = ?" },
	[SQL_BYE] = { .sql =
	    "DELETE FROM worker WHERE id = ?" },
	/* mails claimed by a worker that stopped beating (killed, its host
	 * gone) or that no longer exists are due again at once */
	[SQL_RELEASE] = { .sql =
	    "UPDATE outbox o SET o.status = 'queued', o.locked_by = NULL, o.locked_until = NULL"
	    " WHERE o.status = 'sending'"
	    "   AND NOT EXISTS (SELECT 1 FROM worker w WHERE w.id = o.locked_by"
	    "                     AND w.heartbeat_at >= NOW() - INTERVAL ? SECOND)" },
	/* the shops with due mail, and the most urgent mail each has (read
	 * from the index outbox_due_shop alone), but a shop its provider
	 * disabled (its mail waits); and how many more mails the shop may
	 * send today under its limit (-1: no limit; sql/025, counted from
	 * the index outbox_shop_sent) */
	[SQL_SHOPS] = { .sql =
	    "SELECT d.shop_id, d.priority,"
	    "       IF(s.mail_limit_per_day IS NULL, -1,"
	    "          GREATEST(CAST(s.mail_limit_per_day AS SIGNED)"
	    "                   - (SELECT COUNT(*) FROM outbox x WHERE x.shop_id = s.id"
	    "                       AND x.status = 'sent' AND x.sent_at >= CURDATE()), 0))"
	    "  FROM (SELECT shop_id, MIN(priority) AS priority FROM outbox"
	    "         WHERE status = 'queued' AND next_attempt_at <= NOW()"
	    "         GROUP BY shop_id) d"
	    "  JOIN shop s ON s.id = d.shop_id"
	    " WHERE s.disabled_at IS NULL" },
	/* a shop's share of the round: its most urgent mail first, then the
	 * oldest. locked_until is only shown now (who holds a mail is decided
	 * by the claimer's heartbeat, SQL_RELEASE) */
	/* A shop past its mails of the day sends only the mail a person
	 * waits for (priority 0: sign-in links and codes, already limited
	 * per address), the rest waits until the next day (the third
	 * parameter is 0) */
	[SQL_CLAIM] = { .sql =
	    "UPDATE outbox SET status = 'sending', locked_by = ?,"
	    "       locked_until = NOW() + INTERVAL 120 SECOND"
	    " WHERE shop_id = ? AND status = 'queued' AND next_attempt_at <= NOW()"
	    "   AND (priority = 0 OR ? = 1)"
	    " ORDER BY priority, id LIMIT ?" },
	/* a marketing mail (it has a List-Unsubscribe) is sent only while its
	 * customer may get one, as when it was queued (mail.c's
	 * SQL_MARKETING_TO): one who unsubscribed, was blocked or erased
	 * while it waited (the day's limit, a retry, a mail sent again from
	 * the customer's page) does not get it */
	[SQL_CLAIM_UNWANTED] = { .sql =
	    "UPDATE outbox o LEFT JOIN customer c ON c.id = o.customer_id AND c.shop_id = o.shop_id"
	    "   SET o.status = 'dismissed', o.locked_by = NULL, o.locked_until = NULL,"
	    "       o.last_error = 'no_consent'"
	    " WHERE o.locked_by = ? AND o.status = 'sending' AND o.list_unsubscribe IS NOT NULL"
	    "   AND NOT (c.id IS NOT NULL AND c.erased_at IS NULL AND c.marketing_consent = 1"
	    "        AND c.email IS NOT NULL AND c.status IN ('invited', 'active')"
	    "        AND NOT (c.status = 'invited' AND c.source = 'self'))" },
	[SQL_CLAIMED] = { .sql =
	    "SELECT o.id, o.shop_id, o.customer_id, o.recipient, o.subject, o.body_text,"
	    "       o.body_html, s.sender_name, s.sender_email, s.name, o.message_id,"
	    "       DATE_FORMAT(o.created_at, '%Y%m%d%H%i%s'), o.list_unsubscribe"
	    "  FROM outbox o JOIN shop s ON s.id = o.shop_id"
	    " WHERE o.locked_by = ? AND o.status = 'sending'"
	    " ORDER BY o.priority, o.id" },
	/* the attempt is counted, and the mail's Message-ID written, before
	 * the SMTP server hears of it; no row: the claim was lost (this
	 * worker was taken for dead), so the mail is not sent. A new series
	 * of attempts (a first try, or an admin's "send again", which sets
	 * attempts to 0) starts the give-up clock. */
	[SQL_ATTEMPT] = { .sql =
	    "UPDATE outbox SET first_attempt_at = IF(attempts = 0 OR first_attempt_at IS NULL,"
	    "                                        NOW(), first_attempt_at),"
	    "       attempts = attempts + 1, message_id = ?"
	    " WHERE id = ? AND locked_by = ? AND status = 'sending'" },
	/* a mail released while this worker could not reach the database
	 * (taken for dead: SQL_RELEASE) is marked too, unless another worker
	 * has claimed it since */
	[SQL_SENT] = { .sql =
	    "UPDATE outbox SET status = 'sent', sent_at = NOW(),"
	    "       locked_by = NULL, locked_until = NULL, last_error = NULL"
	    " WHERE id = ? AND (locked_by = ? OR (locked_by IS NULL AND status = 'queued'))" },
	/* a mail about someone erased (mail_queue_about: the refusal sent
	 * as they are erased, the admins' mail about a deleted account)
	 * keeps nothing of them once it has left */
	[SQL_SENT_ABOUT_ERASED] = { .sql =
	    "UPDATE outbox o JOIN customer c ON c.id = o.about_customer_id AND c.shop_id = o.shop_id"
	    "   SET o.body_text = '', o.body_html = NULL,"
	    "       o.recipient = IF(o.admin_id IS NULL, '', o.recipient)"
	    " WHERE o.id = ? AND o.status = 'sent' AND c.erased_at IS NOT NULL" },
	/* attempts already counts this one. With Mail.RetrySeconds = 30,
	 * retries wait 30 s, then 1, 2, 4 … minutes, at most
	 * Mail.RetryMaxSeconds (tests/web/test_worker_smtp.py reads the
	 * schedule back); Mail.GiveUpHours after the first attempt of the
	 * series, the mail is failed for the shop's admins to see */
	[SQL_RETRY] = { .sql =
	    "UPDATE outbox SET status = IF(first_attempt_at <= NOW() - INTERVAL ? HOUR,"
	    "                              'failed', 'queued'),"
	    "       next_attempt_at = NOW() + INTERVAL"
	    "           LEAST(? * POW(2, LEAST(attempts - 1, 30)), ?) SECOND,"
	    "       locked_by = NULL, locked_until = NULL, last_error = LEFT(?, 500)"
	    " WHERE id = ? AND locked_by = ?" },
	/* the customer's "mail sent" (sent_event), not for a customer erased
	 * while the mail was on its way: the row held until the event is in */
	[SQL_EVENT_CUSTOMER] = { .sql =
	    "SELECT 1 FROM customer WHERE shop_id = ? AND id = ? AND erased_at IS NULL"
	    " LOCK IN SHARE MODE" },
	[SQL_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, kind, detail) VALUES (?, ?, ?, ?)" },
	/* Housekeeping, over every shop on purpose, a batch at a time so no
	 * statement holds locks for long (each runs until fewer rows than a
	 * batch are left). Sign-in links live minutes: a day's grace keeps
	 * "this link has expired" possible for a late click. */
	[SQL_KEEP_SESSIONS] = { .sql =
	    "DELETE FROM session WHERE expires_at < NOW() LIMIT 1000" },
	[SQL_KEEP_TOKENS] = { .sql =
	    "DELETE FROM login_token WHERE expires_at < NOW() - INTERVAL 1 DAY LIMIT 1000" },
	/* the longest window of a rate limit is a day */
	[SQL_KEEP_RATE_LIMITS] = { .sql =
	    "DELETE FROM rate_limit WHERE window_start < NOW() - INTERVAL 2 DAY LIMIT 1000" },
	[SQL_KEEP_FORM_ONCE] = { .sql =
	    "DELETE FROM form_once WHERE created_at < NOW() - INTERVAL 1 DAY LIMIT 1000" },
	/* the row stays (the customer's mail history, the event timeline),
	 * the bodies go after Mail.KeepBodiesDays, and so does the address
	 * of a mail to someone who is neither a customer nor an admin (the
	 * person is in no customer row: an unknown address's sign-in
	 * answer, an applicant's refusal, an address being confirmed) */
	[SQL_KEEP_BODIES] = { .sql =
	    "UPDATE outbox SET body_text = '', body_html = NULL,"
	    "       recipient = IF(customer_id IS NULL AND admin_id IS NULL, '', recipient)"
	    " WHERE status = 'sent' AND sent_at < NOW() - INTERVAL ? DAY"
	    "   AND (body_text <> '' OR body_html IS NOT NULL"
	    "        OR (customer_id IS NULL AND admin_id IS NULL AND recipient <> '')) LIMIT 1000" },
	[SQL_KEEP_WORKERS] = { .sql =
	    "DELETE FROM worker WHERE heartbeat_at < NOW() - INTERVAL 1 DAY LIMIT 1000" },
	/* a signed request's nonce, once its timestamp can no longer be taken */
	[SQL_KEEP_API_NONCES] = { .sql =
	    "DELETE FROM api_nonce WHERE expires_at < NOW() LIMIT 1000" },
	/* Jobs, of every shop (and of none: housekeeping): the one queued (or
	 * put back, SQL_JOB_REQUEUE) first that may start, or a running one
	 * whose worker stopped beating (it resumes from its progress) */
	[SQL_JOB_CLAIM] = { .sql =
	    "UPDATE job SET state = 'running', worker_id = ?, heartbeat_at = NOW(),"
	    "       attempts = attempts + 1"
	    " WHERE (state = 'queued' AND" JOB_STARTABLE("job") ")"
	    "    OR (state = 'running'"
	    "        AND NOT EXISTS (SELECT 1 FROM worker w WHERE w.id = job.worker_id"
	    "                          AND w.heartbeat_at >= NOW() - INTERVAL ? SECOND))"
	    " ORDER BY queued_at, id LIMIT 1" },
	[SQL_JOB_CLAIMED] = { .sql =
	    "SELECT id, kind, progress, shop_id, admin_id FROM job"
	    " WHERE worker_id = ? AND state = 'running'"
	    " ORDER BY id LIMIT 1" },
	[SQL_JOB_BEAT] = { .sql =
	    "UPDATE job SET heartbeat_at = NOW(), progress = ?"
	    " WHERE id = ? AND worker_id = ? AND state = 'running'" },
	/* no row: the job was cancelled (or taken by another worker), stop
	 * (read apart: an UPDATE that changes nothing counts no row) */
	[SQL_JOB_MINE] = { .sql =
	    "SELECT 1 FROM job WHERE id = ? AND worker_id = ? AND state = 'running'" },
	[SQL_JOB_END] = { .sql =
	    "UPDATE job SET state = ?, progress = ?, total = ?, last_error = LEFT(?, 500),"
	    "       heartbeat_at = NOW(), finished_at = NOW()"
	    " WHERE id = ? AND worker_id = ? AND state = 'running'" },
	/* another shop's job (or one of the whole installation's) waits and
	 * may start: a long job's turn ends */
	[SQL_JOB_WAITING] = { .sql =
	    "SELECT 1 FROM job j WHERE j.state = 'queued' AND NOT (j.shop_id <=> ?)"
	    "   AND" JOB_STARTABLE("j") " LIMIT 1" },
	/* a job whose turn ended goes to the back of the queue; what its
	 * batches committed (progress, resume_after) stays */
	[SQL_JOB_REQUEUE] = { .sql =
	    "UPDATE job SET state = 'queued', worker_id = NULL, heartbeat_at = NULL,"
	    "       queued_at = NOW(6)"
	    " WHERE id = ? AND worker_id = ? AND state = 'running'" },
	/* Workers claim one at a time (a lock of the installation's database,
	 * held for the claim only), so that the claim of a shop's second
	 * import sees that another worker has just taken its first one. */
	[SQL_JOB_CLAIM_LOCK] = { .sql =
	    "SELECT GET_LOCK(CONCAT(DATABASE(), '.job_claim'), ?)" },
	[SQL_JOB_CLAIM_UNLOCK] = { .sql =
	    "SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.job_claim'))" },
};

#define KEEP_BATCH 1000	/* the LIMIT of the SQL_KEEP_* statements */
#define KEEP_BATCHES 1000	/* at most this many batches per statement and run */
#define HOUSEKEEPING_SECONDS 900

struct outgoing {
	long long id, shop_id, customer_id;
	char *recipient, *subject, *text, *html;
	/* the From and the envelope's sender (sender_for), and the shop's
	 * own address for replies when it may not be the From, else NULL */
	char *sender_name, *sender_email, *reply_to;
	char *stored_message_id;	/* from an earlier attempt, or NULL */
	char *list_unsubscribe;		/* a marketing mail's (mail_queue_marketing), or NULL */
	char created[16];		/* created_at as digits: part of the Message-ID */
	char message_id[160];
	char date[64];
};

struct worker {
	HDF *config;
	struct db db;
	const char *smtp_url;	/* NULL: write .eml files */
	const char *starttls;	/* Mail.StartTls: optional, required or never */
	const char *ca_file;	/* Mail.CaFile, or NULL for the system's CAs */
	const char *directory;
	const char *fallback_from;
	/* Mail.SenderDomains: the domains a shop's own address may send from
	 * ("*": any), as the relay's SPF and DKIM allow */
	const char *sender_domains;
	const char *secret;
	int retry_seconds;
	int retry_max_seconds;	/* Mail.RetryMaxSeconds: the longest wait between tries */
	int give_up_hours;	/* Mail.GiveUpHours: failed for good after that long */
	char id[80];		/* this worker's row in the worker table, and its claims' lock */
	time_t last_beat;
	time_t last_housekeeping;
	time_t last_retention;
	long long retention_ids[MAX_SHOPS];	/* the hourly run's shops, in turn */
	int retention_count, retention_next;	/* how many, and the one whose turn it is */
	int retention_slice;	/* Retention.SliceCustomers */
	time_t last_round;	/* when a job last let a round of mail go */
	long long job_id;	/* the job running now, 0 for none */
	long long job_shop_id, job_admin_id;	/* its shop and who started it, or 0 */
	time_t job_claimed_at;	/* when this worker took it */
	long long job_claimed_progress;	/* its progress then */
	int slice_seconds;	/* Jobs.SliceSeconds */
	char job_error[64];	/* why it failed, for job.last_error; "" */
	int keep_bodies_days;	/* Mail.KeepBodiesDays: sent mail keeps its bodies so long */
	int spool_keep_hours;	/* Spool.KeepHours: an upload's file left in the spool so long */
	long long last_shop;	/* the shop served last, for taking shops in turn */
	/* mails the SMTP server took whose "sent" mark the database refused
	 * (down for a moment): marked at the next round, before anything is
	 * claimed or sent, or they would leave again (SQL_CLAIMED still finds
	 * them this worker's) */
	struct outgoing unsettled[BATCH];
	int unsettled_count;
	/* fidele-mailer, while rounds find mail to send: its SMTP connection
	 * stays open from one mail to the next */
	char mailer_path[PATH_MAX];
	pid_t mailer_pid;	/* 0: not running */
	FILE *mailer_in;	/* what it reads */
	int mailer_out;		/* what it answers */
};

static volatile sig_atomic_t stopping;

static void
on_signal(int signum)
{
	(void)signum;
	stopping = 1;
}

/* RFC 2047 "encoded words" for a header holding UTF-8; plain ASCII without
 * specials is copied as it is. Returns malloc'd text. */
static char *
header_words(const char *text)
{
	size_t len = strlen(text), i, o = 0;
	int plain = 1;
	char *out;

	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80 || text[i] == '"' || text[i] == '=' || text[i] == '?')
			plain = 0;
	if (plain)
		return strdup(text);
	out = malloc(len * 2 + 64 + (len / 30 + 1) * 16);
	if (out == NULL)
		return NULL;
	i = 0;
	while (i < len) {
		size_t chunk = len - i > 45 ? 45 : len - i;

		/* never cut a UTF-8 sequence in two */
		while (i + chunk < len && ((unsigned char)text[i + chunk] & 0xc0) == 0x80)
			chunk--;
		if (o > 0)
			out[o++] = ' ';
		o += (size_t)sprintf(out + o, "=?UTF-8?B?");
		o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, (const unsigned char *)text + i,
		    (int)chunk);
		o += (size_t)sprintf(out + o, "?=");
		i += chunk;
	}
	out[o] = '\0';
	return out;
}

/* A header's value as the outbox row has it (a List-Unsubscribe written
 * by mail_queue_marketing), or NULL when it has none or it holds a byte
 * that could end the header line. Returns malloc'd text. */
static char *
header_value(const char *text)
{
	const unsigned char *p;

	if (text == NULL || *text == '\0')
		return NULL;
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p < ' ' || *p == 0x7f)
			return NULL;
	return strdup(text);
}

/* A plain name (header_words left it as it is) with RFC 5322's specials,
 * as a quoted string: "Dupont, Fils" is one name, not two addresses.
 * Returns malloc'd text, or NULL when out of memory. */
static char *
quoted_name(char *words)
{
	size_t len = strlen(words), i, o = 0;
	char *out;

	if (strpbrk(words, "()<>[]:;@\\,.\"") == NULL)
		return words;
	out = malloc(len * 2 + 3);
	if (out != NULL) {
		out[o++] = '"';
		for (i = 0; i < len; i++) {
			if (words[i] == '\\' || words[i] == '"')
				out[o++] = '\\';
			out[o++] = words[i];
		}
		out[o++] = '"';
		out[o] = '\0';
	}
	free(words);
	return out;
}

/* "Name <address>" with the name encoded, or quoted when it holds
 * specials, or just the address. */
static char *
mailbox(const char *name, const char *address)
{
	char *words, *out;
	size_t size;

	if (name == NULL || *name == '\0')
		return strdup(address);
	words = header_words(name);
	if (words != NULL && strncmp(words, "=?", 2) != 0)
		words = quoted_name(words);
	if (words == NULL)
		return NULL;
	size = strlen(words) + strlen(address) + 8;
	out = malloc(size);
	if (out != NULL)
		snprintf(out, size, "%s <%s>", words, address);
	free(words);
	return out;
}

/* Says this worker is alive, at most every HEARTBEAT_SECONDS. A failure
 * is only logged: the next beat may pass. */
static void
beat(struct worker *w)
{
	struct db_param param = DB_TEXT(w->id);
	time_t now = time(NULL);

	if (now - w->last_beat < HEARTBEAT_SECONDS)
		return;
	w->last_beat = now;
	if (db_exec(&w->db, &worker_sql[SQL_BEAT], &param, 1) < 0)
		log_err("cannot record the heartbeat");
}

/* Stops fidele-mailer: its input closed, it says QUIT to the SMTP server
 * and ends. The worker beats while it waits, and kills it after 10 s. */
static void
mailer_stop(struct worker *w)
{
	int status, waited;

	if (w->mailer_pid <= 0)
		return;
	fclose(w->mailer_in);
	close(w->mailer_out);
	w->mailer_in = NULL;
	w->mailer_out = -1;
	for (waited = 0; waitpid(w->mailer_pid, &status, WNOHANG) == 0; waited++) {
		if (waited == 100) {
			kill(w->mailer_pid, SIGKILL);
			waitpid(w->mailer_pid, &status, 0);
			break;
		}
		usleep(100 * 1000);
		beat(w);
	}
	w->mailer_pid = 0;
}

/* Starts fidele-mailer on two pipes and gives it the SMTP settings.
 * Returns 0, or -1 (logged). */
static int
mailer_start(struct worker *w)
{
	const char *user = hdf_get_value(w->config, "Mail.User", NULL);
	const char *settings[MAILER_SETTINGS__MAX];
	int in[2], out[2];
	pid_t pid;

	if (w->mailer_pid > 0)
		return 0;
	if (pipe(in) != 0) {
		log_err("cannot start fidele-mailer: %s", strerror(errno));
		return -1;
	}
	if (pipe(out) != 0) {
		log_err("cannot start fidele-mailer: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	/* none of the four is left open in a later mailer, nor in this one
	 * but as its standard input and output */
	fcntl(in[0], F_SETFD, FD_CLOEXEC);
	fcntl(in[1], F_SETFD, FD_CLOEXEC);
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	fcntl(out[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		int fd;

		/* its standard error stays the worker's (the log); nothing else
		 * of the worker's goes with it, not its database connection */
		if (dup2(in[0], 0) == 0 && dup2(out[1], 1) == 1) {
			if (close_range(3, ~0U, 0) != 0)
				for (fd = 3; fd < 1024; fd++)
					close(fd);
			execl(w->mailer_path, w->mailer_path, (char *)NULL);
		}
		fprintf(stderr, "fidele-worker: cannot run %s: %s\n", w->mailer_path,
		    strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (pid < 0 || (w->mailer_in = fdopen(in[1], "w")) == NULL) {
		log_err("cannot start fidele-mailer: %s", strerror(errno));
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		close(in[1]);
		close(out[0]);
		return -1;
	}
	w->mailer_pid = pid;
	w->mailer_out = out[0];
	settings[MAILER_SMTP_URL] = w->smtp_url;
	settings[MAILER_STARTTLS] = w->starttls;
	settings[MAILER_CA_FILE] = w->ca_file != NULL ? w->ca_file : "";
	settings[MAILER_AUTH] = user != NULL ? "1" : "0";
	settings[MAILER_USER] = user != NULL ? user : "";
	settings[MAILER_PASSWORD] = hdf_get_value(w->config, "Mail.Password", "");
	if (mailer_write_fields(w->mailer_in, settings, MAILER_SETTINGS__MAX) != 0) {
		log_err("fidele-mailer stopped at its start");
		mailer_stop(w);
		return -1;
	}
	return 0;
}

/* fidele-mailer's answer to the mail it was given, into answer: beats
 * while it waits (a slow SMTP server must not make the worker look dead).
 * 0, or -1 when it stopped or took too long (it is stopped then). */
static int
mailer_answer(struct worker *w, char *answer, size_t size)
{
	time_t until = time(NULL) + MAILER_ANSWER_SECONDS;
	size_t used = 0;

	for (;;) {
		struct pollfd ready = { .fd = w->mailer_out, .events = POLLIN };
		char *end;
		ssize_t got;

		beat(w);
		if (time(NULL) > until) {
			log_err("fidele-mailer did not answer in %d s: stopped",
			    MAILER_ANSWER_SECONDS);
			kill(w->mailer_pid, SIGKILL);
			mailer_stop(w);
			return -1;
		}
		/* a second without an answer, or a signal (SIGTERM: the answer
		 * is still awaited, beating, or the mail could leave twice) */
		if (poll(&ready, 1, 1000) <= 0)
			continue;
		got = read(w->mailer_out, answer + used, size - 1 - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			log_err("fidele-mailer stopped");
			mailer_stop(w);
			return -1;
		}
		used += (size_t)got;
		answer[used] = '\0';
		if ((end = strchr(answer, '\n')) != NULL) {
			*end = '\0';
			return 0;
		}
		if (used == size - 1) {
			log_err("fidele-mailer answered too long a line: stopped");
			mailer_stop(w);
			return -1;
		}
	}
}

/* The mail's Message-ID: the one an earlier attempt wrote into the row, or
 * one derived from the row (id, creation time) under the installation's
 * secret, so that every attempt of one outbox row carries the same id and a
 * receiver can tell a repeated delivery from a new mail. */
static void
stamp(struct worker *w, struct outgoing *mail)
{
	unsigned char digest[32];
	char hex[17], input[96];
	const char *domain = strchr(mail->sender_email, '@');
	time_t now = time(NULL);
	struct tm tm;

	if (mail->stored_message_id != NULL && *mail->stored_message_id != '\0')
		snprintf(mail->message_id, sizeof(mail->message_id), "%s", mail->stored_message_id);
	else {
		snprintf(input, sizeof(input), "message-id:%lld:%s", mail->id, mail->created);
		crypto_hmac(w->secret, input, strlen(input), digest);
		crypto_hex(digest, 8, hex);
		snprintf(mail->message_id, sizeof(mail->message_id), "<fidele.%lld.%s@%s>", mail->id,
		    hex, domain ? domain + 1 : "localhost");
	}
	gmtime_r(&now, &tm);
	strftime(mail->date, sizeof(mail->date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* Sends one mail through fidele-mailer, started if it is not running:
 * its connection stays open for the next mail, so the mail is marked sent
 * as soon as the server said it took it (no QUIT to wait for in between).
 * Returns NULL when the server accepted it, else the error text. */
static const char *
send_smtp(struct worker *w, struct outgoing *mail, char *error, size_t error_size)
{
	char *from = mailbox(mail->sender_name, mail->sender_email);
	char *subject = header_words(mail->subject);
	const char *fields[MAILER_MAIL__MAX];
	char answer[1200];
	int sent = 0;

	snprintf(error, error_size, "out of memory");
	if (from == NULL || subject == NULL)
		goto out;
	fields[MAILER_FROM_ADDRESS] = mail->sender_email;
	fields[MAILER_RECIPIENT] = mail->recipient;
	fields[MAILER_DATE] = mail->date;
	fields[MAILER_FROM_HEADER] = from;
	fields[MAILER_SUBJECT_HEADER] = subject;
	fields[MAILER_MESSAGE_ID] = mail->message_id;
	fields[MAILER_LIST_UNSUBSCRIBE] = mail->list_unsubscribe != NULL ? mail->list_unsubscribe : "";
	fields[MAILER_REPLY_TO] = mail->reply_to != NULL ? mail->reply_to : "";
	fields[MAILER_TEXT] = mail->text;
	fields[MAILER_HTML] = mail->html != NULL ? mail->html : "";
	snprintf(error, error_size, "the mail sender (fidele-mailer) stopped");
	if (mailer_start(w) != 0)
		goto out;
	if (mailer_write_fields(w->mailer_in, fields, MAILER_MAIL__MAX) != 0) {
		log_err("fidele-mailer stopped");
		mailer_stop(w);
		goto out;
	}
	if (mailer_answer(w, answer, sizeof(answer)) != 0)
		goto out;
	if (strcmp(answer, "ok") == 0)
		sent = 1;
	else
		snprintf(error, error_size, "%s", strncmp(answer, "error ", 6) == 0 ? answer + 6 :
		    answer);
out:
	free(from);
	free(subject);
	return sent ? NULL : error;
}

/* Base64 in 76-character lines, for the .eml files. */
static void
write_base64(FILE *file, const char *text)
{
	size_t len = strlen(text), i;
	unsigned char line[80];

	for (i = 0; i < len; i += 57) {
		size_t chunk = len - i > 57 ? 57 : len - i;

		EVP_EncodeBlock(line, (const unsigned char *)text + i, (int)chunk);
		fprintf(file, "%s\r\n", line);
	}
}

/* Writes the mail as <Mail.Directory>/<id>.eml (through a temporary name,
 * so a reader never sees half a file). NULL on success, else the error. */
static const char *
send_file(struct worker *w, struct outgoing *mail, char *error, size_t error_size)
{
	char path[1100], temporary[1200], boundary[64];
	char *from = mailbox(mail->sender_name, mail->sender_email);
	char *subject = header_words(mail->subject);
	FILE *file;
	int ok;

	snprintf(path, sizeof(path), "%s/%lld.eml", w->directory, mail->id);
	snprintf(temporary, sizeof(temporary), "%s.tmp", path);
	snprintf(boundary, sizeof(boundary), "fidele-%lld-alternative", mail->id);
	file = from && subject ? fopen(temporary, "w") : NULL;
	if (file == NULL) {
		snprintf(error, error_size, "cannot write %s: %s", temporary, strerror(errno));
		free(from);
		free(subject);
		return error;
	}
	fprintf(file, "Date: %s\r\nFrom: %s\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: %s\r\n",
	    mail->date, from, mail->recipient, subject, mail->message_id);
	if (mail->reply_to != NULL)
		fprintf(file, "Reply-To: <%s>\r\n", mail->reply_to);
	if (mail->list_unsubscribe != NULL)
		fprintf(file, "List-Unsubscribe: %s\r\n"
		    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", mail->list_unsubscribe);
	fprintf(file, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative;"
	    " boundary=\"%s\"\r\n\r\n", boundary);
	fprintf(file, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	write_base64(file, mail->text);
	if (mail->html != NULL && *mail->html != '\0') {
		fprintf(file, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
		write_base64(file, mail->html);
	}
	fprintf(file, "--%s--\r\n", boundary);
	ok = fclose(file) == 0 && rename(temporary, path) == 0;
	free(from);
	free(subject);
	if (!ok) {
		snprintf(error, error_size, "cannot write %s: %s", path, strerror(errno));
		unlink(temporary);
		return error;
	}
	return NULL;
}

static void
outgoing_free(struct outgoing *mail)
{
	free(mail->recipient);
	free(mail->subject);
	free(mail->text);
	free(mail->html);
	free(mail->sender_name);
	free(mail->sender_email);
	free(mail->reply_to);
	free(mail->stored_message_id);
	free(mail->list_unsubscribe);
}

static char *
copy(const char *text)
{
	return strdup(text ? text : "");
}

/* Whether the domain of address is one of Mail.SenderDomains (separated
 * by spaces or commas, any case; "*" is every domain). */
static int
sender_domain_allowed(const struct worker *w, const char *address)
{
	const char *domain = strrchr(address, '@'), *p = w->sender_domains;
	size_t length;

	if (domain == NULL)
		return 0;
	domain++;
	length = strlen(domain);
	while (*p != '\0') {
		size_t n;

		p += strspn(p, " ,\t");
		n = strcspn(p, " ,\t");
		if ((n == 1 && *p == '*') || (n == length && strncasecmp(p, domain, n) == 0))
			return 1;
		p += n;
	}
	return 0;
}

/* The mail's From and envelope sender: the shop's own address when its
 * domain is one the provider's relay may send for (Mail.SenderDomains),
 * else Mail.From, with the shop's address as Reply-To. A shop's owner
 * types any address in the settings: without this, one shop could send
 * through the provider's relay as any domain (another shop's, a bank's),
 * and mail from a domain whose SPF does not name the relay is refused. */
static void
sender_for(const struct worker *w, struct outgoing *mail, const char *shop_address)
{
	int own = shop_address != NULL && *shop_address != '\0';

	if (own && sender_domain_allowed(w, shop_address)) {
		mail->sender_email = copy(shop_address);
		return;
	}
	mail->sender_email = copy(w->fallback_from);
	if (own)
		mail->reply_to = copy(shop_address);
}

/* Writes "mail sent" on the customer's timeline, unless the customer was
 * erased meanwhile: a check that holds the customer's row (an erasure
 * waits for it), then a one-row INSERT ... VALUES, in one transaction. An
 * INSERT ... SELECT did both in one statement, but held the event table's
 * AUTO-INC lock until it ended (innodb_autoinc_lock_mode 1, the server's
 * default), also while it waited for the customer's shop row (the foreign
 * key's check): every shop's event writes waited behind it. Run again
 * once when it fails, as a single statement is after a deadlock. Returns
 * 0 or -1 (database). */
static int
sent_event(struct worker *w, const struct outgoing *mail)
{
	struct db_param params[4] = {
		DB_INT(mail->shop_id), DB_INT(mail->customer_id), DB_TEXT("mail.sent"),
		DB_TEXT(mail->subject)
	};
	struct db_query *check = &worker_sql[SQL_EVENT_CUSTOMER];
	int tries;

	for (tries = 0; tries < 2; tries++) {
		int living;

		if (db_begin(&w->db) != 0 || db_exec(&w->db, check, params, 2) < 0) {
			db_rollback(&w->db);
			continue;
		}
		living = db_fetch(check) == 1;
		db_done(check);
		if (living && db_exec(&w->db, &worker_sql[SQL_EVENT], params, 4) < 0) {
			db_rollback(&w->db);
			continue;
		}
		return db_commit(&w->db) == 0 ? 0 : -1;
	}
	return -1;
}

/* Records the outcome of one mail, each in its own short statement (the
 * connection commits each at once), the customer's event in its own short
 * transaction. Returns 0 or -1 (database). */
static int
settle(struct worker *w, struct outgoing *mail, const char *failure)
{
	struct db_param params[6];
	long long rows;

	if (failure == NULL) {
		params[0] = DB_INT(mail->id);
		params[1] = DB_TEXT(w->id);
		rows = db_exec(&w->db, &worker_sql[SQL_SENT], params, 2);
		if (rows > 0 && mail->customer_id == 0 &&
		    db_exec(&w->db, &worker_sql[SQL_SENT_ABOUT_ERASED], params, 1) < 0)
			rows = -1;
	} else {
		log_err("mail %lld to %s: %s", mail->id, mail->recipient, failure);
		params[0] = DB_INT(w->give_up_hours);
		params[1] = DB_INT(w->retry_seconds);
		params[2] = DB_INT(w->retry_max_seconds);
		params[3] = DB_TEXT(failure);
		params[4] = DB_INT(mail->id);
		params[5] = DB_TEXT(w->id);
		rows = db_exec(&w->db, &worker_sql[SQL_RETRY], params, 6);
	}
	if (rows < 0)
		return -1;
	if (mail->customer_id != 0 && failure == NULL)
		return sent_event(w, mail);
	return 0;
}

struct due_shop {
	long long shop_id;
	long long priority;	/* its most urgent due mail */
	long long allowed;	/* mails it may still send today, -1: no limit */
	int turn;		/* 0: after the shop served last, 1: its turn came already */
};

/* Urgent mail first, then shops in turn, starting after the one served
 * last, so one shop's mass mailing takes its share of each round and no
 * more. */
static int
due_shop_order(const void *a, const void *b)
{
	const struct due_shop *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->turn != y->turn)
		return x->turn - y->turn;
	return x->shop_id < y->shop_id ? -1 : x->shop_id > y->shop_id;
}

/* Claims up to BATCH due mails for this worker, a share per shop. Returns
 * the number claimed, or -1 (database). */
static int
claim(struct worker *w)
{
	struct db_query *shops = &worker_sql[SQL_SHOPS];
	struct due_shop *due;
	struct db_param params[4];
	size_t count = 0, i;
	long long claimed = 0, share;

	params[0] = DB_INT(DEAD_SECONDS);
	if (db_exec(&w->db, &worker_sql[SQL_RELEASE], params, 1) < 0 ||
	    db_exec(&w->db, shops, NULL, 0) < 0)
		return -1;
	due = calloc(MAX_SHOPS, sizeof(*due));
	if (due == NULL) {
		db_done(shops);
		return -1;
	}
	while (count < MAX_SHOPS && db_fetch(shops) == 1) {
		due[count].shop_id = db_int(shops, 0);
		due[count].priority = db_int(shops, 1);
		due[count].allowed = db_int(shops, 2);
		due[count].turn = due[count].shop_id <= w->last_shop;
		count++;
	}
	db_done(shops);
	qsort(due, count, sizeof(*due), due_shop_order);
	share = count > 0 && (long long)count < BATCH ? BATCH / (long long)count : 1;
	for (i = 0; i < count && claimed < BATCH; i++) {
		long long rows, take = share < BATCH - claimed ? share : BATCH - claimed;

		if (due[i].allowed > 0 && due[i].allowed < take)
			take = due[i].allowed;
		params[0] = DB_TEXT(w->id);
		params[1] = DB_INT(due[i].shop_id);
		params[2] = DB_INT(due[i].allowed != 0);
		params[3] = DB_INT(take);
		rows = db_exec(&w->db, &worker_sql[SQL_CLAIM], params, 4);
		if (rows < 0) {
			free(due);
			return -1;
		}
		claimed += rows;
		w->last_shop = due[i].shop_id;
	}
	free(due);
	params[0] = DB_TEXT(w->id);
	if (claimed > 0) {
		long long unwanted = db_exec(&w->db, &worker_sql[SQL_CLAIM_UNWANTED], params, 1);

		if (unwanted < 0)
			return -1;
		claimed -= unwanted;
	}
	return (int)claimed;
}

/* Counts the attempt and writes the Message-ID into the row, before the
 * SMTP server hears of the mail. Returns 1 to send, 0 when the claim was
 * lost (another worker has the mail now), -1 (database). */
static int
attempt(struct worker *w, struct outgoing *mail)
{
	struct db_param params[3] = { DB_TEXT(mail->message_id), DB_INT(mail->id), DB_TEXT(w->id) };
	long long rows = db_exec(&w->db, &worker_sql[SQL_ATTEMPT], params, 3);

	return rows < 0 ? -1 : rows == 1;
}

/* Marks sent the mails of an earlier round that left while the database
 * was away (worker.unsettled). Returns 0 when none is left, -1 (database). */
static int
settle_unsettled(struct worker *w)
{
	while (w->unsettled_count > 0) {
		struct outgoing *mail = &w->unsettled[w->unsettled_count - 1];

		if (settle(w, mail, NULL) != 0)
			return -1;
		outgoing_free(mail);
		w->unsettled_count--;
	}
	return 0;
}

/* One round: claim, send, settle. Returns the number of mails handled, or
 * -1 on a database error. */
static int
round_once(struct worker *w)
{
	struct db_query *claimed = &worker_sql[SQL_CLAIMED];
	struct outgoing mails[BATCH];
	char error[1400];
	struct db_param param;
	int count = 0, i, status = 0;

	beat(w);
	if (settle_unsettled(w) < 0 || claim(w) < 0)
		return -1;
	param = DB_TEXT(w->id);
	if (db_exec(&w->db, claimed, &param, 1) < 0)
		return -1;
	memset(mails, 0, sizeof(mails));
	while (count < BATCH && db_fetch(claimed) == 1) {
		struct outgoing *mail = &mails[count++];

		mail->id = db_int(claimed, 0);
		mail->shop_id = db_int(claimed, 1);
		mail->customer_id = db_int(claimed, 2);
		mail->recipient = copy(db_text(claimed, 3));
		mail->subject = copy(db_text(claimed, 4));
		mail->text = copy(db_text(claimed, 5));
		mail->html = copy(db_text(claimed, 6));
		mail->sender_name = copy(db_text(claimed, 7) && *db_text(claimed, 7) ? db_text(claimed, 7)
		    : db_text(claimed, 9));
		sender_for(w, mail, db_text(claimed, 8));
		mail->stored_message_id = db_text(claimed, 10) ? strdup(db_text(claimed, 10)) : NULL;
		snprintf(mail->created, sizeof(mail->created), "%s",
		    db_text(claimed, 11) ? db_text(claimed, 11) : "");
		mail->list_unsubscribe = header_value(db_text(claimed, 12));
	}
	db_done(claimed);
	for (i = 0; i < count; i++) {
		const char *failure;
		int go = 0;

		stamp(w, &mails[i]);
		if (status == 0 && (go = attempt(w, &mails[i])) < 0)
			status = -1;
		if (go == 1) {
			failure = w->smtp_url ? send_smtp(w, &mails[i], error, sizeof(error))
			    : send_file(w, &mails[i], error, sizeof(error));
			if (settle(w, &mails[i], failure) != 0) {
				status = -1;
				/* it left: it is marked once the database is back */
				if (failure == NULL && w->unsettled_count < BATCH) {
					w->unsettled[w->unsettled_count++] = mails[i];
					memset(&mails[i], 0, sizeof(mails[i]));
				}
			}
			beat(w);
		}
		outgoing_free(&mails[i]);
	}
	/* a round without mail: the mailer goes, and with it the connection */
	if (count == 0)
		mailer_stop(w);
	return status < 0 ? -1 : count;
}

/* Says the running job is alive and how far it got. Returns 1 to go on, 0
 * when it was cancelled (or is no longer this worker's), -1 (database). */
static int
job_beat(struct worker *w, long long progress)
{
	struct db_param params[3] = { DB_INT(progress), DB_INT(w->job_id), DB_TEXT(w->id) };
	struct db_query *mine = &worker_sql[SQL_JOB_MINE];
	int running;

	if (db_exec(&w->db, &worker_sql[SQL_JOB_BEAT], params, 3) < 0 ||
	    db_exec(&w->db, mine, params + 1, 2) < 0)
		return -1;
	running = db_fetch(mine) == 1;
	db_done(mine);
	return running;
}

/* Deletes what nobody needs any more: expired sessions, old sign-in links,
 * rate-limit windows and form keys, workers long dead, signed requests'
 * expired nonces, the upload files a killed program left in the spool
 * more than Spool.KeepHours ago, self-signups never confirmed
 * (signup-expire.h), and blanks the bodies of mail sent more
 * than Mail.KeepBodiesDays ago. Returns the number of rows and files
 * removed or blanked, or -1 (database). */
static long long
housekeeping(struct worker *w)
{
	static const enum worker_sql steps[] = {
		SQL_KEEP_SESSIONS, SQL_KEEP_TOKENS, SQL_KEEP_RATE_LIMITS, SQL_KEEP_FORM_ONCE,
		SQL_KEEP_BODIES, SQL_KEEP_WORKERS, SQL_KEEP_API_NONCES,
	};
	long long total = 0, rows;
	size_t i;
	int batch;

	w->last_housekeeping = time(NULL);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct db_param param = DB_INT(w->keep_bodies_days);
		size_t n = steps[i] == SQL_KEEP_BODIES;

		batch = 0;
		do {
			rows = db_exec(&w->db, &worker_sql[steps[i]], n ? &param : NULL, n);
			if (rows < 0)
				return -1;
			total += rows;
			beat(w);
			if (w->job_id != 0 && job_beat(w, total) != 1)
				return -2;
		} while (rows == KEEP_BATCH && ++batch < KEEP_BATCHES && !stopping);
	}
	rows = upload_sweep(settings_spool_dir(w->config), (long long)w->spool_keep_hours * 3600);
	if (rows > 0)
		total += rows;
	rows = signup_expire_all(&w->db, w->config);
	if (rows < 0)
		return -1;
	return total + rows;
}

/* A job kind: runs the job, resuming from progress. Returns the count it
 * reached, -1 (failed: w->job_error may say why), -2 (cancelled:
 * job_beat said so) or -3 (its turn is over: job_bulk_beat said 2; it is
 * put back in the queue). end, when not NULL, runs in the transaction that marks
 * the job done or failed (a mail to queue with it). */
struct job_kind {
	const char *name;
	long long (*run)(struct worker *w, long long progress);
	int (*end)(struct worker *w, int failed);
};

static long long
job_housekeeping(struct worker *w, long long progress)
{
	(void)progress;	/* each step starts over cheaply: it deletes what is left */
	return housekeeping(w);
}

/* Whether the running job's turn is over: it has run Jobs.SliceSeconds
 * since this worker took it, went forward meanwhile (so that two long jobs
 * taking turns both get somewhere), and another shop's job waits. 1, 0, or
 * -1 (database). */
static int
job_turn_over(struct worker *w, long long progress)
{
	struct db_query *waiting = &worker_sql[SQL_JOB_WAITING];
	struct db_param param = w->job_shop_id != 0 ? DB_INT(w->job_shop_id) : DB_NULL;
	int found;

	if (progress <= w->job_claimed_progress ||
	    time(NULL) - w->job_claimed_at < (time_t)w->slice_seconds)
		return 0;
	if (db_exec(&w->db, waiting, &param, 1) < 0)
		return -1;
	found = db_fetch(waiting);
	db_done(waiting);
	return found < 0 ? -1 : found == 1;
}

/* The beat of a job that works in batches (bulk_job_run's), between two
 * of them: the worker and its job are alive. A long job (minutes for a
 * large shop) lets the mail go out meanwhile, a round every
 * JOB_MAIL_SECONDS: a sign-in link must not wait for the end of another
 * shop's bulk action. Returns 1 go on, 0 cancelled, -1 (database), or 2:
 * the job's turn is over (job_turn_over), it stops after the batch it
 * committed and returns -3, and is put back in the queue. */
static int
job_bulk_beat(void *data, long long progress)
{
	struct worker *w = data;
	int going, over;

	beat(w);
	if (time(NULL) - w->last_round >= JOB_MAIL_SECONDS) {
		w->last_round = time(NULL);
		if (round_once(w) < 0)
			log_err("database error in a round of mail during a job");
	}
	going = job_beat(w, progress);
	if (going != 1)
		return going;
	over = job_turn_over(w, progress);
	return over < 0 ? -1 : over == 1 ? 2 : 1;
}

static void
job_bulk_init(struct worker *w, struct job_run *run)
{
	memset(run, 0, sizeof(*run));
	run->db = &w->db;
	run->config = w->config;
	run->job_id = w->job_id;
	run->shop_id = w->job_shop_id;
	run->admin_id = w->job_admin_id;
	run->worker_id = w->id;
	run->beat = job_bulk_beat;
	run->data = w;
}

/* A bulk action on the customers a list matched (customers-bulkjob.h). */
static long long
job_customers_bulk(struct worker *w, long long progress)
{
	struct job_run run;
	long long result;

	(void)progress;	/* the job keeps where it got to (job.resume_after) */
	job_bulk_init(w, &run);
	result = bulk_job_run(&run);
	snprintf(w->job_error, sizeof(w->job_error), "%s", run.error);
	return result;
}

static int
job_customers_bulk_end(struct worker *w, int failed)
{
	struct job_run run;

	job_bulk_init(w, &run);
	return bulk_job_end(&run, failed);
}

/* An import's preview, run or undo (import-job.h), with the bulk job's
 * beat: the mail goes out between its batches too. */
static long long
job_import(struct worker *w, long long progress)
{
	struct job_run run;
	long long result;

	(void)progress;	/* the job keeps where it got to (job.resume_after) */
	job_bulk_init(w, &run);
	result = import_job_run(&run);
	snprintf(w->job_error, sizeof(w->job_error), "%s", run.error);
	return result;
}

/* One slice of shop_id's retention (retention_step), taking what it
 * handles off *budget. Returns the customers warned or erased, or -1
 * (logged); *more is 1 when the budget ran out before the shop's run was
 * done. A shop deleted meanwhile is done. */
static long long
retention_slice(struct worker *w, long long shop_id, long long *budget, int *more)
{
	struct retention_counts counts;
	struct shop_context ctx;
	int made = context_for_shop(&ctx, &w->db, w->config, shop_id, ACTOR_WORKER), step = 0;

	*more = 0;
	if (made == 1)
		step = retention_step(&ctx, budget, &counts);
	context_end(&ctx);
	beat(w);
	if (made < 0 || step < 0) {
		log_err("retention of shop %lld failed", shop_id);
		return -1;
	}
	*more = step == 1;
	return made == 1 ? counts.warned + counts.erased : 0;
}

/* The hourly run over every shop that sets retention, a slice of
 * Retention.SliceCustomers customers per turn of the main loop, between
 * rounds of mail: the first run of a shop of thousands of inactive
 * customers must not hold up everyone's sign-in links. A shop's run that
 * fails is given up until the next hour. Returns 0 or -1. */
static int
retention_turn(struct worker *w)
{
	long long budget = w->retention_slice, done;
	int more = 0, count;

	if (w->retention_next >= w->retention_count) {
		if (time(NULL) - w->last_retention < RETENTION_SECONDS)
			return 0;
		w->last_retention = time(NULL);
		w->retention_next = 0;
		count = retention_shops(&w->db, w->retention_ids, MAX_SHOPS);
		w->retention_count = count < 0 ? 0 : count;
		if (count < 0)
			return -1;
	}
	done = 0;
	while (w->retention_next < w->retention_count && budget > 0 && !stopping && done >= 0) {
		done = retention_slice(w, w->retention_ids[w->retention_next], &budget, &more);
		if (!more)
			w->retention_next++;
	}
	return done < 0 ? -1 : 0;
}

/* 1 while the hourly retention run has shops left. */
static int
retention_pending(const struct worker *w)
{
	return w->retention_next < w->retention_count;
}

/* A "retention" job: the shop's, or every shop's that sets it when the
 * job has none, a slice at a time: when the slice's budget runs out the
 * job notes its count and goes back to the queue (-3), so that a round of
 * mail (and other shops' jobs) come between two slices; claimed again it
 * starts over and finds only what is still due. Returns the customers
 * warned or erased, -1, -2 (cancelled) or -3. */
static long long
job_retention(struct worker *w, long long progress)
{
	long long ids[MAX_SHOPS], total = progress, budget = w->retention_slice, done;
	int count = 1, i, more = 0, going;

	ids[0] = w->job_shop_id;
	if (w->job_shop_id == 0 && (count = retention_shops(&w->db, ids, MAX_SHOPS)) < 0)
		return -1;
	for (i = 0; i < count && !more && !stopping; i++) {
		done = retention_slice(w, ids[i], &budget, &more);
		if (done < 0)
			return -1;
		total += done;
	}
	if (!more && !stopping)
		return total;
	going = job_beat(w, total);
	return going < 0 ? -1 : going == 0 ? -2 : -3;
}

/* A mailing to a group, a tag or a segment (groups-mailing-job.h), with
 * the bulk job's beat: the mail goes out between its batches. */
static long long
job_mailing(struct worker *w, long long progress)
{
	struct job_run run;
	long long result;

	(void)progress;	/* the mailing keeps where it got to (mailing.cursor_id) */
	job_bulk_init(w, &run);
	result = mailing_job_run(&run);
	snprintf(w->job_error, sizeof(w->job_error), "%s", run.error);
	return result;
}

static const struct job_kind job_kinds[] = {
	{ "housekeeping", job_housekeeping, NULL },
	{ RETENTION_JOB_KIND, job_retention, NULL },
	{ BULK_JOB_KIND, job_customers_bulk, job_customers_bulk_end },
	{ IMPORT_JOB_KIND, job_import, NULL },
	{ MAILING_JOB_KIND, job_mailing, NULL },
};

/* Takes (take = 1, waiting up to DEAD_SECONDS) or gives back the claim
 * lock. Returns 1 taken or given back, 0 not taken in time, -1
 * (database). */
static int
job_claim_lock(struct worker *w, int take)
{
	struct db_query *query = &worker_sql[take ? SQL_JOB_CLAIM_LOCK : SQL_JOB_CLAIM_UNLOCK];
	struct db_param param = DB_INT(DEAD_SECONDS);
	int found, held = 0;

	if (db_exec(&w->db, query, &param, take ? 1 : 0) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		held = db_int(query, 0) == 1;
	db_done(query);
	return found < 0 ? -1 : held;
}

/* Claims one job and runs it to its end. Returns 1 when a job was handled,
 * 0 when none was waiting, -1 (database). */
static int
job_once(struct worker *w)
{
	struct db_query *claimed = &worker_sql[SQL_JOB_CLAIMED];
	struct db_param params[6];
	const struct job_kind *kind = NULL;
	long long progress = 0, result, rows;
	char name[48] = "";
	size_t i;
	int found;

	params[0] = DB_TEXT(w->id);
	params[1] = DB_INT(DEAD_SECONDS);
	found = job_claim_lock(w, 1);
	if (found != 1) {
		if (found == 0)
			log_warn("another worker held the job claim for %d seconds", DEAD_SECONDS);
		return found;
	}
	rows = db_exec(&w->db, &worker_sql[SQL_JOB_CLAIM], params, 2);
	if (job_claim_lock(w, 0) < 0 || rows < 0 || db_exec(&w->db, claimed, params, 1) < 0)
		return -1;
	found = db_fetch(claimed) == 1;
	if (found) {
		w->job_id = db_int(claimed, 0);
		snprintf(name, sizeof(name), "%s", db_text(claimed, 1) ? db_text(claimed, 1) : "");
		progress = db_int(claimed, 2);
		w->job_shop_id = db_int(claimed, 3);
		w->job_admin_id = db_int(claimed, 4);
		w->job_claimed_at = time(NULL);
		w->job_claimed_progress = progress;
	}
	db_done(claimed);
	if (!found)
		return 0;
	log_debug("job %lld (%s) of shop %lld claimed at %lld", w->job_id, name, w->job_shop_id,
	    progress);
	for (i = 0; i < sizeof(job_kinds) / sizeof(job_kinds[0]); i++)
		if (strcmp(name, job_kinds[i].name) == 0)
			kind = &job_kinds[i];
	w->job_error[0] = '\0';
	result = kind != NULL ? kind->run(w, progress) : -1;
	if (result == -1)
		log_err("job %lld (%s) failed%s%s", w->job_id, name, w->job_error[0] ? ": " : "",
		    w->job_error);
	if (result == -3) {
		params[0] = DB_INT(w->job_id);
		params[1] = DB_TEXT(w->id);
		rows = db_exec(&w->db, &worker_sql[SQL_JOB_REQUEUE], params, 2);
		log_debug("job %lld (%s) put back in the queue: another shop's job waits", w->job_id,
		    name);
		w->job_id = 0;
		return rows < 0 ? -1 : 1;
	}
	if (result != -2) {
		params[0] = DB_TEXT(result >= 0 ? "done" : "failed");
		params[1] = DB_INT(result >= 0 ? result : progress);
		params[2] = result >= 0 ? DB_INT(result) : DB_NULL;
		params[3] = result >= 0 ? DB_NULL : DB_TEXT(kind == NULL ? "unknown kind" :
		    w->job_error[0] ? w->job_error : "failed");
		params[4] = DB_INT(w->job_id);
		params[5] = DB_TEXT(w->id);
		/* the end and what goes with it (a mail) commit together */
		if (db_begin(&w->db) != 0 ||
		    (rows = db_exec(&w->db, &worker_sql[SQL_JOB_END], params, 6)) < 0 ||
		    (rows > 0 && kind != NULL && kind->end != NULL && kind->end(w, result < 0) != 0) ||
		    db_commit(&w->db) != 0) {
			db_rollback(&w->db);
			w->job_id = 0;
			return -1;
		}
	}
	w->job_id = 0;
	return 1;
}

/* Reads the Mail settings into w. Returns 0, or EXIT_CONFIG after saying
 * on stderr what is missing or wrong. */
static int
mail_settings(struct worker *w)
{
	const char *starttls = hdf_get_value(w->config, "Mail.StartTls", "optional");
	size_t i;

	w->smtp_url = hdf_get_value(w->config, "Mail.Smtp", NULL);
	if (w->smtp_url != NULL && *w->smtp_url == '\0')
		w->smtp_url = NULL;
	w->directory = hdf_get_value(w->config, "Mail.Directory", NULL);
	if (w->directory != NULL && *w->directory == '\0')
		w->directory = NULL;
	w->ca_file = hdf_get_value(w->config, "Mail.CaFile", NULL);
	if (w->ca_file != NULL && *w->ca_file == '\0')
		w->ca_file = NULL;
	w->fallback_from = hdf_get_value(w->config, "Mail.From", "fidele@localhost");
	w->sender_domains = hdf_get_value(w->config, "Mail.SenderDomains", "");
	w->retry_seconds = hdf_get_int_value(w->config, "Mail.RetrySeconds", 30);
	w->retry_max_seconds = hdf_get_int_value(w->config, "Mail.RetryMaxSeconds", 3600);
	w->give_up_hours = hdf_get_int_value(w->config, "Mail.GiveUpHours", 48);
	w->keep_bodies_days = hdf_get_int_value(w->config, "Mail.KeepBodiesDays", 30);
	w->spool_keep_hours = hdf_get_int_value(w->config, "Spool.KeepHours", 24);
	w->slice_seconds = hdf_get_int_value(w->config, "Jobs.SliceSeconds", JOB_SLICE_SECONDS);
	w->retention_slice = hdf_get_int_value(w->config, "Retention.SliceCustomers",
	    RETENTION_SLICE);
	w->starttls = NULL;
	for (i = 0; i < MAILER_STARTTLS__MAX; i++)
		if (strcmp(starttls, mailer_starttls_modes[i]) == 0)
			w->starttls = mailer_starttls_modes[i];
	if (w->starttls == NULL) {
		fprintf(stderr, "fidele-worker: Mail.StartTls is optional, required or never, not \"%s\"\n",
		    starttls);
		return EXIT_CONFIG;
	}
	if (w->retry_seconds < 1 || w->retry_max_seconds < w->retry_seconds || w->give_up_hours < 1 ||
	    w->keep_bodies_days < 1 || w->spool_keep_hours < 1 || w->slice_seconds < 1 ||
	    w->retention_slice < 1) {
		fprintf(stderr, "fidele-worker: Mail.RetrySeconds, Mail.GiveUpHours,"
		    " Mail.KeepBodiesDays, Spool.KeepHours, Jobs.SliceSeconds and"
		    " Retention.SliceCustomers are at least 1,"
		    " Mail.RetryMaxSeconds at least Mail.RetrySeconds\n");
		return EXIT_CONFIG;
	}
	if (w->ca_file != NULL && access(w->ca_file, R_OK) != 0) {
		fprintf(stderr, "fidele-worker: cannot read Mail.CaFile %s: %s\n", w->ca_file,
		    strerror(errno));
		return EXIT_CONFIG;
	}
	if (w->smtp_url != NULL && strncmp(w->smtp_url, "smtp://", 7) != 0 &&
	    strncmp(w->smtp_url, "smtps://", 8) != 0) {
		fprintf(stderr, "fidele-worker: Mail.Smtp is smtp://host:port or smtps://host:port,"
		    " not \"%s\"\n", w->smtp_url);
		return EXIT_CONFIG;
	}
	if (w->smtp_url != NULL && mailer_find(w->mailer_path, sizeof(w->mailer_path)) != 0) {
		fprintf(stderr, "fidele-worker: fidele-mailer, which sends the mail, is neither beside"
		    " fidele-worker nor in %s: install Fidèle again\n", FIDELE_LIBEXECDIR);
		return EXIT_CONFIG;
	}
	if (w->smtp_url != NULL)
		return 0;
	if (w->directory == NULL) {
		fprintf(stderr, "fidele-worker: Mail.Smtp is not set: no mail is sent, it waits in the"
		    " database until Mail.Smtp is set and the worker started again\n");
		return EXIT_CONFIG;
	}
	/* development: the folder is made as the demo or a test needs it */
	if (mkdir(w->directory, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "fidele-worker: cannot create Mail.Directory %s: %s\n", w->directory,
		    strerror(errno));
		return EXIT_CONFIG;
	}
	fprintf(stderr, "fidele-worker: no Mail.Smtp: writing mails into %s (development only)\n",
	    w->directory);
	return 0;
}

/* Names this worker and records it as alive. Returns 0 or -1. */
static int
hello(struct worker *w)
{
	unsigned char random[8];
	char hex[17], host[64];
	struct db_param params[3];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	crypto_random(random, sizeof(random));
	crypto_hex(random, sizeof(random), hex);
	snprintf(w->id, sizeof(w->id), "%.30s:%d:%s", host, (int)getpid(), hex);
	params[0] = DB_TEXT(w->id);
	params[1] = DB_TEXT(host);
	params[2] = DB_INT(getpid());
	if (db_exec(&w->db, &worker_sql[SQL_HELLO], params, 3) < 0) {
		w->id[0] = '\0';
		return -1;
	}
	w->last_beat = time(NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct worker w;
	int once = 0, status = 0, poll_ms;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--once") != 0)) {
		fprintf(stderr, "usage: fidele-worker [--once]\n");
		return 2;
	}
	once = argc == 2;
	log_program("fidele-worker");
	crypto_start_lean();
	memset(&w, 0, sizeof(w));
	w.mailer_out = -1;
	w.config = settings_load();
	if (w.config == NULL)
		return EXIT_CONFIG;
	w.secret = settings_secret(w.config);
	if (w.secret == NULL || mail_settings(&w) != 0) {
		hdf_destroy(&w.config);
		return EXIT_CONFIG;
	}
	poll_ms = hdf_get_int_value(w.config, "Mail.PollMilliseconds", 500);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	/* a mailer that died: its pipe says so to write(), not by a signal */
	signal(SIGPIPE, SIG_IGN);
	if (db_connect(&w.db, w.config) != 0 ||
	    db_register(&w.db, worker_sql, WORKER_SQL__MAX) != 0 ||
	    /* the core's statements: jobs act for a shop (context.h, mail.h) */
	    db_register(&w.db, core_sql, CORE_SQL__MAX) != 0 || hello(&w) != 0) {
		status = 1;
		stopping = 1;
	}
	while (!stopping) {
		int handled, jobs;

		/* at start (so --once from cron does it too), then every
		 * HOUSEKEEPING_SECONDS */
		if (time(NULL) - w.last_housekeeping >= HOUSEKEEPING_SECONDS &&
		    housekeeping(&w) < 0)
			fprintf(stderr, "fidele-worker: database error during housekeeping\n");
		/* a slice of the hourly retention run, if one is due or under way */
		if (retention_turn(&w) < 0)
			fprintf(stderr, "fidele-worker: retention failed for a shop\n");
		/* one job at a time between rounds of mail */
		jobs = job_once(&w);
		if (jobs < 0)
			fprintf(stderr, "fidele-worker: database error in a job\n");
		handled = round_once(&w);
		if (handled < 0)
			fprintf(stderr, "fidele-worker: database error, retrying\n");
		if ((jobs > 0 || retention_pending(&w)) && handled == 0)
			continue;
		if (once && handled <= 0) {
			status = handled < 0;
			break;
		}
		if (handled <= 0)
			usleep((useconds_t)poll_ms * 1000);
	}
	if (w.id[0] != '\0') {
		struct db_param param = DB_TEXT(w.id);

		db_exec(&w.db, &worker_sql[SQL_BYE], &param, 1);
	}
	mailer_stop(&w);
	db_close(&w.db);
	hdf_destroy(&w.config);
	return status;
}
