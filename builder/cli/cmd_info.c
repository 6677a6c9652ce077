/* cmd_info.c - `hindsight info TRACE_DIR`: what a recording holds.
 *
 * The text is the tree's info file (fs/tree/tree_info.c), so the two can
 * never disagree.
 */
#include "cli.h"
#include "hindsight/tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_info_main(int argc, char **argv)
{
	char *text;
	size_t len;
	int err;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: hindsight info TRACE_DIR\n");
		return 2;
	}
	if (cli_meta_check("info", argv[1]) < 0)
		return 1;
	err = hs_tree_info_text(argv[1], &text, &len);
	if (err == -ENOENT) {
		fprintf(stderr, "hindsight info: %s: no such recording\n", argv[1]);
		return 2;
	}
	if (err == -EBADMSG) {
		fprintf(stderr, "hindsight info: %s: not a Hindsight recording (no valid meta.json)\n", argv[1]);
		return 2;
	}
	if (err < 0) {
		fprintf(stderr, "hindsight info: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}
