/* dbfile_fd.c - files opened when read, within one budget of descriptors
 * for the whole process.
 *
 * A recording of hundreds of processes has fourteen database files and a
 * stream per image: opened all at once, 600 images take 8,400 descriptors
 * and `cat` fails under `ulimit -n 1024`.  So a reader's file is opened at
 * its first read and, once no read holds it, put on an idle list; when the
 * open ones reach the budget the least recently used idle one is closed
 * (and opened again when next read).  A read pins the descriptor from get
 * to put, so no other thread closes it under a pread.
 *
 * The budget is three quarters of RLIMIT_NOFILE (the CLI raises the soft
 * limit to the hard one) minus 32, at least 16: the rest is for sockets,
 * FUSE, spill files and the mapped files that memory reads open.  Those
 * others can be many (libdw keeps each module's ELF and debug files open,
 * a set per distinct program), so every 16th open counts the process's
 * descriptors (/proc/self/fd) and the budget shrinks to leave the others
 * what they hold plus an eighth of the limit.
 *
 * A file opened again must be the one first opened (same device, inode
 * and size): a database rebuilt, or a recording made again, in the same
 * folder while a reader runs has other bytes at the offsets its
 * directory says.  Then reads fail with -ESTALE and one line says to
 * open the recording again, rather than report damage.
 */
#include "hindsight/dbfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hs_dbfile_fd *idle_head, *idle_tail; /* most recent first */
static size_t n_open, budget, limit;
static size_t others;     /* descriptors not ours, as last counted */
static unsigned n_opens;  /* opens since the process started */

/* Sets budget and limit from RLIMIT_NOFILE (locked). */
static void fd_budget(void)
{
	struct rlimit rl;

	budget = 16;
	limit = SIZE_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
		budget = 1u << 20;
		return;
	}
	limit = (size_t)rl.rlim_cur;
	if (rl.rlim_cur / 4 * 3 > 48)
		budget = (size_t)(rl.rlim_cur / 4 * 3) - 32;
}

static void idle_unlink(struct hs_dbfile_fd *l)
{
	if (!l->idle)
		return;
	if (l->prev)
		l->prev->next = l->next;
	else
		idle_head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	else
		idle_tail = l->prev;
	l->prev = l->next = NULL;
	l->idle = false;
}

/* Closes the least recently used idle file; false if none is idle. */
static bool evict_one(void)
{
	struct hs_dbfile_fd *v = idle_tail;

	if (!v)
		return false;
	idle_unlink(v);
	close(v->fd);
	v->fd = -1;
	n_open--;
	return true;
}

int hs_dbfile_fd_init(struct hs_dbfile_fd *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->path = strdup(path);
	return l->path ? 0 : -ENOMEM;
}

/* Is fd the file l first opened?  Records it the first time (locked). */
static int same_file(struct hs_dbfile_fd *l, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!l->known) {
		l->known = true;
		l->dev = (uint64_t)st.st_dev;
		l->ino = (uint64_t)st.st_ino;
		l->size = (int64_t)st.st_size;
		return 0;
	}
	if (l->dev == (uint64_t)st.st_dev && l->ino == (uint64_t)st.st_ino &&
	    l->size == (int64_t)st.st_size)
		return 0;
	if (!l->stale_said)
		fprintf(stderr, "hindsight: %s: replaced since it was opened (built or recorded "
			"again?): open the recording again\n", l->path);
	l->stale_said = true;
	return -ESTALE;
}

/* Counts the descriptors of the process that are not ours (locked). */
static void count_others(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	n = n ? n - 1 : 0; /* the DIR's own */
	others = n > n_open ? n - n_open : 0;
}

/* Opens l (locked): within the budget, and leaving the others what they
 * hold and an eighth of the limit. */
static int open_locked(struct hs_dbfile_fd *l)
{
	size_t cap = budget, room = limit / 8 < 8 ? 8 : limit / 8;
	int fd, err;

	if (limit != SIZE_MAX) {
		if (n_opens++ % 16 == 0)
			count_others();
		if (others + room + cap > limit)
			cap = limit > others + room + 8 ? limit - others - room : 8;
	}
	while (n_open >= cap && evict_one())
		;
	for (;;) {
		fd = open(l->path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 || (errno != EMFILE && errno != ENFILE) || !evict_one())
			break;
	}
	if (fd < 0)
		return -errno;
	err = same_file(l, fd);
	if (err) {
		close(fd);
		return err;
	}
	l->fd = fd;
	n_open++;
	return 0;
}

int hs_dbfile_fd_get(struct hs_dbfile_fd *l)
{
	int err = 0;

	pthread_mutex_lock(&fd_lock);
	if (!budget)
		fd_budget();
	if (l->fd < 0 && (err = open_locked(l)))
		goto out;
	idle_unlink(l);
	l->pins++;
out:
	pthread_mutex_unlock(&fd_lock);
	return err ? err : l->fd;
}

void hs_dbfile_fd_put(struct hs_dbfile_fd *l)
{
	pthread_mutex_lock(&fd_lock);
	if (l->pins && --l->pins == 0 && l->fd >= 0) {
		l->idle = true;
		l->prev = NULL;
		l->next = idle_head;
		if (idle_head)
			idle_head->prev = l;
		idle_head = l;
		if (!idle_tail)
			idle_tail = l;
	}
	pthread_mutex_unlock(&fd_lock);
}

void hs_dbfile_fd_close(struct hs_dbfile_fd *l)
{
	pthread_mutex_lock(&fd_lock);
	idle_unlink(l);
	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
		n_open--;
	}
	pthread_mutex_unlock(&fd_lock);
	free(l->path);
	l->path = NULL;
}

size_t hs_dbfile_fd_open_count(void)
{
	size_t n;

	pthread_mutex_lock(&fd_lock);
	n = n_open;
	pthread_mutex_unlock(&fd_lock);
	return n;
}

void hs_dbfile_fd_close_idle(void)
{
	pthread_mutex_lock(&fd_lock);
	while (evict_one())
		;
	pthread_mutex_unlock(&fd_lock);
}
