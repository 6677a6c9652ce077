/* srv_calls.c - /api/calls (every call of a function, with its arguments and
 * return value) and /api/line-runs (every execution of a line, with the
 * locals at each), paged.
 *
 * The lists are the tree's calls/<f> and lines/<file>/<line>, read a page
 * at a time from the tree's item arrays (hs_tree_list_window: a page of a
 * function called a million times costs no text of the others).  Each row's
 * values come from the tree (hs_tree_call_view, hs_tree_vars_at): the
 * source library's formatter, the one time/<t>/locals/ uses (a call's
 * arguments and return value under gdb's default print settings, as its
 * `info args` and `finish` print them: char arrays to their end; a line
 * run's locals as locals/, null-stop on).  A page costs
 * one variable evaluation per row, so pages are small (default 50).
 */
#include "srv_i.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_DEFAULT 50
#define PAGE_MAX 500

int srv_image_arg(struct hs_tree *tree, const struct srv_req *req, struct hs_tree_node *top,
		  char *prefix, size_t cap, size_t *index)
{
	const char *a = srv_arg(req, "image");
	char name[64];
	uint64_t i = 0;
	int err;

	if (a && srv_parse_u64(a, &i) < 0)
		return -EINVAL;
	err = hs_tree_image_name(tree, (size_t)i, name, sizeof(name));
	if (err < 0)
		return err;
	if (i == 0)
		snprintf(prefix, cap, "%s", "");
	else
		snprintf(prefix, cap, "processes/%s/", name);
	*index = (size_t)i;
	return hs_tree_resolve(tree, i ? prefix : "", true, top);
}

/* offset= and count= of a paged request: 0 or a 400 reply. */
static int page_args(const struct srv_req *req, uint64_t *offset, uint64_t *count,
		     struct srv_reply *r)
{
	*offset = 0;
	*count = PAGE_DEFAULT;
	if ((srv_arg(req, "offset") && srv_parse_u64(srv_arg(req, "offset"), offset) < 0) ||
	    (srv_arg(req, "count") && srv_parse_u64(srv_arg(req, "count"), count) < 0)) {
		srv_reply_status(r, 400, "EINVAL", "offset and count are numbers");
		return -EINVAL;
	}
	if (*count > PAGE_MAX) {
		srv_reply_status(r, 400, "EINVAL", "count is at most %d", PAGE_MAX);
		return -EINVAL;
	}
	return 0;
}

/* The variables as JSON, each named as time/<t>/locals/ names it: "x" the
 * innermost, "x:LINE" one an inner block hides (where gdb's info locals
 * repeats the name). */
static struct json_object *vars_json(const struct hs_tree_var *v, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		const char *name = v[i].file ? v[i].file : v[i].name;

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "type", json_object_new_string(v[i].type));
		json_object_object_add(o, "value", json_object_new_string(v[i].value));
		json_object_object_add(o, "param", json_object_new_boolean(v[i].is_param));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The arguments as gdb's frame line prints them ("n=1, p=..., s=0x4006f4
 * \"abc\"", "a=a@entry=3"): aggregates as "..." (`print frame-arguments
 * scalars`), entry values as `print entry-values default`. */
static struct json_object *frame_args_json(const struct hs_tree_var *v, size_t n)
{
	size_t len = 0, cap = 64;
	char *buf = malloc(cap);
	struct json_object *o;

	if (!buf)
		return NULL;
	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		const char *val = v[i].scalar ? v[i].value : "...";
		const char *arg = v[i].frame_arg;
		size_t need = len + strlen(v[i].name) + strlen(val) + (arg ? strlen(arg) : 0) + 4;

		if (need >= cap) {
			char *nb = realloc(buf, need * 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap = need * 2;
		}
		if (arg)
			len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", arg);
		else
			len += (size_t)snprintf(buf + len, cap - len, "%s%s=%s", i ? ", " : "",
						v[i].name, val);
	}
	o = json_object_new_string(buf);
	free(buf);
	return o;
}

/* Whether w is the how column: words of tree_src_put_how joined by commas. */
static bool how_words(const char *w)
{
	static const char *const how[] = { "inline", "signal", "unwound", "tail" };

	while (*w) {
		size_t n = strcspn(w, ","), k;

		for (k = 0; k < sizeof how / sizeof how[0]; k++)
			if (strlen(how[k]) == n && !strncmp(w, how[k], n))
				break;
		if (k == sizeof how / sizeof how[0])
			return false;
		w += n + (w[n] == ',');
	}
	return true;
}

int srv_call_line(const char *line, struct srv_call_line *c)
{
	char tc[48] = "", tr[32] = "", *dot;
	unsigned depth = 0;
	uint64_t k = 0;
	int rest = -1;
	size_t n;
	const char *r, *sp;

	memset(c, 0, sizeof *c);
	if (sscanf(line, "%47s %31s %u %n", tc, tr, &depth, &rest) < 3 || rest < 0)
		return -EINVAL;
	/* "<t>" or an inlined copy's view of its moment, "<t>.<k>" */
	if ((dot = strchr(tc, '.'))) {
		*dot = 0;
		if (srv_parse_u64(dot + 1, &k) < 0 || !k || k > UINT32_MAX)
			return -EINVAL;
	}
	if (srv_parse_u64(tc, &c->t_call) < 0)
		return -EINVAL;
	c->view = (uint32_t)k;
	if (srv_parse_u64(tr, &c->t_return) < 0)
		c->t_return = UINT64_MAX; /* "-": it never returned */
	c->depth = depth;
	r = line + rest;
	n = strcspn(r, "\t\r\n");
	if (r[n] == '\t') { /* the callee's signature (overloads) */
		c->signature = r + n + 1;
		c->signature_len = strcspn(c->signature, "\r\n");
	}
	sp = memrchr(r, ' ', n);
	if (sp && sp[1]) {
		snprintf(c->how, sizeof c->how, "%.*s", (int)(n - (size_t)(sp + 1 - r)), sp + 1);
		if (how_words(c->how))
			n = (size_t)(sp - r);
		else
			c->how[0] = 0;
	}
	c->caller = r;
	c->caller_len = n;
	return 0;
}

struct calls_page {
	struct hs_tree *tree;
	struct hs_tree_node top;
	struct json_object *arr;
	bool any_debug, any;
	size_t n_inline;           /* rows of inlined copies, filled from the list */
	size_t n_pairs;            /* rows at the t_call of the row before (a
				    * C++ PLT stub's stop, then its function's) */
};

#define INLINE_LIST_MAX (8u << 20) /* the calls/<f> text read for them */

/* A row of an inlined copy of f: calls/<f> lists it ("... inline"), but
 * it is no call instruction of the database's, so hs_tree_call_view has
 * no view of it (-ENOENT failed the whole page: any -O2 function inlined
 * somewhere).  Its arguments are the inlined frame's parameters at its
 * first instruction, where gdb's `break f` stops in an inlined copy (as
 * `time/<t>/locals/` gives them); no return value (gdb's finish prints
 * none out of an inlined frame); the other columns come from the list's
 * own line (fill_inline). */
static int inline_row(struct calls_page *p, uint64_t t)
{
	struct json_object *o = json_object_new_object();
	struct hs_tree_var *v = NULL;
	size_t nv = 0, np = 0;
	int err = hs_tree_vars_at(p->tree, &p->top, t, 0, &v, &nv);

	if (err < 0 && err != -ENODATA) {
		json_object_put(o);
		return err;
	}
	while (!err && np < nv && v[np].is_param)
		np++;
	json_object_object_add(o, "t_call", json_object_new_int64((int64_t)t));
	json_object_object_add(o, "view", json_object_new_int64(0));
	json_object_object_add(o, "t_return", NULL);
	json_object_object_add(o, "t_stop", json_object_new_int64((int64_t)t));
	json_object_object_add(o, "depth", NULL);
	json_object_object_add(o, "caller", json_object_new_string(""));
	json_object_object_add(o, "how", json_object_new_string("inline"));
	json_object_object_add(o, "signature", NULL);
	json_object_object_add(o, "debug_info", json_object_new_boolean(!err));
	json_object_object_add(o, "args", err ? NULL : vars_json(v, np));
	json_object_object_add(o, "frame_args", err ? NULL : frame_args_json(v, np));
	json_object_object_add(o, "return", NULL);
	json_object_array_add(p->arr, o);
	hs_tree_vars_free(v, nv);
	p->n_inline++;
	return 0;
}

/* An inline row's view of its moment (time/<t>.<k>, the copy as frame
 * #0, where gdb's `break f` stops): its parameters are the copy's. */
static void inline_view(struct calls_page *p, struct json_object *o, uint64_t t, uint32_t view)
{
	struct hs_tree_var *v = NULL;
	size_t nv = 0, np = 0;
	int err = hs_tree_view_vars(p->tree, &p->top, t, view, &v, &nv);

	json_object_object_add(o, "view", json_object_new_int64(view));
	if (err < 0)
		return;
	while (np < nv && v[np].is_param)
		np++;
	json_object_object_add(o, "debug_info", json_object_new_boolean(true));
	json_object_object_add(o, "args", vars_json(v, np));
	json_object_object_add(o, "frame_args", frame_args_json(v, np));
	hs_tree_vars_free(v, nv);
}

/* The columns of the inline rows of the page from the list's text. */
static int fill_inline(struct calls_page *p, const char *path)
{
	char *text = NULL, *line, *save = NULL;
	size_t i = 0, n = json_object_array_length(p->arr);
	int err = srv_read_text(p->tree, path, INLINE_LIST_MAX, &text, NULL);

	if (err < 0)
		return err;
	for (line = strtok_r(text, "\n", &save); line && i < n; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_object_array_get_idx(p->arr, i), *v;
		struct srv_call_line c;

		if (srv_call_line(line, &c) < 0)
			continue;
		while (i < n && json_object_object_get_ex(o, "t_call", &v) &&
		       (uint64_t)json_object_get_int64(v) < c.t_call)
			o = json_object_array_get_idx(p->arr, ++i);
		if (i >= n || (uint64_t)json_object_get_int64(v) != c.t_call)
			continue;
		if (json_object_object_get_ex(o, "depth", &v) && !v) { /* an inline row */
			if (c.view)
				inline_view(p, o, c.t_call, c.view);
			json_object_object_add(o, "t_return", c.t_return == UINT64_MAX ? NULL :
					       json_object_new_int64((int64_t)c.t_return));
			json_object_object_add(o, "depth", json_object_new_int64((int64_t)c.depth));
			json_object_object_add(o, "caller",
					       json_object_new_string_len(c.caller, (int)c.caller_len));
			json_object_object_add(o, "how", json_object_new_string(c.how[0] ? c.how : "inline"));
			json_object_object_add(o, "signature", c.signature_len ?
					       json_object_new_string_len(c.signature,
									  (int)c.signature_len) : NULL);
		}
		i++;
	}
	free(text);
	return 0;
}

/* A row of a C++ function's PLT stub (calls/<f> lists the stub's stop,
 * signature "f(int)@plt", before the function's at the same t_call: gdb's
 * `break f` stops in both): the stub's own stop, its first instruction,
 * with no debug info (gdb shows "f(int)@plt ()" and its `finish` prints no
 * value).  The page's rows are the list's lines from offset on. */
static int fill_stubs(struct calls_page *p, const char *path, uint64_t offset)
{
	char *text = NULL, *line, *save = NULL;
	size_t n = json_object_array_length(p->arr), i = 0;
	uint64_t k = 0;
	int err = srv_read_text(p->tree, path, INLINE_LIST_MAX, &text, NULL);

	if (err < 0)
		return err;
	for (line = strtok_r(text, "\n", &save); line && i < n; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o;
		struct srv_call_line c;

		if (k++ < offset)
			continue;
		o = json_object_array_get_idx(p->arr, i++);
		if (srv_call_line(line, &c) < 0 || c.signature_len < 4 ||
		    memcmp(c.signature + c.signature_len - 4, "@plt", 4))
			continue;
		json_object_object_add(o, "t_stop", json_object_new_int64((int64_t)c.t_call + 1));
		json_object_object_add(o, "signature",
				       json_object_new_string_len(c.signature, (int)c.signature_len));
		json_object_object_add(o, "debug_info", json_object_new_boolean(false));
		json_object_object_add(o, "args", NULL);
		json_object_object_add(o, "frame_args", NULL);
		json_object_object_add(o, "return", NULL);
	}
	free(text);
	return 0;
}

/* One call of calls/<f>: the one at t_call. */
static int add_call(struct calls_page *p, uint64_t t)
{
	struct hs_tree_call_view v;
	struct json_object *o, *ret = NULL;
	size_t len = json_object_array_length(p->arr);
	int err = hs_tree_call_view(p->tree, &p->top, t, &v);

	if (len) {
		struct json_object *prev = json_object_array_get_idx(p->arr, len - 1), *pt;

		if (json_object_object_get_ex(prev, "t_call", &pt) &&
		    (uint64_t)json_object_get_int64(pt) == t)
			p->n_pairs++;
	}

	if (err == -ENOENT)
		return inline_row(p, t);
	if (err < 0)
		return err;
	o = json_object_new_object();
	json_object_object_add(o, "t_call", json_object_new_int64((int64_t)v.t_call));
	json_object_object_add(o, "view", json_object_new_int64(0));
	json_object_object_add(o, "t_return", v.t_ret == UINT64_MAX ? NULL :
			       json_object_new_int64((int64_t)v.t_ret));
	json_object_object_add(o, "t_stop", json_object_new_int64((int64_t)v.t_stop));
	json_object_object_add(o, "depth", json_object_new_int64(v.depth));
	json_object_object_add(o, "caller", json_object_new_string(v.caller));
	json_object_object_add(o, "how", v.how[0] ? json_object_new_string(v.how) : NULL);
	json_object_object_add(o, "signature", v.signature ?
			       json_object_new_string(v.signature) : NULL);
	json_object_object_add(o, "debug_info", json_object_new_boolean(v.debug_info));
	json_object_object_add(o, "args", v.debug_info ? vars_json(v.args, v.n_args) : NULL);
	json_object_object_add(o, "frame_args", v.debug_info ?
			       frame_args_json(v.args, v.n_args) : NULL);
	if (v.ret_value) {
		ret = json_object_new_object();
		json_object_object_add(ret, "type", json_object_new_string(v.ret_type));
		json_object_object_add(ret, "value", json_object_new_string(v.ret_value));
	}
	json_object_object_add(o, "return", ret);
	json_object_array_add(p->arr, o);
	p->any = true;
	p->any_debug |= v.debug_info;
	hs_tree_call_view_release(&v);
	return 0;
}

/* Rows [offset, offset + count) of the list file n, each to row(). */
static int list_page(const struct hs_tree_node *n, uint64_t offset, uint64_t count,
		     int (*row)(struct calls_page *p, uint64_t t), struct calls_page *p,
		     uint64_t *total)
{
	uint64_t *ts = malloc((count ? count : 1) * sizeof(*ts));
	size_t got = 0;
	int err;

	if (!ts)
		return -ENOMEM;
	err = hs_tree_list_window(p->tree, n, offset, (size_t)count, ts, &got, total);
	for (size_t i = 0; i < got && !err; i++)
		err = row(p, ts[i]);
	free(ts);
	return err;
}

/* The list file rel (calls/<f>, lines/<file>/<line>) of the request's
 * image: its node and full path.  0, or a reply sent. */
static int list_node(struct hs_tree *tree, const struct srv_req *req, const char *rel,
		     struct calls_page *p, size_t *image, struct hs_tree_node *n, char *path,
		     struct srv_reply *r)
{
	char prefix[128];
	int err = srv_image_arg(tree, req, &p->top, prefix, sizeof(prefix), image);

	if (err < 0) {
		srv_reply_error(r, err, "no such process image");
		return err;
	}
	if ((size_t)snprintf(path, SRV_PATH_MAX, "%s%s", prefix, rel) >= SRV_PATH_MAX) {
		srv_reply_status(r, 400, "EINVAL", "name too long");
		return -EINVAL;
	}
	err = hs_tree_resolve(tree, path, true, n);
	if (!err && hs_tree_type(n) != HS_TREE_FILE)
		err = -ENOENT;
	if (err < 0)
		srv_reply_error(r, err, "%s: %s", path, err == -ENOENT ? "not in the recording" :
				strerror(-err));
	return err;
}

static void reply_page(struct srv_reply *r, int err, struct json_object *o, uint64_t total,
		       uint64_t offset, struct json_object *arr)
{
	json_object_object_add(o, "total", json_object_new_int64((int64_t)total));
	json_object_object_add(o, "offset", json_object_new_int64((int64_t)offset));
	json_object_object_add(o, "rows", arr);
	if (err < 0)
		srv_reply_error(r, err, "%s", strerror(-err));
	else
		srv_reply_json(r, 200, o);
	json_object_put(o);
}

void srv_api_calls(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	const char *name = srv_arg(req, "name");
	struct calls_page p = { .tree = tree };
	struct hs_tree_node n;
	struct json_object *o;
	uint64_t offset, count, total = 0;
	char rel[SRV_PATH_MAX], path[SRV_PATH_MAX];
	size_t image;
	int err;

	if (!tree || page_args(req, &offset, &count, r) < 0)
		return;
	if (!name || !*name || strchr(name, '/'))
		return srv_reply_status(r, 400, "EINVAL", "give name=FUNCTION");
	snprintf(rel, sizeof(rel), "calls/%s", name);
	if (list_node(tree, req, rel, &p, &image, &n, path, r) < 0)
		return;
	p.arr = json_object_new_array();
	err = list_page(&n, offset, count, add_call, &p, &total);
	if (!err && p.n_inline)
		err = fill_inline(&p, path);
	/* (a page may end between a stub's row and its function's) */
	if (!err && (p.n_pairs || offset + json_object_array_length(p.arr) < total))
		err = fill_stubs(&p, path, offset);
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "image", json_object_new_int64((int64_t)image));
	json_object_object_add(o, "path", json_object_new_string(path));
	if (p.any && !p.any_debug)
		json_object_object_add(o, "note", json_object_new_string(
			"no debug info for this function: its arguments and return value "
			"are unknown"));
	reply_page(r, err, o, total, offset, p.arr);
}

/* One t of lines/<file>/<line>: the locals there. */
static int add_run(struct calls_page *p, uint64_t t)
{
	struct hs_tree_var *v = NULL;
	struct json_object *o;
	size_t nv = 0;
	int err = hs_tree_vars_at(p->tree, &p->top, t, 0, &v, &nv);

	if (err < 0 && err != -ENODATA)
		return err;
	o = json_object_new_object();
	json_object_object_add(o, "t", json_object_new_int64((int64_t)t));
	json_object_object_add(o, "locals", err ? NULL : vars_json(v, nv));
	json_object_array_add(p->arr, o);
	hs_tree_vars_free(v, nv);
	return 0;
}

void srv_api_line_runs(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	const char *file = srv_arg(req, "file");
	struct calls_page p = { .tree = tree };
	struct hs_tree_node n;
	struct json_object *o;
	uint64_t offset, count, line, total = 0;
	char rel[SRV_PATH_MAX], path[SRV_PATH_MAX];
	size_t image;
	int err;

	if (!tree || page_args(req, &offset, &count, r) < 0)
		return;
	if (!file || !*file || srv_parse_u64(srv_arg(req, "line"), &line) < 0)
		return srv_reply_status(r, 400, "EINVAL", "give file=PATH&line=N");
	while (*file == '/')
		file++;
	if ((size_t)snprintf(rel, sizeof(rel), "lines/%s/%" PRIu64, file, line) >= sizeof(rel))
		return srv_reply_status(r, 400, "EINVAL", "file too long");
	if (list_node(tree, req, rel, &p, &image, &n, path, r) < 0)
		return;
	p.arr = json_object_new_array();
	err = list_page(&n, offset, count, add_run, &p, &total);
	o = json_object_new_object();
	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "line", json_object_new_int64((int64_t)line));
	json_object_object_add(o, "image", json_object_new_int64((int64_t)image));
	json_object_object_add(o, "path", json_object_new_string(path));
	reply_page(r, err, o, total, offset, p.arr);
}
