/* srv_play_box.c - the playground's sandbox: every stage that touches a
 * user's code (the compiler, the recorder and the program, the database
 * build) runs through play_box_run().
 *
 * With the sandbox (the default), a stage is
 *   bwrap --unshare-all --unshare-user --new-session --die-with-parent
 *         --cap-drop ALL, a read-only /usr (and the /bin /lib* links),
 *         a private /proc and /dev, a size-bounded tmpfs /tmp, the run's
 *         folder read-write at its own path, this hindsight and its
 *         recorder read-only, an empty environment, and the seccomp
 *         filter below (--seccomp FD), then the stage's argv;
 * run with per-stage rlimits (CPU, file size, processes, address space)
 * and, where one can be made, a cgroup of its own (memory and process
 * count of the stage as a whole: srv_play_cg.c), in a process group of
 * its own, as an unprivileged uid when the server is
 * root (RLIMIT_NPROC is not enforced for root), and killed as a whole at
 * the wall-clock limit: bwrap's sandbox dies with it (--die-with-parent,
 * and the pid namespace ends with its first process).
 *
 * After fork() only async-signal-safe calls run in the child: the server
 * is multithreaded, so everything is prepared before.
 */
#include "srv_play_i.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#define BOX_SECCOMP_FD 10
#define BOX_TMP_BYTES "67108864" /* the private /tmp: 64 MiB */
#define BOX_NOBODY 65534
/* With a pids cgroup, RLIMIT_NPROC (per uid: every run's processes
 * together) is only a backstop for the host */
#define BOX_NPROC_BACKSTOP 4096
#define BOX_POLL_MS 100 /* how often the cgroup's counters are read */

/* ---- the seccomp filter ------------------------------------------------- */

/* Denied with EPERM: debugging and reading other processes, kernel
 * attack surface a program has no use for, and leaving the namespaces. */
static const char *const denied[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "bpf", "perf_event_open",
	"userfaultfd", "keyctl", "add_key", "request_key", "mount", "umount2",
	"pivot_root", "chroot", "unshare", "setns", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "init_module", "finit_module", "delete_module",
	"kexec_load", "kexec_file_load", "open_by_handle_at", "name_to_handle_at",
	"fsopen", "fsmount", "fsconfig", "fspick", "open_tree", "move_mount",
	"mount_setattr", "swapon", "swapoff", "reboot", "acct", "quotactl",
	"lookup_dcookie", "vhangup", "syslog", "iopl", "ioperm",
};

static int build_filter(struct play_box *b, char *why, size_t cap)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int fd = -1, e = 0;
	struct stat st;

	if (!ctx) {
		snprintf(why, cap, "seccomp_init failed");
		return -ENOMEM;
	}
	/* a 32-bit (int 0x80) or x32 system call is no x86_64 one: killed */
	e = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; !e && i < sizeof denied / sizeof denied[0]; i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);

		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp: nothing to deny */
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	/* TIOCSTI pushes input into the controlling terminal (--new-session
	 * already detaches it); TIOCLINUX has the same kind of powers */
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	/* new namespaces through clone; clone3's flags are in memory, where a
	 * filter cannot look: ENOSYS, and libc falls back to clone */
	static const unsigned long ns_flags[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET,
						  CLONE_NEWPID, CLONE_NEWIPC, CLONE_NEWUTS,
						  CLONE_NEWCGROUP };
	for (size_t i = 0; !e && i < sizeof ns_flags / sizeof ns_flags[0]; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (e) {
		snprintf(why, cap, "cannot build the seccomp filter: %s", strerror(-e));
		goto out;
	}
	fd = memfd_create("hs-seccomp", MFD_CLOEXEC);
	if (fd < 0 || (e = seccomp_export_bpf(ctx, fd)) < 0 || fstat(fd, &st) < 0) {
		e = e ? e : -errno;
		snprintf(why, cap, "cannot export the seccomp filter: %s", strerror(-e));
		goto out;
	}
	b->bpf_len = (size_t)st.st_size;
	b->bpf = malloc(b->bpf_len ? b->bpf_len : 1);
	if (!b->bpf || pread(fd, b->bpf, b->bpf_len, 0) != (ssize_t)b->bpf_len) {
		e = -EIO;
		snprintf(why, cap, "cannot read the seccomp filter back");
	}
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return e;
}

/* ---- set-up -------------------------------------------------------------- */

static int find_exe(const char *name, char *out, size_t cap)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/local/bin" };

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(out, cap, "%s/%s", dirs[i], name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Runs `bwrap ... /usr/bin/true` once: a kernel without (unprivileged)
 * user namespaces fails here, at start, not at the first run. */
static int try_sandbox(struct play_box *b, const char *runs, char *why, size_t cap)
{
	const char *argv[] = { "/usr/bin/true", NULL };
	char dir[PATH_MAX];
	struct play_stage st = { .name = "probe", .argv = argv, .cpu_s = 5, .wall_s = 10,
				 .nproc = 64 };
	struct play_stage_res r = { .wstatus = 0 }; /* freed on every path */
	int e;

	/* in DATA/runs: its parents must let the sandbox's uid through */
	if ((size_t)snprintf(dir, sizeof dir, "%s/.probe.XXXXXX", runs) >= sizeof dir)
		return -ENAMETOOLONG;
	if (!mkdtemp(dir)) {
		snprintf(why, cap, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	st.dir = dir;
	e = play_box_chown(b, dir);
	if (!e)
		e = play_box_run(b, &st, &r);
	if (!e) {
		if (!WIFEXITED(r.wstatus) || WEXITSTATUS(r.wstatus) != 0) {
			char *nl = r.err.buf ? strchr(r.err.buf, '\n') : NULL;

			if (nl)
				*nl = 0;
			if (r.err.buf && strstr(r.err.buf, "Permission denied") && b->drop)
				snprintf(why, cap, "the sandbox runs as uid %u, which cannot reach %s "
					 "(a parent folder is not searchable by others: chmod o+x, or "
					 "another --data): %.200s", (unsigned)b->uid, runs, r.err.buf);
			else
				snprintf(why, cap, "bubblewrap cannot make a sandbox here (user "
					 "namespaces disabled?): %.200s", r.err.buf ? r.err.buf : "");
			e = -EPERM;
		}
	} else {
		snprintf(why, cap, "cannot run bubblewrap: %s", strerror(-e));
	}
	play_stage_res_free(&r); /* emptied by a failed run: freeing it again is safe */
	rmdir(dir);
	return e;
}

int play_box_init(struct play_box *b, bool sandbox, const char *runs, char *why, size_t cap)
{
	char exe[PATH_MAX], *slash;
	int e;

	memset(b, 0, sizeof(*b));
	b->sandbox = sandbox;
	b->drop = geteuid() == 0;
	b->uid = BOX_NOBODY;
	b->gid = BOX_NOBODY;
	b->hs_exe = realpath("/proc/self/exe", NULL);
	if (!b->hs_exe)
		return -errno;
	snprintf(exe, sizeof exe, "%s", b->hs_exe);
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	if (asprintf(&b->hs_lib, "%s/../lib/hindsight", exe) < 0) {
		b->hs_lib = NULL;
		return -ENOMEM;
	}
	slash = realpath(b->hs_lib, NULL);
	if (!slash) {
		snprintf(why, cap, "the recorder is missing (%s); run make", b->hs_lib);
		return -ENOENT;
	}
	free(b->hs_lib);
	b->hs_lib = slash;
	play_cg_init(&b->cg, "play");
	if (!sandbox)
		return 0;
	if (find_exe("bwrap", b->bwrap, sizeof b->bwrap) < 0) {
		snprintf(why, cap, "bubblewrap (bwrap) is not installed: the playground runs "
			 "code only in its sandbox (apt-get install bubblewrap, or "
			 "--unsafe-no-sandbox)");
		return -ENOENT;
	}
	e = build_filter(b, why, cap);
	if (!e)
		e = try_sandbox(b, runs, why, cap);
	return e;
}

void play_box_free(struct play_box *b)
{
	play_cg_free(&b->cg);
	free(b->bpf);
	free(b->hs_exe);
	free(b->hs_lib);
	memset(b, 0, sizeof(*b));
}

int play_box_chown(const struct play_box *b, const char *path)
{
	if (!b->drop)
		return 0;
	return chown(path, b->uid, b->gid) < 0 ? -errno : 0;
}

/* ---- the command line ------------------------------------------------------------- */

/* bwrap's arguments then the stage's: malloc'd array of borrowed strings. */
static const char **box_argv(const struct play_box *b, const struct play_stage *st)
{
	static const char *const head[] = {
		"--unshare-all", "--unshare-user", "--new-session", "--die-with-parent",
		"--cap-drop", "ALL", "--ro-bind", "/usr", "/usr",
		"--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
		"--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
		"--proc", "/proc", "--dev", "/dev",
		"--size", BOX_TMP_BYTES, "--tmpfs", "/tmp",
		"--clearenv", "--setenv", "PATH", "/usr/bin:/bin",
		"--setenv", "LANG", "C.UTF-8", "--setenv", "TMPDIR", "/tmp",
		"--seccomp", "10",
	};
	size_t nh = sizeof head / sizeof head[0], n = 0, na = 0;
	const char **v;

	while (st->argv[na])
		na++;
	v = calloc(nh + na + 24, sizeof(*v));
	if (!v)
		return NULL;
	v[n++] = b->bwrap;
	for (size_t i = 0; i < nh; i++)
		v[n++] = head[i];
	v[n++] = "--ro-bind";
	v[n++] = b->hs_exe;
	v[n++] = b->hs_exe;
	v[n++] = "--ro-bind";
	v[n++] = b->hs_lib;
	v[n++] = b->hs_lib;
	v[n++] = "--bind";
	v[n++] = st->dir;
	v[n++] = st->dir;
	v[n++] = "--chdir";
	v[n++] = st->dir;
	v[n++] = "--setenv";
	v[n++] = "HOME";
	v[n++] = st->dir;
	v[n++] = "--";
	for (size_t i = 0; i < na; i++)
		v[n++] = st->argv[i];
	v[n] = NULL;
	return v;
}

static void set_limit(int res, uint64_t v)
{
	struct rlimit rl = { v, v };

	setrlimit(res, &rl);
}

/* The child, between fork and exec: async-signal-safe calls only. */
/* A copy of fd numbered above every fixed place the child uses; -1 if
 * none. The copy is close-on-exec: only what dup2 places survives exec. */
static int lift_fd(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, BOX_SECCOMP_FD + 1);
}

static void child(const struct play_box *b, const struct play_stage *st, const char **argv,
		  char *const *envp, int in, int out, int err, int bpf,
		  const struct play_cg_stage *cs)
{
	/* first: its fds are not moved, and no process is left out */
	if (play_cg_stage_join(cs) < 0)
		_exit(126);
	setpgid(0, 0);
	/* Lift every fd above the places it goes first: dup2(fd, fd) is a
	 * no-op that keeps close-on-exec, so a memfd the kernel happened to
	 * number 10 (or a pipe numbered 1 when the server's stdout is
	 * closed) would vanish at exec. dup2 onto another number clears it. */
	in = lift_fd(in);
	out = lift_fd(out);
	err = lift_fd(err);
	if (bpf >= 0)
		bpf = lift_fd(bpf);
	if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0)
		_exit(126);
	if (bpf >= 0 && (dup2(bpf, BOX_SECCOMP_FD) < 0))
		_exit(126);
	/* nothing of the server's goes in: not every library opens its files
	 * close-on-exec (another run's database, a client's socket) */
	if (syscall(SYS_close_range, 3, BOX_SECCOMP_FD - 1, 0) < 0 ||
	    syscall(SYS_close_range, bpf >= 0 ? BOX_SECCOMP_FD + 1 : BOX_SECCOMP_FD, ~0u, 0) < 0)
		_exit(126);
	set_limit(RLIMIT_CORE, 0);
	if (st->cpu_s) {
		struct rlimit rl = { st->cpu_s, st->cpu_s + 1 };

		setrlimit(RLIMIT_CPU, &rl);
	}
	if (st->fsize)
		set_limit(RLIMIT_FSIZE, st->fsize);
	if (st->as)
		set_limit(RLIMIT_AS, st->as);
	if (st->nproc)
		set_limit(RLIMIT_NPROC, cs->pids[0] ? BOX_NPROC_BACKSTOP : st->nproc);
	if (b->drop && (setgroups(0, NULL) < 0 || setgid(b->gid) < 0 || setuid(b->uid) < 0))
		_exit(126);
	if (!b->sandbox && chdir(st->dir) < 0)
		_exit(126);
	execve(argv[0], (char *const *)argv, envp);
	_exit(127);
}

/* ---- running -------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads what fd has into o, keeping at most PLAY_OUT_CAP bytes. 0 at EOF. */
static int drain(int fd, struct play_out *o)
{
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0)
		return 0;
	if (o->len < PLAY_OUT_CAP) {
		size_t keep = (size_t)n;

		if (keep > PLAY_OUT_CAP - o->len) {
			keep = PLAY_OUT_CAP - o->len;
			o->cut = true;
		}
		memcpy(o->buf + o->len, buf, keep);
		o->len += keep;
		o->buf[o->len] = 0;
	} else {
		o->cut = true;
	}
	return 1;
}

/* A memory or process limit hit in the stage's cgroup: everything in it
 * is killed (a fork bomb's children too, that no process group holds). */
static void check_cg(const struct play_box *b, const struct play_cg_stage *cs, pid_t pid,
		     struct play_stage_res *res)
{
	if (res->memory || res->processes || (!cs->mem[0] && !cs->pids[0]))
		return;
	play_cg_stage_events(cs, b->cg.version, &res->memory, &res->processes);
	if (!res->memory && !res->processes)
		return;
	play_cg_stage_kill(cs);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

/* Collects the output until the stage ends or its wall limit; then the
 * whole process group is killed (bwrap takes its sandbox with it). */
static void watch(const struct play_box *b, pid_t pid, const struct play_stage *st, int fo,
		  int fe, const struct play_cg_stage *cs, struct play_stage_res *res)
{
	double t0 = now_s(), deadline = t0 + st->wall_s, grace = 0;
	struct pollfd p[2] = { { fo, POLLIN, 0 }, { fe, POLLIN, 0 } };
	bool exited = false;
	int ws = 0;

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		double left = (grace ? grace : deadline) - now_s();
		int n;

		if (left <= 0) {
			if (!grace && !exited) {
				res->wall = true;
				play_cg_stage_kill(cs);
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
			}
			break;
		}
		n = (int)(left * 1000) + 1;
		if (cs->mem[0] || cs->pids[0])
			n = n < BOX_POLL_MS ? n : BOX_POLL_MS;
		n = poll(p, 2, n);
		for (int i = 0; n > 0 && i < 2; i++)
			if (p[i].fd >= 0 && p[i].revents && !drain(p[i].fd, i ? &res->err : &res->out))
				p[i].fd = -1;
		if (!exited && waitpid(pid, &ws, WNOHANG) == pid) {
			/* what is still in the pipes comes soon, or never (a
			 * grandchild holding them is killed with the group) */
			exited = true;
			grace = now_s() + 0.5;
		}
		check_cg(b, cs, pid, res);
	}
	check_cg(b, cs, pid, res);
	kill(-pid, SIGKILL);
	if (!exited)
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
	res->wstatus = ws;
	res->secs = now_s() - t0;
}

static int out_init(struct play_out *o)
{
	o->buf = malloc(PLAY_OUT_CAP + 1);
	if (!o->buf)
		return -ENOMEM;
	o->buf[0] = 0;
	o->len = 0;
	o->cut = false;
	return 0;
}

int play_box_run(const struct play_box *b, const struct play_stage *st,
		 struct play_stage_res *res)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL };
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, in = -1, bpf = -1, e = 0;
	const char **argv = NULL;
	struct play_cg_stage cs = { .mem_fd = -1, .pids_fd = -1 };
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (out_init(&res->out) < 0 || out_init(&res->err) < 0) {
		e = -ENOMEM;
		goto out;
	}
	argv = b->sandbox ? box_argv(b, st) : malloc(sizeof(char *));
	if (!argv) {
		e = -ENOMEM;
		goto out;
	}
	if (!b->sandbox) {
		free(argv);
		argv = (const char **)st->argv;
	}
	in = open(st->stdin_path ? st->stdin_path : "/dev/null", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0 || pipe2(po, O_CLOEXEC) < 0 || (!st->merge && pipe2(pe, O_CLOEXEC) < 0)) {
		e = -errno;
		goto out;
	}
	if (b->sandbox) {
		/* a fresh fd per stage: bwrap reads the filter to its end */
		bpf = memfd_create("hs-seccomp", MFD_CLOEXEC);
		if (bpf < 0 || pwrite(bpf, b->bpf, b->bpf_len, 0) != (ssize_t)b->bpf_len) {
			e = bpf < 0 ? -errno : -EIO;
			goto out;
		}
	}
	e = play_cg_stage_make(&b->cg, st->mem, st->nproc, &cs);
	if (e < 0)
		goto out;
	pid = fork();
	if (pid < 0) {
		e = -errno;
		goto out;
	}
	if (pid == 0)
		child(b, st, argv, envp, in, po[1], st->merge ? po[1] : pe[1], bpf, &cs);
	setpgid(pid, pid); /* both sides: no race with the kill */
	close(po[1]);
	po[1] = -1;
	if (pe[1] >= 0)
		close(pe[1]);
	pe[1] = -1;
	fcntl(po[0], F_SETFL, O_NONBLOCK);
	if (pe[0] >= 0)
		fcntl(pe[0], F_SETFL, O_NONBLOCK);
	watch(b, pid, st, po[0], pe[0], &cs, res);
out:
	play_cg_stage_end(&cs);
	if (argv && argv != (const char **)st->argv)
		free(argv);
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	if (in >= 0)
		close(in);
	if (bpf >= 0)
		close(bpf);
	if (e < 0)
		play_stage_res_free(res);
	return e;
}

void play_stage_res_free(struct play_stage_res *r)
{
	free(r->out.buf);
	free(r->err.buf);
	r->out.buf = r->err.buf = NULL;
}
