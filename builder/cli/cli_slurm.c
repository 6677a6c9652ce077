/* cli_slurm.c - `hindsight build --slurm`: the shards as a Slurm job array,
 * the merge as a job that depends on it, and a wait that reports progress.
 *
 * Two sbatch submissions (scripts/slurm/, found by slurm_script_dir()):
 *   build.sbatch --hindsight EXE TRACE [OPTION...]
 *       --array=0-(N-1): `build --shard i/N`
 *   merge.sbatch --hindsight EXE TRACE N [OPTION...]
 *       --dependency=afterok:<array> and
 *       --kill-on-invalid-dep=yes: `build --merge`
 * Both run this very executable (`--hindsight EXE` before TRACE: an
 * argument, since a site may set SBATCH_EXPORT=NONE) on the trace's
 * absolute path: the cluster's nodes must see both at the same paths (a
 * shared file system).  Their logs go to
 * TRACE/.db.slurm/, removed once the merge has succeeded.
 *
 * Every command is run by fork and exec with an argv (no shell), so trace
 * paths never pass through a shell.  The wait polls
 *   squeue -h -r --states=all --jobs=A,M --format=%F|%K|%T
 * once a second (jobs stay listed for MinJobAge, 300 s by default, after
 * they end), and asks sacct only for a job that has left the queue.
 * TRACE/db only ever appears by rename (dbb_build.c), so a failed or
 * cancelled job leaves the old database or none, never a partial one.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLURM_OUT_CAP (1u << 20) /* squeue of 4096 tasks is about 60 KB */

/* Set by SIGINT/SIGTERM while waiting: the one mutable global, because a
 * signal handler can reach nothing else. */
static volatile sig_atomic_t slurm_stop;

static void slurm_on_signal(int sig)
{
	slurm_stop = sig;
}

struct slurm_run {
	char *out;      /* stdout, NUL-terminated; caller frees */
	char err[512];  /* the last line of stderr, for messages */
	int status;     /* exit status, or -1 when it did not exit */
};

/* Read fd to EOF into a buffer of at most cap bytes (the rest is
 * drained); *out is NUL-terminated, caller frees. */
static int slurm_read_all(int fd, size_t cap, char **out)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size), chunk[4096];
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -errno;
		}
		if (len + (size_t)n + 1 > size && len + (size_t)n + 1 <= cap) {
			char *nb = realloc(buf, size = len + (size_t)n + 4096);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		if (len + (size_t)n + 1 <= size) {
			memcpy(buf + len, chunk, (size_t)n);
			len += (size_t)n;
		}
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

/* The last line of what the memfd holds (the error, after any notes),
 * into r->err. */
static void slurm_last_err_line(int fd, struct slurm_run *r)
{
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof r->err - 1 ? size - (off_t)sizeof r->err + 1 : 0;
	ssize_t n = size > 0 ? pread(fd, r->err, sizeof r->err - 1, from) : 0;
	char *nl;

	n = n > 0 ? n : 0;
	while (n > 0 && (r->err[n - 1] == '\n' || r->err[n - 1] == ' '))
		n--;
	r->err[n] = 0;
	nl = strrchr(r->err, '\n');
	if (nl)
		memmove(r->err, nl + 1, strlen(nl + 1) + 1);
}

/* Run argv[0] (looked up in PATH); fill *r.  0, or -errno when it could
 * not be run. */
static int slurm_run(char *const argv[], struct slurm_run *r)
{
	int pipefd[2], errfd, ret, st;
	pid_t pid;

	memset(r, 0, sizeof *r);
	r->status = -1;
	errfd = memfd_create("slurm-stderr", MFD_CLOEXEC);
	if (errfd < 0)
		return -errno;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		ret = -errno;
		close(errfd);
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    dup2(errfd, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	ret = slurm_read_all(pipefd[0], SLURM_OUT_CAP, &r->out);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			st = -1;
			break;
		}
	}
	if (st != -1 && WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	slurm_last_err_line(errfd, r);
out:
	close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	close(errfd);
	return ret;
}

/* Is name an executable file in one of PATH's folders? */
static bool slurm_in_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *colon;
	char full[PATH_MAX];

	for (p = path ? path : "/usr/bin:/bin"; *p; p = colon + 1) {
		size_t len;

		colon = strchr(p, ':');
		len = colon ? (size_t)(colon - p) : strlen(p);
		if ((size_t)snprintf(full, sizeof full, "%.*s/%s", (int)len, len ? p : ".", name) <
			    sizeof full && access(full, X_OK) == 0)
			return true;
		if (!colon)
			break;
	}
	return false;
}

/* The folder of build.sbatch and merge.sbatch: $HINDSIGHT_SLURM_DIR, else
 * PREFIX/share/hindsight/slurm beside an installed PREFIX/bin/hindsight,
 * else the source tree's scripts/slurm beside build/bin/hindsight. */
static int slurm_script_dir(const char *exe, char *buf, size_t cap)
{
	static const char *const rel[] = { "../share/hindsight/slurm", "../../scripts/slurm" };
	const char *env = getenv("HINDSIGHT_SLURM_DIR");
	const char *slash = strrchr(exe, '/');
	char probe[PATH_MAX];

	if (env && *env) {
		snprintf(buf, cap, "%s", env);
		snprintf(probe, sizeof probe, "%s/build.sbatch", buf);
		return access(probe, R_OK) == 0 ? 0 : -ENOENT;
	}
	for (size_t i = 0; slash && i < sizeof rel / sizeof rel[0]; i++) {
		if ((size_t)snprintf(buf, cap, "%.*s/%s", (int)(slash - exe), exe, rel[i]) >= cap)
			return -ENAMETOOLONG;
		snprintf(probe, sizeof probe, "%s/build.sbatch", buf);
		if (access(probe, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* dst = src with every '%' doubled: sbatch reads %a, %A, ... in --output. */
static int slurm_escape_pct(const char *src, char *dst, size_t cap)
{
	size_t n = 0;

	for (; *src; src++) {
		if (n + 3 > cap)
			return -ENAMETOOLONG;
		if (*src == '%')
			dst[n++] = '%';
		dst[n++] = *src;
	}
	dst[n] = 0;
	return 0;
}

struct slurm_job {
	const char *trace;      /* absolute */
	const char *exe;        /* this executable, absolute */
	const struct cli_slurm_opts *o;
	char scripts[PATH_MAX]; /* build.sbatch, merge.sbatch */
	char logs[PATH_MAX];    /* TRACE/.db.slurm */
	char array_id[32], merge_id[32];
};

/* sbatch --parsable ...: the job id it prints ("123" or "123;cluster").
 * what names the job in messages. */
static int slurm_submit(struct slurm_job *j, char *const argv[], const char *what, char *id,
			size_t cap)
{
	struct slurm_run r;
	int ret = slurm_run(argv, &r);
	size_t n;

	if (ret == 0 && r.status == 0 && r.out) {
		n = strspn(r.out, "0123456789");
		if (n > 0 && n < cap && (r.out[n] == ';' || r.out[n] == '\n' || !r.out[n])) {
			memcpy(id, r.out, n);
			id[n] = 0;
			free(r.out);
			return 0;
		}
	}
	fprintf(stderr, "hindsight build: --slurm: sbatch of %s failed: %s\n", what,
		ret ? strerror(-ret) : r.err[0] ? r.err : r.out && *r.out ? r.out : "no job id");
	free(r.out);
	return ret ? ret : -EIO;
}

/* The options both submissions share, from argv[0]; returns how many. */
static int slurm_head(const struct slurm_job *j, char **argv, const char *name_opt)
{
	int k = 0;

	argv[k++] = "sbatch";
	argv[k++] = "--parsable";
	argv[k++] = (char *)name_opt;
	argv[k++] = "--chdir";
	argv[k++] = (char *)j->trace;
	if (j->o->partition) {
		argv[k++] = "--partition";
		argv[k++] = (char *)j->o->partition;
	}
	return k;
}

/* The shard array, then the merge that waits for it. */
static int slurm_submit_both(struct slurm_job *j)
{
	const struct cli_slurm_opts *o = j->o;
	char array[32], out[PATH_MAX + 16], esc[PATH_MAX * 2], err_out[PATH_MAX + 16];
	char script[PATH_MAX + 16], level[32], n[16], dep[48], threads[32], cpus[40];
	char *argv[32];
	int k, ret;

	if ((ret = slurm_escape_pct(j->logs, esc, sizeof esc)))
		return ret;
	snprintf(array, sizeof array, "--array=0-%u", o->shards - 1);
	snprintf(out, sizeof out, "--output=%s/shard-%%a.out", esc);
	snprintf(script, sizeof script, "%s/build.sbatch", j->scripts);
	snprintf(level, sizeof level, "--compression-level=%d", o->level);
	k = slurm_head(j, argv, "--job-name=hindsight-build");
	argv[k++] = array;
	argv[k++] = out;
	argv[k++] = script;
	argv[k++] = "--hindsight";
	argv[k++] = (char *)j->exe;
	argv[k++] = (char *)j->trace;
	argv[k++] = level;
	argv[k] = NULL;
	if ((ret = slurm_submit(j, argv, "the shard array", j->array_id, sizeof j->array_id)))
		return ret;

	/* afterok on an array: once every task has succeeded; a failed one
	 * makes the dependency invalid and Slurm cancels the merge */
	snprintf(dep, sizeof dep, "--dependency=afterok:%s", j->array_id);
	snprintf(out, sizeof out, "--output=%s/merge.out", esc);
	snprintf(err_out, sizeof err_out, "--error=%s/merge.err", esc);
	snprintf(script, sizeof script, "%s/merge.sbatch", j->scripts);
	snprintf(n, sizeof n, "%u", o->shards);
	snprintf(cpus, sizeof cpus, "--cpus-per-task=%u", o->threads ? o->threads : 1);
	snprintf(threads, sizeof threads, "--threads=%u", o->threads);
	k = slurm_head(j, argv, "--job-name=hindsight-merge");
	argv[k++] = dep;
	argv[k++] = "--kill-on-invalid-dep=yes";
	argv[k++] = out;
	argv[k++] = err_out;
	argv[k++] = cpus;
	argv[k++] = script;
	argv[k++] = "--hindsight";
	argv[k++] = (char *)j->exe;
	argv[k++] = (char *)j->trace;
	argv[k++] = n;
	argv[k++] = level;
	if (o->threads)
		argv[k++] = threads;
	argv[k] = NULL;
	return slurm_submit(j, argv, "the merge job", j->merge_id, sizeof j->merge_id);
}

/* scancel the jobs submitted so far (quietly: they may have ended). */
static void slurm_cancel(struct slurm_job *j)
{
	char *argv[] = { "scancel", j->array_id, j->merge_id, NULL };
	struct slurm_run r;

	if (!j->array_id[0])
		return;
	if (!j->merge_id[0])
		argv[2] = NULL;
	if (slurm_run(argv, &r) == 0)
		free(r.out);
}

enum slurm_state { ST_UNSEEN, ST_PENDING, ST_RUNNING, ST_DONE, ST_FAILED };

/* A Slurm job state name, in the four kinds the wait tells apart. */
static enum slurm_state slurm_state_of(const char *s)
{
	static const char *const failed[] = {
		"FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
		"DEADLINE", "PREEMPTED", "REVOKED", "SPECIAL_EXIT",
	};

	if (!strcmp(s, "COMPLETED"))
		return ST_DONE;
	if (!strcmp(s, "PENDING") || !strncmp(s, "REQUEUE", 7) || !strcmp(s, "RESV_DEL_HOLD"))
		return ST_PENDING;
	for (size_t i = 0; i < sizeof failed / sizeof failed[0]; i++)
		if (!strncmp(s, failed[i], strlen(failed[i])))
			return ST_FAILED;
	return ST_RUNNING;
}

struct slurm_poll {
	enum slurm_state *task;  /* per array index */
	char task_state[32];     /* the state name of the first failed task */
	int failed_task;         /* its index, or -1 */
	enum slurm_state merge;
	char merge_state[32];
	int counts[5];           /* tasks per enum slurm_state */
};

/* One line of squeue's "%F|%K|%T" into p. */
static void slurm_poll_line(const struct slurm_job *j, char *line, struct slurm_poll *p)
{
	char *f = line, *k = strchr(line, '|'), *t;
	enum slurm_state st;
	unsigned long idx;
	char *end;

	if (!k || !(t = strchr(k + 1, '|')))
		return;
	*k++ = 0;
	*t++ = 0;
	st = slurm_state_of(t);
	if (!strcmp(f, j->merge_id)) {
		p->merge = st;
		snprintf(p->merge_state, sizeof p->merge_state, "%s", t);
		return;
	}
	if (strcmp(f, j->array_id))
		return;
	errno = 0;
	idx = strtoul(k, &end, 10);
	if (errno || *end || end == k || idx >= j->o->shards)
		return;
	p->task[idx] = st;
	if (st == ST_FAILED && p->failed_task < 0) {
		p->failed_task = (int)idx;
		snprintf(p->task_state, sizeof p->task_state, "%s", t);
	}
}

/* Ask squeue where both jobs are; 0, or -EIO (message in err). */
static int slurm_poll_once(const struct slurm_job *j, struct slurm_poll *p, char *err,
			   size_t cap)
{
	char jobs[80];
	char *argv[] = { "squeue", "-h", "-r", "--states=all", jobs, "--format=%F|%K|%T", NULL };
	struct slurm_run r;
	char *line, *nl;
	int ret;

	snprintf(jobs, sizeof jobs, "--jobs=%s,%s", j->array_id, j->merge_id);
	ret = slurm_run(argv, &r);
	if (ret || r.status != 0) {
		snprintf(err, cap, "squeue: %s", ret ? strerror(-ret) : r.err[0] ? r.err :
			 "failed");
		free(r.out);
		return -EIO;
	}
	for (unsigned i = 0; i < j->o->shards; i++)
		p->task[i] = ST_UNSEEN;
	p->failed_task = -1;
	p->merge = ST_UNSEEN;
	for (line = r.out; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		slurm_poll_line(j, line, p);
	}
	memset(p->counts, 0, sizeof p->counts);
	for (unsigned i = 0; i < j->o->shards; i++)
		p->counts[p->task[i]]++;
	free(r.out);
	return 0;
}

/* The last lines of a job's log, to stderr, indented. */
static void slurm_log_tail(const char *path)
{
	char ring[5][256];
	unsigned n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(ring[n % 5], sizeof ring[0], f))
		n++;
	fclose(f);
	for (unsigned i = n > 5 ? n - 5 : 0; i < n; i++)
		fprintf(stderr, "  | %s%s", ring[i % 5], strchr(ring[i % 5], '\n') ? "" : "\n");
}

/* A job that left squeue: its state as sacct tells (ST_UNSEEN when
 * accounting is off or sacct is missing). */
static enum slurm_state slurm_sacct_state(const char *id, char *name, size_t cap)
{
	char *argv[] = { "sacct", "-n", "-P", "-X", "-j", (char *)id, "--format=State", NULL };
	struct slurm_run r;
	enum slurm_state st = ST_UNSEEN;

	if (slurm_run(argv, &r) == 0 && r.status == 0 && r.out && *r.out) {
		r.out[strcspn(r.out, " \n")] = 0;
		snprintf(name, cap, "%s", r.out);
		st = slurm_state_of(r.out);
	}
	free(r.out);
	return st;
}

/* Say which job ended how, and where its log is. */
static void slurm_report_failure(const struct slurm_job *j, int task, const char *state)
{
	char log[PATH_MAX + 32];

	if (task >= 0) {
		snprintf(log, sizeof log, "%s/shard-%d.out", j->logs, task);
		fprintf(stderr, "hindsight build: --slurm: shard %d of %u (job %s_%d) ended %s; "
			"its log, %s, ends:\n", task, j->o->shards, j->array_id, task, state, log);
	} else {
		snprintf(log, sizeof log, "%s/merge.err", j->logs);
		fprintf(stderr, "hindsight build: --slurm: the merge (job %s) ended %s; its log, "
			"%s, ends:\n", j->merge_id, state, log);
	}
	slurm_log_tail(log);
	if (task < 0)
		fprintf(stderr, "hindsight build: the shards stay in %s/.db.shards: `hindsight "
			"build --merge --shards %u %s` retries the merge alone\n", j->trace,
			j->o->shards, j->trace);
}

/* One progress line to stderr when it differs from the last one. */
static void slurm_progress(const struct slurm_job *j, const struct slurm_poll *p, char *last,
			   size_t cap)
{
	char now[192];

	if (p->merge == ST_RUNNING)
		snprintf(now, sizeof now, "slurm: %u shards done; merging (job %s)", j->o->shards,
			 j->merge_id);
	else
		snprintf(now, sizeof now, "slurm: shards (job %s): %d done, %d running, %d pending",
			 j->array_id, p->counts[ST_DONE], p->counts[ST_RUNNING],
			 p->counts[ST_PENDING] + p->counts[ST_UNSEEN]);
	if (strcmp(now, last)) {
		fprintf(stderr, "%s\n", now);
		snprintf(last, cap, "%s", now);
	}
}

/* Poll until the merge has ended (0) or something failed (1, said). */
static int slurm_wait(struct slurm_job *j, struct slurm_poll *p)
{
	const struct timespec second = { 1, 0 };
	char err[600] = "", last[192] = "", state[32];
	int lost = 0;

	for (;; nanosleep(&second, NULL)) {
		if (slurm_stop)
			return 1;
		if (slurm_poll_once(j, p, err, sizeof err) != 0 ||
		    (p->merge == ST_UNSEEN && p->counts[ST_UNSEEN] == (int)j->o->shards)) {
			/* both left the queue, or the controller does not answer
			 * (squeue retries for itself: this is a minute or more) */
			if (++lost < 60)
				continue;
			switch (slurm_sacct_state(j->merge_id, state, sizeof state)) {
			case ST_DONE:
				fprintf(stderr, "slurm: merged (job %s, as sacct tells)\n", j->merge_id);
				return 0;
			case ST_FAILED:
				slurm_report_failure(j, -1, state);
				return 1;
			default:
				fprintf(stderr, "hindsight build: --slurm: lost track of jobs %s and %s "
					"(%s); see %s\n", j->array_id, j->merge_id,
					err[0] ? err : "no longer in squeue, no accounting", j->logs);
				return 1;
			}
		}
		lost = 0;
		err[0] = 0;
		if (p->failed_task >= 0) {
			slurm_report_failure(j, p->failed_task, p->task_state);
			return 1;
		}
		if (p->merge == ST_FAILED) {
			slurm_report_failure(j, -1, p->merge_state);
			return 1;
		}
		if (p->merge == ST_DONE) {
			fprintf(stderr, "slurm: %u shards done (job %s), merged (job %s)\n",
				j->o->shards, j->array_id, j->merge_id);
			return 0;
		}
		slurm_progress(j, p, last, sizeof last);
	}
}

/* Remove the job logs in dir (shard-<k>.out, merge.out, merge.err: an
 * earlier run's too), then dir itself if nothing else is in it. */
static void slurm_clear_logs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if ((!strncmp(e->d_name, "shard-", 6) && n > 4 && !strcmp(e->d_name + n - 4, ".out")) ||
		    !strcmp(e->d_name, "merge.out") || !strcmp(e->d_name, "merge.err"))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	rmdir(dir);
}

/* After success: the merge's summary to stdout, the logs removed. */
static void slurm_finish(const struct slurm_job *j)
{
	char path[PATH_MAX + 32], line[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/merge.out", j->logs);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof line, f))
			fputs(line, stdout);
		fclose(f);
	}
	slurm_clear_logs(j->logs);
}

/* Absolute paths of this executable and the trace; the scripts' folder. */
static int slurm_paths(struct slurm_job *j, const char *trace, char *exe, char *tabs)
{
	int ret;

	if (!realpath("/proc/self/exe", exe)) {
		ret = -errno;
		fprintf(stderr, "hindsight build: --slurm: /proc/self/exe: %s\n", strerror(-ret));
		return ret;
	}
	if (!realpath(trace, tabs)) {
		ret = -errno;
		fprintf(stderr, "hindsight build: --slurm: %s: %s\n", trace, strerror(-ret));
		return ret;
	}
	if ((ret = slurm_script_dir(exe, j->scripts, sizeof j->scripts))) {
		fprintf(stderr, "hindsight build: --slurm: cannot find build.sbatch beside %s "
			"(in ../share/hindsight/slurm or ../../scripts/slurm); set "
			"HINDSIGHT_SLURM_DIR to the folder of scripts/slurm\n", exe);
		return ret;
	}
	if ((size_t)snprintf(j->logs, sizeof j->logs, "%s/.db.slurm", tabs) >= sizeof j->logs)
		return -ENAMETOOLONG;
	slurm_clear_logs(j->logs); /* an earlier run's would mislead */
	if (mkdir(j->logs, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		fprintf(stderr, "hindsight build: --slurm: %s: %s\n", j->logs, strerror(-ret));
		return ret;
	}
	j->exe = exe;
	j->trace = tabs;
	return 0;
}

int cli_build_slurm(const char *trace, const struct cli_slurm_opts *o)
{
	static const char *const tools[] = { "sbatch", "squeue", "scancel" };
	struct slurm_job j = { .o = o };
	struct slurm_poll p = { .failed_task = -1 };
	struct sigaction sa = { .sa_handler = slurm_on_signal }, old_int, old_term;
	char exe[PATH_MAX], tabs[PATH_MAX];
	struct timespec t0, t1;
	int rc = 1;

	for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		if (!slurm_in_path(tools[i])) {
			fprintf(stderr, "hindsight build: --slurm: %s is not installed (not on "
				"PATH): run this on a Slurm login node, or install Slurm's client "
				"(Debian: apt-get install slurm-client)\n", tools[i]);
			return 1;
		}
	}
	if (slurm_paths(&j, trace, exe, tabs))
		return 1;
	p.task = calloc(o->shards, sizeof *p.task);
	if (!p.task)
		return 1;
	slurm_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (slurm_submit_both(&j) == 0) {
		fprintf(stderr, "slurm: %u shards of %s: job array %s, merge job %s (logs in %s)\n",
			o->shards, j.trace, j.array_id, j.merge_id, j.logs);
		rc = slurm_wait(&j, &p);
	}
	if (slurm_stop) {
		fprintf(stderr, "hindsight build: --slurm: %s; cancelling jobs %s %s\n",
			strsignal(slurm_stop), j.array_id, j.merge_id);
		rc = 128 + slurm_stop;
	}
	if (rc) {
		slurm_cancel(&j);
		rmdir(j.logs); /* only when no job wrote a log */
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "slurm: built in %.1f s (queue waits included)\n",
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		slurm_finish(&j);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(p.task);
	return rc;
}
