/* srv_assets.c - the web UI's static files, embedded at build time.
 *
 * scripts/embed-assets.sh turns every file under server/ui/dist into a
 * byte array in build/gen/srv_assets_data.c, so the binary serves the UI
 * without npm and without reading any file at run time.  Before the UI
 * bundle exists, "/" answers a small page that says so.
 */
#include "srv_i.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char fallback[] =
	"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Hindsight</title></head>\n"
	"<body><h1>Hindsight</h1>\n"
	"<p>This binary was built without the web UI bundle (server/ui/dist).</p>\n"
	"<p>The API answers: <a href=\"/api/info\">/api/info</a>, "
	"<a href=\"/api/tree/\">/api/tree/</a>.</p>\n</body></html>\n";

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".map", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

static const char *type_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t e = strlen(types[i].ext);

		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* Whether the request's Accept-Encoding takes gzip: "gzip" is listed
 * without a weight of 0 ("gzip;q=0" refuses it). */
static bool accepts_gzip(struct MHD_Connection *con)
{
	const char *ae = con ? MHD_lookup_connection_value(con, MHD_HEADER_KIND,
							   MHD_HTTP_HEADER_ACCEPT_ENCODING) : NULL;
	const char *g = ae ? strstr(ae, "gzip") : NULL;
	const char *q;

	if (!g)
		return false;
	q = g + 4 + strspn(g + 4, " ");
	if (*q != ';')
		return true;
	q += 1 + strspn(q + 1, " ");
	return strncmp(q, "q=", 2) != 0 || strtod(q + 2, NULL) > 0;
}

void srv_asset(struct MHD_Connection *con, const char *name, struct srv_reply *r)
{
	char *body;

	for (size_t i = 0; i < srv_asset_count; i++) {
		const struct srv_asset_file *f = &srv_asset_files[i];
		bool gz = f->gz && accepts_gzip(con);
		size_t len = gz ? f->gz_len : f->len;

		if (strcmp(f->name, name) != 0)
			continue;
		body = malloc(len + 1);
		if (!body)
			return srv_reply_status(r, 500, "ENOMEM", "out of memory");
		memcpy(body, gz ? f->gz : f->data, len);
		srv_reply_bytes(r, type_of(name), body, len);
		r->cache = "no-cache";
		r->encoding = gz ? "gzip" : NULL;
		r->vary_encoding = f->gz != NULL;
		return;
	}
	if (strcmp(name, "index.html") == 0) {
		body = strdup(fallback);
		if (!body)
			return srv_reply_status(r, 500, "ENOMEM", "out of memory");
		srv_reply_bytes(r, "text/html; charset=utf-8", body, strlen(body));
		return;
	}
	srv_reply_status(r, 404, "ENOENT", "no such file: /%s", name);
}
