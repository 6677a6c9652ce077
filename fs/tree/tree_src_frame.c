/* tree_src_frame.c - a call's arguments and return value, the variables at a
 * moment and the symbol list, as typed answers for the HTTP server (tree.h:
 * "for the server's calls panel and search box"). */
#include "tree_src_i.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hs_tree_image_name(struct hs_tree *tree, size_t i, char *buf, size_t cap)
{
	if (i >= tree->n_images)
		return -ENOENT;
	snprintf(buf, cap, "%s", tree->images[i].info.name);
	return 0;
}

void hs_tree_vars_free(struct hs_tree_var *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].type);
		free(v[i].value);
		free(v[i].frame_arg);
		free(v[i].file);
	}
	free(v);
}

/* Moves fs/source's variables into the tree's own type (no copy of text). */
static int take_vars(struct hs_src_var *sv, size_t n, bool params_only, struct hs_tree_var **out,
		     size_t *count)
{
	struct hs_tree_var *v = calloc(n ? n : 1, sizeof(*v));
	size_t k = 0;

	if (!v) {
		hs_src_vars_free(sv, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (params_only && !sv[i].is_param) {
			free(sv[i].name);
			free(sv[i].type);
			free(sv[i].value);
			free(sv[i].frame_arg);
			free(sv[i].file);
			continue;
		}
		v[k++] = (struct hs_tree_var){ sv[i].name, sv[i].type, sv[i].value,
					       sv[i].is_param, sv[i].scalar, sv[i].frame_arg,
					       sv[i].file };
	}
	free(sv);
	*out = v;
	*count = k;
	return 0;
}

/* view: UINT32_MAX shows every copy holding the pc (the innermost
 * frame's variables), else view `view` of moment t (time/<t>.<k>).
 * call_args: a call's arguments for the calls panel, the parameters
 * only, under gdb's default print settings (its `info args` when `break
 * f` stops: char arrays to their end), where locals/ has null-stop on. */
static int vars_at(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t t, uint32_t tid,
		   uint32_t view, bool call_args, struct hs_tree_var **out, size_t *count)
{
	struct hs_tree_mem_at mc = { tree_image(tree, n), t };
	struct hs_src_target tg = { .read_mem = hs_tree_read_mem_at, .ctx = &mc };
	struct hs_src_var *sv = NULL;
	struct hs_db_regs *r;
	struct hs_src *s;
	size_t nv = 0;
	int err = tree_src_get(tree, n, &s);

	*out = NULL;
	*count = 0;
	if (err < 0)
		return err;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(mc.img, t, tid, r);
	if (err < 0)
		goto out;
	tg.regs = &r->regs;
	tg.gdb_print = call_args;
	if (view != UINT32_MAX)
		tg.hide_inline = tree_src_hidden_view(s, r->regs.rip, view);
	err = hs_src_locals(s, &tg, &sv, &nv);
	if (err == -ENOENT)
		err = -ENODATA; /* in no module: no debug info either */
	if (err == 0)
		err = take_vars(sv, nv, call_args, out, count);
out:
	free(r);
	return err;
}

int hs_tree_vars_at(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t t,
		    uint32_t tid, struct hs_tree_var **out, size_t *count)
{
	return vars_at(tree, n, t, tid, UINT32_MAX, false, out, count);
}

int hs_tree_view_vars(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t t,
		      uint32_t view, struct hs_tree_var **out, size_t *count)
{
	return vars_at(tree, n, t, 0, view, false, out, count);
}

struct call_find {
	uint64_t t;
	struct hs_db_call c;
	bool found;
};

static int on_call(void *ctx, const struct hs_db_call *c)
{
	struct call_find *f = ctx;

	if (c->t_call != f->t)
		return 0;
	f->c = *c;
	f->found = true;
	return 1;
}

/* The return value of the call c of the function at entry, into v, as
 * gdb's `finish` prints it under its default print settings. */
static int return_value(const struct hs_db_image *img, struct hs_src *s, uint64_t entry,
			const struct hs_db_call *c, struct hs_tree_call_view *v)
{
	struct hs_tree_mem_at mc = { img, c->t_ret };
	struct hs_src_target tg = { .read_mem = hs_tree_read_mem_at, .ctx = &mc,
				    .gdb_print = true };
	struct hs_db_regs *r = malloc(sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(img, c->t_ret, c->tid, r);
	if (err == 0) {
		tg.regs = &r->regs;
		err = hs_src_return_value(s, entry, &tg, &v->ret_type, &v->ret_value);
	}
	free(r);
	/* void, no debug info, registers lost (-ESRCH: the thread ended) */
	return err == -ENOMEM ? err : 0;
}

/* v->caller (calls/<f>'s column) and v->signature (NULL: unknown), whole. */
static int call_names(const struct hs_db_image *img, struct hs_src *s, const struct hs_db_call *c,
		      uint64_t entry, struct hs_tree_call_view *v)
{
	char *buf = malloc(HS_TREE_NAME_MAX);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	tree_src_caller_name(s, c->call_site, buf, HS_TREE_NAME_MAX);
	if (c->flags & HS_DB_CALL_TAILIN) /* as calls/<f>'s column */
		tree_src_tail_caller(img, s, c, buf, HS_TREE_NAME_MAX);
	v->caller = strdup(buf);
	if (hs_src_function_signature(s, entry, buf, HS_TREE_NAME_MAX) != 0)
		buf[0] = 0;
	if (buf[0] && !(v->signature = strdup(buf)))
		err = -ENOMEM;
	free(buf);
	return v->caller ? err : -ENOMEM;
}

int hs_tree_call_view(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t t_call,
		      struct hs_tree_call_view *v)
{
	const struct hs_db_image *img = tree_image(tree, n);
	struct call_find f = { .t = t_call };
	struct hs_src_loc loc;
	struct hs_src *s;
	uint64_t entry;
	int err = tree_src_get(tree, n, &s);

	memset(v, 0, sizeof(*v));
	if (err < 0)
		return err;
	err = hs_db_calls(img, t_call, t_call, on_call, &f);
	if (err < 0)
		return err;
	if (!f.found)
		return -ENOENT;
	/* the function a call through a PLT stub reaches: its entry */
	entry = tree_src_reached(img, s, f.c.callee);
	v->t_call = f.c.t_call;
	v->t_ret = f.c.t_ret;
	v->tid = f.c.tid;
	v->depth = f.c.depth;
	{
		char how[32], *end = tree_src_put_how(how, f.c.flags);

		*end = 0;
		snprintf(v->how, sizeof(v->how), "%s", how[0] ? how + 1 : "");
	}
	err = call_names(img, s, &f.c, entry, v);
	if (err < 0)
		goto fail;
	/* no DWARF where it is: no arguments to read, and no line to step to
	 * (a step over code without lines scans far: skip it) */
	if (hs_src_lookup(s, entry, &loc) != 0 || !loc.module || !loc.module->has_dwarf) {
		v->t_stop = tree_src_entry_t(img, entry, t_call);
		return 0;
	}
	tree_src_break_t(img, s, entry, t_call, &v->t_stop);
	/* gdb's `break f` stops in f itself where inlined copies begin at
	 * that pc (view 0: all of them hidden), so the arguments are f's */
	err = vars_at(tree, n, v->t_stop, f.c.tid, 0, true, &v->args, &v->n_args);
	if (err == -ENODATA)
		return 0; /* no debug info: no arguments, nothing invented */
	if (err < 0)
		goto fail;
	v->debug_info = true;
	if (f.c.t_ret != HS_DB_NO_RETURN &&
	    !(f.c.flags & (HS_DB_CALL_UNWOUND | HS_DB_CALL_TAIL | HS_DB_CALL_SIGNAL))) {
		err = return_value(img, s, entry, &f.c, v);
		if (err < 0)
			goto fail;
	}
	return 0;
fail:
	hs_tree_call_view_release(v);
	return err;
}

void hs_tree_call_view_release(struct hs_tree_call_view *v)
{
	if (!v)
		return;
	hs_tree_vars_free(v->args, v->n_args);
	free(v->ret_type);
	free(v->ret_value);
	free(v->caller);
	free(v->signature);
	v->caller = v->signature = NULL;
	v->args = NULL;
	v->n_args = 0;
	v->ret_type = v->ret_value = NULL;
}

struct sym_fwd {
	hs_tree_symbol_fn cb;
	void *ctx;
};

static int fwd_symbol(void *ctx, const struct hs_src_symbol *sym)
{
	struct sym_fwd *f = ctx;
	struct hs_tree_symbol ts = { sym->name, sym->addr, sym->size, sym->function, sym->module };

	return f->cb(f->ctx, &ts);
}

int hs_tree_symbols(struct hs_tree *tree, const struct hs_tree_node *n, hs_tree_symbol_fn cb,
		    void *ctx)
{
	struct sym_fwd f = { cb, ctx };
	struct hs_src *s;
	int err = tree_src_get(tree, n, &s);

	if (err < 0)
		return err;
	return hs_src_symbols(s, fwd_symbol, &f);
}
