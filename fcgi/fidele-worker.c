/*
 * fidele-worker: sends the outbox. Runs as a daemon (the systemd unit in
 * nginx-conf/) or once from cron (--once: send what is due, then exit).
 *
 * Each round claims up to a batch of due mails with one UPDATE that stamps
 * them with this round's random lock, so two workers never take the same
 * mail. A mail is marked sent only once the SMTP server accepted it; a
 * failure puts it back with a growing delay (Mail.RetrySeconds, doubled at
 * each try, at most an hour) until Mail.MaxAttempts, after which it is marked failed for the
 * shop's admins to see. A lock that outlives its worker (a crash) expires
 * after two minutes and the mail is taken again.
 *
 * Mail.Smtp is smtp://host:port (STARTTLS when the server offers it, or
 * always or never as Mail.StartTls says) or smtps://host:port (TLS from the
 * first byte). Certificates are checked against the system's CAs, or
 * Mail.CaFile. Without Mail.Smtp the worker does not start, and mail waits
 * in the database; only an explicit Mail.Directory (development, the demo)
 * has mails written there as .eml files instead.
 *
 * Exit status: 0 done, 1 failed (the database), 2 bad arguments, 3 the
 * configuration is incomplete or wrong (fidele-worker.service does
 * not restart it then: starting again would not help).
 */
#include <config.h>

#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/settings.h"

#define BATCH 20
#define LOCK_SECONDS 120	/* longer than one SMTP transaction may take */
#define SMTP_TIMEOUT 60
#define EXIT_CONFIG 3

enum worker_sql {
	SQL_CLAIM,
	SQL_CLAIMED,
	SQL_SENT,
	SQL_RETRY,
	SQL_EVENT,
	WORKER_SQL__MAX
};

static struct db_query worker_sql[WORKER_SQL__MAX] = {
	[SQL_CLAIM] = { .sql =
	    "UPDATE outbox SET status = 'sending', locked_by = ?,"
	    "       locked_until = NOW() + INTERVAL 120 SECOND"
	    " WHERE (status = 'queued' AND next_attempt_at <= NOW())"
	    "    OR (status = 'sending' AND locked_until < NOW())"
	    " ORDER BY id LIMIT 20" },
	[SQL_CLAIMED] = { .sql =
	    "SELECT o.id, o.shop_id, o.customer_id, o.recipient, o.subject, o.body_text,"
	    "       o.body_html, s.sender_name, s.sender_email, s.name"
	    "  FROM outbox o JOIN shop s ON s.id = o.shop_id"
	    " WHERE o.locked_by = ? AND o.status = 'sending'"
	    " ORDER BY o.id" },
	[SQL_SENT] = { .sql =
	    "UPDATE outbox SET status = 'sent', sent_at = NOW(), attempts = attempts + 1,"
	    "       locked_by = NULL, locked_until = NULL, last_error = NULL, message_id = ?"
	    " WHERE id = ? AND locked_by = ?" },
	/* status is computed before attempts changes, the delay after: with
	 * Mail.RetrySeconds = 30, retries wait 30 s, then 1, 2, 4 … minutes, at
	 * most an hour (tests/web/test_worker_smtp.py reads the schedule back) */
	[SQL_RETRY] = { .sql =
	    "UPDATE outbox SET status = IF(attempts + 1 >= ?, 'failed', 'queued'),"
	    "       attempts = attempts + 1,"
	    "       next_attempt_at = NOW() + INTERVAL LEAST(? * POW(2, attempts - 1), 3600) SECOND,"
	    "       locked_by = NULL, locked_until = NULL, last_error = LEFT(?, 500)"
	    " WHERE id = ? AND locked_by = ?" },
	/* not for a customer erased while the mail was on its way */
	[SQL_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, kind, detail)"
	    " SELECT shop_id, id, ?, ? FROM customer"
	    " WHERE shop_id = ? AND id = ? AND erased_at IS NULL" },
};

struct outgoing {
	long long id, shop_id, customer_id;
	char *recipient, *subject, *text, *html;
	char *sender_name, *sender_email;
	char message_id[160];
	char date[64];
};

struct worker {
	HDF *config;
	struct db db;
	const char *smtp_url;	/* NULL: write .eml files */
	long use_ssl;		/* Mail.StartTls as libcurl's CURLUSESSL_* */
	const char *ca_file;	/* Mail.CaFile, or NULL for the system's CAs */
	const char *directory;
	const char *fallback_from;
	int max_attempts;
	int retry_seconds;
	char lock[80];
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

/* "Name <address>" with the name encoded, or just the address. */
static char *
mailbox(const char *name, const char *address)
{
	char *words, *out;
	size_t size;

	if (name == NULL || *name == '\0')
		return strdup(address);
	words = header_words(name);
	if (words == NULL)
		return NULL;
	size = strlen(words) + strlen(address) + 8;
	out = malloc(size);
	if (out != NULL)
		snprintf(out, size, "%s <%s>", words, address);
	free(words);
	return out;
}

static void
stamp(struct outgoing *mail)
{
	unsigned char random[8];
	char hex[17];
	const char *domain = strchr(mail->sender_email, '@');
	time_t now = time(NULL);
	struct tm tm;

	crypto_random(random, sizeof(random));
	crypto_hex(random, sizeof(random), hex);
	snprintf(mail->message_id, sizeof(mail->message_id), "<fidele.%lld.%s@%s>", mail->id, hex,
	    domain ? domain + 1 : "localhost");
	gmtime_r(&now, &tm);
	strftime(mail->date, sizeof(mail->date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* Sends one mail over SMTP with libcurl's MIME API. Returns NULL when the
 * server accepted it, else a static error text. */
static const char *
send_smtp(struct worker *w, struct outgoing *mail, char *error, size_t error_size)
{
	CURL *curl = curl_easy_init();
	curl_mime *mime = NULL, *alternative = NULL;
	curl_mimepart *part;
	struct curl_slist *headers = NULL, *recipients = NULL;
	char *from = mailbox(mail->sender_name, mail->sender_email);
	char *subject = header_words(mail->subject);
	char line[1200], envelope[300];
	CURLcode code = CURLE_OUT_OF_MEMORY;

	if (curl == NULL || from == NULL || subject == NULL)
		goto out;
	curl_easy_setopt(curl, CURLOPT_URL, w->smtp_url);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, w->use_ssl);
	if (w->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, w->ca_file);
	if (hdf_get_value(w->config, "Mail.User", NULL) != NULL) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, hdf_get_value(w->config, "Mail.User", ""));
		curl_easy_setopt(curl, CURLOPT_PASSWORD, hdf_get_value(w->config, "Mail.Password", ""));
	}
	snprintf(envelope, sizeof(envelope), "<%s>", mail->sender_email);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope);
	snprintf(line, sizeof(line), "<%s>", mail->recipient);
	recipients = curl_slist_append(recipients, line);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);

	snprintf(line, sizeof(line), "Date: %s", mail->date);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "From: %s", from);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "To: <%s>", mail->recipient);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "Subject: %s", subject);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "Message-ID: %s", mail->message_id);
	headers = curl_slist_append(headers, line);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

	mime = curl_mime_init(curl);
	alternative = curl_mime_init(curl);
	part = curl_mime_addpart(alternative);
	curl_mime_data(part, mail->text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	if (mail->html != NULL && *mail->html != '\0') {
		part = curl_mime_addpart(alternative);
		curl_mime_data(part, mail->html, CURL_ZERO_TERMINATED);
		curl_mime_type(part, "text/html; charset=utf-8");
		curl_mime_encoder(part, "quoted-printable");
	}
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alternative);
	curl_mime_type(part, "multipart/alternative");
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	code = curl_easy_perform(curl);
out:
	if (code != CURLE_OK)
		snprintf(error, error_size, "%s", curl_easy_strerror(code));
	curl_slist_free_all(recipients);
	curl_slist_free_all(headers);
	curl_mime_free(mime);
	curl_easy_cleanup(curl);
	free(from);
	free(subject);
	return code == CURLE_OK ? NULL : error;
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
	fprintf(file, "Date: %s\r\nFrom: %s\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: %s\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
	    mail->date, from, mail->recipient, subject, mail->message_id, boundary);
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
}

static char *
copy(const char *text)
{
	return strdup(text ? text : "");
}

/* Records the outcome of one mail. Returns 0 or -1 (database). */
static int
settle(struct worker *w, struct outgoing *mail, const char *failure)
{
	struct db_param params[5];
	long long rows;

	if (failure == NULL) {
		params[0] = DB_TEXT(mail->message_id);
		params[1] = DB_INT(mail->id);
		params[2] = DB_TEXT(w->lock);
		rows = db_exec(&w->db, &worker_sql[SQL_SENT], params, 3);
	} else {
		log_err("mail %lld to %s: %s", mail->id, mail->recipient, failure);
		params[0] = DB_INT(w->max_attempts);
		params[1] = DB_INT(w->retry_seconds);
		params[2] = DB_TEXT(failure);
		params[3] = DB_INT(mail->id);
		params[4] = DB_TEXT(w->lock);
		rows = db_exec(&w->db, &worker_sql[SQL_RETRY], params, 5);
	}
	if (rows < 0)
		return -1;
	if (mail->customer_id != 0 && failure == NULL) {
		params[0] = DB_TEXT("mail.sent");
		params[1] = DB_TEXT(mail->subject);
		params[2] = DB_INT(mail->shop_id);
		params[3] = DB_INT(mail->customer_id);
		if (db_exec(&w->db, &worker_sql[SQL_EVENT], params, 4) < 0)
			return -1;
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
	unsigned char random[16];
	char hex[33], error[1400];
	struct db_param param;
	int count = 0, i, status = 0;

	crypto_random(random, sizeof(random));
	crypto_hex(random, sizeof(random), hex);
	snprintf(w->lock, sizeof(w->lock), "%d:%s", (int)getpid(), hex);
	param = DB_TEXT(w->lock);
	if (db_exec(&w->db, &worker_sql[SQL_CLAIM], &param, 1) < 0 ||
	    db_exec(&w->db, claimed, &param, 1) < 0)
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
		mail->sender_email = copy(db_text(claimed, 8) && *db_text(claimed, 8) ? db_text(claimed, 8)
		    : w->fallback_from);
	}
	db_done(claimed);
	for (i = 0; i < count; i++) {
		const char *failure;

		stamp(&mails[i]);
		failure = w->smtp_url ? send_smtp(w, &mails[i], error, sizeof(error))
		    : send_file(w, &mails[i], error, sizeof(error));
		if (status == 0 && settle(w, &mails[i], failure) != 0)
			status = -1;
		outgoing_free(&mails[i]);
	}
	return status < 0 ? -1 : count;
}

/* Mail.StartTls, for smtp:// URLs (smtps:// is TLS from the start). */
static const struct {
	const char *name;
	long use_ssl;
} starttls_modes[] = {
	{ "optional", (long)CURLUSESSL_TRY },	/* when the server offers it */
	{ "required", (long)CURLUSESSL_ALL },	/* else the mail waits */
	{ "never", (long)CURLUSESSL_NONE },
};

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
	w->max_attempts = hdf_get_int_value(w->config, "Mail.MaxAttempts", 8);
	w->retry_seconds = hdf_get_int_value(w->config, "Mail.RetrySeconds", 30);
	w->use_ssl = -1;
	for (i = 0; i < sizeof(starttls_modes) / sizeof(starttls_modes[0]); i++)
		if (strcmp(starttls, starttls_modes[i].name) == 0)
			w->use_ssl = starttls_modes[i].use_ssl;
	if (w->use_ssl < 0) {
		fprintf(stderr, "fidele-worker: Mail.StartTls is optional, required or never, not \"%s\"\n",
		    starttls);
		return EXIT_CONFIG;
	}
	if (w->max_attempts < 1 || w->retry_seconds < 1) {
		fprintf(stderr, "fidele-worker: Mail.MaxAttempts and Mail.RetrySeconds are at least 1\n");
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
	memset(&w, 0, sizeof(w));
	w.config = settings_load();
	if (w.config == NULL)
		return EXIT_CONFIG;
	if (settings_secret(w.config) == NULL ||
	    mail_settings(&w) != 0) {
		hdf_destroy(&w.config);
		return EXIT_CONFIG;
	}
	poll_ms = hdf_get_int_value(w.config, "Mail.PollMilliseconds", 500);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (db_connect(&w.db, w.config) != 0 ||
	    db_register(&w.db, worker_sql, WORKER_SQL__MAX) != 0) {
		status = 1;
		stopping = 1;
	}
	while (!stopping) {
		int handled = round_once(&w);

		if (handled < 0)
			fprintf(stderr, "fidele-worker: database error, retrying\n");
		if (once && handled <= 0) {
			status = handled < 0;
			break;
		}
		if (handled <= 0)
			usleep((useconds_t)poll_ms * 1000);
	}
	db_close(&w.db);
	curl_global_cleanup();
	hdf_destroy(&w.config);
	return status;
}
