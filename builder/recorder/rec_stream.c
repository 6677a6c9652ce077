/* rec_stream.c - buffers, chunks and files of one recorded process image.
 *
 * stream.hst receives the execution stream, code.hst the translations'
 * descriptions (see trace_format.h).  Records accumulate in one buffer, a
 * slot of the ring shared with the writer process (rec_ring.c); when a
 * chunk's worth is there (or at fork/exec/exit) the slot is handed over and
 * the writer compresses it into one zstd frame and writes it with its
 * checksummed header.  Code chunks are small and written here, before the
 * stream chunk that needs them is handed over.  Every chunk
 * is a sync point: delta state restarts from zero and a REGS dump of every
 * live thread opens the next chunk.
 *
 * Code records are kept in memory for the whole run (they are small and
 * proportional to the code executed, not to the trace length) so that a
 * fork child can start its own code.hst with every translation it inherits.
 */
#include "rec_internal.h"

#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_threadstate.h"
#include "valgrind.h"

#include <emmintrin.h>
#include <zstd.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

UChar *rec_buf_ptr;
UChar *rec_buf_start;
UChar *rec_col_ptr[REC_NCOL];
UChar *rec_col_start[REC_NCOL];
ULong rec_buf_fill;
ULong rec_icount;
SizeT rec_region_bytes;

struct rec_file {
	Int fd;
	ULong seq;
	const HChar *magic;
};

static struct rec_file stream_file = { -1, 0, HS_STREAM_MAGIC };
static struct rec_file code_file = { -1, 0, HS_CODE_MAGIC };
static UChar *comp_buf;
static SizeT comp_cap;
static UChar *cols_buf; /* a stream chunk's columns, one after the other */
static ZSTD_CCtx *cctx;
static ULong chunk_first_t;
static Bool broken; /* a write failed: stop writing, leave it incomplete */

static UChar *code_all;   /* every code record of this process image */
static SizeT code_len, code_cap, code_flushed;

/* Previous slot values for delta coding live in fixed blocks: translations
 * embed their addresses, so they never move. */
#define PREV_BLOCK (4u << 20)
struct prev_block {
	UChar *base;
	SizeT used;
};
static struct prev_block prev_blocks[4096];
static UInt n_prev_blocks;

/* What this image is, for the file headers. */
static UInt image_exec_index;
static UInt hdr_flags, hdr_parent_pid, hdr_parent_exec;
static ULong hdr_parent_t, hdr_start_ns;
static HChar image_dir[4096];

/* Thread CPU time spent in each phase of a flush, printed by --hs-verbose
 * for the breakdown in bench/RESULTS.md. */
static ULong cpu_compress, cpu_write, cpu_reset, raw_total, packed_total;

static ULong cpu_ns(void)
{
	struct vki_timespec ts;

	if (!rec_opts.verbose)
		return 0;
	VG_(clock_gettime)(&ts, VKI_CLOCK_THREAD_CPUTIME_ID);
	return (ULong)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void rec_stream_stats(void)
{
	VG_(umsg)("hindsight: raw %llu bytes, compressed %llu bytes; cpu ms: "
		  "compress %llu, write %llu, delta reset %llu, whole process %llu\n",
		  raw_total, packed_total, cpu_compress / 1000000, cpu_write / 1000000,
		  cpu_reset / 1000000, cpu_ns() / 1000000);
}

Bool rec_stream_broken(void)
{
	return broken || rec_ring_broken();
}

static void use_slot(UChar *slot)
{
	UInt k;

	for (k = 0; k < REC_NCOL; k++)
		rec_col_start[k] = rec_col_ptr[k] = slot + k * rec_region_bytes;
	rec_buf_start = rec_buf_ptr = slot;
	rec_buf_fill = 0;
}

static void write_all(Int fd, const UChar *p, SizeT n)
{
	while (n > 0 && !broken) {
		Int w = VG_(write)(fd, p, n > (1u << 30) ? (1u << 30) : (Int)n);
		if (w <= 0) {
			VG_(printf)("hindsight: writing the recording failed "
				  "(disk full?); it will be marked incomplete\n");
			broken = True;
			rec_stream_mark_stopped();
			return;
		}
		p += w;
		n -= w;
	}
}

static ULong now_ns(void)
{
	struct vki_timespec ts;
	SysRes r = VG_(do_syscall)(__NR_clock_gettime, VKI_CLOCK_REALTIME,
				   (UWord)&ts, 0, 0, 0, 0, 0, 0);
	if (sr_isError(r))
		return 0;
	return (ULong)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void write_file_header(struct rec_file *f)
{
	UChar h[HS_FILE_HEADER_SIZE];
	struct hs_trace_file_header fh = {
		.version = HS_TRACE_FORMAT_VERSION, .header_size = HS_FILE_HEADER_SIZE,
		.pid = VG_(getpid)(), .ppid = VG_(getppid)(),
		.exec_index = image_exec_index, .flags = hdr_flags,
		.start_ns = hdr_start_ns, .parent_pid = hdr_parent_pid,
		.parent_exec = hdr_parent_exec, .parent_t = hdr_parent_t,
		/* the Valgrind whose IR numbers and register layout the records hold */
		.vg_major = __VALGRIND_MAJOR__, .vg_minor = __VALGRIND_MINOR__,
	};

	VG_(memset)(h, 0, sizeof h);
	VG_(memcpy)(h, f->magic, 8);
	hs_le_pack(h, &fh, hs_trace_header_fields, HS_LE_NFIELDS(hs_trace_header_fields));
	hs_le_pack(h, &fh, hs_trace_header_v7_fields, HS_LE_NFIELDS(hs_trace_header_v7_fields));
	rec_put_u64(h + 64, XXH64(h, 64, 0));
	write_all(f->fd, h, sizeof h);
}

/* Compresses n raw bytes into out (cap bytes): the frame's size, 0 when
 * nothing is to be written. */
static SizeT pack_into(const UChar *raw, SizeT n, UChar *out, SizeT cap)
{
	SizeT c;
	ULong t0;

	if (broken || rec_opts.measure == REC_MEASURE_NOCOMPRESS)
		return 0;
	t0 = cpu_ns();
	c = ZSTD_compress2(cctx, out, cap, raw, n);
	cpu_compress += cpu_ns() - t0;
	raw_total += n;
	if (ZSTD_isError(c)) {
		VG_(printf)("hindsight: zstd: %s\n", ZSTD_getErrorName(c));
		broken = True;
		rec_stream_mark_stopped();
		return 0;
	}
	packed_total += c;
	return c;
}

/* Writes the c bytes at payload as the next chunk of f (a stream chunk
 * in columns). */
static void put_chunk(struct rec_file *f, const UChar *payload, SizeT n, SizeT c,
		      ULong first_t, Bool last)
{
	UChar h[HS_CHUNK_HEADER_SIZE];
	struct hs_trace_chunk_info ci;
	ULong t0;

	if (broken || f->fd < 0 || rec_opts.measure == REC_MEASURE_NOWRITE)
		return;
	t0 = cpu_ns();
	REC_ANALYZER_ASSUME(payload != NULL);
	ci = (struct hs_trace_chunk_info){
		.flags = (last ? HS_CHUNK_LAST : 0) | (f == &stream_file ? HS_CHUNK_COLUMNS : 0),
		.seq = f->seq++, .first_t = first_t,
		.raw_size = (UInt)n, .comp_size = (UInt)c,
		.payload_xxh = XXH64(payload, c, 0),
	};
	rec_put_u32(h + 0, HS_CHUNK_MAGIC);
	hs_le_pack(h, &ci, hs_trace_chunk_fields, HS_LE_NFIELDS(hs_trace_chunk_fields));
	rec_put_u64(h + 40, XXH64(h, 40, 0));
	write_all(f->fd, h, sizeof h);
	write_all(f->fd, payload, c);
	cpu_write += cpu_ns() - t0;
}

static void write_chunk(struct rec_file *f, const UChar *raw, SizeT n,
			ULong first_t, Bool last)
{
	/* comp_buf: allocated at start-up by VG_(malloc), which never
	 * returns NULL */
	SizeT c = pack_into(raw, n, comp_buf, comp_cap);

	if (c)
		put_chunk(f, comp_buf, n, c, first_t, last);
}

/* n slots of 4 bytes as 4 byte planes (trace_format.h, COLUMNS): byte 0
 * of every slot, then byte 1, ...  16 slots at a time in SSE2 registers
 * (three rounds of byte interleaving transpose them), the rest one by
 * one. */
static void to_planes4(const UChar *in, UChar *out, SizeT n)
{
	SizeT i;

	for (i = 0; i + 16 <= n; i += 16) {
		__m128i a0 = _mm_loadu_si128((const __m128i *)(in + 4 * i));
		__m128i a1 = _mm_loadu_si128((const __m128i *)(in + 4 * i + 16));
		__m128i a2 = _mm_loadu_si128((const __m128i *)(in + 4 * i + 32));
		__m128i a3 = _mm_loadu_si128((const __m128i *)(in + 4 * i + 48));
		__m128i b0 = _mm_unpacklo_epi8(a0, a1), b1 = _mm_unpackhi_epi8(a0, a1);
		__m128i b2 = _mm_unpacklo_epi8(a2, a3), b3 = _mm_unpackhi_epi8(a2, a3);
		__m128i c0 = _mm_unpacklo_epi8(b0, b1), c1 = _mm_unpackhi_epi8(b0, b1);
		__m128i c2 = _mm_unpacklo_epi8(b2, b3), c3 = _mm_unpackhi_epi8(b2, b3);
		__m128i d0 = _mm_unpacklo_epi8(c0, c1), d1 = _mm_unpackhi_epi8(c0, c1);
		__m128i d2 = _mm_unpacklo_epi8(c2, c3), d3 = _mm_unpackhi_epi8(c2, c3);

		_mm_storeu_si128((__m128i *)(out + i), _mm_unpacklo_epi64(d0, d2));
		_mm_storeu_si128((__m128i *)(out + n + i), _mm_unpackhi_epi64(d0, d2));
		_mm_storeu_si128((__m128i *)(out + 2 * n + i), _mm_unpacklo_epi64(d1, d3));
		_mm_storeu_si128((__m128i *)(out + 3 * n + i), _mm_unpackhi_epi64(d1, d3));
	}
	for (; i < n; i++) {
		UInt v = *(const UInt *)(in + 4 * i);
		out[i] = (UChar)v;
		out[n + i] = (UChar)(v >> 8);
		out[2 * n + i] = (UChar)(v >> 16);
		out[3 * n + i] = (UChar)(v >> 24);
	}
}

/* The room rec_stream_pack() needs at out: a stream chunk's frame at
 * most. */
SizeT rec_stream_pack_cap(void)
{
	return ZSTD_compressBound(HS_COLUMNS_HEADER + rec_region_bytes);
}

/* In a writer process: compress the columns of a ring slot (len[k] bytes
 * at region k) as one stream chunk of *raw_n bytes into out, in parallel
 * with other writers; then, in turn, write it as chunk number seq. */
SizeT rec_stream_pack(const UChar *slot, const UInt len[REC_NCOL], SizeT *raw_n,
		      UChar *out)
{
	static const UInt order[REC_NCOL] = { REC_COL_V1, REC_COL_V4, REC_COL_V8, REC_COL_CTL };
	UChar *o = cols_buf + HS_COLUMNS_HEADER;
	UInt i, k;

	rec_put_u32(cols_buf, len[REC_COL_V1]);
	rec_put_u32(cols_buf + 4, len[REC_COL_V4]);
	rec_put_u32(cols_buf + 8, len[REC_COL_V8]);
	for (i = 0; i < REC_NCOL; i++) {
		const UChar *src = slot + order[i] * rec_region_bytes;
		k = order[i];
		if (k == REC_COL_V4)
			to_planes4(src, o, len[k] / 4);
		else
			VG_(memcpy)(o, src, len[k]);
		o += len[k];
	}
	*raw_n = o - cols_buf;
	return pack_into(cols_buf, *raw_n, out, rec_stream_pack_cap());
}

void rec_stream_put_stream_chunk(ULong seq, const UChar *payload, SizeT n, SizeT c,
				 ULong first_t, Bool last)
{
	stream_file.seq = seq;
	if (c)
		put_chunk(&stream_file, payload, n, c, first_t, last);
}

/* Code chunks are cut at record boundaries; each is at most 32 MiB raw. */
static void flush_code(void)
{
	while (code_flushed < code_len) {
		SizeT n = 0;
		while (code_flushed + n < code_len) {
			UInt len = 8 + *(UInt *)(code_all + code_flushed + n + 4);
			if (n > 0 && n + len > (32u << 20))
				break;
			n += len;
		}
		write_chunk(&code_file, code_all + code_flushed, n, 0, False);
		code_flushed += n;
	}
}

void rec_code_append(const UChar *bytes, UInt len)
{
	if (code_len + len > code_cap) {
		code_cap = (code_cap ? code_cap * 2 : (1u << 20));
		while (code_cap < code_len + len)
			code_cap *= 2;
		code_all = VG_(realloc)("hs.code", code_all, code_cap);
	}
	VG_(memcpy)(code_all + code_len, bytes, len);
	code_len += len;
}

UChar *rec_prev_alloc(UInt len)
{
	struct prev_block *b;

	len = (len + 7) & ~7u;
	tl_assert(len <= PREV_BLOCK);
	b = n_prev_blocks ? &prev_blocks[n_prev_blocks - 1] : NULL;
	if (!b || b->used + len > PREV_BLOCK) {
		if (n_prev_blocks == sizeof prev_blocks / sizeof prev_blocks[0])
			VG_(tool_panic)("hindsight: too much code translated");
		b = &prev_blocks[n_prev_blocks++];
		b->base = VG_(calloc)("hs.prev", 1, PREV_BLOCK);
		b->used = 0;
	}
	b->used += len;
	return b->base + b->used - len;
}

void rec_prev_reset_all(void)
{
	UInt i;

	for (i = 0; i < n_prev_blocks; i++)
		VG_(memset)(prev_blocks[i].base, 0, prev_blocks[i].used);
}

/* Make sure an event of this size fits, cutting a chunk if needed.  An SB
 * that a fault interrupted is fixed up first, or the event would land on
 * top of its half-written record. */
static void reserve(SizeT n)
{
	if (*(UInt *)rec_buf_ptr != 0)
		rec_fixup_aborted_sb(rec_current_tid());
	if (rec_buf_fill + n > rec_opts.chunk_bytes + REC_MARGIN / 2)
		rec_stream_flush(False);
}

UChar *rec_event_begin(UInt tag, UInt payload_len)
{
	UChar *p;

	/* callers split large payloads: one record must fit after a flush */
	tl_assert(payload_len + 8 <= REC_MARGIN / 2);
	reserve(8 + payload_len);
	p = rec_buf_ptr;
	rec_put_u32(p, tag);
	rec_put_u32(p + 4, payload_len);
	rec_buf_ptr = p + 8 + payload_len;
	rec_buf_fill += 8 + payload_len;
	return p + 8;
}

/* Memory contents, split so that no record is larger than 256 KiB.  The
 * caller has checked that [a, a+len) is readable. */
void rec_event_mem(Addr a, SizeT len, UInt source)
{
	while (len > 0) {
		UInt n = len > (256u << 10) ? (256u << 10) : (UInt)len;
		UChar *p = rec_event_begin(HS_EV_MEM, 16 + n);
		rec_put_u64(p, a);
		rec_put_u32(p + 8, source);
		rec_put_u32(p + 12, 0);
		VG_(memcpy)(p + 16, (const void *)a, n);
		a += n;
		len -= n;
	}
}

void rec_emit_regs(ThreadId tid, UInt reason)
{
	UChar *p = rec_event_begin(HS_EV_REGS, 12 + HS_GUEST_STATE_SIZE);

	rec_put_u32(p, tid);
	rec_put_u32(p + 4, reason);
	rec_put_u32(p + 8, HS_GUEST_STATE_SIZE);
	VG_(get_shadow_regs_area)(tid, p + 12, 0, 0, HS_GUEST_STATE_SIZE);
}

/* A chunk starts with every live thread's registers, then says who runs. */
static void emit_sync(void)
{
	ThreadId tid, cur = rec_current_tid(), end = rec_thread_end();

	for (tid = 1; tid < end; tid++)
		if (rec_thread_alive(tid) && tid != cur)
			rec_emit_stopped_regs(tid, HS_REGS_SYNC);
	if (cur != VG_INVALID_THREADID && rec_thread_alive(cur)) {
		rec_emit_thread_run(cur);
		rec_emit_regs(cur, HS_REGS_SYNC);
	}
}

void rec_stream_flush(Bool last)
{
	SizeT used = rec_buf_fill;
	UInt len[REC_NCOL], k;
	ULong t0;

	/* code first: a reader never meets an sb_id it cannot resolve */
	flush_code();
	len[REC_COL_CTL] = (UInt)(rec_buf_ptr - rec_buf_start);
	for (k = REC_COL_V1; k < REC_NCOL; k++)
		len[k] = (UInt)(rec_col_ptr[k] - rec_col_start[k]);
	if (used > 0 || last)
		use_slot(rec_ring_hand_over(len, chunk_first_t, last));
	else
		VG_(memset)(rec_buf_start, 0, 8);
	rec_buf_ptr = rec_buf_start;
	if (last)
		rec_ring_drain();
	chunk_first_t = rec_icount;
	t0 = cpu_ns();
	rec_prev_reset_all();
	cpu_reset += cpu_ns() - t0;
	if (!last && used > 0)
		emit_sync();
}

static int open_image_dir(void)
{
	UInt n;
	SysRes r;

	for (n = 0; n < 100000; n++) {
		VG_(snprintf)(image_dir, sizeof image_dir, "%s/%d.%u",
			      rec_opts.out_dir, VG_(getpid)(), n);
		r = VG_(do_syscall)(__NR_mkdir, (UWord)image_dir, 0755,
				    0, 0, 0, 0, 0, 0);
		if (!sr_isError(r)) {
			image_exec_index = n;
			return 0;
		}
		if (sr_Err(r) != VKI_EEXIST)
			return -(int)sr_Err(r);
	}
	return -VKI_EEXIST;
}

void rec_stream_mark_stopped(void)
{
	HChar path[4200];
	SysRes r;

	/* an empty file takes no data block: it fits on a full disk */
	VG_(snprintf)(path, sizeof path, "%s/stopped", image_dir);
	r = VG_(open)(path, VKI_O_WRONLY | VKI_O_CREAT, 0644);
	if (!sr_isError(r))
		VG_(close)((Int)sr_Res(r));
}

static Int open_out(const HChar *name)
{
	HChar path[4200];
	SysRes r;

	VG_(snprintf)(path, sizeof path, "%s/%s", image_dir, name);
	r = VG_(open)(path, VKI_O_WRONLY | VKI_O_CREAT | VKI_O_EXCL, 0644);
	if (sr_isError(r))
		return -1;
	/* the client must not see (or close) our descriptors */
	return VG_(safe_fd)((Int)sr_Res(r));
}

/* The image's writing lock (HS_IMAGE_KILLED in trace_format.h): held on
 * stream.hst by this open file, which the writer processes share, until
 * the last of them has closed it.  Never unlocked: a fork child closes its
 * copy of the parent's, which leaves the lock to the parent. */
static void lock_stream(Int fd)
{
	VG_(do_syscall)(__NR_flock, fd, 2 /* LOCK_EX */ | 4 /* LOCK_NB */, 0, 0, 0, 0, 0, 0);
}

static int open_files(void)
{
	int err = open_image_dir();

	if (err < 0) {
		VG_(printf)("hindsight: cannot create a folder in %s (errno %d)\n",
			  rec_opts.out_dir, -err);
		return err;
	}
	/* code.hst whole before stream.hst exists: a recorder killed in
	 * between (a memory limit kills at birth, in these writes) leaves an
	 * image the reader knows as unborn by its stream.hst alone */
	stream_file.seq = 0;
	code_file.seq = 0;
	hdr_start_ns = now_ns();
	code_file.fd = open_out("code.hst");
	if (code_file.fd >= 0) {
		write_file_header(&code_file);
		stream_file.fd = open_out("stream.hst");
	}
	if (stream_file.fd < 0 || code_file.fd < 0) {
		VG_(printf)("hindsight: cannot create files in %s\n", image_dir);
		return -VKI_EIO;
	}
	write_file_header(&stream_file);
	lock_stream(stream_file.fd);
	return 0;
}

/* The folder of pid's last image, "<out>/<pid>.<n>" with the highest n:
 * 0, or -ENOENT when pid has none (not recorded, or killed at birth). */
static int last_image_dir(Int pid, HChar *dir, SizeT cap)
{
	struct vg_stat st;
	Int n, last = -1;

	for (n = 0; n < 100000; n++) {
		VG_(snprintf)(dir, cap, "%s/%d.%d", rec_opts.out_dir, pid, n);
		if (sr_isError(VG_(stat)(dir, &st)))
			break;
		last = n;
	}
	if (last < 0)
		return -VKI_ENOENT;
	VG_(snprintf)(dir, cap, "%s/%d.%d", rec_opts.out_dir, pid, last);
	return 0;
}

/* Waits (up to about 5 s) until no process may write the stream file at
 * path any more: its recorder is dead, and its writers have written what
 * they were given and ended.  False when they did not in time. */
static Bool wait_unlocked(const HChar *path)
{
	struct vki_timespec ts = { 0, 10 * 1000 * 1000 };
	SysRes r = VG_(open)(path, VKI_O_RDONLY, 0);
	Int fd, i;
	Bool unlocked = False;

	if (sr_isError(r))
		return False;
	fd = (Int)sr_Res(r);
	for (i = 0; i < 500 && !unlocked; i++) {
		r = VG_(do_syscall)(__NR_flock, fd, 1 /* LOCK_SH */ | 4 /* LOCK_NB */,
				    0, 0, 0, 0, 0, 0);
		unlocked = !sr_isError(r);
		if (!unlocked && sr_Err(r) != VKI_EWOULDBLOCK)
			break;
		if (!unlocked)
			VG_(do_syscall)(__NR_nanosleep, (UWord)&ts, 0, 0, 0, 0, 0, 0, 0);
	}
	VG_(close)(fd); /* and the shared lock with it */
	return unlocked;
}

void rec_stream_note_killed(Int pid, Int sig)
{
	HChar dir[4200], path[4300], line[32];
	SysRes r;

	if (pid <= 0 || last_image_dir(pid, dir, sizeof dir) < 0)
		return;
	VG_(snprintf)(path, sizeof path, "%s/stream.hst", dir);
	if (!wait_unlocked(path))
		return; /* still written: the image stays incomplete */
	VG_(snprintf)(path, sizeof path, "%s/" HS_IMAGE_KILLED, dir);
	r = VG_(open)(path, VKI_O_WRONLY | VKI_O_CREAT | VKI_O_EXCL, 0644);
	if (sr_isError(r))
		return; /* said already (waitid WNOWAIT, then wait4) */
	VG_(snprintf)(line, sizeof line, "%d %d\n", sig, VG_(getpid)());
	VG_(write)((Int)sr_Res(r), line, VG_(strlen)(line));
	VG_(close)((Int)sr_Res(r));
}

/* Before execve: no tool code runs after one that succeeds. */
void rec_stream_before_exec(void)
{
	rec_ring_drain();
}

int rec_stream_open(void)
{
	int err;

	rec_region_bytes = (rec_opts.chunk_bytes + REC_MARGIN + VKI_PAGE_SIZE - 1) &
			   ~(SizeT)(VKI_PAGE_SIZE - 1);
	err = rec_ring_init(REC_NCOL * rec_region_bytes);
	if (err < 0) {
		VG_(printf)("hindsight: cannot map the stream ring (errno %d)\n", -err);
		return err;
	}
	use_slot(rec_ring_first_slot());
	/* every column together holds at most one region's worth */
	cols_buf = VG_(malloc)("hs.cols", HS_COLUMNS_HEADER + rec_region_bytes);
	comp_cap = ZSTD_compressBound(HS_COLUMNS_HEADER + rec_region_bytes);
	if (comp_cap < ZSTD_compressBound(32u << 20))
		comp_cap = ZSTD_compressBound(32u << 20);
	comp_buf = VG_(malloc)("hs.comp", comp_cap);
	cctx = ZSTD_createCCtx();
	if (!cctx)
		VG_(tool_panic)("hindsight: cannot create a zstd context");
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, rec_opts.level);
	/* At the default level a hash table of 2^11 entries (level 1 takes
	 * 2^13-2^14 for a chunk) stays in the L1 cache: 13 % less zstd CPU on
	 * gzip's stream for 0.7 % more bytes (bench/RESULTS.md). */
	if (rec_opts.level == 1)
		ZSTD_CCtx_setParameter(cctx, ZSTD_c_hashLog, 11);
	return open_files();
}

void rec_stream_close(void)
{
	if (stream_file.fd >= 0)
		VG_(close)(stream_file.fd);
	if (code_file.fd >= 0)
		VG_(close)(code_file.fd);
	stream_file.fd = code_file.fd = -1;
}

/* Called in a fork child, whose buffer the pre-fork flush left empty.  The
 * child writes its own image folder; its memory at the start is the
 * parent's at parent_t, which the header names. */
void rec_stream_after_fork_child(void)
{
	UInt parent_exec = image_exec_index;

	/* first of all: the current slot is in the parent's ring */
	if (rec_ring_after_fork_child() < 0)
		VG_(tool_panic)("hindsight: cannot map a stream ring in a fork child");
	use_slot(rec_ring_first_slot());

	rec_stream_close();
	hdr_flags = HS_FILE_FORKED;
	hdr_parent_pid = VG_(getppid)();
	hdr_parent_exec = parent_exec;
	hdr_parent_t = rec_icount;
	broken = False;
	/* the child's own time starts at 0, at the parent's parent_t */
	rec_icount = 0;
	if (open_files() < 0) {
		broken = True;
		return;
	}
	code_flushed = 0;
	chunk_first_t = 0;
	rec_prev_reset_all();
}
