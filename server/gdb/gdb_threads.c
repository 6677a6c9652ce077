/* gdb_threads.c - qXfer:threads:read: the threads alive at t, by OS tid,
 * with their names as the kernel had them then (gdb prints them in `info
 * threads` and in "Thread N "name" received signal").
 *
 * The database keeps no names, but every way a program names a thread
 * leaves a syscall in it, so the names are worked out once, on the first
 * read, from the syscalls of the whole image:
 *   - the main thread starts with the basename of the file execve ran
 *     (AT_EXECFN, cut to 15 bytes as the kernel's comm is);
 *   - a new thread starts with its creator's name at its creation;
 *   - prctl(PR_SET_NAME, s) names the calling thread (pthread_setname_np
 *     on itself);
 *   - a write to /proc/self/task/TID/comm (pthread_setname_np on another
 *     thread), /proc/PID/task/TID/comm, /proc/thread-self/comm,
 *     /proc/self/comm or /proc/PID/comm names that thread: the open's fd
 *     is followed to its writes until it is closed.
 * Names set any other way (a forked image's parent renaming itself before
 * the fork, a write through a dup'ed fd) are not seen: the thread keeps
 * the name it had.
 *
 * A change is (t, tid, name): the name from the change's syscall entry t
 * on.  The list is in time order; a lookup walks it (few changes in any
 * program).
 */
#include "gdb_i.h"
#include "hindsight/util.h"

#include "hindsight/syscall_args.h"
#include "hindsight/trace_format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR_WRITE 1
#define NR_OPEN 2
#define NR_CLOSE 3
#define NR_PRCTL 157
#define NR_OPENAT 257
#define PR_SET_NAME 15

/* an open /proc/.../comm: whose name its fd's writes set */
struct comm_fd {
	uint32_t slot;          /* the opening thread (fds are per process,
				 * but a pending open is per thread) */
	int64_t fd;             /* -1 until the open returned */
	uint32_t target;        /* OS tid */
};

struct names_scan {
	struct hs_gdb *g;
	struct comm_fd *fds;
	size_t n_fds, cap_fds;
	int err;
};

/* ---- reading a syscall's arguments --------------------------------------- */

/* Argument i's bytes as the recorder captured them at entry, or memory at
 * the entry's t; up to cap bytes into buf.  Returns the bytes had. */
static size_t arg_bytes(struct hs_gdb *g, const struct hs_db_event *ev, int i,
			uint8_t *buf, size_t cap)
{
	const uint8_t *p = ev->payload;
	uint64_t addr = hs_trace_le64(p + 8 + 8 * i);
	size_t off = HS_SYSCALL_ENTER_ARGS;
	ssize_t n;

	if (ev->len >= HS_SYSCALL_ENTER_ARGS) {
		for (int k = 0; k < 6; k++) {
			int32_t c = (int32_t)hs_trace_le32(p + 56 + 4 * k);

			if (c == HS_SYSARG_UNCAPTURED || c < 0)
				break;
			if (off + (size_t)c > ev->len)
				break;
			if (k == i && c > 0) {
				size_t m = (size_t)c < cap ? (size_t)c : cap;

				memcpy(buf, p + off, m);
				return m;
			}
			off += (size_t)c;
		}
	}
	if (!addr)
		return 0;
	n = hs_db_mem_read(g->img, ev->t, addr, cap, buf);
	return n > 0 ? (size_t)n : 0;
}

/* The thread whose comm a /proc path names, calling thread tid of
 * process pid; 0 when it names none. */
static uint32_t comm_target(const char *path, uint32_t pid, uint32_t tid)
{
	unsigned long a, b;
	int n = 0;

	if (strcmp(path, "/proc/thread-self/comm") == 0)
		return tid;
	if (strcmp(path, "/proc/self/comm") == 0)
		return pid;
	if (sscanf(path, "/proc/self/task/%lu/comm%n", &a, &n) == 1 && !path[n])
		return (uint32_t)a;
	n = 0;
	if (sscanf(path, "/proc/%lu/task/%lu/comm%n", &a, &b, &n) == 2 && !path[n])
		return (uint32_t)b;
	n = 0;
	if (sscanf(path, "/proc/%lu/comm%n", &a, &n) == 1 && !path[n])
		return (uint32_t)a;
	return 0;
}

/* ---- the list of changes -------------------------------------------------- */

static int name_add(struct hs_gdb *g, uint64_t t, uint32_t tid, const uint8_t *s, size_t n)
{
	struct gdb_tname *c;

	if (hs_grow((void **)&g->names, &g->cap_names, g->n_names + 1, sizeof(*g->names)))
		return -ENOMEM;
	c = &g->names[g->n_names++];
	c->t = t;
	c->tid = tid;
	memset(c->name, 0, sizeof c->name);
	for (size_t i = 0; i < n && i < sizeof c->name - 1 && s[i]; i++)
		c->name[i] = (char)s[i];
	return 0;
}

static struct comm_fd *fd_find(struct names_scan *s, int64_t fd, uint32_t slot)
{
	for (size_t i = 0; i < s->n_fds; i++)
		if (fd >= 0 ? s->fds[i].fd == fd : s->fds[i].fd < 0 && s->fds[i].slot == slot)
			return &s->fds[i];
	return NULL;
}

static int fd_open(struct names_scan *s, uint32_t slot, uint32_t target)
{
	if (hs_grow((void **)&s->fds, &s->cap_fds, s->n_fds + 1, sizeof(*s->fds)))
		return -ENOMEM;
	s->fds[s->n_fds++] = (struct comm_fd){ .slot = slot, .fd = -1, .target = target };
	return 0;
}

static void fd_drop(struct names_scan *s, struct comm_fd *f)
{
	*f = s->fds[--s->n_fds];
}

static int on_enter(struct names_scan *s, const struct hs_db_event *ev)
{
	struct hs_gdb *g = s->g;
	uint32_t slot = hs_trace_le32(ev->payload), nr = hs_trace_le32(ev->payload + 4);
	uint64_t a0 = hs_trace_le64(ev->payload + 8);
	uint8_t buf[HS_SYS_STR_MAX + 1];
	struct comm_fd *f;
	size_t n;

	if (nr == NR_PRCTL && a0 == PR_SET_NAME) {
		n = arg_bytes(g, ev, 1, buf, 16);
		return name_add(g, ev->t, hs_db_thread_os_tid(g->img, slot, ev->t), buf, n);
	}
	if (nr == NR_OPEN || nr == NR_OPENAT) {
		uint32_t tid = hs_db_thread_os_tid(g->img, slot, ev->t), target;

		n = arg_bytes(g, ev, nr == NR_OPEN ? 0 : 1, buf, sizeof buf - 1);
		buf[n] = 0;
		if (strncmp((char *)buf, "/proc/", 6) != 0)
			return 0;
		target = comm_target((char *)buf, g->pid, tid);
		return target ? fd_open(s, slot, target) : 0;
	}
	if (nr == NR_WRITE && (int64_t)a0 >= 0 && (f = fd_find(s, (int64_t)a0, 0))) {
		uint64_t len = hs_trace_le64(ev->payload + 8 + 16);

		n = arg_bytes(g, ev, 1, buf, len < 15 ? len : 15);
		return name_add(g, ev->t, f->target, buf, n);
	}
	if (nr == NR_CLOSE && (int64_t)a0 >= 0 && (f = fd_find(s, (int64_t)a0, 0)))
		fd_drop(s, f);
	return 0;
}

static int names_event(void *ctx, const struct hs_db_event *ev)
{
	struct names_scan *s = ctx;
	struct comm_fd *f;
	uint32_t nr;

	if (ev->tag == HS_EV_SYSCALL_ENTER)
		return ev->len >= 56 ? on_enter(s, ev) : 0;
	/* an open's exit: its fd, or the end of a failed one */
	if (ev->len < 24 || !s->n_fds)
		return 0;
	nr = hs_trace_le32(ev->payload + 4);
	if ((nr != NR_OPEN && nr != NR_OPENAT) ||
	    !(f = fd_find(s, -1, hs_trace_le32(ev->payload))))
		return 0;
	if (hs_trace_le32(ev->payload + 8))
		fd_drop(s, f);
	else
		f->fd = (int64_t)hs_trace_le64(ev->payload + 16);
	return 0;
}

/* The main thread's first name: the basename of AT_EXECFN's string. */
static int first_name(struct hs_gdb *g)
{
	uint8_t path[256];
	uint64_t at = gdb_auxv_get(g, 31 /* AT_EXECFN */);
	ssize_t n = at ? hs_db_mem_read(g->img, 0, at, sizeof path - 1, path) : -1;
	const char *base;

	if (n > 0) {
		path[n] = 0;
		base = strrchr((char *)path, '/');
		base = base ? base + 1 : (char *)path;
	} else {
		base = strrchr(g->exec_path ? g->exec_path : "", '/');
		base = base ? base + 1 : "";
	}
	return name_add(g, 0, g->pid, (const uint8_t *)base, strlen(base));
}

static int names_load(struct hs_gdb *g)
{
	struct names_scan s = { .g = g };
	const struct hs_db_thread *v;
	size_t n = hs_db_threads(g->img, &v);
	int err;

	g->pid = n ? v[0].tid : 0;
	err = first_name(g);
	if (err)
		return err;
	err = hs_db_events(g->img, 0, g->t_end, HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER) |
			   HS_DB_KIND_BIT(HS_EV_SYSCALL_EXIT), names_event, &s);
	free(s.fds);
	if (err < 0)
		return err;
	g->names_loaded = true;
	return 0;
}

/* The name of OS thread tid at t; "" when none is known. */
static const char *name_at(struct hs_gdb *g, uint32_t tid, uint64_t t, int depth)
{
	const struct hs_db_thread *th;
	const char *best = NULL;

	for (size_t i = 0; i < g->n_names && g->names[i].t <= t; i++)
		if (g->names[i].tid == tid)
			best = g->names[i].name;
	if (best)
		return best;
	th = hs_db_thread_find(g->img, tid);
	if (!th || !th->parent_tid || th->parent_tid == tid || depth > 64)
		return "";
	return name_at(g, th->parent_tid, th->t_create, depth + 1);
}

int gdb_threads_xml(struct hs_gdb *g, struct gdb_buf *x)
{
	uint32_t *slots;
	size_t n;
	int err;

	if (!g->names_loaded) {
		g->n_names = 0;
		err = names_load(g);
		if (err)
			return err;
	}
	slots = malloc((g->n_tids + 1) * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	n = gdb_threads_at(g, g->t, slots, g->n_tids);
	if (n == 0 && hs_db_thread_at(g->img, g->t, &slots[0]) == 0)
		n = 1;
	gdb_buf_str(x, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (size_t i = 0; i < n; i++) {
		uint32_t tid = hs_db_thread_os_tid(g->img, slots[i], g->t);
		const char *name;

		if (!tid)
			tid = slots[i];
		name = name_at(g, tid, g->t, 0);
		gdb_buf_fmt(x, "<thread id=\"%x\"", tid);
		if (*name) {
			gdb_buf_str(x, " name=\"");
			gdb_buf_xml(x, name, true);
			gdb_buf_str(x, "\"");
		}
		gdb_buf_str(x, "/>\n");
	}
	gdb_buf_str(x, "</threads>\n");
	free(slots);
	return x->err;
}
