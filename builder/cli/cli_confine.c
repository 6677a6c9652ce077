/* cli_confine.c - what `serve` and `mount` give up once their socket or
 * mount is set up: they only read a recording and answer on what they
 * already hold open, so a bug or a hostile request must not be able to
 * run a program, reach another machine or look into another process.
 *
 *   no_new_privs   no set-uid program or file capability ever adds
 *                  privileges (and seccomp may then be set unprivileged);
 *   seccomp        a filter on every thread (TSYNC), answering EPERM to
 *                  execve and execveat (unless allow_exec), ptrace,
 *                  process_vm_readv/writev, connect, and socket() for
 *                  anything but AF_UNIX: no new outbound socket; the
 *                  listening socket and accepted connections still work.
 *
 * Refusals are EPERM, not a kill: a library that tries (a DNS lookup, a
 * helper program) gets an error it already handles.
 *
 * serve also gives up writing outside the folders it writes to (Landlock,
 * cli_landlock, before its first thread: a Landlock domain is per thread
 * and inherited, with no way to apply it to running threads): the
 * notebook (--storage, by default inside the recording), the recording
 * itself only while the database is built,
 * --storage, and $TMPDIR or /tmp (the tree's spill files).  When the
 * database exists at start, reading is confined too: to those folders,
 * --sources, the system's library folders (/usr, /lib*: the server's own
 * libraries, NSS and system debug info) and a few files of /etc, /dev,
 * /proc/self, and the files the recording names (hs_tree_read_files: its
 * ELF files, their debug files, the source files found).  A database
 * still to be built names those files only once built, after the threads
 * run: the server that builds it reads unconfined and stops when it is
 * built, and serve starts a new one that reads confined (cmd_serve.c,
 * serve_supervised).  mount
 * applies the same rules (cli_landlock_reader) in the child that serves
 * (hs_fuse_options.in_child): a Landlock domain forbids umount, which the
 * daemon outside it does when the child ends.
 * A kernel without Landlock (before 5.13, or turned off) is said, and
 * serve runs without it.
 */
#include "cli.h"
#include "hindsight/tree.h"
#include "hindsight/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int cli_confine(bool allow_exec, char *said, size_t cap)
{
	static const char *const denied[] = {
		"ptrace", "process_vm_readv", "process_vm_writev", "connect",
	};
	scmp_filter_ctx ctx = NULL;
	int e;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		e = -errno;
		snprintf(said, cap, "confinement failed: no_new_privs: %s", strerror(-e));
		return e;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(said, cap, "confinement failed: seccomp_init");
		return -ENOMEM;
	}
	e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; !e && i < sizeof denied / sizeof denied[0]; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				     seccomp_syscall_resolve_name(denied[i]), 0);
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	if (!e && !allow_exec)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execve), 0);
	if (!e && !allow_exec)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execveat), 0);
	if (!e)
		e = seccomp_load(ctx);
	seccomp_release(ctx);
	if (e) {
		snprintf(said, cap, "confinement failed: seccomp: %s", strerror(-e));
		return e < 0 ? e : -EINVAL;
	}
	snprintf(said, cap, "confined: no_new_privs; seccomp refuses %sptrace, "
		 "process_vm_readv/writev, connect and non-AF_UNIX sockets",
		 allow_exec ? "" : "execve, execveat, ");
	return 0;
}

/* ---- Landlock ------------------------------------------------------------------ */

/* Newer than Debian 12's kernel headers (6.1); the values are the ABI. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* Every right that creates, changes or removes a file, as far as the
 * kernel's Landlock ABI knows them (REFER from 2, TRUNCATE from 3). */
static uint64_t write_rights(int abi)
{
	uint64_t r = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
		     LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
		     LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
		     LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
		     LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return r;
}

/* A folder that does not exist yet (a --storage made at the first note)
 * is allowed through its nearest existing ancestor, where it will be;
 * *ancestor says so. */
static int open_dir_or_ancestor(const char *dir, bool *ancestor)
{
	char path[4096];
	int fd;

	*ancestor = false;
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return -ENAMETOOLONG;
	for (;;) {
		char *slash;

		fd = open(path[0] ? path : "/", O_PATH | O_CLOEXEC | O_DIRECTORY);
		if (fd >= 0 || errno != ENOENT)
			return fd >= 0 ? fd : -errno;
		*ancestor = true;
		slash = strrchr(path, '/');
		if (!slash) { /* a relative name: it will be in "." */
			fd = open(".", O_PATH | O_CLOEXEC | O_DIRECTORY);
			return fd >= 0 ? fd : -errno;
		}
		*slash = 0;
	}
}

#define READ_RIGHTS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/* rights beneath dir; through an ancestor only the rights to write: what
 * the server makes there it keeps in memory, and reading the ancestor's
 * other files would open far more than asked. */
static int allow_dir(int ruleset, const char *dir, uint64_t rights)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = rights };
	bool ancestor;
	int e = 0;

	pb.parent_fd = open_dir_or_ancestor(dir, &ancestor);
	if (pb.parent_fd < 0)
		return pb.parent_fd;
	if (ancestor)
		pb.allowed_access &= ~(uint64_t)READ_RIGHTS;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		e = -errno;
	close(pb.parent_fd);
	return e;
}

/* Read access to path: beneath it for a folder, the file alone otherwise
 * (Landlock takes only file rights on a file).  1 when the rule was
 * added, 0 when path does not exist (nothing there to read), or -errno.
 * Never an ancestor: that would open reading far wider than asked. */
static int allow_read(int ruleset, const char *path)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = READ_RIGHTS };
	struct stat st;
	int e = 1;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -errno;
	if (fstat(pb.parent_fd, &st) < 0)
		e = -errno;
	else if (!S_ISDIR(st.st_mode))
		pb.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE;
	if (e > 0 && syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		e = -errno;
	close(pb.parent_fd);
	return e;
}

/* Adds the rules of r to ruleset rs; *said tells which failed. */
static int add_rules(int rs, uint64_t handled, const struct cli_landlock_rules *r,
		     size_t used[3], char *said, size_t cap)
{
	int e = 0;

	for (size_t i = 0; i < r->n_write && !e; i++) {
		if (!r->write_dirs[i])
			continue;
		e = allow_dir(rs, r->write_dirs[i], handled);
		if (e < 0)
			snprintf(said, cap, "confinement failed: Landlock: %s: %s", r->write_dirs[i],
				 strerror(-e));
		else
			used[0]++;
	}
	if (!r->confine_reads)
		return e;
	for (size_t i = 0; i < r->n_read_dirs + r->n_read_files && !e; i++) {
		bool dir = i < r->n_read_dirs;
		const char *p = dir ? r->read_dirs[i] : r->read_files[i - r->n_read_dirs];

		if (!p)
			continue;
		e = allow_read(rs, p);
		if (e < 0)
			snprintf(said, cap, "confinement failed: Landlock: %s: %s", p, strerror(-e));
		else
			used[dir ? 1 : 2] += (size_t)e;
		e = e < 0 ? e : 0;
	}
	return e;
}

int cli_landlock(const struct cli_landlock_rules *r, char *said, size_t cap)
{
	struct landlock_ruleset_attr ra = { 0 };
	int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
			       LANDLOCK_CREATE_RULESET_VERSION);
	size_t used[3] = { 0, 0, 0 }; /* write folders, read folders, read files */
	int rs, e;

	if (abi < 0) {
		snprintf(said, cap, "not confined to its folders: Landlock is not available (%s)",
			 strerror(errno));
		return 0;
	}
	ra.handled_access_fs = write_rights(abi) | (r->confine_reads ? READ_RIGHTS : 0);
	rs = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof ra, 0);
	if (rs < 0) {
		e = -errno;
		snprintf(said, cap, "confinement failed: landlock_create_ruleset: %s", strerror(-e));
		return e;
	}
	e = add_rules(rs, ra.handled_access_fs, r, used, said, cap);
	if (!e && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		e = -errno;
		snprintf(said, cap, "confinement failed: no_new_privs: %s", strerror(-e));
	}
	if (!e && syscall(SYS_landlock_restrict_self, rs, 0) < 0) {
		e = -errno;
		snprintf(said, cap, "confinement failed: landlock_restrict_self: %s", strerror(-e));
	}
	close(rs);
	if (e)
		return e;
	if (r->confine_reads)
		snprintf(said, cap, "confined: Landlock (ABI %d) allows writing only under %zu "
			 "folder%s, reading only there, under %zu other folder%s and %zu file%s",
			 abi, used[0], used[0] == 1 ? "" : "s", used[1], used[1] == 1 ? "" : "s",
			 used[2], used[2] == 1 ? "" : "s");
	else
		snprintf(said, cap, "confined: Landlock (ABI %d) allows writing only under %zu "
			 "folder%s; reading is not confined while it builds the database (the "
			 "server that serves it once built is)",
			 abi, used[0], used[0] == 1 ? "" : "s");
	return 0;
}

/* ---- the rules of a reader of a recording ------------------------------------------ */

struct read_files {
	char **v;
	size_t n, cap;
};

static int add_file(void *ctx, const char *path)
{
	struct read_files *rf = ctx;
	char *copy;

	for (size_t i = 0; i < rf->n; i++)
		if (strcmp(rf->v[i], path) == 0)
			return 0;
	copy = strdup(path);
	if (!copy || hs_grow((void **)&rf->v, &rf->cap, rf->n + 1, sizeof(*rf->v))) {
		free(copy);
		return -ENOMEM;
	}
	rf->v[rf->n++] = copy;
	return 0;
}

int cli_landlock_reader(struct hs_tree *tree, const char *const *write_dirs, size_t n_write,
			const char *const *sources, size_t n_sources, char *said, size_t cap)
{
	/* what the process's own libraries read after start: shared objects
	 * and NSS modules, the dynamic linker's cache, the time zone, the
	 * number of CPUs; and the system's debug information */
	static const char *const system_dirs[] = {
		"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc/ld.so.cache",
		"/etc/localtime", "/dev/null", "/dev/urandom", "/proc/self",
		"/sys/devices/system/cpu",
	};
	const size_t n_system = sizeof(system_dirs) / sizeof(system_dirs[0]);
	const char *tmp = getenv("TMPDIR");
	const char *write[8], **read = calloc(n_system + n_sources, sizeof(*read));
	struct read_files rf = { 0 };
	size_t nw = 0, nr = 0;
	int e = 0;

	if (!read) {
		snprintf(said, cap, "confinement failed: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_write && nw < 7; i++)
		write[nw++] = write_dirs[i];
	write[nw++] = tmp && *tmp ? tmp : "/tmp";
	for (size_t i = 0; i < n_system; i++)
		read[nr++] = system_dirs[i];
	for (size_t i = 0; i < n_sources; i++)
		read[nr++] = sources[i];
	if (tree)
		e = hs_tree_read_files(tree, add_file, &rf);
	if (e == 0) {
		struct cli_landlock_rules r = {
			write, nw, tree != NULL, read, nr, (const char *const *)rf.v, rf.n,
		};
		e = cli_landlock(&r, said, cap);
	} else {
		snprintf(said, cap, "confinement failed: the recording's files: %s", strerror(-e));
	}
	for (size_t i = 0; i < rf.n; i++)
		free(rf.v[i]);
	free(rf.v);
	free(read);
	return e;
}
