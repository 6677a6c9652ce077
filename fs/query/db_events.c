/* db_events.c - events and calls by time range (events.hdb, calls.hdb).
 *
 * A sysret's record tid is the thread that was running when the stream
 * recorded it, which is not always the thread whose syscall returned (a
 * blocking syscall ends while another thread runs, before the switch is
 * recorded); its payload names the right one, so events say that. */
#include <errno.h>

#include "query_i.h"

int hs_db_events(const struct hs_db_image *cimg, uint64_t t0, uint64_t t1, uint64_t kinds,
		 hs_db_event_fn cb, void *ctx)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	const struct hs_dbfile *f = img->files[HS_DB_EVENTS];
	struct db_cursor cur;
	const uint8_t *rec;
	size_t len;
	int err = 0;

	if (t0 > t1)
		return 0;
	db_cursor_init(&cur, img, HS_DB_EVENTS, db_block_first_ge(f, t0));
	for (;;) {
		int got = db_cursor_next(&cur, &rec, &len);

		if (got) {
			err = got < 0 ? got : 0;
			break;
		}
		struct hs_db_event ev = {
			.t = hs_le64(rec), .tid = hs_le32(rec + 8), .tag = hs_le32(rec + 12),
			.len = hs_le32(rec + 16), .payload = rec + HS_DB_EVENT_HDR,
		};

		if (ev.tag == HS_EV_SYSCALL_EXIT && ev.len >= 4)
			ev.tid = hs_le32(ev.payload);
		if (ev.t < t0)
			continue;
		if (ev.t > t1) {
			err = 0;
			break;
		}
		if (kinds && (ev.tag >= 64 || !(kinds & HS_DB_KIND_BIT(ev.tag))))
			continue;
		err = cb(ctx, &ev);
		if (err)
			break;
	}
	db_cursor_release(&cur);
	return err;
}

int hs_db_calls(const struct hs_db_image *cimg, uint64_t t0, uint64_t t1,
		hs_db_call_fn cb, void *ctx)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	const struct hs_dbfile *f = img->files[HS_DB_CALLS];
	struct db_cursor cur;
	const uint8_t *rec;
	size_t len;
	int err = 0;

	if (t0 > t1)
		return 0;
	db_cursor_init(&cur, img, HS_DB_CALLS, db_block_first_ge(f, t0));
	for (;;) {
		int got = db_cursor_next(&cur, &rec, &len);

		if (got) {
			err = got < 0 ? got : 0;
			break;
		}
		struct hs_db_call c = {
			.t_call = hs_le64(rec), .t_ret = hs_le64(rec + 8),
			.callee = hs_le64(rec + 16), .call_site = hs_le64(rec + 24),
			.tid = hs_le32(rec + 32), .depth = hs_le32(rec + 36),
			.flags = hs_le32(rec + 40),
		};

		if (c.t_call < t0)
			continue;
		if (c.t_call > t1) {
			err = 0;
			break;
		}
		err = cb(ctx, &c);
		if (err)
			break;
	}
	db_cursor_release(&cur);
	return err;
}
