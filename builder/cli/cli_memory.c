/* cli_memory.c - `--memory MB` of build and serve: the whole command held
 * to MB of memory.
 *
 * With a writable memory cgroup (root, v1 or v2) the command forks: the
 * child joins a cgroup of its own (server.h, hs_srv_memcg_*: the
 * playground's cgroup code) and does the work; the parent stays outside,
 * passes SIGINT, SIGTERM, SIGHUP and SIGQUIT on (a terminal's Ctrl-C
 * reaches the child twice: both stop at the first), removes the cgroup
 * when the child is gone, and exits as the child did, saying so when the kernel killed it
 * for memory.  The limit then holds for all of the command's threads and
 * processes together, as the playground's does, and counts its page
 * cache as the kernel does.
 *
 * Without one (not root, no controller) it falls back to RLIMIT_AS:
 * address space, per process, counted before memory is touched; a
 * command that reserves more than it uses (thread stacks, mappings) may
 * fail sooner than the cgroup would stop it.  Either way one line on
 * stderr says what holds the command.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "hindsight/server.h"

static volatile sig_atomic_t child_pid;

static void pass_on(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

int cli_parse_memory(const char *cmd, const char *s, uint64_t *mb)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < 16 || v > (1ull << 30)) {
		fprintf(stderr, "hindsight %s: --memory wants a number of MiB, 16 or more, not '%s'\n",
			cmd, s);
		return -1;
	}
	*mb = v;
	return 0;
}

static int rlimit_as(const char *cmd, uint64_t mb, const char *why)
{
	struct rlimit r = { (rlim_t)mb << 20, (rlim_t)mb << 20 };

	if (setrlimit(RLIMIT_AS, &r) < 0) {
		fprintf(stderr, "hindsight %s: --memory %llu: setrlimit(RLIMIT_AS): %s\n", cmd,
			(unsigned long long)mb, strerror(errno));
		return -errno;
	}
	fprintf(stderr, "hindsight %s: memory: RLIMIT_AS %llu MiB per process (no memory cgroup: "
		"%s)\n", cmd, (unsigned long long)mb, why);
	return 0;
}

/* The parent: waits for the child, then its exit status as the command's. */
static int wait_child(const char *cmd, pid_t pid, uint64_t mb, struct hs_srv_memcg *m)
{
	static const int passed[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction pass = { .sa_handler = pass_on };
	sigset_t none;
	int st = 0, rc;
	pid_t w;

	sigemptyset(&pass.sa_mask);
	child_pid = pid;
	for (size_t k = 0; k < sizeof(passed) / sizeof(passed[0]); k++)
		sigaction(passed[k], &pass, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	do
		w = waitpid(pid, &st, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		fprintf(stderr, "hindsight %s: waitpid: %s\n", cmd, strerror(errno));
		rc = 1;
	} else if (WIFEXITED(st)) {
		rc = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st) && hs_srv_memcg_oom(m)) {
		fprintf(stderr, "hindsight %s: killed by the kernel: over its memory limit "
			"(--memory %llu MiB)\n", cmd, (unsigned long long)mb);
		rc = 128 + WTERMSIG(st);
	} else {
		rc = 128 + WTERMSIG(st);
	}
	hs_srv_memcg_free(m);
	return rc;
}

int cli_memory_limit(const char *cmd, uint64_t mb, int *status)
{
	struct hs_srv_memcg *m;
	char note[1024];
	pid_t pid;
	int e;

	*status = 0;
	e = hs_srv_memcg_make(cmd, mb << 20, &m, note, sizeof note);
	if (e < 0)
		return rlimit_as(cmd, mb, note);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		e = -errno;
		fprintf(stderr, "hindsight %s: fork: %s\n", cmd, strerror(errno));
		hs_srv_memcg_free(m);
		return e;
	}
	if (pid == 0) {
		/* the child does the work; its copy of m is left as it is (the
		 * parent owns the cgroup) */
		if (hs_srv_memcg_join(m) < 0) {
			fprintf(stderr, "hindsight %s: cannot join %s\n", cmd, note);
			_exit(1);
		}
		fprintf(stderr, "hindsight %s: %s\n", cmd, note);
		return 0;
	}
	*status = wait_child(cmd, pid, mb, m);
	return 1;
}
