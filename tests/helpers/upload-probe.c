/*
 * A test-only web program for tests/web/test_upload.py and bench/upload:
 * one upload page served by the real core (app_main, the door, the spool),
 * as the import program's will be. Its handler answers with what it got:
 * the text field, the file's name, size, type and SHA-256 as read back from
 * the spool, and where the file went when the form asked to keep it.
 *
 *   GET  /admin/probe/upload   the form (csrf first, a note, a file, keep)
 *   POST /admin/probe/upload   ROUTE_UPLOAD: the answer, as a page
 *
 * Not installed: built by "make check" (check_PROGRAMS) and served by the
 * test's own stack through an extra nginx location.
 */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../../fcgi/lib/app.h"
#include "../../fcgi/lib/crypto.h"
#include "../../fcgi/lib/page.h"
#include "../../fcgi/lib/upload.h"
#include "../../fcgi/site.h"

/* the page, from the source tree's tests/helpers (Paths.Data is the
 * source tree in the test stack) */
#define PROBE_TEMPLATE "../tests/helpers/upload-probe.cs"

enum probe_field { PROBE_NOTE, PROBE_FILE, PROBE_KEEP, PROBE__MAX };

static const struct field probe_fields[PROBE__MAX + 1] = {
	[PROBE_NOTE] = { "note", FIELD_TEXT, 0, 100, 0, 0, NULL },
	[PROBE_FILE] = { "file", FIELD_UPLOAD, 1, 0, 0, 0, NULL },
	[PROBE_KEEP] = { "keep", FIELD_INT, 0, 0, 0, 1, NULL },
};

/* The SHA-256 of a file, in hex, read as the import job will read it.
 * Returns 0 or -1. */
static int
file_sha256(const char *path, char *hex)
{
	unsigned char buf[65536], digest[CRYPTO_HASH_BYTES];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		if (fd >= 0)
			close(fd);
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	close(fd);
	EVP_DigestFinal_ex(ctx, digest, &len);
	EVP_MD_CTX_free(ctx);
	if (n < 0)
		return -1;
	crypto_hex(digest, sizeof(digest), hex);
	return 0;
}

static void
probe_form(struct request *req)
{
	page_render(req, 200, PROBE_TEMPLATE);
}

static void
probe_upload(struct request *req)
{
	const struct upload *file = request_upload(req, &probe_fields[PROBE_FILE]);
	const char *note = request_field(req, &probe_fields[PROBE_NOTE]);
	char hex[2 * CRYPTO_HASH_BYTES + 1], kept[1100];

	hdf_set_value(req->hdf, "Probe.Answered", "1");
	hdf_set_value(req->hdf, "Probe.Note", note ? note : "");
	if (file == NULL) {
		hdf_set_value(req->hdf, "Probe.File", "none");
		page_render(req, 200, PROBE_TEMPLATE);
		return;
	}
	hdf_set_value(req->hdf, "Probe.File", "yes");
	hdf_set_value(req->hdf, "Probe.FileName", file->filename);
	hdf_set_valuef(req->hdf, "Probe.Size=%lld", file->size);
	hdf_set_value(req->hdf, "Probe.ContentType", file->content_type);
	hdf_set_value(req->hdf, "Probe.Sha256", file_sha256(file->path, hex) == 0 ? hex : "unreadable");
	if (request_field_int(req, &probe_fields[PROBE_KEEP], 0) == 1) {
		if (request_upload_keep(req, &probe_fields[PROBE_FILE], kept, sizeof(kept)) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		hdf_set_value(req->hdf, "Probe.Kept", kept);
	} else
		hdf_set_value(req->hdf, "Probe.Kept", "no");
	page_render(req, 200, PROBE_TEMPLATE);
}

static const struct route routes[] = {
	{ "GET", "/admin/probe/upload", ACCESS_ADMIN, NULL, probe_form, NULL, 0 },
	{ "POST", "/admin/probe/upload", ACCESS_ADMIN, probe_fields, probe_upload, NULL, ROUTE_UPLOAD },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "upload-probe",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.areas = site_areas,
		.nav = site_nav,
	};

	return app_main(&app, argc, argv);
}
