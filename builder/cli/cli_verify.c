/* cli_verify.c - `hindsight verify`'s check of the recording against meta.json.
 *
 * The database's verifier (builder/db/dbb_verify.c) checks every chunk's
 * checksum and notes a raw file that ends inside a chunk: that is what a
 * killed recorder leaves, and not damage.  But `record` wrote meta.json
 * after the program ended, from the finished files: an image it called
 * complete (an EXIT record, or a next image after an execve) had both
 * files whole and meta.json holds their size.  Such an image whose file
 * now ends inside a chunk, or whose files no longer add up to that size,
 * was cut (or grown) after the recording: damage that verify reports.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hindsight/trace.h"
#include "hindsight/trace_format.h"

/* Is the file at path (of this magic) cut inside a chunk?  *size: its
 * size.  1 cut, 0 whole, -errno when it cannot be read. */
static int file_cut(const char *path, const char *magic, uint64_t *size, FILE *out)
{
	struct hs_trace_err terr = { "" };
	struct hs_trace_file *f = NULL;
	struct stat st;
	int ret;

	if (stat(path, &st) < 0) {
		fprintf(out, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	*size = (uint64_t)st.st_size;
	ret = hs_trace_file_open(path, magic, &f, &terr);
	if (ret) {
		fprintf(out, "%s: %s\n", path, terr.msg[0] ? terr.msg : strerror(-ret));
		return ret;
	}
	ret = hs_trace_file_truncated(f) ? 1 : 0;
	hs_trace_file_close(f);
	return ret;
}

/* One image that meta.json calls complete: 0 whole, 1 damaged.  cut_ok:
 * a killed image (meta.json's "killed"), whose files the kill may have
 * cut inside a chunk: that is a note, their size still checked. */
static int check_image(const char *trace, const char *name, int64_t bytes, bool cut_ok,
		       FILE *out)
{
	static const struct { const char *file, *magic; } files[] = {
		{ "stream.hst", HS_STREAM_MAGIC },
		{ "code.hst", HS_CODE_MAGIC },
	};
	char path[PATH_MAX];
	uint64_t total = 0;
	int bad = 0;

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		uint64_t size = 0;
		int cut;

		snprintf(path, sizeof path, "%s/procs/%s/%s", trace, name, files[i].file);
		cut = file_cut(path, files[i].magic, &size, out);
		if (cut < 0) {
			bad = 1;
			continue;
		}
		total += size;
		if (cut && cut_ok) {
			fprintf(out, "%s: note: ends inside a chunk (the process was killed "
				"while its recorder wrote it)\n", path);
		} else if (cut) {
			fprintf(out, "%s: cut short: it ends inside a chunk, but the recording of "
				"this process finished (meta.json says complete)\n", path);
			bad = 1;
		}
	}
	if (!bad && bytes >= 0 && total != (uint64_t)bytes) {
		fprintf(out, "%s/procs/%s: its files hold %" PRIu64 " bytes, the recording "
			"wrote %" PRId64 " (meta.json): %s after the recording\n", trace, name,
			total, bytes, total < (uint64_t)bytes ? "cut" : "grown");
		bad = 1;
	}
	return bad;
}

int cli_verify_recording(const char *trace, FILE *out)
{
	json_object *m = cli_read_meta(trace), *procs;
	int bad = 0;

	if (!m)
		return 0; /* no meta.json: the database's verifier says what is there */
	if (!json_object_object_get_ex(m, "processes", &procs) ||
	    !json_object_is_type(procs, json_type_array))
		procs = NULL;
	for (size_t i = 0; procs && i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i), *v;
		const char *name;
		int64_t bytes = -1;

		if (!json_object_object_get_ex(p, "complete", &v) || !json_object_get_boolean(v) ||
		    !json_object_object_get_ex(p, "image", &v))
			continue;
		name = json_object_get_string(v);
		if (!name || strchr(name, '/') || name[0] == '.')
			continue;
		if (json_object_object_get_ex(p, "bytes", &v))
			bytes = json_object_get_int64(v);
		bad |= check_image(trace, name, bytes,
				   json_object_get_boolean(json_object_object_get(p, "killed")), out);
	}
	json_object_put(m);
	return bad;
}
