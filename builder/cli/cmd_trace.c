/* cmd_trace.c - `hindsight trace-check`: decode a raw recording and check it.
 *
 *   hindsight trace-check [--stores] [--insns] [--output FD] [--quiet] TRACE_DIR
 *
 * Decodes every process image in TRACE_DIR/procs/ with the trace reader
 * (include/hindsight/trace.h), which checks every checksum and compares
 * its reconstructed registers with the recorder's SYNC/RESUME dumps.
 *
 * Summary (stdout by default), one block per image, then the totals:
 *
 *   image: 4242.0
 *     instructions: 118230
 *     ...
 *     mismatch: t=5120 tid=1 reg=rax expected=0x0000000000000001 got=0x0000000000000000
 *     complete: yes
 *   images: 1
 *   instructions: 118230
 *   sb-records: 20311
 *   regs-dumps-checked: 14
 *   regs-mismatches: 0
 *   stores: 15219
 *   syscalls: 13
 *   threads: 1
 *   complete: yes
 *
 * Per-image lines are indented, so `grep '^instructions:'` finds the total.
 * instructions: counts those that ran as Valgrind's lackey counts them:
 * the retired ones (t) and those that began and faulted (faulted:).
 *
 * Modes that put data on stdout (the summary then goes to stderr, or
 * nowhere with --quiet):
 *   --stores     every store by instrumented code, all images in order, in
 *                valgrind lackey's format: " S %08lx,%lu" (lackey writes a
 *                load+store of one address as " M"; compare those as " S")
 *   --insns      only the total instruction count of all images
 *   --output FD  the bytes the program wrote to FD (HS_EV_OUTPUT records).
 *                Only the first process, i.e. all exec images of the root
 *                pid in exec order: a forked child's writes interleave with
 *                its parent's in a way separate images cannot reproduce.
 *
 * Exit status: 0 decoded without mismatches (an incomplete recording says
 * "complete: no" and is not an error), 1 register mismatches, 2 bad input.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hindsight/trace.h"

#include "cli.h"

struct check_opts {
	bool stores;
	bool insns;
	bool quiet;
	int output_fd; /* -1: none */
	const char *dir;
};

/* Visitor context: what each callback writes where. */
struct check_ctx {
	FILE *out;
	int output_fd;
	bool output_here; /* this image belongs to the root process */
};

static void usage(FILE *f)
{
	fputs("usage: hindsight trace-check [--stores] [--insns] [--output FD] [--quiet] TRACE_DIR\n"
	      "  decodes and checks every process image of a raw recording\n"
	      "  --stores     print every store as lackey does: \" S <addr>,<size>\"\n"
	      "  --insns      print only the total instruction count (as lackey's)\n"
	      "  --output FD  write what the first process wrote to FD\n"
	      "  --quiet      no summary\n"
	      "exit status: 0 ok, 1 register mismatches, 2 bad input\n", f);
}

static int parse_fd(const char *s, int *fd)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1 << 20)
		return -EINVAL;
	*fd = (int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct check_opts *o)
{
	*o = (struct check_opts){ .output_fd = -1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--stores")) {
			o->stores = true;
		} else if (!strcmp(a, "--insns")) {
			o->insns = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = true;
		} else if (!strcmp(a, "--output") || !strncmp(a, "--output=", 9)) {
			const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v || parse_fd(v, &o->output_fd) < 0) {
				fprintf(stderr, "hindsight trace-check: --output needs a file descriptor number\n");
				return -EINVAL;
			}
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "hindsight trace-check: unknown option %s\n", a);
			usage(stderr);
			return -EINVAL;
		} else if (!o->dir) {
			o->dir = a;
		} else {
			fprintf(stderr, "hindsight trace-check: one TRACE_DIR only\n");
			return -EINVAL;
		}
	}
	if (!o->dir) {
		usage(stderr);
		return -EINVAL;
	}
	if (o->stores + o->insns + (o->output_fd >= 0) > 1) {
		fprintf(stderr, "hindsight trace-check: --stores, --insns and --output exclude each other\n");
		return -EINVAL;
	}
	return 0;
}

/* " S %08lx,%lu\n" without printf: stores can number in the billions. */
static int on_store(void *vctx, uint64_t t, uint32_t tid, uint64_t addr,
		    uint32_t size, const uint8_t *bytes)
{
	static const char hex[] = "0123456789abcdef";
	struct check_ctx *ctx = vctx;
	char buf[48], *p = buf + sizeof(buf);
	int digits = 0;

	*--p = '\n';
	do {
		*--p = (char)('0' + size % 10);
		size /= 10;
	} while (size);
	*--p = ',';
	do {
		*--p = hex[addr & 15];
		addr >>= 4;
		digits++;
	} while (addr || digits < 8);
	*--p = ' ';
	*--p = 'S';
	*--p = ' ';
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), ctx->out);
	return 0;
}

static int on_event(void *vctx, uint64_t t, uint32_t tid, uint32_t tag,
		    const uint8_t *payload, uint32_t len)
{
	struct check_ctx *ctx = vctx;

	if (tag != HS_EV_OUTPUT || !ctx->output_here || len < 8)
		return 0;
	if ((int64_t)hs_le32(payload + 4) != ctx->output_fd)
		return 0;
	fwrite(payload + 8, 1, len - 8, ctx->out);
	return 0;
}

/* The root process: the image that did not begin as a fork and has no
 * earlier start, falling back on the first listed. */
static uint32_t root_pid(const struct hs_trace_proc *procs, size_t n)
{
	uint32_t pid = n ? procs[0].pid : 0;
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		struct hs_trace_file_header h;
		char *path;
		int ret;

		if (procs[i].exec_index != 0 ||
		    asprintf(&path, "%s/stream.hst", procs[i].dir) < 0)
			continue;
		ret = hs_trace_read_file_header(path, HS_STREAM_MAGIC, &h, NULL);
		free(path);
		if (ret == 0 && !(h.flags & HS_FILE_FORKED) && h.start_ns < best) {
			best = h.start_ns;
			pid = procs[i].pid;
		}
	}
	return pid;
}

/* Why a decoded image is not complete, for a human. */
static const char *incomplete_why(const struct hs_trace_image *img)
{
	if (hs_trace_file_truncated(img->stream))
		return "stream.hst ends inside a chunk: was the recorder killed?";
	if (hs_trace_code_truncated(img->code))
		return "code.hst ends inside a chunk";
	if (!hs_trace_file_has_last(img->stream))
		return "no chunk is marked last";
	return "the stream does not end with an EXIT record";
}

static void print_hex(FILE *f, const uint8_t *le, uint32_t size)
{
	fputs("0x", f);
	for (uint32_t i = size; i-- > 0;)
		fprintf(f, "%02x", le[i]);
}

static void print_image(FILE *f, const struct hs_trace_proc *p,
			const struct hs_trace_stats *s, bool complete,
			const char *error)
{
	fprintf(f, "image: %s\n", p->name);
	fprintf(f, "  chunks: %" PRIu64 "\n", s->chunks);
	fprintf(f, "  instructions: %" PRIu64 "\n", s->instructions + s->faulted);
	fprintf(f, "  faulted: %" PRIu64 "\n", s->faulted);
	fprintf(f, "  sb-records: %" PRIu64 "\n", s->sb_records);
	fprintf(f, "  sb-aborts: %" PRIu64 "\n", s->sb_aborts);
	fprintf(f, "  events: %" PRIu64 "\n", s->events);
	fprintf(f, "  regs-dumps: %" PRIu64 "\n", s->regs_dumps);
	fprintf(f, "  regs-dumps-checked: %" PRIu64 "\n", s->regs_checked);
	fprintf(f, "  regs-mismatches: %" PRIu64 "\n", s->regs_mismatches);
	for (uint32_t i = 0; i < s->n_kept; i++) {
		const struct hs_trace_mismatch *m = &s->mismatch[i];

		fprintf(f, "  mismatch: t=%" PRIu64 " tid=%" PRIu32 " reg=%s expected=",
			m->t, m->tid, m->reg);
		print_hex(f, m->expected, m->size);
		fputs(" got=", f);
		print_hex(f, m->got, m->size);
		fputc('\n', f);
	}
	fprintf(f, "  stores: %" PRIu64 "\n", s->stores);
	fprintf(f, "  syscalls: %" PRIu64 "\n", s->syscalls);
	fprintf(f, "  threads: %" PRIu32 "\n", s->threads);
	if (s->saw_exit)
		fprintf(f, "  exit: %s %" PRId32 "\n",
			s->exit_kind == HS_EXIT_STATUS ? "status" :
			s->exit_kind == HS_EXIT_SIGNAL ? "signal" :
			s->exit_kind == HS_EXIT_EXEC ? "exec" : "unknown",
			s->exit_value);
	if (error)
		fprintf(f, "  error: %s\n", error);
	fprintf(f, "  complete: %s\n", complete ? "yes" : "no");
}

static void add_stats(struct hs_trace_stats *sum, const struct hs_trace_stats *s)
{
	sum->chunks += s->chunks;
	sum->instructions += s->instructions;
	sum->faulted += s->faulted;
	sum->sb_records += s->sb_records;
	sum->sb_aborts += s->sb_aborts;
	sum->events += s->events;
	sum->regs_dumps += s->regs_dumps;
	sum->regs_checked += s->regs_checked;
	sum->regs_mismatches += s->regs_mismatches;
	sum->stores += s->stores;
	sum->syscalls += s->syscalls;
	sum->threads += s->threads;
}

int cli_trace_check_main(int argc, char **argv)
{
	struct hs_trace_proc *procs = NULL;
	struct hs_trace_stats total = { 0 };
	struct check_opts o;
	struct hs_trace_err err = { "" };
	struct check_ctx ctx;
	struct hs_trace_visitor v = { .ctx = &ctx };
	bool all_complete = true, bad = false, data_mode;
	FILE *summary;
	uint32_t root = 0;
	size_t n = 0;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	data_mode = o.stores || o.insns || o.output_fd >= 0;
	summary = o.quiet ? NULL : data_mode ? stderr : stdout;
	ctx = (struct check_ctx){ .out = stdout, .output_fd = o.output_fd };
	if (data_mode) /* stores can run to gigabytes */
		setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	if (o.stores)
		v.store = on_store;
	if (o.output_fd >= 0)
		v.event = on_event;

	ret = hs_trace_list_procs(o.dir, &procs, &n, &err);
	if (ret < 0) {
		fprintf(stderr, "hindsight trace-check: %s\n", err.msg);
		return 2;
	}
	if (n == 0) {
		fprintf(stderr, "hindsight trace-check: %s/procs: no process image\n", o.dir);
		hs_trace_procs_free(procs, n);
		return 2;
	}
	if (o.output_fd >= 0)
		root = root_pid(procs, n);

	for (size_t i = 0; i < n; i++) {
		struct hs_trace_image *img = NULL;
		struct hs_trace_stats s = { 0 };
		bool complete = false;

		err.msg[0] = '\0';
		ctx.output_here = procs[i].pid == root;
		ret = hs_trace_image_open(procs[i].dir, &img, &err);
		if (ret == 0)
			ret = hs_trace_image_decode(img, &v, true, &s, &complete, &err);
		if (ret) {
			bad = true;
			fprintf(stderr, "hindsight trace-check: %s\n",
				err.msg[0] ? err.msg : strerror(ret < 0 ? -ret : EIO));
		} else if (!complete) {
			fprintf(stderr, "hindsight trace-check: %s: incomplete recording (%s)\n",
				procs[i].dir, incomplete_why(img));
		}
		hs_trace_image_close(img);
		if (summary)
			print_image(summary, &procs[i], &s, complete,
				    ret ? (err.msg[0] ? err.msg : "decode failed") : NULL);
		add_stats(&total, &s);
		all_complete = all_complete && complete;
	}

	/* executed as lackey counts them: a faulting instruction began */
	if (o.insns)
		printf("%" PRIu64 "\n", total.instructions + total.faulted);
	if (summary) {
		fprintf(summary, "images: %zu\n", n);
		fprintf(summary, "instructions: %" PRIu64 "\n", total.instructions + total.faulted);
		fprintf(summary, "faulted: %" PRIu64 "\n", total.faulted);
		fprintf(summary, "sb-records: %" PRIu64 "\n", total.sb_records);
		fprintf(summary, "regs-dumps-checked: %" PRIu64 "\n", total.regs_checked);
		fprintf(summary, "regs-mismatches: %" PRIu64 "\n", total.regs_mismatches);
		fprintf(summary, "stores: %" PRIu64 "\n", total.stores);
		fprintf(summary, "syscalls: %" PRIu64 "\n", total.syscalls);
		fprintf(summary, "threads: %" PRIu64 "\n", (uint64_t)total.threads);
		fprintf(summary, "complete: %s\n", all_complete ? "yes" : "no");
	}
	hs_trace_procs_free(procs, n);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "hindsight trace-check: stdout: %s\n", strerror(errno));
		return 2;
	}
	if (bad)
		return 2;
	return total.regs_mismatches ? 1 : 0;
}
