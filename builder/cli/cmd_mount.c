/* cmd_mount.c - `hindsight mount [-f] [-o OPTS] [--cache-mb N] [--max-inodes N]
 * [--sources DIR]... TRACE_DIR MOUNTPOINT` */
#include "cli.h"
#include "hindsight/fusefs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: hindsight mount [-f] [-o OPTS] [--cache-mb N] [--max-inodes N]\n"
		"                       [--sources DIR]... TRACE_DIR MOUNTPOINT\n"
		"  -f               stay in the foreground (Ctrl-C unmounts)\n"
		"  -o OPTS          more FUSE mount options (allow_other, ...)\n"
		"  --cache-mb N     cap of the query cache in MiB (default 256)\n"
		"  --max-inodes N   cap of remembered writes/ inodes (default 65536)\n"
		"  --sources DIR    where source files are when their DWARF path does not\n"
		"                   exist (repeatable; sources/ in the tree)\n"
		"  unmount with: fusermount3 -u MOUNTPOINT\n");
	return 2;
}

/* A number in [lo, hi], or -1. */
static long long number(const char *s, long long lo, long long hi)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return -1;
	return v;
}

/* Once mounted: confined as serve is (cli_confine.c).  As root the
 * unmount at exit is a umount2() call; another user's needs fusermount3,
 * a program, so exec stays allowed there. */
static int confine_mounted(void *arg)
{
	char said[256];
	int e = cli_confine(geteuid() != 0, said, sizeof said);

	fprintf(stderr, "hindsight mount: %s\n", said);
	return e;
}

/* In the daemon's serving child (hs_fuse_options.in_child): Landlock as
 * serve's, writing only under $TMPDIR (the tree's spill files), reading
 * only there, the recording, --sources, the system's folders and the
 * files the recording names; its line goes to the daemon's stderr (a
 * terminal with -f). */
struct mount_ll {
	char **read;       /* --sources, then the recording: absolute, owned */
	size_t n_read;
};

static int landlock_mounted(void *arg, struct hs_tree *tree)
{
	struct mount_ll *ll = arg;
	char said[256];
	int e = cli_landlock_reader(tree, NULL, 0, (const char *const *)ll->read, ll->n_read, said,
				    sizeof said);

	fprintf(stderr, "hindsight mount: %s\n", said);
	return e;
}

/* mountinfo writes a space, tab, newline or backslash in a path as \ooo */
static void mountinfo_unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* 1 when a Hindsight tree is mounted at the absolute path mnt already: a
 * second mount would stack on it (and hide it until both are unmounted). */
static int hindsight_mounted_at(const char *mnt)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return 0; /* no /proc: nothing to check against */
	while (!found && getline(&line, &cap, f) > 0) {
		char point[4096], type[256];
		const char *dash = strstr(line, " - ");

		/* id parent major:minor root MOUNT-POINT ... - FSTYPE ... */
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(dash + 3, "%255s", type) != 1)
			continue;
		mountinfo_unescape(point);
		found = strcmp(point, mnt) == 0 && strcmp(type, "fuse.hindsight") == 0;
	}
	free(line);
	fclose(f);
	return found;
}

int cli_mount_main(int argc, char **argv)
{
	struct hs_fuse_options opt = { 0 };
	struct mount_ll ll = { 0 };
	const char *trace = NULL, *mnt = NULL;
	char *mnt_abs = NULL;
	const char **dirs = NULL;
	struct stat st;
	long long v;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-f") == 0) {
			opt.foreground = true;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			opt.fuse_opts = argv[++i];
		} else if (strcmp(a, "--cache-mb") == 0 && i + 1 < argc) {
			if ((v = number(argv[++i], 1, 1 << 20)) < 0) {
				fprintf(stderr, "hindsight mount: --cache-mb needs 1..1048576\n");
				rc = 2;
				goto out;
			}
			opt.cache_bytes = (size_t)v << 20;
		} else if (strcmp(a, "--max-inodes") == 0 && i + 1 < argc) {
			if ((v = number(argv[++i], 16, 1ll << 32)) < 0) {
				fprintf(stderr, "hindsight mount: --max-inodes needs 16..4294967296\n");
				rc = 2;
				goto out;
			}
			opt.max_inodes = (size_t)v;
		} else if (strcmp(a, "--sources") == 0 && i + 1 < argc) {
			const char **p = realloc(dirs, (opt.n_source_dirs + 1) * sizeof(*p));
			if (!p) {
				rc = 1;
				goto out;
			}
			p[opt.n_source_dirs++] = argv[++i];
			dirs = p;
			opt.source_dirs = dirs;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage();
			rc = 0;
			goto out;
		} else if (a[0] == '-') {
			fprintf(stderr, "hindsight mount: unknown option '%s'\n", a);
			rc = usage();
			goto out;
		} else if (!trace) {
			trace = a;
		} else if (!mnt) {
			mnt = a;
		} else {
			rc = usage();
			goto out;
		}
	}
	if (!trace || !mnt) {
		rc = usage();
		goto out;
	}
	if (stat(mnt, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "hindsight mount: %s is not a folder\n", mnt);
		rc = 2;
		goto out;
	}
	if (cli_meta_check("mount", trace) < 0) {
		rc = 1;
		goto out;
	}
	opt.after_mount = confine_mounted;
	ll.read = calloc(opt.n_source_dirs + 1, sizeof(*ll.read));
	if (!ll.read) {
		rc = 1;
		goto out;
	}
	/* absolute: the daemon moves to / before the child confines itself
	 * (one that does not exist has nothing to read: left out) */
	for (size_t i = 0; i < opt.n_source_dirs; i++)
		if ((ll.read[ll.n_read] = realpath(dirs[i], NULL)))
			ll.n_read++;
	if ((ll.read[ll.n_read] = realpath(trace, NULL)))
		ll.n_read++;
	opt.in_child = landlock_mounted;
	opt.in_child_arg = &ll;
	/* the daemon moves to / (fuse_daemonize) and unmounts by this path */
	mnt_abs = realpath(mnt, NULL);
	if (!mnt_abs) {
		fprintf(stderr, "hindsight mount: %s: %s\n", mnt, strerror(errno));
		rc = 2;
		goto out;
	}
	if (hindsight_mounted_at(mnt_abs)) {
		fprintf(stderr, "hindsight mount: %s already holds a Hindsight tree "
			"(unmount it first: fusermount3 -u %s)\n", mnt, mnt);
		rc = 2;
		goto out;
	}
	rc = hs_fuse_serve(trace, mnt_abs, &opt) < 0 ? 1 : 0;
out:
	free(mnt_abs);
	for (size_t i = 0; i < ll.n_read; i++)
		free(ll.read[i]);
	free(ll.read);
	free(dirs);
	return rc;
}
