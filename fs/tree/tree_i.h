/* tree_i.h - private to fs/tree. */
#ifndef HS_TREE_I_H
#define HS_TREE_I_H

#include "hindsight/db.h"
#include "hindsight/tree.h"

#include <pthread.h>

/* Node kinds.  Directories first, then links, then files. */
enum tree_kind {
	K_ROOT = 1,     /* the first process image, plus processes/ */
	K_PROC,         /* processes/<pid>.<n> */
	K_TIME,         /* time/ */
	K_T,            /* time/<t>/ */
	K_T_REGDIR,     /* time/<t>/reg/ */
	K_THREADS,      /* threads/ */
	K_WRITES,       /* writes/ */
	K_PROCESSES,    /* processes/ */
	K_LINKS_FIRST,
	K_TIME_MARK = K_LINKS_FIRST, /* time/start, time/end: t */
	K_T_NEXT,       /* time/<t>/next -> ../<t+1> */
	K_T_PREV,
	K_FILES_FIRST,
	K_README = K_FILES_FIRST,
	K_INFO,
	K_STDOUT,
	K_STDERR,
	K_EVENTS,
	K_SYSCALLS,
	K_OUTPUT,
	K_T_REGS,
	K_T_REG,        /* sub: register index */
	K_T_MEM,
	K_T_MAPS,
	K_T_INSN,
	K_T_THREAD,
	K_THREAD,       /* threads/<tid>: a = tid */
	K_WRITE,        /* writes/<0xADDR>+LEN: a = addr, b = len */
};

#define TREE_MEM_SIZE (1ull << 47) /* the user half of the address space */
#define TREE_STREAM_SLOTS 64

struct tree_stream; /* tree_stream.c */

struct hs_tree {
	char *trace_dir;
	struct hs_db *db;
	pthread_mutex_t lock;              /* streams[] */
	struct tree_stream *streams[TREE_STREAM_SLOTS];
	uint64_t stream_clock;
};

const struct hs_db_image *tree_image(struct hs_tree *tree, const struct hs_tree_node *n);

/* tree_files.c: whole contents of small files, malloc'd */
int tree_small_file(struct hs_tree *tree, const struct hs_tree_node *n,
		    char **text, size_t *len);
/* tree_stream.c: large generated files */
bool tree_is_stream(const struct hs_tree_node *n);
int tree_stream_size(struct hs_tree *tree, const struct hs_tree_node *n,
		     uint64_t *size);
ssize_t tree_stream_read(struct hs_tree *tree, const struct hs_tree_node *n,
			 void *buf, size_t size, uint64_t off);
void tree_streams_free(struct hs_tree *tree);

#endif
