/* tree_info.c - the text of `hindsight info` and of the tree's info file.
 *
 * "key: value" lines from TRACE/meta.json (written by `hindsight record`).
 * A recording whose meta.json still says "recording" is either in progress
 * (its recorder is alive) or was interrupted; both are incomplete.  Once
 * built, TRACE/db/manifest.json knows better what the files hold: a stream
 * cut short after the recording ended makes the recording incomplete, and
 * an image that execve ended has its exact instruction count there.
 */
#include "hindsight/tree.h"

#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <limits.h>
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

/* Shell-style quoting so that the printed command can be pasted back. */
static void print_command(FILE *f, json_object *cmd)
{
	size_t i, n = json_object_array_length(cmd);

	for (i = 0; i < n; i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(cmd, i));
		int plain = *a != 0;
		for (const char *c = a; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *c))
				plain = 0;
		if (i)
			fputc(' ', f);
		if (plain) {
			fputs(a, f);
		} else {
			fputc('\'', f);
			for (const char *c = a; *c; c++) {
				if (*c == '\'')
					fputs("'\\''", f);
				else
					fputc(*c, f);
			}
			fputc('\'', f);
		}
	}
	fputc('\n', f);
}

/* The database's entry of image name (manifest.json), or NULL. */
static json_object *built_image(json_object *db_imgs, const char *name)
{
	for (size_t k = 0; db_imgs && name && k < json_object_array_length(db_imgs); k++) {
		json_object *d = json_object_array_get_idx(db_imgs, k);

		if (str(d, "name") && strcmp(str(d, "name"), name) == 0)
			return d;
	}
	return NULL;
}

/* Threads of an image: the database counts them (OS threads, each thread
 * once however the recorder reused its slot); the recording's count (its
 * EXIT record) is what there is before a build. */
static long long image_threads(json_object *db_imgs, json_object *rec_img, long long rec_n)
{
	json_object *d = built_image(db_imgs, rec_img ? str(rec_img, "image") : NULL);

	return d ? (long long)num(d, "threads", rec_n) : rec_n;
}

int hs_tree_info_text(const char *dir, char **text, size_t *text_len)
{
	char path[PATH_MAX], real[PATH_MAX];
	json_object *m, *v, *procs = NULL, *db, *db_imgs = NULL;
	const char *status;
	struct stat st;
	int64_t insns, bytes;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	*text = NULL;
	*text_len = 0;
	snprintf(path, sizeof path, "%s/meta.json", dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOENT;
	m = json_object_from_file(path);
	if (!m || !str(m, "format") || strcmp(str(m, "format"), "hindsight-trace") != 0) {
		if (m)
			json_object_put(m);
		return -EBADMSG;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		json_object_put(m);
		return -ENOMEM;
	}
	snprintf(path, sizeof path, "%s/db/manifest.json", dir);
	db = json_object_from_file(path); /* NULL: not built (or unreadable) */
	if (db)
		json_object_object_get_ex(db, "images", &db_imgs);
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
		goto out;
	}
	if (strcmp(status, "complete") == 0 && db &&
	    !json_object_get_boolean(json_object_object_get(db, "complete")))
		fprintf(f, "complete: no (its files are cut short: see hindsight verify)\n");
	else
		fprintf(f, "complete: %s\n", strcmp(status, "complete") == 0 ? "yes" : "no");
	fprintf(f, "status: %s\n", status);
	if (json_object_object_get_ex(m, "duration_s", &v))
		fprintf(f, "duration: %.3f s\n", json_object_get_double(v));
	if (json_object_object_get_ex(m, "exit", &v)) {
		json_object *e;
		if (json_object_object_get_ex(v, "status", &e))
			fprintf(f, "exit-status: %d\n", json_object_get_int(e));
		else if (json_object_object_get_ex(v, "signal", &e))
			fprintf(f, "exit-status: killed by signal %d (%s)\n", json_object_get_int(e),
				str(v, "signal_name") ? str(v, "signal_name") : "?");
	}
	insns = num(m, "instructions", 0);
	bytes = num(m, "bytes", 0);
	fprintf(f, "instructions: %lld\n", (long long)insns);
	json_object_object_get_ex(m, "processes", &procs);
	fprintf(f, "threads: %lld\n",
		image_threads(db_imgs, procs && json_object_array_length(procs) ?
			      json_object_array_get_idx(procs, 0) : NULL,
			      (long long)num(m, "threads", 0)));
	fprintf(f, "processes: %zu\n", procs ? json_object_array_length(procs) : (size_t)0);
	fprintf(f, "size: %lld bytes", (long long)bytes);
	if (insns > 0)
		fprintf(f, " (%.3f bytes/instruction)", (double)bytes / num(m, "instructions_all_processes", insns));
	fprintf(f, "\n");
	snprintf(path, sizeof path, "%s/db/manifest.json", dir);
	fprintf(f, "built: %s\n", stat(path, &st) == 0 ? "yes" : "no");
	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i), *e, *built = NULL;
		const char *name = str(p, "image") ? str(p, "image") : "?";
		bool complete = json_object_get_boolean(json_object_object_get(p, "complete"));
		int64_t n = num(p, "instructions", 0);

		/* the database's count is exact (the recorder's is its last
		 * chunk's start for an image that execve ended) */
		built = built_image(db_imgs, name);
		if (built) {
			n = num(built, "instructions", n);
			complete = complete && json_object_get_boolean(json_object_object_get(built, "complete"));
		}
		fprintf(f, "process: %s instructions=%lld threads=%lld ended-by=%s", name,
			(long long)n, image_threads(db_imgs, p, (long long)num(p, "threads", 0)),
			str(p, "ended_by") ? str(p, "ended_by") : "?");
		if (json_object_object_get_ex(p, "exit_status", &e))
			fprintf(f, " exit=%d", json_object_get_int(e));
		fprintf(f, "%s\n", complete ? "" : " (incomplete)");
	}
out:
	if (db)
		json_object_put(db);
	json_object_put(m);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*text = buf;
	*text_len = len;
	return 0;
}
