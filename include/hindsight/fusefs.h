/* fusefs.h - the FUSE daemon: serves a recording's tree read-only.
 *
 * Owner: fs/fuse (libhsfuse.a), on top of fs/tree.  User: `hindsight mount`.
 */
#ifndef HINDSIGHT_FUSEFS_H
#define HINDSIGHT_FUSEFS_H

#include <stdbool.h>
#include <stddef.h>

struct hs_tree; /* tree.h */

struct hs_fuse_options {
	bool foreground;        /* -f: stay in the foreground */
	const char *fuse_opts;  /* -o: extra mount options, comma-separated */
	size_t cache_bytes;     /* cap of the query cache; 0: its default */
	size_t max_inodes;      /* cap of the table of inodes that do not
				 * encode their node (writes/<range>); past
				 * it the kernel is asked to forget the
				 * oldest.  0: 65536 */
	int threads;            /* idle worker threads kept; 0: 10 */
	const char *const *source_dirs; /* --sources DIR, borrowed */
	size_t n_source_dirs;
	/* Called once mounted, before the daemon forks into the background
	 * and starts its threads: `hindsight mount` confines it there.  A
	 * non-zero return unmounts and fails.  NULL: nothing. */
	int (*after_mount)(void *arg);
	void *after_mount_arg;
	/* Non-NULL: the daemon serves from a child process, which calls this
	 * first (with the open tree: `hindsight mount` applies Landlock
	 * there); a non-zero return ends the child and unmounts.  The daemon
	 * itself stays outside, waits, passes SIGINT, SIGTERM, SIGHUP and
	 * SIGUSR1 on, and unmounts when the child ends, however it ends (a
	 * Landlock domain forbids the umount).  NULL: it serves itself. */
	int (*in_child)(void *arg, struct hs_tree *tree);
	void *in_child_arg;
};

/* Mounts TRACE_DIR's tree on mountpoint and serves it until it is
 * unmounted (fusermount3 -u) or the daemon gets SIGINT, SIGTERM or SIGHUP,
 * which unmount it.  Without foreground it returns in the parent once the
 * mount is up, and the child serves.  SIGUSR1 prints a line of statistics
 * on stderr.  Returns 0, or -errno if it could not mount (with a message
 * on stderr). */
int hs_fuse_serve(const char *trace_dir, const char *mountpoint,
		  const struct hs_fuse_options *opt);

#endif
