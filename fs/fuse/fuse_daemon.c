/* fuse_daemon.c - the tree through libfuse3's low-level API, read-only.
 *
 * Inodes.  The kernel names files by inode number.  Most of our numbers
 * encode their node (hs_tree_node_of_ino), so nothing needs remembering
 * for them, whatever the access pattern.  The others (writes/<range>) are
 * hashes: the daemon keeps a table ino -> node for those the kernel holds,
 * counting lookups and dropping an entry when the kernel forgets it.  The
 * kernel only forgets under memory pressure, so the table has a cap: past
 * it, a janitor thread asks the kernel to drop the least recently used
 * entries (fuse_lowlevel_notify_inval_entry), which makes it send FORGET.
 *
 * Caching.  Nothing in the tree ever changes: entries, attributes and
 * negative lookups are cached by the kernel for a day, file pages are kept
 * across opens, symlinks are cached.  mem and files of unknown size use
 * direct I/O (a short read of mem means "unmapped from here", not EOF).
 *
 * Memory: the query cache (--cache-mb), the tree's text cache (1/8 of it),
 * the query library's per-image tables (built once), the inode table
 * (max_inodes entries, about 150 bytes each), one read buffer per worker
 * in flight (1 MiB at most).  malloc is tuned so that freed memory goes
 * back to the system (hs_fuse_serve), and trimmed every 10 s.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP end the session and unmount.
 * SIGUSR1 prints one line of statistics on stderr (with -f): the inode
 * table, lookups, forgets, invalidations, reads, the query cache, malloc.
 */
#define FUSE_USE_VERSION 34
#include "hindsight/fusefs.h"
#include "hindsight/tree.h"
#include "hindsight/util.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT 86400.0 /* seconds: the tree never changes */
#define READ_MAX (1u << 20)
#define MAX_INODES_DEFAULT 65536

struct inode {
	uint64_t ino;
	uint64_t nlookup;
	uint64_t used;           /* daemon clock at the last lookup */
	struct hs_tree_node node;
	uint64_t parent;         /* where the kernel found it, for invalidation */
	char *name;
	struct inode *next;
};

struct daemon {
	struct hs_tree *tree;
	struct fuse_session *se;
	pthread_mutex_t lock;    /* the table and the statistics */
	pthread_cond_t wake;     /* the janitor's */
	struct inode **buckets;
	size_t n_buckets, n_inodes, max_inodes;
	uint64_t clock;
	uint64_t lookups, forgets, invalidated, reads;
	bool stopping;
	uid_t uid;
	gid_t gid;
	time_t mtime;
};

static volatile sig_atomic_t stats_wanted;

/* ---- the inode table (hashed inode numbers only) ------------------------------------- */

static struct inode **bucket(struct daemon *d, uint64_t ino)
{
	return &d->buckets[(ino * 0x9e3779b97f4a7c15ull) >> 32 & (d->n_buckets - 1)];
}

static void grow_table(struct daemon *d)
{
	size_t n = d->n_buckets * 2, old = d->n_buckets;
	struct inode **v = calloc(n, sizeof(*v)), **prev = d->buckets;

	if (!v)
		return; /* longer chains, still correct */
	d->buckets = v;
	d->n_buckets = n;
	for (size_t i = 0; i < old; i++) {
		struct inode *e = prev[i], *next;
		for (; e; e = next) {
			struct inode **b = bucket(d, e->ino);
			next = e->next;
			e->next = *b;
			*b = e;
		}
	}
	free(prev);
}

/* The node of an inode the kernel holds; false if we do not know it. */
static bool node_of(struct daemon *d, fuse_ino_t ino, struct hs_tree_node *out)
{
	struct inode *e;
	bool found = false;

	if (hs_tree_node_of_ino(ino, out) == 0)
		return true;
	pthread_mutex_lock(&d->lock);
	for (e = *bucket(d, ino); e; e = e->next) {
		if (e->ino == ino) {
			*out = e->node;
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return found;
}

/* node_of(), or ESTALE replied (false). */
static bool node_or_stale(fuse_req_t req, struct daemon *d, fuse_ino_t ino,
			  struct hs_tree_node *n)
{
	if (node_of(d, ino, n))
		return true;
	fuse_reply_err(req, ESTALE);
	return false;
}

/* Counts one more lookup of ino (a hashed one: packed numbers need no
 * table).  -EIO if the hash collides with another node's. */
static int remember(struct daemon *d, fuse_ino_t parent, const char *name, uint64_t ino,
		    const struct hs_tree_node *n)
{
	struct hs_tree_node unused;
	struct inode *e;
	int err = 0;

	if (hs_tree_node_of_ino(ino, &unused) == 0)
		return 0;
	pthread_mutex_lock(&d->lock);
	for (e = *bucket(d, ino); e; e = e->next)
		if (e->ino == ino)
			break;
	if (e && memcmp(&e->node, n, sizeof(*n)) != 0) {
		err = -EIO;
		goto out;
	}
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (e)
			e->name = strdup(name);
		if (!e || !e->name) {
			free(e);
			err = -ENOMEM;
			goto out;
		}
		e->ino = ino;
		e->node = *n;
		e->parent = parent;
		e->next = *bucket(d, ino);
		*bucket(d, ino) = e;
		if (++d->n_inodes > d->n_buckets)
			grow_table(d);
		if (d->n_inodes > d->max_inodes)
			pthread_cond_signal(&d->wake);
	}
	e->nlookup++;
	e->used = ++d->clock;
out:
	pthread_mutex_unlock(&d->lock);
	return err;
}

static void forget_one(struct daemon *d, fuse_ino_t ino, uint64_t nlookup)
{
	struct hs_tree_node unused;
	struct inode **p, *e;

	if (hs_tree_node_of_ino(ino, &unused) == 0)
		return;
	pthread_mutex_lock(&d->lock);
	d->forgets++;
	for (p = bucket(d, ino); (e = *p); p = &e->next) {
		if (e->ino != ino)
			continue;
		e->nlookup = e->nlookup > nlookup ? e->nlookup - nlookup : 0;
		if (e->nlookup == 0) {
			*p = e->next;
			free(e->name);
			free(e);
			d->n_inodes--;
		}
		break;
	}
	pthread_mutex_unlock(&d->lock);
}

/* ---- the janitor ---------------------------------------------------------------------- */

struct victim {
	uint64_t used, parent;
	char *name;
};

static int by_use(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;

	return x->used < y->used ? -1 : x->used > y->used;
}

static void print_stats(struct daemon *d)
{
	struct mallinfo2 mi;
	size_t n, cache_used, cache_cap;
	uint64_t lookups, forgets, inval, reads;

	pthread_mutex_lock(&d->lock);
	n = d->n_inodes;
	lookups = d->lookups;
	forgets = d->forgets;
	inval = d->invalidated;
	reads = d->reads;
	pthread_mutex_unlock(&d->lock);
	hs_tree_cache_stats(d->tree, &cache_used, &cache_cap);
	mi = mallinfo2();
	fprintf(stderr, "hindsight mount: stats: table-inodes %zu lookups %" PRIu64
		" forgets %" PRIu64 " invalidated %" PRIu64 " reads %" PRIu64
		" cache-bytes %zu cache-cap %zu malloc-used %zu malloc-free %zu\n", n, lookups,
		forgets, inval, reads, cache_used, cache_cap, mi.uordblks + mi.hblkhd, mi.fordblks);
}

/* Wakes every 200 ms (or when the table passes its cap): prints the
 * statistics SIGUSR1 asked for, trims malloc every 10 s, and past the cap
 * asks the kernel to drop the oldest entries, down to 3/4 of the cap, at
 * most once a second.  The kernel sends FORGET for those not in use. */
static void *janitor(void *arg)
{
	struct daemon *d = arg;
	unsigned ticks = 0, cooldown = 0;

	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		struct timespec until;
		struct victim *v;
		size_t n = 0, want;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&d->wake, &d->lock, &until);
		if (stats_wanted) {
			stats_wanted = 0;
			pthread_mutex_unlock(&d->lock);
			print_stats(d);
			pthread_mutex_lock(&d->lock);
		}
		if (++ticks % 50 == 0) {
			/* every 10 s: give freed memory back */
			pthread_mutex_unlock(&d->lock);
			malloc_trim(0);
			pthread_mutex_lock(&d->lock);
		}
		if (cooldown)
			cooldown--;
		if (d->stopping || d->n_inodes <= d->max_inodes || cooldown)
			continue;
		cooldown = 5; /* 1 s between passes: entries in use stay anyway */
		v = calloc(d->n_inodes, sizeof(*v));
		if (!v)
			continue;
		for (size_t i = 0; i < d->n_buckets; i++)
			for (struct inode *e = d->buckets[i]; e; e = e->next)
				v[n++] = (struct victim){ e->used, e->parent, strdup(e->name) };
		pthread_mutex_unlock(&d->lock);
		qsort(v, n, sizeof(*v), by_use);
		want = n - d->max_inodes + d->max_inodes / 4;
		for (size_t i = 0; i < n; i++) {
			if (i < want && v[i].name &&
			    fuse_lowlevel_notify_inval_entry(d->se, v[i].parent, v[i].name,
							     strlen(v[i].name)) == 0) {
				pthread_mutex_lock(&d->lock);
				d->invalidated++;
				pthread_mutex_unlock(&d->lock);
			}
			free(v[i].name);
		}
		free(v);
		pthread_mutex_lock(&d->lock);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	stats_wanted = 1;
}

/* ---- helpers ------------------------------------------------------------------------- */

static struct daemon *daemon_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* A tree error as a read or getattr should report it. */
static int errno_of(int err)
{
	switch (err) {
	case -ERANGE:
		return EINVAL;
	case -ESRCH:
	case -EBADMSG:
	case -EPROTO:
		return EIO;
	default:
		return err < 0 ? -err : EIO;
	}
}

static int fill_stat(struct daemon *d, const struct hs_tree_node *n, struct stat *st,
		     struct hs_tree_attr *a)
{
	int err = hs_tree_getattr(d->tree, n, a);

	if (err < 0)
		return err;
	memset(st, 0, sizeof(*st));
	st->st_ino = a->ino;
	st->st_uid = d->uid;
	st->st_gid = d->gid;
	st->st_atime = st->st_mtime = st->st_ctime = d->mtime;
	st->st_blksize = 4096;
	switch (a->type) {
	case HS_TREE_DIR:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 1; /* "unknown": find must not count subfolders */
		break;
	case HS_TREE_LINK:
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		st->st_size = (off_t)a->size;
		break;
	default:
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = (off_t)a->size;
		st->st_blocks = (blkcnt_t)((a->blocks + 511) / 512);
		break;
	}
	return 0;
}

static mode_t type_bits(enum hs_tree_type t)
{
	return t == HS_TREE_DIR ? S_IFDIR : t == HS_TREE_LINK ? S_IFLNK : S_IFREG;
}

/* ---- operations --------------------------------------------------------------------- */

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	if (conn->capable & FUSE_CAP_ASYNC_DIO)
		conn->want |= FUSE_CAP_ASYNC_DIO;
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
	conn->want &= ~(unsigned)FUSE_CAP_READDIRPLUS; /* no lookup per listed entry */
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct daemon *d = daemon_of(req);
	struct fuse_entry_param e;
	struct hs_tree_attr a;
	struct hs_tree_node p, c;
	int err;

	memset(&e, 0, sizeof(e));
	pthread_mutex_lock(&d->lock);
	d->lookups++;
	pthread_mutex_unlock(&d->lock);
	if (!node_of(d, parent, &p)) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	err = hs_tree_child(d->tree, &p, name, &c);
	if (!err)
		err = fill_stat(d, &c, &e.attr, &a);
	if (err == -ENOENT || err == -EINVAL || err == -ERANGE || err == -ESRCH ||
	    err == -ENOTDIR) {
		/* a name that does not exist, and never will: cache that too */
		e.ino = 0;
		e.entry_timeout = TIMEOUT;
		fuse_reply_entry(req, &e);
		return;
	}
	if (!err)
		err = remember(d, parent, name, e.attr.st_ino, &c);
	if (err < 0) {
		fuse_reply_err(req, errno_of(err));
		return;
	}
	e.ino = e.attr.st_ino;
	e.generation = 1;
	e.attr_timeout = TIMEOUT;
	e.entry_timeout = TIMEOUT;
	if (fuse_reply_entry(req, &e) != 0)
		forget_one(d, e.ino, 1); /* the kernel did not take it (interrupted) */
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	forget_one(daemon_of(req), ino, nlookup);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *v)
{
	for (size_t i = 0; i < count; i++)
		forget_one(daemon_of(req), v[i].ino, v[i].nlookup);
	fuse_reply_none(req);
}

/* The stat and attributes of inode ino; false when it has replied to req
 * with the error (a stale inode, or the tree's). */
static bool stat_or_reply(fuse_req_t req, fuse_ino_t ino, struct stat *st,
			  struct hs_tree_attr *a)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	int err;

	if (!node_or_stale(req, d, ino, &n))
		return false;
	err = fill_stat(d, &n, st, a);
	if (err < 0) {
		fuse_reply_err(req, errno_of(err));
		return false;
	}
	return true;
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hs_tree_attr a;
	struct stat st;

	(void)fi;
	if (stat_or_reply(req, ino, &st, &a))
		fuse_reply_attr(req, &st, TIMEOUT);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	char buf[64];
	int len;

	if (!node_or_stale(req, d, ino, &n))
		return;
	len = hs_tree_readlink(d->tree, &n, buf, sizeof(buf));
	if (len < 0)
		fuse_reply_err(req, errno_of(len));
	else
		fuse_reply_readlink(req, buf);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hs_tree_attr a;
	struct stat st;

	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & (O_TRUNC | O_CREAT))) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (!stat_or_reply(req, ino, &st, &a))
		return;
	if (a.type == HS_TREE_DIR) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	fi->direct_io = a.direct_io;
	fi->keep_cache = !a.direct_io;
	fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	ssize_t got;
	char *buf;

	(void)fi;
	if (!node_or_stale(req, d, ino, &n))
		return;
	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (size > READ_MAX)
		size = READ_MAX;
	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	got = hs_tree_read(d->tree, &n, buf, size, (uint64_t)off);
	if (got < 0)
		fuse_reply_err(req, errno_of((int)got));
	else
		fuse_reply_buf(req, buf, (size_t)got);
	free(buf);
	pthread_mutex_lock(&d->lock);
	d->reads++;
	pthread_mutex_unlock(&d->lock);
}

static void op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	int64_t r;

	(void)fi;
	if (!node_or_stale(req, d, ino, &n))
		return;
	if (off < 0) {
		fuse_reply_err(req, ENXIO);
		return;
	}
	r = hs_tree_seek(d->tree, &n, (uint64_t)off, whence);
	if (r < 0)
		fuse_reply_err(req, r == -ENXIO || r == -EINVAL ? (int)-r : errno_of((int)r));
	else
		fuse_reply_lseek(req, (off_t)r);
}

/* A folder's listing, made at opendir and served from memory. */
struct entry {
	char *name;
	uint64_t ino;
	mode_t type;
};

struct listing {
	struct entry *v;
	size_t n, cap;
};

static int add_entry(struct listing *l, const char *name, uint64_t ino, mode_t type)
{
	if (hs_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n].name = strdup(name);
	if (!l->v[l->n].name)
		return -ENOMEM;
	l->v[l->n].ino = ino;
	l->v[l->n].type = type;
	l->n++;
	return 0;
}

static int list_child(void *ctx, const char *name, const struct hs_tree_node *child)
{
	return add_entry(ctx, name, hs_tree_ino(child), type_bits(hs_tree_type(child)));
}

static void listing_free(struct listing *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	free(l);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n, parent;
	struct listing *l;
	int err;

	if (!node_or_stale(req, d, ino, &n))
		return;
	if (hs_tree_type(&n) != HS_TREE_DIR) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	err = hs_tree_child(d->tree, &n, "..", &parent);
	if (!err)
		err = add_entry(l, ".", ino, S_IFDIR);
	if (!err)
		err = add_entry(l, "..", hs_tree_ino(&parent), S_IFDIR);
	if (!err)
		err = hs_tree_readdir(d->tree, &n, list_child, l);
	if (err < 0) {
		listing_free(l);
		fuse_reply_err(req, errno_of(err));
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)l;
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	if (fuse_reply_open(req, fi) != 0)
		listing_free(l);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct listing *l = (struct listing *)(uintptr_t)fi->fh;
	char *buf;
	size_t used = 0;

	(void)ino;
	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* offsets: index of the next entry */
	for (size_t i = (size_t)off; i < l->n; i++) {
		struct stat st;
		size_t need;

		memset(&st, 0, sizeof(st));
		st.st_ino = l->v[i].ino;
		st.st_mode = l->v[i].type;
		need = fuse_add_direntry(req, buf + used, size - used, l->v[i].name, &st,
					 (off_t)(i + 1));
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	listing_free((struct listing *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	(void)ino;
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_namemax = 255;
	sv.f_flag = ST_RDONLY;
	fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.readlink = op_readlink,
	.open = op_open,
	.read = op_read,
	.lseek = op_lseek,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.releasedir = op_releasedir,
	.statfs = op_statfs,
};

/* ---- serving ----------------------------------------------------------------------- */

static void daemon_release(struct daemon *d)
{
	for (size_t i = 0; d->buckets && i < d->n_buckets; i++) {
		struct inode *e = d->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e->name);
			free(e);
		}
	}
	free(d->buckets);
	hs_tree_close(d->tree);
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
}

/* The session's loop with the janitor beside it, until unmounted or told
 * to stop.  After daemonizing: a fork keeps no threads. */
static int serve_loop(struct daemon *d, const struct hs_fuse_options *opt)
{
	struct fuse_loop_config cfg;
	pthread_t jan;
	bool jan_started = pthread_create(&jan, NULL, janitor, d) == 0;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.clone_fd = 0;
	cfg.max_idle_threads = opt->threads > 0 ? (unsigned)opt->threads : 10;
	err = fuse_session_loop_mt(d->se, &cfg) < 0 ? -EIO : 0;
	if (jan_started) {
		pthread_mutex_lock(&d->lock);
		d->stopping = true;
		pthread_cond_signal(&d->wake);
		pthread_mutex_unlock(&d->lock);
		pthread_join(jan, NULL);
	}
	return err;
}

/* serve_loop() in a child that opt->in_child confines first; this process
 * waits outside it, passing the stop signals and SIGUSR1 on, so that it can
 * unmount when the child ends, even killed. */
static int serve_in_child(struct daemon *d, const struct hs_fuse_options *opt)
{
	sigset_t set, old;
	pid_t child;
	int status = 0, sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	child = fork();
	if (child < 0) {
		int e = -errno;

		pthread_sigmask(SIG_SETMASK, &old, NULL);
		fprintf(stderr, "hindsight mount: fork: %s\n", strerror(-e));
		return e;
	}
	if (child == 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (opt->in_child(opt->in_child_arg, d->tree) != 0)
			_exit(3);
		_exit(serve_loop(d, opt) < 0 ? 1 : 0);
	}
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		if (waitpid(child, &status, WNOHANG) == child)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int hs_fuse_serve(const char *trace_dir, const char *mountpoint,
		  const struct hs_fuse_options *opt)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct sigaction sa;
	struct daemon d;
	struct stat st;
	char *optbuf = NULL;
	int err;

	/* The process is the daemon from here: malloc for a long-lived server
	 * whose workers allocate and free large buffers (reads, decompressed
	 * blocks).  Without these, glibc's growing mmap threshold and one
	 * arena per worker keep ~100 MB of freed memory resident. */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	mallopt(M_ARENA_MAX, 4);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	memset(&d, 0, sizeof(d));
	pthread_mutex_init(&d.lock, NULL);
	pthread_cond_init(&d.wake, NULL);
	d.n_buckets = 1024;
	d.max_inodes = opt->max_inodes ? opt->max_inodes : MAX_INODES_DEFAULT;
	d.buckets = calloc(d.n_buckets, sizeof(*d.buckets));
	d.uid = getuid();
	d.gid = getgid();
	d.mtime = stat(trace_dir, &st) == 0 ? st.st_mtime : 0;
	if (!d.buckets) {
		err = -ENOMEM;
		goto out;
	}
	{
		struct hs_tree_options topt = { .cache_bytes = opt->cache_bytes,
						.source_dirs = opt->source_dirs,
						.n_source_dirs = opt->n_source_dirs };
		err = hs_tree_open_opts(trace_dir, &topt, &d.tree);
	}
	if (err < 0) {
		fprintf(stderr, "hindsight mount: %s: %s%s\n", trace_dir, strerror(-err),
			err == -ENOENT ? " (no database: run hindsight build first)" : "");
		goto out;
	}
	if (asprintf(&optbuf, "ro,default_permissions,fsname=hindsight,subtype=hindsight%s%s",
		     opt->fuse_opts ? "," : "", opt->fuse_opts ? opt->fuse_opts : "") < 0) {
		optbuf = NULL;
		err = -ENOMEM;
		goto out;
	}
	if (fuse_opt_add_arg(&args, "hindsight") || fuse_opt_add_arg(&args, "-o") ||
	    fuse_opt_add_arg(&args, optbuf)) {
		err = -ENOMEM;
		goto out;
	}
	d.se = fuse_session_new(&args, &ops, sizeof(ops), &d);
	if (!d.se) {
		fprintf(stderr, "hindsight mount: bad mount options '%s'\n", optbuf);
		err = -EINVAL;
		goto out;
	}
	/* libfuse only takes signals that are not ignored; a shell starts
	 * background jobs with SIGINT ignored, and we want it to unmount */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (fuse_set_signal_handlers(d.se) != 0) {
		err = -EIO;
		goto out_session;
	}
	if (fuse_session_mount(d.se, mountpoint) != 0) {
		fprintf(stderr, "hindsight mount: cannot mount on %s\n", mountpoint);
		err = -EIO;
		goto out_signals;
	}
	/* before daemonizing, so that what it says reaches the terminal; the
	 * fork keeps its filters */
	if (opt->after_mount && opt->after_mount(opt->after_mount_arg) != 0) {
		err = -EPERM;
		goto out_unmount;
	}
	if (fuse_daemonize(opt->foreground) != 0) {
		err = -EIO;
		goto out_unmount;
	}
	err = opt->in_child ? serve_in_child(&d, opt) : serve_loop(&d, opt);
out_unmount:
	fuse_session_unmount(d.se);
out_signals:
	fuse_remove_signal_handlers(d.se);
out_session:
	fuse_session_destroy(d.se);
out:
	fuse_opt_free_args(&args);
	free(optbuf);
	daemon_release(&d);
	return err;
}
