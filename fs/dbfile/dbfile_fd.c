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
 * FUSE, spill files and the mapped files that memory reads open.
 */
#include "hindsight/dbfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hs_dbfile_fd *idle_head, *idle_tail; /* most recent first */
static size_t n_open, budget;

static size_t fd_budget(void)
{
	struct rlimit rl;
	size_t b = 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 4 * 3 > 48)
		b = (size_t)(rl.rlim_cur / 4 * 3) - 32;
	else if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY)
		b = 1u << 20;
	return b;
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

int hs_dbfile_fd_get(struct hs_dbfile_fd *l)
{
	int fd, err = 0;

	pthread_mutex_lock(&fd_lock);
	if (!budget)
		budget = fd_budget();
	if (l->fd < 0) {
		while (n_open >= budget && evict_one())
			;
		for (;;) {
			fd = open(l->path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 || (errno != EMFILE && errno != ENFILE) || !evict_one())
				break;
		}
		if (fd < 0) {
			err = -errno;
			goto out;
		}
		l->fd = fd;
		n_open++;
	}
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
