/*
 * Uploads: the door of a ROUTE_UPLOAD POST, which reads a multipart/form-data
 * body in 64 KB pieces and writes each file part straight to a new file of
 * the shop's spool folder (Spool.Dir/<shop_id>/, 0700; files 0600, named
 * by 128 random bits), and the handler's view of those files.
 *
 * Text parts go where request_field() reads them, checked as an urlencoded
 * form's fields are (declared names and csrf only, each as often as its
 * quota, the same kinds and lengths). The csrf part must come before any
 * file part: no byte of a file is written for a request whose token is
 * wrong. A refused request (truncated body, missing closing boundary, a
 * part without a name or undeclared, a text over its length, two files for
 * one field, a body over Limits.MaxUpload) leaves no file behind, and every
 * file the handler did not keep is deleted when the request ends. A process
 * killed mid-upload leaves a file the worker's housekeeping deletes after
 * Spool.KeepHours.
 */
#ifndef FIDELE_UPLOAD_H
#define FIDELE_UPLOAD_H

#include "request.h"

#define UPLOAD_LIMIT_DEFAULT 52428800	/* Limits.MaxUpload: 50 MB */
#define UPLOAD_FILENAME_MAX 255	/* characters of a client's filename kept */

/* A file a request brought, as the handler sees it. */
struct upload {
	const char *field;	/* the declared field's name */
	char path[1024];	/* where it is spooled; "" when no file was sent */
	const char *filename;	/* the client's name for it: clean UTF-8, no path, at
				 * most 255 characters; only ever text to show */
	long long size;		/* in bytes */
	char content_type[129];	/* as the client declared it ("text/csv"), or "" */
	int kept;		/* taken over by request_upload_keep */
};

/* The largest body a request of route may send, in bytes: Limits.MaxUpload
 * for a ROUTE_UPLOAD POST (or the shop's smaller limit, fidele-admin
 * limits --upload-mb), else Limits.MaxBody. */
long long upload_body_limit(struct request *req, const struct route *route);

/* Reads, checks and spools the multipart body of a ROUTE_UPLOAD POST.
 * Returns 0, or the status of the error page that has been sent. */
int upload_parse(struct request *req);

/* The file of a declared FIELD_UPLOAD field, or NULL when none came (no
 * file chosen, or not such a field). Owned by the request. */
const struct upload *request_upload(struct request *req, const struct field *field);

/* Moves the field's file out of the request's hands into the shop's
 * Spool.Dir/<shop_id>/kept/ folder, where housekeeping leaves it, and
 * writes its new path into out: the caller (an import job) then owns it and
 * deletes it when done. Returns 0, or -1 (no such file, or the move
 * failed: logged). */
int request_upload_keep(struct request *req, const struct field *field, char *out, size_t size);

/* Creates a new empty file (0600) in the shop's kept/ folder, for what a
 * handler writes there itself (a pasted list, as a file), its path into
 * out; the caller owns it as a kept upload. Returns its descriptor, or -1
 * (logged). */
int upload_kept_create(struct request *req, char *out, size_t size);

/* The shop's spool folder (Spool.Dir/<shop_id>) into out, made if missing,
 * for a file a handler builds and sends (the customer's data ZIP): it must
 * delete it itself, and the spool sweep deletes what a killed process
 * left. Returns 0 or -1 (logged). */
int upload_shop_folder(struct request *req, char *out, size_t size);

/* Deletes the request's spooled files that were not kept and frees what
 * the upload held. Called once, where the request ends (app.c). */
void upload_end(struct request *req);

/* Deletes the spool files of every shop older than max_age_seconds (what a
 * process killed mid-upload or while building an .xlsx left: sheet_out.h's
 * SHEET_OUT_FILE_PREFIX); kept/ folders are not touched. Returns
 * how many were deleted, or -1 when the spool cannot be read (logged). */
long long upload_sweep(const char *spool_dir, long long max_age_seconds);

#endif
