/* db_maps.c - the mappings of an image at any t.
 *
 * Built on first use from the MAP, UNMAP, MPROTECT and REMAP events of
 * events.hdb: the events themselves (parsed) and snapshots of the whole
 * region list every max(64, regions) events, so that the mappings at t are
 * a snapshot plus a bounded replay, and the snapshots cost memory in
 * proportion to the events.
 *
 * Regions are page granular, as the kernel keeps them: a brk event may end
 * inside a page (Valgrind reports brk to the byte), and the page holding
 * the break is mapped whole.
 *
 * The main stack.  Valgrind grows the client's stack on a fault below it
 * and tells no tool, so no event maps the pages below the initial stack
 * mapping (the startup mapping that holds the first thread's rsp at t = 0).
 * The kernel would map each page the stack reaches; the recording shows the
 * ones written.  So the stack mapping reaches down at t to the lowest page
 * that any write visible at t touched in the zone below it: from the stack
 * start down to 16 MiB (Valgrind's largest main stack) or to the highest
 * mapping that was ever below it.  A page's first version in pages.hdb
 * says in which chunk it was first written; only when that is chunk c
 * itself does chunk c need decoding to see whether it happened before t.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

#define SNAP_EVERY 64
#define STACK_MAX (16ull << 20)

struct db_region {
	uint64_t start, end, offset, dev, ino;
	uint32_t prot, flags, kind;
	const char *path;        /* interned in the maps' string list */
};

struct regions {
	struct db_region *v;
	size_t n, cap;
};

struct mapev {
	uint64_t t;
	uint32_t tag;
	struct db_region r;      /* MAP: the region; UNMAP/MPROTECT: start,
				  * end, prot; REMAP: start = from, offset =
				  * to, end = from + len */
};

struct snap {
	size_t ev;               /* events applied: ev[0..ev) */
	struct db_region *v;
	size_t n;
};

struct str {
	struct str *next;
	char s[];
};

/* A page of the stack zone and the chunk that first wrote it. */
struct first_write {
	uint64_t chunk, page;
};

struct db_maps {
	struct mapev *ev;
	size_t n_ev;
	struct snap *snaps;
	size_t n_snaps;
	struct str *strs;
	/* the main stack (see above) */
	bool have_stack;
	uint64_t stack_start;     /* page address of the startup stack mapping */
	uint64_t zone_lo;         /* it grows down to here at most */
	uint64_t base_low;        /* lowest stack page at t = 0 (a fork's) */
	struct first_write *fw;   /* zone pages by (chunk, page) */
	uint64_t *fw_min;         /* fw_min[i]: lowest page of fw[0..i] */
	size_t n_fw;
};

/* ---- region lists ------------------------------------------------------ */

static int reserve(struct regions *rs, size_t more)
{
	return hs_grow((void **)&rs->v, &rs->cap, rs->n + more, sizeof(*rs->v));
}

/* Splits the region holding addr (if one does, strictly inside) in two. */
static int split_at(struct regions *rs, uint64_t addr)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct db_region *r = &rs->v[i];

		if (r->start < addr && addr < r->end) {
			struct db_region hi = *r;
			int err = reserve(rs, 1);

			if (err)
				return err;
			r = &rs->v[i];
			hi.start = addr;
			if (hi.flags & HS_MAP_FILE)
				hi.offset += addr - r->start;
			r->end = addr;
			memmove(&rs->v[i + 2], &rs->v[i + 1], (rs->n - i - 1) * sizeof(*r));
			rs->v[i + 1] = hi;
			rs->n++;
			return 0;
		}
		if (r->start >= addr)
			break;
	}
	return 0;
}

static int remove_range(struct regions *rs, uint64_t start, uint64_t end)
{
	size_t k = 0;
	int err;

	if (start >= end)
		return 0;
	if ((err = split_at(rs, start)) || (err = split_at(rs, end)))
		return err;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].end <= start || rs->v[i].start >= end)
			rs->v[k++] = rs->v[i];
	rs->n = k;
	return 0;
}

static int insert(struct regions *rs, const struct db_region *r)
{
	size_t i = 0;
	int err;

	if (r->start >= r->end)
		return 0;
	err = remove_range(rs, r->start, r->end);
	if (!err)
		err = reserve(rs, 1);
	if (err)
		return err;
	while (i < rs->n && rs->v[i].start < r->start)
		i++;
	memmove(&rs->v[i + 1], &rs->v[i], (rs->n - i) * sizeof(*r));
	rs->v[i] = *r;
	rs->n++;
	return 0;
}

static int protect(struct regions *rs, uint64_t start, uint64_t end, uint32_t prot)
{
	int err;

	if ((err = split_at(rs, start)) || (err = split_at(rs, end)))
		return err;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].start >= start && rs->v[i].end <= end)
			rs->v[i].prot = prot;
	return 0;
}

static int copy_range(struct regions *rs, uint64_t from, uint64_t to, uint64_t len)
{
	struct db_region *parts = NULL;
	size_t n = 0;
	int err = 0;

	parts = malloc((rs->n ? rs->n : 1) * sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n; i++) {
		struct db_region p = rs->v[i];

		if (p.end <= from || p.start >= from + len)
			continue;
		if (p.start < from) {
			if (p.flags & HS_MAP_FILE)
				p.offset += from - p.start;
			p.start = from;
		}
		if (p.end > from + len)
			p.end = from + len;
		p.start = p.start - from + to;
		p.end = p.end - from + to;
		parts[n++] = p;
	}
	err = remove_range(rs, to, to + len);
	for (size_t i = 0; !err && i < n; i++)
		err = insert(rs, &parts[i]);
	free(parts);
	return err;
}

static int apply(struct regions *rs, const struct mapev *e)
{
	switch (e->tag) {
	case HS_EV_MAP:
		return insert(rs, &e->r);
	case HS_EV_UNMAP:
		return remove_range(rs, e->r.start, e->r.end);
	case HS_EV_MPROTECT:
		return protect(rs, e->r.start, e->r.end, e->r.prot);
	case HS_EV_REMAP:
		return copy_range(rs, e->r.start, e->r.offset, e->r.end - e->r.start);
	default:
		return 0;
	}
}

/* ---- building ------------------------------------------------------------ */

static uint64_t page_down(uint64_t a)
{
	return a & DB_PAGE_MASK;
}

static uint64_t page_up(uint64_t a)
{
	uint64_t u = (a + HS_DB_PAGE - 1) & DB_PAGE_MASK;

	return u < a ? DB_PAGE_MASK : u;
}

static const char *intern(struct db_maps *m, const uint8_t *s, size_t n)
{
	struct str *x;

	for (x = m->strs; x; x = x->next)
		if (strlen(x->s) == n && memcmp(x->s, s, n) == 0)
			return x->s;
	x = malloc(sizeof(*x) + n + 1);
	if (!x)
		return NULL;
	memcpy(x->s, s, n);
	x->s[n] = 0;
	x->next = m->strs;
	m->strs = x;
	return x->s;
}

/* Parses one event into e; 1 to skip it, -errno. */
static int parse_event(struct db_maps *m, uint32_t tag, const uint8_t *p, uint32_t len,
		       struct mapev *e)
{
	struct db_region *r = &e->r;

	e->tag = tag;
	*r = (struct db_region){ .path = "" };
	switch (tag) {
	case HS_EV_MAP: {
		struct hs_trace_map mp;

		if (hs_trace_map_parse(p, len, &mp))
			return -EBADMSG;
		r->start = page_down(mp.addr);
		r->end = page_up(mp.addr + mp.len);
		r->prot = mp.prot;
		r->kind = mp.kind;
		r->flags = mp.flags & (HS_MAP_FILE | HS_MAP_SHARED);
		if (r->flags & HS_MAP_FILE) {
			r->offset = mp.file_offset - (mp.addr - r->start);
			r->dev = mp.dev;
			r->ino = mp.ino;
			r->path = intern(m, (const uint8_t *)mp.path, mp.path_len);
		} else if (r->kind == HS_MAPK_BRK) {
			r->path = "[heap]";
		}
		if (!r->path)
			return -ENOMEM;
		return 0;
	}
	case HS_EV_UNMAP:
		if (len < 16)
			return -EBADMSG;
		/* a brk that shrinks keeps the page holding the break */
		r->start = page_up(hs_le64(p));
		r->end = page_up(hs_le64(p) + hs_le64(p + 8));
		return 0;
	case HS_EV_MPROTECT:
		if (len < 20)
			return -EBADMSG;
		r->start = page_down(hs_le64(p));
		r->end = page_up(hs_le64(p) + hs_le64(p + 8));
		r->prot = hs_le32(p + 16);
		return 0;
	case HS_EV_REMAP:
		if (len < 24)
			return -EBADMSG;
		r->start = hs_le64(p);
		r->offset = hs_le64(p + 8);
		r->end = r->start + hs_le64(p + 16);
		return 0;
	default:
		return 1;
	}
}

void db_maps_free(struct db_maps *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_snaps; i++)
		free(m->snaps[i].v);
	free(m->snaps);
	free(m->ev);
	free(m->fw);
	free(m->fw_min);
	while (m->strs) {
		struct str *x = m->strs;

		m->strs = x->next;
		free(x);
	}
	free(m);
}

static int add_snap(struct db_maps *m, const struct regions *rs, size_t *cap)
{
	struct snap *s;

	if (hs_grow((void **)&m->snaps, cap, m->n_snaps + 1, sizeof(*m->snaps)))
		return -ENOMEM;
	s = &m->snaps[m->n_snaps];
	s->ev = m->n_ev;
	s->n = rs->n;
	s->v = malloc((rs->n ? rs->n : 1) * sizeof(*s->v));
	if (!s->v)
		return -ENOMEM;
	if (rs->n)
		memcpy(s->v, rs->v, rs->n * sizeof(*s->v));
	m->n_snaps++;
	return 0;
}

static int cmp_fw(const void *a, const void *b)
{
	const struct first_write *x = a, *y = b;

	if (x->chunk != y->chunk)
		return x->chunk < y->chunk ? -1 : 1;
	return x->page < y->page ? -1 : x->page > y->page;
}

static int stack_low(struct hs_db_image *img, const struct db_maps *m, uint64_t t,
		     uint64_t *low);
static int regions_at(struct hs_db_image *img, uint64_t t, struct regions *rs,
		      uint64_t lo_addr, uint64_t hi_addr);

/* Finds the main stack and when each page of its zone was first written. */
static int find_stack(struct hs_db_image *img, struct db_maps *m)
{
	struct hs_db_regs *regs;
	uint64_t rsp, p, page, chunk;
	size_t cap = 0;
	int err;

	if (!img->n_chunks)
		return 0;
	if (img->parent) {
		/* a fork: the parent's stack, as it was at the fork */
		const struct db_maps *pm;

		err = db_maps_build(img->parent, &pm);
		if (err)
			return err;
		if (!pm->have_stack)
			return 0;
		m->have_stack = true;
		m->stack_start = pm->stack_start;
		err = stack_low(img->parent, pm, img->parent_t, &m->base_low);
		if (err)
			return err;
		goto zone;
	}
	regs = malloc(sizeof(*regs));
	if (!regs)
		return -ENOMEM;
	err = hs_db_regs_at(img, 0, 0, regs);
	rsp = regs->regs.gpr[4];
	free(regs);
	if (err == -ESRCH)
		return 0;
	if (err)
		return err;
	for (size_t i = 0; i < m->n_ev && m->ev[i].t == 0; i++) {
		const struct db_region *r = &m->ev[i].r;

		if (m->ev[i].tag == HS_EV_MAP && r->kind == HS_MAPK_STARTUP &&
		    !(r->flags & HS_MAP_FILE) && r->start <= rsp && rsp < r->end) {
			m->have_stack = true;
			m->stack_start = r->start;
		}
	}
	if (!m->have_stack)
		return 0;
	m->base_low = m->stack_start;
zone:
	m->zone_lo = m->stack_start > STACK_MAX ? m->stack_start - STACK_MAX : 0;
	for (size_t i = 0; i < m->n_ev; i++) {
		const struct db_region *r = &m->ev[i].r;
		uint64_t end = m->ev[i].tag == HS_EV_MAP ? r->end :
			       m->ev[i].tag == HS_EV_REMAP ? r->offset + (r->end - r->start) : 0;
		uint64_t start = m->ev[i].tag == HS_EV_REMAP ? r->offset : r->start;

		if (end && start < m->stack_start && end > m->zone_lo)
			m->zone_lo = end < m->stack_start ? end : m->stack_start;
	}
	for (p = m->zone_lo; p < m->stack_start; p = page + HS_DB_PAGE) {
		err = db_page_next_written(img, p, &page, &chunk);
		if (err == 1 || (!err && page >= m->stack_start))
			break;
		if (err)
			return err;
		if (hs_grow((void **)&m->fw, &cap, m->n_fw + 1, sizeof(*m->fw)))
			return -ENOMEM;
		m->fw[m->n_fw++] = (struct first_write){ chunk, page };
	}
	if (m->n_fw > 1) /* qsort(NULL, 0) is undefined */
		qsort(m->fw, m->n_fw, sizeof(*m->fw), cmp_fw);
	m->fw_min = malloc((m->n_fw ? m->n_fw : 1) * sizeof(*m->fw_min));
	if (!m->fw_min)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_fw; i++)
		m->fw_min[i] = i && m->fw_min[i - 1] < m->fw[i].page ? m->fw_min[i - 1] : m->fw[i].page;
	return 0;
}

struct low_ctx {
	uint64_t zone_lo, limit, low;
};

static int low_effect(struct db_replay *r, const struct db_effect *e)
{
	struct low_ctx *l = r->ctx;
	uint64_t a = e->addr > l->zone_lo ? e->addr : l->zone_lo;

	if (e->addr + e->len > l->zone_lo && a < l->limit && (a & DB_PAGE_MASK) < l->low)
		l->low = a & DB_PAGE_MASK;
	return 0;
}

/* The lowest stack page at t (the stack's start when it did not grow). */
static int stack_low(struct hs_db_image *img, const struct db_maps *m, uint64_t t,
		     uint64_t *low)
{
	size_t c, lo = 0, hi = m->n_fw;
	uint64_t before;
	int err;

	*low = m->stack_start;
	err = db_chunk_of(img, t, &c);
	if (err)
		return err;
	/* fw[0..lo) were first written before chunk c */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->fw[mid].chunk < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	before = lo && m->fw_min[lo - 1] < m->base_low ? m->fw_min[lo - 1] : m->base_low;
	*low = before;
	if (lo < m->n_fw && m->fw[lo].chunk == c && m->fw[lo].page < before) {
		/* chunk c first writes a lower page: before t, or after? */
		struct low_ctx l = { m->zone_lo, before, before };
		struct db_replay r = { .img = img, .chunk = c, .stop_t = t,
				       .effect = low_effect, .ctx = &l };

		err = db_replay_run(&r);
		if (err)
			return err;
		*low = l.low;
	}
	return 0;
}

static int build(struct hs_db_image *img, struct db_maps **out)
{
	struct db_maps *m = calloc(1, sizeof(*m));
	struct regions rs = { 0 };
	struct db_cursor cur;
	size_t cap_ev = 0, cap_snaps = 0, since = 0;
	const uint8_t *rec;
	size_t rec_len;
	int err;

	if (!m)
		return -ENOMEM;
	/* a fork starts with its parent's mappings at the fork */
	err = img->parent ? regions_at(img->parent, img->parent_t, &rs, 0, UINT64_MAX) : 0;
	if (!err)
		err = add_snap(m, &rs, &cap_snaps);
	db_cursor_init(&cur, img, HS_DB_EVENTS, 0);
	while (!err && (err = db_cursor_next(&cur, &rec, &rec_len)) == 0) {
		uint32_t tag = hs_le32(rec + 12);
		struct mapev e;

		if (tag != HS_EV_MAP && tag != HS_EV_UNMAP && tag != HS_EV_MPROTECT &&
		    tag != HS_EV_REMAP)
			continue;
		e.t = hs_le64(rec);
		err = parse_event(m, tag, rec + HS_DB_EVENT_HDR, (uint32_t)(rec_len - HS_DB_EVENT_HDR), &e);
		if (err == -EBADMSG)
			err = db_corrupt(img->files[HS_DB_EVENTS], cur.block, "short mapping event");
		if (err)
			break;
		if (m->n_ev && e.t < m->ev[m->n_ev - 1].t) {
			err = db_corrupt(img->files[HS_DB_EVENTS], cur.block, "events out of order");
			break;
		}
		if (hs_grow((void **)&m->ev, &cap_ev, m->n_ev + 1, sizeof(*m->ev))) {
			err = -ENOMEM;
			break;
		}
		m->ev[m->n_ev++] = e;
		err = apply(&rs, &e);
		if (!err && ++since >= (rs.n > SNAP_EVERY ? rs.n : SNAP_EVERY)) {
			err = add_snap(m, &rs, &cap_snaps);
			since = 0;
		}
	}
	db_cursor_release(&cur);
	free(rs.v);
	if (err == 1)
		err = 0;
	if (!err)
		err = find_stack(img, m);
	if (err) {
		db_maps_free(m);
		return err;
	}
	*out = m;
	return 0;
}

int db_maps_build(struct hs_db_image *img, const struct db_maps **out)
{
	struct db_maps *m = NULL;
	int err;

	pthread_mutex_lock(&img->lock);
	*out = img->maps;
	err = img->maps_err;
	pthread_mutex_unlock(&img->lock);
	if (*out || err)
		return err;
	err = build(img, &m);
	pthread_mutex_lock(&img->lock);
	if (!img->maps && !img->maps_err) {
		img->maps = m;
		img->maps_err = err == -ENOMEM ? 0 : err;
		m = NULL;
	}
	*out = img->maps;
	if (!*out && !err)
		err = img->maps_err;
	pthread_mutex_unlock(&img->lock);
	db_maps_free(m);
	return *out ? 0 : err;
}

/* ---- queries ------------------------------------------------------------ */

/* Names the main stack and adds what it grew below its start. */
static int add_stack(struct hs_db_image *img, const struct db_maps *m, uint64_t t,
		     struct regions *rs, uint64_t lo_addr, uint64_t hi_addr)
{
	struct db_region ext = { 0 };
	uint64_t low;
	size_t i;
	int err;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].start <= m->stack_start && m->stack_start < rs->v[i].end)
			break;
	if (i == rs->n || (rs->v[i].flags & HS_MAP_FILE))
		return 0; /* unmapped since, or replaced */
	rs->v[i].path = "[stack]";
	if (hi_addr <= m->zone_lo || lo_addr >= m->stack_start)
		return 0;
	err = stack_low(img, m, t, &low);
	if (err || low >= m->stack_start)
		return err;
	ext = rs->v[i];
	ext.start = low;
	ext.end = m->stack_start;
	/* the zone holds no other mapping, by its definition */
	return insert(rs, &ext);
}

/* The regions at t, in rs (caller frees rs->v); the main stack's growth
 * only when the range [lo, hi) meets its zone. */
static int regions_at(struct hs_db_image *img, uint64_t t, struct regions *rs,
		      uint64_t lo_addr, uint64_t hi_addr)
{
	const struct db_maps *m;
	const struct snap *s;
	size_t lo, hi, k;
	int err;

	*rs = (struct regions){ 0 };
	if (t > img->t_end)
		return -ERANGE;
	err = db_maps_build(img, &m);
	if (err)
		return err;
	/* k = events with ev.t <= t */
	k = HS_UPPER_BOUND(m->ev, m->n_ev, t, t);
	/* the last snapshot at or before event k */
	lo = 0;
	hi = m->n_snaps;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->snaps[mid].ev <= k)
			lo = mid;
		else
			hi = mid;
	}
	s = &m->snaps[lo];
	err = reserve(rs, s->n + 1);
	if (err)
		return err;
	HS_ANALYZER_ASSUME(rs->v); /* room for s->n + 1 */
	if (s->n)
		memcpy(rs->v, s->v, s->n * sizeof(*s->v));
	rs->n = s->n;
	for (size_t i = s->ev; !err && i < k; i++)
		err = apply(rs, &m->ev[i]);
	if (!err && m->have_stack)
		err = add_stack(img, m, t, rs, lo_addr, hi_addr);
	if (err) {
		free(rs->v);
		rs->v = NULL;
	}
	return err;
}

int db_mapped_len(struct hs_db_image *img, uint64_t t, uint64_t addr, uint64_t len,
		  uint64_t *mapped)
{
	struct regions rs;
	uint64_t at = addr, end = addr + len;
	int err;

	*mapped = 0;
	err = regions_at(img, t, &rs, addr, addr + len);
	if (err)
		return err;
	for (size_t i = 0; i < rs.n && at < end; i++) {
		if (rs.v[i].end <= at)
			continue;
		if (rs.v[i].start > at)
			break;
		at = rs.v[i].end;
	}
	free(rs.v);
	*mapped = (at < end ? at : end) - addr;
	return 0;
}

static bool same_map(const struct db_region *a, const struct db_region *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    strcmp(a->path, b->path) != 0)
		return false;
	if (a->flags & HS_MAP_FILE)
		return a->dev == b->dev && a->ino == b->ino &&
		       a->offset + (a->end - a->start) == b->offset;
	return true;
}

int hs_db_maps_at(const struct hs_db_image *cimg, uint64_t t, struct hs_db_map **maps,
		  size_t *n)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	struct hs_db_map *out;
	struct regions rs;
	size_t k = 0;
	int err;

	*maps = NULL;
	*n = 0;
	err = regions_at(img, t, &rs, 0, UINT64_MAX);
	if (err)
		return err;
	out = calloc(rs.n ? rs.n : 1, sizeof(*out));
	if (!out) {
		free(rs.v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rs.n; i++) {
		const struct db_region *r = &rs.v[i];

		if (k && same_map(&rs.v[i - 1], r) && out[k - 1].end == r->start) {
			out[k - 1].end = r->end;
			continue;
		}
		out[k++] = (struct hs_db_map){
			.start = r->start, .end = r->end, .prot = r->prot, .flags = r->flags,
			.kind = r->kind, .offset = r->offset, .dev = r->dev, .ino = r->ino,
			.path = r->path,
		};
	}
	free(rs.v);
	*maps = out;
	*n = k;
	return 0;
}
