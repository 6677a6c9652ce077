/* cmd_serve.c - `hindsight serve`: the HTTP API and web UI of a recording.
 *
 *   hindsight serve [--port P] [--tunnel [ADDR:]PORT] [--storage DIR]
 *                   [--sources DIR]... [--log LEVEL=FILE] [--cache-mb N] [--memory MB] TRACE_DIR
 *
 * Serves until SIGINT or SIGTERM, then exits 0.  The signals are blocked
 * in every thread (libmicrohttpd's included, which inherit the mask) and
 * taken here with sigwait(), so the server stops from normal code, not
 * from a signal handler.
 *
 * Exit status: 0 after Ctrl-C, 2 bad usage, 1 the server could not start.
 */
#include "cli.h"
#include "hindsight/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int serve_usage(FILE *f)
{
	fprintf(f,
		"usage: hindsight serve [--port P] [--tunnel [ADDR:]PORT] [--storage DIR]\n"
		"                       [--sources DIR]... [--log LEVEL=FILE] [--cache-mb N] [--memory MB] TRACE_DIR\n"
		"  --port P            listen on 127.0.0.1:P (default %u; 0 picks a free port)\n"
		"  --tunnel [ADDR:]PORT  listen on ADDR:PORT instead (ADDR default 0.0.0.0), for\n"
		"                      an SSH tunnel or a proxy; then every request needs the\n"
		"                      access token printed in the URL\n"
		"  --storage DIR       where the notebook lives (default TRACE_DIR/notebook)\n"
		"  --sources DIR       where to look for source files (repeatable)\n"
		"  --cache-mb N        cap of the query cache in MiB (default 256)\n"
		"  --memory MB         hold the server to MB MiB: a memory cgroup when one can\n"
		"                      be made (root), else RLIMIT_AS\n"
		"  --log LEVEL=FILE    log to FILE ('-': stderr); LEVEL error, info (one line per\n"
		"                      request) or debug (also why requests were refused)\n"
		"Builds the database first, in the background, when TRACE_DIR has none.\n",
		HS_SRV_DEFAULT_PORT);
	return 2;
}

void cli_block_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void cli_wait_stop(const sigset_t *set)
{
	int sig, e;

	do {
		e = sigwait(set, &sig);
	} while (e == 0 && sig == SIGHUP);
}

int cli_parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* "[ADDR:]PORT" */
int cli_parse_tunnel(char *s, struct hs_srv_opts *o)
{
	char *colon = strrchr(s, ':');

	o->tunnel = true;
	if (colon) {
		*colon = 0;
		o->tunnel_addr = *s ? s : NULL;
		return cli_parse_port(colon + 1, &o->tunnel_port);
	}
	return cli_parse_port(s, &o->tunnel_port);
}

int cli_parse_log(const char *s, struct hs_srv_opts *o)
{
	const char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : 0;

	if (!eq || !eq[1])
		return -1;
	if (n == 5 && strncmp(s, "error", 5) == 0)
		o->log_level = HS_SRV_LOG_ERROR;
	else if (n == 4 && strncmp(s, "info", 4) == 0)
		o->log_level = HS_SRV_LOG_INFO;
	else if (n == 5 && strncmp(s, "debug", 5) == 0)
		o->log_level = HS_SRV_LOG_DEBUG;
	else
		return -1;
	if (strcmp(eq + 1, "-") == 0) {
		o->log = stderr;
		return 0;
	}
	o->log = fopen(eq + 1, "ae");
	if (!o->log) {
		fprintf(stderr, "hindsight: %s: %s\n", eq + 1, strerror(errno));
		return -2;
	}
	return 0;
}

/* hs_srv_opts.before_threads: serve writes only under the folders the
 * server names and $TMPDIR (the tree's spill files), and reads only there,
 * under --sources, the system's library folders and the files the
 * recording names (cli_landlock_reader).  ctx: struct serve_ll. */
#define LANDLOCK_SAID 256

struct serve_ll {
	const char *const *source_dirs; /* --sources, NULL-terminated */
	char said[LANDLOCK_SAID];       /* the line that says what was applied */
};

static int landlock_server(void *ctx, const struct hs_srv_confine *c)
{
	struct serve_ll *ll = ctx;
	size_t n = 0;
	const char **read;
	int e;

	while (ll->source_dirs[n])
		n++;
	/* --sources and the recording, which a server of a built database
	 * reads but does not write */
	read = calloc(n + 1, sizeof(*read));
	if (!read)
		return -ENOMEM;
	memcpy(read, ll->source_dirs, n * sizeof(*read));
	read[n] = c->trace;
	e = cli_landlock_reader(c->tree, c->write_dirs, c->n_write, read, n + 1, ll->said,
				sizeof ll->said);
	free(read);
	return e;
}

/* The exit status of a supervised server that stopped because its
 * database is built (serve_supervised opens it in a new one). */
#define SERVE_BUILT 3

static void print_url(const char *trace, const struct hs_srv_opts *o, uint16_t port,
		      const char *token)
{
	if (token)
		printf("Hindsight serving %s at http://%s:%u/?token=%s\n", trace,
		       o->tunnel_addr ? o->tunnel_addr : "127.0.0.1", port, token);
	else
		printf("Hindsight serving %s at http://127.0.0.1:%u/\n", trace, port);
	printf("Press Ctrl-C to stop.\n");
	fflush(stdout);
}

/* on_built, from the build thread: the waiting main thread takes it */
static void built_signal(void *ctx)
{
	(void)ctx;
	kill(getpid(), SIGUSR2);
}

/* One server, until SIGINT or SIGTERM (0) or, with until_built, until its
 * background build is done (SERVE_BUILT); 1 when it cannot start.  ready:
 * a descriptor written one byte once it serves (-1: none; then the URL is
 * printed here). */
static int serve_one(const char *trace, struct hs_srv_opts *o, struct serve_ll *ll,
		     bool until_built, int ready)
{
	struct hs_srv *srv = NULL;
	struct hs_srv_err err;
	char said[256];
	sigset_t set;
	int e, sig = 0;

	cli_block_stop_signals(&set);
	if (until_built) {
		sigaddset(&set, SIGUSR2);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		o->on_built = built_signal;
	}
	o->before_threads = landlock_server;
	o->before_threads_ctx = ll;
	e = hs_srv_start(o, &srv, &err);
	if (e < 0) {
		fprintf(stderr, "hindsight serve: %s\n", err.msg[0] ? err.msg : strerror(-e));
		if (!strncmp(ll->said, "confinement failed", 18))
			fprintf(stderr, "hindsight serve: %s\n", ll->said);
		return 1;
	}
	/* the socket listens and the threads run: from here on nothing new */
	e = cli_confine(false, said, sizeof said);
	hs_srv_note(srv, "%s", ll->said);
	hs_srv_note(srv, "%s", said);
	if (e < 0) {
		fprintf(stderr, "hindsight serve: %s\n", said);
		hs_srv_stop(srv);
		return 1;
	}
	if (ready < 0)
		print_url(trace, o, hs_srv_port(srv), hs_srv_token(srv));
	else if (write(ready, "r", 1) != 1)
		sig = SIGTERM; /* the supervisor is gone */
	while (!sig && sigwait(&set, &sig) == 0 && sig == SIGHUP)
		sig = 0;
	if (sig == SIGUSR2)
		hs_srv_handover(srv);
	hs_srv_stop(srv);
	return sig == SIGUSR2 ? SERVE_BUILT : 0;
}

/* A server in a child process on the supervisor's socket: its pid, and
 * whether it serves (it wrote to the ready pipe) in *up. */
static pid_t serve_child(const char *trace, struct hs_srv_opts *o, struct serve_ll *ll,
			 bool until_built, bool *up)
{
	int p[2];
	pid_t pid, parent = getpid();
	char c;

	*up = false;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL); /* nothing buffered is written twice */
	pid = fork();
	if (pid == 0) {
		sigset_t chld;

		close(p[0]);
		/* a supervisor killed outright takes its server along */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(1);
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		pthread_sigmask(SIG_UNBLOCK, &chld, NULL);
		_exit(serve_one(trace, o, ll, until_built, p[1]));
	}
	close(p[1]);
	*up = pid > 0 && read(p[0], &c, 1) == 1;
	close(p[0]);
	return pid;
}

/* serve of a recording without a database.  The build reads files nobody
 * knows before it is done, and a Landlock domain can be applied only to
 * the calling thread and the ones it starts.  So this process, which runs
 * no thread, makes the socket and keeps it; a first server (a child)
 * builds the database confined for writing, serving its progress, and
 * stops when it is built; a second child, started afresh, opens it
 * confined for reading too (cli_landlock_reader), on the same socket:
 * connections wait in its backlog meanwhile, and the web UI's progress
 * stream reconnects to it.  Stop signals are passed on. */
static int serve_supervised(const char *trace, struct hs_srv_opts *o, struct serve_ll *ll)
{
	struct hs_srv_err err = { "" };
	char token[33], said[256];
	uint16_t port;
	sigset_t set;
	bool stopping = false, up;
	int fd, e, st = 0, rc = 1, sig;
	pid_t pid;

	if (o->tunnel && (e = hs_srv_make_token(token)) < 0) {
		fprintf(stderr, "hindsight serve: cannot make an access token: %s\n", strerror(-e));
		return 1;
	}
	if ((e = hs_srv_listen_socket(o, &fd, &port, &err)) < 0) {
		fprintf(stderr, "hindsight serve: %s\n", err.msg[0] ? err.msg : strerror(-e));
		return 1;
	}
	/* this process only waits: no exec, no connect (its children
	 * confine themselves further) */
	if (cli_confine(false, said, sizeof said) < 0) {
		fprintf(stderr, "hindsight serve: %s\n", said);
		close(fd);
		return 1;
	}
	o->use_listen_fd = true;
	o->listen_fd = fd;
	o->token = o->tunnel ? token : NULL;
	cli_block_stop_signals(&set);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (int round = 0; round < 2; round++) {
		pid = serve_child(trace, o, ll, round == 0, &up);
		if (pid < 0) {
			fprintf(stderr, "hindsight serve: cannot start a server: %s\n",
				strerror(errno));
			break;
		}
		if (up && round == 0)
			print_url(trace, o, port, o->token);
		for (;;) {
			if (sigwait(&set, &sig) != 0)
				continue;
			if (sig == SIGCHLD && waitpid(pid, &st, WNOHANG) == pid)
				break;
			if (sig == SIGINT || sig == SIGTERM) {
				stopping = true;
				kill(pid, sig);
			}
		}
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		if (rc == SERVE_BUILT)
			rc = 0;
		if (stopping || !WIFEXITED(st) || WEXITSTATUS(st) != SERVE_BUILT)
			break;
	}
	close(fd);
	o->token = NULL; /* token is this frame's */
	o->use_listen_fd = false;
	return rc;
}

/* Whether the recording has a database (hs_srv_start opens it). */
static bool has_db(const char *trace)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/db", trace);
	return access(path, F_OK) == 0;
}

int cli_serve_main(int argc, char **argv)
{
	struct hs_srv_opts o = { .port = HS_SRV_DEFAULT_PORT };
	const char **sources = calloc((size_t)argc + 1, sizeof(*sources));
	const char *trace = NULL;
	struct serve_ll ll = { 0 };
	uint64_t mem_mb = 0;
	int rc = 0, e;

	if (!sources)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			serve_usage(stdout);
			goto out;
		} else if (strcmp(a, "--port") == 0 && has_val) {
			if (cli_parse_port(argv[++i], &o.port) < 0) {
				fprintf(stderr, "hindsight serve: --port wants 0..65535, not '%s'\n", argv[i]);
				rc = 2;
				goto out;
			}
		} else if (strcmp(a, "--tunnel") == 0 && has_val) {
			if (cli_parse_tunnel(argv[++i], &o) < 0) {
				fprintf(stderr, "hindsight serve: --tunnel wants [ADDR:]PORT\n");
				rc = 2;
				goto out;
			}
		} else if (strcmp(a, "--cache-mb") == 0 && has_val) {
			char *end;
			unsigned long mb;

			errno = 0;
			mb = strtoul(argv[++i], &end, 10);
			if (errno || *end || !argv[i][0] || argv[i][0] == '-' || mb > (1ul << 20)) {
				fprintf(stderr, "hindsight serve: --cache-mb wants a number of MiB\n");
				rc = 2;
				goto out;
			}
			o.cache_bytes = (size_t)mb << 20;
		} else if (strcmp(a, "--memory") == 0 && has_val) {
			if (cli_parse_memory("serve", argv[++i], &mem_mb)) {
				rc = 2;
				goto out;
			}
		} else if (strcmp(a, "--storage") == 0 && has_val) {
			o.storage_dir = argv[++i];
		} else if (strcmp(a, "--sources") == 0 && has_val) {
			sources[o.n_source_dirs++] = argv[++i];
		} else if (strcmp(a, "--log") == 0 && has_val) {
			e = cli_parse_log(argv[++i], &o);
			if (e < 0) {
				if (e == -1)
					fprintf(stderr, "hindsight serve: --log wants LEVEL=FILE, LEVEL "
						"error, info or debug\n");
				rc = e == -1 ? 2 : 1;
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "hindsight serve: unknown option or missing value: %s\n", a);
			rc = serve_usage(stderr);
			goto out;
		} else if (!trace) {
			trace = a;
		} else {
			fprintf(stderr, "hindsight serve: one TRACE_DIR only ('%s' is extra)\n", a);
			rc = serve_usage(stderr);
			goto out;
		}
	}
	if (!trace) {
		rc = serve_usage(stderr);
		goto out;
	}
	if (cli_meta_check("serve", trace) < 0) {
		rc = 1;
		goto out;
	}
	o.trace_dir = trace;
	o.source_dirs = sources;
	if (mem_mb && (e = cli_memory_limit("serve", mem_mb, &rc)) != 0) {
		if (e < 0)
			rc = 1;
		goto out;
	}

	ll.source_dirs = sources;
	rc = has_db(trace) ? serve_one(trace, &o, &ll, false, -1)
			   : serve_supervised(trace, &o, &ll);
out:
	if (o.log && o.log != stderr)
		fclose(o.log);
	free(sources);
	return rc;
}
