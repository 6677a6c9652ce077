/* playground.h - `hindsight playground`: edit, compile, run and record
 * code in the browser or through POST /api/run, each run in a sandbox,
 * each recording served under /t/<id>/ with the debugger UI of `serve`.
 *
 * Owner: server/ (srv_play*.c).  Users: builder/cli (cmd_playground.c).
 * The API is in server/API.md ("Playground").  Stop it with hs_srv_stop();
 * hs_srv_port() and hs_srv_token() work on it as on `serve`.
 */
#ifndef HINDSIGHT_PLAYGROUND_H
#define HINDSIGHT_PLAYGROUND_H

#include "hindsight/server.h"

struct hs_play_opts {
	/* port, tunnel, log: as for serve; trace_dir, storage_dir, sources
	 * are unused (each run has its own) */
	struct hs_srv_opts srv;
	const char *data_dir;     /* the runs: DATA/runs/<id>; required */
	unsigned jobs;            /* runs at once; 0: max(1, cores / 2) */
	bool unsafe_no_sandbox;   /* run user code without bubblewrap */
	unsigned record_cpu_s;    /* CPU limit of the program's recording;
				   * its wall limit is 10 s more; 0: 20 s */
	unsigned long long record_insns; /* a recorded process stops (SIGXCPU)
				   * at this many instructions; 0: 300 million */
	unsigned memory_mb;       /* a run's memory, in a cgroup where one can
				   * be made (each stage as a whole); 0: 1024 */
	unsigned keep_days;       /* runs older are removed; 0: 7 */
	unsigned keep_mb;         /* then the oldest while DATA/runs is over
				   * this; 0: 4096 */
};

/* Checks the sandbox (bubblewrap, user namespaces: -ENOENT / -EPERM with
 * one line in err unless unsafe_no_sandbox), makes DATA, listens. */
int hs_play_start(const struct hs_play_opts *opts, struct hs_srv **out,
		  struct hs_srv_err *err);

#endif
