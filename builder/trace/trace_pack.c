/* trace_pack.c - where a packed recording keeps its files (hindsight pack).
 *
 * The layout (written by builder/cli/cmd_pack.c, read here and by
 * fs/source through hs_src_options.pack_dir):
 *   TRACE/pack/manifest.json          what was packed (json, see cmd_pack.c)
 *   TRACE/pack/objects/<xxh64>        each file once, named by its XXH64
 *   TRACE/pack/paths/<recorded path>  relative links to objects/: the
 *                                     mapped files and source files by the
 *                                     path the recording (or DWARF) names
 *   TRACE/pack/debug/.build-id/xx/rest.debug
 *                                     relative links: separate debug files
 *                                     and dwz files by build-id (libdwfl's
 *                                     debuginfo_path layout)
 * Every link is relative, so the trace may move.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hindsight/trace.h"

char *hs_trace_pack_dir(const char *trace_dir)
{
	char *p = NULL, *m = NULL;

	if (asprintf(&p, "%s/pack", trace_dir) < 0)
		return NULL;
	if (asprintf(&m, "%s/manifest.json", p) < 0 || access(m, F_OK) != 0) {
		free(p);
		p = NULL;
	}
	free(m);
	return p;
}
