/* srv_http.c - libmicrohttpd glue: the checks every request passes, the
 * dispatch to the API, and the headers every response carries.
 *
 * Order of the checks (each failure is answered at once, with the
 * security headers like any other response):
 *   1. the request target (srv_url.c): 400, 403 or 414;
 *   2. the Host header: 127.0.0.1:PORT or localhost:PORT, else 403 (DNS
 *      rebinding: a page of another site that resolves its own name to
 *      127.0.0.1 sends its own name as Host).  With --tunnel any Host;
 *   3. with --tunnel, the token: ?token=T (which also sets an HttpOnly
 *      SameSite=Strict cookie) or the cookie; else 403;
 *   4. POST and DELETE: Content-Type application/json and an Origin equal
 *      to the server's own (http://HOST), else 403: a cross-site form
 *      can neither set that content type nor forge Origin.
 */
#include "srv_i.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *const CSP =
	"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/* ---- errors ---------------------------------------------------------------- */

static const struct {
	int err;
	const char *name;
	unsigned status;
} errnos[] = {
	{ ENOENT, "ENOENT", 404 }, { ENOTDIR, "ENOTDIR", 404 },
	{ EISDIR, "EISDIR", 400 }, { EINVAL, "EINVAL", 400 },
	{ ERANGE, "ERANGE", 400 }, { EPERM, "EPERM", 403 },
	{ EACCES, "EACCES", 403 }, { EIO, "EIO", 422 },
	{ ESRCH, "ESRCH", 404 }, { EAGAIN, "EAGAIN", 503 },
	{ ENOSYS, "ENOSYS", 501 }, { EBADMSG, "EBADMSG", 500 },
	{ ENOMEM, "ENOMEM", 500 }, { EPROTO, "EPROTO", 500 },
	{ EFBIG, "EFBIG", 413 }, { ENAMETOOLONG, "ENAMETOOLONG", 414 },
};

static unsigned err_status(int err, const char **name)
{
	for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (errnos[i].err == -err) {
			*name = errnos[i].name;
			return errnos[i].status;
		}
	*name = "EIO";
	return 500;
}

static void reply_free(struct srv_reply *r)
{
	free(r->body);
	r->body = NULL;
	if (r->stream)
		MHD_destroy_response(r->stream);
	r->stream = NULL;
}

void srv_reply_bytes(struct srv_reply *r, const char *type, char *body, size_t len)
{
	reply_free(r);
	r->status = MHD_HTTP_OK;
	r->type = type;
	r->body = body;
	r->len = len;
}

/* The browser asks for /favicon.ico on every page: an empty answer (no
 * icon) instead of a 404 that it reports as an error in the console. */
void srv_reply_no_icon(struct srv_reply *r)
{
	reply_free(r);
	r->status = MHD_HTTP_NO_CONTENT;
	r->type = NULL;
	r->cache = "max-age=86400";
}

void srv_reply_json(struct srv_reply *r, unsigned status, struct json_object *obj)
{
	size_t len = 0;
	const char *text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	char *copy = text ? malloc(len + 1) : NULL;

	reply_free(r);
	if (!copy) {
		r->status = 500;
		r->type = "application/json";
		r->body = strdup("{\"error\":\"out of memory\",\"errno\":\"ENOMEM\"}");
		r->len = r->body ? strlen(r->body) : 0;
		return;
	}
	memcpy(copy, text, len + 1);
	r->status = status;
	r->type = "application/json";
	r->body = copy;
	r->len = len;
}

static void vreply_status(struct srv_reply *r, unsigned status, const char *errname,
			  const char *fmt, va_list ap)
{
	char msg[512];
	struct json_object *o = json_object_new_object();

	vsnprintf(msg, sizeof msg, fmt, ap);
	json_object_object_add(o, "error", json_object_new_string(msg));
	json_object_object_add(o, "errno", json_object_new_string(errname));
	srv_reply_json(r, status, o);
	json_object_put(o);
}

void srv_reply_status(struct srv_reply *r, unsigned status, const char *errname,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreply_status(r, status, errname, fmt, ap);
	va_end(ap);
}

void srv_reply_error(struct srv_reply *r, int err, const char *fmt, ...)
{
	const char *name;
	unsigned status = err_status(err, &name);
	va_list ap;

	va_start(ap, fmt);
	vreply_status(r, status, name, fmt, ap);
	va_end(ap);
}

struct hs_tree *srv_tree(struct hs_srv *s, struct srv_reply *r)
{
	struct hs_tree *t;
	char why[256];

	pthread_mutex_lock(&s->lock);
	t = s->tree;
	pthread_mutex_unlock(&s->lock);
	if (t)
		return t;
	srv_build_state(s, why, sizeof why); /* takes the tree when built */
	pthread_mutex_lock(&s->lock);
	t = s->tree;
	pthread_mutex_unlock(&s->lock);
	if (t)
		return t;
	srv_reply_status(r, 503, "EAGAIN", "the database is not ready: %s", why);
	return NULL;
}

/* ---- log ------------------------------------------------------------------------- */

/* srv_log() with the arguments in ap. */
static void srv_vlog(struct hs_srv *s, enum hs_srv_log_level lvl, const char *fmt, va_list ap)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (!s->o.log || lvl > s->o.log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pthread_mutex_lock(&s->log_lock);
	fprintf(s->o.log, "%s ", stamp);
	vfprintf(s->o.log, fmt, ap);
	fputc('\n', s->o.log);
	fflush(s->o.log);
	pthread_mutex_unlock(&s->log_lock);
}

void hs_srv_note(struct hs_srv *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	srv_vlog(s, HS_SRV_LOG_INFO, fmt, ap);
	va_end(ap);
}

void srv_log(struct hs_srv *s, enum hs_srv_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	srv_vlog(s, lvl, fmt, ap);
	va_end(ap);
}

/* ---- checks ----------------------------------------------------------------------- */

static bool host_ok(struct hs_srv *s, const char *host)
{
	char want[64];

	if (s->o.tunnel)
		return true;
	if (!host)
		return false;
	snprintf(want, sizeof want, "127.0.0.1:%u", s->port);
	if (strcmp(host, want) == 0)
		return true;
	snprintf(want, sizeof want, "localhost:%u", s->port);
	return strcasecmp(host, want) == 0;
}

/* Compares in constant time: the token must not leak through timing. */
static bool token_eq(const char *a, const char *b)
{
	size_t n = strlen(b);
	unsigned char d = 0;

	if (!a || strlen(a) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static bool origin_ok(struct hs_srv *s, const char *origin, const char *host)
{
	char want[SRV_PATH_MAX];

	if (!origin || !host)
		return false;
	snprintf(want, sizeof want, "http://%s", host);
	if (strcmp(origin, want) == 0)
		return true;
	/* behind a tunnel the browser may speak https to the proxy */
	snprintf(want, sizeof want, "https://%s", host);
	return s->o.tunnel && strcmp(origin, want) == 0;
}

static bool is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* ---- dispatch ---------------------------------------------------------------------- */

static bool is_get(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* path starts with prefix, followed by '/' or its end: the rest in *rest
 * ("" when none). */
static bool route(const char *path, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n) != 0 || (path[n] && path[n] != '/'))
		return false;
	*rest = path[n] ? path + n + 1 : "";
	return true;
}

void srv_dispatch(struct hs_srv *s, struct MHD_Connection *con, struct srv_req *req,
		  const char *method, struct srv_reply *r)
{
	const char *path = req->path, *rest;
	bool get = is_get(method);

	srv_search_want(s->search, srv_arg(req, "image"));
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
		if (get)
			return srv_asset(con, "index.html", r);
	} else if (route(path, "/assets", &rest)) {
		if (get)
			return srv_asset(con, rest, r); /* dist/X is served as /assets/X */
	} else if (strcmp(path, "/favicon.ico") == 0) {
		if (get)
			return srv_reply_no_icon(r);
	} else if (strcmp(path, "/api/info") == 0) {
		if (get)
			return srv_api_info(s, req, r);
	} else if (route(path, "/api/tree", &rest)) {
		if (get)
			return srv_api_tree(s, req, rest, r);
	} else if (route(path, "/api/link", &rest)) {
		if (get)
			return srv_api_link(s, req, rest, r);
	} else if (route(path, "/api/lines", &rest)) {
		if (get)
			return srv_api_lines(s, req, rest, r);
	} else if (strcmp(path, "/api/moment") == 0) {
		if (get)
			return srv_api_moment(s, req, r);
	} else if (strcmp(path, "/api/source") == 0) {
		if (get)
			return srv_api_source(s, req, r);
	} else if (strcmp(path, "/api/eval") == 0) {
		if (get)
			return srv_api_eval(s, req, r);
	} else if (strcmp(path, "/api/origin") == 0) {
		if (get)
			return srv_api_origin(s, req, r);
	} else if (strcmp(path, "/api/search") == 0) {
		if (get)
			return srv_api_search(s, req, r);
	} else if (strcmp(path, "/api/calls") == 0) {
		if (get)
			return srv_api_calls(s, req, r);
	} else if (strcmp(path, "/api/line-runs") == 0) {
		if (get)
			return srv_api_line_runs(s, req, r);
	} else if (strcmp(path, "/api/procs") == 0) {
		if (get)
			return srv_api_procs(s, req, r);
	} else if (strcmp(path, "/api/heap") == 0) {
		if (get)
			return srv_api_heap(s, req, r);
	} else if (strcmp(path, "/api/events") == 0) {
		if (get)
			return srv_api_events(s, r);
	} else if (strcmp(path, "/api/notes") == 0) {
		if (get || strcmp(method, "POST") == 0)
			return srv_api_notes(s, req, method, NULL, r);
		r->allow = "GET, HEAD, POST";
	} else if (route(path, "/api/notes", &rest) && *rest && !strchr(rest, '/')) {
		if (strcmp(method, "DELETE") == 0)
			return srv_api_notes(s, req, method, rest, r);
		r->allow = "DELETE";
	} else {
		return srv_reply_status(r, 404, "ENOENT", "no such page: %s", path);
	}
	if (!r->allow)
		r->allow = "GET, HEAD";
	srv_reply_status(r, 405, "EINVAL", "method %s not allowed here", method);
}

static enum MHD_Result send_reply(struct hs_srv *s, struct MHD_Connection *con,
				  struct srv_req *req, struct srv_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char cookie[128];

	if (r->stream) {
		resp = r->stream;
		r->stream = NULL;
	} else {
		resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : (char *)"",
						       r->body ? MHD_RESPMEM_MUST_FREE
							       : MHD_RESPMEM_PERSISTENT);
		if (!resp) {
			reply_free(r);
			return MHD_NO;
		}
		r->body = NULL;
	}
	if (r->type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cache-Control", r->cache ? r->cache : "no-store");
	if (r->encoding)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, r->encoding);
	if (r->vary_encoding)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (r->allow)
		MHD_add_response_header(resp, "Allow", r->allow);
	if (r->retry_after)
		MHD_add_response_header(resp, "Retry-After", r->retry_after);
	if (__atomic_load_n(&s->handing_over, __ATOMIC_ACQUIRE))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (req->token_from_query) {
		snprintf(cookie, sizeof cookie,
			 "hs_token=%s; Path=/; HttpOnly; SameSite=Strict", s->token);
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	}
	ret = MHD_queue_response(con, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct header_facts {
	unsigned hosts;
	size_t bytes;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	struct header_facts *h = cls;

	if (key && strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		h->hosts++;
	h->bytes += (key ? strlen(key) : 0) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* How many Host headers (two: which one a proxy in front of us took is
 * unknown) and how many bytes of headers. */
static struct header_facts header_facts(struct MHD_Connection *con)
{
	struct header_facts h = { 0, 0 };

	MHD_get_connection_values(con, MHD_HEADER_KIND, count_header, &h);
	return h;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct hs_srv *s = cls;
	struct srv_req *req = *con_cls;
	struct srv_reply r = { .status = 200 };
	const char *host, *why = NULL;
	unsigned status = 0;
	struct header_facts hf;

	if (!req)
		return MHD_NO;
	if (!req->started) {
		req->started = true;
		srv_watch_headers(con);
		srv_url_parse(req);
		return MHD_YES;
	}
	if (*upload_size) {
		/* keep reading, but drop what is past the cap */
		if (!req->body_too_big && req->body_len + *upload_size <= SRV_BODY_MAX) {
			char *nb = realloc(req->body, req->body_len + *upload_size + 1);

			if (nb) {
				memcpy(nb + req->body_len, upload, *upload_size);
				req->body = nb;
				req->body_len += *upload_size;
				nb[req->body_len] = 0;
			} else {
				req->body_too_big = true;
			}
		} else {
			req->body_too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	hf = header_facts(con);
	if (req->url_err) {
		status = (unsigned)req->url_err;
		why = req->url_why;
	} else if (hf.bytes > SRV_HEADERS_MAX) {
		status = 431;
		why = "the request's header fields are too large";
	} else if (hf.hosts > 1) {
		status = 400;
		why = "more than one Host header";
	} else if (!host_ok(s, host)) {
		status = 403;
		why = "the Host header is not this server's address";
	} else if (s->o.tunnel) {
		const char *qt = srv_arg(req, "token");
		const char *ct = MHD_lookup_connection_value(con, MHD_COOKIE_KIND, "hs_token");

		if (qt && token_eq(qt, s->token))
			req->token_from_query = true;
		else if (!token_eq(ct, s->token)) {
			status = 403;
			why = "a valid access token is required (?token=...)";
		}
	}
	if (!status && !is_get(method)) {
		const char *ct = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_TYPE);
		const char *origin = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin");

		/* the playground's scripts (curl) send no Origin; a browser
		 * always does on a POST, so a foreign page is still refused */
		if (!origin_ok(s, origin, host) && !(s->play && !origin)) {
			status = 403;
			why = "the Origin header is not this server's origin";
		} else if (!is_json_type(ct)) {
			status = 403;
			why = "the Content-Type must be application/json";
		} else if (req->body_too_big) {
			status = 413;
			why = "the request body is too big";
		}
	}
	if (status) {
		srv_log(s, HS_SRV_LOG_DEBUG, "rejected %s %.200s: %s", method,
			req->shown ? req->shown : "?", why);
		srv_reply_status(&r, status, status == 400 ? "EINVAL" :
				 status == 414 || status == 413 || status == 431 ? "E2BIG" : "EACCES",
				 "%s", why);
	} else if (s->play) {
		srv_play_dispatch(s, con, req, method, &r);
	} else {
		srv_dispatch(s, con, req, method, &r);
	}
	req->status = r.status;
	if (r.status >= 500)
		srv_log(s, HS_SRV_LOG_ERROR, "%s %.200s: %u %.*s", method, req->shown ? req->shown : "?", r.status,
			r.body ? (int)(r.len < 300 ? r.len : 300) : 0, r.body ? r.body : "");
	return send_reply(s, con, req, &r);
}

/* Whether the query argument name n (len bytes, percent-encoded as sent)
 * decodes to "token", the way srv_url_parse() will decode it. */
static bool names_token(const char *n, size_t len)
{
	static const char want[] = "token";
	size_t k = 0;

	for (size_t i = 0; i < len; i++, k++) {
		int c = (unsigned char)n[i];

		if (c == '%' && i + 2 < len && isxdigit((unsigned char)n[i + 1]) &&
		    isxdigit((unsigned char)n[i + 2])) {
			char hex[3] = { n[i + 1], n[i + 2], 0 };

			c = (int)strtol(hex, NULL, 16);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (k >= sizeof(want) - 1 || tolower(c) != want[k])
			return false;
	}
	return k == sizeof(want) - 1;
}

/* The request target as logs show it: the value of every argument named
 * token (however it is spelt or cased) replaced by "*", so a log file never holds
 * the --tunnel secret. */
static char *target_for_log(const char *raw)
{
	char *out = strdup(raw), *p;

	if (!out || !(p = strchr(out, '?')))
		return out;
	for (p++; *p; ) {
		size_t arg = strcspn(p, "&#"), name = strcspn(p, "=&#");

		if (name < arg && names_token(p, name) && arg > name + 1) {
			char *v = p + name + 1;

			*v = '*';
			memmove(v + 1, p + arg, strlen(p + arg) + 1);
			arg = name + 2;
		}
		if (p[arg] != '&')
			break;
		p += arg + 1;
	}
	return out;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct hs_srv *s = cls;
	struct srv_req *req = calloc(1, sizeof(*req));

	if (!req)
		return NULL;
	__atomic_add_fetch(&s->in_flight, 1, __ATOMIC_ACQ_REL);
	req->raw = strdup(uri ? uri : "");
	req->shown = target_for_log(uri ? uri : "");
	clock_gettime(CLOCK_MONOTONIC, &req->t0);
	return req;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct hs_srv *s = cls;
	struct srv_req *req = *con_cls;
	struct timespec t1;

	if (!req)
		return;
	__atomic_sub_fetch(&s->in_flight, 1, __ATOMIC_ACQ_REL);
	srv_watch_next(con);
	if (req->started) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		char addr[INET6_ADDRSTRLEN] = "?";

		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr,
				  addr, sizeof addr);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		srv_log(s, HS_SRV_LOG_INFO, "%s \"%.300s\" %u %.3f ms%s", addr, req->shown ? req->shown : "?",
			req->status,
			(double)(t1.tv_sec - req->t0.tv_sec) * 1e3 +
				(double)(t1.tv_nsec - req->t0.tv_nsec) / 1e6,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (cut short)");
	}
	free(req->raw);
	free(req->shown);
	free(req->path);
	free(req->query);
	free(req->body);
	free(req);
	*con_cls = NULL;
}

/* ---- start / stop ------------------------------------------------------------------- */

int hs_srv_make_token(char out[33])
{
	uint8_t b[16];
	size_t got = 0;

	while (got < sizeof b) {
		ssize_t n = getrandom(b + got, sizeof b - got, 0);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static void set_err(struct hs_srv_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_err(struct hs_srv_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

static bool srv_has_db(const char *trace)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/db", trace);
	return access(path, F_OK) == 0;
}

static int listen_addr(const struct hs_srv_opts *o, struct sockaddr_in *sa,
		       struct hs_srv_err *err)
{
	const char *a = o->tunnel && o->tunnel_addr ? o->tunnel_addr : NULL;

	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons(o->tunnel ? o->tunnel_port : o->port);
	if (!o->tunnel)
		a = "127.0.0.1";
	else if (!a)
		a = "0.0.0.0";
	if (inet_pton(AF_INET, a, &sa->sin_addr) != 1) {
		set_err(err, "%s is not an IPv4 address", a);
		return -EINVAL;
	}
	return 0;
}

int hs_srv_listen_socket(const struct hs_srv_opts *opts, int *fd, uint16_t *port,
			 struct hs_srv_err *err)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int one = 1, s, e = listen_addr(opts, &sa, err);

	*fd = -1;
	if (e < 0)
		return e;
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0) {
		e = -errno;
		set_err(err, "cannot make a socket: %s", strerror(-e));
		return e;
	}
	/* as libmicrohttpd does with an address: a restarted server may bind
	 * while the last one's connections linger in TIME_WAIT */
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(s, (const struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(s, SOMAXCONN) < 0 || getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		e = errno == EADDRINUSE ? -EADDRINUSE : -errno;
		set_err(err, "cannot listen on %s:%u: %s", inet_ntoa(sa.sin_addr),
			ntohs(sa.sin_port), strerror(-e));
		close(s);
		return e;
	}
	*fd = s;
	*port = ntohs(sa.sin_port);
	return 0;
}

void srv_tree_options(const struct hs_srv_opts *o, struct hs_tree_options *out)
{
	memset(out, 0, sizeof(*out));
	out->cache_bytes = o->cache_bytes;
	out->source_dirs = o->source_dirs;
	out->n_source_dirs = o->n_source_dirs;
}

/* One thread per connection, and a cap on them: memory stays bounded
 * and a blocking SSE stream does not hold up other requests. */
int srv_listen(struct hs_srv *s, struct hs_srv_err *err)
{
	const union MHD_DaemonInfo *di;
	struct sockaddr_in sa_buf, *sa = &sa_buf;
	int e = listen_addr(&s->o, sa, err);

	if (e < 0)
		return e;
	e = srv_watch_new(&s->watch);
	if (e < 0) {
		set_err(err, "cannot start a thread: %s", strerror(-e));
		return e;
	}
	/* One thread per connection, and a cap on them: memory stays bounded
	 * and a blocking SSE stream does not hold up other requests.  poll(),
	 * not select(): descriptors past 1024 (a recording of many processes
	 * keeps many files open).  A client may hold at most half of the
	 * connections, and the headers of each request have a deadline
	 * (srv_watch.c), so slow clients cannot starve the others. */
	if (s->o.use_listen_fd) {
		/* known before the first request: connections that waited in
		 * the socket's queue come at once (host_ok reads the port) */
		socklen_t len = sizeof sa_buf;

		if (getsockname(s->o.listen_fd, (struct sockaddr *)&sa_buf, &len) < 0) {
			e = -errno;
			set_err(err, "the socket given: %s", strerror(-e));
			return e;
		}
		s->port = ntohs(sa_buf.sin_port);
	}
	/* where: the address, or the socket serve's supervisor listens on */
	struct MHD_OptionItem where[] = {
		s->o.use_listen_fd
			? (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, s->o.listen_fd, NULL }
			: (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, sa },
		{ MHD_OPTION_END, 0, NULL },
	};

	s->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
					  MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG |
					  MHD_USE_ITC,
				  0, NULL, NULL, on_request, s,
				  MHD_OPTION_ARRAY, where,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)HS_SRV_MAX_CONNECTIONS,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				  (unsigned)HS_SRV_MAX_CONNECTIONS / 2,
				  MHD_OPTION_NOTIFY_CONNECTION, srv_watch_notify, s->watch,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				  /* room for SRV_HEADERS_MAX and more: a bigger
				   * header block gets our 431 (with the security
				   * headers), only a huge one MHD's own */
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256u << 10),
				  MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				  MHD_OPTION_END);
	if (!s->mhd) {
		e = -EADDRINUSE;
		set_err(err, "cannot listen on %s:%u (in use?)", inet_ntoa(sa->sin_addr),
			ntohs(sa->sin_port));
		return e;
	}
	if (!s->o.use_listen_fd) {
		di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
		s->port = di ? di->port : ntohs(sa->sin_port);
	}
	return 0;
}

int srv_open(const struct hs_srv_opts *opts, bool listen, struct hs_srv **out,
	     struct hs_srv_err *err)
{
	struct hs_tree_options topt;
	struct hs_srv *s;
	char why[256] = "";
	int e;

	*out = NULL;
	if (err)
		err->msg[0] = 0;
	if (!opts->trace_dir) {
		set_err(err, "no trace folder");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = *opts;
	srv_tree_options(opts, &topt);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->log_lock, NULL);
	s->trace = realpath(opts->trace_dir, NULL);
	if (!s->trace) {
		e = -errno;
		set_err(err, "%s: %s", opts->trace_dir, strerror(errno));
		goto out_free;
	}
	if (opts->storage_dir) {
		s->storage = strdup(opts->storage_dir);
	} else if (asprintf(&s->storage, "%s/notebook", s->trace) < 0) {
		s->storage = NULL;
	}
	if (!s->storage) {
		e = -ENOMEM;
		goto out_free;
	}
	if (opts->tunnel && opts->token) {
		if (strlen(opts->token) != sizeof(s->token) - 1) {
			set_err(err, "the access token is not 32 hex digits");
			e = -EINVAL;
			goto out_free;
		}
		memcpy(s->token, opts->token, sizeof(s->token));
	} else if (opts->tunnel) {
		e = hs_srv_make_token(s->token);
		if (e < 0) {
			set_err(err, "cannot make an access token: %s", strerror(-e));
			goto out_free;
		}
	}
	e = srv_notes_open(s->storage, &s->notes, why, sizeof why);
	if (e < 0) {
		set_err(err, "%s", why);
		goto out_free;
	}
	e = srv_lines_new(&s->lines);
	if (e == 0)
		e = srv_search_new(&s->search);
	if (e < 0)
		goto out_free;
	/* no database yet: build it (without the query library's line that
	 * says to run hindsight build), once confined */
	e = srv_has_db(s->trace) ? hs_tree_open_opts(s->trace, &topt, &s->tree) : -ENOENT;
	if (e < 0 && e != -ENOENT) {
		set_err(err, "%s: cannot open its database: %s", opts->trace_dir, strerror(-e));
		goto out_free;
	}
	if (opts->before_threads) {
		/* the recording is written only by its build: a server of a
		 * built one writes only its notebook (and spill files) */
		const char *dirs[] = { s->storage, s->trace };
		struct hs_srv_confine c = { dirs, s->tree ? 1 : 2, s->trace, s->tree };

		e = opts->before_threads(opts->before_threads_ctx, &c);
		if (e < 0) {
			set_err(err, "cannot confine the server: %s", strerror(-e));
			goto out_free;
		}
	}
	if (!s->tree) {
		e = srv_build_start(s);
		if (e < 0) {
			set_err(err, "%s is not a recording (no procs folder) and has no database",
				opts->trace_dir);
			goto out_free;
		}
	}
	if (listen) {
		e = srv_listen(s, err);
		if (e < 0)
			goto out_free;
		srv_search_warm(s->search, s->tree); /* NULL while it builds: none */
	}
	*out = s;
	return 0;
out_free:
	hs_srv_stop(s);
	return e;
}

int hs_srv_start(const struct hs_srv_opts *opts, struct hs_srv **out,
		 struct hs_srv_err *err)
{
	return srv_open(opts, true, out, err);
}

uint16_t hs_srv_port(const struct hs_srv *srv)
{
	return srv->port;
}

const char *hs_srv_token(const struct hs_srv *srv)
{
	return srv->token[0] ? srv->token : NULL;
}

void hs_srv_handover(struct hs_srv *s)
{
	MHD_socket fd;

	if (!s || !s->mhd)
		return;
	/* MHD stops polling the socket; it no longer closes it either:
	 * hs_srv_stop does, once the daemon is stopped */
	fd = MHD_quiesce_daemon(s->mhd);
	if (fd != MHD_INVALID_SOCKET)
		s->quiesced_fd = fd;
	__atomic_store_n(&s->handing_over, 1, __ATOMIC_RELEASE);
	srv_build_handover(s);
	/* the requests in progress finish here (their connections then
	 * close); hs_srv_stop closes the idle ones, whose clients reconnect
	 * to the next server.  Seen idle twice: one just accepted has its
	 * request line on the way. */
	for (int i = 0, idle = 0; i < 300 && idle < 2; i++) {
		idle = __atomic_load_n(&s->in_flight, __ATOMIC_ACQUIRE) ? 0 : idle + 1;
		if (idle < 2)
			usleep(10000);
	}
}

void hs_srv_stop(struct hs_srv *s)
{
	if (!s)
		return;
	s->stopping = 1;
	srv_build_release(s); /* wakes the event streams */
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	if (s->quiesced_fd > 0)
		close(s->quiesced_fd);
	srv_watch_free(s->watch);
	srv_play_release(s); /* the playground's recordings, once no request runs */
	srv_build_free(s);
	srv_procs_free(s);
	srv_heap_free(s);
	srv_search_stop(s->search); /* its warm-up reads the tree */
	hs_tree_close(s->tree);
	srv_lines_free(s->lines);
	srv_search_free(s->search);
	srv_notes_free(s->notes);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->log_lock);
	free(s->trace);
	free(s->storage);
	free(s);
}
