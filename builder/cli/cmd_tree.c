/* cmd_tree.c - `hindsight cat` and `hindsight ls`: the tree without a mount.
 *
 *   hindsight cat [-s OFFSET] [-n LENGTH] [--sources DIR]... TRACE_DIR PATH...
 *   hindsight ls [-l] [--sources DIR]... TRACE_DIR [PATH]
 *
 * They read exactly what a FUSE mount shows (the same fs/tree library),
 * for scripts and for machines without /dev/fuse.  cat follows links, and
 * so does ls except with -l (as ls(1)).  cat's -s and -n (decimal or 0x
 * hex, anywhere on the line) read a range, which time/<t>/mem needs: it is
 * a 128 TiB sparse file, so cat refuses it whole.  ls -l prints
 * "<type> <size> <name>[ -> <target>]", type d, - or l, size "?" when it is
 * unknown (writes/).  --sources DIR (repeatable) says where source files
 * are when their DWARF path does not exist (sources/).
 *
 * Exit status: 0, 1 when a path could not be read (the reason on stderr,
 * as cat(1) says it), 2 bad usage or no database.
 */
#include "cli.h"
#include "hindsight/tree.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

/* --sources DIR, gathered from anywhere on the command line */
static const char **source_dirs;
static size_t n_source_dirs;

static int add_source_dir(const char *cmd, const char *dir)
{
	const char **p = realloc(source_dirs, (n_source_dirs + 1) * sizeof(*p));

	if (!p)
		return -1;
	p[n_source_dirs++] = dir;
	source_dirs = p;
	return 0;
}

static int open_tree(const char *cmd, const char *trace, struct hs_tree **tree)
{
	struct hs_tree_options opt = { .source_dirs = source_dirs, .n_source_dirs = n_source_dirs };
	int err;

	err = cli_meta_check(cmd, trace);
	if (err < 0)
		return err;
	err = hs_tree_open_opts(trace, &opt, tree);

	if (err == -ENOENT)
		fprintf(stderr, "hindsight %s: %s has no database (or is not a recording); "
			"run hindsight build %s\n", cmd, trace, trace);
	else if (err < 0)
		fprintf(stderr, "hindsight %s: %s: %s\n", cmd, trace, strerror(-err));
	return err;
}

static int report(const char *cmd, const char *path, int err)
{
	fprintf(stderr, "hindsight %s: %s: %s\n", cmd, path, strerror(-err));
	return 1;
}

static int parse_num(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	/* decimal or 0x hex: a leading 0 is no octal here */
	const char *digits = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;

	errno = 0;
	*v = strtoull(digits, &end, digits == s ? 10 : 16);
	return errno || *end || end == digits || !isxdigit((unsigned char)*digits) ? -1 : 0;
}

static int cat_usage(void)
{
	fprintf(stderr, "usage: hindsight cat [-s OFFSET] [-n LENGTH] [--sources DIR]... "
		"TRACE_DIR PATH...\n");
	return 2;
}

/* Copies [off, off + len) of n to stdout (len UINT64_MAX: to the end). */
static int cat_one(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t off,
		   uint64_t len, char *buf)
{
	while (len) {
		size_t want = len < CHUNK ? (size_t)len : CHUNK;
		ssize_t got = hs_tree_read(tree, n, buf, want, off);

		if (got < 0)
			return (int)got;
		if (got == 0)
			break;
		if (fwrite(buf, 1, (size_t)got, stdout) != (size_t)got)
			return -EIO;
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	return fflush(stdout) == 0 ? 0 : -EIO;
}

/* Options anywhere ("--" ends them); the rest into args. */
static int cat_args(int argc, char **argv, char **args, int *n_args, uint64_t *off,
		    uint64_t *len, bool *ranged)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (++i < argc)
				args[(*n_args)++] = argv[i];
			break;
		}
		if (argv[i][0] != '-' || !argv[i][1]) {
			args[(*n_args)++] = argv[i];
		} else if ((strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--offset") == 0) &&
			   i + 1 < argc) {
			if (parse_num(argv[++i], off) < 0)
				return -1;
			*ranged = true;
		} else if ((strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "--length") == 0) &&
			   i + 1 < argc) {
			if (parse_num(argv[++i], len) < 0)
				return -1;
			*ranged = true;
		} else if (strcmp(argv[i], "--sources") == 0 && i + 1 < argc) {
			if (add_source_dir("cat", argv[++i]) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	return *n_args < 2 ? -1 : 0;
}

int cli_cat_main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	uint64_t off = 0, len = UINT64_MAX;
	struct hs_tree *tree = NULL;
	struct hs_tree_node n;
	struct hs_tree_attr a;
	bool ranged = false;
	char *buf = NULL;
	int rc = 0, err, n_args = 0;

	if (!args)
		return 1;
	if (cat_args(argc, argv, args, &n_args, &off, &len, &ranged) < 0) {
		rc = cat_usage();
		goto out;
	}
	if (open_tree("cat", args[0], &tree) < 0) {
		rc = 2;
		goto out;
	}
	buf = malloc(CHUNK);
	if (!buf) {
		rc = 1;
		goto out;
	}
	for (int k = 1; k < n_args; k++) {
		err = hs_tree_resolve(tree, args[k], true, &n);
		if (!err)
			err = hs_tree_getattr(tree, &n, &a);
		if (!err && a.type == HS_TREE_DIR)
			err = -EISDIR;
		if (!err && !ranged && a.size_known && a.size > (1ull << 40)) {
			fprintf(stderr, "hindsight cat: %s is a sparse file of %" PRIu64
				" bytes: read a range with -s OFFSET -n LENGTH\n", args[k], a.size);
			rc = 1;
			continue;
		}
		if (!err)
			err = cat_one(tree, &n, off, len, buf);
		if (err < 0)
			rc = report("cat", args[k], err);
	}
out:
	free(buf);
	hs_tree_close(tree);
	free(args);
	return rc;
}

struct ls_ctx {
	struct hs_tree *tree;
	bool longer;
	int err;
};

static void print_long(struct hs_tree *tree, const char *name, const struct hs_tree_node *n)
{
	struct hs_tree_attr a;
	char target[64];
	int err = hs_tree_getattr(tree, n, &a);

	if (err < 0) {
		printf("? ? %s\n", name);
		return;
	}
	if (a.type == HS_TREE_DIR) {
		printf("d - %s\n", name);
	} else if (a.type == HS_TREE_LINK) {
		if (hs_tree_readlink(tree, n, target, sizeof(target)) < 0)
			snprintf(target, sizeof(target), "?");
		printf("l %" PRIu64 " %s -> %s\n", a.size, name, target);
	} else if (!a.size_known) {
		printf("- ? %s\n", name);
	} else {
		printf("- %" PRIu64 " %s\n", a.size, name);
	}
}

static int print_entry(void *vctx, const char *name, const struct hs_tree_node *child)
{
	struct ls_ctx *c = vctx;

	if (c->longer)
		print_long(c->tree, name, child);
	else
		printf("%s\n", name);
	return 0;
}

int cli_ls_main(int argc, char **argv)
{
	struct ls_ctx c = { 0 };
	struct hs_tree *tree;
	struct hs_tree_node n;
	const char *path = "/";
	int err, rc = 0, i = 1;

	for (;;) {
		if (i < argc && strcmp(argv[i], "-l") == 0) {
			c.longer = true;
			i++;
		} else if (i + 1 < argc && strcmp(argv[i], "--sources") == 0) {
			if (add_source_dir("ls", argv[i + 1]) < 0)
				return 1;
			i += 2;
		} else {
			break;
		}
	}
	if (argc - i < 1 || argc - i > 2 || argv[i][0] == '-') {
		fprintf(stderr, "usage: hindsight ls [-l] [--sources DIR]... TRACE_DIR [PATH]\n");
		return 2;
	}
	if (argc - i == 2)
		path = argv[i + 1];
	if (open_tree("ls", argv[i], &tree) < 0)
		return 2;
	c.tree = tree;
	/* as ls(1): a link to a folder is listed, except with -l */
	err = hs_tree_resolve(tree, path, !c.longer, &n);
	if (!err && hs_tree_type(&n) != HS_TREE_DIR) {
		err = hs_tree_resolve(tree, path, false, &n); /* the link itself */
		if (!err)
			print_entry(&c, path, &n);
	} else if (!err) {
		err = hs_tree_readdir(tree, &n, print_entry, &c);
	}
	if (err < 0)
		rc = report("ls", path, err);
	hs_tree_close(tree);
	return rc;
}
