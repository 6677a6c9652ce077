/* chunk_probe.c - would a zero-suppressing pre-pass make the writers' zstd
 * cheaper?  A measurement for bench/RESULTS.md (issue 15), not part of
 * hindsight: nothing links it.
 *
 *   cc -O2 -o /tmp/chunk_probe bench/chunk_probe.c -lzstd
 *   (or cc -O2 -DPROBE_SEQS -o /tmp/chunk_probe bench/chunk_probe.c -l:libzstd.a)
 *   /tmp/chunk_probe TRACE/procs/PID.0/stream.hst [LEVEL] [REPS]
 *
 * It decompresses every chunk of a stream.hst (trace_format.h) into memory
 * and then, chunk by chunk as the writer processes do (one
 * ZSTD_compressCCtx per 128 KiB chunk, default level 1), compresses:
 *   zstd   the raw chunk, as the recorder does today;
 *   words  Cap'n Proto-style word packing, then zstd: per 8-byte word a tag
 *          byte with one bit per non-zero byte, then those bytes; tag 0x00
 *          is followed by a count of further all-zero words, tag 0xff by
 *          the 8 bytes, a count N and N words verbatim (taken while a word
 *          has at most one zero byte);
 *   zrle   every run of 1..256 zero bytes as 0x00 and (length - 1), other
 *          bytes as they are, then zstd (no alignment: a repeated record
 *          packs to the same bytes wherever it lies).
 * For each it prints the process CPU of the transform and of zstd (the
 * smallest over REPS runs), the output size, and the reader's side:
 * decompression plus the inverse transform, checked against the raw bytes.
 * Built with -DPROBE_SEQS and -l:libzstd.a (zstd's static-only API) it also
 * prints what zstd's level-1 parse of every 10th raw chunk looks like:
 * sequences per KiB and their match lengths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef PROBE_SEQS
#define ZSTD_STATIC_LINKING_ONLY
#endif
#include <zstd.h>

#define SLACK 4096 /* output room beyond the worst case of either pass */

struct chunk {
	uint8_t *raw;
	size_t len;
};

static uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* bit i set when byte i of w is not zero */
static unsigned word_tag(uint64_t w)
{
	uint64_t y = ((w & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | w;

	y = (y >> 7) & 0x0101010101010101ULL;
	return (unsigned)((y * 0x0102040810204080ULL) >> 56);
}

/* n a multiple of 8 here: chunks are padded with zeros */
static size_t words_pack(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t nw = n / 8, i = 0, s;
	uint8_t *o = out;
	unsigned t, c, b;

	while (i < nw) {
		uint64_t w = ld64(in + 8 * i++);
		*o++ = t = word_tag(w);
		if (t == 0) {
			for (c = 0; c < 255 && i < nw && ld64(in + 8 * i) == 0; c++)
				i++;
			*o++ = c;
		} else if (t == 0xff) {
			memcpy(o, &w, 8);
			o += 8;
			for (s = i, c = 0; c < 255 && i < nw; c++, i++)
				if (__builtin_popcount(word_tag(ld64(in + 8 * i))) < 7)
					break;
			*o++ = c;
			memcpy(o, in + 8 * s, 8 * c);
			o += 8 * c;
		} else {
			for (b = 0; b < 8; b++) {
				*o = (uint8_t)(w >> (8 * b));
				o += *o != 0;
			}
		}
	}
	return o - out;
}

/* the unpacked length, or -1 when the input is damaged */
static long words_unpack(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	const uint8_t *e = in + n;
	uint8_t *o = out, *oe = out + cap;
	size_t c;
	unsigned t, b, m;

	while (in < e) {
		t = *in++;
		if (oe - o < 8)
			return -1;
		if (t == 0) { /* 1 + count zero words */
			if (in == e || (size_t)(oe - o) < 8 + 8 * (c = *in))
				return -1;
			memset(o, 0, 8 + 8 * c);
			o += 8 + 8 * c;
			in++;
			continue;
		}
		if (t == 0xff) { /* the word, a count, count words verbatim */
			if (e - in < 9 || (size_t)(e - in) < 9 + 8 * (c = in[8]) ||
			    (size_t)(oe - o) < 8 + 8 * c)
				return -1;
			memcpy(o, in, 8);
			memcpy(o + 8, in + 9, 8 * c);
			o += 8 + 8 * c;
			in += 9 + 8 * c;
			continue;
		}
		if (e - in < __builtin_popcount(t))
			return -1;
		for (b = 0; b < 8; b++) {
			m = (t >> b) & 1;
			o[b] = m ? *in : 0;
			in += m;
		}
		o += 8;
	}
	return o - out;
}

static size_t zrle_pack(const uint8_t *in, size_t n, uint8_t *out)
{
	const uint8_t *e = in + n, *s;
	uint8_t *o = out;

	while (in < e) {
		if (*in) {
			*o++ = *in++;
			continue;
		}
		for (s = in; in < e && !*in && in - s < 256; in++)
			;
		*o++ = 0;
		*o++ = (uint8_t)(in - s - 1);
	}
	return o - out;
}

static long zrle_unpack(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	const uint8_t *e = in + n;
	uint8_t *o = out, *oe = out + cap;
	size_t c;

	while (in < e) {
		if (*in) {
			if (o == oe)
				return -1;
			*o++ = *in++;
			continue;
		}
		if (e - in < 2 || (size_t)(oe - o) < (c = (size_t)in[1] + 1))
			return -1;
		memset(o, 0, c);
		o += c;
		in += 2;
	}
	return o - out;
}

/* Reads every chunk of a stream.hst; the chunk count, or -1. */
static long load(const char *path, struct chunk **out, size_t *total)
{
	FILE *f = fopen(path, "rb");
	uint8_t h[48];
	size_t n = 0, cap = 0;
	struct chunk *ch = NULL;
	ZSTD_DCtx *d = ZSTD_createDCtx();
	uint8_t *comp = NULL;

	if (!f || fread(h, 1, 16, f) != 16 || fseek(f, ld32(h + 12), SEEK_SET))
		return -1;
	*total = 0;
	while (fread(h, 1, 48, f) == 48) {
		uint32_t rs = ld32(h + 24), cs = ld32(h + 28);
		if (n == cap)
			ch = realloc(ch, (cap = cap ? 2 * cap : 1024) * sizeof *ch);
		comp = realloc(comp, cs);
		ch[n].len = (rs + 7) & ~7u;
		ch[n].raw = calloc(1, ch[n].len + SLACK);
		if (fread(comp, 1, cs, f) != cs ||
		    ZSTD_decompressDCtx(d, ch[n].raw, rs, comp, cs) != rs)
			return -1;
		*total += rs;
		n++;
	}
	fclose(f);
	free(comp);
	ZSTD_freeDCtx(d);
	*out = ch;
	return (long)n;
}

typedef size_t (*pack_fn)(const uint8_t *, size_t, uint8_t *);
typedef long (*unpack_fn)(const uint8_t *, size_t, uint8_t *, size_t);

static void probe(const char *name, pack_fn pk, unpack_fn up, struct chunk *ch,
		  long n, size_t total, int level, int reps)
{
	size_t cap = 2 * ch[0].len + (1u << 20), bound = ZSTD_compressBound(cap);
	uint8_t *pb = malloc(cap), *cb = malloc(bound), *db = malloc(cap), *ub = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_DCtx *d = ZSTD_createDCtx();
	double best_p = 1e9, best_z = 1e9, t, tp, tz, td = 0, tu = 0;
	size_t packed = 0, out = 0, p, z, g;
	long i, u;
	int r;

	for (r = 0; r < reps; r++) {
		packed = out = 0;
		tp = tz = 0;
		for (i = 0; i < n; i++) {
			const uint8_t *src = ch[i].raw;
			p = ch[i].len;
			t = cpu_s();
			if (pk) {
				p = pk(ch[i].raw, ch[i].len, pb);
				src = pb;
			}
			tp += cpu_s() - t;
			t = cpu_s();
			out += ZSTD_compressCCtx(c, cb, bound, src, p, level);
			tz += cpu_s() - t;
			packed += p;
		}
		best_p = tp < best_p ? tp : best_p;
		best_z = tz < best_z ? tz : best_z;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *src = pk ? pb : ch[i].raw;
		p = pk ? pk(ch[i].raw, ch[i].len, pb) : ch[i].len;
		z = ZSTD_compressCCtx(c, cb, bound, src, p, level);
		t = cpu_s();
		g = ZSTD_decompressDCtx(d, db, cap, cb, z);
		td += cpu_s() - t;
		t = cpu_s();
		u = up ? up(db, g, ub, cap) : (long)g;
		tu += cpu_s() - t;
		if (u != (long)ch[i].len || memcmp(up ? ub : db, ch[i].raw, ch[i].len)) {
			fprintf(stderr, "%s: chunk %ld does not round-trip\n", name, i);
			exit(1);
		}
	}
	printf("%-6s transform %.3f s + zstd %.3f s = %.3f s CPU (%4.0f MB/s of raw); "
	       "zstd input %.3f of raw, output %zu bytes (%.3f of raw); "
	       "read: zstd -d %.3f s + inverse %.3f s (%4.0f MB/s of raw)\n",
	       name, pk ? best_p : 0, best_z, (pk ? best_p : 0) + best_z,
	       total / 1e6 / ((pk ? best_p : 0) + best_z), (double)packed / total,
	       out, (double)out / total, td, tu, total / 1e6 / (td + tu));
	ZSTD_freeCCtx(c);
	ZSTD_freeDCtx(d);
	free(pb);
	free(cb);
	free(db);
	free(ub);
}

#ifdef PROBE_SEQS
static void seq_stats(struct chunk *ch, long n, int level)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_Sequence *sq = malloc(ZSTD_sequenceBound(ch[0].len) * sizeof *sq);
	size_t ns = 0, lit = 0, ml = 0, bytes = 0, m, k, hist[4] = { 0 };
	long i;

	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
	for (i = 0; i < n; i += 10) {
		m = ZSTD_generateSequences(c, sq, ZSTD_sequenceBound(ch[0].len),
					   ch[i].raw, ch[i].len);
		for (k = 0; k < m && !ZSTD_isError(m); k++) {
			if (!sq[k].matchLength)
				continue;
			ns++;
			lit += sq[k].litLength;
			ml += sq[k].matchLength;
			hist[sq[k].matchLength < 8 ? 0 : sq[k].matchLength < 16 ? 1 :
			     sq[k].matchLength < 64 ? 2 : 3]++;
		}
		bytes += ch[i].len;
	}
	printf("zstd's parse: %.1f sequences per KiB of raw, %.1f literals and a "
	       "match of %.1f bytes on average; matches <8 bytes %.0f %%, 8-15 %.0f %%, "
	       "16-63 %.0f %%, >=64 %.0f %%\n", 1024.0 * ns / bytes, (double)lit / ns,
	       (double)ml / ns, 100.0 * hist[0] / ns, 100.0 * hist[1] / ns,
	       100.0 * hist[2] / ns, 100.0 * hist[3] / ns);
	free(sq);
	ZSTD_freeCCtx(c);
}
#endif

int main(int argc, char **argv)
{
	struct chunk *ch;
	size_t total, zeros = 0, j;
	int level = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1;
	int reps = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
	long n, i;

	if (argc < 2 || (n = load(argv[1], &ch, &total)) <= 0) {
		fprintf(stderr, "usage: chunk_probe STREAM.HST [LEVEL] [REPS]\n");
		return 2;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < ch[i].len; j++)
			zeros += ch[i].raw[j] == 0;
	printf("%ld chunks, %zu raw bytes, %.1f %% zero bytes; zstd level %d, best of %d\n",
	       n, total, 100.0 * zeros / total, level, reps);
#ifdef PROBE_SEQS
	seq_stats(ch, n, level);
#endif
	probe("zstd", NULL, NULL, ch, n, total, level, reps);
	probe("words", words_pack, words_unpack, ch, n, total, level, reps);
	probe("zrle", zrle_pack, zrle_unpack, ch, n, total, level, reps);
	return 0;
}
