/*
 * fidele-mailer: the worker's SMTP client. fidele-worker starts it when a
 * round has mail to send and stops it when a round finds none, so that the
 * worker itself never loads libcurl and what libcurl loads (its TLS, LDAP,
 * SSH and Kerberos libraries, about 5 MiB of a process), and the SMTP
 * conversation runs in a process that holds no database credentials.
 *
 * It reads from its standard input what the worker writes (mailer_proto.h):
 * the SMTP settings once, then one mail after another; it sends each on the
 * same connection (libcurl keeps it open between mails) and answers each on
 * its standard output with one line: "ok", or "error " and libcurl's text.
 * It ends when its input does, and is not stopped by SIGTERM or SIGINT
 * (systemd's stop reaches the whole unit): the mail on its way is answered
 * first, then the worker, stopping, closes the pipe.
 *
 * Exit status: 0 its input ended, 2 arguments, 3 what it read was not
 * what the worker writes.
 */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "lib/mailer_proto.h"

#define SMTP_TIMEOUT 60		/* a mail's whole conversation, at most */
#define CONNECT_TIMEOUT 10

/* libcurl's mode for each of mailer_starttls_modes */
static const long use_ssl_modes[MAILER_STARTTLS__MAX] = {
	[MAILER_STARTTLS_OPTIONAL] = (long)CURLUSESSL_TRY,
	[MAILER_STARTTLS_REQUIRED] = (long)CURLUSESSL_ALL,
	[MAILER_STARTTLS_NEVER] = (long)CURLUSESSL_NONE,
};

/* "Name: value" as one header, folded (CRLF and a space) at the spaces
 * between the value's words wherever a line would pass 76 characters:
 * RFC 5322 allows no line past 998, and a subject of 200 emoji is 19
 * encoded words. malloc'd; NULL when out of memory. */
static char *
header_line(const char *name, const char *value)
{
	size_t size = strlen(name) + 2 + strlen(value) * 3 + 1, used, line, spaces, word;
	const char *p = value;
	char *out = malloc(size);

	if (out == NULL)
		return NULL;
	used = line = (size_t)snprintf(out, size, "%s: ", name);
	/* each word with the spaces before it, kept as they are: a fold only
	 * puts CRLF before them, which reading the header takes away */
	while (*p != '\0') {
		spaces = strspn(p, " ");
		word = strcspn(p + spaces, " ");
		if (p != value && word > 0 && line + spaces + word > 76) {
			memcpy(out + used, "\r\n", 2);
			used += 2;
			line = 0;
		}
		memcpy(out + used, p, spaces + word);
		used += spaces + word;
		line += spaces + word;
		p += spaces + word;
	}
	out[used] = '\0';
	return out;
}

/* Sends one mail on curl (reset, its connection kept). Returns libcurl's
 * result. */
static CURLcode
send_mail(CURL *curl, char **settings, long use_ssl, char **mail)
{
	curl_mime *mime = NULL, *alternative = NULL;
	curl_mimepart *part;
	struct curl_slist *headers = NULL, *recipients = NULL;
	char line[1200], *folded;
	int broken = 0;
	CURLcode code;

	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, settings[MAILER_SMTP_URL]);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl);
	if (*settings[MAILER_CA_FILE] != '\0')
		curl_easy_setopt(curl, CURLOPT_CAINFO, settings[MAILER_CA_FILE]);
	if (strcmp(settings[MAILER_AUTH], "1") == 0) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, settings[MAILER_USER]);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, settings[MAILER_PASSWORD]);
	}
	snprintf(line, sizeof(line), "<%s>", mail[MAILER_FROM_ADDRESS]);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, line);
	snprintf(line, sizeof(line), "<%s>", mail[MAILER_RECIPIENT]);
	recipients = curl_slist_append(recipients, line);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);

	snprintf(line, sizeof(line), "Date: %s", mail[MAILER_DATE]);
	headers = curl_slist_append(headers, line);
	/* out of memory: the mail is not sent half made (broken) */
	if ((folded = header_line("From", mail[MAILER_FROM_HEADER])) != NULL)
		headers = curl_slist_append(headers, folded);
	broken |= folded == NULL;
	free(folded);
	snprintf(line, sizeof(line), "To: <%s>", mail[MAILER_RECIPIENT]);
	headers = curl_slist_append(headers, line);
	if ((folded = header_line("Subject", mail[MAILER_SUBJECT_HEADER])) != NULL)
		headers = curl_slist_append(headers, folded);
	broken |= folded == NULL;
	free(folded);
	snprintf(line, sizeof(line), "Message-ID: %s", mail[MAILER_MESSAGE_ID]);
	headers = curl_slist_append(headers, line);
	if (*mail[MAILER_REPLY_TO] != '\0') {
		snprintf(line, sizeof(line), "Reply-To: <%s>", mail[MAILER_REPLY_TO]);
		headers = curl_slist_append(headers, line);
	}
	/* one-click unsubscribe: RFC 2369's header with RFC 8058's POST (the
	 * DKIM signature the RFC asks to cover both is the relay's) */
	if (*mail[MAILER_LIST_UNSUBSCRIBE] != '\0') {
		snprintf(line, sizeof(line), "List-Unsubscribe: %s", mail[MAILER_LIST_UNSUBSCRIBE]);
		headers = curl_slist_append(headers, line);
		headers = curl_slist_append(headers,
		    "List-Unsubscribe-Post: List-Unsubscribe=One-Click");
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

	mime = curl_mime_init(curl);
	alternative = curl_mime_init(curl);
	part = curl_mime_addpart(alternative);
	curl_mime_data(part, mail[MAILER_TEXT], CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	if (*mail[MAILER_HTML] != '\0') {
		part = curl_mime_addpart(alternative);
		curl_mime_data(part, mail[MAILER_HTML], CURL_ZERO_TERMINATED);
		curl_mime_type(part, "text/html; charset=utf-8");
		curl_mime_encoder(part, "quoted-printable");
	}
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alternative);
	curl_mime_type(part, "multipart/alternative");
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	code = recipients != NULL && headers != NULL && mime != NULL && alternative != NULL &&
	    !broken ?
	    curl_easy_perform(curl) : CURLE_OUT_OF_MEMORY;
	curl_slist_free_all(recipients);
	curl_slist_free_all(headers);
	curl_mime_free(mime);
	return code;
}

int
main(int argc, char **argv)
{
	char *settings[MAILER_SETTINGS__MAX], *mail[MAILER_MAIL__MAX];
	long use_ssl = -1;
	CURL *curl;
	int i, status;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: fidele-mailer (started by fidele-worker)\n");
		return 2;
	}
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	if (mailer_read_fields(stdin, settings, MAILER_SETTINGS__MAX) != 1)
		return 3;
	for (i = 0; i < MAILER_STARTTLS__MAX; i++)
		if (strcmp(settings[MAILER_STARTTLS], mailer_starttls_modes[i]) == 0)
			use_ssl = use_ssl_modes[i];
	if (use_ssl < 0) {
		fprintf(stderr, "fidele-mailer: unknown STARTTLS mode \"%s\"\n",
		    settings[MAILER_STARTTLS]);
		return 3;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	while ((status = mailer_read_fields(stdin, mail, MAILER_MAIL__MAX)) == 1) {
		CURLcode code = curl != NULL ? send_mail(curl, settings, use_ssl, mail) :
		    CURLE_FAILED_INIT;

		if (code == CURLE_OK)
			printf("ok\n");
		else
			printf("error %s\n", curl_easy_strerror(code));
		fflush(stdout);
		mailer_free_fields(mail, MAILER_MAIL__MAX);
	}
	if (curl != NULL)
		curl_easy_cleanup(curl);	/* QUIT */
	curl_global_cleanup();
	mailer_free_fields(settings, MAILER_SETTINGS__MAX);
	if (status < 0)
		fprintf(stderr, "fidele-mailer: its input was not what fidele-worker writes\n");
	return status < 0 ? 3 : 0;
}
