/* db_open.c - opening a database: manifest, process images, chunk tables. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "query_i.h"

static const char *const file_names[DB_N_KINDS] = {
	[HS_DB_CHUNKS] = "chunks.hdb",
	[HS_DB_EVENTS] = "events.hdb",
	[HS_DB_RUNS] = "runs.hdb",
	[HS_DB_PAGES] = "pages.hdb",
	[HS_DB_PAGEIDX] = "pageidx.hdb",
	[HS_DB_CALLS] = "calls.hdb",
	[HS_DB_CALLEE] = "callee.hdb",
	[HS_DB_CALLEES] = "callees.hdb",
	[HS_DB_STACKS] = "stacks.hdb",
	[HS_DB_LINES] = "lines.hdb",
	[HS_DB_LINEIDX] = "lineidx.hdb",
	[HS_DB_LINEFILES] = "linefiles.hdb",
	[HS_DB_THREADS] = "threads.hdb",
	[HS_DB_ADDRS] = "addrs.hdb",
	[HS_DB_CTXSW] = "ctxsw.hdb",
};

void db_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one write, so that lines of concurrent queries do not mix */
	fprintf(stderr, "hindsight: %s\n", line);
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* ---- manifest ------------------------------------------------------------ */

/* Checks format and version; -EPROTO for another version. */
static int read_manifest(const char *db_dir, json_object **out)
{
	char *path = path_join(db_dir, "manifest.json");
	json_object *m, *v;
	int64_t version;
	int err = 0;

	*out = NULL;
	if (!path)
		return -ENOMEM;
	m = json_object_from_file(path);
	if (!m) {
		db_log("%s: missing or unreadable; the database is incomplete: rebuild it with "
		       "'hindsight build'", path);
		err = -EBADMSG;
		goto out;
	}
	if (!json_object_object_get_ex(m, "format", &v) ||
	    strcmp(json_object_get_string(v), "hindsight-db") != 0) {
		db_log("%s: not a Hindsight database manifest", path);
		err = -EBADMSG;
		goto out;
	}
	version = json_object_object_get_ex(m, "version", &v) ? json_object_get_int64(v) : -1;
	if (version != HS_DB_FORMAT_VERSION) {
		db_log("%s: database format %" PRId64 ", this hindsight reads %d: rebuild it with "
		       "'hindsight build'", path, version, HS_DB_FORMAT_VERSION);
		err = -EPROTO;
		goto out;
	}
	*out = m;
	m = NULL;
out:
	json_object_put(m);
	free(path);
	return err;
}

/* ---- chunk tables ------------------------------------------------------ */

/* A CHUNKS record (db_format.h). */
#define CF(m, off, w) HS_LE_FIELD(struct db_chunk, m, off, w)
static const struct hs_le_field chunk_fields[] = {
	CF(seq, 0, 8), CF(first_t, 8, 8), CF(end_t, 16, 8), CF(offset, 24, 8),
	CF(comp_size, 32, 4), CF(raw_size, 36, 4), CF(payload_xxh, 40, 8),
};
#undef CF

static int load_chunks(struct hs_db_image *img)
{
	const struct hs_dbfile *f = img->files[HS_DB_CHUNKS];
	uint64_t n = hs_dbfile_record_count(f);
	size_t k = 0;

	img->chunks = calloc(n ? n : 1, sizeof(*img->chunks));
	if (!img->chunks)
		return -ENOMEM;
	for (size_t b = 0; b < hs_dbfile_block_count(f); b++) {
		const struct hs_dbfile_block_info *bi = hs_dbfile_block(f, b);
		uint8_t *data;
		int err = hs_dbfile_read_block(f, b, &data);

		if (err)
			return err;
		if (bi->raw != (uint64_t)bi->n_records * HS_DB_CHUNK_REC || k + bi->n_records > n) {
			free(data);
			return db_corrupt(f, b, "record count does not match its size");
		}
		for (uint32_t i = 0; i < bi->n_records; i++, k++) {
			const uint8_t *r = data + (size_t)i * HS_DB_CHUNK_REC;
			struct db_chunk *c = &img->chunks[k];

			hs_le_unpack(c, r, chunk_fields, HS_LE_NFIELDS(chunk_fields));
			if (c->seq != k || c->end_t < c->first_t ||
			    c->raw_size > HS_CHUNK_MAX_RAW ||
			    (k && c->first_t != img->chunks[k - 1].end_t)) {
				free(data);
				return db_corrupt(f, b, "chunk table out of order");
			}
		}
		free(data);
	}
	if (k != n)
		return db_corrupt(f, 0, "fewer chunk records than the header says");
	img->n_chunks = k;
	img->t_end = k ? img->chunks[k - 1].end_t : 0;
	return 0;
}

int db_chunk_of(const struct hs_db_image *img, uint64_t t, size_t *c)
{
	size_t lo = 0, hi = img->n_chunks;

	if (!img->n_chunks || t > img->t_end)
		return -ERANGE;
	/* the last chunk with first_t <= t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->chunks[mid].first_t <= t)
			lo = mid;
		else
			hi = mid;
	}
	*c = lo;
	return 0;
}

/* ---- code tables: loaded when used, freed when idle ----------------------
 *
 * An image's code table (code.hst compiled: tens of MB even for /bin/true,
 * whose ld.so and libc start-up alone run thousands of superblocks) is
 * what a replay decodes with.  Kept for the life of the database, reading
 * 200 images took 7.6 GB.  So db_code() holds the table for its caller
 * until db_code_put(); an image that no one holds goes to the head of a
 * list of idle loaded images, and when that list is longer than
 * db->code_keep the image at its tail loses its table, its pooled
 * decoders and its instruction index (all built over the table), to be
 * loaded again when next used.  One lock (db->code_lock) guards every
 * image's share of this; loading and freeing run outside it. */

/* What an idle image loses (freed by the caller, unlocked). */
struct code_state {
	struct hs_trace_code *code;
	struct db_insn_index *insns;
	struct db_dec *idle;
};

static void lru_unlink(struct hs_db *db, struct hs_db_image *img)
{
	if (!img->in_lru)
		return;
	if (img->lru_prev)
		img->lru_prev->lru_next = img->lru_next;
	else
		db->lru_head = img->lru_next;
	if (img->lru_next)
		img->lru_next->lru_prev = img->lru_prev;
	else
		db->lru_tail = img->lru_prev;
	img->lru_prev = img->lru_next = NULL;
	img->in_lru = false;
	db->n_lru--;
}

/* One more holder of img's loaded code (locked). */
static void code_hold(struct hs_db_image *img)
{
	lru_unlink(img->db, img);
	img->code_refs++;
}

int db_code(struct hs_db_image *img, const struct hs_trace_code **code)
{
	struct hs_db *db = img->db;
	struct hs_trace_err terr = { "" };
	struct hs_trace_code *mine = NULL;
	char *path;
	int err;

	*code = NULL;
	pthread_mutex_lock(&db->code_lock);
	if (img->code)
		code_hold(img);
	*code = img->code;
	err = img->code_err;
	pthread_mutex_unlock(&db->code_lock);
	if (*code || err)
		return err;
	/* load unlocked (it can take a while); the first to finish wins */
	path = path_join(img->proc_dir, "code.hst");
	err = path ? hs_trace_code_load(path, &mine, &terr) : -ENOMEM;
	if (err == -EMFILE || err == -ENFILE) {
		/* the database's idle files make room (dbfile_fd.c) */
		hs_dbfile_fd_close_idle();
		terr.msg[0] = 0;
		err = hs_trace_code_load(path, &mine, &terr);
	}
	free(path);
	if (err)
		db_log("%s", terr.msg[0] ? terr.msg : "cannot load code.hst");
	pthread_mutex_lock(&db->code_lock);
	if (!img->code && !img->code_err) {
		img->code = mine;
		mine = NULL;
		if (img->code)
			db->code_loads++;
		else if (err != -EMFILE && err != -ENFILE && err != -ENOMEM)
			img->code_err = err; /* kept: the file will not change */
	}
	if (img->code) {
		code_hold(img);
		err = 0;
	} else if (img->code_err) {
		err = img->code_err;
	}
	*code = img->code;
	pthread_mutex_unlock(&db->code_lock);
	hs_trace_code_free(mine);
	return err;
}

void db_code_put(struct hs_db_image *img)
{
	struct hs_db *db = img->db;
	struct code_state gone = { NULL, NULL, NULL };
	struct hs_db_image *v;

	pthread_mutex_lock(&db->code_lock);
	if (img->code_refs && --img->code_refs == 0 && img->code) {
		img->lru_prev = NULL;
		img->lru_next = db->lru_head;
		if (db->lru_head)
			db->lru_head->lru_prev = img;
		db->lru_head = img;
		if (!db->lru_tail)
			db->lru_tail = img;
		img->in_lru = true;
		db->n_lru++;
	}
	/* each put adds one image at most: one goes at most */
	if (db->n_lru > db->code_keep) {
		v = db->lru_tail;
		lru_unlink(db, v);
		gone = (struct code_state){ v->code, v->insns, v->idle };
		v->code = NULL;
		v->insns = NULL;
		v->idle = NULL;
	}
	pthread_mutex_unlock(&db->code_lock);
	db_dec_free_list(gone.idle);
	db_insn_index_free(gone.insns);
	hs_trace_code_free(gone.code);
}

/* ---- images ---------------------------------------------------------------- */

/* parent_name (32 bytes) receives "<pid>.<n>" of the image this one was
 * forked from, or "". */
/* The manifest's entry of image name, or NULL. */
static json_object *manifest_image(json_object *m, const char *name)
{
	json_object *imgs, *io, *v;

	if (!json_object_object_get_ex(m, "images", &imgs) ||
	    !json_object_is_type(imgs, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(imgs); i++) {
		io = json_object_array_get_idx(imgs, i);
		if (json_object_object_get_ex(io, "name", &v) &&
		    strcmp(json_object_get_string(v), name) == 0)
			return io;
	}
	return NULL;
}

/* A file's size must be what the manifest says (a cheap check: sizes
 * change when a file is replaced; the checksums inside catch the rest). */
static int check_file_size(json_object *mimg, const char *file, const char *path)
{
	json_object *files, *fo, *v;
	struct stat st;

	if (!mimg || !json_object_object_get_ex(mimg, "files", &files) ||
	    !json_object_object_get_ex(files, file, &fo) ||
	    !json_object_object_get_ex(fo, "size", &v))
		return 0;
	if (stat(path, &st) < 0)
		return 0; /* the open says why */
	if ((int64_t)st.st_size != json_object_get_int64(v)) {
		db_log("%s: %jd bytes, the database's manifest says %" PRId64 ": the file changed "
		       "since the build; rebuild with 'hindsight build'", path,
		       (intmax_t)st.st_size, json_object_get_int64(v));
		return -EBADMSG;
	}
	return 0;
}

static int image_open(struct hs_db *db, struct hs_db_image *img,
		      const struct hs_trace_proc *p, const char *db_dir, json_object *manifest,
		      char *parent_name)
{
	json_object *mimg = manifest_image(manifest, p->name);
	struct hs_dbfile_ident want = { .build = db->build_id };
	int err;

	img->db = db;
	img->stream_lfd.fd = -1;
	pthread_mutex_init(&img->lock, NULL);
	snprintf(img->name, sizeof(img->name), "%s", p->name);
	img->pid = p->pid;
	img->exec_index = p->exec_index;
	img->proc_dir = strdup(p->dir);
	img->dir = path_join(db_dir, p->name);
	if (!img->proc_dir || !img->dir)
		return -ENOMEM;
	for (uint32_t k = HS_DB_CHUNKS; k <= HS_DB_KIND_LAST; k++) {
		char *path = path_join(img->dir, file_names[k]);

		if (!path)
			return -ENOMEM;
		snprintf(want.image, sizeof(want.image), "%s", p->name);
		err = check_file_size(mimg, file_names[k], path);
		if (!err)
			err = hs_dbfile_open(path, k, &want, &img->files[k]);
		if (err == -ENOENT && k == HS_DB_ADDRS)
			err = 0;  /* optional: a build before it (db_format.h) */
		if (err == -ENOENT)
			db_log("%s: missing; the database is incomplete: rebuild it with "
			       "'hindsight build'", path);
		else if (err && err != -EBADMSG && err != -EPROTO)
			db_log("%s: %s", path, strerror(-err));
		free(path);
		if (err)
			return err == -ENOENT ? -EBADMSG : err;
	}
	err = load_chunks(img);
	if (!err)
		err = db_threads_load(img);
	if (err)
		return err;
	img->stream_path = path_join(img->proc_dir, "stream.hst");
	if (!img->stream_path)
		return -ENOMEM;
	{
		struct hs_trace_file_header h;
		struct hs_trace_err terr = { "" };

		err = hs_trace_read_file_header(img->stream_path, HS_STREAM_MAGIC, &h, &terr);
		if (err) {
			db_log("%s", terr.msg[0] ? terr.msg : "cannot read stream.hst");
			return err == -ENOENT ? -EBADMSG : err;
		}
		img->trace_version = h.version;
		if (h.pid != img->pid || h.exec_index != img->exec_index) {
			db_log("%s: the stream of process %" PRIu32 ".%" PRIu32 ", in the folder of "
			       "%s (moved from another folder?): put it back, or record again",
			       img->stream_path, h.pid, h.exec_index, img->name);
			return -EBADMSG;
		}
		if (h.flags & HS_FILE_FORKED) {
			snprintf(parent_name, 32, "%" PRIu32 ".%" PRIu32, h.parent_pid, h.parent_exec);
			img->parent_t = h.parent_t;
		}
	}
	/* opened when read, within the process's descriptor budget: the
	 * header above was read, so it is there */
	return hs_dbfile_fd_init(&img->stream_lfd, img->stream_path);
}

static void image_close(struct hs_db_image *img)
{
	db_dec_free_list(img->idle);
	for (uint32_t k = 0; k < DB_N_KINDS; k++)
		hs_dbfile_close(img->files[k]);
	hs_dbfile_fd_close(&img->stream_lfd);
	hs_trace_code_free(img->code);
	db_maps_free(img->maps);
	db_insn_index_free(img->insns);
	free(img->chunks);
	free(img->threads);
	free(img->thread_by_slot);
	free(img->stream_path);
	free(img->proc_dir);
	free(img->dir);
	pthread_mutex_destroy(&img->lock);
}

/* The image names the manifest lists, if it lists them; each must be a
 * process image of the recording. */
static int check_manifest_images(json_object *m, const struct hs_trace_proc *procs,
				 size_t n, const char *db_dir)
{
	json_object *imgs;

	if (!json_object_object_get_ex(m, "images", &imgs) ||
	    !json_object_is_type(imgs, json_type_array))
		return 0;
	if (json_object_array_length(imgs) != n) {
		db_log("%s: the database has %zu process images, the recording %zu: "
		       "rebuild it with 'hindsight build'", db_dir,
		       json_object_array_length(imgs), n);
		return -EBADMSG;
	}
	return 0;
}

/* The build's identity, which every .hdb header repeats. */
static int manifest_build_id(json_object *m, const char *db_dir, uint64_t *id)
{
	json_object *v;
	const char *s;

	if (!json_object_object_get_ex(m, "build_id", &v) ||
	    !(s = json_object_get_string(v)) || strlen(s) != 16 ||
	    strspn(s, "0123456789abcdef") != 16) {
		db_log("%s/manifest.json: no build_id; rebuild with 'hindsight build'", db_dir);
		return -EBADMSG;
	}
	*id = strtoull(s, NULL, 16);
	return 0;
}

int hs_db_open(const char *trace_dir, const struct hs_db_options *opt,
	       struct hs_db **out)
{
	struct hs_trace_proc *procs = NULL;
	struct hs_trace_err terr = { "" };
	json_object *manifest = NULL;
	struct hs_db *db;
	char *db_dir = NULL, *parents = NULL;
	size_t n_procs = 0;
	struct stat st;
	int err;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (!db)
		return -ENOMEM;
	pthread_mutex_init(&db->zstd_lock, NULL);
	pthread_mutex_init(&db->code_lock, NULL);
	db->code_keep = opt && opt->code_keep ? opt->code_keep : HS_DB_CODE_KEEP_DEFAULT;
	db->trace_dir = strdup(trace_dir);
	db_dir = path_join(trace_dir, "db");
	if (!db->trace_dir || !db_dir) {
		err = -ENOMEM;
		goto fail;
	}
	err = db_cache_init(&db->cache, opt && opt->cache_bytes ? opt->cache_bytes :
			    HS_DB_CACHE_DEFAULT);
	if (err)
		goto fail;
	if (stat(db_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (stat(trace_dir, &st) < 0)
			db_log("%s: %s", trace_dir, strerror(errno));
		else
			db_log("%s: no database; run 'hindsight build %s' first", db_dir, trace_dir);
		err = -ENOENT;
		goto fail;
	}
	err = read_manifest(db_dir, &manifest);
	if (err)
		goto fail;
	err = hs_trace_list_procs(trace_dir, &procs, &n_procs, &terr);
	if (err) {
		db_log("%s", terr.msg[0] ? terr.msg : "cannot list the process images");
		goto fail;
	}
	err = check_manifest_images(manifest, procs, n_procs, db_dir);
	if (err)
		goto fail;
	err = manifest_build_id(manifest, db_dir, &db->build_id);
	if (err)
		goto fail;
	err = hs_trace_mem_files_new(&db->files);
	if (err)
		goto fail;
	/* a packed recording reads its mapped files from the pack */
	db->pack_dir = hs_trace_pack_dir(trace_dir);
	if (db->pack_dir && (err = hs_trace_mem_files_set_pack(db->files, db->pack_dir)))
		goto fail;
	db->images = calloc(n_procs ? n_procs : 1, sizeof(*db->images));
	if (!db->images) {
		err = -ENOMEM;
		goto fail;
	}
	parents = calloc(n_procs ? n_procs : 1, 32);
	if (!parents) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n_procs; i++) {
		db->images[i].id = (uint32_t)i;
		db->n_images = i + 1;
		err = image_open(db, &db->images[i], &procs[i], db_dir, manifest,
				 parents + 32 * i);
		if (err)
			goto fail;
	}
	for (size_t i = 0; i < n_procs; i++) {
		const char *name = parents + 32 * i;

		if (!name[0])
			continue;
		db->images[i].parent = (struct hs_db_image *)hs_db_image_find(db, name);
		if (db->images[i].parent == &db->images[i])
			db->images[i].parent = NULL; /* damage */
		if (!db->images[i].parent)
			db_log("%s: forked from %s, which the recording lacks: memory it did not "
			       "write reads as zeros", db->images[i].name, name);
	}
	free(parents);
	parents = NULL;
	hs_trace_procs_free(procs, n_procs);
	json_object_put(manifest);
	free(db_dir);
	*out = db;
	return 0;
fail:
	free(parents);
	hs_trace_procs_free(procs, n_procs);
	json_object_put(manifest);
	free(db_dir);
	hs_db_close(db);
	return err;
}

void hs_db_close(struct hs_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n_images; i++)
		image_close(&db->images[i]);
	free(db->images);
	db_cache_destroy(&db->cache);
	hs_trace_mem_files_free(db->files);
	db_stream_cleanup(db);
	pthread_mutex_destroy(&db->zstd_lock);
	pthread_mutex_destroy(&db->code_lock);
	free(db->trace_dir);
	free(db->pack_dir);
	free(db);
}

size_t hs_db_image_count(const struct hs_db *db)
{
	return db->n_images;
}

const struct hs_db_image *hs_db_image_at(const struct hs_db *db, size_t i)
{
	return i < db->n_images ? &db->images[i] : NULL;
}

const struct hs_db_image *hs_db_image_find(const struct hs_db *db, const char *name)
{
	for (size_t i = 0; i < db->n_images; i++)
		if (strcmp(db->images[i].name, name) == 0)
			return &db->images[i];
	return NULL;
}

void hs_db_image_info(const struct hs_db_image *img, struct hs_db_image_info *out)
{
	*out = (struct hs_db_image_info){
		.name = img->name,
		.pid = img->pid,
		.exec_index = img->exec_index,
		.t_end = img->t_end,
		.chunks = img->n_chunks,
		.events = hs_dbfile_record_count(img->files[HS_DB_EVENTS]),
		.calls = hs_dbfile_record_count(img->files[HS_DB_CALLS]),
		.trace_version = img->trace_version,
		.parent = img->parent ? img->parent->name : NULL,
		.parent_t = img->parent ? img->parent_t : 0,
	};
}

void hs_db_cache_stats(const struct hs_db *db, struct hs_db_cache_stats *out)
{
	struct db_cache *c = (struct db_cache *)&db->cache;

	pthread_mutex_lock(&c->lock);
	*out = (struct hs_db_cache_stats){ .cap = c->cap, .used = c->used, .hits = c->hits,
					   .misses = c->misses, .evictions = c->evictions };
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_lock((pthread_mutex_t *)&db->code_lock);
	out->code_loads = db->code_loads;
	pthread_mutex_unlock((pthread_mutex_t *)&db->code_lock);
}

void hs_db_cache_drop(struct hs_db *db)
{
	db_cache_drop(&db->cache);
}

const char *hs_db_pack_dir(const struct hs_db *db)
{
	return db ? db->pack_dir : NULL;
}
