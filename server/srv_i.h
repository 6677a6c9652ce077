/* srv_i.h - private to server/: the server's state and its parts.
 *
 *   srv_http.c    libmicrohttpd: start/stop, the checks every request
 *                 passes (Host, token, Origin), dispatch, responses, log
 *   srv_url.c     the raw request target: decoded once, checked
 *   srv_api.c     /api/info, tree, link, moment, origin
 *   srv_procs.c   /api/procs: the process images as a tree (fork, exec)
 *   srv_heap.c    /api/heap: malloc/free history of an address
 *   srv_eval.c    /api/eval (C expressions, the variables tree)
 *   srv_lines.c   /api/lines and its per-file line index cache
 *   srv_search.c  /api/search and its per-image name lists
 *   srv_calls.c   /api/calls and /api/line-runs (paged, with values)
 *   srv_notes.c   /api/notes and TRACE/notebook/notes.json
 *   srv_build.c   the background database build and /api/events (SSE)
 *   srv_assets.c  the embedded UI files (generated table: build/gen/)
 *   srv_play*.c   `hindsight playground`: the editor, POST /api/run, the
 *                 sandbox, and /t/<id>/ (one hs_srv per recording, no
 *                 socket of its own, dispatched to from the playground's)
 *
 * Locking: s->lock guards the build state and the tree pointer (set once
 * when the build ends); the notebook and the line cache have their own
 * locks.  The tree itself is thread-safe (tree.h).
 */
#ifndef HS_SRV_I_H
#define HS_SRV_I_H

#include "hindsight/server.h"
#include "hindsight/tree.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRV_PATH_MAX 4096
#define SRV_BODY_MAX (64u << 10)
/* Header fields (names, values) of one request: more is our own 431.  MHD's
 * memory per connection (256 KiB) leaves room for them and the body's
 * buffer; only a header block past that gets MHD's bare 431. */
#define SRV_HEADERS_MAX (32u << 10)
#define SRV_READ_CAP (1u << 20)
#define SRV_MAX_ARGS 16

struct json_object;
struct srv_build; /* srv_build.c */
struct srv_notes; /* srv_notes.c */
struct srv_lines; /* srv_lines.c */
struct srv_play;  /* srv_play.c */
struct srv_search; /* srv_search.c */
struct srv_procs; /* srv_procs.c */
struct srv_heap;  /* srv_heap.c */

struct hs_srv {
	struct hs_srv_opts o;
	char *trace;             /* absolute path */
	char *storage;           /* notebook folder */
	struct MHD_Daemon *mhd;
	uint16_t port;
	char token[33];          /* "" without --tunnel */
	int quiesced_fd;         /* the listening socket after hs_srv_handover (0: none) */
	int in_flight;           /* requests begun and not completed (__atomic) */
	int handing_over;        /* hs_srv_handover: replies say Connection: close */
	pthread_mutex_t lock;
	pthread_mutex_t log_lock;
	struct hs_tree *tree;    /* NULL until the database is there */
	struct srv_build *build; /* NULL when it was built already */
	struct srv_notes *notes;
	struct srv_lines *lines;
	struct srv_search *search; /* /api/search's name lists */
	struct srv_play *play;   /* the playground's own server: NULL otherwise */
	volatile int stopping;
	struct srv_watch *watch; /* header deadlines (srv_watch.c) */
	struct srv_procs *procs; /* /api/procs, made once (srv_procs.c) */
	struct srv_heap *heap;   /* /api/heap's index per image (srv_heap.c) */
};

/* One request: the decoded path and query arguments, and the body of a
 * POST (at most SRV_BODY_MAX bytes). */
struct srv_arg {
	char *name, *value;      /* into req->query (decoded in place) */
};

struct srv_req {
	char *raw;               /* the request target as sent (malloc) */
	char *shown;             /* raw for the log: the access token hidden (malloc) */
	char *path;              /* decoded path, no query (malloc) */
	char *query;             /* the query string, decoded per argument */
	struct srv_arg args[SRV_MAX_ARGS];
	int n_args;
	int url_err;             /* from srv_url_parse: 0 or an HTTP status */
	const char *url_why;
	char *body;
	size_t body_len;
	bool body_too_big;
	bool started;
	bool token_from_query;   /* set the cookie on the response */
	unsigned status;         /* for the log */
	struct timespec t0;
};

/* A response under construction: the body (malloc) or a callback
 * response, and the status.  srv_reply_* fill it; srv_http sends it with
 * the security headers. */
struct srv_reply {
	unsigned status;
	const char *type;        /* Content-Type; NULL: none (204) */
	char *body;              /* owned; freed after sending */
	size_t len;
	struct MHD_Response *stream; /* instead of body: a callback response */
	const char *cache;       /* Cache-Control; NULL: no-store */
	const char *allow;       /* Allow header for 405 */
	const char *retry_after; /* Retry-After header (503 of a full queue) */
	const char *encoding;    /* Content-Encoding (an asset's gzip copy) */
	bool vary_encoding;      /* Vary: Accept-Encoding */
};

/* ---- srv_url.c ---- */
/* Splits and decodes req->raw into path and args.  Sets req->url_err (an
 * HTTP status) and req->url_why when the target is malformed (400), too
 * long (414) or tries to leave the tree (403: "..", ".", an encoded "/",
 * NUL, invalid or overlong UTF-8). */
void srv_url_parse(struct srv_req *req);
/* The decoded value of query argument name, or NULL. */
const char *srv_arg(const struct srv_req *req, const char *name);
/* Parses a decimal or 0x hex unsigned number: 0 or -EINVAL. */
int srv_parse_u64(const char *s, uint64_t *out);

/* ---- srv_http.c: replies ---- */
void srv_reply_json(struct srv_reply *r, unsigned status, struct json_object *obj);
void srv_reply_error(struct srv_reply *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void srv_reply_status(struct srv_reply *r, unsigned status, const char *errname,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void srv_reply_bytes(struct srv_reply *r, const char *type, char *body, size_t len);
void srv_reply_no_icon(struct srv_reply *r); /* 204 for /favicon.ico */
void srv_log(struct hs_srv *s, enum hs_srv_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The tree when the database is ready; else replies 503 and gives NULL. */
struct hs_tree *srv_tree(struct hs_srv *s, struct srv_reply *r);

/* The routes of `serve` (srv_http.c). */
void srv_dispatch(struct hs_srv *s, struct MHD_Connection *con, struct srv_req *req,
		  const char *method, struct srv_reply *r);
/* hs_srv_start without (listen false) or with the socket; srv_listen
 * starts libmicrohttpd on s->o's address, once the checks can run. */
int srv_open(const struct hs_srv_opts *opts, bool listen, struct hs_srv **out,
	     struct hs_srv_err *err);
struct hs_srv_err;
int srv_listen(struct hs_srv *s, struct hs_srv_err *err);

/* ---- srv_play.c ---- */
/* The playground's routes (/, /api/run, /t/<id>/...), instead of srv_dispatch. */
void srv_play_dispatch(struct hs_srv *s, struct MHD_Connection *con, struct srv_req *req,
		       const char *method, struct srv_reply *r);
/* Frees the playground's state (no-op when s->play is NULL). */
void srv_play_release(struct hs_srv *s);

/* ---- srv_api.c ---- */
void srv_api_info(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
void srv_api_tree(struct hs_srv *s, struct srv_req *req, const char *path,
		  struct srv_reply *r);
void srv_api_link(struct hs_srv *s, struct srv_req *req, const char *path,
		  struct srv_reply *r);
void srv_api_moment(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
void srv_api_origin(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
void srv_api_source(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);

/* ---- srv_eval.c ---- */
void srv_api_eval(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
/* The canonical tree path (no link, ".", "..") of path, following links in
 * every component, the last one too when follow_last. */
int srv_canonical(struct hs_tree *tree, const char *path, bool follow_last, char *out,
		  size_t cap);
/* The text of the file at path (links followed), at most cap bytes,
 * NUL-terminated; caller frees *out. */
int srv_read_text(struct hs_tree *tree, const char *path, size_t cap, char **out,
		  size_t *len);

/* ---- srv_procs.c: /api/procs, every process image as a tree ---- */
void srv_api_procs(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
void srv_procs_free(struct hs_srv *s);
/* The tree prefix of the request's image=I ("" for the first image,
 * "processes/<name>/" else) and I: -EINVAL, -ENOENT past the last. */
int srv_image_path(struct hs_tree *tree, const struct srv_req *req, char *buf, size_t cap,
		   size_t *index);

/* ---- srv_heap.c: /api/heap, the heap blocks that held an address ---- */
void srv_api_heap(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
void srv_heap_free(struct hs_srv *s);

/* ---- srv_lines.c ---- */
int srv_lines_new(struct srv_lines **out);
void srv_lines_free(struct srv_lines *l);
void srv_api_lines(struct hs_srv *s, struct srv_req *req, const char *path,
		   struct srv_reply *r);

/* ---- srv_search.c, srv_calls.c ---- */
int srv_search_new(struct srv_search **out);
void srv_search_free(struct srv_search *x); /* accepts NULL */
/* Builds image 0's name list in a thread of its own, a little after the
 * start (the first search then answers at once); tree must outlive it:
 * srv_search_stop() (or _free) joins the thread first. */
void srv_search_warm(struct srv_search *x, struct hs_tree *tree);
/* A request named image (its image= argument, NULL: none): warm that
 * image's index too, once, after image 0's (nothing before the warm-up
 * started). */
void srv_search_want(struct srv_search *x, const char *image);
void srv_search_stop(struct srv_search *x);
void srv_api_search(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
void srv_api_calls(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
void srv_api_line_runs(struct hs_srv *s, struct srv_req *req, struct srv_reply *r);
/* One line of calls/<f>: "<t_call> <t_return or -> <depth> <caller>[ <how>]"
 * and, where the name covers overloads, a tab and the callee's signature
 * (a C++ caller holds spaces: "operator new(unsigned long)"). */
struct srv_call_line {
	uint64_t t_call, t_return; /* t_return UINT64_MAX: it never returned */
	uint32_t view;             /* t_call "<t>.<k>": k (an inlined copy's view) */
	unsigned depth;
	const char *caller;        /* borrowed from the line: caller_len bytes */
	size_t caller_len;
	char how[32];              /* "" or "inline", "signal,unwound", ... */
	const char *signature;     /* borrowed: "Leaf::bump(int)", NULL none */
	size_t signature_len;
};
int srv_call_line(const char *line, struct srv_call_line *out); /* 0, -EINVAL */
/* The top node of image image= (default 0) and its path prefix ("" or
 * "processes/<name>/"): -EINVAL for a bad number, -ENOENT past the end
 * (srv_calls.c). */
int srv_image_arg(struct hs_tree *tree, const struct srv_req *req, struct hs_tree_node *top,
		  char *prefix, size_t cap, size_t *index);

/* ---- srv_notes.c ---- */
/* Loads DIR/notes.json (a missing file or folder is an empty notebook). */
int srv_notes_open(const char *dir, struct srv_notes **out, char *why, size_t cap);
void srv_notes_free(struct srv_notes *n);
void srv_api_notes(struct hs_srv *s, struct srv_req *req, const char *method,
		   const char *id, struct srv_reply *r);
/* A copy of the notes array (GET /api/notes's), NULL without notes or
 * memory.  Caller frees with json_object_put(). */
struct json_object *srv_notes_copy(struct srv_notes *n);

/* ---- srv_build.c ---- */
/* Starts building TRACE/db in the background; the tree opens when done. */
int srv_build_start(struct hs_srv *s);
/* The tree's options from the server's (--cache-mb, --sources). */
struct hs_tree_options;
void srv_tree_options(const struct hs_srv_opts *o, struct hs_tree_options *out);
/* Ends the event streams (before stopping MHD), then detaches from the
 * build, which goes on until the process exits (after MHD stopped). */
void srv_build_release(struct hs_srv *s);
void srv_build_free(struct hs_srv *s);
/* hs_srv_handover's part: the streams say phase "open" and end, each
 * cleanly; waits up to 3 s for them. */
void srv_build_handover(struct hs_srv *s);
void srv_api_events(struct hs_srv *s, struct srv_reply *r);
/* "building" / "failed: why" / NULL when ready, for 503 messages. */
void srv_build_state(struct hs_srv *s, char *buf, size_t cap);

/* ---- srv_assets.c ---- */
/* The files of server/ui/dist, by path relative to it ("index.html",
 * "assets/app.js"): generated into build/gen/srv_assets_data.c by
 * scripts/embed-assets.sh. */
struct srv_asset_file {
	const char *name;
	const unsigned char *data;
	size_t len;
	const unsigned char *gz; /* its gzip -9 copy, NULL: none */
	size_t gz_len;
};
extern const struct srv_asset_file srv_asset_files[];
extern const size_t srv_asset_count;
/* Replies with the file name (path without the leading '/'), 404 if none;
 * gzip-encoded when con's request accepts it and the file has a copy. */
void srv_asset(struct MHD_Connection *con, const char *name, struct srv_reply *r);

/* ---- srv_watch.c: a deadline for request headers ----------------------------
 * libmicrohttpd's connection timeout restarts at every byte, so a client
 * that trickles its headers would hold a connection for ever; this gives
 * every request SRV_HEADER_DEADLINE seconds from its connection's start
 * (or its previous request's end) to the end of its headers, and shuts a
 * late one down.  srv_watch_notify is the daemon's NOTIFY_CONNECTION
 * callback (cls: the struct srv_watch); srv_watch_headers marks the
 * request of con as past its headers, srv_watch_next starts the deadline
 * of its next request. */
#define SRV_HEADER_DEADLINE 10
struct srv_watch;
int srv_watch_new(struct srv_watch **out);
void srv_watch_free(struct srv_watch *w); /* stops its thread; accepts NULL */
void srv_watch_notify(void *cls, struct MHD_Connection *con, void **socket_context,
		      enum MHD_ConnectionNotificationCode code);
void srv_watch_headers(struct MHD_Connection *con);
void srv_watch_next(struct MHD_Connection *con);

#endif
