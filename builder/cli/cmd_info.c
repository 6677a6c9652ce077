/* cmd_info.c - `hindsight info TRACE_DIR`: what a recording holds.
 *
 * Prints "key: value" lines from meta.json.  A recording whose meta.json
 * still says "recording" is either in progress (its recorder is alive) or
 * was interrupted; both are reported as incomplete.
 */
#include "cli.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
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
static void print_command(json_object *cmd)
{
	size_t i, n = json_object_array_length(cmd);

	for (i = 0; i < n; i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(cmd, i));
		int plain = *a != 0;
		for (const char *c = a; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *c))
				plain = 0;
		if (i)
			putchar(' ');
		if (plain) {
			fputs(a, stdout);
		} else {
			putchar('\'');
			for (const char *c = a; *c; c++) {
				if (*c == '\'')
					fputs("'\\''", stdout);
				else
					putchar(*c);
			}
			putchar('\'');
		}
	}
	putchar('\n');
}

int cli_info_main(int argc, char **argv)
{
	char path[PATH_MAX], real[PATH_MAX];
	json_object *m, *v, *procs = NULL;
	const char *status, *dir;
	struct stat st;
	int64_t insns, bytes;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: hindsight info TRACE_DIR\n");
		return 2;
	}
	dir = argv[1];
	snprintf(path, sizeof path, "%s/meta.json", dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "hindsight info: %s: no such recording\n", dir);
		return 2;
	}
	m = json_object_from_file(path);
	if (!m || !str(m, "format") || strcmp(str(m, "format"), "hindsight-trace") != 0) {
		fprintf(stderr, "hindsight info: %s: not a Hindsight recording (no valid meta.json)\n", dir);
		if (m)
			json_object_put(m);
		return 2;
	}
	status = str(m, "status") ? str(m, "status") : "?";
	printf("trace: %s\n", realpath(dir, real) ? real : dir);
	if (json_object_object_get_ex(m, "command", &v)) {
		printf("command: ");
		print_command(v);
	}
	printf("program: %s\n", str(m, "program") ? str(m, "program") : "?");
	printf("cwd: %s\n", str(m, "cwd") ? str(m, "cwd") : "?");
	printf("started: %s\n", str(m, "start_time") ? str(m, "start_time") : "?");
	printf("recorder: %s\n", str(m, "recorder_version") ? str(m, "recorder_version") : "?");
	printf("format-version: %lld\n", (long long)num(m, "format_version", 0));
	if (strcmp(status, "recording") == 0) {
		pid_t pid = (pid_t)num(m, "recorder_pid", 0);
		int alive = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
		printf("complete: no (%s)\n", alive ? "recording in progress" : "recording was interrupted");
		printf("status: %s\n", alive ? "recording" : "interrupted");
		json_object_put(m);
		return 0;
	}
	printf("complete: %s\n", strcmp(status, "complete") == 0 ? "yes" : "no");
	printf("status: %s\n", status);
	if (json_object_object_get_ex(m, "duration_s", &v))
		printf("duration: %.3f s\n", json_object_get_double(v));
	if (json_object_object_get_ex(m, "exit", &v)) {
		json_object *e;
		if (json_object_object_get_ex(v, "status", &e))
			printf("exit-status: %d\n", json_object_get_int(e));
		else if (json_object_object_get_ex(v, "signal", &e))
			printf("exit-status: killed by signal %d (%s)\n", json_object_get_int(e),
			       str(v, "signal_name") ? str(v, "signal_name") : "?");
	}
	insns = num(m, "instructions", 0);
	bytes = num(m, "bytes", 0);
	printf("instructions: %lld\n", (long long)insns);
	printf("threads: %lld\n", (long long)num(m, "threads", 0));
	json_object_object_get_ex(m, "processes", &procs);
	printf("processes: %zu\n", procs ? json_object_array_length(procs) : (size_t)0);
	printf("size: %lld bytes", (long long)bytes);
	if (insns > 0)
		printf(" (%.3f bytes/instruction)", (double)bytes / num(m, "instructions_all_processes", insns));
	printf("\n");
	snprintf(path, sizeof path, "%s/db", dir);
	printf("built: %s\n", stat(path, &st) == 0 ? "yes" : "no");
	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i), *e;
		printf("process: %s instructions=%lld threads=%lld ended-by=%s",
		       str(p, "image") ? str(p, "image") : "?",
		       (long long)num(p, "instructions", 0), (long long)num(p, "threads", 0),
		       str(p, "ended_by") ? str(p, "ended_by") : "?");
		if (json_object_object_get_ex(p, "exit_status", &e))
			printf(" exit=%d", json_object_get_int(e));
		printf("%s\n", json_object_get_boolean(json_object_object_get(p, "complete")) ? "" : " (incomplete)");
	}
	json_object_put(m);
	return 0;
}
