/* db_preload.c - the syscalls with which ld.so loads Valgrind's preload library.
 *
 * Under Valgrind, every dynamically linked program also loads
 * vgpreload_core-amd64-linux.so (and the tool's own, when it has one):
 * ld.so opens it, reads its ELF header, fstats it, maps it in four or
 * five mmaps, closes it and later makes its RELRO page read-only with
 * mprotect.  A native run makes none of these calls, so `syscalls` leaves
 * them out (as it does the vDSO calls, db_syscall.c) and `events` marks
 * them.
 *
 * What belongs to the library is found once per image, by a scan of the
 * image's first events: the openat of a path holding "/vgpreload_" and
 * ending ".so" gives the descriptor and the window [open, close] in which
 * the calls on that descriptor are ld.so's; the library's mappings (MAP
 * events with its path) give the ranges whose mprotect/munmap are too.
 * The scan stops at the close, or after SCAN_EVENTS events: a static
 * program (no ld.so) loads nothing.
 */
#include <errno.h>
#include <string.h>

#include "query_i.h"
#include "sys_i.h"

#define SCAN_EVENTS 8192

enum {
	NR_READ = 0, NR_OPEN = 2, NR_CLOSE = 3, NR_FSTAT = 5, NR_MMAP = 9, NR_MPROTECT = 10,
	NR_MUNMAP = 11, NR_PREAD64 = 17, NR_OPENAT = 257, NR_NEWFSTATAT = 262,
};

struct scan {
	struct db_preload *p;
	uint32_t open_tid;   /* the thread that opened it, 0: not yet */
	uint64_t open_t;
	uint32_t open_nr;
	size_t seen;
};

static bool is_preload_path(const uint8_t *s, size_t n)
{
	static const char mark[] = "/vgpreload_";

	if (n < sizeof mark + 3 || memcmp(s + n - 3, ".so", 3) != 0)
		return false;
	for (size_t i = 0; i + sizeof mark - 1 <= n; i++)
		if (memcmp(s + i, mark, sizeof mark - 1) == 0)
			return true;
	return false;
}

/* The path argument of an open/openat entry, as captured at entry. */
static bool opens_preload(const struct hs_db_event *ev, uint32_t nr)
{
	int32_t n[6];
	const uint8_t *bytes[6];
	int arg = nr == NR_OPENAT ? 1 : 0;

	if (!db_syscall_captured(ev, n, bytes) || n[arg] <= 0)
		return false;
	/* the count includes the NUL when the string was whole */
	return is_preload_path(bytes[arg], (size_t)n[arg] - (bytes[arg][n[arg] - 1] == 0));
}

static void add_range(struct db_preload *p, const struct hs_db_event *ev)
{
	struct hs_trace_map mp;

	if (p->n_ranges >= DB_PRELOAD_RANGES || hs_trace_map_parse(ev->payload, ev->len, &mp) ||
	    !is_preload_path((const uint8_t *)mp.path, mp.path_len))
		return;
	p->lo[p->n_ranges] = mp.addr;
	p->hi[p->n_ranges] = mp.addr + mp.len;
	p->n_ranges++;
}

static int scan_event(void *ctx, const struct hs_db_event *ev)
{
	struct scan *s = ctx;
	struct db_preload *p = s->p;
	uint32_t nr;

	if (++s->seen > SCAN_EVENTS)
		return 1;
	if (ev->tag == HS_EV_MAP) {
		add_range(p, ev);
		return 0;
	}
	if (ev->len < 8)
		return 0;
	nr = hs_le32(ev->payload + 4);
	if (ev->tag == HS_EV_SYSCALL_ENTER && !s->open_tid && ev->len >= 56 &&
	    (nr == NR_OPENAT || nr == NR_OPEN) && opens_preload(ev, nr)) {
		s->open_tid = hs_le32(ev->payload);
		s->open_t = ev->t;
		s->open_nr = nr;
		return 0;
	}
	if (ev->tag != HS_EV_SYSCALL_EXIT || ev->len < 24 || !s->open_tid ||
	    hs_le32(ev->payload) != s->open_tid)
		return 0;
	if (p->fd < 0 && nr == s->open_nr) {
		if (hs_le32(ev->payload + 8) != 0)
			return 1; /* the open failed: nothing was loaded */
		p->fd = (int64_t)hs_le64(ev->payload + 16);
		p->t_open = s->open_t;
		p->tid = s->open_tid;
		return 0;
	}
	if (p->fd >= 0 && nr == NR_CLOSE) {
		p->t_close = ev->t;
		return 1;
	}
	return 0;
}

/* The scan runs without the image's lock (events may need it: decoders,
 * the code); two threads may both scan, the first to finish publishes. */
static const struct db_preload *preload_of(const struct hs_db_image *cimg)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg; /* its lazy part */
	struct db_preload found = { .fd = -1 };
	struct scan s = { .p = &found };
	bool done;

	pthread_mutex_lock(&img->lock);
	done = img->preload_done;
	pthread_mutex_unlock(&img->lock);
	if (done)
		return &img->preload;
	hs_db_events(img, 0, img->t_end,
		     HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER) | HS_DB_KIND_BIT(HS_EV_SYSCALL_EXIT) |
			     HS_DB_KIND_BIT(HS_EV_MAP),
		     scan_event, &s);
	if (found.fd >= 0 && !found.t_close)
		found.t_close = img->t_end; /* never closed: to the end */
	pthread_mutex_lock(&img->lock);
	if (!img->preload_done) {
		img->preload = found;
		img->preload_done = true;
	}
	pthread_mutex_unlock(&img->lock);
	return &img->preload;
}

static bool in_ranges(const struct db_preload *p, uint64_t addr)
{
	for (size_t i = 0; i < p->n_ranges; i++)
		if (addr >= p->lo[i] && addr < p->hi[i])
			return true;
	return false;
}

/* tid: the recording's thread number, as the SYSCALL_ENTER record has it. */
bool db_sys_preload(const struct hs_db_image *img, const struct sys_call *c, uint64_t t,
		    uint32_t tid)
{
	const struct db_preload *p;
	int fd_arg;

	switch (c->nr) {
	case NR_OPEN: case NR_OPENAT: case NR_READ: case NR_PREAD64: case NR_FSTAT:
	case NR_NEWFSTATAT: case NR_CLOSE: case NR_MMAP: case NR_MPROTECT: case NR_MUNMAP:
		break;
	default:
		return false;
	}
	p = preload_of(img);
	if (p->fd < 0)
		return false;
	if (c->nr == NR_MPROTECT || c->nr == NR_MUNMAP)
		return in_ranges(p, c->a[0]);
	if (tid != p->tid || t < p->t_open || t > p->t_close)
		return false;
	if (c->nr == NR_OPEN || c->nr == NR_OPENAT)
		return t == p->t_open;
	fd_arg = c->nr == NR_MMAP ? 4 : 0;
	return (int64_t)c->a[fd_arg] == p->fd;
}
