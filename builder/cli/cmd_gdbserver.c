/* cmd_gdbserver.c - `hindsight gdbserver`: gdb's remote protocol over a
 * recording's database (server/gdb, include/hindsight/gdbserver.h).
 *
 *   hindsight gdbserver [--port P] [--image PID.N] [--log FILE]
 *                       [--cache-mb N] TRACE_DIR
 *
 * Prints how to connect, then serves gdb connections one after another
 * until it is killed (Ctrl-C): nothing is ever written, so there is
 * nothing to save on the way out.
 *
 * Exit status: 2 bad usage, 1 the server could not start or its listening
 * socket failed.
 */
#include "cli.h"
#include "hindsight/gdbserver.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gdbserver_usage(FILE *f)
{
	fprintf(f,
		"usage: hindsight gdbserver [--port P] [--image PID.N] [--log FILE]\n"
		"                           [--cache-mb N] TRACE_DIR\n"
		"  --port P        listen on 127.0.0.1:P (default 0: pick a free port)\n"
		"  --image PID.N   the process image to debug (default: the first)\n"
		"  --log FILE      log every packet to FILE ('-': stderr)\n"
		"  --cache-mb N    cap of the query cache in MiB (default 256)\n"
		"Serves gdb's remote protocol, read-only, at the recording's t = 0;\n"
		"gdb's continue, step, reverse-continue and reverse-step move through it.\n"
		"monitor commands: when, goto T, info, images.\n");
	return 2;
}

static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

int cli_gdbserver_main(int argc, char **argv)
{
	struct hs_gdb_opts o = { 0 };
	const char *trace = NULL;
	struct hs_gdb *g = NULL;
	unsigned long v;
	int rc = 1, err;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			gdbserver_usage(stdout);
			return 0;
		} else if (strcmp(a, "--port") == 0 && has_val) {
			if (parse_num(argv[++i], 65535, &v) < 0) {
				fprintf(stderr, "hindsight gdbserver: --port wants 0..65535, not '%s'\n", argv[i]);
				return 2;
			}
			o.port = (uint16_t)v;
		} else if (strcmp(a, "--image") == 0 && has_val) {
			o.image = argv[++i];
		} else if (strcmp(a, "--cache-mb") == 0 && has_val) {
			if (parse_num(argv[++i], 1u << 20, &v) < 0 || v == 0) {
				fprintf(stderr, "hindsight gdbserver: --cache-mb wants a positive number, not '%s'\n", argv[i]);
				return 2;
			}
			o.cache_bytes = (size_t)v << 20;
		} else if (strcmp(a, "--log") == 0 && has_val) {
			i++;
			o.log = strcmp(argv[i], "-") == 0 ? stderr : fopen(argv[i], "ae");
			if (!o.log) {
				fprintf(stderr, "hindsight gdbserver: %s: %s\n", argv[i], strerror(errno));
				return 1;
			}
			setvbuf(o.log, NULL, _IOLBF, 0);
		} else if (a[0] == '-' || trace) {
			return gdbserver_usage(stderr);
		} else {
			trace = a;
		}
	}
	if (!trace)
		return gdbserver_usage(stderr);
	err = hs_gdb_open(trace, &o, &g);
	if (err) {
		/* -ENOENT: the library said which (no database, no image) */
		if (err != -ENOENT)
			fprintf(stderr, "hindsight gdbserver: %s: %s\n", trace, strerror(-err));
		goto out;
	}
	printf("hindsight gdbserver: listening on 127.0.0.1:%u\n"
	       "  gdb %s -ex 'target remote 127.0.0.1:%u'\n",
	       hs_gdb_port(g), *hs_gdb_exec_path(g) ? hs_gdb_exec_path(g) : "PROG",
	       hs_gdb_port(g));
	fflush(stdout);
	err = hs_gdb_serve(g);
	fprintf(stderr, "hindsight gdbserver: %s\n", strerror(-err));
out:
	hs_gdb_close(g);
	if (o.log && o.log != stderr)
		fclose(o.log);
	return rc;
}
