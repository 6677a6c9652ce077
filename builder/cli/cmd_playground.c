/* cmd_playground.c - `hindsight playground`: an editor in the browser and
 * POST /api/run; every run compiled, recorded and built in a sandbox, its
 * recording served under /t/<id>/ (server/srv_play*.c).
 *
 *   hindsight playground [--port P] [--data DIR] [--jobs N] [--log LEVEL=FILE]
 *                        [--tunnel [ADDR:]PORT] [--memory-mb M] [--unsafe-no-sandbox]
 *
 * Serves until SIGINT or SIGTERM (taken with sigwait(), as serve does).
 * Exit status: 0 after Ctrl-C, 2 bad usage, 1 it could not start (no
 * sandbox, port in use).
 */
#include "cli.h"
#include "hindsight/playground.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int play_usage(FILE *f)
{
	fprintf(f,
		"usage: hindsight playground [--port P] [--data DIR] [--jobs N] [--log LEVEL=FILE]\n"
		"                            [--tunnel [ADDR:]PORT] [--record-limit S]\n"
		"                            [--record-instructions N] [--memory-mb M]\n"
		"                            [--keep-days D] [--keep-mb M]\n"
		"                            [--unsafe-no-sandbox]\n"
		"  --port P            listen on 127.0.0.1:P (default %u; 0 picks a free port)\n"
		"  --data DIR          where runs are kept (default ~/.local/share/hindsight/playground)\n"
		"  --jobs N            runs at once (default: half the cores, at least 1); a full\n"
		"                      queue answers 503\n"
		"  --log LEVEL=FILE    log to FILE ('-': stderr); LEVEL error, info or debug\n"
		"  --record-limit S    CPU seconds of a program's recording (default 20; its\n"
		"                      wall-clock limit is S + 10)\n"
		"  --memory-mb M       a run's memory, held by a cgroup (v2 or v1) where one can\n"
		"                      be made (default 1024; otherwise rlimits only, said at start)\n"
		"  --record-instructions N  a recorded process that has run N instructions\n"
		"                      is stopped (SIGXCPU; default 300000000): its recording,\n"
		"                      built up to there, stays small enough to build\n"
		"  --keep-days D       remove runs older than D days (default 7)\n"
		"  --keep-mb M         then remove the oldest runs while they take more than\n"
		"                      M MiB (default 4096)\n"
		"  --tunnel [ADDR:]PORT  listen on ADDR:PORT (default 0.0.0.0) and require the\n"
		"                      access token printed in the URL\n"
		"  --unsafe-no-sandbox run code WITHOUT bubblewrap: anyone who can reach the\n"
		"                      port runs anything as you (or nobody, for root)\n"
		"Every run is compiled, recorded and built in a bubblewrap sandbox with no\n"
		"network; POST /api/run takes {\"lang\",\"code\",\"input\",\"args\"} (server/API.md).\n",
		HS_SRV_DEFAULT_PORT);
	return 2;
}

static int default_data(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return (size_t)snprintf(buf, cap, "%s/hindsight/playground", xdg) < cap ? 0 : -1;
	if (!home || !*home)
		return -1;
	return (size_t)snprintf(buf, cap, "%s/.local/share/hindsight/playground", home) < cap ? 0 : -1;
}

/* Parses argv into o; 0, or the exit status to return (-1: none, --help). */
static int parse_args(int argc, char **argv, struct hs_play_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		int e;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			play_usage(stdout);
			return -1;
		} else if (!strcmp(a, "--port") && has_val) {
			if (cli_parse_port(argv[++i], &o->srv.port) < 0) {
				fprintf(stderr, "hindsight playground: --port wants 0..65535\n");
				return 2;
			}
		} else if (!strcmp(a, "--tunnel") && has_val) {
			if (cli_parse_tunnel(argv[++i], &o->srv) < 0) {
				fprintf(stderr, "hindsight playground: --tunnel wants [ADDR:]PORT\n");
				return 2;
			}
		} else if (!strcmp(a, "--data") && has_val) {
			o->data_dir = argv[++i];
		} else if (!strcmp(a, "--jobs") && has_val) {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(argv[++i], &end, 10);
			if (errno || *end || !argv[i][0] || argv[i][0] == '-' || v < 1 || v > 256) {
				fprintf(stderr, "hindsight playground: --jobs wants 1..256\n");
				return 2;
			}
			o->jobs = (unsigned)v;
		} else if (!strcmp(a, "--record-limit") && has_val) {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(argv[++i], &end, 10);
			if (errno || *end || !argv[i][0] || argv[i][0] == '-' || v < 1 || v > 3600) {
				fprintf(stderr, "hindsight playground: --record-limit wants 1..3600 s\n");
				return 2;
			}
			o->record_cpu_s = (unsigned)v;
		} else if (!strcmp(a, "--record-instructions") && has_val) {
			char *end;
			unsigned long long v;

			errno = 0;
			v = strtoull(argv[++i], &end, 10);
			if (errno || *end || argv[i][0] < '0' || argv[i][0] > '9' || v < 1000000 ||
			    v > (1ull << 40)) {
				fprintf(stderr, "hindsight playground: --record-instructions wants "
					"1000000..2^40\n");
				return 2;
			}
			o->record_insns = v;
		} else if (!strcmp(a, "--memory-mb") && has_val) {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(argv[++i], &end, 10);
			if (errno || *end || !argv[i][0] || argv[i][0] == '-' || v < 64 || v > 1u << 20) {
				fprintf(stderr, "hindsight playground: --memory-mb wants 64..1048576\n");
				return 2;
			}
			o->memory_mb = (unsigned)v;
		} else if ((!strcmp(a, "--keep-days") || !strcmp(a, "--keep-mb")) && has_val) {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(argv[++i], &end, 10);
			if (errno || *end || !argv[i][0] || argv[i][0] == '-' || v < 1 || v > 1u << 30) {
				fprintf(stderr, "hindsight playground: %s wants a positive number\n", a);
				return 2;
			}
			if (!strcmp(a, "--keep-days"))
				o->keep_days = (unsigned)v;
			else
				o->keep_mb = (unsigned)v;
		} else if (!strcmp(a, "--log") && has_val) {
			e = cli_parse_log(argv[++i], &o->srv);
			if (e < 0) {
				if (e == -1)
					fprintf(stderr, "hindsight playground: --log wants LEVEL=FILE\n");
				return e == -1 ? 2 : 1;
			}
		} else if (!strcmp(a, "--unsafe-no-sandbox")) {
			o->unsafe_no_sandbox = true;
		} else {
			fprintf(stderr, "hindsight playground: unknown option or missing value: %s\n", a);
			return play_usage(stderr);
		}
	}
	return 0;
}

int cli_playground_main(int argc, char **argv)
{
	struct hs_play_opts o = { .srv = { .port = HS_SRV_DEFAULT_PORT } };
	char data[PATH_MAX];
	struct hs_srv *srv = NULL;
	struct hs_srv_err err;
	sigset_t set;
	int rc, e;

	rc = parse_args(argc, argv, &o);
	if (rc)
		goto out;
	if (!o.data_dir) {
		if (default_data(data, sizeof data) < 0) {
			fprintf(stderr, "hindsight playground: no HOME: give --data DIR\n");
			rc = 2;
			goto out;
		}
		o.data_dir = data;
	}
	if (o.unsafe_no_sandbox)
		fprintf(stderr, "hindsight playground: WARNING: --unsafe-no-sandbox: the code "
			"people send runs on this machine with no sandbox, no namespaces and no "
			"seccomp filter, only the limits (rlimits, cgroups where they can be made); "
			"never expose this port.\n");
	cli_block_stop_signals(&set);

	e = hs_play_start(&o, &srv, &err);
	if (e < 0) {
		fprintf(stderr, "hindsight playground: %s\n", err.msg[0] ? err.msg : strerror(-e));
		rc = 1;
		goto out;
	}
	if (hs_srv_token(srv))
		printf("Hindsight playground at http://%s:%u/?token=%s\n",
		       o.srv.tunnel_addr ? o.srv.tunnel_addr : "127.0.0.1", hs_srv_port(srv),
		       hs_srv_token(srv));
	else
		printf("Hindsight playground at http://127.0.0.1:%u/\n", hs_srv_port(srv));
	printf("Runs in %s. Press Ctrl-C to stop.\n", o.data_dir);
	fflush(stdout);
	cli_wait_stop(&set);
	hs_srv_stop(srv);
out:
	if (o.srv.log && o.srv.log != stderr)
		fclose(o.srv.log);
	return rc < 0 ? 0 : rc;
}
