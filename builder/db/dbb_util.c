/* dbb_util.c - small helpers of the builder: errors, paths, folders, files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "dbb_i.h"

void dbb_err_set(struct hs_dbb_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->msg[0]) /* keep the first, most precise message */
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

char *dbb_path(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

int dbb_mkdir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int dbb_rmtree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char *p;
		int r;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = dbb_path(path, e->d_name);
		if (!p) {
			ret = -ENOMEM;
			break;
		}
		r = dbb_rmtree(p);
		free(p);
		if (r && !ret)
			ret = r;
	}
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

int dbb_fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int dbb_fsync_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char *p;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = dbb_path(path, e->d_name);
		if (!p) {
			ret = -ENOMEM;
			break;
		}
		if (!ret)
			ret = dbb_fsync_tree(p);
		free(p);
	}
	closedir(d);
	return ret ? ret : dbb_fsync_dir(path);
}

uint64_t dbb_tree_bytes(const char *path)
{
	struct stat st;
	uint64_t n = 0;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return (uint64_t)st.st_size;
	if (!S_ISDIR(st.st_mode) || !(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = dbb_path(path, e->d_name);
		if (p)
			n += dbb_tree_bytes(p);
		free(p);
	}
	closedir(d);
	return n;
}

int dbb_file_xxh(const char *path, uint64_t *xxh, uint64_t *size)
{
	XXH64_state_t *s;
	uint8_t *buf;
	uint64_t n = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	s = XXH64_createState();
	buf = malloc(1 << 20);
	if (!s || !buf) {
		ret = -ENOMEM;
		goto out;
	}
	XXH64_reset(s, 0);
	for (;;) {
		ssize_t r = read(fd, buf, 1 << 20);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -EIO;
			goto out;
		}
		if (r == 0)
			break;
		XXH64_update(s, buf, (size_t)r);
		n += (uint64_t)r;
	}
	*xxh = XXH64_digest(s);
	*size = n;
out:
	free(buf);
	if (s)
		XXH64_freeState(s);
	close(fd);
	return ret;
}

int dbb_write_file(const char *path, const void *data, size_t len)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = hs_write_all(fd, data, len, -1);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int dbb_read_file(const char *path, char **data, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t size;
	int fd, ret;

	*data = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	size = (size_t)st.st_size;
	buf = malloc(size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	/* -EBADMSG: the file shrank since fstat */
	ret = hs_read_full(fd, buf, size, 0);
	if (ret)
		goto out;
	buf[size] = 0;
	*data = buf;
	buf = NULL;
	if (len)
		*len = size;
out:
	free(buf);
	close(fd);
	return ret;
}

double dbb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

unsigned dbb_compress_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

struct par_arg {
	void (*fn)(void *ctx, unsigned i);
	void *ctx;
	unsigned i;
};

static void *par_main(void *arg)
{
	struct par_arg *a = arg;

	a->fn(a->ctx, a->i);
	return NULL;
}

void dbb_parallel(unsigned n, void (*fn)(void *ctx, unsigned i), void *ctx)
{
	enum { MAX_TH = 64 };
	pthread_t th[MAX_TH];
	struct par_arg a[MAX_TH];
	bool started[MAX_TH] = { false };

	for (unsigned i = 1; i < n && i < MAX_TH; i++) {
		a[i] = (struct par_arg){ fn, ctx, i };
		started[i] = pthread_create(&th[i], NULL, par_main, &a[i]) == 0;
	}
	fn(ctx, 0);
	for (unsigned i = 1; i < n; i++) {
		if (i < MAX_TH && started[i])
			pthread_join(th[i], NULL);
		else
			fn(ctx, i);
	}
}

int dbb_image_code(struct dbb_image *img, struct hs_dbb_err *err)
{
	struct hs_trace_err terr = { "" };
	char *path;
	int ret;

	if (img->code)
		return 0;
	path = dbb_path(img->dir, "code.hst");
	ret = path ? hs_trace_code_load(path, &img->code, &terr) : -ENOMEM;
	free(path);
	if (ret)
		dbb_err_set(err, "%s", terr.msg[0] ? terr.msg : strerror(-ret));
	return ret;
}
