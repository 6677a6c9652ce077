/* srv_play_gc.c - removing old playground runs: those older than
 * --keep-days, then the oldest while DATA/runs is over --keep-mb.  The
 * newest run and runs still running (no result.json, younger than an
 * hour) stay; so does a run whose recording a request is reading.
 *
 * Runs after each run and at start, one pass at a time (a pass that finds
 * another under way returns at once).
 */
#include "srv_play_i.h"

#include "hindsight/util.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct gc_run {
	char id[PLAY_ID_LEN + 1];
	time_t when;
	uint64_t bytes;
	bool done;               /* it has its result.json */
};

static __thread uint64_t du_sum;

static int du_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)path, (void)flag, (void)f;
	du_sum += (uint64_t)st->st_blocks * 512;
	return 0;
}

static uint64_t du(const char *path)
{
	du_sum = 0;
	nftw(path, du_one, 16, FTW_PHYS);
	return du_sum;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	remove(path);
	return 0;
}

static int by_when(const void *a, const void *b)
{
	const struct gc_run *x = a, *y = b;

	return x->when < y->when ? -1 : x->when > y->when;
}

/* The runs of runs_dir, oldest first: malloc'd array in *out. */
static int scan(const char *runs_dir, struct gc_run **out, size_t *n)
{
	DIR *d = opendir(runs_dir);
	struct dirent *de;
	struct gc_run *v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (strlen(de->d_name) != PLAY_ID_LEN || strspn(de->d_name, "0123456789abcdef") != PLAY_ID_LEN)
			continue;
		if (hs_grow((void **)&v, &cap, *n + 1, sizeof(*v)) < 0) {
			free(v);
			closedir(d);
			*n = 0;
			return -ENOMEM;
		}
		snprintf(path, sizeof path, "%s/%s", runs_dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		memcpy(v[*n].id, de->d_name, PLAY_ID_LEN + 1);
		v[*n].when = st.st_mtime;
		v[*n].bytes = du(path);
		snprintf(path, sizeof path, "%s/%s/result.json", runs_dir, de->d_name);
		v[*n].done = access(path, F_OK) == 0;
		(*n)++;
	}
	closedir(d);
	if (*n > 1) /* v is NULL when there is none */
		qsort(v, *n, sizeof(*v), by_when);
	*out = v;
	return 0;
}

int play_gc(const struct play_gc_opts *o)
{
	struct gc_run *v = NULL;
	uint64_t total = 0;
	time_t now = time(NULL);
	size_t n;
	int e = scan(o->runs_dir, &v, &n), removed = 0;

	if (e < 0)
		return e;
	for (size_t i = 0; i < n; i++)
		total += v[i].bytes;
	/* the newest (last) one stays whatever its size */
	for (size_t i = 0; i + 1 < n; i++) {
		bool old = o->keep_s && now - v[i].when > (time_t)o->keep_s;
		char path[PATH_MAX];

		if (!old && (!o->keep_bytes || total <= o->keep_bytes))
			continue;
		if (!v[i].done && now - v[i].when < 3600)
			continue; /* still running */
		if (o->release && o->release(o->ctx, v[i].id) < 0)
			continue; /* a request reads its recording */
		snprintf(path, sizeof path, "%s/%s", o->runs_dir, v[i].id);
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		total -= v[i].bytes;
		removed++;
	}
	free(v);
	return removed;
}
