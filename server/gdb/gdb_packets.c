/* gdb_packets.c - the packets this server answers, one row each.
 *
 * A row names a packet by its prefix (or, .exact, its whole text) and
 * its handler.  Handlers append the reply to r and return
 *   0  send r            1  send r, then end the connection (D, vKill)
 *   2  end it, no reply (k)   3  answered already (QStartNoAckMode)
 *   <0 an error: the connection answers E05 and goes on.
 * Unknown packets get the empty reply, which tells gdb "not supported".
 * Writes (G, P, M, X) get E1e (EROFS): a recording is read-only.
 */
#include "gdb_i.h"

#include "hindsight/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GDB_MEM_MAX 0x1000  /* bytes per m packet: PacketSize / 2 and less */
#define GDB_THREADS_MAX 4096

/* A hex number ending at one of the bytes of `ends` (or the string's
 * end); *s moves past it.  -EINVAL when there is none. */
static int parse_hex(char **s, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0, d;

	while ((d = hs_hexval(**s)) >= 0) {
		if (n++ == 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
		(*s)++;
	}
	if (!n)
		return -EINVAL;
	*out = v;
	return 0;
}

/* gdb sees the OS thread ids (LWPs, as a native gdbserver shows them);
 * the database's calls take the recorder's slots. */
static uint32_t os_tid(struct hs_gdb *g, uint32_t slot)
{
	uint32_t tid = hs_db_thread_os_tid(g->img, slot, g->t);

	return tid ? tid : slot;
}

/* A thread id: hex, "-1" (all) or "0" (any); both of those mean 0.  An OS
 * tid becomes its slot; one the recording never had stays as it is (the
 * calls it reaches then find no such thread). */
static int parse_tid(struct hs_gdb *g, char **s, uint32_t *tid)
{
	const struct hs_db_thread *th;
	uint64_t v;

	if (strncmp(*s, "-1", 2) == 0) {
		*s += 2;
		*tid = 0;
		return 0;
	}
	if (parse_hex(s, &v) < 0 || v > UINT32_MAX)
		return -EINVAL;
	*tid = (uint32_t)v;
	if (*tid && (th = hs_db_thread_find(g->img, *tid)))
		*tid = th->slot;
	return 0;
}

static uint32_t cur_tid(struct hs_gdb *g)
{
	uint32_t tid = g->gtid;

	if (!tid && hs_db_thread_at(g->img, g->t, &tid) < 0)
		tid = 1;
	return tid;
}

/* gdb's signal numbers (the protocol's) where they differ from Linux's */
int gdb_signo(int linux_sig)
{
	switch (linux_sig) {
	case 7:  return 10;   /* SIGBUS */
	case 10: return 30;   /* SIGUSR1 */
	case 12: return 31;   /* SIGUSR2 */
	case 17: return 20;   /* SIGCHLD */
	case 19: return 17;   /* SIGSTOP */
	case 20: return 18;   /* SIGTSTP */
	case 18: return 19;   /* SIGCONT */
	case 23: return 16;   /* SIGURG */
	case 29: return 23;   /* SIGIO */
	case 31: return 12;   /* SIGSYS */
	default: return linux_sig < 16 ? linux_sig : 143; /* GDB_SIGNAL_UNKNOWN */
	}
}

void gdb_stop_reply(struct hs_gdb *g, const struct gdb_stop *s, struct gdb_buf *r)
{
	gdb_buf_fmt(r, "T%02x", s->why == GDB_STOP_SIGNAL ? gdb_signo(s->signo) :
		    s->why == GDB_STOP_INTERRUPT ? 2 : 5);
	switch (s->why) {
	case GDB_STOP_BREAK:
		gdb_buf_str(r, "swbreak:;");
		break;
	case GDB_STOP_WATCH:
		gdb_buf_fmt(r, "%swatch:%llx;", s->watch_type == 3 ? "r" :
			    s->watch_type == 4 ? "a" : "", (unsigned long long)s->watch_addr);
		break;
	case GDB_STOP_BEGIN:
		gdb_buf_str(r, "replaylog:begin;");
		break;
	case GDB_STOP_END:
		gdb_buf_str(r, "replaylog:end;");
		break;
	case GDB_STOP_PLAIN:
	case GDB_STOP_SIGNAL:
	case GDB_STOP_INTERRUPT:
		break;
	}
	gdb_buf_fmt(r, "thread:%x;", os_tid(g, s->tid ? s->tid : cur_tid(g)));
}

/* ---- handlers ----------------------------------------------------------- */

static int h_supported(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "PacketSize=4000;QStartNoAckMode+;qXfer:features:read+;"
		    "qXfer:exec-file:read+;qXfer:auxv:read+;qXfer:libraries-svr4:read+;"
		    "qXfer:threads:read+;qXfer:siginfo:read+;"
		    "QPassSignals+;"
		    "ReverseStep+;"
		    "ReverseContinue+;vContSupported+;swbreak+;hwbreak+");
	return 0;
}

static int h_noack(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	int err = gdb_send(g, "OK", 2);

	if (err)
		return 2;
	g->noack = true;
	return 3;
}

/* QPassSignals:SIG;SIG...: gdb's numbers, hex, of the signals a continue
 * passes without stopping (the list replaces the previous one) */
static int h_pass_signals(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	bool pass[GDB_NSIG] = { false };

	while (*a) {
		uint64_t sig;

		if (parse_hex(&a, &sig) < 0 || (*a && *a++ != ';')) {
			gdb_buf_str(r, "E01");
			return 0;
		}
		if (sig < GDB_NSIG)
			pass[sig] = true;
	}
	memcpy(g->pass, pass, sizeof pass);
	gdb_buf_str(r, "OK");
	return 0;
}

static int h_ok(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "OK");
	return 0;
}

static int h_readonly(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "E1e");
	return 0;
}

static int h_where(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	struct gdb_stop s = { .t = g->t, .tid = cur_tid(g) };

	gdb_stop_reply(g, &s, r);
	return 0;
}

static int h_regs(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	if (gdb_regs_hex(g, g->gtid, -1, r) < 0) {
		r->len = 0;
		gdb_buf_str(r, "E01");
	}
	return 0;
}

static int h_reg(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	uint64_t n;

	if (parse_hex(&a, &n) < 0 || *a || n > 1000 ||
	    gdb_regs_hex(g, g->gtid, (int)n, r) < 0) {
		r->len = 0;
		gdb_buf_str(r, "E01");
	}
	return 0;
}

static int h_mem(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	uint64_t addr, len;
	uint8_t *buf;
	ssize_t got;

	if (parse_hex(&a, &addr) < 0 || *a++ != ',' || parse_hex(&a, &len) < 0 || *a) {
		gdb_buf_str(r, "E01");
		return 0;
	}
	if (len > GDB_MEM_MAX)
		len = GDB_MEM_MAX;
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	got = len ? hs_db_mem_read(g->img, g->t, addr, len, buf) : 0;
	if (got <= 0 && len)
		gdb_buf_str(r, "E14");
	else
		gdb_buf_hex(r, buf, (size_t)got);
	free(buf);
	return 0;
}

static int h_thread_set(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	char op = *a++;
	uint32_t tid;
	struct hs_db_regs *regs;

	if (parse_tid(g, &a, &tid) < 0 || *a) {
		gdb_buf_str(r, "E01");
		return 0;
	}
	if (op != 'g' || !tid) {
		if (op == 'g')
			g->gtid = 0;
		gdb_buf_str(r, "OK");
		return 0;
	}
	regs = malloc(sizeof(*regs));
	if (!regs)
		return -ENOMEM;
	if (hs_db_regs_at(g->img, g->t, tid, regs) == 0) {
		g->gtid = tid;
		gdb_buf_str(r, "OK");
	} else {
		gdb_buf_str(r, "E01");
	}
	free(regs);
	return 0;
}

static int h_thread_alive(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	uint32_t tids[GDB_THREADS_MAX], tid;
	size_t n;

	if (parse_tid(g, &a, &tid) < 0 || *a) {
		gdb_buf_str(r, "E01");
		return 0;
	}
	n = gdb_threads_at(g, g->t, tids, GDB_THREADS_MAX);
	for (size_t i = 0; i < n; i++)
		if (tids[i] == tid) {
			gdb_buf_str(r, "OK");
			return 0;
		}
	gdb_buf_str(r, "E01");
	return 0;
}

static int h_threads_first(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	uint32_t *tids = malloc(GDB_THREADS_MAX * sizeof(*tids));
	size_t n;

	if (!tids)
		return -ENOMEM;
	n = gdb_threads_at(g, g->t, tids, GDB_THREADS_MAX);
	if (n == 0) {
		tids[0] = cur_tid(g);
		n = 1;
	}
	gdb_buf_str(r, "m");
	for (size_t i = 0; i < n; i++)
		gdb_buf_fmt(r, "%s%x", i ? "," : "", os_tid(g, tids[i]));
	free(tids);
	return 0;
}

static int h_threads_next(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "l");
	return 0;
}

static int h_current(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_fmt(r, "QC%x", os_tid(g, cur_tid(g)));
	return 0;
}

static int h_attached(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "1");
	return 0;
}

static int resume(struct hs_gdb *g, bool reverse, bool step, uint32_t tid,
		  struct gdb_buf *r)
{
	struct gdb_stop s;
	int err = gdb_resume(g, reverse, step, tid ? tid : g->gtid, &s);

	if (err)
		return err;
	gdb_stop_reply(g, &s, r);
	return 0;
}

static int h_step(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	return resume(g, false, true, 0, r);
}

static int h_cont(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	return resume(g, false, false, 0, r);
}

static int h_rstep(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	return resume(g, true, true, 0, r);
}

static int h_rcont(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	return resume(g, true, false, 0, r);
}

static int h_vcont_query(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "vCont;c;C;s;S;r");
	return 0;
}

/* vCont;ACTION[:TID][;ACTION[:TID]]...: a step of one thread (s, or r
 * START,END: range stepping) wins over continuing the others (gdb steps
 * one thread and lets the rest run). */
static int h_vcont(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	bool step = false, cont = false, range = false;
	uint32_t step_tid = 0;
	uint64_t r_lo = 0, r_hi = 0;

	while (*a == ';') {
		char op = *++a;
		uint32_t tid = 0;
		uint64_t lo = 0, hi = 0;

		if (op != 'c' && op != 'C' && op != 's' && op != 'S' && op != 'r') {
			gdb_buf_str(r, "E01");
			return 0;
		}
		a++;
		if (op == 'C' || op == 'S') {
			uint64_t sig;

			if (parse_hex(&a, &sig) < 0) {
				gdb_buf_str(r, "E01");
				return 0;
			}
		}
		if (op == 'r' && (parse_hex(&a, &lo) < 0 || *a++ != ',' ||
				  parse_hex(&a, &hi) < 0)) {
			gdb_buf_str(r, "E01");
			return 0;
		}
		if (*a == ':') {
			a++;
			if (parse_tid(g, &a, &tid) < 0) {
				gdb_buf_str(r, "E01");
				return 0;
			}
		}
		if ((op == 's' || op == 'S' || op == 'r') && !step) {
			step = true;
			step_tid = tid;
			range = op == 'r';
			r_lo = lo;
			r_hi = hi;
		} else if (op == 'c' || op == 'C') {
			cont = true;
		}
	}
	if (*a || (!step && !cont)) {
		gdb_buf_str(r, "E01");
		return 0;
	}
	if (range) {
		struct gdb_stop st;
		int err = gdb_range_step(g, step_tid ? step_tid : g->gtid, r_lo, r_hi, &st);

		if (err)
			return err;
		gdb_stop_reply(g, &st, r);
		return 0;
	}
	return resume(g, false, step, step_tid, r);
}

static int h_point(struct hs_gdb *g, char *a, struct gdb_buf *r, bool add)
{
	uint64_t type, addr, kind;
	int err;

	if (parse_hex(&a, &type) < 0 || *a++ != ',' || parse_hex(&a, &addr) < 0 ||
	    *a++ != ',' || parse_hex(&a, &kind) < 0) {
		gdb_buf_str(r, "E01");
		return 0;
	}
	if (type == 0 || type == 1)
		err = add ? gdb_bp_add(g, addr) : gdb_bp_del(g, addr);
	else if (type >= 2 && type <= 4)
		err = add ? gdb_wp_add(g, (int)type, addr, kind) :
			    gdb_wp_del(g, (int)type, addr, kind);
	else
		return 0;
	if (err == -EINVAL) {
		gdb_buf_str(r, "E16");
		return 0;
	}
	if (err)
		return err;
	gdb_buf_str(r, "OK");
	return 0;
}

static int h_insert(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	return h_point(g, a, r, true);
}

static int h_remove(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	return h_point(g, a, r, false);
}

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH */
static int h_xfer(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	char *object = a, *op, *annex, *nums;
	uint64_t off, len;
	int err;

	op = strchr(object, ':');
	if (!op)
		goto bad;
	*op++ = 0;
	annex = strchr(op, ':');
	if (!annex)
		goto bad;
	*annex++ = 0;
	nums = strchr(annex, ':');
	if (!nums || strcmp(op, "read") != 0)
		goto bad;
	*nums++ = 0;
	if (parse_hex(&nums, &off) < 0 || *nums++ != ',' || parse_hex(&nums, &len) < 0 || *nums)
		goto bad;
	if (len > 0x3000)
		len = 0x3000;
	err = gdb_xfer(g, object, annex, off, len, r);
	if (err == -EOPNOTSUPP)
		return 0;
	if (err == -ENOENT) {
		gdb_buf_str(r, "E00");
		return 0;
	}
	return err;
bad:
	gdb_buf_str(r, "E00");
	return 0;
}

/* qGetTLSAddr:TID,OFFSET,LM: the address, hex (gdb_tls.c) */
static int h_tls_addr(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	uint64_t off, lm, addr;
	uint32_t tid;
	int err;

	if (parse_tid(g, &a, &tid) < 0 || *a++ != ',' || parse_hex(&a, &off) < 0 ||
	    *a++ != ',' || parse_hex(&a, &lm) < 0 || *a) {
		gdb_buf_str(r, "E01");
		return 0;
	}
	err = gdb_tls_addr(g, tid, off, lm, &addr);
	if (err == -ENOMEM)
		return err;
	if (err)
		gdb_buf_str(r, "E01");   /* gdb: "Remote target failed to process ..." */
	else
		gdb_buf_fmt(r, "%llx", (unsigned long long)addr);
	return 0;
}

/* qRcmd,HEX: the command as hex; the reply is the output as hex */
static int h_rcmd(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	struct gdb_buf cmd = { 0 }, out = { 0 };
	int err;

	for (; a[0] && a[1]; a += 2) {
		int hi = hs_hexval(a[0]), lo = hs_hexval(a[1]);
		uint8_t c;

		if (hi < 0 || lo < 0)
			break;
		c = (uint8_t)(hi << 4 | lo);
		if (c == 0)
			break;
		gdb_buf_add(&cmd, &c, 1);
	}
	gdb_buf_add(&cmd, "", 0);
	if (*a || cmd.err) {
		err = cmd.err;
		gdb_buf_str(r, "E01");
		goto out;
	}
	err = gdb_monitor(g, cmd.p, &out);
	if (!err && !out.err && out.len)
		gdb_buf_hex(r, (const uint8_t *)out.p, out.len);
	else if (!err)
		gdb_buf_str(r, "OK");
out:
	free(cmd.p);
	free(out.p);
	return err < 0 ? err : out.err;
}

static int h_kill(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	return 2;
}

static int h_vkill(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "OK");
	return 1;
}

static int h_detach(struct hs_gdb *g, char *a, struct gdb_buf *r)
{
	gdb_buf_str(r, "OK");
	return 1;
}

struct gdb_packet_row {
	const char *name;
	bool exact;        /* the whole packet, else a prefix */
	int (*fn)(struct hs_gdb *g, char *args, struct gdb_buf *r);
};

/* Longer names before their prefixes. */
static const struct gdb_packet_row packets[] = {
	{ "qSupported", false, h_supported },
	{ "QStartNoAckMode", true, h_noack },
	{ "QPassSignals:", false, h_pass_signals },
	{ "qXfer:", false, h_xfer },
	{ "qRcmd,", false, h_rcmd },
	{ "qGetTLSAddr:", false, h_tls_addr },
	{ "qfThreadInfo", true, h_threads_first },
	{ "qsThreadInfo", true, h_threads_next },
	{ "qC", true, h_current },
	{ "qAttached", false, h_attached },
	{ "qSymbol::", true, h_ok },
	{ "vCont?", true, h_vcont_query },
	{ "vCont", false, h_vcont },
	{ "vKill", false, h_vkill },
	{ "?", true, h_where },
	{ "g", true, h_regs },
	{ "p", false, h_reg },
	{ "G", false, h_readonly },
	{ "P", false, h_readonly },
	{ "M", false, h_readonly },
	{ "X", false, h_readonly },
	{ "m", false, h_mem },
	{ "H", false, h_thread_set },
	{ "T", false, h_thread_alive },
	{ "Z", false, h_insert },
	{ "z", false, h_remove },
	{ "bs", true, h_rstep },
	{ "bc", true, h_rcont },
	{ "s", false, h_step },
	{ "c", false, h_cont },
	{ "S", false, h_step },
	{ "C", false, h_cont },
	{ "k", true, h_kill },
	{ "D", false, h_detach },
};

int gdb_packet(struct hs_gdb *g, char *pkt, size_t len, struct gdb_buf *reply)
{
	for (size_t i = 0; i < sizeof packets / sizeof packets[0]; i++) {
		const struct gdb_packet_row *row = &packets[i];
		size_t n = strlen(row->name);

		if (row->exact ? strcmp(pkt, row->name) == 0 : strncmp(pkt, row->name, n) == 0)
			return row->fn(g, pkt + n, reply);
	}
	return 0;   /* empty: not supported */
}
