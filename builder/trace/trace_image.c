/* trace_image.c - one process image: TRACE/procs/<pid>.<n>/{stream,code}.hst
 * opened together and decoded from the first chunk to the last, the next
 * chunk being read and decompressed in a second thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace_i.h"

int hs_trace_image_open(const char *dir, struct hs_trace_image **out,
			struct hs_trace_err *err)
{
	struct hs_trace_image *img;
	char *path = NULL;
	int ret;

	*out = NULL;
	img = calloc(1, sizeof(*img));
	if (!img || !(img->dir = strdup(dir))) {
		free(img);
		trace_err_set(err, "%s: out of memory", dir);
		return -ENOMEM;
	}
	if (asprintf(&path, "%s/code.hst", dir) < 0) {
		path = NULL;
		ret = -ENOMEM;
		trace_err_set(err, "%s: out of memory", dir);
		goto out;
	}
	ret = hs_trace_code_load(path, &img->code, err);
	if (ret < 0)
		goto out;
	free(path);
	if (asprintf(&path, "%s/stream.hst", dir) < 0) {
		path = NULL;
		ret = -ENOMEM;
		trace_err_set(err, "%s: out of memory", dir);
		goto out;
	}
	ret = hs_trace_file_open(path, HS_STREAM_MAGIC, &img->stream, err);
	if (ret < 0)
		goto out;
	*out = img;
	img = NULL;
out:
	free(path);
	hs_trace_image_close(img);
	return ret;
}

void hs_trace_image_close(struct hs_trace_image *img)
{
	if (!img)
		return;
	hs_trace_file_close(img->stream);
	hs_trace_code_free(img->code);
	free(img->dir);
	free(img);
}

/* Reads chunk i in a second thread while the caller decodes the one
 * before: decompression costs about as much as decoding, and a file is
 * safe to read from two threads (trace_file.c uses pread). */
struct prefetch {
	pthread_t thread;
	const struct hs_trace_file *f;
	size_t i;
	struct hs_trace_chunk *c;
	struct hs_trace_err err;
	int ret;
	bool running;
};

static void *prefetch_main(void *arg)
{
	struct prefetch *pf = arg;

	pf->ret = hs_trace_file_read_chunk(pf->f, pf->i, pf->c, &pf->err);
	return NULL;
}

static void prefetch_start(struct prefetch *pf, const struct hs_trace_file *f,
			   size_t i, struct hs_trace_chunk *c)
{
	pf->f = f;
	pf->i = i;
	pf->c = c;
	pf->err.msg[0] = '\0';
	pf->running = pthread_create(&pf->thread, NULL, prefetch_main, pf) == 0;
	if (!pf->running) /* no thread: read it now */
		prefetch_main(pf);
}

static int prefetch_wait(struct prefetch *pf, struct hs_trace_err *err)
{
	if (pf->running) {
		pthread_join(pf->thread, NULL);
		pf->running = false;
	}
	if (pf->ret && err)
		*err = pf->err;
	return pf->ret;
}

/* An image that ends with EXEC was replaced if the same pid has a next
 * image: dir is ".../<pid>.<n>", its successor ".../<pid>.<n+1>". */
static bool replaced_by_exec(const char *dir)
{
	char next[4096];
	const char *dot = strrchr(dir, '.');
	struct stat st;

	if (!dot || snprintf(next, sizeof(next), "%.*s.%lu", (int)(dot - dir), dir,
			     strtoul(dot + 1, NULL, 10) + 1) >= (int)sizeof(next))
		return false;
	return stat(next, &st) == 0 && S_ISDIR(st.st_mode);
}

int hs_trace_image_decode(struct hs_trace_image *img,
			  const struct hs_trace_visitor *visitor,
			  bool check, struct hs_trace_stats *stats,
			  bool *complete, struct hs_trace_err *err)
{
	struct hs_trace_chunk ch[2] = { { .data = NULL }, { .data = NULL } };
	struct prefetch pf = { .running = false };
	struct hs_trace_decoder *d = NULL;
	size_t n = hs_trace_file_chunk_count(img->stream);
	int ret;

	*complete = false;
	memset(stats, 0, sizeof(*stats));
	ret = hs_trace_decoder_new(img->code, visitor, &d);
	if (ret < 0) {
		trace_err_set(err, "%s: out of memory", img->dir);
		return ret;
	}
	hs_trace_decoder_set_check(d, check);
	if (n)
		prefetch_start(&pf, img->stream, 0, &ch[0]);
	for (size_t i = 0; i < n; i++) {
		ret = prefetch_wait(&pf, err);
		if (ret)
			goto out;
		if (i + 1 < n)
			prefetch_start(&pf, img->stream, i + 1, &ch[(i + 1) % 2]);
		ret = hs_trace_decoder_chunk(d, &ch[i % 2], err);
		if (ret)
			goto out;
	}
	*stats = *hs_trace_decoder_stats(d);
	*complete = !hs_trace_code_truncated(img->code) &&
		    ((hs_trace_file_has_last(img->stream) && stats->ends_with_exit) ||
		     (!hs_trace_file_truncated(img->stream) && stats->ends_with_exec &&
		      replaced_by_exec(img->dir)));
	ret = 0;
out:
	prefetch_wait(&pf, NULL);
	if (ret)
		*stats = *hs_trace_decoder_stats(d);
	hs_trace_chunk_release(&ch[0]);
	hs_trace_chunk_release(&ch[1]);
	hs_trace_decoder_free(d);
	return ret;
}
