/* srv_play_run.c - one playground run: DATA/runs/ID/
 *
 *   request.json   what was asked (lang, code, input, args, flags): the
 *                  editor reopens a run from it (#run=ID)
 *   result.json    the answer of POST /api/run
 *   notebook/      the recording's notebook (written by the server)
 *   box/           the only folder the sandbox may write, bound at its own
 *                  path: main.EXT, stdin, prog, trace/ (the recording and
 *                  its database)
 *
 * Stages, each in the sandbox with its own limits (srv_play_box.c):
 * compile (C, C++, assembly), record (`hindsight record`: Valgrind, with
 * --vgdb=no, and the program), build (`hindsight build`).  The program's
 * stdout and stderr are what the record stage wrote, less the recorder's
 * own "hindsight: ..." lines.
 */
#include "srv_play_i.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_MAX_ARGS 32
#define MiB (1ull << 20)

struct lang {
	const char *name;
	const char *file;        /* the code's file name in box/ */
	bool compiled;
	const char *interp;      /* for scripts */
};

static const struct lang langs[] = {
	{ "c", "main.c", true, NULL },
	{ "cpp", "main.cc", true, NULL },
	{ "asm", "main.s", true, NULL },
	{ "python", "main.py", false, "/usr/bin/python3" },
	{ "sh", "main.sh", false, "/bin/sh" },
	{ "bash", "main.sh", false, "/bin/bash" },
};

/* Limits per stage: CPU s, wall s, processes, file size, address space
 * (per process), memory (the stage as a whole, in its cgroup).  The
 * record stage's memory is the run's (--memory-mb): the program's and
 * Valgrind's; the compiler and the builder are ours, with their needs
 * (the builder takes some 300 MiB for even a small recording). */
static const struct play_stage lim_compile = { .name = "compile", .cpu_s = 10, .wall_s = 15,
	.nproc = 64, .fsize = 64 * MiB, .as = 2048 * MiB, .mem = 1024 * MiB };
static const struct play_stage lim_record = { .name = "record", .cpu_s = 20, .wall_s = 30,
	.nproc = 32, .fsize = 512 * MiB, .as = 4096 * MiB, .mem = PLAY_MEM_DEFAULT };
/* build: a recording cut at the cap by a one-instruction loop (every
 * instruction a superblock of its own) is the slowest to build: 40
 * million of them take 35-39 CPU s here on a busy machine */
static const struct play_stage lim_build = { .name = "build", .cpu_s = 60, .wall_s = 90,
	.nproc = 64, .fsize = 1024 * MiB, .as = 4096 * MiB, .mem = 2048 * MiB };

/* ---- files -------------------------------------------------------------------- */

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len; off += (size_t)n) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			int e = n < 0 ? -errno : -EIO;

			close(fd);
			return e;
		}
	}
	return close(fd) < 0 ? -errno : 0;
}

static int write_json(const char *path, struct json_object *o)
{
	const char *t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);

	return write_file(path, t, strlen(t));
}

/* Every entry under path is a folder or a regular file: the server
 * (root, maybe) then opens the recording and the sources without
 * following a link the user's code left there.  With scrub, what is
 * neither is removed instead (the sandbox is gone: nothing races). */
int play_run_check_tree(const char *path, bool scrub)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int e = 0;

	if (lstat(path, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return 0;
	if (!S_ISDIR(st.st_mode))
		return scrub && unlink(path) == 0 ? 0 : -EPERM;
	d = opendir(path);
	if (!d)
		return -errno;
	while (!e && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, de->d_name) >= sizeof sub)
			e = -ENAMETOOLONG;
		else
			e = play_run_check_tree(sub, scrub);
	}
	closedir(d);
	return e;
}

/* ---- the request ------------------------------------------------------------ */

struct run_req {
	const struct lang *lang;
	const char *code;
	size_t code_len;
	const char *input;
	size_t input_len;
	const char *args[RUN_MAX_ARGS + 1];
	int n_args;
	const char *opt;         /* "-O0" .. "-O2" */
};

static int parse_req(struct json_object *j, struct run_req *r, char *why, size_t cap)
{
	struct json_object *v;
	const char *lang;

	memset(r, 0, sizeof(*r));
	r->opt = "-O0";
	if (!json_object_is_type(j, json_type_object) ||
	    !json_object_object_get_ex(j, "lang", &v) || !json_object_is_type(v, json_type_string)) {
		snprintf(why, cap, "the body must be a JSON object with \"lang\" and \"code\"");
		return -EINVAL;
	}
	lang = json_object_get_string(v);
	for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
		if (!strcmp(lang, langs[i].name))
			r->lang = &langs[i];
	if (!r->lang) {
		snprintf(why, cap, "unknown lang '%.40s' (c, cpp, asm, python, sh, bash)", lang);
		return -EINVAL;
	}
	if (!json_object_object_get_ex(j, "code", &v) || !json_object_is_type(v, json_type_string)) {
		snprintf(why, cap, "\"code\" must be a string");
		return -EINVAL;
	}
	r->code = json_object_get_string(v);
	r->code_len = (size_t)json_object_get_string_len(v);
	r->input = "";
	if (json_object_object_get_ex(j, "input", &v)) {
		if (!json_object_is_type(v, json_type_string)) {
			snprintf(why, cap, "\"input\" must be a string");
			return -EINVAL;
		}
		r->input = json_object_get_string(v);
		r->input_len = (size_t)json_object_get_string_len(v);
	}
	if (json_object_object_get_ex(j, "args", &v)) {
		size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;

		if (!json_object_is_type(v, json_type_array) || n > RUN_MAX_ARGS) {
			snprintf(why, cap, "\"args\" must be an array of at most %d strings", RUN_MAX_ARGS);
			return -EINVAL;
		}
		for (size_t i = 0; i < n; i++) {
			struct json_object *a = json_object_array_get_idx(v, i);

			if (!json_object_is_type(a, json_type_string) ||
			    strlen(json_object_get_string(a)) != (size_t)json_object_get_string_len(a)) {
				snprintf(why, cap, "\"args\" must hold strings (no NUL)");
				return -EINVAL;
			}
			r->args[r->n_args++] = json_object_get_string(a);
		}
	}
	if (json_object_object_get_ex(j, "flags", &v)) {
		const char *f = json_object_get_string(v);

		if (!f || (strcmp(f, "-O0") && strcmp(f, "-O1") && strcmp(f, "-O2"))) {
			snprintf(why, cap, "\"flags\" may be -O0, -O1 or -O2");
			return -EINVAL;
		}
		r->opt = f;
	}
	return 0;
}

/* ---- the stages ------------------------------------------------------------- */

struct run {
	const struct play_run_opts *o;
	struct run_req req;
	char dir[PATH_MAX];      /* DATA/runs/ID */
	char box[PATH_MAX];      /* DATA/runs/ID/box */
	char stdin_path[PATH_MAX];
	const char *hit;         /* the limit hit, or NULL */
	const char *hit_stage;
	struct json_object *times;
};

static int stage(struct run *r, const struct play_stage *lim, const char *const *argv,
		 bool merge, const char *stdin_path, struct play_stage_res *res)
{
	struct play_stage st = *lim;
	char secs[32];
	int e;

	st.argv = argv;
	st.dir = r->box;
	if (!strcmp(lim->name, "record") && r->o->mem_bytes)
		st.mem = r->o->mem_bytes;
	st.merge = merge;
	st.stdin_path = stdin_path;
	e = play_box_run(r->o->box, &st, res);
	if (e < 0)
		return e;
	snprintf(secs, sizeof secs, "%.3f", res->secs);
	json_object_object_add(r->times, lim->name, json_object_new_double_s(res->secs, secs));
	if (!r->hit) {
		int sig = WIFSIGNALED(res->wstatus) ? WTERMSIG(res->wstatus) : 0;

		/* bwrap passes on 128 + the signal that ended its command; the
		 * record stage's is the program's own status (exit_of) */
		if (!sig && strcmp(lim->name, "record") && WIFEXITED(res->wstatus) &&
		    WEXITSTATUS(res->wstatus) > 128)
			sig = WEXITSTATUS(res->wstatus) - 128;

		if (res->wall)
			r->hit = "wall";
		else if (res->memory)
			r->hit = "memory";
		else if (res->processes)
			r->hit = "processes";
		else if (sig == SIGXCPU || (sig == SIGKILL))
			r->hit = "cpu";
		else if (sig == SIGXFSZ)
			r->hit = "file_size";
		if (r->hit)
			r->hit_stage = lim->name;
	}
	return 0;
}

static void add_out(struct json_object *o, const char *key, const char *cut_key,
		    const struct play_out *p)
{
	json_object_object_add(o, key, json_object_new_string_len(p->buf ? p->buf : "", (int)p->len));
	json_object_object_add(o, cut_key, json_object_new_boolean(p->cut));
}

static int compile(struct run *r, struct json_object *ans, bool *ok)
{
	static const char asm_script[] =
		"as -g -o main.o main.s && if nm --defined-only main.o | grep -q ' main$'; "
		"then gcc -g -o prog main.o; else ld -o prog main.o; fi";
	const char *argv[12];
	struct play_stage_res res;
	struct json_object *c = json_object_new_object();
	int n = 0, e;

	*ok = true;
	json_object_object_add(ans, "compile", c);
	if (!r->req.lang->compiled) {
		json_object_object_add(c, "ok", json_object_new_boolean(true));
		json_object_object_add(c, "output", json_object_new_string(""));
		return 0;
	}
	if (!strcmp(r->req.lang->name, "asm")) {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = asm_script;
	} else {
		argv[n++] = strcmp(r->req.lang->name, "c") ? "/usr/bin/g++" : "/usr/bin/gcc";
		argv[n++] = "-g";
		argv[n++] = r->req.opt;
		argv[n++] = "-fdiagnostics-color=never";
		argv[n++] = "-o";
		argv[n++] = "prog";
		argv[n++] = r->req.lang->file;
	}
	argv[n] = NULL;
	e = stage(r, &lim_compile, argv, true, NULL, &res);
	if (e < 0)
		return e;
	*ok = WIFEXITED(res.wstatus) && WEXITSTATUS(res.wstatus) == 0 && !res.wall;
	json_object_object_add(c, "ok", json_object_new_boolean(*ok));
	add_out(c, "output", "truncated", &res.out);
	play_stage_res_free(&res);
	return 0;
}

/* Drops the recorder's own lines from the program's stderr. */
static void strip_recorder(struct play_out *p)
{
	static const char *const lines[] = { "hindsight: recording to ",
					     "hindsight: the recording is incomplete" };

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		char *at = p->buf ? strstr(p->buf, lines[i]) : NULL;
		char *end;

		if (!at || (at != p->buf && at[-1] != '\n'))
			continue;
		end = strchr(at, '\n');
		end = end ? end + 1 : p->buf + p->len;
		memmove(at, end, (size_t)(p->buf + p->len - end) + 1);
		p->len -= (size_t)(end - at);
	}
}

/* Whether record left a recording to build: its meta.json (a killed
 * recorder leaves one, marked incomplete). */
static bool has_recording(const struct run *r)
{
	char path[PATH_MAX + 32];
	struct stat st;

	snprintf(path, sizeof path, "%s/trace/meta.json", r->box);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* exit / signal of the program, from the recording's meta.json (the
 * recorder's exit status says the same less precisely). */
static void exit_of(struct run *r, const struct play_stage_res *res, unsigned cpu_s,
		    struct json_object *ans)
{
	char path[PATH_MAX + 32];
	struct json_object *m = NULL, *ex, *v;
	int fd, status = -1, sig = 0;
	double used = 0;  /* the recorder's and the program's CPU seconds */

	snprintf(path, sizeof path, "%s/trace/meta.json", r->box);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		m = json_object_from_fd(fd);
		close(fd);
	}
	json_object_object_add(ans, "recording_complete", json_object_new_boolean(
		m && json_object_object_get_ex(m, "status", &v) &&
		!strcmp(json_object_get_string(v) ?: "", "complete")));
	if (m && json_object_object_get_ex(m, "cpu_s", &v))
		used = json_object_get_double(v);
	if (m && json_object_object_get_ex(m, "exit", &ex)) {
		if (json_object_object_get_ex(ex, "status", &v))
			status = json_object_get_int(v);
		if (json_object_object_get_ex(ex, "signal", &v))
			sig = json_object_get_int(v);
	} else if (WIFEXITED(res->wstatus)) {
		status = WEXITSTATUS(res->wstatus);
		if (status > 128) {
			sig = status - 128;
			status = -1;
		}
	} else if (WIFSIGNALED(res->wstatus)) {
		sig = WTERMSIG(res->wstatus);
	}
	json_object_put(m);
	/* SIGXCPU at the soft CPU limit; SIGKILL at the hard one (cpu_s + 1)
	 * when the program ignores SIGXCPU */
	if (!r->hit && (sig == SIGXCPU || (sig == SIGKILL && used >= cpu_s)))
		r->hit = "cpu", r->hit_stage = "record";
	if (!r->hit && sig == SIGXFSZ)
		r->hit = "file_size", r->hit_stage = "record";
	json_object_object_add(ans, "exit", status >= 0 && !sig ? json_object_new_int(status) : NULL);
	json_object_object_add(ans, "signal", sig ? json_object_new_string(sigabbrev_np(sig) ?: "?")
					   : NULL);
}

static int record(struct run *r, struct json_object *ans, bool *ok)
{
	const char *argv[RUN_MAX_ARGS + 12];
	const struct lang *l = r->req.lang;
	char cap[32];
	struct play_stage_res res;
	struct play_stage lim = lim_record;
	int n = 0, e;

	if (r->o->record_cpu_s) {
		lim.cpu_s = r->o->record_cpu_s;
		lim.wall_s = r->o->record_cpu_s + 10; /* as 20 / 30: room for a busy machine */
	}
	snprintf(cap, sizeof cap, "%" PRIu64, r->o->record_insns ? r->o->record_insns :
		 (uint64_t)PLAY_INSNS_DEFAULT);
	argv[n++] = r->o->box->hs_exe;
	argv[n++] = "record";
	argv[n++] = "-o";
	argv[n++] = "trace";
	argv[n++] = "--max-instructions";
	argv[n++] = cap;
	argv[n++] = "--";
	if (l->compiled) {
		argv[n++] = "./prog";
	} else {
		argv[n++] = l->interp;
		argv[n++] = l->file;
	}
	for (int i = 0; i < r->req.n_args; i++)
		argv[n++] = r->req.args[i];
	argv[n] = NULL;
	e = stage(r, &lim, argv, false, r->stdin_path, &res);
	if (e < 0)
		return e;
	/* the recorder's cap comes first: it stops the program with SIGXCPU
	 * (SIGKILL if ignored), which would read as the CPU limit */
	if (!r->hit && res.err.buf && strstr(res.err.buf, "hindsight: the instruction cap ("))
		r->hit = "instructions", r->hit_stage = "record";
	strip_recorder(&res.err);
	add_out(ans, "stdout", "stdout_truncated", &res.out);
	add_out(ans, "stderr", "stderr_truncated", &res.err);
	exit_of(r, &res, lim.cpu_s, ans);
	*ok = has_recording(r);
	play_stage_res_free(&res);
	return 0;
}

static int build(struct run *r, bool *ok, char *why, size_t cap)
{
	const char *argv[] = { r->o->box->hs_exe, "build", "trace", NULL };
	char trace[PATH_MAX + 8];
	struct play_stage_res res;
	int e = stage(r, &lim_build, argv, true, NULL, &res);

	if (e < 0)
		return e;
	*ok = WIFEXITED(res.wstatus) && WEXITSTATUS(res.wstatus) == 0 && !res.wall;
	if (!*ok && res.wall) {
		snprintf(why, cap, "the database build ran past its %u s wall-clock limit "
			 "(the machine is busy, or the recording is too large)", lim_build.wall_s);
	} else if (!*ok && WIFSIGNALED(res.wstatus)) {
		snprintf(why, cap, "the database build was killed by signal %d (%s: its %u s CPU "
			 "or %u MiB memory limit?)", WTERMSIG(res.wstatus),
			 strsignal(WTERMSIG(res.wstatus)), lim_build.cpu_s,
			 (unsigned)(lim_build.mem / MiB));
	} else if (!*ok) {
		char *last = res.out.buf ? strrchr(res.out.buf, '\n') : NULL;

		while (last && last > res.out.buf && last[1] == 0) {
			*last = 0;
			last = strrchr(res.out.buf, '\n');
		}
		snprintf(why, cap, "the database build failed: %.300s",
			 last ? last + 1 : res.out.buf ? res.out.buf : "");
	}
	play_stage_res_free(&res);
	snprintf(trace, sizeof trace, "%s/trace", r->box);
	if (*ok && (play_run_check_tree(r->box, true) < 0 || play_run_check_tree(trace, false) < 0)) {
		*ok = false;
		snprintf(why, cap, "the recording holds links or special files: not opened");
	}
	return 0;
}

/* ---- the run ------------------------------------------------------------------- */

static int make_dirs(struct run *r)
{
	char nb[PATH_MAX + 16];
	int e;

	if ((size_t)snprintf(r->dir, sizeof r->dir, "%s/%s", r->o->runs_dir, r->o->id) >= sizeof r->dir ||
	    (size_t)snprintf(r->box, sizeof r->box, "%s/box", r->dir) >= sizeof r->box ||
	    (size_t)snprintf(r->stdin_path, sizeof r->stdin_path, "%s/stdin", r->dir) >=
		    sizeof r->stdin_path)
		return -ENAMETOOLONG;
	snprintf(nb, sizeof nb, "%s/notebook", r->dir);
	if (mkdir(r->dir, 0755) < 0 || mkdir(r->box, 0755) < 0 || mkdir(nb, 0755) < 0)
		return -errno;
	e = play_box_chown(r->o->box, r->box);
	return e;
}

static int write_inputs(struct run *r, struct json_object *req)
{
	char path[PATH_MAX + 32];
	int e;

	snprintf(path, sizeof path, "%s/request.json", r->dir);
	e = write_json(path, req);
	if (!e) {
		snprintf(path, sizeof path, "%s/%s", r->box, r->req.lang->file);
		e = write_file(path, r->req.code, r->req.code_len);
	}
	if (!e)
		e = play_box_chown(r->o->box, path);
	if (!e) /* stdin stays out of box/: the sandbox reads it through fd 0 */
		e = write_file(r->stdin_path, r->req.input, r->req.input_len);
	return e;
}

static int run_stages(struct run *r, struct json_object *ans)
{
	char why[512] = "";
	bool ok = true;
	int e;

	e = compile(r, ans, &ok);
	if (e < 0 || !ok)
		return e;
	e = record(r, ans, &ok);
	/* a limit ends the program, not the run: what was recorded up to
	 * the cut is built (an incomplete recording, when the recorder was
	 * killed with it) and browsable */
	if (e < 0 || !ok)
		return e;
	e = build(r, &ok, why, sizeof why);
	if (e < 0)
		return e;
	if (!ok) {
		json_object_object_add(ans, "error", json_object_new_string(why));
		return 0;
	}
	json_object_object_add(ans, "trace", json_object_new_string(r->o->id));
	return 0;
}

/* What holds the run: "memory" and "processes" are "cgroup" or "rlimit"
 * (then "note" says why there is no cgroup). */
static void add_limits(const struct play_run_opts *o, struct json_object *lim)
{
	const struct play_cg *cg = &o->box->cg;
	uint64_t mem = o->mem_bytes ? o->mem_bytes : PLAY_MEM_DEFAULT;

	json_object_object_add(lim, "memory", json_object_new_string(cg->mem[0] ? "cgroup" : "rlimit"));
	json_object_object_add(lim, "memory_mb", json_object_new_int64(
		(int64_t)((cg->mem[0] ? mem : lim_record.as) >> 20)));
	json_object_object_add(lim, "processes", json_object_new_string(cg->pids[0] ? "cgroup" : "rlimit"));
	json_object_object_add(lim, "processes_max", json_object_new_int((int)lim_record.nproc));
	json_object_object_add(lim, "cgroup", cg->version ? json_object_new_int(cg->version) : NULL);
	if (!cg->mem[0] || !cg->pids[0])
		json_object_object_add(lim, "note", json_object_new_string(cg->note));
}

int play_run(const struct play_run_opts *o, struct json_object *req,
	     struct json_object **answer, char *why, size_t cap)
{
	struct run r = { .o = o };
	struct json_object *ans = NULL, *lim;
	char path[PATH_MAX + 32];
	int e;

	*answer = NULL;
	e = parse_req(req, &r.req, why, cap);
	if (e < 0)
		return e;
	e = make_dirs(&r);
	if (!e)
		e = write_inputs(&r, req);
	if (e < 0) {
		snprintf(why, cap, "cannot prepare the run's folder: %s", strerror(-e));
		return e;
	}
	ans = json_object_new_object();
	r.times = json_object_new_object();
	json_object_object_add(ans, "id", json_object_new_string(o->id));
	json_object_object_add(ans, "lang", json_object_new_string(r.req.lang->name));
	e = run_stages(&r, ans);
	if (e < 0) {
		snprintf(why, cap, "cannot run the sandbox: %s", strerror(-e));
		json_object_put(r.times);
		json_object_put(ans);
		return e;
	}
	if (!json_object_object_get_ex(ans, "stdout", NULL)) {
		json_object_object_add(ans, "stdout", json_object_new_string(""));
		json_object_object_add(ans, "stderr", json_object_new_string(""));
		json_object_object_add(ans, "exit", NULL);
		json_object_object_add(ans, "signal", NULL);
	}
	lim = json_object_new_object();
	json_object_object_add(lim, "hit", r.hit ? json_object_new_string(r.hit) : NULL);
	json_object_object_add(lim, "stage", r.hit_stage ? json_object_new_string(r.hit_stage) : NULL);
	add_limits(o, lim);
	json_object_object_add(ans, "limits", lim);
	json_object_object_add(ans, "seconds", r.times);
	if (!json_object_object_get_ex(ans, "trace", NULL)) {
		json_object_object_add(ans, "trace", NULL);
		json_object_object_add(ans, "url", NULL);
	}
	snprintf(path, sizeof path, "%s/result.json", r.dir);
	e = write_json(path, ans);
	if (e < 0) {
		json_object_put(ans);
		snprintf(why, cap, "cannot write the result: %s", strerror(-e));
		return e;
	}
	*answer = ans;
	return 0;
}
