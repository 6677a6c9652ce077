/* fusefs.h - the FUSE daemon: serves a recording's tree read-only.
 *
 * Owner: fs/fuse (libhsfuse.a), on top of fs/tree.  User: `hindsight mount`.
 */
#ifndef HINDSIGHT_FUSEFS_H
#define HINDSIGHT_FUSEFS_H

#include <stdbool.h>
#include <stddef.h>

struct hs_fuse_options {
	bool foreground;        /* -f: stay in the foreground */
	const char *fuse_opts;  /* -o: extra mount options, comma-separated */
	size_t cache_bytes;     /* cap of the query cache; 0: default */
	int threads;            /* worker threads; 0: libfuse's default */
};

/* Mounts TRACE_DIR's tree on mountpoint and serves it until it is
 * unmounted (fusermount3 -u) or the daemon gets SIGINT/SIGTERM, which
 * unmount it.  Returns 0 then, or -errno if it could not mount (with a
 * message on stderr). */
int hs_fuse_serve(const char *trace_dir, const char *mountpoint,
		  const struct hs_fuse_options *opt);

#endif
