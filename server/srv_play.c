/* srv_play.c - `hindsight playground`: the server and its routes.
 *
 *   GET  /                 the editor (dist/play.html)
 *   GET  /assets/X         the UI's files
 *   POST /api/run          runs code (srv_play_run.c), answers its result
 *   GET  /api/runs/ID      {"request", "result"} of an earlier run (#run=ID)
 *   ANY  /t/ID/REST        /REST of `serve` on the recording of run ID
 *
 * The playground is an hs_srv with no recording of its own and s->play
 * set: srv_http.c makes the checks of every request (Host, token, Origin,
 * Content-Type) and hands it here.  A recording's server is an hs_srv
 * opened without a socket (srv_open(listen false)) on DATA/runs/ID/box/
 * trace, kept open for the next requests (at most PLAY_OPEN of them, the
 * least recently used closed first when no request holds it).
 *
 * The queue: at most jobs runs at once, at most PLAY_WAIT_PER_JOB * jobs
 * waiting; past that, 503 with Retry-After.
 */
#include "srv_play_i.h"
#include "hindsight/playground.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLAY_OPEN 8
#define PLAY_WAIT_PER_JOB 2

struct play_child {
	char id[PLAY_ID_LEN + 1];
	struct hs_srv *srv;
	unsigned refs;
	uint64_t used;           /* a counter: least recently used closes first */
	struct play_child *next;
};

struct srv_play {
	struct play_box box;
	char *data, *runs;       /* absolute */
	unsigned jobs, active, waiting;
	unsigned record_cpu_s;
	uint64_t record_insns;
	uint64_t mem_bytes;
	uint64_t keep_s, keep_bytes;
	pthread_mutex_t gc_lock;  /* one removal pass at a time */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct play_child *children;
	unsigned n_children;
	uint64_t clock;
};

/* ---- ids ---------------------------------------------------------------------- */

static int random_hex(char *out, size_t n_hex)
{
	uint8_t b[32];
	size_t got = 0, need = (n_hex + 1) / 2;

	while (got < need) {
		ssize_t n = getrandom(b + got, need - got, 0);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			got += (size_t)n;
	}
	for (size_t i = 0; i < need; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[n_hex] = 0;
	return 0;
}

static bool id_ok(const char *s, size_t len)
{
	if (len != PLAY_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* ---- the recordings' servers ------------------------------------------------------- */

static void child_put(struct srv_play *p, struct play_child *c)
{
	pthread_mutex_lock(&p->lock);
	c->refs--;
	pthread_mutex_unlock(&p->lock);
}

/* Closes the least recently used unheld servers past PLAY_OPEN (lock held). */
static void children_trim(struct srv_play *p)
{
	while (p->n_children > PLAY_OPEN) {
		struct play_child **pp, **lru = NULL;

		for (pp = &p->children; *pp; pp = &(*pp)->next)
			if (!(*pp)->refs && (!lru || (*pp)->used < (*lru)->used))
				lru = pp;
		if (!lru)
			return;
		struct play_child *c = *lru;

		*lru = c->next;
		p->n_children--;
		hs_srv_stop(c->srv);
		free(c);
	}
}

static int child_open(struct hs_srv *s, const char *id, struct hs_srv **out)
{
	struct srv_play *p = s->play;
	struct hs_srv_opts o = s->o;
	struct hs_srv_err err;
	char trace[PATH_MAX], nb[PATH_MAX], db[PATH_MAX + 8];
	struct stat st;
	int e;

	snprintf(trace, sizeof trace, "%s/%s/box/trace", p->runs, id);
	snprintf(nb, sizeof nb, "%s/%s/notebook", p->runs, id);
	snprintf(db, sizeof db, "%s/db", trace);
	/* no database: the run failed before it; never build here, outside
	 * the sandbox */
	if (lstat(db, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOENT;
	e = play_run_check_tree(trace, false);
	if (e < 0)
		return e;
	o.trace_dir = trace;
	o.storage_dir = nb;
	o.source_dirs = NULL;
	o.n_source_dirs = 0;
	e = srv_open(&o, false, out, &err);
	if (e < 0)
		srv_log(s, HS_SRV_LOG_ERROR, "run %s: %s", id, err.msg);
	return e;
}

/* The server of run id's recording, held until child_put(). */
static int child_get(struct hs_srv *s, const char *id, struct play_child **out)
{
	struct srv_play *p = s->play;
	struct play_child *c;
	struct hs_srv *srv;
	int e;

	pthread_mutex_lock(&p->lock);
	for (c = p->children; c; c = c->next)
		if (!strcmp(c->id, id))
			break;
	if (c) {
		c->refs++;
		c->used = ++p->clock;
	}
	pthread_mutex_unlock(&p->lock);
	if (c) {
		*out = c;
		return 0;
	}
	e = child_open(s, id, &srv);
	if (e < 0)
		return e;
	c = calloc(1, sizeof(*c));
	if (!c) {
		hs_srv_stop(srv);
		return -ENOMEM;
	}
	snprintf(c->id, sizeof c->id, "%s", id);
	c->srv = srv;
	c->refs = 1;
	pthread_mutex_lock(&p->lock);
	/* another request may have opened it meanwhile: both live until trimmed */
	c->used = ++p->clock;
	c->next = p->children;
	p->children = c;
	p->n_children++;
	children_trim(p);
	pthread_mutex_unlock(&p->lock);
	*out = c;
	return 0;
}

static bool under(const char *path, const char *root)
{
	size_t n = strlen(root);

	return !strncmp(path, root, n) && (path[n] == 0 || path[n] == '/');
}

/* Whether the source path rel (a sources/ path less "sources/") may be
 * read: the tree reads a DWARF path on the host as it is, and the user's
 * code names what it likes ("#line 1 \"/etc/shadow\"").  Only files
 * that really are (links resolved on the host) in the run's folder or in
 * /usr (which the sandbox saw anyway) are served, and the folders on the
 * way to them. */
static bool source_ok(const char *box, const char *rel)
{
	const char *const roots[] = { box, "/usr" };
	char path[PATH_MAX], *real;
	bool ok = false;

	if ((size_t)snprintf(path, sizeof path, "/%s", rel) >= sizeof path)
		return false;
	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		size_t m = strlen(path);

		if (m == 1 || (under(roots[i], path) && roots[i][m] == '/'))
			return true; /* a folder on the way: its listing */
	}
	real = realpath(path, NULL);
	for (size_t i = 0; real && i < sizeof roots / sizeof roots[0]; i++)
		ok = ok || under(real, roots[i]);
	free(real);
	return ok;
}

/* For /api/tree/P and /api/lines/P of a recording: 0 when P, links
 * followed, is no source file or folder outside source_ok()'s. */
static int check_sources(struct hs_srv *s, struct hs_srv *child, const char *id,
			 const char *path, struct srv_reply *r)
{
	char canon[SRV_PATH_MAX], box[PATH_MAX];
	struct hs_tree *tree;
	const char *p = NULL, *at;

	if (!strncmp(path, "/api/tree/", 10))
		p = path + 10;
	else if (!strncmp(path, "/api/lines/", 11))
		p = path + 11;
	if (!p)
		return 0;
	tree = srv_tree(child, r);
	if (!tree)
		return -EAGAIN;
	if (srv_canonical(tree, p, true, canon, sizeof canon) < 0)
		return 0; /* no such path: the route says so */
	/* sources/REL or processes/IMG/sources/REL */
	at = canon;
	if (!strncmp(at, "processes/", 10) && (at = strchr(at + 10, '/')))
		at++;
	if (!at || strncmp(at, "sources", 7) || (at[7] && at[7] != '/'))
		return 0;
	at += at[7] ? 8 : 7;
	snprintf(box, sizeof box, "%s/%s/box", s->play->runs, id);
	if (source_ok(box, at))
		return 0;
	srv_reply_status(r, 403, "EACCES", "the playground serves only the run's own sources "
			 "and /usr");
	return -EACCES;
}

/* /t/ID/REST: /REST of the recording's own server. */
static void route_trace(struct hs_srv *s, struct MHD_Connection *con, struct srv_req *req,
			const char *method, const char *rest, struct srv_reply *r)
{
	const char *slash = strchr(rest, '/');
	char id[PLAY_ID_LEN + 1], *path, *saved;
	struct play_child *c;
	int e;

	if (!slash || !id_ok(rest, (size_t)(slash - rest)))
		return srv_reply_status(r, 404, "ENOENT", "no such run (/t/ID/ with the slash)");
	memcpy(id, rest, PLAY_ID_LEN);
	id[PLAY_ID_LEN] = 0;
	e = child_get(s, id, &c);
	if (e < 0)
		return srv_reply_error(r, e == -ENOENT ? -ENOENT : e, "run %s has no recording", id);
	path = strdup(slash);
	if (!path) {
		child_put(s->play, c);
		return srv_reply_status(r, 500, "ENOMEM", "out of memory");
	}
	if (check_sources(s, c->srv, id, path, r) == 0) {
		saved = req->path;
		req->path = path;
		srv_dispatch(c->srv, con, req, method, r);
		req->path = saved;
	}
	free(path);
	child_put(s->play, c);
}

/* ---- old runs ---------------------------------------------------------------------- */

/* play_gc's release: closes run id's recording unless a request holds it. */
static int gc_release(void *ctx, const char *id)
{
	struct srv_play *p = ctx;
	struct play_child **pp, *c = NULL;

	pthread_mutex_lock(&p->lock);
	for (pp = &p->children; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->id, id))
			continue;
		if ((*pp)->refs) {
			pthread_mutex_unlock(&p->lock);
			return -EBUSY;
		}
		c = *pp;
		*pp = c->next;
		p->n_children--;
		break;
	}
	pthread_mutex_unlock(&p->lock);
	if (c) {
		hs_srv_stop(c->srv);
		free(c);
	}
	return 0;
}

static void gc(struct hs_srv *s)
{
	struct srv_play *p = s->play;
	struct play_gc_opts o = { .runs_dir = p->runs, .keep_s = p->keep_s,
				  .keep_bytes = p->keep_bytes, .release = gc_release, .ctx = p };
	int n;

	if (pthread_mutex_trylock(&p->gc_lock) != 0)
		return;
	n = play_gc(&o);
	pthread_mutex_unlock(&p->gc_lock);
	if (n > 0)
		srv_log(s, HS_SRV_LOG_INFO, "removed %d old runs", n);
}

/* ---- POST /api/run ------------------------------------------------------------------ */

/* A place in the queue: 0, or -EAGAIN when it is full. */
static int queue_enter(struct srv_play *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->active >= p->jobs) {
		if (p->waiting >= PLAY_WAIT_PER_JOB * p->jobs) {
			pthread_mutex_unlock(&p->lock);
			return -EAGAIN;
		}
		p->waiting++;
		while (p->active >= p->jobs)
			pthread_cond_wait(&p->cond, &p->lock);
		p->waiting--;
	}
	p->active++;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static void queue_leave(struct srv_play *p)
{
	pthread_mutex_lock(&p->lock);
	p->active--;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* "/t/ID/#t=T" with T where main starts (the UI's "main" mark), or
 * "/t/ID/" when the recording has none (a script, _start). */
static void add_url(struct hs_srv *s, struct srv_req *req, const char *id,
		    struct json_object *ans)
{
	struct srv_reply r = { .status = 200 };
	struct play_child *c;
	struct json_object *info = NULL, *marks, *m;
	char url[64];

	snprintf(url, sizeof url, "/t/%s/", id);
	if (child_get(s, id, &c) == 0) {
		srv_api_info(c->srv, req, &r);
		child_put(s->play, c);
		if (r.status == 200 && r.body)
			info = json_tokener_parse(r.body);
		if (info && json_object_object_get_ex(info, "marks", &marks) &&
		    json_object_object_get_ex(marks, "main", &m) && json_object_is_type(m, json_type_int))
			snprintf(url, sizeof url, "/t/%s/#t=%" PRId64, id, json_object_get_int64(m));
		json_object_put(info);
		free(r.body);
	}
	json_object_object_add(ans, "url", json_object_new_string(url));
}

static void api_run(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct srv_play *p = s->play;
	struct play_run_opts o = { .box = &p->box, .runs_dir = p->runs,
				   .record_cpu_s = p->record_cpu_s, .mem_bytes = p->mem_bytes,
				   .record_insns = p->record_insns };
	struct json_object *body, *ans = NULL, *tr;
	enum json_tokener_error jerr;
	char id[PLAY_ID_LEN + 1], why[512] = "";
	int e;

	body = req->body ? json_tokener_parse_verbose(req->body, &jerr) : NULL;
	if (!body)
		return srv_reply_status(r, 400, "EINVAL", "the body is not JSON: %s",
					req->body ? json_tokener_error_desc(jerr) : "empty");
	e = random_hex(id, PLAY_ID_LEN);
	if (e < 0) {
		json_object_put(body);
		return srv_reply_error(r, e, "no random id");
	}
	if (queue_enter(p) < 0) {
		json_object_put(body);
		r->retry_after = "5";
		return srv_reply_status(r, 503, "EAGAIN", "the queue is full (%u runs at once); "
					"retry later", p->jobs);
	}
	o.id = id;
	e = play_run(&o, body, &ans, why, sizeof why);
	queue_leave(p);
	json_object_put(body);
	if (e < 0)
		return srv_reply_error(r, e, "%s", why);
	srv_log(s, HS_SRV_LOG_INFO, "run %s done", id);
	if (json_object_object_get_ex(ans, "trace", &tr) && tr) {
		char path[PATH_MAX + 32];

		add_url(s, req, id, ans);
		/* result.json again, with the url */
		snprintf(path, sizeof path, "%s/%s/result.json", p->runs, id);
		json_object_to_file_ext(path, ans, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	}
	srv_reply_json(r, 200, ans);
	json_object_put(ans);
	gc(s);
}

/* GET /api/runs/ID: the request and the result, both written by the
 * server (outside the sandbox's folder). */
static void api_runs(struct hs_srv *s, const char *id, struct srv_reply *r)
{
	struct srv_play *p = s->play;
	struct json_object *o, *req, *res;
	char path[PATH_MAX + 32];

	if (!id_ok(id, strlen(id)))
		return srv_reply_status(r, 404, "ENOENT", "no such run");
	snprintf(path, sizeof path, "%s/%s/request.json", p->runs, id);
	req = json_object_from_file(path);
	if (!req)
		return srv_reply_status(r, 404, "ENOENT", "no such run: %s", id);
	snprintf(path, sizeof path, "%s/%s/result.json", p->runs, id);
	res = json_object_from_file(path);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "request", req);
	json_object_object_add(o, "result", res);
	srv_reply_json(r, 200, o);
	json_object_put(o);
}

/* ---- routes ------------------------------------------------------------------------- */

static bool is_get(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

void srv_play_dispatch(struct hs_srv *s, struct MHD_Connection *con, struct srv_req *req,
		       const char *method, struct srv_reply *r)
{
	const char *path = req->path;
	bool get = is_get(method);

	if (!strncmp(path, "/t/", 3))
		return route_trace(s, con, req, method, path + 3, r);
	if (!strcmp(path, "/") || !strcmp(path, "/index.html")) {
		if (get)
			return srv_asset(con, "play.html", r);
	} else if (!strncmp(path, "/assets/", 8)) {
		if (get)
			return srv_asset(con, path + 8, r);
	} else if (!strcmp(path, "/favicon.ico")) {
		if (get)
			return srv_reply_no_icon(r);
	} else if (!strcmp(path, "/api/run")) {
		if (!strcmp(method, "POST"))
			return api_run(s, req, r);
		r->allow = "POST";
	} else if (!strncmp(path, "/api/runs/", 10)) {
		if (get)
			return api_runs(s, path + 10, r);
	} else {
		return srv_reply_status(r, 404, "ENOENT", "no such page: %s", path);
	}
	if (!r->allow)
		r->allow = "GET, HEAD";
	srv_reply_status(r, 405, "EINVAL", "method %s not allowed here", method);
}

/* ---- start / stop -------------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof buf)
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *q = buf + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*q = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int play_new(const struct hs_play_opts *opts, struct srv_play **out,
		    struct hs_srv_err *err)
{
	struct srv_play *p = calloc(1, sizeof(*p));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int e;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->record_cpu_s = opts->record_cpu_s;
	p->record_insns = opts->record_insns;
	p->mem_bytes = (uint64_t)opts->memory_mb << 20;
	p->keep_s = (uint64_t)(opts->keep_days ? opts->keep_days : 7) * 86400;
	p->keep_bytes = (uint64_t)(opts->keep_mb ? opts->keep_mb : 4096) << 20;
	pthread_mutex_init(&p->gc_lock, NULL);
	p->jobs = opts->jobs ? opts->jobs : (cpus / 2 > 1 ? (unsigned)(cpus / 2) : 1);
	*out = p;
	e = mkdir_p(opts->data_dir);
	if (e < 0) {
		snprintf(err->msg, sizeof err->msg, "%s: %s", opts->data_dir, strerror(-e));
		return e;
	}
	p->data = realpath(opts->data_dir, NULL);
	if (!p->data || asprintf(&p->runs, "%s/runs", p->data) < 0) {
		p->runs = NULL;
		return -ENOMEM;
	}
	if (mkdir(p->runs, 0755) < 0 && errno != EEXIST) {
		e = -errno;
		snprintf(err->msg, sizeof err->msg, "%s: %s", p->runs, strerror(errno));
		return e;
	}
	return play_box_init(&p->box, !opts->unsafe_no_sandbox, p->runs, err->msg, sizeof err->msg);
}

/* Once, at start: what holds a run's memory and processes; a missing
 * cgroup is an error-level line, and on stderr when there is no log. */
static void say_limits(struct hs_srv *s)
{
	const struct play_cg *cg = &s->play->box.cg;
	bool full = cg->mem[0] && cg->pids[0];

	srv_log(s, full ? HS_SRV_LOG_INFO : HS_SRV_LOG_ERROR, "sandbox limits: %s", cg->note);
	if (!full && !s->o.log)
		fprintf(stderr, "hindsight playground: %s\n", cg->note);
}

int hs_play_start(const struct hs_play_opts *opts, struct hs_srv **out,
		  struct hs_srv_err *err)
{
	struct hs_srv *s;
	int e;

	*out = NULL;
	err->msg[0] = 0;
	if (!opts->data_dir) {
		snprintf(err->msg, sizeof err->msg, "no data folder");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = opts->srv;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->log_lock, NULL);
	e = play_new(opts, &s->play, err);
	if (!e)
		say_limits(s);
	if (!e && opts->srv.tunnel)
		e = random_hex(s->token, 32);
	if (!e)
		e = srv_listen(s, err);
	if (e < 0) {
		hs_srv_stop(s);
		return e;
	}
	gc(s);
	*out = s;
	return 0;
}

void srv_play_release(struct hs_srv *s)
{
	struct srv_play *p = s->play;

	if (!p)
		return;
	s->play = NULL;
	while (p->children) {
		struct play_child *c = p->children;

		p->children = c->next;
		hs_srv_stop(c->srv);
		free(c);
	}
	play_box_free(&p->box);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->gc_lock);
	pthread_cond_destroy(&p->cond);
	free(p->data);
	free(p->runs);
	free(p);
}
