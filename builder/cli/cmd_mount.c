/* cmd_mount.c - `hindsight mount [-f] [-o OPTS] [--cache-mb N] TRACE_DIR MOUNTPOINT` */
#include "cli.h"
#include "hindsight/fusefs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_mount_main(int argc, char **argv)
{
	struct hs_fuse_options opt = { 0 };
	const char *trace = NULL, *mnt = NULL;
	struct stat st;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0) {
			opt.foreground = true;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			opt.fuse_opts = argv[++i];
		} else if (strcmp(argv[i], "--cache-mb") == 0 && i + 1 < argc) {
			char *end;
			long mb = strtol(argv[++i], &end, 10);
			if (*end || mb < 1 || mb > (1 << 20)) {
				fprintf(stderr, "hindsight mount: --cache-mb needs 1..1048576\n");
				return 2;
			}
			opt.cache_bytes = (size_t)mb << 20;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "hindsight mount: unknown option '%s'\n", argv[i]);
			trace = NULL;
			mnt = NULL;
			break;
		} else if (!trace) {
			trace = argv[i];
		} else if (!mnt) {
			mnt = argv[i];
		} else {
			mnt = NULL;
			break;
		}
	}
	if (!trace || !mnt) {
		fprintf(stderr, "usage: hindsight mount [-f] [-o OPTS] [--cache-mb N] TRACE_DIR MOUNTPOINT\n"
				"  unmount with: fusermount3 -u MOUNTPOINT (or Ctrl-C with -f)\n");
		return 2;
	}
	if (stat(mnt, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "hindsight mount: %s is not a folder\n", mnt);
		return 2;
	}
	return hs_fuse_serve(trace, mnt, &opt) < 0 ? 1 : 0;
}
