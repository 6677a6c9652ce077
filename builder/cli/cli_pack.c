/* cli_pack.c - the pack's manifest, object store and atomic publication
 * (see cli_pack.h).
 *
 * Publication: everything is written into TRACE/.pack.tmp.<pid> (old
 * objects hardlinked from TRACE/pack/objects, new ones stored), then that
 * folder is exchanged with TRACE/pack (renameat2 RENAME_EXCHANGE; a plain
 * rename for the first pack) and the old one removed.  So a reader sees
 * the old pack or the new one, never half of one.
 *
 * Objects are hardlinked from their origin only when no one may write the
 * origin (no write bit): a hardlink shares the inode, so an in-place edit
 * of a writable origin would change the "frozen" copy too; such files are
 * copied (a reflink first, where the file system has them).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <xxhash.h>

#include "cli_pack.h"
#include "hindsight/util.h"

static char *path2(const char *a, const char *b)
{
	char *p;

	return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static int rmtree(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT ? -errno : 0;
}

/* Temporary folders of packs that died (their pid is gone). */
static void remove_stale(const char *trace)
{
	DIR *d = opendir(trace);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *end, *p;
		long pid;

		if (strncmp(e->d_name, ".pack.tmp.", 10))
			continue;
		pid = strtol(e->d_name + 10, &end, 10);
		if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		if ((p = path2(trace, e->d_name)) && rmtree(p) == 0)
			fprintf(stderr, "hindsight pack: removed %s (left by a pack that died)\n", p);
		free(p);
	}
	if (d)
		closedir(d);
}

static int push(struct cli_pack *p, const char *kind, const char *key, const char *from,
		const char *object, uint64_t size)
{
	struct cli_pack_entry *e;

	if (hs_grow((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v)))
		return -ENOMEM;
	e = &p->v[p->n];
	memset(e, 0, sizeof(*e));
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	snprintf(e->object, sizeof(e->object), "%s", object ? object : "");
	e->size = size;
	e->key = strdup(key);
	e->from = strdup(from ? from : "");
	if (!e->key || !e->from) {
		free(e->key);
		free(e->from);
		return -ENOMEM;
	}
	p->n++;
	return 0;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

int cli_pack_load(const char *trace, struct cli_pack *p)
{
	json_object *m = NULL, *files, *v;
	char *mpath = NULL;
	int ret = -ENOMEM;

	memset(p, 0, sizeof(*p));
	if (!(p->trace = strdup(trace)) || !(p->dir = path2(trace, "pack")) ||
	    !(mpath = path2(p->dir, "manifest.json")))
		goto out;
	remove_stale(trace);
	ret = 0;
	if (access(mpath, F_OK) != 0)
		goto out;
	m = json_object_from_file(mpath);
	if (!m || !json_object_object_get_ex(m, "files", &files)) {
		fprintf(stderr, "hindsight pack: %s: not a pack manifest\n", mpath);
		ret = -EBADMSG;
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(files) && !ret; i++) {
		json_object *f = json_object_array_get_idx(files, i);
		const char *kind = jstr(f, "kind"), *key = jstr(f, "key"), *obj = jstr(f, "object");

		if (!kind || !key || !obj || strlen(obj) != 16) {
			fprintf(stderr, "hindsight pack: %s: bad entry %zu\n", mpath, i);
			ret = -EBADMSG;
			break;
		}
		ret = push(p, kind, key, jstr(f, "from"), obj,
			   json_object_object_get_ex(f, "size", &v) ?
			   (uint64_t)json_object_get_int64(v) : 0);
	}
	p->n_old = p->n;
out:
	json_object_put(m);
	free(mpath);
	return ret;
}

void cli_pack_free(struct cli_pack *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].from);
	}
	free(p->v);
	free(p->trace);
	free(p->dir);
	free(p->tmp);
	memset(p, 0, sizeof(*p));
}

bool cli_pack_has(const struct cli_pack *p, const char *kind, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].kind, kind) && !strcmp(p->v[i].key, key))
			return true;
	return false;
}

int cli_pack_add(struct cli_pack *p, const char *kind, const char *key, const char *from)
{
	int ret;

	if (cli_pack_has(p, kind, key))
		return 0;
	ret = push(p, kind, key, from, NULL, 0);
	return ret ? ret : 1;
}

/* ---- objects --------------------------------------------------------------- */

/* Copies fd into a new file at dst (a reflink where the file system can),
 * hashing what it copies. */
static int copy_hash(int in, const char *dst, uint64_t *xxh, uint64_t *size)
{
	char buf[1 << 16]; /* the CLI's main thread: 8 MiB of stack */
	XXH64_state_t *st = XXH64_createState();
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	ssize_t n;
	int ret = 0;

	if (!st || out < 0) {
		ret = out < 0 ? -errno : -ENOMEM;
		goto out;
	}
	XXH64_reset(st, 0);
	*size = 0;
	(void)ioctl(out, FICLONE, in); /* the read below still hashes */
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		XXH64_update(st, buf, (size_t)n);
		if (pwrite(out, buf, (size_t)n, (off_t)*size) != n) {
			ret = -EIO;
			goto out;
		}
		*size += (uint64_t)n;
	}
	if (n < 0 || ftruncate(out, (off_t)*size) < 0)
		ret = -errno;
	*xxh = XXH64_digest(st);
out:
	if (out >= 0 && close(out) < 0 && !ret)
		ret = -errno;
	XXH64_freeState(st);
	return ret;
}

static int hash_fd(int fd, uint64_t *xxh, uint64_t *size)
{
	char buf[1 << 16]; /* the CLI's main thread: 8 MiB of stack */
	XXH64_state_t *st = XXH64_createState();
	ssize_t n;

	if (!st)
		return -ENOMEM;
	XXH64_reset(st, 0);
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		XXH64_update(st, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	*xxh = XXH64_digest(st);
	XXH64_freeState(st);
	return n < 0 ? -errno : 0;
}

/* Stores e->from as objects/<xxh64> of the temporary folder. */
static int store_new(struct cli_pack *p, const char *objs, struct cli_pack_entry *e)
{
	char *in_path = path2(objs, ".incoming"), *obj = NULL;
	uint64_t xxh = 0, size = 0;
	bool link_it = false;
	struct stat st;
	int fd, ret;

	if (!in_path)
		return -ENOMEM;
	fd = open(e->from, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = fd < 0 ? -errno : -EINVAL;
		goto out;
	}
	link_it = (st.st_mode & 0222) == 0;
	ret = link_it ? hash_fd(fd, &xxh, &size) : copy_hash(fd, in_path, &xxh, &size);
	if (ret)
		goto out;
	snprintf(e->object, sizeof(e->object), "%016" PRIx64, xxh);
	e->size = size;
	if (!(obj = path2(objs, e->object))) {
		ret = -ENOMEM;
		goto out;
	}
	if (access(obj, F_OK) == 0) { /* the same bytes under another name */
		unlink(in_path);
		goto out;
	}
	if (link_it && link(e->from, obj) == 0) {
		p->linked++;
	} else if (link_it) { /* another file system, or not ours to link */
		ret = lseek(fd, 0, SEEK_SET) < 0 ? -errno : copy_hash(fd, in_path, &xxh, &size);
		if (!ret && rename(in_path, obj) < 0)
			ret = -errno;
		p->copied++;
	} else {
		ret = rename(in_path, obj) < 0 ? -errno : 0;
		p->copied++;
	}
	if (!ret)
		p->bytes_added += size;
out:
	if (ret)
		fprintf(stderr, "hindsight pack: %s: %s: not packed\n", e->from, strerror(-ret));
	if (fd >= 0)
		close(fd);
	free(in_path);
	free(obj);
	return ret;
}

/* ---- links and manifest ---------------------------------------------------- */

static int mkdirs(char *path) /* path's folders (not its last part) */
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		int r = mkdir(path, 0755);

		*s = '/';
		if (r < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/* tmp/<under>/<key's components> -> ../../objects/<object>; keys with
 * "." or ".." components or no leading '/' are left out (a reader joins
 * the raw path, which the kernel would resolve elsewhere). */
static int make_link(const char *tmp, const char *under, const char *key, const char *object)
{
	char *at = NULL, *target = NULL;
	size_t depth = 0, cap;
	int ret = 0;

	if (key[0] != '/' || strstr(key, "/./") || strstr(key, "/../") || strstr(key, "//"))
		return 0;
	for (const char *s = under; *s; s++)
		depth += *s == '/';
	for (const char *s = key; *s; s++)
		depth += *s == '/';
	cap = 3 * depth + 32;
	if (asprintf(&at, "%s/%s%s", tmp, under, key) < 0 || !(target = calloc(1, cap))) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0, k = 0; i <= depth; i++)
		k += (size_t)snprintf(target + k, cap - k, "%s",
				      i < depth ? "../" : "objects/");
	memcpy(target + 3 * depth + 8, object, strlen(object) + 1);
	if ((ret = mkdirs(at)) == 0 && symlink(target, at) < 0 && errno != EEXIST)
		ret = -errno;
out:
	free(at);
	free(target);
	return ret;
}

static int entry_link(const char *tmp, const struct cli_pack_entry *e)
{
	char key[512];

	if (strcmp(e->kind, "debug"))
		return make_link(tmp, "paths", e->key, e->object);
	/* debug/.build-id/xx/rest.debug: libdwfl's layout */
	if (strlen(e->key) < 3 || strlen(e->key) > 400)
		return 0;
	snprintf(key, sizeof(key), "/%.2s/%s.debug", e->key, e->key + 2);
	return make_link(tmp, "debug/.build-id", key, e->object);
}

static int write_manifest(const struct cli_pack *p)
{
	json_object *m = json_object_new_object(), *files = json_object_new_array();
	uint64_t bytes = 0;
	char *path = path2(p->tmp, "manifest.json");
	int ret = 0;

	for (size_t i = 0; m && files && i < p->n; i++) {
		const struct cli_pack_entry *e = &p->v[i];
		json_object *f = json_object_new_object();

		if (!e->object[0])
			continue;
		json_object_object_add(f, "kind", json_object_new_string(e->kind));
		json_object_object_add(f, "key", json_object_new_string(e->key));
		json_object_object_add(f, "object", json_object_new_string(e->object));
		json_object_object_add(f, "size", json_object_new_int64((int64_t)e->size));
		json_object_object_add(f, "from", json_object_new_string(e->from));
		json_object_array_add(files, f);
		bytes += e->size;
	}
	json_object_object_add(m, "format", json_object_new_int(1));
	json_object_object_add(m, "bytes", json_object_new_int64((int64_t)bytes));
	json_object_object_add(m, "files", files);
	if (!path || json_object_to_file_ext(path, m, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		ret = -EIO;
	json_object_put(m);
	free(path);
	return ret;
}

/* Objects of the old pack: hardlinked into the new one. */
static int keep_old(const struct cli_pack *p, const char *objs)
{
	int ret = 0;

	for (size_t i = 0; i < p->n_old && !ret; i++) {
		char *from = NULL, *to = path2(objs, p->v[i].object);

		if (asprintf(&from, "%s/objects/%s", p->dir, p->v[i].object) < 0 || !to)
			ret = -ENOMEM;
		else if (link(from, to) < 0 && errno != EEXIST)
			ret = -errno;
		if (ret)
			fprintf(stderr, "hindsight pack: %s: %s\n", from ? from : "", strerror(-ret));
		free(from);
		free(to);
	}
	return ret;
}

int cli_pack_publish(struct cli_pack *p)
{
	char name[64], *objs = NULL;
	int ret;

	snprintf(name, sizeof(name), ".pack.tmp.%d", (int)getpid());
	if (!(p->tmp = path2(p->trace, name)) || !(objs = path2(p->tmp, "objects")))
		return -ENOMEM;
	if (mkdir(p->tmp, 0755) < 0 || mkdir(objs, 0755) < 0) {
		ret = -errno;
		fprintf(stderr, "hindsight pack: %s: %s\n", p->tmp, strerror(-ret));
		goto out;
	}
	if ((ret = keep_old(p, objs)))
		goto out;
	for (size_t i = p->n_old; i < p->n; i++)
		if (store_new(p, objs, &p->v[i]))
			p->v[i].object[0] = 0; /* said; the rest is packed */
	for (size_t i = 0; i < p->n && !ret; i++)
		if (p->v[i].object[0])
			ret = entry_link(p->tmp, &p->v[i]);
	if (ret || (ret = write_manifest(p)))
		goto out;
	/* the commit: TRACE/pack is the old pack or the new one */
	if (access(p->dir, F_OK) == 0) {
		if (renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->dir, RENAME_EXCHANGE) < 0) {
			ret = -errno;
			goto out;
		}
	} else if (rename(p->tmp, p->dir) < 0) {
		ret = -errno;
		goto out;
	}
	rmtree(p->tmp); /* the old pack, or nothing */
	free(objs);
	return 0;
out:
	if (ret)
		fprintf(stderr, "hindsight pack: %s: %s\n", p->trace, strerror(-ret));
	rmtree(p->tmp);
	free(objs);
	return ret;
}
