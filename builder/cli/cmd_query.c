/* cmd_query.c - `hindsight query TRACE_DIR WHAT ...`: one database question per run.
 *
 *   hindsight query [--image PID.N] [--tid TID] [--raw] [--kind K[,K...]]
 *                   [--cache-mb N] TRACE_DIR WHAT ARGS...
 *
 * For scripts and tests: plain text, one item per line.  Numbers are
 * decimal, or hex with 0x.  WHAT is one of:
 *
 *   info                      image: 1234.0 / t-end: N / chunks: N / events: N
 *   regs T                    "rax 0x0000000000000001" per register
 *   reg T NAME                "0x0000000000000001"
 *   mem T ADDR LEN            hex dump "00007ffd4000: 41 42 ...  |AB...|",
 *                             or the bytes themselves with --raw
 *   maps T                    /proc/PID/maps lines
 *   thread T                  the tid that runs instruction T+1
 *   last-write ADDR LEN T     "<t> 0x<addr> <len> <hex> <kind> <tid>": the
 *                             last write visible at T that touched the
 *                             range; addr/len/hex are the part inside it
 *   writes ADDR LEN [T0 T1]   the same line for every write, in time order
 *   events [--kind K] T0 T1   "<t> <tid> <kind> <details>"
 *   insn T                    "0x<addr> <bytes> <mnemonic operands>" (AT&T)
 *   calls T0 T1               "<t_call> <t_ret or -> <depth> <tid> 0x<callee> 0x<site>"
 *   bench [N [SEED]]          latency of N random questions, cold and warm
 *
 * Source level (db.h; lines need debug info):
 *   backtrace T               the calls open at T (thread at T, or --tid),
 *                             innermost first, as `calls` prints them
 *   unwind T [T...] | -       "0x<pc> <where>" per frame, innermost first:
 *                             the stack unwound with libdwfl (CFI) from
 *                             the registers and memory at T (cross-check);
 *                             "-": Ts from stdin, each stack after "T:"
 *   callees                   "0x<callee> <calls>" by address
 *   calls-to ADDR             the calls to ADDR, as `calls` prints them
 *   file-maps                 "<t_map> <t_unmap or -> 0x<start>-0x<end>
 *                             <offset> <prot> <path>"
 *   lines                     "<file_id> <path>" per source file
 *   lines FILE                "<line> <starts>" (FILE: an id, a path or
 *                             the end of one, e.g. example.c)
 *   lines FILE LINE           every start of that line: "<t> <tid>
 *                             <file_id> <line> <depth>"
 *   line-starts T0 T1         the same line for every start in [T0, T1]
 *                             (of --tid only, if given)
 *   step T HOW                HOW: into, over, back-into, back-over; the
 *                             t of that line start (gdb step, next,
 *                             reverse-step, reverse-next)
 *
 * --image picks the process image (default: the first); --tid asks regs,
 * reg, backtrace, unwind for another thread than the one running at T, and
 * line-starts for one thread.  Every tid, given or printed, is the OS
 * thread id (gettid(), strace -f), never the recorder's reused slot.
 *
 * Exit status: 0 answered, 1 no answer (memory not mapped, never written,
 * no such thread, a corrupt database block: the reason is on stderr),
 * 2 bad usage or no database.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "hindsight/db.h"
#include "hindsight/source.h"
#include "hindsight/tree.h"

#include "cli.h"

struct query_opts {
	const char *pack_dir;   /* hs_db_pack_dir() */
	const char *image;
	uint32_t tid;
	bool raw;
	uint64_t kinds;
	size_t cache_bytes;
	const char *dir;
	const char *what;
	char **args;
	int n_args;
	char *pos[64];          /* positional arguments */
};


static void usage(FILE *f)
{
	fputs("usage: hindsight query [--image PID.N] [--tid TID] [--raw] [--kind K[,K...]]\n"
	      "                       [--cache-mb N] TRACE_DIR WHAT ARGS...\n"
	      "  info                     what the image holds (t-end, chunks, events)\n"
	      "  regs T                   registers at T (of the thread at T, or --tid)\n"
	      "  reg T NAME               one register\n"
	      "  mem T ADDR LEN           memory at T: hex dump, or bytes with --raw\n"
	      "  maps T                   mappings at T, as /proc/PID/maps\n"
	      "  thread T                 the thread that runs instruction T+1\n"
	      "  last-write ADDR LEN T    the last write visible at T that touched the range\n"
	      "  writes ADDR LEN [T0 T1]  every write that touched the range\n"
	      "  events [--kind K] T0 T1  events with T0 <= t <= T1\n"
	      "  insn T                   the instruction about to run at T\n"
	      "  calls T0 T1              calls with T0 <= t_call <= T1\n"
	      "  bench [N [SEED]]         latency of N random questions (p50, p99; cold, warm)\n"
	      "  backtrace T              calls open at T, innermost first (as calls prints)\n"
	      "  unwind T [T...]|-        the stack at T unwound with libdwfl (CFI), not the calls;\n"
	      "                           -: Ts from stdin, one a line\n"
	      "  callees                  every function called, with its number of calls\n"
	      "  calls-to ADDR            every call to ADDR\n"
	      "  file-maps                file-backed mappings over time\n"
	      "  lines [FILE [LINE]]      source files; lines of FILE; starts of FILE:LINE\n"
	      "  line-starts T0 T1        line starts with T0 <= t <= T1\n"
	      "  step T HOW               next line start: into, over, back-into, back-over\n"
	      "numbers: decimal or 0x hex.  kinds: syscall, sysret, output, map, unmap, mprotect,\n"
	      "  remap, mem, signal, sigreturn, thread-run, thread-create, thread-exit, ...\n"
	      "exit status: 0 answered, 1 no answer, 2 bad usage or no database\n", f);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno || *end ? -EINVAL : 0;
}

static int parse_kinds(const char *s, uint64_t *kinds)
{
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char word[32];
		uint32_t tag = 0;

		if (n && n < sizeof(word)) {
			memcpy(word, s, n);
			word[n] = 0;
			tag = hs_db_event_kind(word);
		}
		if (!tag) {
			fprintf(stderr, "hindsight query: unknown event kind '%.*s'\n", (int)n, s);
			return -EINVAL;
		}
		*kinds |= HS_DB_KIND_BIT(tag);
		s += n + (comma ? 1 : 0);
	}
	return 0;
}

/* The value of an option: "--opt=v" or "--opt v". */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	return strncmp(a, name, n) == 0 && (a[n] == 0 || a[n] == '=');
}

static int parse_args(int argc, char **argv, struct query_opts *o)
{
	char **pos = o->pos;
	int n_pos = 0;

	*o = (struct query_opts){ 0 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		uint64_t x;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--raw")) {
			o->raw = true;
		} else if (is_opt(a, "--image")) {
			if (!(v = opt_value(argc, argv, &i, "--image")))
				goto missing;
			o->image = v;
		} else if (is_opt(a, "--tid")) {
			if (!(v = opt_value(argc, argv, &i, "--tid")) || parse_u64(v, &x) ||
			    x == 0 || x > UINT32_MAX)
				goto missing;
			o->tid = (uint32_t)x;
		} else if (is_opt(a, "--kind")) {
			if (!(v = opt_value(argc, argv, &i, "--kind")))
				goto missing;
			if (parse_kinds(v, &o->kinds))
				return -EINVAL;
		} else if (is_opt(a, "--cache-mb")) {
			if (!(v = opt_value(argc, argv, &i, "--cache-mb")) || parse_u64(v, &x) ||
			    x == 0 || x > (1u << 20))
				goto missing;
			o->cache_bytes = (size_t)x << 20;
		} else if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "hindsight query: unknown option %s\n", a);
			usage(stderr);
			return -EINVAL;
		} else if (n_pos < (int)(sizeof(o->pos) / sizeof(o->pos[0]))) {
			pos[n_pos++] = argv[i];
		} else {
			fprintf(stderr, "hindsight query: too many arguments (at most %zu; "
				"unwind - reads times from stdin)\n", sizeof(o->pos) / sizeof(o->pos[0]));
			return -EINVAL;
		}
		continue;
missing:
		fprintf(stderr, "hindsight query: %s needs a valid value\n", a);
		return -EINVAL;
	}
	if (n_pos < 2) {
		usage(stderr);
		return -EINVAL;
	}
	o->dir = pos[0];
	o->what = pos[1];
	o->args = o->pos + 2;
	o->n_args = n_pos - 2;
	return 0;
}

/* ---- output ------------------------------------------------------------- */

static void print_hex_le(const uint8_t *v, uint32_t size)
{
	printf("0x");
	for (uint32_t i = size; i-- > 0;)
		printf("%02x", v[i]);
}

static void print_bytes(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void hexdump(uint64_t addr, const uint8_t *p, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;

		printf("%016" PRIx64 ":", addr + off);
		for (size_t i = 0; i < 16; i++) {
			if (i < k)
				printf(" %02x", p[off + i]);
			else
				printf("   ");
		}
		printf("  |");
		for (size_t i = 0; i < k; i++)
			putchar(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.');
		printf("|\n");
	}
}

static int print_write(void *ctx, const struct hs_db_write *w)
{
	printf("%" PRIu64 " 0x%" PRIx64 " %" PRIu64 " ", w->t, w->data_addr, w->data_len);
	print_bytes(w->data, w->data_len);
	printf(" %s %" PRIu32 "\n", hs_db_write_kind_name(w->kind),
	       hs_db_thread_os_tid(w->img, w->tid, w->t));
	return ferror(stdout) ? -EIO : 0;
}

/* One event line; text from hs_db_events_text(), which resolves the
 * syscall strings of many events at once (or takes the recorder's copy). */
struct ev_print {
	const struct hs_db_image *img;
	int first_err;
};

static int print_event(void *ctx, const struct hs_db_event *ev, const char *text, size_t len,
		       int err)
{
	struct ev_print *x = ctx;
	const char *kind = hs_db_event_kind_name(ev->tag);

	if (err < 0 && !x->first_err)
		x->first_err = err;
	printf("%" PRIu64 " %" PRIu32 " %s %.*s\n", ev->t,
	       hs_db_thread_os_tid(x->img, ev->tid, ev->t), kind ? kind : "?", (int)len, text);
	return ferror(stdout) ? -EIO : 0;
}

/* ctx: the image (tids are shown as the OS's, db.h "Thread ids") */
static int print_call(void *ctx, const struct hs_db_call *c)
{
	const struct hs_db_image *img = ctx;

	printf("%" PRIu64 " ", c->t_call);
	if (c->t_ret == HS_DB_NO_RETURN)
		printf("-");
	else
		printf("%" PRIu64, c->t_ret);
	printf(" %" PRIu32 " %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 "\n", c->depth,
	       hs_db_thread_os_tid(img, c->tid, c->t_call), c->callee, c->call_site);
	return ferror(stdout) ? -EIO : 0;
}

/* ---- commands -------------------------------------------------------------- */

/* --tid names a thread as the OS does (gettid(), strace -f); the database
 * asks for its slot (db.h "Thread ids"), which is that thread only while
 * it lives: *slot 0 (the thread at t) without --tid, -ESRCH when thread
 * --tid does not live at t. */
static int tid_slot(const struct query_opts *o, const struct hs_db_image *img, uint64_t t,
		    uint32_t *slot)
{
	const struct hs_db_thread *th;

	*slot = 0;
	if (!o->tid)
		return 0;
	th = hs_db_thread_find(img, o->tid);
	if (!th || t < th->t_create || t > th->t_exit) {
		fprintf(stderr, "hindsight query: no thread %" PRIu32 " at t=%" PRIu64 "\n", o->tid, t);
		return -ESRCH;
	}
	*slot = th->slot;
	return 0;
}

/* args[i] as a number; complains and returns -EINVAL otherwise. */
static int arg_u64(const struct query_opts *o, int i, const char *name, uint64_t *v)
{
	if (i >= o->n_args) {
		fprintf(stderr, "hindsight query %s: missing %s\n", o->what, name);
		return -EINVAL;
	}
	if (parse_u64(o->args[i], v)) {
		fprintf(stderr, "hindsight query %s: %s '%s' is not a number\n", o->what, name,
			o->args[i]);
		return -EINVAL;
	}
	return 0;
}

static int want_args(const struct query_opts *o, int n)
{
	if (o->n_args > n) {
		fprintf(stderr, "hindsight query %s: too many arguments\n", o->what);
		return -EINVAL;
	}
	return 0;
}

static int cmd_regs(const struct query_opts *o, const struct hs_db_image *img, bool one)
{
	struct hs_db_regs *r;
	uint64_t t;
	uint8_t v[32];
	uint32_t size, slot;
	int err;

	if ((err = arg_u64(o, 0, "T", &t)) || (err = want_args(o, one ? 2 : 1)))
		return err;
	if (one && o->n_args < 2) {
		fprintf(stderr, "hindsight query reg: missing NAME\n");
		return -EINVAL;
	}
	if ((err = tid_slot(o, img, t, &slot)))
		return err;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(img, t, slot, r);
	if (err)
		goto out;
	if (one) {
		err = hs_db_reg_value(r, o->args[1], v, &size);
		if (err) {
			fprintf(stderr, "hindsight query reg: unknown register '%s'\n", o->args[1]);
			err = -EINVAL;
			goto out;
		}
		print_hex_le(v, size);
		printf("\n");
		goto out;
	}
	for (size_t i = 0; hs_db_reg_name(i); i++) {
		hs_db_reg_value(r, hs_db_reg_name(i), v, &size);
		printf("%s ", hs_db_reg_name(i));
		print_hex_le(v, size);
		printf("\n");
	}
out:
	free(r);
	return err;
}

static int cmd_mem(const struct query_opts *o, const struct hs_db_image *img)
{
	uint64_t t, addr, len;
	uint8_t *buf;
	ssize_t n;
	int err;

	if ((err = arg_u64(o, 0, "T", &t)) || (err = arg_u64(o, 1, "ADDR", &addr)) ||
	    (err = arg_u64(o, 2, "LEN", &len)) || (err = want_args(o, 3)))
		return err;
	if (len > (1u << 30)) {
		fprintf(stderr, "hindsight query mem: LEN is at most 1 GiB\n");
		return -EINVAL;
	}
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	n = hs_db_mem_read(img, t, addr, len, buf);
	if (n == -EIO)
		fprintf(stderr, "hindsight query mem: 0x%" PRIx64 " is not mapped at t=%" PRIu64 "\n",
			addr, t);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	if (o->raw)
		fwrite(buf, 1, (size_t)n, stdout);
	else
		hexdump(addr, buf, (size_t)n);
	if ((uint64_t)n < len) {
		fprintf(stderr, "hindsight query mem: 0x%" PRIx64 " is not mapped at t=%" PRIu64
			" (read %zd of %" PRIu64 " bytes)\n", addr + (uint64_t)n, t, n, len);
		err = -EIO;
	}
out:
	free(buf);
	return err;
}

static int cmd_maps(const struct query_opts *o, const struct hs_db_image *img)
{
	struct hs_db_map *m;
	size_t n;
	uint64_t t;
	int err;

	if ((err = arg_u64(o, 0, "T", &t)) || (err = want_args(o, 1)))
		return err;
	err = hs_db_maps_at(img, t, &m, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		printf("%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64,
		       m[i].start, m[i].end, m[i].prot & PROT_READ ? 'r' : '-',
		       m[i].prot & PROT_WRITE ? 'w' : '-', m[i].prot & PROT_EXEC ? 'x' : '-',
		       m[i].flags & HS_MAP_SHARED ? 's' : 'p', m[i].offset,
		       major(m[i].dev), minor(m[i].dev), m[i].ino);
		if (m[i].path[0])
			printf("%*s%s", 8, "", m[i].path);
		printf("\n");
	}
	free(m);
	return 0;
}

static int cmd_last_write(const struct query_opts *o, const struct hs_db_image *img)
{
	struct hs_db_write w;
	uint64_t addr, len, t;
	uint8_t *buf;
	int err;

	if ((err = arg_u64(o, 0, "ADDR", &addr)) || (err = arg_u64(o, 1, "LEN", &len)) ||
	    (err = arg_u64(o, 2, "T", &t)) || (err = want_args(o, 3)))
		return err;
	if (!len || len > (1u << 20)) {
		fprintf(stderr, "hindsight query last-write: LEN must be 1..1 MiB\n");
		return -EINVAL;
	}
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	err = hs_db_last_write(img, addr, len, t, &w, buf);
	if (!err)
		err = print_write(NULL, &w);
	else if (err == -ENOENT)
		fprintf(stderr, "hindsight query last-write: nothing wrote 0x%" PRIx64 "+%" PRIu64
			" up to t=%" PRIu64 "\n", addr, len, t);
	free(buf);
	return err;
}

static int cmd_writes(const struct query_opts *o, const struct hs_db_image *img)
{
	uint64_t addr, len, t0 = 0, t1 = UINT64_MAX;
	int err;

	if ((err = arg_u64(o, 0, "ADDR", &addr)) || (err = arg_u64(o, 1, "LEN", &len)) ||
	    (err = want_args(o, 4)))
		return err;
	if (o->n_args > 2 && ((err = arg_u64(o, 2, "T0", &t0)) || (err = arg_u64(o, 3, "T1", &t1))))
		return err;
	if (!len || len > (1u << 20)) {
		fprintf(stderr, "hindsight query writes: LEN must be 1..1 MiB\n");
		return -EINVAL;
	}
	return hs_db_writes(img, addr, len, t0, t1, print_write, NULL);
}

static int cmd_range(const struct query_opts *o, const struct hs_db_image *img, bool events)
{
	uint64_t t0, t1;
	int err;

	if ((err = arg_u64(o, 0, "T0", &t0)) || (err = arg_u64(o, 1, "T1", &t1)) ||
	    (err = want_args(o, 2)))
		return err;
	if (events) {
		struct ev_print x = { img, 0 };

		err = hs_db_events_text(img, t0, t1, o->kinds, print_event, &x);
		if (!err)
			err = x.first_err; /* listed, but some strings are missing */
		return err;
	}
	return hs_db_calls(img, t0, t1, print_call, (void *)img);
}

static int cmd_t(const struct query_opts *o, const struct hs_db_image *img, bool insn)
{
	uint64_t t;
	int err;

	if ((err = arg_u64(o, 0, "T", &t)) || (err = want_args(o, 1)))
		return err;
	if (insn) {
		struct hs_db_insn in;

		err = hs_db_insn_at(img, t, &in);
		if (err)
			return err;
		printf("0x%" PRIx64 " ", in.addr);
		print_bytes(in.bytes, in.len);
		printf(" %s\n", in.text);
	} else {
		uint32_t tid;

		err = hs_db_thread_at(img, t, &tid);
		if (err)
			return err;
		printf("%" PRIu32 "\n", hs_db_thread_os_tid(img, tid, t));
	}
	return 0;
}

static int cmd_info(const struct query_opts *o, const struct hs_db_image *img)
{
	struct hs_db_image_info in;
	int err = want_args(o, 0);

	if (err)
		return err;
	hs_db_image_info(img, &in);
	printf("image: %s\nt-end: %" PRIu64 "\nchunks: %" PRIu64 "\nevents: %" PRIu64
	       "\ncalls: %" PRIu64 "\n", in.name, in.t_end, in.chunks, in.events, in.calls);
	return 0;
}

/* ---- bench: latency of random questions ---------------------------------- */

struct lat {
	double *v;
	size_t n;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(struct lat *l, double p)
{
	size_t i;

	if (!l->n)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), cmp_double);
	i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->v[i];
}

static uint64_t bench_rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

enum { B_REGS, B_MEM_STACK, B_MEM_ANY, B_LW_STACK, B_LW_ANY, B_BT, B_N };

static const char *const bench_names[B_N] = {
	"regs", "mem64-stack", "mem64-any", "last-write8-stack", "last-write8-any",
	"backtrace",
};

/* One timed question; *ok is false when it had no answer. */
static double bench_one(struct hs_db *db, const struct hs_db_image *img, int kind, uint64_t t,
			uint64_t addr, bool cold, bool *ok)
{
	struct hs_db_regs r;
	struct hs_db_write w;
	uint8_t buf[64];
	double t0;
	int err;

	if (cold)
		hs_db_cache_drop(db);
	t0 = now_ms();
	switch (kind) {
	case B_REGS:
		err = hs_db_regs_at(img, t, 0, &r);
		break;
	case B_MEM_STACK:
	case B_MEM_ANY:
		err = hs_db_mem_read(img, t, addr, 64, buf) == 64 ? 0 : -EIO;
		break;
	case B_BT: {
		struct hs_db_call fr[64];

		err = hs_db_backtrace(img, t, 0, fr, 64);
		err = err < 0 ? err : 0;
		break;
	}
	default:
		err = hs_db_last_write(img, addr, 8, t, &w, buf);
		break;
	}
	*ok = err == 0;
	return now_ms() - t0;
}

static int cmd_bench(const struct query_opts *o, struct hs_db *db, const struct hs_db_image *img)
{
	struct hs_db_image_info info;
	struct lat cold[B_N] = { 0 }, warm[B_N] = { 0 }, step[B_N] = { 0 };
	uint64_t n = 200, seed = 1, seed0, fails[B_N] = { 0 };
	struct hs_db_regs *r = malloc(sizeof(*r));
	struct hs_db_cache_stats st;
	double first;
	int err = 0;

	if (!r)
		return -ENOMEM;
	if ((o->n_args > 0 && (err = arg_u64(o, 0, "N", &n))) ||
	    (o->n_args > 1 && (err = arg_u64(o, 1, "SEED", &seed))) || (err = want_args(o, 2)))
		goto out;
	seed0 = seed;
	hs_db_image_info(img, &info);
	for (int k = 0; k < B_N; k++) {
		cold[k].v = calloc(n + 1, sizeof(double));
		warm[k].v = calloc(n + 1, sizeof(double));
		step[k].v = calloc(n + 1, sizeof(double));
		if (!cold[k].v || !warm[k].v || !step[k].v) {
			err = -ENOMEM;
			goto out;
		}
	}
	/* what the first question after opening pays once: the code table,
	 * the mappings timeline, the stack */
	first = now_ms();
	err = hs_db_regs_at(img, info.t_end / 2, 0, r);
	if (!err) {
		uint8_t b[8];

		hs_db_mem_read(img, info.t_end / 2, r->regs.gpr[4], 8, b);
	}
	first = now_ms() - first;
	if (err)
		goto out;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t = bench_rnd(&seed) % info.t_end, any = 0, rsp;
		struct hs_db_map *maps;
		size_t n_maps;
		uint64_t total = 0;

		/* the addresses, untimed: rsp at t, and a random mapped byte */
		if ((err = hs_db_regs_at(img, t, 0, r)) || (err = hs_db_maps_at(img, t, &maps, &n_maps)))
			goto out;
		rsp = r->regs.gpr[4];
		for (size_t k = 0; k < n_maps; k++)
			total += (maps[k].end - maps[k].start) / 64;
		total = total ? bench_rnd(&seed) % total : 0;
		for (size_t k = 0; k < n_maps; k++) {
			uint64_t lines = (maps[k].end - maps[k].start) / 64;

			if (total < lines) {
				any = maps[k].start + total * 64;
				break;
			}
			total -= lines;
		}
		free(maps);
		for (int k = 0; k < B_N; k++) {
			uint64_t addr = k == B_MEM_STACK ? rsp - 32 : k == B_LW_STACK ? rsp : any;
			bool ok;

			cold[k].v[cold[k].n++] = bench_one(db, img, k, t, addr, true, &ok);
			fails[k] += !ok;
			warm[k].v[warm[k].n++] = bench_one(db, img, k, t, addr, false, &ok);
			step[k].v[step[k].n++] = bench_one(db, img, k, t + 1, addr, false, &ok);
		}
	}
	hs_db_cache_stats(db, &st);
	printf("bench: image %s, t-end %" PRIu64 ", chunks %" PRIu64 ", %" PRIu64
	        " random t, seed %" PRIu64 "\n", info.name, info.t_end, info.chunks, n, seed0);
	printf("first question after open: %.2f ms\n", first);
	printf("ms: cold = cache emptied first; warm = the same question again; next = at t+1\n");
	printf("%-18s %8s %8s %8s %8s %8s %8s %5s\n", "question", "cold-p50", "cold-p99",
	       "warm-p50", "warm-p99", "next-p50", "next-p99", "none");
	for (int k = 0; k < B_N; k++)
		printf("%-18s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %5" PRIu64 "\n", bench_names[k],
		       pct(&cold[k], 0.5), pct(&cold[k], 0.99), pct(&warm[k], 0.5),
		       pct(&warm[k], 0.99), pct(&step[k], 0.5), pct(&step[k], 0.99), fails[k]);
	printf("cache: %zu of %zu bytes, %" PRIu64 " hits, %" PRIu64 " misses\n", st.used, st.cap,
	       st.hits, st.misses);
out:
	for (int k = 0; k < B_N; k++) {
		free(cold[k].v);
		free(warm[k].v);
		free(step[k].v);
	}
	free(r);
	return err;
}

/* ---- source level ---------------------------------------------------------- */

static int cmd_backtrace(const struct query_opts *o, const struct hs_db_image *img)
{
	struct hs_db_call *fr = NULL;
	uint64_t t;
	uint32_t slot;
	int n, err;

	if ((err = arg_u64(o, 0, "T", &t)) || (err = want_args(o, 1)) ||
	    (err = tid_slot(o, img, t, &slot)))
		return err;
	n = hs_db_backtrace(img, t, slot, NULL, 0);
	if (n <= 0)
		return n;
	fr = calloc((size_t)n, sizeof(*fr));
	if (!fr)
		return -ENOMEM;
	n = hs_db_backtrace(img, t, slot, fr, (size_t)n);
	for (int i = 0; i < n && !err; i++)
		err = print_call((void *)img, &fr[i]);
	free(fr);
	return n < 0 ? n : err;
}

/* unwind T [T...]: the stack at T unwound with libdwfl from the registers and
 * memory of the thread at T (or --tid), not from the call tree: the
 * cross-check of backtrace (tests/e2e/src_unwind.sh).  One frame a line,
 * innermost first: "0x<pc> <where>", where is hs_src_format_where() of
 * the pc, or of pc - 1 (the call) for a return address.  With several T
 * (or "-": the Ts from stdin, one a line), each stack follows a line "T:",
 * and stacks are apart by an empty line. */
static int unwind_add_map(void *ctx, const struct hs_db_file_map *m)
{
	return hs_src_add_mapping(ctx, m->path, m->start, m->end, m->offset, m->prot);
}

static void unwind_quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;   /* missing debug info only makes the names poorer */
}

/* One stack at t, printed. */
static int unwind_one(struct hs_src *s, const struct query_opts *o,
		      const struct hs_db_image *img, uint64_t t, struct hs_db_regs *r)
{
	struct hs_tree_mem_at mc = { img, t };
	struct hs_src_target tg = { .regs = &r->regs, .read_mem = hs_tree_read_mem_at,
				    .ctx = &mc };
	uint64_t pcs[256];
	char where[1024];
	uint32_t slot;
	int n, err;

	if ((err = tid_slot(o, img, t, &slot)) || (err = hs_db_regs_at(img, t, slot, r)) < 0)
		return err;
	n = hs_src_unwind(s, &tg, pcs, sizeof(pcs) / sizeof(pcs[0]));
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct hs_src_loc loc;
		/* a return address is looked up at the call; the frame a
		 * signal interrupted (after __restore_rt) at its own pc, and
		 * so is __restore_rt (the byte before it is in no symbol) */
		bool exact = i == 0 ||
			(!hs_src_lookup(s, pcs[i - 1], &loc) && loc.function &&
			 !strcmp(loc.function, "__restore_rt")) ||
			hs_src_lookup(s, pcs[i] - 1, &loc) || !loc.function;

		hs_src_format_where(s, exact ? pcs[i] : pcs[i] - 1, where, sizeof(where));
		printf("0x%" PRIx64 " %s\n", pcs[i], where);
	}
	return ferror(stdout) ? -EIO : 0;
}

/* The next T of unwind: from the arguments, or stdin's lines with "-".
 * 1: one more in *t; 0: no more; -EINVAL. */
static int unwind_next_t(const struct query_opts *o, int *i, uint64_t *t)
{
	char line[64];
	size_t len;

	if (strcmp(o->args[0], "-")) {
		if (*i >= o->n_args)
			return 0;
		return arg_u64(o, (*i)++, "T", t) ?: 1;
	}
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	len = strcspn(line, "\n");
	line[len] = 0;
	(*i)++;
	if (parse_u64(line, t)) {
		fprintf(stderr, "hindsight query unwind: T '%s' (stdin line %d) is not a number\n",
			line, *i);
		return -EINVAL;
	}
	return 1;
}

static int cmd_unwind(const struct query_opts *o, const struct hs_db_image *img)
{
	struct hs_src_options opt = { .warn = unwind_quiet, .pack_dir = o->pack_dir };
	struct hs_db_regs *r = NULL;
	struct hs_src *s = NULL;
	bool many = o->n_args > 1 || (o->n_args == 1 && !strcmp(o->args[0], "-"));
	uint64_t t;
	int err, i = 0, k, got;

	if (o->n_args < 1)
		return arg_u64(o, 0, "T", &t);
	if (strcmp(o->args[0], "-"))
		for (k = 0; k < o->n_args; k++)
			if ((err = arg_u64(o, k, "T", &t)))
				return err;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = hs_src_new(&opt, &s);
	if (!err)
		err = hs_db_file_maps(img, unwind_add_map, s);
	if (!err)
		err = hs_src_finish(s);
	for (k = 0; !err && (got = unwind_next_t(o, &i, &t)) != 0; k++) {
		if (got < 0) {
			err = got;
			break;
		}
		if (many)
			printf("%s%" PRIu64 ":\n", k ? "\n" : "", t);
		err = unwind_one(s, o, img, t, r);
	}
	hs_src_free(s);
	free(r);
	return err;
}

static int print_callee(void *ctx, uint64_t callee, uint64_t calls)
{
	(void)ctx;
	printf("0x%" PRIx64 " %" PRIu64 "\n", callee, calls);
	return ferror(stdout) ? -EIO : 0;
}

static int cmd_callees(const struct query_opts *o, const struct hs_db_image *img, bool to)
{
	uint64_t addr;
	int err;

	if (!to)
		return want_args(o, 0) ?: hs_db_callees(img, print_callee, NULL);
	if ((err = arg_u64(o, 0, "ADDR", &addr)) || (err = want_args(o, 1)))
		return err;
	return hs_db_calls_to(img, addr, print_call, (void *)img);
}

static int print_fmap(void *ctx, const struct hs_db_file_map *m)
{
	(void)ctx;
	printf("%" PRIu64 " ", m->t_map);
	if (m->t_unmap == HS_DB_NO_RETURN)
		printf("-");
	else
		printf("%" PRIu64, m->t_unmap);
	printf(" 0x%" PRIx64 "-0x%" PRIx64 " 0x%" PRIx64 " %c%c%c %s\n", m->start, m->end,
	       m->offset, m->prot & PROT_READ ? 'r' : '-', m->prot & PROT_WRITE ? 'w' : '-',
	       m->prot & PROT_EXEC ? 'x' : '-', m->path);
	return ferror(stdout) ? -EIO : 0;
}

/* ctx: the image */
static int print_line_start(void *ctx, const struct hs_db_line_start *ls)
{
	printf("%" PRIu64 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 "\n", ls->t,
	       hs_db_thread_os_tid(ctx, ls->tid, ls->t), ls->file_id, ls->line, ls->depth);
	return ferror(stdout) ? -EIO : 0;
}

static int print_file(void *ctx, uint32_t id, const char *path)
{
	(void)ctx;
	printf("%" PRIu32 " %s\n", id, path);
	return ferror(stdout) ? -EIO : 0;
}

static int print_count(void *ctx, uint32_t line, uint64_t n)
{
	(void)ctx;
	printf("%" PRIu32 " %" PRIu64 "\n", line, n);
	return ferror(stdout) ? -EIO : 0;
}

struct file_find {
	const char *want;
	uint32_t id;
	int found;        /* 0 none, 1 suffix match, 2 exact */
	int ambiguous;
};

static int on_file_find(void *ctx, uint32_t id, const char *path)
{
	struct file_find *f = ctx;
	size_t lp = strlen(path), lw;

	if (!f->want) { /* by id */
		if (id == f->id) {
			f->found = 2;
			return 1;
		}
		return 0;
	}
	lw = strlen(f->want);
	if (!strcmp(path, f->want)) {
		f->id = id;
		f->found = 2;
		return 1;
	}
	if (lp > lw && path[lp - lw - 1] == '/' && !strcmp(path + lp - lw, f->want)) {
		f->ambiguous += f->found == 1;
		f->id = id;
		f->found = 1;
	}
	return 0;
}

static int cmd_lines(const struct query_opts *o, const struct hs_db_image *img)
{
	struct file_find f = { 0 };
	uint64_t id, line;
	int err;

	if (o->n_args == 0)
		return hs_db_line_files(img, print_file, NULL);
	if ((err = want_args(o, 2)))
		return err;
	if (parse_u64(o->args[0], &id) == 0 && id <= UINT32_MAX) {
		f.id = (uint32_t)id;
		err = hs_db_line_files(img, on_file_find, &f);
		if (err < 0)
			return err;
		if (!f.found) {
			fprintf(stderr, "hindsight query lines: no source file with id %s (hindsight "
				"query TRACE lines lists them)\n", o->args[0]);
			return -ENOENT;
		}
	} else {
		f.want = o->args[0];
		err = hs_db_line_files(img, on_file_find, &f);
		if (err < 0)
			return err;
		if (!f.found) {
			fprintf(stderr, "hindsight query lines: no line starts in a file named '%s'\n",
				f.want);
			return -ENOENT;
		}
		if (f.found == 1 && f.ambiguous) {
			fprintf(stderr, "hindsight query lines: '%s' names several files; give more of "
				"the path, or the id (hindsight query TRACE lines)\n", f.want);
			return -EINVAL;
		}
	}
	if (o->n_args == 1)
		return hs_db_line_numbers(img, f.id, print_count, NULL);
	if ((err = arg_u64(o, 1, "LINE", &line)))
		return err;
	return hs_db_line_times(img, f.id, (uint32_t)line, print_line_start, (void *)img);
}

static int cmd_step(const struct query_opts *o, const struct hs_db_image *img)
{
	static const char *const how[] = { "", "into", "over", "back-into", "back-over" };
	struct hs_src_options opt = { .warn = unwind_quiet, .pack_dir = o->pack_dir };
	struct hs_tree_step_ctx sc = { .img = img };
	struct hs_db_step_filter f = { .enter = hs_tree_step_enters, /* as the tree's */
				       .stops = hs_tree_step_stops };
	struct hs_src *s = NULL;
	uint64_t t, out;
	int err, k;

	if ((err = arg_u64(o, 0, "T", &t)))
		return err;
	if (o->n_args < 2) {
		fprintf(stderr, "hindsight query step: missing HOW (into, over, back-into, back-over)\n");
		return -EINVAL;
	}
	if ((err = want_args(o, 2)))
		return err;
	for (k = 1; k <= 4; k++)
		if (!strcmp(o->args[1], how[k]))
			break;
	if (k > 4) {
		fprintf(stderr, "hindsight query step: HOW '%s' is not into, over, back-into or "
			"back-over\n", o->args[1]);
		return -EINVAL;
	}
	if ((k == HS_DB_STEP_INTO || k == HS_DB_STEP_BACK_INTO) &&
	    hs_src_new(&opt, &s) == 0 && hs_db_file_maps(img, unwind_add_map, s) == 0 &&
	    hs_src_finish(s) == 0)
		f.ctx = &sc; /* without debug info: no call is leapt */
	sc.s = s;
	err = hs_db_step_line_filtered(img, t, (enum hs_db_step)k, f.ctx ? &f : NULL, &out);
	if (f.ctx && k == HS_DB_STEP_INTO)
		err = hs_tree_step_signal_after(img, t, err, &out);
	if (!err && f.ctx && k == HS_DB_STEP_BACK_INTO)
		err = hs_tree_step_back_row(&sc, t, &out);
	hs_src_free(s);
	if (err)
		return err;
	printf("%" PRIu64 "\n", out);
	return 0;
}

static int cmd_line_starts(const struct query_opts *o, const struct hs_db_image *img)
{
	uint64_t t0, t1;
	int err;

	if ((err = arg_u64(o, 0, "T0", &t0)) || (err = arg_u64(o, 1, "T1", &t1)) ||
	    (err = want_args(o, 2)))
		return err;
	if (o->tid) {
		/* the thread's slot, over its life only (another thread's after) */
		const struct hs_db_thread *th = hs_db_thread_find(img, o->tid);

		if (!th) {
			fprintf(stderr, "hindsight query: no thread %" PRIu32 "\n", o->tid);
			return -ESRCH;
		}
		t0 = t0 > th->t_create ? t0 : th->t_create;
		t1 = t1 < th->t_exit ? t1 : th->t_exit;
		if (t0 > t1)
			return 0;
		return hs_db_line_starts(img, t0, t1, th->slot, print_line_start, (void *)img);
	}
	return hs_db_line_starts(img, t0, t1, 0, print_line_start, (void *)img);
}

static int run(const struct query_opts *o, struct hs_db *db, const struct hs_db_image *img)
{
	const char *w = o->what;

	if (!strcmp(w, "bench"))
		return cmd_bench(o, db, img);

	if (!strcmp(w, "info"))
		return cmd_info(o, img);
	if (!strcmp(w, "regs"))
		return cmd_regs(o, img, false);
	if (!strcmp(w, "reg"))
		return cmd_regs(o, img, true);
	if (!strcmp(w, "mem"))
		return cmd_mem(o, img);
	if (!strcmp(w, "maps"))
		return cmd_maps(o, img);
	if (!strcmp(w, "thread"))
		return cmd_t(o, img, false);
	if (!strcmp(w, "insn"))
		return cmd_t(o, img, true);
	if (!strcmp(w, "last-write"))
		return cmd_last_write(o, img);
	if (!strcmp(w, "writes"))
		return cmd_writes(o, img);
	if (!strcmp(w, "events"))
		return cmd_range(o, img, true);
	if (!strcmp(w, "calls"))
		return cmd_range(o, img, false);
	if (!strcmp(w, "backtrace"))
		return cmd_backtrace(o, img);
	if (!strcmp(w, "unwind"))
		return cmd_unwind(o, img);
	if (!strcmp(w, "callees"))
		return cmd_callees(o, img, false);
	if (!strcmp(w, "calls-to"))
		return cmd_callees(o, img, true);
	if (!strcmp(w, "file-maps"))
		return want_args(o, 0) ?: hs_db_file_maps(img, print_fmap, NULL);
	if (!strcmp(w, "lines"))
		return cmd_lines(o, img);
	if (!strcmp(w, "line-starts"))
		return cmd_line_starts(o, img);
	if (!strcmp(w, "step"))
		return cmd_step(o, img);
	fprintf(stderr, "hindsight query: unknown question '%s'\n", w);
	usage(stderr);
	return -EINVAL;
}

static const char *reason(int err)
{
	switch (err) {
	case -ERANGE:
		return "t is past the end of the recording";
	case -EIO:
		return "not mapped at that t, or a read failed";
	case -ESRCH:
		return "no such thread at that t";
	case -ENOENT:
		return "no answer";
	case -EBADMSG:
		return "the database or the recording is damaged";
	default:
		return strerror(-err);
	}
}

int cli_query_main(int argc, char **argv)
{
	struct hs_db_options dopt = { 0 };
	const struct hs_db_image *img;
	struct query_opts o;
	struct hs_db *db;
	int err;

	err = parse_args(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : 2;
	dopt.cache_bytes = o.cache_bytes;
	err = hs_db_open(o.dir, &dopt, &db);
	if (err) {
		if (err != -ENOENT && err != -EPROTO && err != -EBADMSG)
			fprintf(stderr, "hindsight query: %s: %s\n", o.dir, strerror(-err));
		return 2;
	}
	o.pack_dir = hs_db_pack_dir(db);
	img = o.image ? hs_db_image_find(db, o.image) : hs_db_image_at(db, 0);
	if (!img) {
		fprintf(stderr, "hindsight query: %s: no process image %s\n", o.dir,
			o.image ? o.image : "at all");
		hs_db_close(db);
		return 2;
	}
	err = run(&o, db, img);
	if (fflush(stdout) != 0 && !err)
		err = -EIO;
	hs_db_close(db);
	if (err == -EINVAL)
		return 2;
	if (err && err != -EIO && err != -ENOENT) /* those said why already */
		fprintf(stderr, "hindsight query %s: %s\n", o.what, reason(err));
	else if (err == -EIO && strcmp(o.what, "mem") != 0)
		fprintf(stderr, "hindsight query %s: %s\n", o.what, reason(err));
	else if (err == -ENOENT && strcmp(o.what, "last-write") != 0 &&
		 strcmp(o.what, "lines") != 0) /* lines said why */
		fprintf(stderr, "hindsight query %s: %s\n", o.what, reason(err));
	return err ? 1 : 0;
}
