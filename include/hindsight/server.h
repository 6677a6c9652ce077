/* server.h - `hindsight serve`: the HTTP API and the web UI of a recording.
 *
 * Owner: server/ (libhsserver.a).  Users: builder/cli (`hindsight serve`).
 * It reads the recording through the tree library (tree.h), the same bytes
 * as `hindsight cat`, plus the query library (db.h) for what the tree has
 * no path for (the origin of a byte).  The API is documented in
 * server/API.md; the UI is the bundle in server/ui/dist, embedded into the
 * binary at build time (scripts/embed-assets.sh).
 *
 * Threads: libmicrohttpd runs one thread per connection (at most
 * HS_SRV_MAX_CONNECTIONS at once, half of them from one address; every
 * request's headers within SRV_HEADER_DEADLINE seconds); hs_srv_start()
 * returns once the socket listens, and hs_srv_stop() waits for every
 * request to end.
 *
 * Memory: bounded whatever the load: every response is at most 1 MiB in
 * memory or streamed from the tree in 64 KiB pieces; the line indexes of
 * /api/lines are cached for at most HS_SRV_LINE_FILES files.
 *
 * Errors: 0 or -errno, with one line in err (when not NULL) saying what.
 */
#ifndef HINDSIGHT_SERVER_H
#define HINDSIGHT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HS_SRV_DEFAULT_PORT 7070
#define HS_SRV_MAX_CONNECTIONS 1000
#define HS_SRV_LINE_FILES 32

enum hs_srv_log_level {
	HS_SRV_LOG_ERROR = 1, /* failed requests (status >= 500), build errors */
	HS_SRV_LOG_INFO = 2,  /* plus one access line per request */
	HS_SRV_LOG_DEBUG = 3, /* plus rejected requests' reasons */
};

struct hs_tree; /* tree.h */

/* What the server will touch, for before_threads (all borrowed). */
struct hs_srv_confine {
	const char *const *write_dirs; /* the notebook, and the recording (its
					* database) when it is to be built */
	size_t n_write;
	const char *trace;             /* the recording: read */
	/* the open database, whose hs_tree_read_files() names what it reads
	 * outside the trace; NULL when the database is to be built (the
	 * files are not known before that) */
	struct hs_tree *tree;
};

struct hs_srv_opts {
	const char *trace_dir;    /* required */
	uint16_t port;            /* 127.0.0.1:port; 0 picks a free one */
	/* --tunnel [ADDR:]PORT: listen on ADDR (default 0.0.0.0) and PORT
	 * instead, accept any Host, and require the access token. */
	bool tunnel;
	const char *tunnel_addr;  /* NULL: 0.0.0.0 */
	uint16_t tunnel_port;
	const char *storage_dir;  /* the notebook; NULL: TRACE/notebook */
	const char *const *source_dirs; /* --sources: passed to the tree */
	size_t n_source_dirs;
	size_t cache_bytes;       /* the query cache's cap (tree.h); 0: default */
	FILE *log;                /* NULL: no log */
	enum hs_srv_log_level log_level;
	/* Called by hs_srv_start once the notebook's folder exists and the
	 * database (if built) is open, before the server starts any thread
	 * (NULL: not).  serve confines itself there (Landlock is per thread,
	 * inherited).  A negative return stops the start with that error. */
	int (*before_threads)(void *ctx, const struct hs_srv_confine *c);
	void *before_threads_ctx;
	/* A socket already listening, used instead of port/tunnel's (the
	 * server owns it from hs_srv_start on; serve's supervisor keeps a
	 * copy, so that the next server takes the connections that wait). */
	bool use_listen_fd;
	int listen_fd;
	const char *token;        /* with tunnel: this access token (32 hex
				   * digits) instead of a new one */
	/* Set: a database built in the background is not opened here; the
	 * build thread calls on_built once it is published, and the caller
	 * stops this server and serves the recording anew, confined to the
	 * files it names (cmd_serve.c).  Meanwhile the API keeps answering
	 * 503 and /api/events says phase "open". */
	void (*on_built)(void *ctx);
	void *on_built_ctx;
};

/* ---- a memory cgroup for a whole command (`--memory MB`) ----------------
 * The playground's cgroup code (srv_play_cg.c), for `serve` and `build`:
 * a cgroup hindsight-WHO.<pid>/stage.XXXXXX with memory.max (v2) or
 * memory.limit_in_bytes (v1), and the same for swap, in the caller's own
 * cgroup or its nearest ancestor that can delegate memory. */
struct hs_srv_memcg;
/* Makes it: 0 and *out, or -errno with one line in note saying why (no
 * cgroup filesystem, no memory controller, not root...).  note also says
 * what was made. */
int hs_srv_memcg_make(const char *who, uint64_t bytes, struct hs_srv_memcg **out, char *note,
		      size_t cap);
/* In a child, before it does the work: moves it into the cgroup
 * (async-signal-safe).  0 or -1. */
int hs_srv_memcg_join(const struct hs_srv_memcg *m);
/* Whether the kernel killed a process of it for memory. */
bool hs_srv_memcg_oom(const struct hs_srv_memcg *m);
/* Kills what is left in it, removes its folders, frees m. */
void hs_srv_memcg_free(struct hs_srv_memcg *m);

struct hs_srv_err {
	char msg[512]; /* one line, no newline */
};

struct hs_srv;

/* Opens the recording (or starts building its database in a background
 * thread when it has none), loads the notebook and listens.  Caller stops
 * it with hs_srv_stop().  -ENOENT: not a recording; -EADDRINUSE: the port
 * is taken; -EBADMSG: notes.json is not a notebook (never overwritten). */
int hs_srv_start(const struct hs_srv_opts *opts, struct hs_srv **out,
		 struct hs_srv_err *err);
/* A socket listening where opts says (port or tunnel), for
 * opts->listen_fd: 0 with *fd and *port (the one picked when opts->port
 * was 0); -EADDRINUSE, -EINVAL (not an IPv4 address) or -errno. */
int hs_srv_listen_socket(const struct hs_srv_opts *opts, int *fd, uint16_t *port,
			 struct hs_srv_err *err);
/* A new access token for opts->token: 32 hex digits and a NUL.  0 or
 * -errno. */
int hs_srv_make_token(char out[33]);
/* The port it listens on (the one picked when opts->port was 0). */
uint16_t hs_srv_port(const struct hs_srv *srv);
/* Writes one line to the server's log (at info level), as its own. */
void hs_srv_note(struct hs_srv *srv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The access token (32 hex digits) with --tunnel; NULL without. */
const char *hs_srv_token(const struct hs_srv *srv);
/* With opts->on_built, once it was called: stops taking connections
 * (they wait in the socket's queue for the next server), ends the
 * progress streams cleanly with phase "open" (the web UI reconnects), and
 * waits up to 3 s for them.  Then hs_srv_stop. */
void hs_srv_handover(struct hs_srv *srv);
/* Stops listening, waits for the requests in progress, frees everything.
 * A database build still running is not waited for (hs_dbb_build()
 * cannot be cancelled): its thread finishes on its own and frees what it
 * shares with the server (srv_build.c); the next build cleans its
 * temporary folder.  Accepts NULL. */
void hs_srv_stop(struct hs_srv *srv);

#endif
