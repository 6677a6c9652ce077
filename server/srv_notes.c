/* srv_notes.c - the notebook: notes attached to times, in DIR/notes.json.
 *
 * notes.json is a JSON array of {"id","t","text","created"}, rewritten
 * whole on every change, atomically: a temporary file in the same folder,
 * fsync, rename over notes.json, fsync of the folder.  A crash leaves the
 * old or the new notebook, never half of one.  A notes.json that does not
 * parse as a notebook stops the server at start (it is never overwritten).
 * One server per storage folder: two servers writing the same notebook
 * would each keep only their own changes.
 */
#include "srv_i.h"

#include "hindsight/db.h"

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_NOTES 10000
#define MAX_TEXT (16u << 10)

#define TMP_PREFIX ".notes.json.tmp."

struct srv_notes {
	pthread_mutex_t lock;
	char *dir, *file;
	struct json_object *arr;  /* owned */
};

struct json_object *srv_notes_copy(struct srv_notes *nb)
{
	struct json_object *copy = NULL;

	if (!nb)
		return NULL;
	pthread_mutex_lock(&nb->lock);
	if (nb->arr && json_object_deep_copy(nb->arr, &copy, NULL) != 0)
		copy = NULL;
	pthread_mutex_unlock(&nb->lock);
	return copy;
}

static bool note_valid(struct json_object *n)
{
	struct json_object *v;

	return json_object_is_type(n, json_type_object) &&
	       json_object_object_get_ex(n, "id", &v) && json_object_is_type(v, json_type_string) &&
	       json_object_object_get_ex(n, "t", &v) && json_object_is_type(v, json_type_int) &&
	       json_object_object_get_ex(n, "text", &v) && json_object_is_type(v, json_type_string) &&
	       json_object_object_get_ex(n, "created", &v) &&
	       json_object_is_type(v, json_type_string);
}

/* Temp files of saves that a kill interrupted: each is a whole copy of a
 * notebook, never read again.  unlink() removes a link, never its target. */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

int srv_notes_open(const char *dir, struct srv_notes **out, char *why, size_t cap)
{
	struct srv_notes *nb = calloc(1, sizeof(*nb));
	struct stat st;
	int err = 0;

	*out = NULL;
	if (!nb)
		return -ENOMEM;
	pthread_mutex_init(&nb->lock, NULL);
	nb->dir = strdup(dir);
	if (!nb->dir || asprintf(&nb->file, "%s/notes.json", dir) < 0) {
		nb->file = NULL;
		err = -ENOMEM;
		goto out_free;
	}
	if (stat(nb->file, &st) < 0) {
		if (errno != ENOENT) {
			err = -errno;
			snprintf(why, cap, "%s: %s", nb->file, strerror(errno));
			goto out_free;
		}
		nb->arr = json_object_new_array();
	} else {
		nb->arr = json_object_from_file(nb->file);
		if (!nb->arr || !json_object_is_type(nb->arr, json_type_array)) {
			err = -EBADMSG;
			snprintf(why, cap, "%s is not a notebook (a JSON array of notes); "
				 "move it away or pass another --storage", nb->file);
			goto out_free;
		}
		for (size_t i = 0; i < json_object_array_length(nb->arr); i++)
			if (!note_valid(json_object_array_get_idx(nb->arr, i))) {
				err = -EBADMSG;
				snprintf(why, cap, "%s: note %zu is not {id, t, text, created}",
					 nb->file, i);
				goto out_free;
			}
	}
	remove_stale(dir);
	*out = nb;
	return 0;
out_free:
	srv_notes_free(nb);
	return err;
}

void srv_notes_free(struct srv_notes *nb)
{
	if (!nb)
		return;
	json_object_put(nb->arr);
	pthread_mutex_destroy(&nb->lock);
	free(nb->dir);
	free(nb->file);
	free(nb);
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	int err = 0;

	if (!p)
		return -ENOMEM;
	for (char *c = p + 1; ; c++) {
		if (*c == '/' || !*c) {
			char save = *c;

			*c = 0;
			if (mkdir(p, 0755) < 0 && errno != EEXIST) {
				err = -errno;
				break;
			}
			*c = save;
			if (!save)
				break;
		}
	}
	free(p);
	return err;
}

/* Writes the notebook: temp file, fsync, rename, fsync the folder. */
static int notes_save(struct srv_notes *nb, struct json_object *arr)
{
	const char *text = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(text), done = 0;
	char *tmp = NULL;
	int fd = -1, dfd, err = 0;

	err = mkdir_p(nb->dir);
	if (err < 0)
		return err;
	/* a name no one can guess, created O_EXCL (a planted symlink or file
	 * makes it fail, never followed or truncated) */
	if (asprintf(&tmp, "%s/" TMP_PREFIX "XXXXXX", nb->dir) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	if (fchmod(fd, 0644) < 0) {
		err = -errno;
		goto out;
	}
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = -errno;
			goto out;
		}
		done += (size_t)w;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) < 0) {
		err = errno ? -errno : -EIO;
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		err = -errno;
		goto out;
	}
	fd = -1;
	if (rename(tmp, nb->file) < 0) {
		err = -errno;
		goto out;
	}
	dfd = open(nb->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (err < 0)
		unlink(tmp);
	free(tmp);
	return err;
}

/* The body as one JSON value in valid UTF-8, nothing after it. */
static struct json_object *parse_strict(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* The last moment of the recording (any image's), or UINT64_MAX while
 * its database is being built. */
static uint64_t last_t(struct hs_srv *s)
{
	struct hs_tree *tree;
	uint64_t end = 0;

	pthread_mutex_lock(&s->lock);
	tree = s->tree;
	pthread_mutex_unlock(&s->lock);
	if (!tree)
		return UINT64_MAX;
	for (size_t i = 0; i < hs_tree_image_count(tree); i++) {
		struct hs_db_image_info info;

		if (hs_tree_image_info(tree, i, &info) < 0)
			continue;
		if (info.t_end > end)
			end = info.t_end;
	}
	return end;
}

static int new_id(char *out)
{
	uint8_t b[8];

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		return -EIO;
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static void notes_post(struct hs_srv *s, struct srv_notes *nb, struct srv_req *req,
		       struct srv_reply *r)
{
	struct json_object *body, *jt, *jtext, *note;
	char id[17], created[32];
	time_t now = time(NULL);
	struct tm tm;
	int64_t t;
	int err;

	body = req->body ? parse_strict(req->body, req->body_len) : NULL;
	if (!body || !json_object_is_type(body, json_type_object) ||
	    !json_object_object_get_ex(body, "t", &jt) || !json_object_is_type(jt, json_type_int) ||
	    !json_object_object_get_ex(body, "text", &jtext) ||
	    !json_object_is_type(jtext, json_type_string)) {
		json_object_put(body);
		return srv_reply_status(r, 400, "EINVAL", "the body must be {\"t\": T, \"text\": \"...\"}");
	}
	t = json_object_get_int64(jt);
	if (t < 0 || (uint64_t)t > last_t(s) ||
	    (size_t)json_object_get_string_len(jtext) > MAX_TEXT) {
		json_object_put(body);
		return srv_reply_status(r, 400, "EINVAL", "t must be a moment of the recording "
					"(0 to its end) and text at most %u bytes", MAX_TEXT);
	}
	if (new_id(id) < 0) {
		json_object_put(body);
		return srv_reply_error(r, -EIO, "no random bytes for an id");
	}
	gmtime_r(&now, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	note = json_object_new_object();
	json_object_object_add(note, "id", json_object_new_string(id));
	json_object_object_add(note, "t", json_object_new_int64(t));
	json_object_object_add(note, "text", json_object_get(jtext));
	json_object_object_add(note, "created", json_object_new_string(created));
	json_object_put(body);

	pthread_mutex_lock(&nb->lock);
	if (json_object_array_length(nb->arr) >= MAX_NOTES) {
		pthread_mutex_unlock(&nb->lock);
		json_object_put(note);
		return srv_reply_status(r, 400, "EINVAL", "the notebook is full (%u notes)",
					MAX_NOTES);
	}
	json_object_array_add(nb->arr, json_object_get(note));
	err = notes_save(nb, nb->arr);
	if (err < 0)
		json_object_array_del_idx(nb->arr, json_object_array_length(nb->arr) - 1, 1);
	pthread_mutex_unlock(&nb->lock);
	if (err < 0) {
		srv_log(s, HS_SRV_LOG_ERROR, "cannot save %s: %s", nb->file, strerror(-err));
		srv_reply_status(r, 500, "EIO", "cannot save the notebook: %s", strerror(-err));
	} else {
		srv_reply_json(r, 201, note);
	}
	json_object_put(note);
}

static void notes_delete(struct hs_srv *s, struct srv_notes *nb, const char *id,
			 struct srv_reply *r)
{
	struct json_object *v, *keep;
	size_t i, n, found = SIZE_MAX;
	int err = 0;

	pthread_mutex_lock(&nb->lock);
	n = json_object_array_length(nb->arr);
	keep = json_object_new_array();
	for (i = 0; i < n; i++) {
		struct json_object *note = json_object_array_get_idx(nb->arr, i);

		if (found == SIZE_MAX && json_object_object_get_ex(note, "id", &v) &&
		    strcmp(json_object_get_string(v), id) == 0)
			found = i;
		else
			json_object_array_add(keep, json_object_get(note));
	}
	/* the notebook changes only once the file says so */
	if (found != SIZE_MAX)
		err = notes_save(nb, keep);
	if (found != SIZE_MAX && err == 0) {
		json_object_put(nb->arr);
		nb->arr = keep;
		keep = NULL;
	}
	pthread_mutex_unlock(&nb->lock);
	json_object_put(keep);
	i = found == SIZE_MAX ? n : found;
	if (i == n)
		return srv_reply_status(r, 404, "ENOENT", "no note %s", id);
	if (err < 0) {
		srv_log(s, HS_SRV_LOG_ERROR, "cannot save %s: %s", nb->file, strerror(-err));
		return srv_reply_status(r, 500, "EIO", "cannot save the notebook: %s",
					strerror(-err));
	}
	r->status = 204;
	r->type = NULL;
}

void srv_api_notes(struct hs_srv *s, struct srv_req *req, const char *method,
		   const char *id, struct srv_reply *r)
{
	struct srv_notes *nb = s->notes;

	if (strcmp(method, "POST") == 0)
		return notes_post(s, nb, req, r);
	if (strcmp(method, "DELETE") == 0)
		return notes_delete(s, nb, id, r);
	pthread_mutex_lock(&nb->lock);
	srv_reply_json(r, 200, nb->arr);
	pthread_mutex_unlock(&nb->lock);
}
