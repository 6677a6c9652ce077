/* srv_procs.c - GET /api/procs: every process image of the recording, with
 * what the process picker needs to draw them as a tree: program, pid, the
 * image it came from (fork or exec) and how it ended.
 *
 * Everything comes from processes/<image>/info (the tree's own lines,
 * `parent:` included), read once per server: a recording does not change
 * once built.  The answer is kept as its JSON text (s->procs, under
 * s->lock); 121 images take about 30 ms the first time.
 */
#include "srv_i.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INFO_CAP (16u << 10)

struct srv_procs {
	char *json;
	size_t len;
};

struct names {
	char **v;
	size_t n, cap;
};

static int add_name(void *vctx, const char *name, const struct hs_tree_node *child)
{
	struct names *c = vctx;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		char **nv = realloc(c->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n] = strdup(name);
	if (!c->v[c->n])
		return -ENOMEM;
	c->n++;
	return 0;
}

/* The value of "key: value" in info (a copy, NUL-terminated in buf), or
 * NULL. */
static const char *info_value(const char *info, const char *key, char *buf, size_t cap)
{
	size_t kl = strlen(key);

	for (const char *l = info; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl) == 0 && l[kl] == ':' && l[kl + 1] == ' ') {
			size_t n = strcspn(l + kl + 2, "\n");

			if (n >= cap)
				n = cap - 1;
			memcpy(buf, l + kl + 2, n);
			buf[n] = 0;
			return buf;
		}
	}
	return NULL;
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* One image: {"index", "name", "pid", "program", "parent", "how",
 * "parent_t", "instructions", "ended"}. */
static struct json_object *proc_json(const char *name, size_t index, const char *info)
{
	struct json_object *o = json_object_new_object();
	char buf[1024], pname[64] = "", how[16] = "";
	unsigned long long pt = 0;
	long long n;
	const char *v;

	json_object_object_add(o, "index", json_object_new_int64((int64_t)index));
	json_object_object_add(o, "name", json_object_new_string(name));
	v = info_value(info, "pid", buf, sizeof buf);
	json_object_object_add(o, "pid", json_object_new_int64(v ? strtoll(v, NULL, 10) : 0));
	v = info_value(info, "program", buf, sizeof buf);
	json_object_object_add(o, "program", str_or_null(v));
	/* the image's last t: its retired instructions (info's count also
	 * has those that faulted, as lackey's) */
	v = info_value(info, "instructions", buf, sizeof buf);
	n = v ? strtoll(v, NULL, 10) : 0;
	v = info_value(info, "faulted", buf, sizeof buf);
	n -= v ? strtoll(v, NULL, 10) : 0;
	json_object_object_add(o, "instructions", json_object_new_int64(n));
	v = info_value(info, "ended-by", buf, sizeof buf);
	if (v && strcmp(v, "exit") == 0 && info_value(info, "exit-status", buf, sizeof buf)) {
		char e[64];

		snprintf(e, sizeof e, "exit %.40s", buf);
		json_object_object_add(o, "ended", json_object_new_string(e));
	} else if (v && strcmp(v, "signal") == 0 &&
		   info_value(info, "exit-signal", buf, sizeof buf)) {
		json_object_object_add(o, "ended", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "ended", str_or_null(v));
	}
	v = info_value(info, "parent", buf, sizeof buf);
	if (v && sscanf(v, "%63s %15s t=%llu", pname, how, &pt) >= 2) {
		json_object_object_add(o, "parent", json_object_new_string(pname));
		json_object_object_add(o, "how", json_object_new_string(how));
		json_object_object_add(o, "parent_t", strcmp(how, "fork") == 0 ?
				       json_object_new_int64((int64_t)pt) : NULL);
	} else {
		json_object_object_add(o, "parent", NULL);
		json_object_object_add(o, "how", NULL);
		json_object_object_add(o, "parent_t", NULL);
	}
	return o;
}

static int make_procs(struct hs_tree *tree, struct srv_procs **out)
{
	struct names names = { 0 };
	struct hs_tree_node dir;
	struct json_object *o = NULL, *arr;
	struct srv_procs *p = NULL;
	const char *text;
	size_t len;
	int err = hs_tree_resolve(tree, "processes", true, &dir);

	if (!err)
		err = hs_tree_readdir(tree, &dir, add_name, &names);
	if (err < 0)
		goto out;
	o = json_object_new_object();
	arr = json_object_new_array();
	json_object_object_add(o, "processes", arr);
	for (size_t i = 0; i < names.n; i++) {
		char path[256], *info = NULL;

		snprintf(path, sizeof path, "processes/%s/info", names.v[i]);
		err = srv_read_text(tree, path, INFO_CAP, &info, NULL);
		if (err < 0)
			goto out;
		json_object_array_add(arr, proc_json(names.v[i], i, info));
		free(info);
	}
	text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
						  JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	p = calloc(1, sizeof(*p));
	if (!p || !text || !(p->json = strndup(text, len))) {
		free(p);
		p = NULL;
		err = -ENOMEM;
		goto out;
	}
	p->len = len;
	*out = p;
	err = 0;
out:
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	if (o)
		json_object_put(o);
	return err;
}

void srv_api_procs(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	struct srv_procs *p;
	char *copy;
	int err;

	if (!tree)
		return;
	pthread_mutex_lock(&s->lock);
	p = s->procs;
	pthread_mutex_unlock(&s->lock);
	if (!p) {
		err = make_procs(tree, &p);
		if (err < 0)
			return srv_reply_error(r, err, "processes: %s", strerror(-err));
		pthread_mutex_lock(&s->lock);
		if (s->procs) { /* another request made it meanwhile */
			free(p->json);
			free(p);
			p = s->procs;
		} else {
			s->procs = p;
		}
		pthread_mutex_unlock(&s->lock);
	}
	copy = malloc(p->len + 1);
	if (!copy)
		return srv_reply_error(r, -ENOMEM, "out of memory");
	memcpy(copy, p->json, p->len + 1);
	srv_reply_bytes(r, "application/json", copy, p->len);
}

void srv_procs_free(struct hs_srv *s)
{
	if (!s->procs)
		return;
	free(s->procs->json);
	free(s->procs);
	s->procs = NULL;
}

/* ---- image=I as a tree prefix ------------------------------------------------------- */

struct nth {
	size_t want, i;
	char name[64];
};

static int nth_name(void *vctx, const char *name, const struct hs_tree_node *child)
{
	struct nth *c = vctx;

	if (c->i++ != c->want)
		return 0;
	snprintf(c->name, sizeof c->name, "%s", name);
	return 1;
}

int srv_image_path(struct hs_tree *tree, const struct srv_req *req, char *buf, size_t cap,
		   size_t *index)
{
	const char *a = srv_arg(req, "image");
	struct hs_tree_node dir;
	struct nth c = { 0 };
	uint64_t i = 0;
	int err;

	if (a && (srv_parse_u64(a, &i) < 0 || i > UINT16_MAX))
		return -EINVAL;
	c.want = (size_t)i;
	err = hs_tree_resolve(tree, "processes", true, &dir);
	if (!err)
		err = hs_tree_readdir(tree, &dir, nth_name, &c);
	if (err < 0)
		return err;
	if (!c.name[0])
		return -ENOENT;
	*index = (size_t)i;
	/* the top level is the first image */
	snprintf(buf, cap, "%s%s%s", i ? "processes/" : "", i ? c.name : "", i ? "/" : "");
	return 0;
}
