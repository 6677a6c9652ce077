/* cmd_tree.c - `hindsight cat` and `hindsight ls`: the tree without a mount.
 *
 * They read exactly what a FUSE mount shows (the same fs/tree library),
 * for scripts and for machines without /dev/fuse.
 */
#include "cli.h"
#include "hindsight/tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int open_tree(const char *cmd, const char *trace, struct hs_tree **tree)
{
	int err = hs_tree_open(trace, 0, tree);

	if (err == -ENOENT)
		fprintf(stderr, "hindsight %s: %s has no database; run hindsight build %s\n",
			cmd, trace, trace);
	else if (err < 0)
		fprintf(stderr, "hindsight %s: %s: %s\n", cmd, trace, strerror(-err));
	return err;
}

static int report(const char *cmd, const char *path, int err)
{
	fprintf(stderr, "hindsight %s: %s: %s\n", cmd, path, strerror(-err));
	return 1;
}

int cli_cat_main(int argc, char **argv)
{
	struct hs_tree *tree;
	struct hs_tree_node n;
	struct hs_tree_attr a;
	uint64_t off = 0;
	char *buf;
	int rc = 0, err;

	if (argc < 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: hindsight cat TRACE_DIR PATH...\n");
		return 2;
	}
	if (open_tree("cat", argv[1], &tree) < 0)
		return 2;
	buf = malloc(1 << 20);
	if (!buf) {
		hs_tree_close(tree);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		err = hs_tree_resolve(tree, argv[i], true, &n);
		if (!err)
			err = hs_tree_getattr(tree, &n, &a);
		if (!err && a.type == HS_TREE_DIR)
			err = -EISDIR;
		if (!err && n.kind && a.size_known && a.size > (1ull << 40))
			err = -EFBIG; /* mem: use xxd -s on a mount, or a range */
		if (err < 0) {
			rc = report("cat", argv[i], err);
			continue;
		}
		for (off = 0;;) {
			ssize_t got = hs_tree_read(tree, &n, buf, 1 << 20, off);
			if (got < 0) {
				rc = report("cat", argv[i], (int)got);
				break;
			}
			if (got == 0)
				break;
			fwrite(buf, 1, (size_t)got, stdout);
			off += (uint64_t)got;
		}
	}
	free(buf);
	hs_tree_close(tree);
	return rc;
}

static int print_entry(void *ctx, const char *name, const struct hs_tree_node *child)
{
	(void)ctx;
	(void)child;
	printf("%s\n", name);
	return 0;
}

int cli_ls_main(int argc, char **argv)
{
	struct hs_tree *tree;
	struct hs_tree_node n;
	struct hs_tree_attr a;
	const char *path;
	int err, rc = 0;

	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: hindsight ls TRACE_DIR [PATH]\n");
		return 2;
	}
	path = argc == 3 ? argv[2] : "/";
	if (open_tree("ls", argv[1], &tree) < 0)
		return 2;
	err = hs_tree_resolve(tree, path, true, &n);
	if (!err)
		err = hs_tree_getattr(tree, &n, &a);
	if (!err && a.type != HS_TREE_DIR) {
		printf("%s\n", path);
	} else if (!err) {
		err = hs_tree_readdir(tree, &n, print_entry, NULL);
	}
	if (err < 0)
		rc = report("ls", path, err);
	hs_tree_close(tree);
	return rc;
}
