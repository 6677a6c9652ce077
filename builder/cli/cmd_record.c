/* cmd_record.c - `hindsight record`: run a program under the recorder.
 *
 * The recording folder is created first with meta.json saying "recording";
 * only after the program and every recorded process have finished does
 * meta.json say "complete".  A killed recorder therefore leaves a trace that
 * `info` reports as incomplete, never one that looks whole.
 */
#include "cli.h"
#include "hindsight/trace_format.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RECORDER_VERSION "0.1.0"

extern char **environ;

struct record_opts {
	const char *out_dir;
	int force;
	int level;
	int chunk_kb;     /* 0: the recorder's default */
	unsigned long long max_insns; /* 0: no cap */
	char **prog_argv; /* PROG ARGS..., NULL-terminated (borrowed argv) */
};

static pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hindsight record [-o TRACE_DIR] [--force] [--level N] [--chunk-kb N]\n"
		   "                        [--max-instructions N] [--] PROG [ARGS...]\n"
		   "  -o TRACE_DIR  where to write the recording (default: a new folder under\n"
		   "                ~/.local/share/hindsight, with a 'latest' link)\n"
		   "  --force       replace TRACE_DIR if it is an existing recording\n"
		   "  --level N     zstd level used while recording, 1..19 (default 1)\n"
		   "  --chunk-kb N  raw KiB between sync points, 16..16384 (default 128):\n"
		   "                smaller answers queries faster, larger records smaller\n"
		   "  --max-instructions N  a process that has run N instructions gets SIGXCPU\n"
		   "                (SIGKILL if it goes on), checked at each chunk: its\n"
		   "                recording ends there (default: no cap)\n");
}

static int parse(int argc, char **argv, struct record_opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	o->level = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			o->out_dir = argv[++i];
		} else if (strcmp(a, "--force") == 0) {
			o->force = 1;
		} else if (strcmp(a, "--level") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 1 || v > 19) {
				fprintf(stderr, "hindsight record: --level must be 1..19\n");
				return -EINVAL;
			}
			o->level = (int)v;
		} else if (strcmp(a, "--chunk-kb") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 16 || v > 16384) {
				fprintf(stderr, "hindsight record: --chunk-kb must be 16..16384\n");
				return -EINVAL;
			}
			o->chunk_kb = (int)v;
		} else if (strcmp(a, "--max-instructions") == 0 && i + 1 < argc) {
			char *end;
			unsigned long long v;

			errno = 0;
			v = strtoull(argv[++i], &end, 10);
			if (errno || *end || argv[i][0] < '0' || argv[i][0] > '9' || v < 1 ||
			    v > (1ull << 62)) {
				fprintf(stderr, "hindsight record: --max-instructions must be 1..2^62\n");
				return -EINVAL;
			}
			o->max_insns = v;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (a[0] == '-') {
			fprintf(stderr, "hindsight record: unknown option '%s'\n", a);
			usage(stderr);
			return -EINVAL;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "hindsight record: no program given\n");
		usage(stderr);
		return -EINVAL;
	}
	o->prog_argv = argv + i;
	return 0;
}

/* PATH lookup as execvp does it; -ENOENT or -EACCES like the shell's 127/126. */
static int resolve_program(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	int saw_eacces = 0;

	if (strchr(name, '/')) {
		if (access(name, F_OK) != 0)
			return -ENOENT;
		if (!realpath(name, out))
			return -errno;
		return access(out, X_OK) == 0 ? 0 : -EACCES;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		char cand[PATH_MAX];
		struct stat st;
		snprintf(cand, sizeof cand, "%.*s/%s", (int)len, len ? path : ".", name);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				if (!realpath(cand, out))
					return -errno;
				return 0;
			}
			saw_eacces = 1;
		}
		path += len + (colon ? 1 : 0);
	}
	(void)cap;
	return saw_eacces ? -EACCES : -ENOENT;
}

/* Only 64-bit x86 ELF files (or #! scripts) can be recorded, and never
 * setuid ones: Valgrind cannot run those with their privileges. */
static int check_target(const char *path)
{
	unsigned char h[20];
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "hindsight record: %s: is a directory\n", path);
		return -EISDIR;
	}
	if (st.st_mode & (S_ISUID | S_ISGID)) {
		fprintf(stderr, "hindsight record: %s: setuid/setgid programs cannot be recorded\n", path);
		return -EPERM;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hindsight record: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	n = read(fd, h, sizeof h);
	close(fd);
	if (n >= 2 && h[0] == '#' && h[1] == '!')
		return 0;
	if (n < 20 || memcmp(h, "\177ELF", 4) != 0) {
		fprintf(stderr, "hindsight record: %s: not an ELF executable or script\n", path);
		return -ENOEXEC;
	}
	if (h[4] != 2 || h[18] != 62 /* EM_X86_64 */) {
		fprintf(stderr, "hindsight record: %s: only 64-bit x86-64 programs can be recorded "
			"(this one is %s)\n", path, h[4] == 1 ? "32-bit" : "for another machine");
		return -ENOEXEC;
	}
	return 0;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p) < 0 ? -1 : 0;
}

static int is_empty_dir(const char *dir)
{
	struct dirent *de;
	int empty = 1;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

/* Create TRACE_DIR, or the next free default folder. */
static int make_trace_dir(const struct record_opts *o, const char *prog, char *out, size_t cap)
{
	char meta[PATH_MAX];
	const char *base_name;
	int k;

	if (o->out_dir) {
		if (mkdir(o->out_dir, 0755) == 0)
			goto done;
		if (errno != EEXIST) {
			fprintf(stderr, "hindsight record: cannot create %s: %s\n", o->out_dir, strerror(errno));
			return -errno;
		}
		if (!o->force) {
			fprintf(stderr, "hindsight record: %s already exists; use --force to replace it\n", o->out_dir);
			return -EEXIST;
		}
		snprintf(meta, sizeof meta, "%s/meta.json", o->out_dir);
		if (access(meta, F_OK) != 0 && !is_empty_dir(o->out_dir)) {
			fprintf(stderr, "hindsight record: %s is not a Hindsight recording; refusing to replace it\n", o->out_dir);
			return -EEXIST;
		}
		if (nftw(o->out_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 ||
		    mkdir(o->out_dir, 0755) < 0) {
			fprintf(stderr, "hindsight record: cannot replace %s: %s\n", o->out_dir, strerror(errno));
			return -errno;
		}
done:
		if (!realpath(o->out_dir, out))
			return -errno;
		return 0;
	}

	{
		char base[PATH_MAX], link_tmp[PATH_MAX], link[PATH_MAX];
		const char *env = getenv("HINDSIGHT_TRACE_DIR");
		const char *xdg = getenv("XDG_DATA_HOME");
		const char *home = getenv("HOME");
		if (env)
			snprintf(base, sizeof base, "%s", env);
		else if (xdg)
			snprintf(base, sizeof base, "%s/hindsight", xdg);
		else
			snprintf(base, sizeof base, "%s/.local/share/hindsight", home ? home : "/tmp");
		for (char *s = base + 1; *s; s++) {
			if (*s == '/') {
				*s = 0;
				mkdir(base, 0755);
				*s = '/';
			}
		}
		if (mkdir(base, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "hindsight record: cannot create %s: %s\n", base, strerror(errno));
			return -errno;
		}
		base_name = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
		for (k = 0; k < 100000; k++) {
			snprintf(out, cap, "%s/%s-%d", base, base_name, k);
			if (mkdir(out, 0755) == 0)
				break;
			if (errno != EEXIST) {
				fprintf(stderr, "hindsight record: cannot create %s: %s\n", out, strerror(errno));
				return -errno;
			}
		}
		snprintf(link_tmp, sizeof link_tmp, "%s/.latest.%d", base, (int)getpid());
		snprintf(link, sizeof link, "%s/latest", base);
		unlink(link_tmp);
		if (symlink(strrchr(out, '/') + 1, link_tmp) == 0)
			rename(link_tmp, link);
	}
	return 0;
}

static void iso_time(time_t t, char *buf, size_t cap)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Atomic replace: readers see the old or the new meta.json, never half. */
static json_object *string_array(char **v)
{
	json_object *a = json_object_new_array();

	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static json_object *initial_meta(const struct record_opts *o, const char *prog)
{
	json_object *m = json_object_new_object();
	char cwd[PATH_MAX], when[64], host[256];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	iso_time(ts.tv_sec, when, sizeof when);
	if (!getcwd(cwd, sizeof cwd))
		snprintf(cwd, sizeof cwd, "?");
	if (gethostname(host, sizeof host) < 0)
		snprintf(host, sizeof host, "?");
	json_object_object_add(m, "format", json_object_new_string("hindsight-trace"));
	json_object_object_add(m, "format_version", json_object_new_int(HS_TRACE_FORMAT_VERSION));
	json_object_object_add(m, "recorder_version", json_object_new_string(RECORDER_VERSION));
	json_object_object_add(m, "status", json_object_new_string("recording"));
	json_object_object_add(m, "recorder_pid", json_object_new_int(getpid()));
	json_object_object_add(m, "command", string_array(o->prog_argv));
	json_object_object_add(m, "program", json_object_new_string(prog));
	json_object_object_add(m, "cwd", json_object_new_string(cwd));
	json_object_object_add(m, "hostname", json_object_new_string(host));
	json_object_object_add(m, "environment", string_array(environ));
	json_object_object_add(m, "start_time", json_object_new_string(when));
	json_object_object_add(m, "start_unix_ns",
			       json_object_new_int64((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec));
	json_object_object_add(m, "zstd_level", json_object_new_int(o->level));
	return m;
}

/* *cpu_s: the CPU seconds (user + system) of the recorder and the
 * program (and of the children they waited for). */
static int run_recorder(const struct record_opts *o, const char *trace, const char *prog,
			int *wstatus, double *cpu_s)
{
	pid_t parent;
	char tool_dir[PATH_MAX], tool[PATH_MAX + 64], out_opt[PATH_MAX + 16], level_opt[32];
	char chunk_opt[32], console_opt[2][64], cap_opt[48];
	char **args;
	int argc = 0, i, n = 0;
	struct sigaction sa, old_int, old_quit, old_term, old_hup;
	struct rusage ru;

	if (cli_tool_dir(tool_dir, sizeof tool_dir) < 0)
		return -ENOENT;
	snprintf(tool, sizeof tool, "%s/hindsight-amd64-linux", tool_dir);
	if (access(tool, X_OK) != 0) {
		fprintf(stderr, "hindsight record: the recorder is missing (%s); run make\n", tool);
		return -ENOENT;
	}
	while (o->prog_argv[argc])
		argc++;
	args = calloc(argc + 16, sizeof *args);
	if (!args)
		return -ENOMEM;
	snprintf(out_opt, sizeof out_opt, "--hs-out=%s/procs", trace);
	snprintf(level_opt, sizeof level_opt, "--hs-level=%d", o->level);
	args[n++] = "valgrind";
	args[n++] = "--tool=hindsight";
	args[n++] = out_opt;
	args[n++] = level_opt;
	if (o->chunk_kb) {
		snprintf(chunk_opt, sizeof chunk_opt, "--hs-chunk-kb=%d", o->chunk_kb);
		args[n++] = chunk_opt;
	}
	if (o->max_insns) {
		snprintf(cap_opt, sizeof cap_opt, "--hs-max-insns=%llu", o->max_insns);
		args[n++] = cap_opt;
	}
	/* what fd 1 and 2 are now: writes that reach them, from any process
	 * and through any fd, are the recording's stdout and stderr */
	for (i = 1; i <= 2; i++) {
		struct stat st;

		if (fstat(i, &st) < 0)
			continue;
		snprintf(console_opt[i - 1], sizeof console_opt[i - 1], "--hs-%s=%ju:%ju",
			 i == 1 ? "stdout" : "stderr", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
		args[n++] = console_opt[i - 1];
	}
	args[n++] = "--trace-children=yes";
	args[n++] = "-q";
	args[n++] = "--vgdb=no"; /* no gdbserver pipes left in /tmp by a kill */
	/* argv[0] exactly as given: valgrind searches PATH as a shell would */
	args[n++] = o->prog_argv[0];
	for (i = 1; i < argc; i++)
		args[n++] = o->prog_argv[i];
	args[n] = NULL;

	/* Like system(): Ctrl-C goes to the program (same process group); we
	 * wait for it to finish recording and forward termination requests. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGQUIT, &sa, &old_quit);
	sa.sa_handler = forward_signal;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	parent = getpid();
	child_pid = fork();
	if (child_pid == 0) {
		/* The recorder dies with this process: a SIGKILLed record
		 * leaves no orphan recording on (its recording then stays
		 * incomplete, as any killed recorder's).  The parent may have
		 * died before the prctl: then at once. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		setenv("VALGRIND_LIB", tool_dir, 1);
		/* Debian's /usr/bin/valgrind is a script that adds LD_LIBRARY_PATH
		 * and GLIBCXX_FORCE_NEW to the program's environment: skip it so
		 * that the program runs as it would natively. */
		if (access("/usr/bin/valgrind.bin", X_OK) == 0)
			execv("/usr/bin/valgrind.bin", args);
		execvp("valgrind", args);
		fprintf(stderr, "hindsight record: cannot run valgrind: %s\n", strerror(errno));
		_exit(127);
	}
	free(args);
	if (child_pid < 0)
		return -errno;
	while (wait4(child_pid, wstatus, 0, &ru) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	*cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return 0;
}

/* Did Valgrind itself fail, so that its exit status is not the program's?
 * When the last image of the first pid has no EXIT record: the recorder
 * writes one at every end of the program (exit_group, a fatal signal),
 * so either
 *  - a signal other than SIGKILL (which no recorder sees) ended it: the
 *    signal was Valgrind's own crash;
 *  - or Valgrind exited on its own: it gave up at start-up (no address
 *    space under ulimit -v) or on what it cannot run ("Unsupported
 *    clone() flags", "Valgrind has to exit now"), without the tool's end.
 * A recording cut short by a full disk (the image's "stopped" file) still
 * exits with the program's status: the program ran on, unrecorded. */
static bool recorder_failed(json_object *m, int wstatus)
{
	json_object *procs = json_object_object_get(m, "processes"), *last = NULL;
	int pid = -1;

	if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
		return false;
	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i);
		int ppid = json_object_get_int(json_object_object_get(p, "pid"));

		if (pid < 0)
			pid = ppid;
		if (ppid == pid)
			last = p;
	}
	if (!last)
		return true; /* not even the first image began */
	if (strcmp(json_object_get_string(json_object_object_get(last, "ended_by")) ?: "",
		   "unknown") != 0)
		return false;
	return !json_object_get_boolean(json_object_object_get(last, "recording_stopped"));
}

static void finish_meta(json_object *m, const char *trace, int wstatus, double seconds,
			double cpu_s)
{
	json_object *ex = json_object_new_object();
	char when[64], why[96];

	cli_meta_images(m, trace);
	if (recorder_failed(m, wstatus)) {
		if (WIFSIGNALED(wstatus))
			snprintf(why, sizeof why, "Valgrind was killed by signal %d (%s)",
				 WTERMSIG(wstatus), sigabbrev_np(WTERMSIG(wstatus)) ?: "?");
		else
			snprintf(why, sizeof why, "Valgrind exited %d",
				 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
		json_object_object_add(ex, "recorder_failed", json_object_new_string(why));
		fprintf(stderr, "hindsight record: the recorder failed before the program ended "
			"(%s; its messages are above): the program's exit status is unknown\n", why);
	} else if (WIFEXITED(wstatus)) {
		json_object_object_add(ex, "status", json_object_new_int(WEXITSTATUS(wstatus)));
	} else if (WIFSIGNALED(wstatus)) {
		json_object_object_add(ex, "signal", json_object_new_int(WTERMSIG(wstatus)));
		json_object_object_add(ex, "signal_name", json_object_new_string(sigabbrev_np(WTERMSIG(wstatus)) ?: "?"));
	}
	iso_time(time(NULL), when, sizeof when);
	json_object_object_add(m, "end_time", json_object_new_string(when));
	json_object_object_add(m, "duration_s", json_object_new_double(seconds));
	/* the playground tells the CPU-time limit's SIGKILL by it */
	json_object_object_add(m, "cpu_s", json_object_new_double(cpu_s));
	json_object_object_add(m, "exit", ex);
}

/* Which images are not complete yet because their process still runs in
 * the background (it outlived the program): those complete later. */
static void say_incomplete(json_object *meta)
{
	if (!cli_meta_say_running("record", meta, "the recording is complete once it ends "
				  "(see hindsight info)"))
		fprintf(stderr, "hindsight: the recording is incomplete\n");
}

int cli_record_main(int argc, char **argv)
{
	struct record_opts o;
	char prog[PATH_MAX], trace[PATH_MAX], procs[PATH_MAX + 8];
	json_object *meta = NULL;
	struct timespec t0, t1;
	int err, wstatus = 0, rc;
	bool failed;
	double cpu_s = 0;

	if (parse(argc, argv, &o) < 0)
		return 2;
	err = resolve_program(o.prog_argv[0], prog, sizeof prog);
	if (err == -ENOENT) {
		fprintf(stderr, "hindsight record: %s: command not found\n", o.prog_argv[0]);
		return 127;
	}
	if (err < 0) {
		fprintf(stderr, "hindsight record: %s: %s\n", o.prog_argv[0],
			err == -EACCES ? "permission denied (not executable)" : strerror(-err));
		return 126;
	}
	if (check_target(prog) < 0)
		return 126;
	if (make_trace_dir(&o, prog, trace, sizeof trace) < 0)
		return 1;
	snprintf(procs, sizeof procs, "%s/procs", trace);
	if (mkdir(procs, 0755) < 0) {
		fprintf(stderr, "hindsight record: cannot create %s: %s\n", procs, strerror(errno));
		return 1;
	}
	meta = initial_meta(&o, prog);
	err = cli_write_meta(trace, meta);
	if (err < 0) {
		fprintf(stderr, "hindsight record: cannot write %s/meta.json: %s\n", trace, strerror(-err));
		json_object_put(meta);
		return 1;
	}
	fprintf(stderr, "hindsight: recording to %s\n", trace);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = run_recorder(&o, trace, prog, &wstatus, &cpu_s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err < 0) {
		json_object_put(meta);
		return 1;
	}
	finish_meta(meta, trace, wstatus,
		    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, cpu_s);
	err = cli_write_meta(trace, meta);
	if (err < 0)
		fprintf(stderr, "hindsight record: cannot write %s/meta.json: %s\n", trace, strerror(-err));
	if (strcmp(json_object_get_string(json_object_object_get(meta, "status")), "complete") != 0)
		say_incomplete(meta);
	failed = json_object_object_get_ex(json_object_object_get(meta, "exit"), "recorder_failed",
					   NULL);
	json_object_put(meta);

	if (failed)
		rc = 125; /* not the program's status: as env, nice, timeout do */
	else if (WIFEXITED(wstatus))
		rc = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		rc = 128 + WTERMSIG(wstatus);
	else
		rc = 1;
	return rc;
}
