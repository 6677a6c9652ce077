/* tree_info.c - the text of `hindsight info` and of the tree's info file.
 *
 * "key: value" lines from TRACE/meta.json (written by `hindsight record`).
 * A recording whose meta.json still says "recording" is either in progress
 * (its recorder is alive) or was interrupted; both are incomplete.  Once
 * built, TRACE/db/manifest.json knows better what the files hold: a stream
 * cut short after the recording ended makes the recording incomplete, and
 * an image that execve ended has its exact instruction count there.
 *
 * The headline instructions: and threads: are those of every process
 * image together (each image's own are on its process: line; an OS
 * thread that execve carried into a new image is counted once), and
 * processes/<image>/info holds that image's own lines
 * (hs_tree_image_info_text).  Those two JSON files list every image, so
 * the last recording's are kept parsed (checked against their inode, size
 * and time at each use): the info files of n images cost n parses, not
 * n of n images each.
 */
#include "hindsight/tree.h"

#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *str(json_object *m, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(m, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t num(json_object *m, const char *key, int64_t dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(m, key, &v))
		return dflt;
	return json_object_get_int64(v);
}

/* One argument, n bytes of a, shell-quoted so that the printed command can
 * be pasted back.  escaped: a is the recorder's PROCESS record form, where
 * a backslash and a newline are written as "\\" and "\n". */
static void put_quoted(FILE *f, const char *a, size_t n, bool escaped)
{
	bool plain = n != 0;

	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%",
			    a[i]))
			plain = false;
	if (plain) {
		fwrite(a, 1, n, f);
		return;
	}
	fputc('\'', f);
	for (size_t i = 0; i < n; i++) {
		char c = a[i];

		if (escaped && c == '\\' && i + 1 < n)
			c = a[++i] == 'n' ? '\n' : a[i];
		if (c == '\'')
			fputs("'\\''", f);
		else
			fputc(c, f);
	}
	fputc('\'', f);
}

static void print_command(FILE *f, json_object *cmd)
{
	size_t i, n = json_object_array_length(cmd);

	for (i = 0; i < n; i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(cmd, i));

		if (i)
			fputc(' ', f);
		put_quoted(f, a, strlen(a), false);
	}
	fputc('\n', f);
}

/* The database manifest's entry for image name, or NULL. */
static json_object *built_image(json_object *db_imgs, const char *name)
{
	for (size_t k = 0; db_imgs && k < json_object_array_length(db_imgs); k++) {
		json_object *d = json_object_array_get_idx(db_imgs, k);

		if (str(d, "name") && strcmp(str(d, "name"), name) == 0)
			return d;
	}
	return NULL;
}

/* An image's instruction count and completeness: the database's count is
 * exact (the recorder's is its last chunk's start for an image that
 * execve ended before format 5), and a stream cut short after recording
 * is not complete.  The count is lackey's: the retired instructions (t at
 * the end) and those that faulted. */
static int64_t image_insns(json_object *p, json_object *db_imgs, bool *complete)
{
	const char *name = str(p, "image") ? str(p, "image") : "?";
	json_object *built = built_image(db_imgs, name);
	int64_t n = num(p, "instructions", 0);

	*complete = json_object_get_boolean(json_object_object_get(p, "complete"));
	if (built) {
		n = num(built, "instructions", n);
		*complete = *complete && json_object_get_boolean(json_object_object_get(built, "complete"));
	}
	return n + num(p, "faulted", 0);
}

/* Instructions that began and faulted: counted in instructions: (as
 * Valgrind's lackey counts, at each instruction's start) but they did not
 * retire, so t does not count them.  A line only where there were some. */
static void print_faulted(FILE *f, int64_t faulted)
{
	if (faulted > 0)
		fprintf(f, "faulted: %lld\n", (long long)faulted);
}

/* An image's threads: the database counts them (OS threads, each thread
 * once however the recorder reused its slot, THREADS in db_format.h); the
 * recording's count (its EXIT record) is what there is before a build. */
static int64_t image_threads(json_object *p, json_object *db_imgs)
{
	json_object *built = built_image(db_imgs, str(p, "image") ? str(p, "image") : "?");

	return num(built ? built : p, "threads", num(p, "threads", 0));
}

/* "SEGV" -> "SIGSEGV" */
static void print_signal_lines(FILE *f, json_object *p, int signo)
{
	const char *abbrev = signo > 0 && signo < 65 ? sigabbrev_np(signo) : NULL;

	if (abbrev)
		fprintf(f, "exit-signal: SIG%s\n", abbrev);
	else
		fprintf(f, "exit-signal: %d\n", signo);
	/* the recorder's siginfo of that signal, as strace prints it:
	 * "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8}" */
	if (p && str(p, "signal") && num(p, "exit_signal", 0) == signo)
		fprintf(f, "exit-siginfo: %s\n", str(p, "signal"));
}

/* An image that SIGKILL ended (no recorder sees it; its recorded parent's
 * wait or SIGCHLD said so): its log ends at its last recorded moment, t,
 * the end of the last chunk that its recorder handed over before it died. */
static void print_killed(FILE *f, json_object *p, int64_t t)
{
	if (!json_object_get_boolean(json_object_object_get(p, "killed")))
		return;
	fprintf(f, "killed: at its last recorded moment, t=%lld (its parent reaped it "
		"killed; the instructions it ran after that moment were not recorded%s)\n",
		(long long)t, json_object_get_boolean(json_object_object_get(p, "log_cut")) ?
		"; its log ends inside a chunk, which is left out" : "");
}

/* The last image of the first process: the one whose end `record` saw. */
static json_object *top_last_image(json_object *procs)
{
	json_object *last = NULL;
	int64_t pid = -1;

	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i);

		if (pid < 0)
			pid = num(p, "pid", 0);
		if (num(p, "pid", 0) == pid)
			last = p;
	}
	return last;
}

static void print_exit(FILE *f, json_object *m, json_object *procs)
{
	json_object *v, *e;

	if (!json_object_object_get_ex(m, "exit", &v))
		return;
	if (str(v, "recorder_failed")) {
		fprintf(f, "exit-status: unknown (the recorder failed: %s)\n", str(v, "recorder_failed"));
	} else if (json_object_object_get_ex(v, "status", &e)) {
		fprintf(f, "exit-status: %d\n", json_object_get_int(e));
	} else if (json_object_object_get_ex(v, "signal", &e)) {
		fprintf(f, "exit-status: killed by signal %d (%s)\n", json_object_get_int(e),
			str(v, "signal_name") ? str(v, "signal_name") : "?");
		print_signal_lines(f, top_last_image(procs), json_object_get_int(e));
	}
}

/* built_early: the recording's files are whole and every image has
 * ended, but the database was built while some still ran. */
static void print_process_line(FILE *f, json_object *p, json_object *db_imgs, bool built_early)
{
	const char *name = str(p, "image") ? str(p, "image") : "?";
	json_object *e;
	bool complete;
	int64_t n = image_insns(p, db_imgs, &complete), threads = image_threads(p, db_imgs);
	int64_t in_db = n - num(p, "faulted", 0); /* t at the database's end */
	bool ended_since = !complete && built_early &&
			   json_object_get_boolean(json_object_object_get(p, "complete"));

	/* ended since the build: the recording's counts are whole, the
	 * database's those of its start */
	if (ended_since) {
		n = num(p, "instructions", 0) + num(p, "faulted", 0);
		threads = num(p, "threads", threads);
	}
	fprintf(f, "process: %s instructions=%lld threads=%lld ended-by=%s", name,
		(long long)n, (long long)threads, str(p, "ended_by") ? str(p, "ended_by") : "?");
	if (json_object_object_get_ex(p, "exit_status", &e))
		fprintf(f, " exit=%d", json_object_get_int(e));
	if (json_object_object_get_ex(p, "exit_signal", &e)) {
		int sig = json_object_get_int(e);
		const char *abbrev = sig > 0 && sig < 65 ? sigabbrev_np(sig) : NULL;

		if (abbrev)
			fprintf(f, " signal=SIG%s", abbrev);
		else
			fprintf(f, " signal=%d", sig);
	}
	if (complete && json_object_get_boolean(json_object_object_get(p, "killed")))
		fprintf(f, " (killed: recorded up to its last recorded moment, t=%lld)\n",
			(long long)in_db);
	else if (complete)
		fputc('\n', f);
	else if (ended_since)
		fprintf(f, " (incomplete: the database was built before it ended and holds "
			"its first %lld instructions: build again)\n", (long long)in_db);
	else
		fprintf(f, " (incomplete)\n");
}

/* meta.json, checked, and the manifest when built (NULL otherwise). */
static int load(const char *dir, json_object **m, json_object **db, json_object **db_imgs)
{
	char path[PATH_MAX];
	struct stat st;

	*m = *db = *db_imgs = NULL;
	snprintf(path, sizeof path, "%s/meta.json", dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOENT;
	*m = json_object_from_file(path);
	if (!*m || !str(*m, "format") || strcmp(str(*m, "format"), "hindsight-trace") != 0) {
		if (*m)
			json_object_put(*m);
		*m = NULL;
		return -EBADMSG;
	}
	snprintf(path, sizeof path, "%s/db/manifest.json", dir);
	*db = json_object_from_file(path); /* NULL: not built (or unreadable) */
	if (*db)
		json_object_object_get_ex(*db, "images", db_imgs);
	return 0;
}

/* Closes f, whose memstream fills *buf and *len, and hands them over. */
static int close_text(FILE *f, char **buf, size_t *len, char **text, size_t *text_len)
{
	if (fclose(f) != 0) {
		free(*buf);
		return -ENOMEM;
	}
	*text = *buf;
	*text_len = *len;
	return 0;
}

/* close_text() after dropping the JSON the text was made from */
static int finish(FILE *f, char **buf, size_t *len, json_object *m, json_object *db,
		  char **text, size_t *text_len)
{
	if (db)
		json_object_put(db);
	json_object_put(m);
	return close_text(f, buf, len, text, text_len);
}

/* The recorder's PROCESS record ("pid=..\nexe=..\n[argv0=..\n]arg=..\n":
 * the arguments after argv[0], one per line, backslash and newline
 * escaped; argv0 only where an exec gave one other than the path): the
 * image's program, and its command line as argv[0] and arguments. */
static void print_process_record(FILE *f, const char *rec)
{
	const char *exe = NULL, *argv0 = NULL;
	size_t exe_len = 0, argv0_len = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (const char *l = rec; *l;) {
			const char *nl = strchr(l, '\n');
			size_t n = nl ? (size_t)(nl - l) : strlen(l);

			if (pass == 0 && n > 4 && strncmp(l, "exe=", 4) == 0) {
				exe = l + 4;
				exe_len = n - 4;
			} else if (pass == 0 && n >= 6 && strncmp(l, "argv0=", 6) == 0) {
				argv0 = l + 6;
				argv0_len = n - 6;
			} else if (pass == 1 && n >= 4 && strncmp(l, "arg=", 4) == 0) {
				fputc(' ', f);
				put_quoted(f, l + 4, n - 4, true);
			}
			l += n + (nl ? 1 : 0);
		}
		if (pass == 0 && !exe)
			return;
		if (pass == 0) {
			fprintf(f, "program: %.*s\ncommand: ", (int)exe_len, exe);
			/* the argv[0] the program was given (execvp's "echo"),
			 * where the recorder noted one other than the path */
			if (argv0)
				put_quoted(f, argv0, argv0_len, true);
			else
				put_quoted(f, exe, exe_len, false);
		}
	}
	fputc('\n', f);
}

/* "packed: yes" and what hindsight pack added (TRACE/pack/manifest.json,
 * written by builder/cli/cmd_pack.c), or "packed: no". */
static void print_packed(FILE *f, const char *dir)
{
	char path[PATH_MAX];
	json_object *m, *v;

	snprintf(path, sizeof path, "%s/pack/manifest.json", dir);
	m = json_object_from_file(path);
	if (!m) {
		fprintf(f, "packed: no\n");
		return;
	}
	fprintf(f, "packed: yes\n");
	if (json_object_object_get_ex(m, "files", &v))
		fprintf(f, "packed-files: %zu\n", json_object_array_length(v));
	if (json_object_object_get_ex(m, "bytes", &v))
		fprintf(f, "packed-bytes: %lld\n", (long long)json_object_get_int64(v));
	json_object_put(m);
}

/* Does an image that record finished no longer hold the bytes record
 * counted (meta.json's "bytes": its stream.hst and code.hst)?  A file cut
 * after a build that was made before the cut (`hindsight verify` names it). */
static bool files_resized(const char *dir, json_object *procs)
{
	static const char *const names[] = { "stream.hst", "code.hst" };

	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i), *v;
		const char *img = str(p, "image");
		int64_t want = num(p, "bytes", -1), have = 0;

		if (!img || want < 0 || !json_object_object_get_ex(p, "complete", &v) ||
		    !json_object_get_boolean(v))
			continue;
		for (size_t k = 0; k < 2; k++) {
			char path[PATH_MAX];
			struct stat st;

			snprintf(path, sizeof path, "%s/procs/%s/%s", dir, img, names[k]);
			have += stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
		}
		if (have != want)
			return true;
	}
	return false;
}

int hs_tree_info_text(const char *dir, char **text, size_t *text_len)
{
	char path[PATH_MAX], real[PATH_MAX];
	json_object *m, *v, *procs = NULL, *db, *db_imgs;
	const char *status;
	struct stat st;
	int64_t insns = 0, faulted = 0, threads = 0, bytes;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	*text = NULL;
	*text_len = 0;
	err = load(dir, &m, &db, &db_imgs);
	if (err)
		return err;
	f = open_memstream(&buf, &len);
	if (!f) {
		if (db)
			json_object_put(db);
		json_object_put(m);
		return -ENOMEM;
	}
	status = str(m, "status") ? str(m, "status") : "?";
	fprintf(f, "trace: %s\n", realpath(dir, real) ? real : dir);
	if (json_object_object_get_ex(m, "command", &v)) {
		fprintf(f, "command: ");
		print_command(f, v);
	}
	fprintf(f, "program: %s\n", str(m, "program") ? str(m, "program") : "?");
	fprintf(f, "cwd: %s\n", str(m, "cwd") ? str(m, "cwd") : "?");
	fprintf(f, "started: %s\n", str(m, "start_time") ? str(m, "start_time") : "?");
	fprintf(f, "recorder: %s\n", str(m, "recorder_version") ? str(m, "recorder_version") : "?");
	fprintf(f, "format-version: %lld\n", (long long)num(m, "format_version", 0));
	if (strcmp(status, "recording") == 0) {
		pid_t pid = (pid_t)num(m, "recorder_pid", 0);
		int alive = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
		fprintf(f, "complete: no (%s)\n", alive ? "recording in progress" : "recording was interrupted");
		fprintf(f, "status: %s\n", alive ? "recording" : "interrupted");
		return finish(f, &buf, &len, m, db, text, text_len);
	}
	/* record finished every image, the build found a file cut since */
	json_object_object_get_ex(m, "processes", &procs);
	if (strcmp(status, "complete") == 0 && files_resized(dir, procs)) {
		fprintf(f, "complete: no (its files are cut short: see hindsight verify)\n");
		status = "cut-short";
	} else if (strcmp(status, "complete") == 0 && db &&
		   !json_object_get_boolean(json_object_object_get(db, "complete"))) {
		/* every file whole as record left it, yet the database holds
		 * an image unfinished: it was built while that image still ran
		 * (a background child that outlived `hindsight record`) */
		fprintf(f, "complete: no (the database was built before the recording ended: "
			"run hindsight build again)\n");
		status = "built-early";
	} else {
		fprintf(f, "complete: %s\n", strcmp(status, "complete") == 0 ? "yes" : "no");
	}
	fprintf(f, "status: %s\n", status);
	if (json_object_object_get_ex(m, "duration_s", &v))
		fprintf(f, "duration: %.3f s\n", json_object_get_double(v));
	print_exit(f, m, procs);
	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i);
		bool complete;

		const char *name = str(p, "image"), *dot = name ? strrchr(name, '.') : NULL;
		int64_t th = image_threads(p, db_imgs);

		insns += image_insns(p, db_imgs, &complete);
		faulted += num(p, "faulted", 0);
		/* an exec'd image ("<pid>.<n>", n > 0) goes on with the thread
		 * that called execve, now tid pid: counted with an earlier image */
		if (th > 0 && dot && strcmp(dot, ".0") != 0)
			th--;
		threads += th;
	}
	if (!procs) { /* a meta.json from before "processes" */
		insns = num(m, "instructions", 0);
		threads = num(m, "threads", 0);
	}
	bytes = num(m, "bytes", 0);
	fprintf(f, "instructions: %lld\n", (long long)insns);
	print_faulted(f, faulted);
	fprintf(f, "threads: %lld\n", (long long)threads);
	fprintf(f, "processes: %zu\n", procs ? json_object_array_length(procs) : (size_t)0);
	fprintf(f, "size: %lld bytes", (long long)bytes);
	if (insns > 0)
		fprintf(f, " (%.3f bytes/instruction)", (double)bytes / insns);
	fprintf(f, "\n");
	snprintf(path, sizeof path, "%s/db/manifest.json", dir);
	fprintf(f, "built: %s\n", stat(path, &st) == 0 ? "yes" : "no");
	print_packed(f, dir);
	for (size_t i = 0; procs && i < json_object_array_length(procs); i++)
		print_process_line(f, json_object_array_get_idx(procs, i), db_imgs,
				   strcmp(status, "built-early") == 0);
	return finish(f, &buf, &len, m, db, text, text_len);
}

/* ---- meta.json and the manifest, kept parsed for the image info files ---- */

static struct {
	pthread_mutex_t lock;
	char dir[PATH_MAX];
	struct stat meta, manifest;   /* st_ino 0: not there */
	json_object *m, *db, *db_imgs;
} parsed = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* dir's meta.json and manifest, parsed once while they stay the same:
 * returns with parsed.lock held (0) or not (-errno); the caller reads them
 * and calls parsed_done(). */
static int parsed_get(const char *dir, json_object **m, json_object **db, json_object **db_imgs)
{
	char path[PATH_MAX];
	struct stat meta = { 0 }, manifest = { 0 };
	int err;

	snprintf(path, sizeof path, "%s/meta.json", dir);
	if (stat(path, &meta) < 0)
		meta.st_ino = 0;
	snprintf(path, sizeof path, "%s/db/manifest.json", dir);
	if (stat(path, &manifest) < 0)
		manifest.st_ino = 0;
	pthread_mutex_lock(&parsed.lock);
	if (!parsed.m || strcmp(parsed.dir, dir) || !meta.st_ino || !same_file(&meta, &parsed.meta) ||
	    !same_file(&manifest, &parsed.manifest)) {
		if (parsed.m)
			json_object_put(parsed.m);
		if (parsed.db)
			json_object_put(parsed.db);
		parsed.m = parsed.db = parsed.db_imgs = NULL;
		err = load(dir, &parsed.m, &parsed.db, &parsed.db_imgs);
		if (err) {
			pthread_mutex_unlock(&parsed.lock);
			return err;
		}
		snprintf(parsed.dir, sizeof parsed.dir, "%s", dir);
		parsed.meta = meta;
		parsed.manifest = manifest;
	}
	*m = parsed.m;
	*db = parsed.db;
	*db_imgs = parsed.db_imgs;
	return 0;
}

static void parsed_done(void)
{
	pthread_mutex_unlock(&parsed.lock);
}

/* finish() for text made from the kept parse */
static int finish_parsed(FILE *f, char **buf, size_t *len, char **text, size_t *text_len)
{
	parsed_done();
	return close_text(f, buf, len, text, text_len);
}

int hs_tree_image_info_text(const char *dir, const char *image, const char *process,
			    char **text, size_t *text_len)
{
	json_object *m, *procs = NULL, *p = NULL, *db, *db_imgs, *e;
	char *buf = NULL;
	size_t len = 0;
	bool complete;
	FILE *f;
	int err;

	*text = NULL;
	*text_len = 0;
	err = parsed_get(dir, &m, &db, &db_imgs);
	if (err)
		return err;
	json_object_object_get_ex(m, "processes", &procs);
	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *q = json_object_array_get_idx(procs, i);

		if (str(q, "image") && strcmp(str(q, "image"), image) == 0)
			p = q;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		parsed_done();
		return -ENOMEM;
	}
	fprintf(f, "image: %s\n", image);
	if (process)
		print_process_record(f, process);
	if (!p) { /* recording in progress or interrupted: meta.json has no images */
		fprintf(f, "complete: no\n");
		return finish_parsed(f, &buf, &len, text, text_len);
	}
	fprintf(f, "pid: %lld\n", (long long)num(p, "pid", 0));
	fprintf(f, "instructions: %lld\n", (long long)image_insns(p, db_imgs, &complete));
	print_faulted(f, num(p, "faulted", 0));
	fprintf(f, "threads: %lld\n", (long long)image_threads(p, db_imgs));
	fprintf(f, "complete: %s\n", complete ? "yes" : "no");
	fprintf(f, "ended-by: %s\n", str(p, "ended_by") ? str(p, "ended_by") : "?");
	if (json_object_object_get_ex(p, "exit_status", &e))
		fprintf(f, "exit-status: %d\n", json_object_get_int(e));
	if (json_object_object_get_ex(p, "exit_signal", &e))
		print_signal_lines(f, p, json_object_get_int(e));
	print_killed(f, p, image_insns(p, db_imgs, &complete) - num(p, "faulted", 0));
	fprintf(f, "size: %lld bytes\n", (long long)num(p, "bytes", 0));
	fprintf(f, "built: %s\n", built_image(db_imgs, image) ? "yes" : "no");
	return finish_parsed(f, &buf, &len, text, text_len);
}
