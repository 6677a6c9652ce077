/* srv_eval.c - GET /api/eval: a C expression at a moment, for the UI's variables tree.
 *
 *   GET /api/eval?t=T&expr=E[&image=I][&frame=N][&first=F][&count=C]
 *
 * answers the value as gdb's `print` shows it (the text of the tree's
 * time/<t>/eval/<expr>), its type, where it lives and its children, so
 * that the UI expands a struct, an array (count elements from first: 200
 * by default, 1000 at most) or a pointer (its one child is *p) one level
 * at a time:
 *
 *   {"expr": "it", "value": "(struct item *) 0x4052a0", "type": "struct item *",
 *    "addr": "0x7ffe0010", "size": 8, "n_children": 1, "first": 0,
 *    "children": [{"name": "*it", "expr": "*it", "value": "{qty = 3, ...}",
 *                  "type": "struct item", "addr": "0x4052a0", "size": 24,
 *                  "n_children": 3}]}
 *
 * frame=N is the backtrace's #N (gdb's `frame N`: inlined copies and
 * <signal handler called> count), resolved by the tree (hs_tree_eval).
 * An expr with gdb's print format (`/x s`) prints every value in it, and
 * every expr answered carries it (`/x s.a`), so expanding keeps it.
 * addr is null for a value in no memory (a register, a result).  An
 * expression that cannot be evaluated is still a 200, {"error": "No symbol
 * \"x\" in current context."}: the user typed it, and a browser reports
 * every 4xx as a console error.  Read through hs_tree_eval (the tree).
 */
#include "srv_i.h"

#include "hindsight/source.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_PAGE 200
#define EVAL_PAGE_MAX 1000
#define EVAL_EXPR_MAX 4096

/* The length of expr's gdb print format ("/x " of "/x s.a", spaces
 * included), 0 without one: an expression cannot start with '/'. */
static size_t format_prefix_len(const char *expr)
{
	size_t n = 0;

	if (expr[0] != '/')
		return 0;
	while (expr[n] && expr[n] != ' ' && expr[n] != '\t')
		n++;
	while (expr[n] == ' ' || expr[n] == '\t')
		n++;
	return n;
}

/* v as JSON into o; fmt (fmt_len bytes, may be 0) is the request's print
 * format, which each expr carries so that expanding a child keeps it. */
static struct json_object *value_json(const struct hs_src_value *v, const char *fmt,
				      size_t fmt_len, struct json_object *o)
{
	char buf[24];
	const char *expr = v->expr ? v->expr : "";
	char *with_fmt = NULL;

	if (v->name)
		json_object_object_add(o, "name", json_object_new_string(v->name));
	if (fmt_len && *expr && asprintf(&with_fmt, "%.*s%s", (int)fmt_len, fmt, expr) < 0)
		with_fmt = NULL;
	json_object_object_add(o, "expr", json_object_new_string(with_fmt ? with_fmt : expr));
	free(with_fmt);
	json_object_object_add(o, "value", json_object_new_string(v->value ? v->value : ""));
	json_object_object_add(o, "type", json_object_new_string(v->type ? v->type : ""));
	snprintf(buf, sizeof buf, "0x%" PRIx64, v->addr);
	json_object_object_add(o, "addr", v->in_mem ? json_object_new_string(buf) : NULL);
	json_object_object_add(o, "size", json_object_new_int64((int64_t)v->size));
	json_object_object_add(o, "n_children", json_object_new_int64((int64_t)v->n_children));
	return o;
}

/* A number argument: its value, def when absent; -EINVAL when malformed. */
static int num_arg(const struct srv_req *req, const char *name, uint64_t def, uint64_t *out)
{
	const char *a = srv_arg(req, name);

	*out = def;
	return a ? srv_parse_u64(a, out) : 0;
}

void srv_api_eval(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	struct hs_tree_eval_at at = { 0 };
	struct hs_src_eval e;
	struct json_object *o, *kids;
	const char *expr = srv_arg(req, "expr");
	size_t fmt_len;
	uint64_t image, frame, view;
	int err;

	if (!tree)
		return;
	if (srv_parse_u64(srv_arg(req, "t"), &at.t) < 0)
		return srv_reply_status(r, 400, "EINVAL", "t must be a number (t=123)");
	if (!expr || !*expr || strlen(expr) >= EVAL_EXPR_MAX)
		return srv_reply_status(r, 400, "EINVAL", "give expr=EXPRESSION (at most %d bytes)",
					EVAL_EXPR_MAX - 1);
	if (num_arg(req, "image", 0, &image) || num_arg(req, "frame", 0, &frame) ||
	    num_arg(req, "first", 0, &at.first) || num_arg(req, "count", EVAL_PAGE, &at.count) ||
	    num_arg(req, "view", 0, &view) || image > UINT32_MAX || frame > 10000 ||
	    view > UINT32_MAX || at.count > EVAL_PAGE_MAX)
		return srv_reply_status(r, 400, "EINVAL", "image, frame, view, first and count are "
					"numbers (count at most %d)", EVAL_PAGE_MAX);
	fmt_len = format_prefix_len(expr);
	at.image = (uint32_t)image;
	at.frame = (uint32_t)frame;
	at.view = (uint32_t)view; /* time/<t>.<view>: its frames (inlined copies shown) */
	err = hs_tree_eval(tree, &at, expr, &e);
	if (err == -EINVAL)
		return srv_reply_status(r, 404, "ENOENT", "no such process image");
	if (err < 0)
		return srv_reply_error(r, err, "t=%" PRIu64 " frame %u: %s", at.t, at.frame,
				       strerror(-err));
	o = json_object_new_object();
	if (e.error) {
		json_object_object_add(o, "error", json_object_new_string(e.error));
	} else {
		value_json(&e.v, expr, fmt_len, o);
		json_object_object_add(o, "first", json_object_new_int64((int64_t)at.first));
		kids = json_object_new_array();
		for (size_t i = 0; i < e.n_children; i++)
			json_object_array_add(kids, value_json(&e.children[i], expr, fmt_len,
							       json_object_new_object()));
		json_object_object_add(o, "children", kids);
	}
	hs_src_eval_release(&e);
	srv_reply_json(r, 200, o);
	json_object_put(o);
}
