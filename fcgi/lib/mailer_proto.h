/*
 * Where fidele-mailer (fcgi/fidele-mailer.c) is, and what fidele-worker
 * writes to it on its standard input: the SMTP settings once, then each mail, every field a
 * netstring ("<length>:<bytes>,"), so a body may hold any byte. The mailer
 * answers each mail with one line: "ok", or "error " and the reason.
 */
#ifndef FIDELE_MAILER_PROTO_H
#define FIDELE_MAILER_PROTO_H

#include <stdio.h>

/* a longer field is refused: an outbox body (MEDIUMTEXT) always fits */
#define MAILER_FIELD_MAX (16 * 1024 * 1024)

/* The settings' fields, in this order. */
enum mailer_setting {
	MAILER_SMTP_URL,	/* Mail.Smtp */
	MAILER_STARTTLS,	/* Mail.StartTls: optional, required or never */
	MAILER_CA_FILE,		/* Mail.CaFile, "" for the system's CAs */
	MAILER_AUTH,		/* "1" when Mail.User is set, else "0" */
	MAILER_USER,
	MAILER_PASSWORD,
	MAILER_SETTINGS__MAX
};

/* Mail.StartTls's values, for smtp:// URLs (smtps:// is TLS from the start);
 * fidele-mailer gives each its libcurl mode. */
enum { MAILER_STARTTLS_OPTIONAL, MAILER_STARTTLS_REQUIRED, MAILER_STARTTLS_NEVER,
	MAILER_STARTTLS__MAX };
extern const char *const mailer_starttls_modes[MAILER_STARTTLS__MAX];

/* A mail's fields, in this order; the headers as they go on the wire. */
enum mailer_mail {
	MAILER_FROM_ADDRESS,	/* the envelope's sender */
	MAILER_RECIPIENT,
	MAILER_DATE,
	MAILER_FROM_HEADER,
	MAILER_SUBJECT_HEADER,
	MAILER_MESSAGE_ID,
	MAILER_LIST_UNSUBSCRIBE,	/* "": none */
	MAILER_REPLY_TO,	/* an address, "": none */
	MAILER_TEXT,
	MAILER_HTML,		/* "": none */
	MAILER_MAIL__MAX
};

/* Writes count fields as netstrings. 0, or -1 when the write failed. */
int mailer_write_fields(FILE *out, const char *const *fields, int count);

/* Reads count fields into malloc'd, NUL-terminated texts. 1 when read, 0
 * when the input ended before the first, -1 when it was not netstrings or
 * ended half-way (nothing is left to free then). */
int mailer_read_fields(FILE *in, char **fields, int count);

void mailer_free_fields(char **fields, int count);

/* fidele-mailer's path into path: beside the running program (the build
 * tree, where the worker and fidele-admin are beside it), else where the
 * installation puts it ($(libexecdir)/fidele). 0, or -1 when it is in
 * neither place (path then names the second). */
int mailer_find(char *path, size_t size);

#endif
