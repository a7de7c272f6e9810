/*
 * The door of uploads (upload.h): a multipart body read in pieces through
 * the streaming parser (multipart.c), text parts checked against the
 * route's declared fields as form.c checks an urlencoded form, file parts
 * written to the shop's spool folder as they arrive, and the files deleted
 * again unless a handler keeps them.
 */
#include <config.h>

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "form.h"
#include "log.h"
#include "multipart.h"
#include "page.h"
#include "sheet_out.h"
#include "session.h"
#include "settings.h"
#include "text.h"
#include "upload.h"

#define UPLOAD_CHUNK 65536	/* bytes read from the web server at a time */
#define UPLOAD_FILES_MAX 8	/* FIELD_UPLOAD fields a route may declare */
#define UPLOAD_NAME_BYTES 16	/* a spool file's name: 128 random bits in hex */
#define CSRF_PART_MAX 128	/* the token is 64 hex characters */
/* a callback's "stop": the reason is in the parse's status and message */
#define UPLOAD_STOP MULTIPART__MAX
#define FORM_FIELDS_MAX 64	/* as form.c: fields a route may declare */

/* The state of one upload request: hangs off struct request. */
struct upload_state {
	struct request *req;
	struct multipart mp;
	char *buffer;		/* UPLOAD_CHUNK bytes, the piece being read */
	struct upload files[UPLOAD_FILES_MAX];
	int fds[UPLOAD_FILES_MAX];	/* open while its part is written, else -1 */
	size_t file_count;
	/* the part being read */
	const struct field *field;	/* NULL for csrf */
	struct upload *file;		/* a file part's entry, else NULL */
	int fd;				/* where its bytes go, -1 to drop them */
	char *text;			/* a text part's bytes, up to text_limit */
	size_t text_len, text_cap, text_limit;
	size_t text_total;		/* of every text part: at most Limits.MaxBody */
	long long counts[FORM_FIELDS_MAX], csrf_count;
	/* why a callback stopped the parse */
	int status;
	const char *message;
};

long long
upload_body_limit(struct request *req, const struct route *route)
{
	if (route != NULL && (route->flags & ROUTE_UPLOAD) && strcmp(route->method, "POST") == 0) {
		long long limit = (long long)hdf_get_int_value(req->app->config, "Limits.MaxUpload",
		    UPLOAD_LIMIT_DEFAULT);

		/* the provider's limit for the shop (fidele-admin limits) */
		return req->shop.upload_limit > 0 && req->shop.upload_limit < limit ?
		    req->shop.upload_limit : limit;
	}
	return req->app->max_body;
}

/* Stops the parse with an error page to send. */
static int
refuse(struct upload_state *up, int status, const char *message)
{
	up->status = status;
	up->message = message;
	return UPLOAD_STOP;
}

/* Makes a folder if it is missing (0700: only the programs' user reads
 * uploads). Returns 0 or -1. */
static int
folder(const char *path, int may_be_link)
{
	struct stat st;
	int found;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST) {
		log_err("cannot make spool folder %s: %s", path, strerror(errno));
		return -1;
	}
	/* Spool.Dir itself may be a link a provider made to a bigger disk;
	 * the shops' folders in it, which we make, never are */
	found = may_be_link ? stat(path, &st) : lstat(path, &st);
	if (found == 0 && S_ISDIR(st.st_mode))
		return 0;
	log_err("cannot use spool folder %s: %s", path,
	    found != 0 ? strerror(errno) : "not a folder");
	return -1;
}

/* The shop's spool folder (Spool.Dir/<shop_id>) into out, made if missing.
 * Returns 0 or -1 (logged). */
static int
shop_folder(struct request *req, char *out, size_t size)
{
	const char *spool = settings_spool_dir(req->app->config);

	if (folder(spool, 1) != 0)
		return -1;
	snprintf(out, size, "%s/%lld", spool, req->shop.id);
	return folder(out, 0);
}

/* Creates the spool file of a file part. Returns the descriptor, or -1. */
static int
spool_open(struct upload_state *up, struct upload *file)
{
	unsigned char random[UPLOAD_NAME_BYTES];
	char dir[900], name[2 * UPLOAD_NAME_BYTES + 1];
	int fd;

	if (shop_folder(up->req, dir, sizeof(dir)) != 0 ||
	    crypto_random(random, sizeof(random)) != 0)
		return -1;
	crypto_hex(random, sizeof(random), name);
	snprintf(file->path, sizeof(file->path), "%s/%s", dir, name);
	fd = open(file->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_err("cannot create spool file %s: %s", file->path, strerror(errno));
		file->path[0] = '\0';
	}
	return fd;
}

/* Sets Query.<name> as the cgi kit does for a form: a repeated name gets
 * children 0, 1, ... and its node the last value. */
static void
query_set(struct request *req, const char *name, const char *value)
{
	char key[128];
	HDF *node;

	snprintf(key, sizeof(key), "Query.%s", name);
	node = hdf_get_obj(req->hdf, key);
	if (node != NULL) {
		HDF *child = hdf_obj_child(node);
		int count = 0;
		char index[16];

		if (child == NULL) {
			hdf_set_value(node, "0", hdf_obj_value(node));
			count = 1;
		} else
			for (; child != NULL; child = hdf_obj_next(child))
				count++;
		snprintf(index, sizeof(index), "%d", count);
		hdf_set_value(node, index, value);
	}
	hdf_set_value(req->hdf, key, value);
}

/* A file part begins: its field must take a file, csrf must have come. */
static int
file_begin(struct upload_state *up, const struct multipart_part *part)
{
	struct request *req = up->req;
	struct upload *file;
	char filename[MULTIPART_FILENAME_MAX + 1];

	if (up->field->kind != FIELD_UPLOAD || !part->has_filename)
		return refuse(up, 400, "Error.BadForm");
	if (!session_csrf_ok(req))
		return refuse(up, 403, "Error.Csrf");
	if (up->file_count == UPLOAD_FILES_MAX) {
		log_err("route %s declares more than %d files", req->route->path, UPLOAD_FILES_MAX);
		return refuse(up, 500, NULL);
	}
	snprintf(filename, sizeof(filename), "%s", part->filename);
	if (multipart_filename_clean(filename, UPLOAD_FILENAME_MAX) != 0)
		return refuse(up, 400, "Error.Upload.FileName");
	file = &up->files[up->file_count++];
	file->field = up->field->name;
	snprintf(file->content_type, sizeof(file->content_type), "%s", part->content_type);
	up->file = file;
	/* a form whose file input was left empty sends an empty filename */
	if (*text_trim(filename) == '\0')
		return MULTIPART_OK;
	up->fd = spool_open(up, file);
	up->fds[file - up->files] = up->fd;
	if (up->fd < 0)
		return refuse(up, 503, "Error.Upload.Spool");
	query_set(req, up->field->name, filename);
	return MULTIPART_OK;
}

static int
part_begin(void *data, const struct multipart_part *part)
{
	struct upload_state *up = data;
	const struct route *route = up->req->route;
	long long *count;

	up->field = NULL;
	up->file = NULL;
	up->fd = -1;
	up->text_len = 0;
	if (strcmp(part->name, "csrf") == 0) {
		count = &up->csrf_count;
		if (part->has_filename)
			return refuse(up, 400, "Error.BadForm");
	} else {
		up->field = route_field(route, part->name);
		if (up->field == NULL || up->field - route->fields >= FORM_FIELDS_MAX)
			return refuse(up, 400, "Error.BadForm");
		count = &up->counts[up->field - route->fields];
	}
	if (++*count > (up->field ? form_quota(up->field) : 1)) {
		if (up->field != NULL && up->field->kind == FIELD_UPLOAD)
			return refuse(up, 400, "Error.Upload.OneFile");
		return refuse(up, 400, up->field && up->field->kind == FIELD_IDS ?
		    "Error.Field.TooMany" : "Error.Field.Repeated");
	}
	if (up->field != NULL && (up->field->kind == FIELD_UPLOAD || part->has_filename))
		return file_begin(up, part);
	/* a text: as long as its field allows (4 bytes a character at most),
	 * and all texts together no longer than an urlencoded form may be */
	up->text_limit = up->field == NULL ? CSRF_PART_MAX
	    : up->field->max_length ? up->field->max_length * 4 : (size_t)up->req->app->max_body;
	if (up->text_limit > (size_t)up->req->app->max_body - up->text_total)
		up->text_limit = (size_t)up->req->app->max_body - up->text_total;
	return MULTIPART_OK;
}

/* Writes all of bytes to fd. Returns 0, or -1 with errno set. */
static int
write_all(int fd, const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, bytes, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		bytes += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
part_data(void *data, const char *bytes, size_t len)
{
	struct upload_state *up = data;

	if (up->file != NULL) {
		up->file->size += (long long)len;
		if (up->field->max > 0 && up->file->size > up->field->max)
			return refuse(up, 413, NULL);
		if (up->fd >= 0 && write_all(up->fd, bytes, len) != 0) {
			log_err("cannot write spool file %s: %s", up->file->path, strerror(errno));
			return refuse(up, 503, "Error.Upload.Spool");
		}
		return MULTIPART_OK;
	}
	if (len > up->text_limit - up->text_len)
		return refuse(up, 400, up->field ? "Error.Field.TooLong" : "Error.BadForm");
	if (up->text_len + len + 1 > up->text_cap) {
		size_t cap = up->text_len + len + 1 > 2 * up->text_cap ? up->text_len + len + 1
		    : 2 * up->text_cap;
		char *grown = realloc(up->text, cap);

		if (grown == NULL)
			return refuse(up, 500, NULL);
		up->text = grown;
		up->text_cap = cap;
	}
	memcpy(up->text + up->text_len, bytes, len);
	up->text_len += len;
	return MULTIPART_OK;
}

static int
part_end(void *data)
{
	struct upload_state *up = data;

	if (up->file != NULL) {
		size_t index = (size_t)(up->file - up->files);

		if (up->fd >= 0 && close(up->fd) != 0) {
			up->fds[index] = -1;
			log_err("cannot write spool file %s: %s", up->file->path, strerror(errno));
			return refuse(up, 503, "Error.Upload.Spool");
		}
		up->fds[index] = -1;
		up->fd = -1;
		return MULTIPART_OK;
	}
	if (up->text == NULL && (up->text = malloc(1)) == NULL)
		return refuse(up, 500, NULL);
	up->text[up->text_len] = '\0';
	/* a browser never sends a NUL in a text; a C string would cut it */
	if (strlen(up->text) != up->text_len)
		return refuse(up, 400, "Error.BadForm");
	up->text_total += up->text_len;
	query_set(up->req, up->field ? up->field->name : "csrf", up->text);
	return MULTIPART_OK;
}

static const struct multipart_callbacks callbacks = { part_begin, part_data, part_end };

/* Closes and deletes every spooled file that was not kept. */
static void
discard(struct upload_state *up)
{
	size_t i;

	for (i = 0; i < up->file_count; i++) {
		if (up->fds[i] >= 0)
			close(up->fds[i]);
		up->fds[i] = -1;
		if (up->files[i].path[0] != '\0' && !up->files[i].kept &&
		    unlink(up->files[i].path) != 0 && errno != ENOENT)
			log_err("cannot delete spool file %s: %s", up->files[i].path, strerror(errno));
		if (!up->files[i].kept)
			up->files[i].path[0] = '\0';
	}
}

/* The page for why the parse stopped. */
static int
parse_failed(struct request *req, int status)
{
	struct upload_state *up = req->uploads;

	discard(up);
	switch (status) {
	case UPLOAD_STOP:
		page_error(req, up->status, up->message);
		return up->status;
	case MULTIPART_TRUNCATED:
		page_error(req, 400, "Error.Upload.Truncated");
		return 400;
	default:
		page_error(req, 400, "Error.BadForm");
		return 400;
	}
}

int
upload_parse(struct request *req)
{
	const char *length = request_param(req, "CONTENT_LENGTH");
	long long limit = upload_body_limit(req, req->route), want = -1, got = 0;
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	struct upload_state *up;
	int status = MULTIPART_OK;
	size_t i;

	if (multipart_boundary(request_param(req, "CONTENT_TYPE"), boundary) != 0) {
		page_error(req, 400, "Error.BadForm");
		return 400;
	}
	if (length != NULL && *length != '\0') {
		if (strspn(length, "0123456789") != strlen(length)) {
			page_error(req, 400, "Error.BadForm");
			return 400;
		}
		if (strlen(length) > 15 || strtoll(length, NULL, 10) > limit) {
			page_error(req, 413, NULL);
			return 413;
		}
		want = strtoll(length, NULL, 10);
	}
	up = calloc(1, sizeof(*up));
	if (up == NULL || (up->buffer = malloc(UPLOAD_CHUNK)) == NULL) {
		free(up);
		page_error(req, 500, NULL);
		return 500;
	}
	req->uploads = up;
	up->req = req;
	up->fd = -1;
	for (i = 0; i < UPLOAD_FILES_MAX; i++)
		up->fds[i] = -1;
	multipart_init(&up->mp, boundary, &callbacks, up);
	/* without a length (a chunked body) up to its end, never past the limit */
	while (want < 0 || got < want) {
		int chunk = want >= 0 && want - got < UPLOAD_CHUNK ? (int)(want - got) : UPLOAD_CHUNK;
		int n = request_read(req, up->buffer, chunk);

		if (n <= 0)
			break;
		got += n;
		if (got > limit) {
			status = refuse(up, 413, NULL);
			break;
		}
		status = multipart_feed(&up->mp, up->buffer, (size_t)n);
		if (status != MULTIPART_OK)
			break;
	}
	if (status == MULTIPART_OK && want >= 0 && got != want)
		status = MULTIPART_TRUNCATED;	/* the client stopped short of its length */
	if (status == MULTIPART_OK)
		status = multipart_finish(&up->mp);
	free(up->buffer);
	up->buffer = NULL;
	free(up->text);
	up->text = NULL;
	return status == MULTIPART_OK ? 0 : parse_failed(req, status);
}

const struct upload *
request_upload(struct request *req, const struct field *field)
{
	/* the name as the door checked and trimmed it; NULL for a field that
	 * is not one of the route's (refused there) */
	const char *filename = request_field(req, field);
	struct upload_state *up = req->uploads;
	size_t i;

	if (filename == NULL || field->kind != FIELD_UPLOAD || up == NULL)
		return NULL;
	for (i = 0; i < up->file_count; i++) {
		struct upload *file = &up->files[i];

		if (strcmp(file->field, field->name) != 0 || file->path[0] == '\0')
			continue;
		file->filename = filename;
		return file;
	}
	return NULL;
}

int
request_upload_keep(struct request *req, const struct field *field, char *out, size_t size)
{
	struct upload *file = (struct upload *)request_upload(req, field);
	char dir[900], *base;

	if (file == NULL)
		return -1;
	/* kept already (a request run again after a lost connection): the
	 * same path again */
	if (file->kept)
		return (size_t)snprintf(out, size, "%s", file->path) < size ? 0 : -1;
	if (shop_folder(req, dir, sizeof(dir)) != 0)
		return -1;
	strncat(dir, "/kept", sizeof(dir) - strlen(dir) - 1);
	base = strrchr(file->path, '/');
	if (folder(dir, 0) != 0 || (size_t)snprintf(out, size, "%s%s", dir, base) >= size)
		return -1;
	if (rename(file->path, out) != 0) {
		log_err("cannot keep spool file %s: %s", file->path, strerror(errno));
		return -1;
	}
	snprintf(file->path, sizeof(file->path), "%s", out);
	file->kept = 1;
	return 0;
}

int
upload_kept_create(struct request *req, char *out, size_t size)
{
	unsigned char random[UPLOAD_NAME_BYTES];
	char dir[900], name[2 * UPLOAD_NAME_BYTES + 1];
	int fd;

	if (shop_folder(req, dir, sizeof(dir)) != 0)
		return -1;
	strncat(dir, "/kept", sizeof(dir) - strlen(dir) - 1);
	if (folder(dir, 0) != 0 || crypto_random(random, sizeof(random)) != 0)
		return -1;
	crypto_hex(random, sizeof(random), name);
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
		return -1;
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		log_err("cannot create spool file %s: %s", out, strerror(errno));
	return fd;
}

void
upload_end(struct request *req)
{
	struct upload_state *up = req->uploads;

	if (up == NULL)
		return;
	discard(up);
	free(up->buffer);
	free(up->text);
	free(up);
	req->uploads = NULL;
}

/* 1 when name is a spool file's: an upload's (the hex of
 * UPLOAD_NAME_BYTES) or an .xlsx being built (sheet_out.h's prefix and
 * mkstemp's six letters or digits). */
static int
spool_name(const char *name)
{
	static const char alnum[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t prefix = strlen(SHEET_OUT_FILE_PREFIX);

	if (strncmp(name, SHEET_OUT_FILE_PREFIX, prefix) == 0)
		return strlen(name + prefix) == 6 && strspn(name + prefix, alnum) == 6;
	return strlen(name) == 2 * UPLOAD_NAME_BYTES &&
	    strspn(name, "0123456789abcdef") == 2 * UPLOAD_NAME_BYTES;
}

/* Deletes the old spool files of one shop's folder (a descriptor of it,
 * which this closes). Returns how many. */
static long long
sweep_shop(int dir_fd, time_t before)
{
	DIR *dir = fdopendir(dir_fd);
	struct dirent *entry;
	long long count = 0;

	if (dir == NULL) {
		close(dir_fd);
		return 0;
	}
	while ((entry = readdir(dir)) != NULL) {
		struct stat st;

		if (!spool_name(entry->d_name) ||
		    fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_mtime >= before)
			continue;
		if (unlinkat(dir_fd, entry->d_name, 0) == 0)
			count++;
		else
			log_err("cannot delete spool file %s: %s", entry->d_name, strerror(errno));
	}
	closedir(dir);
	return count;
}

long long
upload_sweep(const char *spool_dir, long long max_age_seconds)
{
	DIR *spool = opendir(spool_dir);
	struct dirent *entry;
	time_t before = time(NULL) - (time_t)max_age_seconds;
	long long count = 0;

	if (spool == NULL) {
		if (errno == ENOENT)
			return 0;	/* nothing was ever uploaded */
		log_err("cannot read Spool.Dir %s: %s", spool_dir, strerror(errno));
		return -1;
	}
	while ((entry = readdir(spool)) != NULL) {
		int shop_fd;

		if (entry->d_name[0] == '\0' ||
		    strspn(entry->d_name, "0123456789") != strlen(entry->d_name))
			continue;
		shop_fd = openat(dirfd(spool), entry->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (shop_fd >= 0)
			count += sweep_shop(shop_fd, before);
	}
	closedir(spool);
	return count;
}

int
upload_shop_folder(struct request *req, char *out, size_t size)
{
	return shop_folder(req, out, size);
}
