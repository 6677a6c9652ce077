/* cli_meta.c - what TRACE/meta.json says of the recorded process images.
 *
 * `record` writes it when the program it ran has ended.  A process the
 * program left running in the background (a daemon, `cmd &` in a shell)
 * may still be recording then: its image is not complete yet, so neither
 * is the recording.  When it ends, its recorder completes its stream, and
 * cli_meta_refresh() (run by `info`, `build`, `mount`, `serve`, `cat`,
 * `ls`) finds that and rewrites meta.json.
 *
 * A meta.json that is there but damaged (not JSON, or not a recording's)
 * is refused by every command that reads the recording (cli_meta_check):
 * whatever sits beside it, a database included, cannot be trusted to be
 * of the recording it claims to be.
 */
#include "cli.h"
#include "hindsight/db.h"
#include "hindsight/trace_format.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_write_meta(const char *dir, json_object *meta)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	const char *text = json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PRETTY);
	size_t len = strlen(text);
	int fd, err = 0;

	snprintf(path, sizeof path, "%s/meta.json", dir);
	/* one temporary file per writer: `info` and `build` may refresh at once */
	snprintf(tmp, sizeof tmp, "%s/.meta.json.%d.tmp", dir, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0)
		err = errno ? -errno : -EIO;
	close(fd);
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* An image ended by execve has no EXIT record; its successor image, the
 * same pid with the next exec index, shows that it was not cut short.
 * One that SIGKILL ended has none either: its recorded parent saw the
 * kill and left the file HS_IMAGE_KILLED once its log was all written. */
static int image_done(const struct cli_image *v, int n, int i)
{
	int j;

	if (v[i].complete || v[i].killed)
		return 1;
	for (j = 0; j < n; j++)
		if (v[j].pid == v[i].pid && v[j].exec_index == v[i].exec_index + 1)
			return 1;
	return 0;
}

static json_object *image_json(const struct cli_image *img, int done)
{
	json_object *p = json_object_new_object();
	const char *ended = img->complete ? (img->exit_kind == HS_EXIT_STATUS ? "exit" : "signal")
			  : img->killed ? "signal" : done ? "exec" : "unknown";

	json_object_object_add(p, "image", json_object_new_string(img->name));
	json_object_object_add(p, "pid", json_object_new_int(img->pid));
	json_object_object_add(p, "instructions", json_object_new_int64(img->instructions));
	json_object_object_add(p, "threads", json_object_new_int(img->threads));
	json_object_object_add(p, "faulted", json_object_new_int64(img->faulted));
	json_object_object_add(p, "complete", json_object_new_boolean(done));
	json_object_object_add(p, "ended_by", json_object_new_string(ended));
	if (img->stopped)
		json_object_object_add(p, "recording_stopped", json_object_new_boolean(1));
	if (img->complete && img->exit_kind == HS_EXIT_STATUS)
		json_object_object_add(p, "exit_status", json_object_new_int(img->exit_value));
	if (img->complete && img->exit_kind == HS_EXIT_SIGNAL) {
		char sig[512];

		json_object_object_add(p, "exit_signal", json_object_new_int(img->exit_value));
		hs_db_signal_text(img->exit_value, img->sig_flags, img->sig_code,
				  img->sig_value, img->has_siginfo ? img->siginfo : NULL,
				  sig, sizeof sig);
		json_object_object_add(p, "signal", json_object_new_string(sig));
	}
	/* killed where no recorder sees it: the image ended at its last
	 * recorded moment (its log holds nothing after; the signal's
	 * siginfo is unknown) */
	if (!img->complete && img->killed) {
		json_object_object_add(p, "exit_signal", json_object_new_int(img->killed));
		json_object_object_add(p, "killed", json_object_new_boolean(1));
		if (img->truncated)
			json_object_object_add(p, "log_cut", json_object_new_boolean(1));
	}
	json_object_object_add(p, "bytes", json_object_new_int64(img->bytes));
	return p;
}

void cli_meta_images(json_object *m, const char *trace)
{
	struct cli_image *imgs = NULL;
	json_object *procs = json_object_new_array();
	uint64_t bytes = 0, total = 0, threads = 0;
	int n = 0, i, all_done;

	cli_scan_images(trace, &imgs, &n);
	all_done = n > 0;
	for (i = 0; i < n; i++) {
		int done = image_done(imgs, n, i);

		all_done &= done;
		bytes += imgs[i].bytes;
		total += imgs[i].instructions + imgs[i].faulted;
		threads += imgs[i].threads;
		json_object_array_add(procs, image_json(&imgs[i], done));
	}
	json_object_object_add(m, "status", json_object_new_string(all_done ? "complete" : "incomplete"));
	json_object_object_add(m, "processes", procs);
	/* every image's instructions and threads: a program that execs or
	 * forks did all of that work */
	json_object_object_add(m, "instructions", json_object_new_int64((int64_t)total));
	json_object_object_add(m, "instructions_all_processes", json_object_new_int64((int64_t)total));
	json_object_object_add(m, "threads", json_object_new_int64((int64_t)threads));
	json_object_object_add(m, "bytes", json_object_new_int64((int64_t)bytes));
	free(imgs);
}

json_object *cli_read_meta(const char *trace)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/meta.json", trace);
	return json_object_from_file(path);
}

/* 0 when meta.json is missing or describes a recording, -EBADMSG when it
 * is there but is not a recording's (names why in why). */
static int meta_valid(const char *trace, char *why, size_t cap)
{
	char path[PATH_MAX];
	json_object *m, *v;
	int err = 0;

	snprintf(path, sizeof path, "%s/meta.json", trace);
	if (access(path, F_OK) < 0)
		return 0;
	m = json_object_from_file(path);
	if (!m || !json_object_is_type(m, json_type_object)) {
		snprintf(why, cap, "not JSON");
		err = -EBADMSG;
	} else if (!json_object_object_get_ex(m, "format", &v) ||
		   !json_object_is_type(v, json_type_string) ||
		   strcmp(json_object_get_string(v), "hindsight-trace") != 0) {
		snprintf(why, cap, "its \"format\" is not \"hindsight-trace\"");
		err = -EBADMSG;
	}
	json_object_put(m);
	return err;
}

int cli_meta_check(const char *cmd, const char *trace)
{
	char why[64];
	int err = meta_valid(trace, why, sizeof why);

	if (err < 0) {
		fprintf(stderr, "hindsight %s: %s/meta.json is damaged (%s): not a recording "
			"this command can trust\n", cmd, trace, why);
		return err;
	}
	cli_meta_refresh(trace); /* a background child may have ended since */
	return 0;
}

size_t cli_meta_say_running(const char *cmd, json_object *meta, const char *then)
{
	json_object *procs = json_object_object_get(meta, "processes");
	size_t running = 0;

	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i);
		pid_t pid = (pid_t)json_object_get_int(json_object_object_get(p, "pid"));

		if (!json_object_get_boolean(json_object_object_get(p, "complete")) && pid > 0 &&
		    kill(pid, 0) == 0) {
			fprintf(stderr, "hindsight %s: process %d still runs in the background; %s\n",
				cmd, (int)pid, then);
			running++;
		}
	}
	return running;
}

int cli_meta_refresh(const char *trace)
{
	json_object *m = cli_read_meta(trace), *st, *procs;
	char *before = NULL;
	int err = 0;

	if (!m)
		return 0; /* not a recording: the caller says so */
	/* only a finished `record` whose images were not all done */
	if (!json_object_object_get_ex(m, "status", &st) ||
	    strcmp(json_object_get_string(st), "incomplete") != 0)
		goto out;
	if (json_object_object_get_ex(m, "processes", &procs) &&
	    !(before = strdup(json_object_to_json_string(procs)))) {
		err = -ENOMEM;
		goto out;
	}
	cli_meta_images(m, trace);
	/* complete now, or an image ended since (a child that outlived a
	 * parent killed by SIGKILL: the recording stays incomplete, but that
	 * child's line is its own exit) */
	if ((json_object_object_get_ex(m, "status", &st) &&
	     strcmp(json_object_get_string(st), "complete") == 0) ||
	    !before || !json_object_object_get_ex(m, "processes", &procs) ||
	    strcmp(before, json_object_to_json_string(procs)) != 0)
		err = cli_write_meta(trace, m);
out:
	free(before);
	json_object_put(m);
	return err;
}
