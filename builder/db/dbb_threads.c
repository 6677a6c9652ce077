/* dbb_threads.c - THREADS of one image: which OS thread each slot is, when.
 *
 * The recorder names threads by Valgrind's ThreadId, a slot that a new
 * thread reuses once an old one exited; people and the program know the
 * OS's thread id (gettid()).  The merge feeds every event of the image in
 * stream order (dbb_threads_event) and writes threads.hdb at the end
 * (db_format.h, THREADS).  A thread is one slot from its THREAD_CREATE to
 * its THREAD_EXIT.  Its OS tid comes from its first THREAD_RUN (the lwpid,
 * read on the thread itself), or, for a thread that never ran, from the
 * value its creator's clone returned.  Threads are few; the table stays in
 * memory.
 */
#include <errno.h>
#include <stdlib.h>

#include "dbb_i.h"

#define SYS_CLONE 56
#define SYS_CLONE3 435

struct dbb_thread {
	uint64_t t_create, t_exit;
	uint32_t slot, os_tid, parent;
	bool exited;
};

struct dbb_threads {
	struct dbb_thread *v;
	size_t n, cap;
	/* by slot: index + 1 of its live thread, 0 for none */
	uint32_t *live;
	size_t cap_live;
	/* by slot: index + 1 of the thread it created whose clone has not
	 * returned yet, 0 for none */
	uint32_t *cloning;
	size_t cap_cloning;
};

int dbb_threads_new(struct dbb_threads **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void dbb_threads_free(struct dbb_threads *th)
{
	if (!th)
		return;
	free(th->v);
	free(th->live);
	free(th->cloning);
	free(th);
}

static int slot_tables(struct dbb_threads *th, uint32_t slot)
{
	int ret = hs_grow_zero((void **)&th->live, &th->cap_live, (size_t)slot + 1,
				sizeof(*th->live));

	return ret ? ret : hs_grow_zero((void **)&th->cloning, &th->cap_cloning,
					 (size_t)slot + 1, sizeof(*th->cloning));
}

/* A new thread in slot; the one there before (if any) is over. */
static int add(struct dbb_threads *th, uint64_t t, uint32_t slot, uint32_t parent)
{
	int ret;

	if ((ret = slot_tables(th, slot)) ||
	    (ret = hs_grow((void **)&th->v, &th->cap, th->n + 1, sizeof(*th->v))))
		return ret;
	if (th->live[slot] && !th->v[th->live[slot] - 1].exited) {
		th->v[th->live[slot] - 1].exited = true;
		th->v[th->live[slot] - 1].t_exit = t;
	}
	th->v[th->n] = (struct dbb_thread){ .t_create = t, .t_exit = HS_DB_NO_EXIT,
					    .slot = slot, .parent = parent };
	th->live[slot] = (uint32_t)++th->n;
	return 0;
}

/* The thread in slot at this point of the stream; one that was there
 * before any record said so (the main thread, a fork child's) begins
 * here. */
static int live(struct dbb_threads *th, uint64_t t, uint32_t slot, struct dbb_thread **out)
{
	int ret;

	*out = NULL;
	if (slot == 0)
		return 0; /* no thread (VG_INVALID_THREADID) */
	if ((ret = slot_tables(th, slot)))
		return ret;
	if (!th->live[slot] && (ret = add(th, t, slot, HS_DB_NO_PARENT)))
		return ret;
	*out = &th->v[th->live[slot] - 1];
	return 0;
}

int dbb_threads_event(struct dbb_threads *th, uint64_t t, uint32_t tag, const uint8_t *pl,
		      uint32_t len)
{
	struct dbb_thread *x, *parent;
	uint32_t parent_idx;
	int ret = 0;

	switch (tag) {
	case HS_EV_THREAD_CREATE:
		if (len < 8 || hs_le32(pl + 4) == 0)
			return 0;
		if ((ret = live(th, t, hs_le32(pl), &parent)))
			return ret;
		parent_idx = parent ? (uint32_t)(parent - th->v) : HS_DB_NO_PARENT;
		if ((ret = add(th, t, hs_le32(pl + 4), parent_idx)))
			return ret;
		if (parent)
			th->cloning[parent->slot] = (uint32_t)th->n;
		return 0;
	case HS_EV_THREAD_RUN:
		if (len < 8 || (ret = live(th, t, hs_le32(pl), &x)) || !x)
			return ret;
		/* the first run's lwpid is read on the thread itself */
		if (!x->os_tid)
			x->os_tid = hs_le32(pl + 4);
		return 0;
	case HS_EV_THREAD_EXIT:
		if (len < 4 || (ret = live(th, t, hs_le32(pl), &x)) || !x)
			return ret;
		x->exited = true;
		x->t_exit = t;
		th->live[x->slot] = 0;
		return 0;
	case HS_EV_SYSCALL_EXIT: {
		uint32_t slot = len >= 24 ? hs_le32(pl) : 0, sysno, c;

		if (!slot || slot >= th->cap_cloning || !(c = th->cloning[slot]))
			return 0;
		sysno = hs_le32(pl + 4);
		if (sysno != SYS_CLONE && sysno != SYS_CLONE3)
			return 0;
		th->cloning[slot] = 0;
		/* a thread that has not run yet: the clone's result names it */
		if (!hs_le32(pl + 8) && !th->v[c - 1].os_tid)
			th->v[c - 1].os_tid = (uint32_t)hs_le64(pl + 16);
		return 0;
	}
	default:
		return 0;
	}
}

size_t dbb_threads_count(const struct dbb_threads *th)
{
	return th->n;
}

void dbb_threads_record(const struct dbb_threads *th, size_t i, uint8_t rec[HS_DB_THREAD_REC])
{
	const struct dbb_thread *x = &th->v[i];

	memset(rec, 0, HS_DB_THREAD_REC);
	hs_put_le64(rec, x->t_create);
	hs_put_le64(rec + 8, x->exited ? x->t_exit : HS_DB_NO_EXIT);
	hs_put_le32(rec + 16, x->slot);
	hs_put_le32(rec + 20, x->os_tid);
	hs_put_le32(rec + 24, x->parent);
}
