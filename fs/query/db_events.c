/* db_events.c - events and calls by time range (events.hdb, calls.hdb).
 *
 * A sysret's record tid is the thread that was running when the stream
 * recorded it, which is not always the thread whose syscall returned (a
 * blocking syscall ends while another thread runs, before the switch is
 * recorded); its payload names the right one, so events say that. */
#include <errno.h>

#include "query_i.h"

/* Calls each(arg, rec) for the records of file `which` whose time (the
 * u64 every events.hdb and calls.hdb record starts with) is in [t0, t1],
 * in order; stops at the first nonzero return and returns it. */
static int scan_range(const struct hs_db_image *cimg, uint32_t which, uint64_t t0, uint64_t t1,
		      int (*each)(void *arg, const uint8_t *rec), void *arg)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	struct db_cursor cur;
	const uint8_t *rec;
	size_t len;
	int err = 0;

	if (t0 > t1)
		return 0;
	db_cursor_init(&cur, img, which, db_block_first_ge(img->files[which], t0));
	for (;;) {
		int got = db_cursor_next(&cur, &rec, &len);
		uint64_t t;

		if (got) {
			err = got < 0 ? got : 0;
			break;
		}
		t = hs_le64(rec);
		if (t < t0)
			continue;
		if (t > t1)
			break;
		err = each(arg, rec);
		if (err)
			break;
	}
	db_cursor_release(&cur);
	return err;
}

struct events_scan {
	uint64_t kinds;
	hs_db_event_fn cb;
	void *ctx;
	uint64_t sig_t;         /* the last SIGNAL record's t and thread */
	uint32_t sig_tid;
	bool have_sig;
};

static int event_rec(void *arg, const uint8_t *rec)
{
	struct events_scan *es = arg;
	struct hs_db_event ev = {
		.t = hs_le64(rec), .tid = hs_le32(rec + 8), .tag = hs_le32(rec + 12),
		.len = hs_le32(rec + 16), .payload = rec + HS_DB_EVENT_HDR,
	};

	/* Records about another thread than the one running carry it first:
	 * a syscall's result, and a signal delivered to a thread that does
	 * not block it by the thread that polled it (a process-directed
	 * signal), with its frame and register writes.  They are that
	 * thread's events, as strace files them. */
	if ((ev.tag == HS_EV_SYSCALL_EXIT || ev.tag == HS_EV_SIGNAL ||
	     ev.tag == HS_EV_SIGRETURN || ev.tag == HS_EV_REG_WRITE) && ev.len >= 4)
		ev.tid = hs_le32(ev.payload);
	if (ev.tag == HS_EV_SIGNAL) {
		es->sig_t = ev.t;
		es->sig_tid = ev.tid;
		es->have_sig = true;
	} else if (ev.tag == HS_EV_MEM && ev.len >= 16 && es->have_sig && es->sig_t == ev.t &&
		   hs_le32(ev.payload + 8) == HS_MEM_SIGNAL) {
		ev.tid = es->sig_tid; /* the signal frame written for it */
	}
	if (es->kinds && (ev.tag >= 64 || !(es->kinds & HS_DB_KIND_BIT(ev.tag))))
		return 0;
	return es->cb(es->ctx, &ev);
}

int hs_db_events(const struct hs_db_image *cimg, uint64_t t0, uint64_t t1, uint64_t kinds,
		 hs_db_event_fn cb, void *ctx)
{
	struct events_scan es = { .kinds = kinds, .cb = cb, .ctx = ctx };

	return scan_range(cimg, HS_DB_EVENTS, t0, t1, event_rec, &es);
}

struct calls_scan {
	hs_db_call_fn cb;
	void *ctx;
};

static int call_rec(void *arg, const uint8_t *rec)
{
	struct calls_scan *cs = arg;
	struct hs_db_call c = {
		.t_call = hs_le64(rec), .t_ret = hs_le64(rec + 8),
		.callee = hs_le64(rec + 16), .call_site = hs_le64(rec + 24),
		.tid = hs_le32(rec + 32), .depth = hs_le32(rec + 36),
		.flags = hs_le32(rec + 40),
	};

	return cs->cb(cs->ctx, &c);
}

int hs_db_calls(const struct hs_db_image *cimg, uint64_t t0, uint64_t t1,
		hs_db_call_fn cb, void *ctx)
{
	struct calls_scan cs = { cb, ctx };

	return scan_range(cimg, HS_DB_CALLS, t0, t1, call_rec, &cs);
}
