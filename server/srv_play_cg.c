/* srv_play_cg.c - the playground's cgroups: each sandboxed stage runs in a
 * cgroup of its own, with memory.max / pids.max (v2) or
 * memory.limit_in_bytes / pids.max (v1), so that the memory and process
 * limits hold for the run as a whole (RLIMIT_AS is per process,
 * RLIMIT_NPROC per uid: shared with every other run), the kernel counts
 * when they are hit (memory.events / memory.oom_control oom_kill,
 * pids.events max), and every process of the stage can be found and
 * killed at its end.
 *
 * Where: at start, a folder hindsight-play.<pid> (hindsight-WHO.<pid>) is made in the server's
 * own cgroup (so that the limits the server is held to still hold), or for
 * v2, when that cgroup cannot delegate the memory and pids controllers
 * (it holds processes: the "no internal processes" rule), in its nearest
 * ancestor that already does (the root, as root).  Stages are folders
 * stage.XXXXXX in it, removed when the stage ends; the folder itself when
 * the server stops.
 *
 * Nothing here is fatal: without a cgroup (not root, no controller, no
 * cgroupfs) the stages keep their rlimits and play_cg.note says why.
 * The child joins its cgroup between fork and exec by writing "0" into
 * cgroup.procs through an fd opened before the fork (async-signal-safe).
 */
#include "srv_play_i.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CG_LINE 4096

/* ---- small file helpers --------------------------------------------------------- */

/* Opens dir/file: the fd, or -errno. */
static int cg_open(const char *dir, const char *file, int flags)
{
	char path[PATH_MAX];
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return -ENAMETOOLONG;
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int cg_write(const char *dir, const char *file, const char *val)
{
	ssize_t n;
	int fd = cg_open(dir, file, O_WRONLY);

	if (fd < 0)
		return fd;
	n = write(fd, val, strlen(val));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* Reads dir/file into buf (NUL-terminated); -errno. */
static int cg_read(const char *dir, const char *file, char *buf, size_t cap)
{
	ssize_t n;
	int fd = cg_open(dir, file, O_RDONLY);

	if (fd < 0)
		return fd;
	n = read(fd, buf, cap - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = 0;
	return 0;
}

/* The value of "key N" in a flat-keyed file (memory.events, pids.events,
 * memory.oom_control); 0 when absent or unreadable. */
static uint64_t cg_key(const char *dir, const char *file, const char *key)
{
	char buf[CG_LINE], *p;
	size_t kl = strlen(key);

	if (!dir[0] || cg_read(dir, file, buf, sizeof buf) < 0)
		return 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoull(p + kl + 1, NULL, 10);
	return 0;
}

/* Whether the space-separated list in dir/file names word. */
static bool cg_lists(const char *dir, const char *file, const char *word)
{
	char buf[CG_LINE];
	size_t wl = strlen(word);

	if (cg_read(dir, file, buf, sizeof buf) < 0)
		return false;
	for (char *p = buf; (p = strstr(p, word)); p += wl)
		if ((p == buf || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\n' || !p[wl]))
			return true;
	return false;
}

/* ---- where the hierarchies are ----------------------------------------------------- */

/* Whether the comma-separated list names word. */
static bool in_list(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, word, wl) && (p[wl] == ',' || !p[wl]))
			return true;
	return false;
}

/* The mount point of the cgroup hierarchy with fstype "cgroup2" (ctl
 * NULL), or of the v1 one whose super options name ctl, and its root
 * (not "/" in a container that bound a sub-tree), from mountinfo. */
static int find_mount(const char *ctl, char *mnt, size_t mcap, char *root, size_t rcap)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[CG_LINE];
	int e = -ENOENT;

	if (!f)
		return -errno;
	while (e && fgets(line, sizeof line, f)) {
		char r[PATH_MAX], m[PATH_MAX], *dash = strstr(line, " - ");
		char type[64], src[256], opts[1024];

		if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2 ||
		    sscanf(dash + 3, "%63s %255s %1023s", type, src, opts) != 3)
			continue;
		if (ctl ? strcmp(type, "cgroup") || !in_list(opts, ctl) : strcmp(type, "cgroup2"))
			continue;
		snprintf(mnt, mcap, "%s", m);
		snprintf(root, rcap, "%s", r);
		e = 0;
	}
	fclose(f);
	return e;
}

/* The server's own cgroup in the hierarchy of ctl (NULL: v2's "0::"),
 * from /proc/self/cgroup ("4:memory:/a/b", "0::/a/b"). */
static int own_path(const char *ctl, char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[CG_LINE];
	int e = -ENOENT;

	if (!f)
		return -errno;
	while (e && fgets(line, sizeof line, f)) {
		char *ctls = strchr(line, ':'), *path = ctls ? strchr(ctls + 1, ':') : NULL;

		if (!path)
			continue;
		*ctls++ = 0;
		*path++ = 0;
		path[strcspn(path, "\n")] = 0;
		if (ctl ? !in_list(ctls, ctl) : !!*ctls)
			continue;
		snprintf(out, cap, "%s", path);
		e = 0;
	}
	fclose(f);
	return e;
}

/* mnt + (own less the mount's root): the server's cgroup folder. */
static int own_dir(const char *ctl, char *out, size_t cap)
{
	char mnt[PATH_MAX], root[PATH_MAX], own[PATH_MAX];
	const char *rel;
	size_t rl;
	int e = find_mount(ctl, mnt, sizeof mnt, root, sizeof root);

	if (!e)
		e = own_path(ctl, own, sizeof own);
	if (e)
		return e;
	rl = strlen(root);
	rel = own;
	if (strcmp(root, "/") && !strncmp(own, root, rl) && (own[rl] == '/' || !own[rl]))
		rel = own + rl;
	if (!strcmp(rel, "/"))
		rel = "";
	return (size_t)snprintf(out, cap, "%s%s", mnt, rel) < cap ? 0 : -ENAMETOOLONG;
}

/* ---- set-up ------------------------------------------------------------------------ */

static int make_base(char *dir, size_t cap, const char *parent, const char *who)
{
	if ((size_t)snprintf(dir, cap, "%s/hindsight-%s.%ld", parent, who, (long)getpid()) >= cap)
		return -ENAMETOOLONG;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* v2: a folder whose children get memory and pids, in own or an ancestor. */
static int init_v2(struct play_cg *c, const char *who)
{
	char dir[PATH_MAX], mnt[PATH_MAX], root[PATH_MAX];
	int e = own_dir(NULL, dir, sizeof dir);

	if (e)
		return e;
	if (find_mount(NULL, mnt, sizeof mnt, root, sizeof root) < 0)
		return -ENOENT;
	if (!cg_lists(dir, "cgroup.controllers", "memory"))
		return -ENODEV; /* bound to v1 (a hybrid system), or not delegated */
	for (;;) {
		bool ok = cg_lists(dir, "cgroup.subtree_control", "memory") &&
			  cg_lists(dir, "cgroup.subtree_control", "pids");
		char *slash;

		/* the root may enable them though it holds processes */
		if (!ok && !strcmp(dir, mnt))
			ok = cg_write(dir, "cgroup.subtree_control", "+memory +pids") == 0;
		if (ok) {
			e = make_base(c->mem, sizeof c->mem, dir, who);
			if (!e)
				e = cg_write(c->mem, "cgroup.subtree_control", "+memory +pids");
			if (e) {
				rmdir(c->mem);
				c->mem[0] = 0;
				return e;
			}
			snprintf(c->pids, sizeof c->pids, "%s", c->mem);
			return 0;
		}
		/* EACCES: no cgroup up to the root gives its children memory
		 * and pids, and the root cannot be made to */
		if (!strcmp(dir, mnt))
			return -EACCES;
		slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < strlen(mnt))
			return -EACCES;
		*slash = 0;
	}
}

/* v1: a folder in the server's cgroup of each of the two hierarchies. */
static void init_v1(struct play_cg *c, const char *who, int *e_mem, int *e_pids)
{
	char dir[PATH_MAX];

	*e_mem = own_dir("memory", dir, sizeof dir);
	if (!*e_mem)
		*e_mem = make_base(c->mem, sizeof c->mem, dir, who);
	if (*e_mem)
		c->mem[0] = 0;
	*e_pids = own_dir("pids", dir, sizeof dir);
	if (!*e_pids)
		*e_pids = make_base(c->pids, sizeof c->pids, dir, who);
	if (*e_pids)
		c->pids[0] = 0;
}

static const char *why_of(int e)
{
	return e == -ENOENT ? "not mounted" :
	       e == -ENODEV ? "no memory controller there (it is v1's, or not delegated)" :
	       strerror(-e);
}

void play_cg_init(struct play_cg *c, const char *who)
{
	int e2, e_mem = 0, e_pids = 0;

	memset(c, 0, sizeof(*c));
	e2 = init_v2(c, who);
	if (!e2) {
		c->version = 2;
		snprintf(c->note, sizeof c->note, "cgroup v2 in %s: memory.max and pids.max per stage",
			 c->mem);
		return;
	}
	init_v1(c, who, &e_mem, &e_pids);
	if (c->mem[0] || c->pids[0])
		c->version = 1;
	if (c->mem[0] && c->pids[0]) {
		snprintf(c->note, sizeof c->note, "cgroup v1 in %s and %s: memory.limit_in_bytes and "
			 "pids.max per stage", c->mem, c->pids);
		return;
	}
	snprintf(c->note, sizeof c->note, "WARNING: no %s cgroup (v2: %s; v1 memory: %s; v1 "
		 "pids: %s)%s: %s",
		 !c->mem[0] && !c->pids[0] ? "memory or pids" : c->mem[0] ? "pids" : "memory",
		 why_of(e2), c->mem[0] ? "ok" : why_of(e_mem), c->pids[0] ? "ok" : why_of(e_pids),
		 geteuid() ? " (the server is not root)" : "",
		 !c->mem[0] && !c->pids[0] ? "memory is held by RLIMIT_AS per process and "
		 "processes by RLIMIT_NPROC per uid only" : c->mem[0] ? "processes are held by "
		 "RLIMIT_NPROC per uid only" : "memory is held by RLIMIT_AS per process only");
}

void play_cg_free(struct play_cg *c)
{
	if (c->mem[0])
		rmdir(c->mem);
	if (c->pids[0] && strcmp(c->pids, c->mem))
		rmdir(c->pids);
	memset(c, 0, sizeof(*c));
}

/* ---- a stage's cgroup -------------------------------------------------------------- */

int play_cg_stage_make(const struct play_cg *c, uint64_t mem_bytes, unsigned pids,
		       struct play_cg_stage *s)
{
	char num[32];
	int e = 0;

	memset(s, 0, sizeof(*s));
	s->mem_fd = s->pids_fd = -1;
	if (!c->version)
		return 0;
	if (c->mem[0]) {
		if ((size_t)snprintf(s->mem, sizeof s->mem, "%s/stage.XXXXXX", c->mem) >= sizeof s->mem)
			return -ENAMETOOLONG;
		if (!mkdtemp(s->mem)) {
			s->mem[0] = 0;
			return -errno;
		}
	}
	if (c->pids[0] && c->version == 2) {
		snprintf(s->pids, sizeof s->pids, "%s", s->mem);
	} else if (c->pids[0]) {
		const char *name = s->mem[0] ? strrchr(s->mem, '/') + 1 : "stage.XXXXXX";

		if ((size_t)snprintf(s->pids, sizeof s->pids, "%s/%s", c->pids, name) >= sizeof s->pids)
			e = -ENAMETOOLONG;
		else if (s->mem[0] ? mkdir(s->pids, 0755) < 0 : !mkdtemp(s->pids))
			e = -errno;
		if (e) {
			s->pids[0] = 0;
			goto out;
		}
	}
	if (s->mem[0] && mem_bytes) {
		snprintf(num, sizeof num, "%" PRIu64, mem_bytes);
		e = cg_write(s->mem, c->version == 2 ? "memory.max" : "memory.limit_in_bytes", num);
		/* no way around the limit through swap, where the knob exists */
		if (!e)
			cg_write(s->mem, c->version == 2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
				 c->version == 2 ? "0" : num);
	}
	if (!e && s->pids[0] && pids) {
		snprintf(num, sizeof num, "%u", pids);
		e = cg_write(s->pids, "pids.max", num);
	}
	for (int i = 0; !e && i < 2; i++) {
		const char *d = i ? s->pids : s->mem;
		char path[PATH_MAX + 16];
		int fd;

		if (!d[0] || (i && !strcmp(s->pids, s->mem)))
			continue;
		snprintf(path, sizeof path, "%s/cgroup.procs", d);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			e = -errno;
		*(i ? &s->pids_fd : &s->mem_fd) = fd;
	}
out:
	if (e)
		play_cg_stage_end(s);
	return e;
}

int play_cg_stage_join(const struct play_cg_stage *s)
{
	if (s->mem_fd >= 0 && write(s->mem_fd, "0", 1) != 1)
		return -1;
	if (s->pids_fd >= 0 && write(s->pids_fd, "0", 1) != 1)
		return -1;
	return 0;
}

void play_cg_stage_events(const struct play_cg_stage *s, int version, bool *mem, bool *pids)
{
	*mem = s->mem[0] && cg_key(s->mem, version == 2 ? "memory.events" : "memory.oom_control",
				   "oom_kill") > 0;
	*pids = s->pids[0] && cg_key(s->pids, "pids.events", "max") > 0;
}

/* SIGKILLs every process listed in dir/cgroup.procs; the count sent. */
static int kill_listed(const char *dir)
{
	char path[PATH_MAX + 16];
	FILE *f;
	long pid;
	int n = 0;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
			n++;
	fclose(f);
	return n;
}

void play_cg_stage_kill(const struct play_cg_stage *s)
{
	for (int i = 0; i < 2; i++) {
		const char *d = i ? s->pids : s->mem;

		if (d[0] && cg_write(d, "cgroup.kill", "1") < 0) /* v2 >= 5.14 at once */
			kill_listed(d);
	}
}

/* Removes a stage folder once its last process is gone (a killed process
 * leaves its cgroup a moment after the signal). */
static void remove_dir(const char *d)
{
	struct timespec ms = { 0, 5000000 };

	for (int i = 0; i < 400; i++) {
		if (rmdir(d) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			return;
		if (!(i % 20))
			kill_listed(d);
		nanosleep(&ms, NULL);
	}
}

void play_cg_stage_end(struct play_cg_stage *s)
{
	if (s->mem_fd >= 0)
		close(s->mem_fd);
	if (s->pids_fd >= 0)
		close(s->pids_fd);
	s->mem_fd = s->pids_fd = -1;
	play_cg_stage_kill(s);
	if (s->pids[0] && strcmp(s->pids, s->mem))
		remove_dir(s->pids);
	if (s->mem[0])
		remove_dir(s->mem);
	s->mem[0] = s->pids[0] = 0;
}
