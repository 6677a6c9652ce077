/* cmd_build.c - `hindsight build` and `hindsight verify`: the database builder's CLI. */
#include "cli.h"

#include <errno.h>
#include <json-c/json.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hindsight/dbbuild.h"

static void build_usage(FILE *f)
{
	fprintf(f,
		"usage: hindsight build [--shards N] [--compression-level L] [--threads T] [--memory MB]\n"
		"                       [--shard I/N | --merge] TRACE_DIR\n"
		"       hindsight build --slurm [--partition P] [--shards N] [--threads T] TRACE_DIR\n"
		"\n"
		"Builds TRACE_DIR/db, the database that queries, the tree and the server read.\n"
		"  --shards N               split each process image into N time ranges, built in\n"
		"                           parallel (default: the number of online CPUs)\n"
		"  --compression-level L    zstd level of the database files, 1..22 (default 3)\n"
		"  --shard I/N              build only shard I (0-based) of N, into\n"
		"                           TRACE_DIR/.db.shards/IofN/ (one job of a distributed build)\n"
		"  --merge                  join TRACE_DIR/.db.shards/*ofN into TRACE_DIR/db; the result\n"
		"                           is identical to `build --shards N`\n"
		"  --threads T              worker threads (default: one per shard; the merge: one\n"
		"                           per CPU; 1: the merge without threads, same bytes)\n"
		"  --memory MB              hold the build to MB MiB: a memory cgroup when one can be\n"
		"                           made (root), else RLIMIT_AS per process\n"
		"  --slurm                  run the N shards as a Slurm job array (sbatch) and the\n"
		"                           merge as a job that waits for it, and wait for both,\n"
		"                           printing progress (default N: 16).  TRACE_DIR and this\n"
		"                           hindsight executable must be on a file system that the\n"
		"                           cluster's nodes share, at the same paths.  --threads:\n"
		"                           the merge job's.  The job scripts: share/hindsight/slurm\n"
		"                           or scripts/slurm beside it, or $HINDSIGHT_SLURM_DIR\n"
		"  --partition P            the Slurm partition (default: the cluster's default)\n");
}

/* A whole decimal number in [lo, hi]. */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Is the option word a (nl bytes, before any '=') the option name? */
static bool is_opt(const char *a, size_t nl, const char *name)
{
	return nl == strlen(name) && strncmp(a, name, nl) == 0;
}

/* The value of option a: after its '=' (val), or the next argument. */
static const char *opt_value(int argc, char **argv, int *i, const char *val,
			     const char *a, size_t nl)
{
	if (!val && *i + 1 < argc)
		val = argv[++*i];
	if (!val)
		fprintf(stderr, "hindsight build: %.*s needs a value\n", (int)nl, a);
	return val;
}

/* The builder needs no network: take it away when the kernel allows. */
static void confine(void)
{
	if (unshare(CLONE_NEWNET) == 0)
		fprintf(stderr, "builder: network confined (new network namespace)\n");
	else
		fprintf(stderr, "builder: network not confined: unshare(CLONE_NEWNET): %s%s\n",
			strerror(errno), errno == EPERM ? " (needs root or user namespaces)" : "");
}

static void print_size(uint64_t b)
{
	if (b >= (1ull << 30))
		printf("%" PRIu64 " bytes (%.2f GiB)", b, (double)b / (1ull << 30));
	else
		printf("%" PRIu64 " bytes (%.1f MiB)", b, (double)b / (1ull << 20));
}

/* A database of an image still recording (a background child that
 * outlived the program) is out of date once that image ends: say so. */
static void say_running(const char *trace)
{
	json_object *meta = cli_read_meta(trace);

	if (meta)
		cli_meta_say_running("build", meta, "the database holds what it did so far: "
				     "run hindsight build again once it ends");
	json_object_put(meta);
}

/* What a finished build prints to stdout (a Slurm merge job's log too). */
static void build_print_summary(const char *trace, const struct hs_dbb_opts *o,
				const struct hs_dbb_summary *sum)
{
	if (o->shard_index >= 0)
		printf("built: shard %d of %u in %s/.db.shards/%dof%u\n", o->shard_index, sum->shards,
		       trace, o->shard_index, sum->shards);
	else
		printf("built: %s/db%s\n", trace, sum->incomplete ? " (incomplete recording)" : "");
	printf("instructions: %" PRIu64 "\n", sum->instructions);
	printf("images: %u\n", sum->images);
	printf("shards: %u\n", sum->shards);
	printf("database: ");
	print_size(sum->db_bytes);
	printf("\nrecording: ");
	print_size(sum->raw_bytes);
	printf("\n");
	if (sum->instructions)
		printf("bytes-per-instruction: %.3f (database), %.3f (database + recording)\n",
		       (double)sum->db_bytes / (double)sum->instructions,
		       (double)(sum->db_bytes + sum->raw_bytes) / (double)sum->instructions);
	printf("elapsed: %.2f s\n", sum->seconds);
	if (sum->seconds > 0)
		printf("speed: %.1f M instructions/s\n", (double)sum->instructions / sum->seconds / 1e6);
}

int cli_build_main(int argc, char **argv)
{
	struct hs_dbb_opts o = { .level = 3, .shard_index = -1 };
	struct hs_dbb_summary sum;
	struct hs_dbb_err err = { "" };
	const char *trace = NULL;
	unsigned long v;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bool shards_given = false, slurm = false;
	const char *partition = NULL;
	uint64_t mem_mb = 0;
	int ret, held;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		size_t nl = 0;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			build_usage(stdout);
			return 0;
		}
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a, '=');

			nl = eq ? (size_t)(eq - a) : strlen(a);
			val = eq ? eq + 1 : NULL;
		}
		if (is_opt(a, nl, "--shards")) {
			if (!(val = opt_value(argc, argv, &i, val, a, nl)))
				return 2;
			if (parse_uint(val, 1, 4096, &v)) {
				fprintf(stderr, "hindsight build: --shards %s: expected a number 1..4096\n", val);
				return 2;
			}
			o.shards = (unsigned)v;
			shards_given = true;
		} else if (is_opt(a, nl, "--compression-level")) {
			if (!(val = opt_value(argc, argv, &i, val, a, nl)))
				return 2;
			if (parse_uint(val, 1, 22, &v)) {
				fprintf(stderr, "hindsight build: --compression-level %s: expected a "
					"zstd level 1..22\n", val);
				return 2;
			}
			o.level = (int)v;
		} else if (is_opt(a, nl, "--threads")) {
			if (!(val = opt_value(argc, argv, &i, val, a, nl)))
				return 2;
			if (parse_uint(val, 1, 4096, &v)) {
				fprintf(stderr, "hindsight build: --threads %s: expected a number 1..4096\n", val);
				return 2;
			}
			o.threads = (unsigned)v;
		} else if (is_opt(a, nl, "--memory")) {
			if (!(val = opt_value(argc, argv, &i, val, a, nl)) ||
			    cli_parse_memory("build", val, &mem_mb))
				return 2;
		} else if (is_opt(a, nl, "--shard")) {
			unsigned si, sn;
			char tail;

			if (!(val = opt_value(argc, argv, &i, val, a, nl)))
				return 2;
			if (sscanf(val, "%u/%u%c", &si, &sn, &tail) != 2 || sn == 0 || sn > 4096 ||
			    si >= sn || strchr(val, '-')) {
				fprintf(stderr, "hindsight build: --shard %s: expected I/N with 0 <= I < N "
					"(0-based)\n", val);
				return 2;
			}
			if (shards_given && o.shards != sn) {
				fprintf(stderr, "hindsight build: --shard %s contradicts --shards %u\n",
					val, o.shards);
				return 2;
			}
			o.shard_index = (int)si;
			o.shards = sn;
			shards_given = true;
		} else if (is_opt(a, nl, "--merge") && !val) {
			o.merge = true;
		} else if (is_opt(a, nl, "--slurm") && !val) {
			slurm = true;
		} else if (is_opt(a, nl, "--partition")) {
			if (!(partition = opt_value(argc, argv, &i, val, a, nl)))
				return 2;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "hindsight build: unknown option '%s'\n", a);
			build_usage(stderr);
			return 2;
		} else if (!trace) {
			trace = a;
		} else {
			fprintf(stderr, "hindsight build: one TRACE_DIR only ('%s' and '%s')\n", trace, a);
			return 2;
		}
	}
	if (!trace) {
		build_usage(stderr);
		return 2;
	}
	if (cli_meta_check("build", trace) < 0)
		return 1;
	if (o.merge && o.shard_index >= 0) {
		fprintf(stderr, "hindsight build: --shard and --merge do not go together\n");
		return 2;
	}
	if ((slurm || partition) && (o.merge || o.shard_index >= 0 || !slurm || mem_mb)) {
		fprintf(stderr, "hindsight build: %s\n", !slurm ? "--partition goes with --slurm" :
			mem_mb ? "--memory holds a local build: with --slurm the jobs' memory is "
			"Slurm's (SBATCH_MEM_PER_NODE, or #SBATCH --mem in the job scripts)" : "--slurm runs both --shard and --merge "
			"itself: give neither");
		return 2;
	}
	if (!shards_given)
		o.shards = o.merge ? 0 : slurm ? 16 : (unsigned)(cpus > 0 ? cpus : 1);
	if (o.shards > 4096)
		o.shards = 4096;
	o.progress = isatty(2);
	o.log = stderr;
	{
		char procs[PATH_MAX];
		struct stat st;

		snprintf(procs, sizeof procs, "%s/procs", trace);
		if (stat(trace, &st) != 0 || !S_ISDIR(st.st_mode) || stat(procs, &st) != 0) {
			fprintf(stderr, "hindsight build: %s is not a recording (no procs folder); "
				"make one with hindsight record -o %s -- PROG\n", trace, trace);
			return 1;
		}
	}
	if (slurm) {
		struct cli_slurm_opts so = { .partition = partition, .shards = o.shards,
					     .level = o.level, .threads = o.threads };

		return cli_build_slurm(trace, &so);
	}
	if (mem_mb && (ret = cli_memory_limit("build", mem_mb, &held)) != 0)
		return ret < 0 ? 1 : held;
	confine();
	ret = hs_dbb_build(trace, &o, &sum, &err);
	if (ret) {
		fprintf(stderr, "hindsight build: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return ret == -EINVAL ? 2 : 1;
	}
	build_print_summary(trace, &o, &sum);
	if (sum.incomplete && o.shard_index < 0)
		say_running(trace);
	return 0;
}

int cli_verify_main(int argc, char **argv)
{
	const char *trace = NULL;
	int ret, cut;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: hindsight verify TRACE_DIR\n\n"
			       "Re-checks TRACE_DIR/db: every block checksum of every file, the raw\n"
			       "chunks' checksums, the manifest's file hashes and the structural\n"
			       "invariants; and that each process image the recording finished still\n"
			       "has its files whole (not cut short or grown since) and its meta.json\n"
			       "is a recording's.  Exit status: 0 all\n"
			       "good, 1 something is wrong, 2 no database or bad usage.\n");
			return 0;
		}
		if (argv[i][0] == '-' || trace) {
			fprintf(stderr, "usage: hindsight verify TRACE_DIR\n");
			return 2;
		}
		trace = argv[i];
	}
	if (!trace) {
		fprintf(stderr, "usage: hindsight verify TRACE_DIR\n");
		return 2;
	}
	ret = hs_dbb_verify(trace, stdout);
	/* the raw files that outlive a database built before they were cut */
	cut = cli_verify_recording(trace, stdout);
	if (cli_meta_check("verify", trace) < 0)
		cut = 1;
	if (ret == 0 && cut)
		printf("verify: %s: the recording is damaged (see above)\n", trace);
	if (ret == 0)
		return cut ? 1 : 0;
	if (ret == 1 || ret == -EPROTO)
		return 1;
	return 2;
}
