/* main.c - `hindsight`, the command line: git-style subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

struct subcommand {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
};

int cli_serve_main(int argc, char **argv); /* cmd_serve.c (belongs in cli.h) */

static const struct subcommand subcommands[] = {
	{ "record", cli_record_main, "record PROG [ARGS...] into a trace folder" },
	{ "info", cli_info_main, "print what a recording holds (key: value)" },
	{ "build", cli_build_main, "build the database of a recording (TRACE/db)" },
	{ "pack", cli_pack_main, "copy binaries, debug info and sources into a trace: it builds anywhere" },
	{ "verify", cli_verify_main, "re-check every checksum of a recording and its database" },
	{ "query", cli_query_main, "ask the database: regs, mem, maps, last-write, events ..." },
	{ "mount", cli_mount_main, "mount the tree of a recording with FUSE" },
	{ "cat", cli_cat_main, "print files of the tree without a mount" },
	{ "ls", cli_ls_main, "list a folder of the tree without a mount" },
	{ "serve", cli_serve_main, "serve the web UI and HTTP API of a recording" },
	{ "playground", cli_playground_main, "edit, run and record code in the browser (sandboxed)" },
	{ "bom", cli_bom_main, "print a CycloneDX 1.6 SBOM of what Hindsight ships and links" },
	{ "gdbserver", cli_gdbserver_main, "serve gdb's remote protocol: debug a recording forwards and backwards" },
	{ "trace-check", cli_trace_check_main, "decode a recording and check it replays exactly" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: hindsight COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		fprintf(f, "  %-12s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(f, "\nRun 'hindsight COMMAND --help' for a command's options.\n");
}

/* A database keeps a dozen files open per process image, and a recording
 * of a hundred processes passes the common soft limit of 1024: readers
 * take what the hard limit allows.  Not `record`, whose program must see
 * the limits it was given. */
static void raise_open_files(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hindsight 0.1.0\n");
		return 0;
	}
	for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			if (strcmp(argv[1], "record") != 0)
				raise_open_files();
			return subcommands[i].main(argc - 1, argv + 1);
		}
	fprintf(stderr, "hindsight: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
