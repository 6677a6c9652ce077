/* dbb_build.c - the build: shards in threads (or one shard, or the merge),
 * the manifest, and the atomic appearance of TRACE/db.
 *
 * Folders, all inside the trace folder so that renames stay on one file
 * system:
 *   TRACE/.db.tmp.<pid>/            a build in progress (pid: the builder)
 *     shards/<s>/<image>/           shard outputs of a threaded build
 *     <image>/(the .hdb files), manifest.json   the database being made
 *   TRACE/db/                       the database, only ever by rename(2)
 *   TRACE/.db.shards/<i>of<N>/      the output of `--shard i/N`
 *   TRACE/.db.shards/.tmp.<i>of<N>.<pid>/   ... while it is being built
 *
 * A killed builder leaves only its .tmp folder, which the next builder
 * removes (its pid is dead).  Every file is fsynced before the rename that
 * publishes its folder, so after a crash TRACE/db is either the old
 * database, the new one, or absent: never a mix, never a partial one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "dbb_i.h"

static const char *const db_files[] = {
	"chunks.hdb", "events.hdb", "runs.hdb", "pages.hdb", "pageidx.hdb", "calls.hdb",
	"callee.hdb", "callees.hdb", "stacks.hdb", "lines.hdb", "lineidx.hdb", "linefiles.hdb",
	"threads.hdb", "addrs.hdb", "ctxsw.hdb",
};

struct build {
	const char *trace;
	char *pack_dir;          /* hs_trace_pack_dir(trace): NULL unpacked */
	struct dbb_lcache *lcache; /* the images' loaded modules */
	const struct hs_dbb_opts *o;
	FILE *log;
	struct dbb_warnlog warn; /* log, for the modules' warnings: each once */
	struct hs_dbb_err *err;
	struct dbb_image *img;
	size_t n_img;
	unsigned n;              /* shards */
	struct dbb_progress prog;
	/* the worker pool */
	pthread_mutex_t lock;
	size_t next_task, n_tasks;
	unsigned only_shard;     /* --shard i: tasks are (image, i) */
	bool one_shard;
	char *shards_root;       /* where SHARD/<image> folders go: root/<s> */
	int ret;
	unsigned finished;       /* workers that returned */
	size_t run_bytes;        /* page versions a worker keeps in memory */
	bool incomplete;         /* some image was cut short */
	uint64_t build_id;       /* recording_id(): the manifest and every .hdb */
};

/* ---- stale folders -------------------------------------------------------- */

/* Each temporary folder holds a file `owner`: the host name of the
 * builder that made it.  The pid in a folder's name only means something
 * on that host: shards of one build may run on many machines that share
 * the trace folder. */
static int write_owner(const char *dir)
{
	char host[256] = "", *path = dbb_path(dir, "owner");
	int ret;

	if (!path)
		return -ENOMEM;
	gethostname(host, sizeof(host) - 1);
	ret = dbb_write_file(path, host, strlen(host));
	free(path);
	return ret;
}

static bool owned_here(const char *dir)
{
	char host[256] = "", *path = dbb_path(dir, "owner"), *text = NULL;
	bool mine;

	if (!path)
		return false;
	gethostname(host, sizeof(host) - 1);
	if (dbb_read_file(path, &text, NULL) != 0)
		mine = true; /* killed before it wrote its owner */
	else
		mine = strcmp(text, host) == 0;
	free(text);
	free(path);
	return mine;
}

/* Removes DIR/<prefix><...>.<pid> entries whose pid is dead (on this
 * host). */
static void remove_stale(const char *dir, const char *prefix, FILE *log)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t pl = strlen(prefix);

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *dot;
		char *end, *path;
		long pid;

		if (strncmp(e->d_name, prefix, pl) != 0)
			continue;
		dot = strrchr(e->d_name, '.');
		if (!dot)
			continue;
		pid = strtol(dot + 1, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* alive (or not ours to judge) */
		path = dbb_path(dir, e->d_name);
		if (path && owned_here(path) && dbb_rmtree(path) == 0)
			fprintf(log, "hindsight build: removed %s (left by a builder that died)\n",
				path);
		free(path);
	}
	closedir(d);
}

/* ---- images -------------------------------------------------------------- */

static void images_free(struct build *b)
{
	for (size_t i = 0; i < b->n_img; i++) {
		pthread_mutex_destroy(&b->img[i].load_lock);
		hs_trace_file_close(b->img[i].stream);
		hs_trace_code_free(b->img[i].code);
		hs_trace_mem_files_free(b->img[i].files);
		dbb_lsrc_free(b->img[i].lsrc);
		dbb_fmaps_free(b->img[i].smaps, b->img[i].n_smaps);
		dbb_fmaps_free(b->img[i].all_maps, b->img[i].n_all_maps);
		free(b->img[i].dir);
		free(b->img[i].first);
	}
	free(b->img);
	b->img = NULL;
	b->n_img = 0;
}

/* The database's identity, in its manifest and every .hdb header: a hash
 * of the recording it is made from (meta.json's start time to the
 * nanosecond; every image's name and the first bytes of its stream: file
 * header, first chunk header with its payload's checksum).  Every build
 * of one recording draws the same, so builds stay reproducible (the same
 * bytes whatever --shards); a file of another recording or image is
 * refused on open.  Never 0 (a file made without one). */
static uint64_t recording_id(const struct build *b)
{
	XXH64_state_t *st = XXH64_createState();
	char *meta = dbb_path(b->trace, "meta.json");
	json_object *m = meta ? json_object_from_file(meta) : NULL, *v;
	uint64_t id = 0;

	if (!st)
		goto out;
	XXH64_reset(st, 0);
	if (m && json_object_object_get_ex(m, "start_unix_ns", &v)) {
		int64_t ns = json_object_get_int64(v);

		XXH64_update(st, &ns, sizeof(ns));
	}
	for (size_t i = 0; i < b->n_img; i++) {
		char *path = dbb_path(b->img[i].dir, "stream.hst");
		uint8_t head[112] = { 0 };
		int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;

		if (fd >= 0) {
			if (pread(fd, head, sizeof(head), 0) < 0)
				memset(head, 0, sizeof(head));
			close(fd);
		}
		free(path);
		XXH64_update(st, b->img[i].name, strlen(b->img[i].name) + 1);
		XXH64_update(st, head, sizeof(head));
	}
	id = XXH64_digest(st);
out:
	XXH64_freeState(st);
	json_object_put(m);
	free(meta);
	return id ? id : 1;
}

/* How many image folders ("<pid>.<n>") TRACE/procs has, recorded or not. */
static size_t image_dirs(const char *trace)
{
	char *procs = dbb_path(trace, "procs");
	DIR *d = procs ? opendir(procs) : NULL;
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && strchr(e->d_name, '.'))
			n++;
	if (d)
		closedir(d);
	free(procs);
	return n;
}

/* Did a recorded parent see SIGKILL end this image (HS_IMAGE_KILLED in
 * its folder, trace_format.h)? */
static bool image_killed(const char *dir)
{
	char *path = dbb_path(dir, HS_IMAGE_KILLED);
	bool killed = path && access(path, F_OK) == 0;

	free(path);
	return killed;
}

/* The image's recording holds it to its end: it ended (exit, fatal
 * signal, execve) or was killed, its log ending at its last recorded
 * moment (a chunk or a code.hst record the kill cut short is no part of
 * it: the database ends at the last whole chunk that decodes). */
static bool image_whole(const struct dbb_image *im)
{
	return !im->incomplete || im->killed;
}

/* Opens every image; with load_code, also code.hst (not needed to merge). */
static int images_open(struct build *b, bool load_code)
{
	struct hs_trace_proc *procs = NULL;
	struct hs_trace_err terr = { "" };
	size_t n = 0;
	int ret;

	ret = hs_trace_list_procs(b->trace, &procs, &n, &terr);
	if (ret) {
		dbb_err_set(b->err, "%s", terr.msg[0] ? terr.msg : strerror(-ret));
		return ret;
	}
	if (n == 0) {
		size_t dirs = image_dirs(b->trace);

		if (dirs)
			dbb_err_set(b->err, "%s/procs: none of its %zu image folder%s holds a "
				    "recorded stream (stream.hst empty or missing: see hindsight "
				    "verify)", b->trace, dirs, dirs == 1 ? "" : "s");
		else
			dbb_err_set(b->err, "%s/procs: no recorded process image (is this a "
				    "trace folder?)", b->trace);
		hs_trace_procs_free(procs, n);
		return -ENOENT;
	}
	b->img = calloc(n, sizeof(*b->img));
	if (!b->img) {
		hs_trace_procs_free(procs, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct dbb_image *im = &b->img[b->n_img++];
		bool exec_ended;
		char *path;

		pthread_mutex_init(&im->load_lock, NULL);
		snprintf(im->name, sizeof(im->name), "%s", procs[i].name);
		snprintf(im->id.image, sizeof(im->id.image), "%s", procs[i].name);
		im->dir = strdup(procs[i].dir);
		im->pack_dir = b->pack_dir;
		im->lcache = b->lcache;
		im->warn = &b->warn;
		im->n_shards = b->n;
		im->calls_guess = b->o->calls_guess;
		im->merge_threads = b->o->threads;
		im->first = calloc(b->n + 1, sizeof(*im->first));
		if (!im->dir || !im->first) {
			ret = -ENOMEM;
			break;
		}
		path = dbb_path(im->dir, "stream.hst");
		ret = path ? hs_trace_file_open(path, HS_STREAM_MAGIC, &im->stream, &terr) : -ENOMEM;
		free(path);
		if (ret)
			break;
		/* code.hst and the rest: by the image's first task (image_load) */
		im->want_load = load_code;
		im->tasks_left = b->one_shard ? 1 : b->n;
		im->n_chunks = hs_trace_file_chunk_count(im->stream);
		/* an image that a successful execve ended has no final chunk:
		 * the next image of the same pid says it ended that way */
		exec_ended = i + 1 < n && procs[i + 1].pid == procs[i].pid &&
			     procs[i + 1].exec_index == procs[i].exec_index + 1;
		im->killed = !hs_trace_file_has_last(im->stream) && !exec_ended &&
			     image_killed(im->dir);
		im->incomplete = hs_trace_file_truncated(im->stream) ||
				 (!hs_trace_file_has_last(im->stream) && !exec_ended &&
				  !im->killed);
		if (im->incomplete && im->killed)
			fprintf(b->log, "hindsight build: note: %s: killed while its recorder "
				"wrote its last chunk; building up to its last whole chunk\n",
				im->dir);
		else if (im->incomplete)
			fprintf(b->log, "hindsight build: warning: %s: the recording is "
				"incomplete (%s); building what is there\n", im->dir,
				hs_trace_file_truncated(im->stream) ? "its last chunk is cut short" :
				"no final chunk");
		dbb_split(im->stream, b->n, im->first);
		if (im->n_chunks)
			b->prog.total += hs_trace_file_chunk_info(im->stream, im->n_chunks - 1)->first_t;
	}
	/* forked images: their parent among the earlier images */
	for (size_t i = 0; !ret && i < b->n_img; i++) {
		const struct hs_trace_file_header *h = hs_trace_file_header(b->img[i].stream);

		if (!(h->flags & HS_FILE_FORKED))
			continue;
		for (size_t k = 0; k < i; k++) {
			const struct hs_trace_file_header *p = hs_trace_file_header(b->img[k].stream);

			if (p->pid == h->parent_pid && p->exec_index == h->parent_exec) {
				b->img[i].parent = &b->img[k];
				b->img[i].parent_t = h->parent_t;
			}
		}
	}
	if (!ret) {
		b->build_id = recording_id(b);
		for (size_t i = 0; i < b->n_img; i++)
			b->img[i].id.build = b->build_id;
	}
	if (ret)
		dbb_err_set(b->err, "%s", terr.msg[0] ? terr.msg : strerror(-ret));
	hs_trace_procs_free(procs, n);
	return ret;
}

/* ---- shards in threads ------------------------------------------------------ */

/* What the shards of im need: code.hst, the mapped files, the start-up's
 * modules with lines.  Under im->load_lock. */
static int image_load(struct build *b, struct dbb_image *im, struct hs_dbb_err *e)
{
	struct hs_trace_err terr = { "" };
	char *path = dbb_path(im->dir, "code.hst");
	int ret = path ? hs_trace_code_load(path, &im->code, &terr) : -ENOMEM;

	free(path);
	if (ret) {
		dbb_err_set(e, "%s", terr.msg[0] ? terr.msg : strerror(-ret));
		return ret;
	}
	if (hs_trace_code_truncated(im->code)) {
		im->incomplete = true;
		fprintf(b->log, "hindsight build: warning: %s: the recording is incomplete "
			"(code.hst is cut short); building what is there\n", im->dir);
	}
	if ((ret = hs_trace_mem_files_new(&im->files)) ||
	    (ret = hs_trace_mem_files_set_pack(im->files, b->pack_dir)))
		goto fail;
	/* the modules with lines that the shards' line pass uses: those of
	 * the start-up (the merge checks that they are all) */
	if (!im->have_smaps) {
		if ((ret = dbb_lines_startup(im, &im->smaps, &im->n_smaps)))
			goto fail;
		im->have_smaps = true;
	}
	if ((ret = dbb_lsrc_new(im->lcache, im->smaps, im->n_smaps, true, b->pack_dir, &im->lsrc)))
		goto fail;
	/* the direct jmps the calls tracker may take for tail calls */
	dbb_lsrc_keep_direct(im->lsrc, im->code);
	return 0;
fail:
	dbb_err_set(e, "%s: %s", im->dir, strerror(-ret));
	return ret;
}

/* The image's state for one of its tasks, loaded by the first. */
static int image_acquire(struct build *b, struct dbb_image *im, struct hs_dbb_err *e)
{
	int ret;

	pthread_mutex_lock(&im->load_lock);
	if (im->want_load && !im->loaded && !im->load_err) {
		im->load_err = image_load(b, im, e);
		im->loaded = !im->load_err;
	} else if (im->load_err) {
		dbb_err_set(e, "%s: %s", im->dir, strerror(-im->load_err));
	}
	ret = im->load_err;
	pthread_mutex_unlock(&im->load_lock);
	return ret;
}

/* After the image's last task: what only the shards used goes (the
 * merge loads code.hst again where it needs it; smaps stay, small). */
static void image_release(struct dbb_image *im)
{
	pthread_mutex_lock(&im->load_lock);
	if (im->tasks_left && --im->tasks_left == 0 && im->loaded) {
		hs_trace_code_free(im->code);
		im->code = NULL;
		hs_trace_mem_files_free(im->files);
		im->files = NULL;
		dbb_lsrc_free(im->lsrc);
		im->lsrc = NULL;
		im->loaded = false;
		im->want_load = false;
	}
	pthread_mutex_unlock(&im->load_lock);
}

static int run_task(struct build *b, size_t task)
{
	unsigned s = b->one_shard ? b->only_shard : (unsigned)(task % b->n);
	struct dbb_image *im = &b->img[b->one_shard ? task : task / b->n];
	struct hs_dbb_err e = { "" };
	char sdir[32], *root, *dir;
	int ret;

	snprintf(sdir, sizeof(sdir), "%u", s);
	root = b->one_shard ? strdup(b->shards_root) : dbb_path(b->shards_root, sdir);
	dir = root ? dbb_path(root, im->name) : NULL;
	if (!dir) {
		free(root);
		return -ENOMEM;
	}
	ret = dbb_mkdir(root);
	if (!ret)
		ret = dbb_mkdir(dir);
	if (ret)
		dbb_err_set(&e, "%s: %s", dir, strerror(-ret));
	else if (!(ret = image_acquire(b, im, &e)))
		ret = dbb_shard_run(im, s, dir, b->one_shard, b->run_bytes, &b->prog, b->log, &e);
	image_release(im);
	if (ret) {
		pthread_mutex_lock(&b->lock);
		if (!b->ret) {
			b->ret = ret;
			dbb_err_set(b->err, "%s", e.msg);
		}
		pthread_mutex_unlock(&b->lock);
	}
	free(dir);
	free(root);
	return ret;
}

static void *worker(void *arg)
{
	struct build *b = arg;

	for (;;) {
		size_t task;

		pthread_mutex_lock(&b->lock);
		task = b->ret ? b->n_tasks : b->next_task++;
		pthread_mutex_unlock(&b->lock);
		if (task >= b->n_tasks) {
			__atomic_fetch_add(&b->finished, 1, __ATOMIC_RELEASE);
			return NULL;
		}
		run_task(b, task);
	}
}

static void progress_line(struct build *b, bool final)
{
	uint64_t done = __atomic_load_n(&b->prog.done, __ATOMIC_RELAXED);
	uint64_t total = b->prog.total > done ? b->prog.total : done;

	fprintf(b->log, "\rbuilding: %" PRIu64 " / %" PRIu64 " instructions decoded (%.0f%%)%s",
		done, total, total ? 100.0 * (double)done / (double)total : 100.0,
		final ? "\n" : "");
	fflush(b->log);
}

static int run_shards(struct build *b)
{
	unsigned nt = b->o->threads ? b->o->threads : b->n;
	pthread_t *th;
	unsigned started = 0;

	b->n_tasks = b->one_shard ? b->n_img : b->n_img * b->n;
	if (nt > b->n_tasks)
		nt = (unsigned)b->n_tasks;
	if (nt == 0)
		return 0;
	/* Memory: each worker holds its decoder, a call queue (~15 MiB) and
	 * up to run_bytes of page versions; 768 MiB of those in all, so
	 * that even many threads stay far below a quarter of a small
	 * machine's RAM. */
	b->run_bytes = (768u << 20) / nt;
	if (b->run_bytes > (48u << 20))
		b->run_bytes = 48u << 20;
	if (b->run_bytes < (8u << 20))
		b->run_bytes = 8u << 20;
	th = calloc(nt, sizeof(*th));
	if (!th)
		return -ENOMEM;
	for (unsigned i = 0; i < nt; i++)
		if (pthread_create(&th[i], NULL, worker, b) == 0)
			started++;
	if (!started) {
		free(th);
		dbb_err_set(b->err, "cannot start worker threads");
		return -EAGAIN;
	}
	if (b->o->progress) {
		while (__atomic_load_n(&b->finished, __ATOMIC_ACQUIRE) < started) {
			struct timespec ts = { 0, 250000000 };

			nanosleep(&ts, NULL);
			progress_line(b, false);
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (b->o->progress)
		progress_line(b, true);
	free(th);
	return b->ret;
}

/* ---- manifest ---------------------------------------------------------------- */


static int write_manifest(struct build *b, const char *dir,
			  const struct dbb_image_result *res, uint64_t *total_insns)
{
	json_object *m = json_object_new_object(), *imgs = json_object_new_array();
	char created[32], *path = NULL;
	time_t now = time(NULL);
	struct tm tm;
	const char *text;
	bool complete = true;
	int ret = 0;

	if (!m || !imgs) {
		json_object_put(m);
		json_object_put(imgs);
		return -ENOMEM;
	}
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	*total_insns = 0;
	for (size_t i = 0; i < b->n_img && !ret; i++) {
		json_object *io = json_object_new_object(), *files = json_object_new_object();
		char *idir = dbb_path(dir, b->img[i].name);

		json_object_array_add(imgs, io);
		json_object_object_add(io, "name", json_object_new_string(b->img[i].name));
		json_object_object_add(io, "instructions",
				       json_object_new_int64((int64_t)res[i].instructions));
		json_object_object_add(io, "chunks", json_object_new_int64((int64_t)res[i].chunks));
		json_object_object_add(io, "threads", json_object_new_int64((int64_t)res[i].threads));
		json_object_object_add(io, "unmatched_returns",
				       json_object_new_int64((int64_t)res[i].unmatched_returns));
		json_object_object_add(io, "complete",
				       json_object_new_boolean(image_whole(&b->img[i]) &&
							       !res[i].truncated));
		if (b->img[i].killed)
			json_object_object_add(io, "killed", json_object_new_boolean(true));
		json_object_object_add(io, "files", files);
		complete = complete && image_whole(&b->img[i]) && !res[i].truncated;
		*total_insns += res[i].instructions;
		for (size_t f = 0; f < sizeof(db_files) / sizeof(db_files[0]) && !ret; f++) {
			char *p = idir ? dbb_path(idir, db_files[f]) : NULL;
			uint64_t xxh = 0, size = 0;
			char hex[24];
			json_object *fo;

			ret = p ? dbb_file_xxh(p, &xxh, &size) : -ENOMEM;
			if (ret)
				dbb_err_set(b->err, "%s: %s", p ? p : dir, strerror(-ret));
			free(p);
			snprintf(hex, sizeof(hex), "%016" PRIx64, xxh);
			fo = json_object_new_object();
			json_object_object_add(fo, "size", json_object_new_int64((int64_t)size));
			json_object_object_add(fo, "xxh64", json_object_new_string(hex));
			json_object_object_add(files, db_files[f], fo);
		}
		free(idir);
	}
	json_object_object_add(m, "format", json_object_new_string("hindsight-db"));
	json_object_object_add(m, "version", json_object_new_int(HS_DB_FORMAT_VERSION));
	snprintf(created, sizeof(created), "%016" PRIx64, b->build_id);
	json_object_object_add(m, "build_id", json_object_new_string(created));
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(m, "builder", json_object_new_string("hindsight 0.1.0"));
	json_object_object_add(m, "created", json_object_new_string(created));
	json_object_object_add(m, "level", json_object_new_int(b->o->level));
	json_object_object_add(m, "shards", json_object_new_int((int)b->n));
	json_object_object_add(m, "complete", json_object_new_boolean(complete));
	json_object_object_add(m, "instructions", json_object_new_int64((int64_t)*total_insns));
	json_object_object_add(m, "images", imgs);
	if (!ret) {
		text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
		path = dbb_path(dir, "manifest.json");
		ret = path ? dbb_write_file(path, text, strlen(text)) : -ENOMEM;
		if (ret)
			dbb_err_set(b->err, "%s: %s", path ? path : dir, strerror(-ret));
	}
	free(path);
	json_object_put(m);
	return ret;
}

/* ---- publishing ---------------------------------------------------------- */

/* Makes the finished folder tmp appear as dst, replacing a folder already
 * there.  With RENAME_EXCHANGE the two swap in one step, so dst is always a
 * whole database, old or new; then the old one (now at tmp) is deleted.
 * Where the file system cannot exchange, the old one is renamed away
 * first (dst is briefly absent, never partial), the new one renamed in,
 * and the old one deleted.  A kill at any point leaves dst whole or absent,
 * plus a .tmp/.old folder that the next builder removes. */
static int publish(const char *trace, const char *tmp, const char *dst, const char *old_name)
{
	struct stat st;
	char *old;
	int ret = 0;

	old = dbb_path(tmp, "owner"); /* not part of what is published */
	if (!old)
		return -ENOMEM;
	unlink(old);
	free(old);
	/* the files are synced; their folder entries too */
	if (dbb_fsync_tree(tmp) < 0)
		return -EIO;
	if (lstat(dst, &st) < 0) {
		if (rename(tmp, dst) < 0)
			return -errno;
		return dbb_fsync_dir(trace);
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
		dbb_fsync_dir(trace);
		return dbb_rmtree(tmp);
	}
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	old = dbb_path(trace, old_name);
	if (!old)
		return -ENOMEM;
	if (rename(dst, old) < 0 || rename(tmp, dst) < 0)
		ret = -errno;
	dbb_fsync_dir(trace);
	if (!ret)
		ret = dbb_rmtree(old);
	free(old);
	return ret;
}

/* ---- the three modes ------------------------------------------------------ */

/* The merge's progress line: "merging: D / T instructions merged (P%)",
 * each image weighing its instructions, each of its merge steps an equal
 * part of that (serve parses it as the "merge" phase). */
struct merge_prog {
	struct build *b;
	uint64_t base, weight, total;
};

static uint64_t image_insns(const struct dbb_image *im)
{
	if (!im->stream || !im->n_chunks)
		return 0;
	return hs_trace_file_chunk_info(im->stream, im->n_chunks - 1)->first_t;
}

static void merge_step_line(void *ctx, unsigned step, unsigned steps)
{
	struct merge_prog *mp = ctx;
	uint64_t done = mp->base + mp->weight * step / (steps ? steps : 1);

	fprintf(mp->b->log, "\rmerging: %" PRIu64 " / %" PRIu64 " instructions merged (%.0f%%)%s",
		done, mp->total, mp->total ? 100.0 * (double)done / (double)mp->total : 100.0,
		done >= mp->total ? "\n" : "");
	fflush(mp->b->log);
}

/* One image's merge, and what it loaded for it freed again. */
static int merge_one(struct build *b, size_t i, char **shard_dirs, const char *tmp,
		     struct dbb_image_result *res, struct hs_dbb_err *err)
{
	struct dbb_image *im = &b->img[i];
	int ret = dbb_merge_image(im, shard_dirs, b->n, tmp, b->o->level, b->log, res, err);

	/* what the merge loaded again (code.hst) goes with it: one image
	 * at a time per merging thread, however many the recording has */
	hs_trace_code_free(im->code);
	im->code = NULL;
	dbb_lsrc_free(im->lsrc);
	im->lsrc = NULL;
	if (!ret && res->truncated)
		fprintf(b->log, "hindsight build: warning: %s: built up to t=%" PRIu64
			" (%" PRIu64 " chunks); the rest of the recording does not decode\n",
			im->name, res->instructions, res->chunks);
	return ret;
}

/* The small images (dbb_merge_small: each merges in one thread) merge side
 * by side, each thread taking the next; the first failure stops the rest. */
struct merge_pool {
	struct build *b;
	char **shard_dirs;
	const char *tmp;
	struct dbb_image_result *res;
	struct merge_prog *mp;
	pthread_mutex_t lock;
	size_t next;
	int ret;
};

static void *pool_main(void *arg)
{
	struct merge_pool *p = arg;
	struct hs_dbb_err err = { "" };

	for (;;) {
		size_t i;
		int ret;
		bool stop;

		pthread_mutex_lock(&p->lock);
		while (p->next < p->b->n_img && !dbb_merge_small(&p->b->img[p->next]))
			p->next++;
		i = p->next++;
		stop = i >= p->b->n_img || p->ret; /* p->ret: under the lock */
		pthread_mutex_unlock(&p->lock);
		if (stop)
			break;
		ret = merge_one(p->b, i, p->shard_dirs, p->tmp, &p->res[i], &err);
		pthread_mutex_lock(&p->lock);
		if (ret && !p->ret) {
			p->ret = ret;
			dbb_err_set(p->b->err, "%s", err.msg);
		}
		if (p->mp) {
			p->mp->weight = image_insns(&p->b->img[i]);
			merge_step_line(p->mp, 1, 1);
			p->mp->base += p->mp->weight;
		}
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* How many small images merge at once: one per CPU (or --threads), at
 * most MERGE_WIDTH_MAX (each holds its code table and debug information:
 * tens of MB), fewer when the open-files limit would not hold each one's
 * shard files (about MERGE_FDS_PER_SHARD each, and as many for its
 * output). */
#define MERGE_WIDTH_MAX 8
#define MERGE_FDS_PER_SHARD 16
static unsigned merge_width(const struct build *b)
{
	unsigned w = b->o->threads ? b->o->threads : dbb_compress_threads();
	uint64_t per = (uint64_t)(b->n + 1) * MERGE_FDS_PER_SHARD;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		/* half the limit: the images' streams and the rest stay open too */
		uint64_t fit = (uint64_t)rl.rlim_cur / 2 / per;

		if (fit < w)
			w = (unsigned)fit;
	}
	return w ? w : 1;
}

static int merge_small(struct build *b, char **shard_dirs, const char *tmp,
		       struct dbb_image_result *res, struct merge_prog *mp)
{
	struct merge_pool p = { .b = b, .shard_dirs = shard_dirs, .tmp = tmp, .res = res,
				.mp = b->o->progress && mp->total ? mp : NULL };
	unsigned w = merge_width(b), started = 0;
	pthread_t th[MERGE_WIDTH_MAX];

	pthread_mutex_init(&p.lock, NULL);
	if (w > MERGE_WIDTH_MAX)
		w = MERGE_WIDTH_MAX;
	for (unsigned k = 1; k < w; k++)
		if (pthread_create(&th[started], NULL, pool_main, &p) == 0)
			started++;
	pool_main(&p);
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&p.lock);
	return p.ret;
}

/* Merges every image from shards_root/<s>/ (or shard_dirs) into tmp: the
 * big ones one after another, each with the merge's threads, then the
 * small ones side by side. */
static int merge_all(struct build *b, char **shard_dirs, const char *tmp,
		     uint64_t *insns)
{
	struct dbb_image_result *res = calloc(b->n_img + 1, sizeof(*res));
	struct merge_prog mp = { .b = b };
	int ret = 0;

	if (!res)
		return -ENOMEM;
	for (size_t i = 0; i < b->n_img; i++)
		mp.total += image_insns(&b->img[i]);
	if (b->o->progress)
		fprintf(b->log, "merging %zu image%s...\n", b->n_img, b->n_img == 1 ? "" : "s");
	for (size_t i = 0; i < b->n_img && !ret; i++) {
		if (dbb_merge_small(&b->img[i]))
			continue;
		if (b->o->progress && mp.total) {
			mp.weight = image_insns(&b->img[i]);
			b->img[i].merge_step = merge_step_line;
			b->img[i].merge_ctx = &mp;
		}
		ret = merge_one(b, i, shard_dirs, tmp, &res[i], b->err);
		mp.base += mp.weight;
	}
	if (!ret)
		ret = merge_small(b, shard_dirs, tmp, res, &mp);
	if (!ret)
		ret = write_manifest(b, tmp, res, insns);
	for (size_t i = 0; i < b->n_img; i++)
		if (res[i].truncated || !image_whole(&b->img[i]))
			b->incomplete = true;
	free(res);
	return ret;
}

static char **shard_dir_list(const char *root, unsigned n, bool named)
{
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (unsigned s = 0; s < n; s++) {
		char name[48];

		if (named)
			snprintf(name, sizeof(name), "%uof%u", s, n);
		else
			snprintf(name, sizeof(name), "%u", s);
		v[s] = dbb_path(root, name);
		if (!v[s]) {
			for (unsigned k = 0; k < s; k++)
				free(v[k]);
			free(v);
			return NULL;
		}
	}
	return v;
}

static void shard_dir_free(char **v, unsigned n)
{
	if (!v)
		return;
	for (unsigned s = 0; s < n; s++)
		free(v[s]);
	free(v);
}

/* --merge without --shards: the N of TRACE/.db.shards/<i>of<N>. */
static int detect_shards(const char *root, unsigned *n, struct hs_dbb_err *err)
{
	DIR *d = opendir(root);
	struct dirent *e;
	unsigned found = 0;

	if (!d) {
		dbb_err_set(err, "%s: %s (build shards first with --shard i/N)", root,
			    strerror(errno));
		return -ENOENT;
	}
	while ((e = readdir(d))) {
		unsigned i, k;
		char tail;

		if (sscanf(e->d_name, "%uof%u%c", &i, &k, &tail) != 2 || i >= k)
			continue;
		if (found && found != k) {
			closedir(d);
			dbb_err_set(err, "%s holds shards of %u and of %u; say which with "
				    "--shards N", root, found, k);
			return -EINVAL;
		}
		found = k;
	}
	closedir(d);
	if (!found) {
		dbb_err_set(err, "%s: no shard folders (build them with --shard i/N)", root);
		return -ENOENT;
	}
	*n = found;
	return 0;
}

/* --shard i/N: one shard, as its own process, published like the db in
 * sroot/<i>of<N>.  *tmp (the caller's, removed on failure) is its
 * folder until it is published. */
static int build_one_shard(struct build *b, const char *sroot, char **tmp, uint64_t *insns,
			   uint64_t *bytes)
{
	const struct hs_dbb_opts *opts = b->o;
	struct hs_dbb_err *err = b->err;
	char name[96], *final = NULL;
	int ret;

	if ((ret = dbb_mkdir(sroot))) {
		dbb_err_set(err, "%s: %s", sroot, strerror(-ret));
		return ret;
	}
	snprintf(name, sizeof(name), ".tmp.%dof%u.%d", opts->shard_index, b->n, (int)getpid());
	*tmp = dbb_path(sroot, name);
	snprintf(name, sizeof(name), "%dof%u", opts->shard_index, b->n);
	final = dbb_path(sroot, name);
	if (!*tmp || !final) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = dbb_mkdir(*tmp)) || (ret = write_owner(*tmp))) {
		dbb_err_set(err, "%s: %s", *tmp, strerror(-ret));
		goto out;
	}
	b->one_shard = true;
	b->only_shard = (unsigned)opts->shard_index;
	b->shards_root = *tmp;
	if ((ret = run_shards(b)))
		goto out;
	snprintf(name, sizeof(name), ".old.%dof%u.%d", opts->shard_index, b->n, (int)getpid());
	if ((ret = publish(sroot, *tmp, final, name))) {
		dbb_err_set(err, "%s: cannot publish: %s", final, strerror(-ret));
		goto out;
	}
	*bytes = dbb_tree_bytes(final);
	*insns = __atomic_load_n(&b->prog.done, __ATOMIC_RELAXED);
out:
	free(final);
	return ret;
}

int hs_dbb_build(const char *trace_dir, const struct hs_dbb_opts *opts,
		 struct hs_dbb_summary *sum, struct hs_dbb_err *err)
{
	struct build b = { .trace = trace_dir, .o = opts, .err = err };
	char *tmp = NULL, *db = NULL, *sroot = NULL;
	char **sdirs = NULL;
	char name[96];
	double t0 = dbb_now();
	struct stat st;
	uint64_t insns = 0;
	int ret;

	memset(sum, 0, sizeof(*sum));
	b.log = opts->log ? opts->log : stderr;
	dbb_warnlog_init(&b.warn, b.log);
	b.n = opts->shards;
	pthread_mutex_init(&b.lock, NULL);
	if (stat(trace_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		dbb_err_set(err, "%s: %s", trace_dir,
			    errno ? strerror(errno) : "not a folder");
		return -ENOENT;
	}
	if (opts->level < 1 || opts->level > 22) {
		dbb_err_set(err, "compression level %d is not in 1..22", opts->level);
		return -EINVAL;
	}
	db = dbb_path(trace_dir, "db");
	sroot = dbb_path(trace_dir, ".db.shards");
	if (!db || !sroot) {
		ret = -ENOMEM;
		goto out;
	}
	remove_stale(trace_dir, ".db.tmp.", b.log);
	remove_stale(trace_dir, ".db.old.", b.log);
	remove_stale(sroot, ".tmp.", b.log);
	remove_stale(sroot, ".old.", b.log);

	if (opts->merge && b.n == 0 && (ret = detect_shards(sroot, &b.n, err)))
		goto out;
	if (b.n == 0 || b.n > 4096 ||
	    (opts->shard_index >= 0 && (unsigned)opts->shard_index >= b.n)) {
		dbb_err_set(err, "bad shard count %u or shard index %d", b.n, opts->shard_index);
		ret = -EINVAL;
		goto out;
	}
	/* a packed recording: mapped files and debug info from the pack */
	b.pack_dir = hs_trace_pack_dir(trace_dir);
	if ((ret = dbb_lcache_new(&b.warn, b.pack_dir, &b.lcache)) ||
	    (ret = images_open(&b, !opts->merge)))
		goto out;

	if (opts->shard_index >= 0) {
		if ((ret = build_one_shard(&b, sroot, &tmp, &insns, &sum->db_bytes)))
			goto out;
		goto done;
	}

	snprintf(name, sizeof(name), ".db.tmp.%d", (int)getpid());
	tmp = dbb_path(trace_dir, name);
	if (!tmp) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = dbb_mkdir(tmp)) || (ret = write_owner(tmp))) {
		dbb_err_set(err, "%s: %s", tmp, strerror(-ret));
		goto out;
	}
	if (opts->merge) {
		sdirs = shard_dir_list(sroot, b.n, true);
		if (!sdirs) {
			ret = -ENOMEM;
			goto out;
		}
		for (unsigned s = 0; s < b.n; s++) {
			if (stat(sdirs[s], &st) < 0) {
				dbb_err_set(err, "%s: missing (build it with --shard %u/%u)",
					    sdirs[s], s, b.n);
				ret = -ENOENT;
				goto out;
			}
		}
	} else {
		b.shards_root = dbb_path(tmp, "shards");
		sdirs = b.shards_root ? shard_dir_list(b.shards_root, b.n, false) : NULL;
		if (!sdirs) {
			ret = -ENOMEM;
			goto out;
		}
		if ((ret = dbb_mkdir(b.shards_root)) || (ret = run_shards(&b))) {
			if (!err->msg[0])
				dbb_err_set(err, "%s: %s", b.shards_root, strerror(-ret));
			goto out;
		}
	}
	if ((ret = merge_all(&b, sdirs, tmp, &insns)))
		goto out;
	sum->incomplete = b.incomplete;
	if (b.shards_root && (ret = dbb_rmtree(b.shards_root))) {
		dbb_err_set(err, "%s: %s", b.shards_root, strerror(-ret));
		goto out;
	}
	snprintf(name, sizeof(name), ".db.old.%d", (int)getpid());
	if ((ret = publish(trace_dir, tmp, db, name))) {
		dbb_err_set(err, "%s: cannot publish the database: %s", db, strerror(-ret));
		goto out;
	}
	sum->db_bytes = dbb_tree_bytes(db);
done:
	{
		char *procs = dbb_path(trace_dir, "procs");

		sum->raw_bytes = procs ? dbb_tree_bytes(procs) : 0;
		free(procs);
	}
	sum->instructions = insns;
	sum->images = (unsigned)b.n_img;
	sum->shards = b.n;
	sum->seconds = dbb_now() - t0;
	for (size_t i = 0; i < b.n_img; i++)
		sum->incomplete = sum->incomplete || !image_whole(&b.img[i]);
	ret = 0;
out:
	if (ret && tmp)
		dbb_rmtree(tmp);
	shard_dir_free(sdirs, b.n);
	images_free(&b);
	dbb_lcache_free(b.lcache); /* after the images: they hold its sets */
	free(b.shards_root != tmp ? b.shards_root : NULL);
	free(tmp);
	free(db);
	free(sroot);
	free(b.pack_dir);
	dbb_warnlog_free(&b.warn);
	pthread_mutex_destroy(&b.lock);
	return ret;
}
