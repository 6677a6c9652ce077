/* cli.h - private to builder/cli: the `hindsight` subcommands.
 *
 * Each subcommand is `int cli_<name>_main(int argc, char **argv)` with
 * argv[0] the subcommand's name, and returns the process exit status.  Only
 * the CLI calls exit(); everything below it returns -errno.
 */
#ifndef HS_CLI_H
#define HS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "hindsight/trace_format.h"

int cli_record_main(int argc, char **argv);
int cli_info_main(int argc, char **argv);
int cli_trace_check_main(int argc, char **argv);
int cli_build_main(int argc, char **argv);
int cli_verify_main(int argc, char **argv);
int cli_pack_main(int argc, char **argv);
int cli_query_main(int argc, char **argv);
int cli_cat_main(int argc, char **argv);
int cli_ls_main(int argc, char **argv);
int cli_mount_main(int argc, char **argv);
int cli_playground_main(int argc, char **argv);
int cli_bom_main(int argc, char **argv);      /* cmd_bom.c */

/* serve and mount, once set up (cli_confine.c): no_new_privs and a seccomp
 * filter on every thread (no exec unless allow_exec, no ptrace, no new
 * outbound socket).  said gets one line for the log either way.  0 or
 * -errno; nothing is half-applied that the line does not say. */
int cli_confine(bool allow_exec, char *said, size_t cap);
/* serve, before its first thread (cli_confine.c): what Landlock lets this
 * process and every thread it starts reach.  All lists are borrowed; NULL
 * entries are skipped. */
struct cli_landlock_rules {
	const char *const *write_dirs; /* create, change, remove (and read) beneath */
	size_t n_write;
	bool confine_reads;            /* false: reading stays open everywhere */
	const char *const *read_dirs;  /* read beneath; one that is missing is skipped */
	size_t n_read_dirs;
	const char *const *read_files; /* read (a folder: beneath); missing: skipped */
	size_t n_read_files;
};
/* Applies r.  0 also when the kernel has no Landlock (said says so), or
 * -errno (said says why). */
int cli_landlock(const struct cli_landlock_rules *r, char *said, size_t cap);
/* The rules of a reader of a recording (serve, mount): write only under
 * write_dirs and $TMPDIR (or /tmp: the tree's spill files); with tree (the
 * open database), read only there, under sources, the system's library
 * folders and a few files of /etc, /dev, /proc/self, /sys, and the files
 * the tree names (hs_tree_read_files); without, reading stays open.
 * Borrowed arguments.  As cli_landlock. */
struct hs_tree;
int cli_landlock_reader(struct hs_tree *tree, const char *const *write_dirs, size_t n_write,
			const char *const *sources, size_t n_sources, char *said, size_t cap);

/* --memory MB of build and serve (cli_memory.c).  cli_parse_memory: 0,
 * or -1 after saying what is wrong.  cli_memory_limit holds the rest of
 * the command to mb MiB: in a memory cgroup when one can be made (the
 * command forks: it returns 0 in the child, which goes on, and 1 in the
 * parent once the child is gone, with the child's exit status in
 * *status), else with RLIMIT_AS (returns 0).  One line on stderr says
 * which.  -errno when neither can be applied. */
int cli_parse_memory(const char *cmd, const char *s, uint64_t *mb);
int cli_memory_limit(const char *cmd, uint64_t mb, int *status);

/* Servers stop from normal code (serve, playground; cmd_serve.c): block
 * SIGINT, SIGTERM and SIGHUP in every thread (and ignore SIGPIPE) before
 * starting threads, then wait for SIGINT or SIGTERM (SIGHUP is ignored). */
void cli_block_stop_signals(sigset_t *set);
void cli_wait_stop(const sigset_t *set);

/* Options shared by serve and playground (cmd_serve.c): 0, or -1 for a
 * bad value (-2 from cli_parse_log: the file cannot be opened, said). */
struct hs_srv_opts;
int cli_parse_port(const char *s, uint16_t *port);
int cli_parse_tunnel(char *s, struct hs_srv_opts *o);
int cli_parse_log(const char *s, struct hs_srv_opts *o);
int cli_gdbserver_main(int argc, char **argv);

/* Summary of one recorded process image, read from the end of its stream
 * (cli_meta.c). */
struct cli_image {
	char name[64];          /* "<pid>.<n>" */
	unsigned pid, exec_index;
	int forked;             /* began as a fork (HS_FILE_FORKED) */
	int complete;           /* the stream ends with an EXIT record */
	int exec_ended;         /* it ends with an EXEC record that has the
				 * format-5 trailer: instructions and threads
				 * are exact (the execve may still have failed
				 * if no next image of this pid exists) */
	uint32_t exit_kind;     /* HS_EXIT_*, when complete */
	int32_t exit_value;
	uint32_t sig_flags;     /* HS_SIG_INFO: sig_code and sig_value hold */
	int32_t sig_code;       /* the fatal signal's si_code */
	uint64_t sig_value;     /* and si_addr or sender pid (trace_format.h) */
	int has_siginfo;        /* siginfo holds the kernel's (format 6) */
	uint8_t siginfo[HS_SIGINFO_SIZE];
	uint64_t instructions;  /* t at the end (with no EXIT or EXEC record:
				 * at its last whole chunk's end) */
	uint32_t threads;       /* with no EXIT or EXEC record: those alive
				 * in its last whole chunk (0: none) */
	uint32_t faulted;       /* instructions that began and faulted (EXIT,
				 * EXEC trailer): lackey counts them, t not */
	uint64_t bytes;         /* stream.hst + code.hst on disk */
	int stopped;            /* the recorder stopped recording it while the
				 * program ran on (a failed write: the file
				 * "stopped" in its folder) */
	int killed;             /* the signal (SIGKILL) its recorded parent saw
				 * end it, when it has no EXIT record (the file
				 * HS_IMAGE_KILLED in its folder); 0: none */
	int truncated;          /* stream.hst ends inside a chunk */
};

/* Fill *out with one entry per folder of TRACE/procs, sorted by name.
 * Caller frees *out with free(). */
int cli_scan_images(const char *trace_dir, struct cli_image **out, int *n);

/* cli_meta.c: TRACE/meta.json.  cli_meta_images() (re)computes from the
 * streams what meta.json says of the process images: "processes" (one
 * object per image: instructions (retired: its t at the end), threads,
 * complete, ended_by, exit_status
 * or exit_signal and signal, faulted: instructions that began and faulted),
 * "status" (complete when every image ended),
 * "instructions" (all images together, their faulted ones included: as
 * lackey counts) and "threads" (all images together) and "bytes".
 * cli_write_meta() replaces meta.json atomically.  cli_meta_refresh()
 * brings an "incomplete" meta.json up to date once images that were still
 * running when `record` returned (a background child that outlived its
 * parent) have ended; 0 when nothing needed doing or it was done. */
struct json_object;
void cli_meta_images(struct json_object *m, const char *trace_dir);
int cli_write_meta(const char *trace_dir, struct json_object *meta);
int cli_meta_refresh(const char *trace_dir);
/* What each command that reads a recording runs first: -EBADMSG, said on
 * stderr as "hindsight CMD: ...", when TRACE_DIR/meta.json is there but
 * damaged; else cli_meta_refresh() and 0 (a missing meta.json is left to
 * the caller: the database's own checks say what is there). */
int cli_meta_check(const char *cmd, const char *trace_dir);
/* TRACE_DIR/meta.json parsed (caller puts it), or NULL when it is
 * missing or not JSON. */
struct json_object *cli_read_meta(const char *trace_dir);
/* For each image meta says is not complete whose process is still alive
 * (it outlived the program): "hindsight CMD: process PID still runs in the
 * background; THEN" on stderr.  Returns how many. */
size_t cli_meta_say_running(const char *cmd, struct json_object *meta, const char *then);

/* cli_verify.c: each image that meta.json calls complete still has its
 * raw files whole (none ends inside a chunk) and of the size recorded.
 * Names each bad file on out; 1 when one is bad, else 0. */
int cli_verify_recording(const char *trace_dir, FILE *out);

/* `build --slurm` (cli_slurm.c): submit the shards as a Slurm job array
 * (scripts/slurm/build.sbatch) and the merge as a job that depends on it
 * (merge.sbatch), wait, print progress to stderr and the merge's summary to
 * stdout.  This executable and trace_dir must be on a file system that the
 * cluster's nodes share.  Returns the exit status: 0 built, 1 failed
 * (said), 128+signal when interrupted (the jobs are cancelled). */
struct cli_slurm_opts {
	const char *partition;  /* NULL: the cluster's default */
	unsigned shards;        /* array tasks, 1..4096 */
	int level;              /* zstd level */
	unsigned threads;       /* the merge's --threads (0: its default) */
};
int cli_build_slurm(const char *trace_dir, const struct cli_slurm_opts *o);

/* Directory holding the recorder tool, next to this executable. */
int cli_tool_dir(char *buf, size_t cap);

#endif
