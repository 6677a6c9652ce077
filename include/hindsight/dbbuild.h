/* dbbuild.h - the database builder: TRACE/procs -> TRACE/db (builder/db).
 *
 * Owner: builder/db (libhsdb.a).  Users: builder/cli (`hindsight build`,
 * `hindsight verify`), tests.  It writes the format of db_format.h through
 * fs/dbfile, and reads the recording through builder/trace.
 *
 * A build splits every process image's stream chunks into N contiguous
 * ranges (shards, balanced by raw size), decodes each range on its own
 * (chunks are sync points), writes per-shard intermediate files, and merges
 * them into TRACE/db.  The same shard and merge code runs in the threaded
 * build (N threads in one process) and in the distributed one (`--shard
 * i/N` processes, then `--merge`), so the two give identical .hdb files.
 *
 * Everything is built in TRACE/.db.tmp.<pid>/ and renamed to TRACE/db at
 * the very end; see dbb_build.c for how an existing database is replaced.
 *
 * Errors: 0 or -errno, with one line in err->msg naming the file (and the
 * chunk) when err is not NULL.  Warnings and the log go to opts->log.
 */
#ifndef HINDSIGHT_DBBUILD_H
#define HINDSIGHT_DBBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hindsight/db_format.h"

struct hs_dbb_err {
	char msg[512]; /* one line, no newline; "" when none */
};

struct hs_dbb_opts {
	unsigned shards;     /* N >= 1 */
	int level;           /* zstd level of the .hdb files, 1..22 */
	int shard_index;     /* -1: the whole build; else only shard i of N,
			      * into TRACE/.db.shards/<i>of<N>/ */
	bool merge;          /* only join TRACE/.db.shards/<i>of<N> into
			      * TRACE/db (i = 0..N-1) */
	bool progress;       /* a progress line on log (a TTY) */
	unsigned threads;    /* worker threads; 0: one per shard (the merge:
			      * one per CPU) */
	FILE *log;           /* warnings, progress; NULL: stderr */
	/* For tests: how shards guess whether a return leaving calls of
	 * their own open lands on a call of an earlier shard (builder/db,
	 * dbb_calls.c).  0: from the stack pointer.  The others guess wrong
	 * on purpose, so that the merge decodes those shards' calls again;
	 * the database is the same either way. */
	int calls_guess;     /* enum hs_dbb_guess */
};

enum hs_dbb_guess { HS_DBB_GUESS_SP = 0, HS_DBB_GUESS_NEVER = 1, HS_DBB_GUESS_ALWAYS = 2 };

struct hs_dbb_summary {
	uint64_t instructions;   /* all images */
	unsigned images;
	unsigned shards;
	uint64_t db_bytes;       /* TRACE/db (or the shard folder) */
	uint64_t raw_bytes;      /* TRACE/procs */
	double seconds;
	bool incomplete;         /* some image was cut short */
};

/* Builds TRACE/db (or one shard, or the merge, as opts say). */
int hs_dbb_build(const char *trace_dir, const struct hs_dbb_opts *opts,
		 struct hs_dbb_summary *sum, struct hs_dbb_err *err);

/* Checks TRACE/db: every block of every .hdb file, every raw chunk's
 * checksum, the manifest's file sizes and hashes, and the structural
 * invariants (dbb_verify.c).  Each problem is one line on out.  Returns
 * 0 when all is good, 1 when something is wrong, -ENOENT when there is no
 * database, -EPROTO for another format version (a line says to rebuild),
 * other -errno for failures to check. */
int hs_dbb_verify(const char *trace_dir, FILE *out);

/* ---- page versions (exported for tests and readers) ----------------------
 *
 * A PAGES record (db_format.h) in memory: parse one with
 * hs_dbb_page_parse(); data points into the record. */
struct hs_dbb_page_rec {
	uint64_t page, chunk, t;
	uint32_t kind, flags;
	uint64_t copy_src, copy_t;
	const uint8_t *mask;   /* HS_DB_MASK_BYTES */
	uint32_t data_len;
	const uint8_t *data;
};

/* 0, or -EBADMSG when rec (len bytes) is not one whole PAGES record. */
int hs_dbb_page_parse(const uint8_t *rec, size_t len, struct hs_dbb_page_rec *out);

/* Applies a FULL or DIFF version to page (HS_DB_PAGE bytes): the page at
 * the end of the version's chunk.  A COPY needs its source: apply it to
 * the source page's bytes.  -EBADMSG for an inconsistent record. */
int hs_dbb_page_apply(uint8_t *page, const struct hs_dbb_page_rec *v);

/* The merge's per-page chain: feed it every version of the pages in
 * (page, chunk) order; it hands back each version to write, turned into a
 * FULL where the chain since the last FULL would reach HS_DB_FULL_EVERY
 * versions (only while the chain is rooted at a FULL or at the zero page
 * of a page's first version: a COPY's source is not known here, so after a
 * COPY the chain goes on with DIFFs until the next FULL the recording
 * itself gives, a page rewritten whole). */
struct hs_dbb_fold;
int hs_dbb_fold_new(struct hs_dbb_fold **out);
void hs_dbb_fold_free(struct hs_dbb_fold *f); /* accepts NULL */
/* rec: one PAGES record.  out, out_len: the record to write, borrowed
 * until the next call (rec itself or a FULL built from the chain). */
int hs_dbb_fold_next(struct hs_dbb_fold *f, const uint8_t *rec, size_t len,
		     const uint8_t **out, size_t *out_len);

#endif
