/* srv_build.c - building the database in the background, and /api/events.
 *
 * When the recording has no database, hs_srv_start() starts
 * hs_dbb_build() on a thread and serves at once: the API answers 503
 * until the build is done, and /api/events streams the progress.  The
 * builder reports progress only as text on its log ("\rbuilding: X / Y
 * instructions decoded (P%)"), so its log is a pipe that a second thread
 * reads and parses; dbbuild.h needs no change.
 *
 * The build state is shared by the server, the build thread and every
 * event stream, and freed by whichever lets go last (refs): a server
 * stopped in the middle of a build does not wait for it (hs_dbb_build
 * cannot be cancelled; its temporary folder is cleaned by the next
 * build, see dbb_build.c).
 *
 * /api/events: "event: progress" with {"phase":P,"done":X,"total":Y}
 * at every change (P: "prepare" before the builder says anything,
 * "build" while it decodes, "merge" while it merges: "merging: X / Y") (at most 4 a second, the builder's own rate), then
 * "event: ready" (or "event: failed" with {"error": why}), and the stream
 * ends.  With hs_srv_opts.on_built the last phase is "open": the stream
 * ends when this server stops, and the client reconnects to the next one
 * (a "retry: 300" comes first), which says "ready".  A ": keep-alive" comment every 10 s keeps proxies from closing it.
 */
#include "srv_i.h"

#include "hindsight/dbbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum bstate { B_BUILDING, B_READY, B_FAILED };

struct srv_build {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	enum bstate state;
	uint64_t done, total;
	const char *phase;       /* "prepare", "build" (decoding), "merge" */
	unsigned gen;            /* bumps at every change */
	char msg[512];
	char *trace;
	struct hs_tree *tree;    /* opened when built; handed to the server */
	bool released;           /* the server let go: nobody takes the tree */
	int log_fd;              /* read end of the builder's log */
	FILE *errlog;            /* the server's log, or NULL */
	struct hs_tree_options topt; /* source dirs borrowed from the server's options,
				      * which live as long as the process */
	void (*on_built)(void *ctx); /* hs_srv_opts.on_built: not opened here */
	void *on_built_ctx;
	unsigned streams;        /* /api/events streams open */
};

static void build_put(struct srv_build *b)
{
	int left;

	pthread_mutex_lock(&b->lock);
	left = --b->refs;
	pthread_mutex_unlock(&b->lock);
	if (left)
		return;
	hs_tree_close(b->tree);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b->trace);
	free(b);
}

/* Parses "building: X / Y" out of the builder's log. */
static void *log_reader(void *arg)
{
	struct srv_build *b = arg;
	char buf[4096], line[512];
	size_t ll = 0;
	ssize_t n;

	while ((n = read(b->log_fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		for (ssize_t i = 0; i < n; i++) {
			uint64_t d, t;

			if (buf[i] != '\r' && buf[i] != '\n') {
				if (ll < sizeof line - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = 0;
			ll = 0;
			const char *phase = NULL;

			if (sscanf(line, "building: %" SCNu64 " / %" SCNu64, &d, &t) == 2)
				phase = "build";
			else if (sscanf(line, "merging: %" SCNu64 " / %" SCNu64, &d, &t) == 2)
				phase = "merge";
			if (phase) {
				pthread_mutex_lock(&b->lock);
				b->phase = phase;
				b->done = d;
				b->total = t;
				b->gen++;
				pthread_cond_broadcast(&b->cond);
				pthread_mutex_unlock(&b->lock);
			} else if (line[0] && b->errlog) {
				fprintf(b->errlog, "build: %s\n", line);
				fflush(b->errlog);
			}
		}
	}
	close(b->log_fd);
	build_put(b);
	return NULL;
}

static void *builder(void *arg)
{
	struct srv_build *b = arg;
	struct hs_dbb_opts o = { 0 };
	struct hs_dbb_summary sum;
	struct hs_dbb_err err = { "" };
	struct hs_tree *tree = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int fds[2], e;
	pthread_t rt;
	FILE *log = NULL;

	if (pipe2(fds, O_CLOEXEC) == 0) {
		log = fdopen(fds[1], "w");
		b->log_fd = fds[0];
		pthread_mutex_lock(&b->lock);
		b->refs++;
		pthread_mutex_unlock(&b->lock);
		if (!log || pthread_create(&rt, NULL, log_reader, b) != 0) {
			if (log)
				fclose(log);
			else
				close(fds[1]);
			log = NULL;
			close(fds[0]);
			/* the reader's ref, never the last: this thread holds one */
			pthread_mutex_lock(&b->lock);
			b->refs--;
			pthread_mutex_unlock(&b->lock);
		} else {
			pthread_detach(rt);
		}
	}
	o.shards = cpus > 1 ? (unsigned)(cpus < 8 ? cpus : 8) : 1;
	o.level = 3;
	o.shard_index = -1;
	o.progress = log != NULL;
	o.log = log ? log : stderr;
	e = hs_dbb_build(b->trace, &o, &sum, &err);
	if (log)
		fclose(log); /* the reader sees the end */
	if (e == 0 && b->on_built) {
		/* serve opens it anew, confined to the files it names: until
		 * this server stops, the API says 503 (hs_srv_handover ends
		 * the streams) */
		pthread_mutex_lock(&b->lock);
		b->done = b->total = sum.instructions;
		b->gen++;
		pthread_cond_broadcast(&b->cond);
		pthread_mutex_unlock(&b->lock);
		b->on_built(b->on_built_ctx);
		build_put(b);
		return NULL;
	}
	if (e == 0)
		e = hs_tree_open_opts(b->trace, &b->topt, &tree);
	pthread_mutex_lock(&b->lock);
	if (e == 0) {
		b->state = B_READY;
		b->tree = tree;
		b->done = b->total = sum.instructions;
	} else {
		b->state = B_FAILED;
		snprintf(b->msg, sizeof b->msg, "%s", err.msg[0] ? err.msg : strerror(-e));
	}
	b->gen++;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
	if (e != 0 && b->errlog) {
		fprintf(b->errlog, "build of %s failed: %s\n", b->trace, b->msg);
		fflush(b->errlog);
	}
	build_put(b);
	return NULL;
}

int srv_build_start(struct hs_srv *s)
{
	struct srv_build *b;
	struct stat st;
	char *procs;
	pthread_t th;
	int e;

	if (asprintf(&procs, "%s/procs", s->trace) < 0)
		return -ENOMEM;
	e = stat(procs, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -ENOENT;
	free(procs);
	if (e < 0)
		return e;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->refs = 2; /* the server and the build thread */
	b->log_fd = -1;
	b->errlog = s->o.log;
	b->on_built = s->o.on_built;
	b->on_built_ctx = s->o.on_built_ctx;
	srv_tree_options(&s->o, &b->topt);
	b->trace = strdup(s->trace);
	if (!b->trace || pthread_create(&th, NULL, builder, b) != 0) {
		free(b->trace);
		free(b);
		return -ENOMEM;
	}
	pthread_detach(th);
	s->build = b;
	srv_log(s, HS_SRV_LOG_INFO, "building the database of %s in the background", s->trace);
	return 0;
}

/* Called with s->lock held by srv_tree() callers: hands the tree over. */
static struct hs_tree *take_tree(struct srv_build *b)
{
	struct hs_tree *t = NULL;

	pthread_mutex_lock(&b->lock);
	if (b->state == B_READY && !b->released) {
		t = b->tree;
		b->tree = NULL;
	}
	pthread_mutex_unlock(&b->lock);
	return t;
}

void srv_build_state(struct hs_srv *s, char *buf, size_t cap)
{
	struct srv_build *b = s->build;
	struct hs_tree *t;

	if (!b) {
		snprintf(buf, cap, "no database");
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (!s->tree) {
		t = take_tree(b);
		if (t)
			s->tree = t;
	}
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&b->lock);
	if (b->state == B_FAILED)
		snprintf(buf, cap, "the build failed: %s", b->msg);
	else if (b->state == B_READY)
		snprintf(buf, cap, "ready");
	else
		snprintf(buf, cap, "building (%" PRIu64 " of %" PRIu64 " instructions decoded); "
			 "follow /api/events", b->done, b->total);
	pthread_mutex_unlock(&b->lock);
}

void srv_build_release(struct hs_srv *s)
{
	struct srv_build *b = s->build;

	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->released = true;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

void srv_build_handover(struct hs_srv *s)
{
	struct srv_build *b = s->build;
	struct timespec dl;

	if (!b)
		return;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 3;
	pthread_mutex_lock(&b->lock);
	b->phase = "open";
	b->gen++;
	pthread_cond_broadcast(&b->cond);
	while (b->streams && pthread_cond_timedwait(&b->cond, &b->lock, &dl) == 0)
		;
	pthread_mutex_unlock(&b->lock);
}

void srv_build_free(struct hs_srv *s)
{
	struct srv_build *b = s->build;

	s->build = NULL;
	if (b)
		build_put(b);
}

/* ---- /api/events ----------------------------------------------------------------- */

struct events {
	struct srv_build *b;
	unsigned seen;       /* gen last sent */
	bool sent_any, over;
	time_t last;
};

static ssize_t events_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct events *ev = cls;
	struct srv_build *b = ev->b;
	int n = 0;

	if (ev->over)
		return MHD_CONTENT_READER_END_OF_STREAM;
	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct timespec dl;

		if (b->released) {
			pthread_mutex_unlock(&b->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (b->state != B_BUILDING) {
			if (b->state == B_READY)
				n = snprintf(buf, max, "event: progress\ndata: {\"phase\":\"merge\","
					     "\"done\":%" PRIu64 ",\"total\":%" PRIu64 "}\n\n"
					     "event: ready\ndata: {}\n\n", b->total, b->total);
			else
				n = snprintf(buf, max, "event: failed\ndata: {\"error\":\"the build "
					     "failed (see the server's log)\"}\n\n");
			ev->over = true;
			break;
		}
		if (b->gen != ev->seen || !ev->sent_any) {
			/* first: reconnect soon (the default is 3 s) when the
			 * stream ends early, as it does when serve hands the
			 * built database to a new server */
			n = snprintf(buf, max, "%sevent: progress\ndata: {\"phase\":\"%s\","
				     "\"done\":%" PRIu64 ",\"total\":%" PRIu64 "}\n\n",
				     ev->sent_any ? "" : "retry: 300\n\n",
				     b->phase ? b->phase : "prepare", b->done, b->total);
			ev->seen = b->gen;
			ev->sent_any = true;
			/* handed over: the next server says ready */
			ev->over = b->phase && !strcmp(b->phase, "open");
			break;
		}
		if (time(NULL) - ev->last >= 10) {
			n = snprintf(buf, max, ": keep-alive\n\n");
			break;
		}
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 1;
		pthread_cond_timedwait(&b->cond, &b->lock, &dl);
	}
	pthread_mutex_unlock(&b->lock);
	ev->last = time(NULL);
	if (n < 0 || (size_t)n >= max)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void events_free(void *cls)
{
	struct events *ev = cls;

	pthread_mutex_lock(&ev->b->lock);
	ev->b->streams--;
	pthread_cond_broadcast(&ev->b->cond); /* srv_build_handover waits */
	pthread_mutex_unlock(&ev->b->lock);

	build_put(ev->b);
	free(ev);
}

void srv_api_events(struct hs_srv *s, struct srv_reply *r)
{
	struct srv_build *b = s->build;
	struct events *ev;
	bool ready;

	pthread_mutex_lock(&s->lock);
	ready = s->tree != NULL;
	pthread_mutex_unlock(&s->lock);
	r->type = "text/event-stream";
	if (ready || !b) {
		static const char msg[] = "event: ready\ndata: {}\n\n";
		char *body = strdup(ready ? msg : "event: failed\ndata: {\"error\":\"no database\"}\n\n");

		if (!body)
			return srv_reply_error(r, -ENOMEM, "out of memory");
		srv_reply_bytes(r, "text/event-stream", body, strlen(body));
		return;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return srv_reply_error(r, -ENOMEM, "out of memory");
	pthread_mutex_lock(&b->lock);
	b->refs++;
	b->streams++;
	pthread_mutex_unlock(&b->lock);
	ev->b = b;
	ev->last = time(NULL);
	r->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, events_read, ev,
						      events_free);
	if (!r->stream) {
		events_free(ev);
		return srv_reply_error(r, -ENOMEM, "out of memory");
	}
	r->status = 200;
}
