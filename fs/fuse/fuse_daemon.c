/* fuse_daemon.c - the tree through libfuse3's low-level API.
 *
 * The kernel names files by inode number.  Our inode numbers are hashes of
 * tree nodes (hs_tree_ino), so they are stable, but a hash cannot be turned
 * back into a node: the daemon keeps a table ino -> node for every inode the
 * kernel holds, counting lookups and dropping an entry when the kernel
 * forgets it.  The kernel's own cache bounds the table; the query library's
 * cache is capped separately.  Nothing in the tree ever changes, so entries
 * and attributes are cached by the kernel for a long time and file pages
 * are kept across opens.
 */
#define FUSE_USE_VERSION 34
#include "hindsight/fusefs.h"
#include "hindsight/tree.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT 86400.0 /* seconds: the tree never changes */
#define READ_MAX (1u << 20)

struct inode {
	uint64_t ino;
	uint64_t nlookup;
	struct hs_tree_node node;
	struct inode *next;
};

struct daemon {
	struct hs_tree *tree;
	pthread_mutex_t lock;
	struct inode **buckets;
	size_t n_buckets, n_inodes;
	uid_t uid;
	gid_t gid;
	time_t mtime;
};

/* ---- the inode table -------------------------------------------------------- */

static struct inode **bucket(struct daemon *d, uint64_t ino)
{
	return &d->buckets[(ino * 0x9e3779b97f4a7c15ull) >> 40 & (d->n_buckets - 1)];
}

static int grow_table(struct daemon *d)
{
	size_t n = d->n_buckets * 2;
	struct inode **v = calloc(n, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_buckets; i++) {
		struct inode *e = d->buckets[i], *next;
		for (; e; e = next) {
			struct inode **b;
			next = e->next;
			b = &v[(e->ino * 0x9e3779b97f4a7c15ull) >> 40 & (n - 1)];
			e->next = *b;
			*b = e;
		}
	}
	free(d->buckets);
	d->buckets = v;
	d->n_buckets = n;
	return 0;
}

/* Node of an inode the kernel knows; false if it does not. */
static bool node_of(struct daemon *d, fuse_ino_t ino, struct hs_tree_node *out)
{
	struct inode *e;
	bool found = false;

	if (ino == FUSE_ROOT_ID) {
		hs_tree_root(out);
		return true;
	}
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

static int remember(struct daemon *d, uint64_t ino, const struct hs_tree_node *n)
{
	struct inode *e;
	int err = 0;

	if (ino == FUSE_ROOT_ID)
		return 0;
	pthread_mutex_lock(&d->lock);
	for (e = *bucket(d, ino); e; e = e->next)
		if (e->ino == ino)
			break;
	if (!e) {
		if (d->n_inodes >= d->n_buckets && grow_table(d) < 0) {
			err = -ENOMEM;
			goto out;
		}
		e = calloc(1, sizeof(*e));
		if (!e) {
			err = -ENOMEM;
			goto out;
		}
		e->ino = ino;
		e->node = *n;
		e->next = *bucket(d, ino);
		*bucket(d, ino) = e;
		d->n_inodes++;
	}
	e->nlookup++;
out:
	pthread_mutex_unlock(&d->lock);
	return err;
}

static void forget_one(struct daemon *d, fuse_ino_t ino, uint64_t nlookup)
{
	struct inode **p, *e;

	pthread_mutex_lock(&d->lock);
	for (p = bucket(d, ino); (e = *p); p = &e->next) {
		if (e->ino != ino)
			continue;
		e->nlookup = e->nlookup > nlookup ? e->nlookup - nlookup : 0;
		if (e->nlookup == 0) {
			*p = e->next;
			free(e);
			d->n_inodes--;
		}
		break;
	}
	pthread_mutex_unlock(&d->lock);
}

/* ---- helpers -------------------------------------------------------------- */

static struct daemon *daemon_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Tree errors as the kernel should see them. */
static int errno_of(int err)
{
	switch (err) {
	case -EINVAL:
	case -ERANGE:
	case -ESRCH:
		return ENOENT; /* malformed or out-of-range names do not exist */
	case -EBADMSG:
	case -EPROTO:
		return EIO;
	default:
		return -err;
	}
}

static int fill_stat(struct daemon *d, const struct hs_tree_node *n, struct stat *st,
		     bool *direct)
{
	struct hs_tree_attr a;
	int err = hs_tree_getattr(d->tree, n, &a);

	if (err < 0)
		return err;
	memset(st, 0, sizeof(*st));
	st->st_ino = a.ino;
	st->st_uid = d->uid;
	st->st_gid = d->gid;
	st->st_atime = st->st_mtime = st->st_ctime = d->mtime;
	st->st_blksize = 4096;
	switch (a.type) {
	case HS_TREE_DIR:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		break;
	case HS_TREE_LINK:
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		st->st_size = (off_t)a.size;
		break;
	default:
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = (off_t)a.size;
		st->st_blocks = (blkcnt_t)((a.size + 511) / 512);
		break;
	}
	if (direct)
		*direct = !a.size_known;
	return 0;
}

/* ---- operations ------------------------------------------------------------------ */

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct daemon *d = daemon_of(req);
	struct fuse_entry_param e;
	struct hs_tree_node p, c;
	int err;

	if (!node_of(d, parent, &p)) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	err = hs_tree_child(d->tree, &p, name, &c);
	memset(&e, 0, sizeof(e));
	if (!err)
		err = fill_stat(d, &c, &e.attr, NULL);
	if (!err)
		err = remember(d, e.attr.st_ino, &c);
	if (err < 0) {
		if (err == -ENOENT || err == -EINVAL || err == -ERANGE) {
			/* cache the negative answer too: the tree never changes */
			e.ino = 0;
			e.entry_timeout = TIMEOUT;
			fuse_reply_entry(req, &e);
			return;
		}
		fuse_reply_err(req, errno_of(err));
		return;
	}
	e.ino = e.attr.st_ino;
	e.generation = 1;
	e.attr_timeout = TIMEOUT;
	e.entry_timeout = TIMEOUT;
	fuse_reply_entry(req, &e);
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

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	struct stat st;
	int err;

	(void)fi;
	if (!node_of(d, ino, &n)) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	err = fill_stat(d, &n, &st, NULL);
	if (err < 0)
		fuse_reply_err(req, errno_of(err));
	else
		fuse_reply_attr(req, &st, TIMEOUT);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	char buf[256];
	int len;

	if (!node_of(d, ino, &n)) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	len = hs_tree_readlink(d->tree, &n, buf, sizeof(buf));
	if (len < 0)
		fuse_reply_err(req, errno_of(len));
	else
		fuse_reply_readlink(req, buf);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	struct stat st;
	bool direct = false;
	int err;

	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC)) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (!node_of(d, ino, &n)) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	err = fill_stat(d, &n, &st, &direct);
	if (err < 0) {
		fuse_reply_err(req, errno_of(err));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	fi->direct_io = direct;
	fi->keep_cache = !direct;
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
	if (!node_of(d, ino, &n)) {
		fuse_reply_err(req, ESTALE);
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
}

static void op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n;
	int64_t r;

	(void)fi;
	if (!node_of(d, ino, &n)) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	r = hs_tree_seek(d->tree, &n, (uint64_t)off, whence);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_lseek(req, (off_t)r);
}

/* A directory's listing, made at opendir and served from memory. */
struct listing {
	char *buf;
	size_t len, cap;
	size_t *ends;       /* where each entry ends in buf */
	size_t n_ends, cap_ends;
	fuse_req_t req;
	struct daemon *d;
	size_t count;
};

static int add_entry(void *ctx, const char *name, const struct hs_tree_node *child)
{
	struct listing *l = ctx;
	struct stat st;
	size_t need;

	memset(&st, 0, sizeof(st));
	st.st_ino = hs_tree_ino(child);
	st.st_mode = child->kind ? 0 : 0;
	need = fuse_add_direntry(l->req, NULL, 0, name, NULL, 0);
	if (l->len + need > l->cap) {
		size_t cap = (l->cap ? l->cap * 2 : 4096) + need;
		char *b = realloc(l->buf, cap);
		if (!b)
			return -ENOMEM;
		l->buf = b;
		l->cap = cap;
	}
	if (l->n_ends == l->cap_ends) {
		size_t cap = l->cap_ends ? 2 * l->cap_ends : 64;
		size_t *v = realloc(l->ends, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->ends = v;
		l->cap_ends = cap;
	}
	l->ends[l->n_ends++] = l->len + need;
	l->count++;
	fuse_add_direntry(l->req, l->buf + l->len, l->cap - l->len, name, &st,
			  (off_t)(l->len + need));
	l->len += need;
	return 0;
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *d = daemon_of(req);
	struct hs_tree_node n, parent;
	struct listing *l;
	int err;

	if (!node_of(d, ino, &n)) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	l->req = req;
	l->d = d;
	hs_tree_root(&parent);
	err = add_entry(l, ".", &n);
	if (!err)
		err = add_entry(l, "..", &parent);
	if (!err)
		err = hs_tree_readdir(d->tree, &n, add_entry, l);
	if (err < 0) {
		free(l->buf);
		free(l->ends);
		free(l);
		fuse_reply_err(req, errno_of(err));
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)l;
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct listing *l = (struct listing *)(uintptr_t)fi->fh;
	size_t start = (size_t)off, end;

	(void)ino;
	if (start >= l->len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	/* whole entries only: offsets are where entries end */
	end = start;
	for (size_t i = 0; i < l->n_ends; i++) {
		if (l->ends[i] <= start)
			continue;
		if (l->ends[i] - start > size)
			break;
		end = l->ends[i];
	}
	fuse_reply_buf(req, l->buf + start, end - start);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct listing *l = (struct listing *)(uintptr_t)fi->fh;

	(void)ino;
	if (l) {
		free(l->buf);
		free(l->ends);
		free(l);
	}
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
	fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops ops = {
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

int hs_fuse_serve(const char *trace_dir, const char *mountpoint,
		  const struct hs_fuse_options *opt)
{
	struct daemon d;
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se = NULL;
	struct fuse_loop_config cfg;
	struct stat st;
	char optbuf[512];
	int err;

	memset(&d, 0, sizeof(d));
	pthread_mutex_init(&d.lock, NULL);
	d.n_buckets = 1024;
	d.buckets = calloc(d.n_buckets, sizeof(*d.buckets));
	d.uid = getuid();
	d.gid = getgid();
	d.mtime = stat(trace_dir, &st) == 0 ? st.st_mtime : 0;
	if (!d.buckets)
		return -ENOMEM;
	err = hs_tree_open(trace_dir, opt->cache_bytes, &d.tree);
	if (err < 0) {
		fprintf(stderr, "hindsight mount: %s: %s%s\n", trace_dir, strerror(-err),
			err == -ENOENT ? " (run hindsight build first)" : "");
		goto out;
	}
	snprintf(optbuf, sizeof(optbuf), "ro,default_permissions,fsname=hindsight,subtype=hindsight%s%s",
		 opt->fuse_opts ? "," : "", opt->fuse_opts ? opt->fuse_opts : "");
	if (fuse_opt_add_arg(&args, "hindsight") || fuse_opt_add_arg(&args, "-o") ||
	    fuse_opt_add_arg(&args, optbuf)) {
		err = -ENOMEM;
		goto out;
	}
	se = fuse_session_new(&args, &ops, sizeof(ops), &d);
	if (!se) {
		err = -EINVAL;
		goto out;
	}
	if (fuse_set_signal_handlers(se) != 0) {
		err = -EIO;
		goto out_session;
	}
	if (fuse_session_mount(se, mountpoint) != 0) {
		fprintf(stderr, "hindsight mount: cannot mount on %s\n", mountpoint);
		err = -EIO;
		goto out_signals;
	}
	if (fuse_daemonize(opt->foreground) != 0) {
		err = -EIO;
		goto out_unmount;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.clone_fd = 0;
	cfg.max_idle_threads = opt->threads > 0 ? (unsigned)opt->threads : 10;
	err = fuse_session_loop_mt(se, &cfg) < 0 ? -EIO : 0;
out_unmount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out:
	fuse_opt_free_args(&args);
	hs_tree_close(d.tree);
	for (size_t i = 0; d.buckets && i < d.n_buckets; i++) {
		struct inode *e = d.buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(d.buckets);
	pthread_mutex_destroy(&d.lock);
	return err;
}
