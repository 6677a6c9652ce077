/* cli_images.c - a cheap summary of each recorded process image.
 *
 * `record` and `info` need totals (instructions, threads, exit) without
 * decoding a whole recording: the stream's final EXIT record has them.  We
 * walk the chunk headers (seeking over payloads) and decompress only the
 * last chunk.
 */
#include "cli.h"
#include "hindsight/le.h"
#include "hindsight/trace.h"
#include "hindsight/trace_format.h"
#include "hindsight/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>


/* The EXEC record that ends raw, with its format-5 trailer: its last
 * HS_EXEC_TRAILER_SIZE bytes, after the path's NUL.  The record's start is
 * where a tag and a length that reaches exactly the end agree. */
static int exec_tail(const unsigned char *raw, uint32_t raw_size, struct cli_image *img)
{
	const unsigned char *end = raw + raw_size, *tr = end - HS_EXEC_TRAILER_SIZE;
	uint32_t back;

	if (raw_size < 8 + 4 + 1 + HS_EXEC_TRAILER_SIZE || hs_le32(tr + 16) != HS_EXEC_TRAILER_MAGIC)
		return 0;
	for (back = 8 + 4 + 1 + HS_EXEC_TRAILER_SIZE; back <= raw_size && back <= 8192; back++) {
		const unsigned char *r = end - back;

		if (hs_le32(r) == HS_EV_EXEC && hs_le32(r + 4) == back - 8 && tr[-1] == 0) {
			img->exec_ended = 1;
			img->threads = hs_le32(tr);
			img->faulted = hs_le32(tr + 4);
			img->instructions = hs_le64(tr + 8);
			return 1;
		}
	}
	return 0;
}

/* The EXIT record that ends raw: 24 bytes of payload before format 5,
 * HS_EXIT_V5_SIZE in format 5, HS_EXIT_V6_SIZE from format 6. */
static int exit_tail(const unsigned char *raw, uint32_t raw_size, struct cli_image *img)
{
	static const uint32_t sizes[] = { HS_EXIT_V6_SIZE, HS_EXIT_V5_SIZE, 24 };
	const unsigned char *r = NULL;

	for (size_t i = 0; !r && i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (raw_size >= 8 + sizes[i] &&
		    hs_le32(raw + raw_size - 8 - sizes[i]) == HS_EV_EXIT &&
		    hs_le32(raw + raw_size - 4 - sizes[i]) == sizes[i])
			r = raw + raw_size - 8 - sizes[i];
	if (!r)
		return 0;
	img->exit_kind = hs_le32(r + 8);
	img->exit_value = (int32_t)hs_le32(r + 12);
	img->instructions = hs_le64(r + 16);
	img->threads = hs_le32(r + 24);
	img->faulted = hs_le32(r + 28);
	if (hs_le32(r + 4) >= HS_EXIT_V5_SIZE) {
		img->sig_flags = hs_le32(r + 36);
		img->sig_code = (int32_t)hs_le32(r + 40);
		img->sig_value = hs_le64(r + 48);
	}
	if (hs_le32(r + 4) >= HS_EXIT_V6_SIZE) {
		memcpy(img->siginfo, r + 8 + HS_EXIT_V5_SIZE, HS_SIGINFO_SIZE);
		img->has_siginfo = 1;
	}
	return 1;
}

/* Look at the final record of the last chunk: an EXIT (the last chunk of
 * a complete stream) or an EXEC. */
static void read_tail(int fd, off_t off, const unsigned char *hdr,
		      struct cli_image *img)
{
	uint32_t raw_size = hs_le32(hdr + 24), comp_size = hs_le32(hdr + 28);
	unsigned char *comp = NULL, *raw = NULL;

	if (raw_size < 32 || raw_size > HS_CHUNK_MAX_RAW)
		return;
	comp = malloc(comp_size);
	raw = malloc(raw_size);
	if (!comp || !raw)
		goto out;
	if (hs_read_full(fd, comp, comp_size, off + HS_CHUNK_HEADER_SIZE) < 0)
		goto out;
	if (XXH64(comp, comp_size, 0) != hs_le64(hdr + 32))
		goto out;
	if (ZSTD_decompress(raw, raw_size, comp, comp_size) != raw_size)
		goto out;
	if (hs_le32(hdr + 4) & HS_CHUNK_LAST)
		img->complete = exit_tail(raw, raw_size, img);
	else
		exec_tail(raw, raw_size, img);
out:
	free(comp);
	free(raw);
}

static int scan_stream(const char *path, struct cli_image *img)
{
	unsigned char ch[HS_CHUNK_HEADER_SIZE], last[HS_CHUNK_HEADER_SIZE];
	struct hs_trace_file_header fh;
	struct hs_trace_err terr;
	off_t off, last_off = -1;
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	img->bytes += st.st_size;
	/* the header checks: magic, version, checksum, the Valgrind */
	err = hs_trace_read_file_header(path, HS_STREAM_MAGIC, &fh, &terr);
	if (err < 0)
		goto out;
	off = fh.header_size;
	img->pid = fh.pid;
	img->exec_index = fh.exec_index;
	img->forked = (fh.flags & HS_FILE_FORKED) != 0;
	while (hs_read_full(fd, ch, sizeof ch, off) == 0) {
		if (hs_le32(ch) != HS_CHUNK_MAGIC || XXH64(ch, 40, 0) != hs_le64(ch + 40))
			break;
		if (off + HS_CHUNK_HEADER_SIZE + (off_t)hs_le32(ch + 28) > st.st_size)
			break; /* payload cut short */
		memcpy(last, ch, sizeof ch);
		last_off = off;
		img->instructions = hs_le64(ch + 16);
		off += HS_CHUNK_HEADER_SIZE + hs_le32(ch + 28);
	}
	/* bytes after the last whole chunk: one cut short (or damaged) */
	img->truncated = off < st.st_size;
	if (last_off >= 0)
		read_tail(fd, last_off, last, img);
out:
	close(fd);
	return err;
}

/* The signal in an image's HS_IMAGE_KILLED file ("<signal> <reaper>"): 0
 * when there is none, or it names no signal. */
static int killed_by(const char *path)
{
	FILE *f = fopen(path, "re");
	int sig = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &sig) != 1 || sig <= 0 || sig > 64)
		sig = 0;
	fclose(f);
	return sig;
}

/* An image with no EXIT record (killed, cut short, still running) has
 * nothing that counts it: its last whole chunk, decoded, says t at its
 * end (its last recorded moment; the chunk header has only its start)
 * and its threads (those alive then: fewer where threads ended before
 * it; the database counts them all). */
static void last_chunk_counts(const char *dir, struct cli_image *img)
{
	struct hs_trace_err terr = { "" };
	struct hs_trace_chunk c = { .data = NULL };
	struct hs_trace_image *ti = NULL;
	struct hs_trace_decoder *d = NULL;
	size_t n;

	if (hs_trace_image_open(dir, &ti, &terr) < 0)
		return;
	n = hs_trace_file_chunk_count(ti->stream);
	if (n == 0 || hs_trace_decoder_new(ti->code, NULL, &d) < 0)
		goto out;
	hs_trace_decoder_set_check(d, false);
	if (hs_trace_decoder_chunks(d, ti->stream, n - 1, n, &c, &terr) == 0) {
		img->instructions = hs_trace_decoder_t(d);
		img->threads = hs_trace_decoder_stats(d)->threads;
	}
	hs_trace_chunk_release(&c);
out:
	hs_trace_decoder_free(d);
	hs_trace_image_close(ti);
}

static int by_name(const void *a, const void *b)
{
	const struct cli_image *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->exec_index < y->exec_index ? -1 : x->exec_index > y->exec_index;
}

/* v sorted by pid: the first process (the one image of exec 0 that did
 * not begin as a fork) and the pids after it first, then those that
 * wrapped around below it, as hs_trace_list_procs orders them. */
static void root_first(struct cli_image *v, int n)
{
	struct cli_image *tmp;
	unsigned root = 0;
	int roots = 0, k = 0;

	for (int i = 0; i < n; i++)
		if (v[i].exec_index == 0 && !v[i].forked && v[i].pid) {
			root = v[i].pid;
			roots++;
		}
	while (k < n && v[k].pid < root)
		k++;
	if (roots != 1 || k == 0 || k == n || !(tmp = malloc((size_t)k * sizeof *v)))
		return; /* out of memory: pid order, which is only less helpful */
	memcpy(tmp, v, (size_t)k * sizeof *v);
	memmove(v, v + k, (size_t)(n - k) * sizeof *v);
	memcpy(v + (n - k), tmp, (size_t)k * sizeof *v);
	free(tmp);
}

int cli_scan_images(const char *trace_dir, struct cli_image **out, int *n)
{
	char path[PATH_MAX];
	struct cli_image *v = NULL;
	struct dirent *de;
	int count = 0, cap = 0, err = 0;
	DIR *d;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof path, "%s/procs", trace_dir);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (count == cap) {
			struct cli_image *nv;
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof *v);
			if (!nv) {
				err = -ENOMEM;
				goto out;
			}
			v = nv;
		}
		memset(&v[count], 0, sizeof v[count]);
		snprintf(v[count].name, sizeof v[count].name, "%s", de->d_name);
		snprintf(path, sizeof path, "%s/procs/%s/code.hst", trace_dir, de->d_name);
		if (stat(path, &st) == 0)
			v[count].bytes += st.st_size;
		snprintf(path, sizeof path, "%s/procs/%s/stopped", trace_dir, de->d_name);
		v[count].stopped = access(path, F_OK) == 0;
		snprintf(path, sizeof path, "%s/procs/%s/" HS_IMAGE_KILLED, trace_dir, de->d_name);
		v[count].killed = killed_by(path);
		snprintf(path, sizeof path, "%s/procs/%s/stream.hst", trace_dir, de->d_name);
		scan_stream(path, &v[count]);
		if (!v[count].complete && !v[count].exec_ended) {
			snprintf(path, sizeof path, "%s/procs/%s", trace_dir, de->d_name);
			last_chunk_counts(path, &v[count]);
		}
		count++;
	}
	if (count)
		qsort(v, count, sizeof *v, by_name);
	root_first(v, count);
	*out = v;
	*n = count;
	v = NULL;
out:
	closedir(d);
	free(v);
	return err;
}

int cli_tool_dir(char *buf, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (len < 0)
		return -errno;
	exe[len] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = 0;
	if ((size_t)snprintf(buf, cap, "%s/../lib/hindsight/valgrind", exe) >= cap)
		return -ENAMETOOLONG;
	return 0;
}
