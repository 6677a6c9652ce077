/* trace_image.c - one process image: TRACE/procs/<pid>.<n>/{stream,code}.hst
 * opened together and decoded from the first chunk to the last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int hs_trace_image_decode(struct hs_trace_image *img,
			  const struct hs_trace_visitor *visitor,
			  bool check, struct hs_trace_stats *stats,
			  bool *complete, struct hs_trace_err *err)
{
	struct hs_trace_chunk ch = { 0 };
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
	for (size_t i = 0; i < n; i++) {
		ret = hs_trace_file_read_chunk(img->stream, i, &ch, err);
		if (ret < 0)
			goto out;
		ret = hs_trace_decoder_chunk(d, &ch, err);
		if (ret)
			goto out;
	}
	*stats = *hs_trace_decoder_stats(d);
	*complete = hs_trace_file_has_last(img->stream) &&
		    !hs_trace_code_truncated(img->code) && stats->ends_with_exit;
	ret = 0;
out:
	if (ret)
		*stats = *hs_trace_decoder_stats(d);
	hs_trace_chunk_release(&ch);
	hs_trace_decoder_free(d);
	return ret;
}
