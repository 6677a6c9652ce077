/* srv_play_i.h - private to server/srv_play*.c: the playground.
 *
 *   srv_play.c      the server: options, routes (/, /api/run, /api/runs/ID,
 *                   /t/ID/...), the queue, the recordings' servers
 *   srv_play_run.c  one run: its folder, the compile / record / build
 *                   stages, its answer (result.json)
 *   srv_play_box.c  the sandbox: bubblewrap, the seccomp filter, rlimits,
 *                   wall-clock timeouts, the output kept (capped)
 *   srv_play_cg.c   a cgroup per stage (memory, process count), or why not
 *   srv_play_gc.c   removing old runs (--keep-days, --keep-mb)
 *
 * A run's folder DATA/runs/ID is written by the sandboxed stages (as an
 * unprivileged uid when the server is root); the server writes only
 * request.json and result.json there, and reads what the sandbox made
 * only through checks (no symlink, no special file: play_run_check_tree).
 */
#ifndef HS_SRV_PLAY_I_H
#define HS_SRV_PLAY_I_H

#include "srv_i.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PLAY_OUT_CAP (64u << 10)  /* stdout, stderr, compiler output: each */
#define PLAY_ID_LEN 16            /* hex digits */
#define PLAY_MEM_DEFAULT (1024ull << 20) /* a run's memory (cgroup) */
#define PLAY_INSNS_DEFAULT 300000000ull  /* a recorded process's instructions */

/* ---- srv_play_cg.c ---- */
struct play_cg {
	int version;             /* 0: none (rlimits only), 1 or 2 */
	char mem[PATH_MAX];      /* the folder holding the stages' memory
				  * cgroups; "": none */
	char pids[PATH_MAX];     /* the same for pids (v2: == mem); "": none */
	char note[768];          /* one line for the log: what, or why not */
};
struct play_cg_stage {
	char mem[PATH_MAX], pids[PATH_MAX]; /* "": none */
	int mem_fd, pids_fd;     /* their cgroup.procs (close-on-exec), -1 */
};
/* Makes the server's folder of stage cgroups, hindsight-WHO.<pid>; never
 * fails (c->version 0 then, and c->note says why).  Call once, before
 * threads start runs. */
void play_cg_init(struct play_cg *c, const char *who);
/* Removes that folder (the stages' are gone). */
void play_cg_free(struct play_cg *c);
/* A stage's cgroup with these limits (0: none); nothing when c has none.
 * Undo with play_cg_stage_end(). */
int play_cg_stage_make(const struct play_cg *c, uint64_t mem_bytes, unsigned pids,
		       struct play_cg_stage *s);
/* In the child between fork and exec (async-signal-safe): joins it. */
int play_cg_stage_join(const struct play_cg_stage *s);
/* Whether the kernel killed for memory / refused a fork at pids.max. */
void play_cg_stage_events(const struct play_cg_stage *s, int version, bool *mem, bool *pids);
/* SIGKILLs every process in it. */
void play_cg_stage_kill(const struct play_cg_stage *s);
/* Kills what is left, removes the folders, closes the fds. */
void play_cg_stage_end(struct play_cg_stage *s);

/* ---- srv_play_box.c ---- */
struct play_box {
	bool sandbox;            /* false: --unsafe-no-sandbox */
	bool drop;               /* the server is root: run as uid/gid */
	uid_t uid;
	gid_t gid;
	char bwrap[256];         /* absolute path */
	unsigned char *bpf;      /* the compiled seccomp filter */
	size_t bpf_len;
	char *hs_exe;            /* this hindsight binary (bound read-only) */
	char *hs_lib;            /* its lib/hindsight folder (the recorder) */
	struct play_cg cg;       /* the stages' cgroups, when there are */
};

struct play_stage {
	const char *name;        /* "compile", "record", "build": for the log */
	const char *const *argv; /* argv[0] absolute */
	const char *dir;         /* the run's folder: writable, the cwd */
	const char *stdin_path;  /* NULL: /dev/null */
	bool merge;              /* stderr into the stdout buffer */
	unsigned cpu_s, wall_s, nproc;
	uint64_t fsize, as;      /* bytes; 0: no limit */
	uint64_t mem;            /* bytes, the whole stage (cgroup); 0: none */
};

struct play_out {
	char *buf;               /* malloc, NUL-terminated */
	size_t len;
	bool cut;                /* more than PLAY_OUT_CAP came */
};

struct play_stage_res {
	int wstatus;
	bool wall;               /* killed by the wall-clock limit */
	bool memory;             /* the cgroup's memory limit was hit (the
				  * kernel killed a process): all killed */
	bool processes;          /* a fork failed at the cgroup's pids.max:
				  * all killed */
	double secs;
	struct play_out out, err;
};

/* Checks bwrap and user namespaces (unless !sandbox), compiles the filter,
 * runs /usr/bin/true in the sandbox in a folder of runs.  Fills why with
 * one line on failure. */
int play_box_init(struct play_box *b, bool sandbox, const char *runs, char *why, size_t cap);
void play_box_free(struct play_box *b);
/* Runs one stage and waits for it (the whole sandbox killed at the wall
 * limit).  0 when it ran (res says how it ended), -errno when it could not
 * start. */
int play_box_run(const struct play_box *b, const struct play_stage *st,
		 struct play_stage_res *res);
void play_stage_res_free(struct play_stage_res *r);
/* Gives the folder to the sandbox's uid (no-op when not root). */
int play_box_chown(const struct play_box *b, const char *path);

/* ---- srv_play_run.c ---- */
struct json_object;
struct play_run_opts {
	const struct play_box *box;
	const char *runs_dir;    /* DATA/runs */
	const char *id;
	unsigned record_cpu_s;   /* 0: the default */
	uint64_t record_insns;   /* a recorded process's instructions: 0: the default */
	uint64_t mem_bytes;      /* a run's memory; 0: the default */
};
/* Runs the request (parsed JSON) in DATA/runs/ID and fills *answer (the
 * body of POST /api/run).  -EINVAL with why for a bad request. */
int play_run(const struct play_run_opts *o, struct json_object *req,
	     struct json_object **answer, char *why, size_t cap);
/* 0 when path (made by the sandbox) holds only folders and regular
 * files: the server then opens it; -EPERM otherwise.  With scrub, other
 * entries (links, fifos) are removed instead. */
int play_run_check_tree(const char *path, bool scrub);

/* ---- srv_play_gc.c ---- */
struct play_gc_opts {
	const char *runs_dir;
	uint64_t keep_s;         /* remove runs older than this; 0: by size only */
	uint64_t keep_bytes;     /* then the oldest while over this; 0: no cap */
	/* Closes run id's recording: -EBUSY when a request holds it (kept) */
	int (*release)(void *ctx, const char *id);
	void *ctx;
};
/* One pass: the count of runs removed, or -errno. */
int play_gc(const struct play_gc_opts *o);

#endif
