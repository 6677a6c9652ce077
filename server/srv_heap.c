/* srv_heap.c - GET /api/heap?t=T&addr=A[&image=I]: the heap blocks that
 * ever held address A, each with the call that allocated it and the one
 * that freed it: the use-after-free question ("this pointer's block was
 * freed at t=..., by whom?").
 *
 * The history comes from the tree alone: calls/malloc, calloc, realloc,
 * reallocarray, memalign, aligned_alloc and free give every call's t_call
 * (the state before the call instruction: the arguments are in rdi, rsi,
 * rdx) and t_return (after the return: the result in rax), and
 * time/<t>/reg/<name> the registers there.  A call made inside another one
 * of these (realloc(NULL, n) calling malloc) is part of the outer call.
 *
 * Blocks: malloc, calloc, memalign and aligned_alloc start one; free ends
 * the one that starts at its argument; realloc(p, n) ends p's block and
 * starts one at its result (p's block stays when it fails).
 *
 * Cost: two register reads per call, once per image (the index is kept,
 * under s->heap->lock, for the server's life); at most HEAP_MAX_CALLS
 * calls are indexed ("truncated": true says the rest is not).
 */
#include "srv_i.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAP_MAX_CALLS 20000
#define HEAP_MAX_ANSWER 64 /* blocks in one answer (the newest) */

enum heap_fn { H_MALLOC, H_CALLOC, H_REALLOC, H_REALLOCARRAY, H_MEMALIGN, H_ALIGNED, H_FREE };

static const struct {
	const char *name;
	const char *regs[3]; /* the arguments read at t_call */
	bool returns;        /* rax at t_return is the block */
} heap_fns[] = {
	[H_MALLOC] = { "malloc", { "rdi" }, true },
	[H_CALLOC] = { "calloc", { "rdi", "rsi" }, true },
	[H_REALLOC] = { "realloc", { "rdi", "rsi" }, true },
	[H_REALLOCARRAY] = { "reallocarray", { "rdi", "rsi", "rdx" }, true },
	[H_MEMALIGN] = { "memalign", { "rdi", "rsi" }, true },
	[H_ALIGNED] = { "aligned_alloc", { "rdi", "rsi" }, true },
	[H_FREE] = { "free", { "rdi" }, false },
};
#define N_HEAP_FNS (sizeof heap_fns / sizeof heap_fns[0])

struct heap_call {
	enum heap_fn fn;
	uint64_t t_call, t_return; /* t_return UINT64_MAX: never returned */
	uint64_t arg[3], ret;
	char *caller;       /* owned: calls/<fn>'s caller column */
};

struct heap_block {
	uint64_t addr, size;
	size_t alloc, end;  /* indexes into calls; end SIZE_MAX: never freed */
};

struct heap_img {
	bool done;
	int err;
	bool truncated;
	struct heap_call *calls;
	size_t n_calls;
	struct heap_block *blocks;
	size_t n_blocks;
};

/* Frees what h holds (not h itself). */
static void heap_img_release(struct heap_img *h)
{
	for (size_t i = 0; i < h->n_calls; i++)
		free(h->calls[i].caller);
	free(h->calls);
	free(h->blocks);
}

struct srv_heap {
	pthread_mutex_t lock;
	struct heap_img **img; /* each allocated once: answers hold them unlocked */
	size_t n_img;
};

/* ---- building the index ----------------------------------------------------------- */

static int reg_at(struct hs_tree *tree, const char *prefix, uint64_t t, const char *reg,
		  uint64_t *out)
{
	char path[256], *text;
	int err;

	snprintf(path, sizeof path, "%stime/%" PRIu64 "/reg/%s", prefix, t, reg);
	err = srv_read_text(tree, path, 64, &text, NULL);
	if (err < 0)
		return err;
	text[strcspn(text, "\n")] = 0;
	err = srv_parse_u64(text, out);
	free(text);
	return err;
}

static int push_call(struct heap_img *h, size_t *cap, const struct heap_call *c)
{
	if (h->n_calls == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct heap_call *nc = realloc(h->calls, ncap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		h->calls = nc;
		*cap = ncap;
	}
	h->calls[h->n_calls++] = *c;
	return 0;
}

/* Every line of calls/<fn> ("t_call t_return depth caller [how]"), with
 * the arguments and the result read from the registers. */
static int read_calls(struct hs_tree *tree, const char *prefix, enum heap_fn fn,
		      struct heap_img *h, size_t *cap)
{
	char path[256], *text, *line, *save = NULL;
	int err;

	snprintf(path, sizeof path, "%scalls/%s", prefix, heap_fns[fn].name);
	err = srv_read_text(tree, path, (size_t)HEAP_MAX_CALLS * 160, &text, NULL);
	if (err == -ENOENT)
		return 0; /* never called */
	if (err < 0)
		return err;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct heap_call c = { .fn = fn };
		struct srv_call_line l;

		if (h->n_calls >= HEAP_MAX_CALLS) {
			h->truncated = true;
			break;
		}
		if (srv_call_line(line, &l) < 0)
			continue;
		c.t_call = l.t_call;
		c.t_return = l.t_return;
		if (!(c.caller = strndup(l.caller, l.caller_len))) {
			err = -ENOMEM;
			break;
		}
		for (int k = 0; k < 3 && heap_fns[fn].regs[k] && !err; k++)
			err = reg_at(tree, prefix, c.t_call, heap_fns[fn].regs[k], &c.arg[k]);
		if (!err && heap_fns[fn].returns && c.t_return != UINT64_MAX)
			err = reg_at(tree, prefix, c.t_return, "rax", &c.ret);
		if (!err)
			err = push_call(h, cap, &c);
		if (err) {
			free(c.caller);
			break;
		}
	}
	free(text);
	return err;
}

static int call_cmp(const void *a, const void *b)
{
	const struct heap_call *x = a, *y = b;

	return x->t_call < y->t_call ? -1 : x->t_call > y->t_call;
}

static int push_block(struct heap_img *h, size_t *cap, uint64_t addr, uint64_t size,
		      size_t alloc)
{
	if (h->n_blocks == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct heap_block *nb = realloc(h->blocks, ncap * sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		h->blocks = nb;
		*cap = ncap;
	}
	h->blocks[h->n_blocks++] = (struct heap_block){ addr, size, alloc, SIZE_MAX };
	return 0;
}

/* Ends the newest block that starts at addr and is not ended yet. */
static void end_block(struct heap_img *h, uint64_t addr, size_t call)
{
	for (size_t b = h->n_blocks; b-- > 0;)
		if (h->blocks[b].addr == addr && h->blocks[b].end == SIZE_MAX) {
			h->blocks[b].end = call;
			return;
		}
}

/* The blocks, from the calls in time order (nested calls dropped). */
static int make_blocks(struct heap_img *h)
{
	uint64_t outer_end = 0;
	size_t cap = 0, kept = 0;
	int err = 0;

	qsort(h->calls, h->n_calls, sizeof(*h->calls), call_cmp);
	for (size_t i = 0; i < h->n_calls; i++) {
		if (h->calls[i].t_call < outer_end)
			continue; /* inside the previous heap call */
		h->calls[kept++] = h->calls[i];
		outer_end = h->calls[i].t_return;
	}
	h->n_calls = kept;
	for (size_t i = 0; i < h->n_calls && !err; i++) {
		const struct heap_call *c = &h->calls[i];
		bool ret = c->t_return != UINT64_MAX && c->ret != 0;

		switch (c->fn) {
		case H_MALLOC:
			err = ret ? push_block(h, &cap, c->ret, c->arg[0], i) : 0;
			break;
		case H_CALLOC:
			err = ret ? push_block(h, &cap, c->ret, c->arg[0] * c->arg[1], i) : 0;
			break;
		case H_MEMALIGN:
		case H_ALIGNED:
			err = ret ? push_block(h, &cap, c->ret, c->arg[1], i) : 0;
			break;
		case H_REALLOC:
		case H_REALLOCARRAY: {
			uint64_t n = c->fn == H_REALLOC ? c->arg[1] : c->arg[1] * c->arg[2];

			/* a failed realloc (NULL for n > 0) leaves p's block */
			if (c->arg[0] && (ret || n == 0))
				end_block(h, c->arg[0], i);
			err = ret ? push_block(h, &cap, c->ret, n, i) : 0;
			break;
		}
		case H_FREE:
			if (c->arg[0])
				end_block(h, c->arg[0], i);
			break;
		}
	}
	return err;
}

static int heap_build(struct hs_tree *tree, const char *prefix, struct heap_img *h)
{
	size_t cap = 0;
	int err = 0;

	for (size_t f = 0; f < N_HEAP_FNS && !err; f++)
		err = read_calls(tree, prefix, (enum heap_fn)f, h, &cap);
	if (!err)
		err = make_blocks(h);
	return err;
}

/* The index of image i, built on first use. */
static int heap_of(struct hs_srv *s, struct hs_tree *tree, size_t i, const char *prefix,
		   struct heap_img **out)
{
	struct srv_heap *sh;
	int err = 0;

	pthread_mutex_lock(&s->lock);
	if (!s->heap && (s->heap = calloc(1, sizeof(*s->heap))))
		pthread_mutex_init(&s->heap->lock, NULL);
	sh = s->heap;
	pthread_mutex_unlock(&s->lock);
	if (!sh)
		return -ENOMEM;
	pthread_mutex_lock(&sh->lock);
	if (i >= sh->n_img) {
		struct heap_img **ni = realloc(sh->img, (i + 1) * sizeof(*ni));

		if (!ni) {
			err = -ENOMEM;
			goto out;
		}
		memset(ni + sh->n_img, 0, (i + 1 - sh->n_img) * sizeof(*ni));
		sh->img = ni;
		sh->n_img = i + 1;
	}
	if (!sh->img[i] && !(sh->img[i] = calloc(1, sizeof(**sh->img)))) {
		err = -ENOMEM;
		goto out;
	}
	if (!sh->img[i]->done) {
		struct heap_img *h = sh->img[i];

		h->err = heap_build(tree, prefix, h);
		h->done = h->err != -ENOMEM;
		if (!h->done) { /* try again next time, from nothing */
			heap_img_release(h);
			memset(h, 0, sizeof(*h));
			h->err = -ENOMEM;
		}
	}
	err = sh->img[i]->err;
	*out = sh->img[i];
out:
	pthread_mutex_unlock(&sh->lock);
	return err;
}

/* ---- the answer ----------------------------------------------------------------------- */

static struct json_object *hex_str(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof b, "0x%" PRIx64, v);
	return json_object_new_string(b);
}

/* Whether a backtrace frame's function (fn_len bytes of fn) is the
 * program's own code rather than the C or C++ library's: std::vector's
 * push_back, operator new, an allocator's deallocate, glibc's __internal
 * names, an address without a symbol.  (The caller also wants a file:line.) */
static bool own_code(const char *fn, size_t fn_len)
{
	static const char *const lib[] = { "std::", "__gnu_cxx::", "__cxx", "operator new",
					   "operator delete", "__", "_IO_", "0x" };

	for (size_t k = 0; k < sizeof lib / sizeof lib[0]; k++)
		if (fn_len >= strlen(lib[k]) && !strncmp(fn, lib[k], strlen(lib[k])))
			return false;
	return true;
}

/* A C++ allocation is made by operator new inside std::allocator, so
 * frame #1 (where) is library code: "own_where" names the innermost
 * frame of the program's own code from #1 outwards ("main+0x96
 * uaf.cc:9") and "own_t" the moment that frame calls inward (what a
 * click on its backtrace row goes to); both absent when #1 is already
 * its own code or none is.  bt: the backtrace from frame #1's line on,
 * lines "#K FUNCTION[ FILE:LINE] T" (a C++ FUNCTION holds spaces). */
static void own_frame(struct json_object *o, const char *bt)
{
	const char *line = bt, *prev_t = NULL;

	for (int k = 1; line && line[0] == '#'; k++) {
		const char *end = line + strcspn(line, "\n"), *fn = strchr(line, ' ');
		const char *last = memrchr(line, ' ', (size_t)(end - line)), *file = NULL, *sp;

		if (!fn || !last || last <= fn)
			break;
		fn++;
		sp = memrchr(fn, ' ', (size_t)(last - fn));
		if (sp && memchr(sp, ':', (size_t)(last - sp)))
			file = sp + 1; /* "FILE:LINE" before T */
		if (file && own_code(fn, strcspn(fn, "+ \n"))) {
			if (k > 1 && prev_t) {
				char w[512];

				snprintf(w, sizeof w, "%.*s", (int)(last - fn), fn);
				json_object_object_add(o, "own_where", json_object_new_string(w));
				json_object_object_add(o, "own_t", json_object_new_int64(
							       strtoll(prev_t, NULL, 10)));
			}
			return;
		}
		prev_t = last[1] >= '0' && last[1] <= '9' ? last + 1 : NULL;
		line = *end ? end + 1 : NULL;
	}
}

static struct json_object *call_json(struct hs_tree *tree, const char *prefix,
				     const struct heap_call *c)
{
	struct json_object *o = json_object_new_object(), *args = json_object_new_array();
	char path[256], *where = NULL;

	json_object_object_add(o, "fn", json_object_new_string(heap_fns[c->fn].name));
	json_object_object_add(o, "t_call", json_object_new_int64((int64_t)c->t_call));
	json_object_object_add(o, "t_return", c->t_return == UINT64_MAX ? NULL :
			       json_object_new_int64((int64_t)c->t_return));
	for (int k = 0; k < 3 && heap_fns[c->fn].regs[k]; k++)
		json_object_array_add(args, hex_str(c->arg[k]));
	json_object_object_add(o, "args", args);
	json_object_object_add(o, "ret", heap_fns[c->fn].returns && c->t_return != UINT64_MAX ?
			       hex_str(c->ret) : NULL);
	json_object_object_add(o, "caller", json_object_new_string(c->caller));
	/* where the call is made: the caller's file:line, frame #1 of the
	 * callee's backtrace (at the call instruction itself `where` shows
	 * the call site of an inlined copy that begins there, as gdb does) */
	snprintf(path, sizeof path, "%stime/%" PRIu64 "/backtrace", prefix, c->t_call + 1);
	if (srv_read_text(tree, path, 16384, &where, NULL) == 0 && strstr(where, "\n#1 ")) {
		char *w = strstr(where, "\n#1 ") + 4;

		own_frame(o, w - 3);
		w[strcspn(w, "\n")] = 0;
		if (strrchr(w, ' '))
			*strrchr(w, ' ') = 0; /* its t_call, "inlined" or "-" */
		json_object_object_add(o, "where", json_object_new_string(w));
	} else {
		json_object_object_add(o, "where", NULL);
	}
	free(where);
	return o;
}

static struct json_object *block_json(struct hs_tree *tree, const char *prefix,
				      const struct heap_img *h, const struct heap_block *b)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "addr", hex_str(b->addr));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)b->size));
	json_object_object_add(o, "alloc", call_json(tree, prefix, &h->calls[b->alloc]));
	json_object_object_add(o, "free", b->end == SIZE_MAX ? NULL :
			       call_json(tree, prefix, &h->calls[b->end]));
	return o;
}

static bool holds(const struct heap_block *b, uint64_t a)
{
	return a >= b->addr && a - b->addr < (b->size ? b->size : 1);
}

void srv_api_heap(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	struct json_object *o, *arr;
	struct heap_img *h;
	char prefix[128];
	uint64_t t, addr;
	size_t image, first = 0, n = 0, at = SIZE_MAX;
	int err;

	if (!tree)
		return;
	if (srv_parse_u64(srv_arg(req, "t"), &t) < 0 ||
	    srv_parse_u64(srv_arg(req, "addr"), &addr) < 0)
		return srv_reply_status(r, 400, "EINVAL", "give t=T and addr=0xADDR");
	err = srv_image_path(tree, req, prefix, sizeof prefix, &image);
	if (err < 0)
		return srv_reply_error(r, err, "no such process image");
	err = heap_of(s, tree, image, prefix, &h);
	if (err < 0)
		return srv_reply_error(r, err, "the heap history: %s", strerror(-err));
	for (size_t b = 0; b < h->n_blocks; b++)
		if (holds(&h->blocks[b], addr)) {
			n++;
			if (h->calls[h->blocks[b].alloc].t_call <= t)
				at = b; /* the newest allocated by t */
		}
	/* the newest HEAP_MAX_ANSWER blocks, oldest first */
	for (size_t b = 0, seen = 0; b < h->n_blocks; b++)
		if (holds(&h->blocks[b], addr) && ++seen == (n > HEAP_MAX_ANSWER ?
							   n - HEAP_MAX_ANSWER + 1 : 1)) {
			first = b;
			break;
		}
	o = json_object_new_object();
	arr = json_object_new_array();
	json_object_object_add(o, "t", json_object_new_int64((int64_t)t));
	json_object_object_add(o, "addr", hex_str(addr));
	json_object_object_add(o, "blocks", arr);
	json_object_object_add(o, "at", NULL);
	json_object_object_add(o, "state", json_object_new_string("none"));
	for (size_t b = first; n && b < h->n_blocks; b++) {
		const struct heap_block *hb = &h->blocks[b];

		if (!holds(hb, addr))
			continue;
		if (b == at) {
			bool freed = hb->end != SIZE_MAX && h->calls[hb->end].t_call < t;

			json_object_object_add(o, "at", json_object_new_int64(
						       (int64_t)json_object_array_length(arr)));
			json_object_object_add(o, "state", json_object_new_string(
						       freed ? "freed" : "live"));
		}
		json_object_array_add(arr, block_json(tree, prefix, h, hb));
	}
	json_object_object_add(o, "total", json_object_new_int64((int64_t)n));
	json_object_object_add(o, "calls", json_object_new_int64((int64_t)h->n_calls));
	json_object_object_add(o, "truncated", json_object_new_boolean(h->truncated));
	srv_reply_json(r, 200, o);
	json_object_put(o);
}

void srv_heap_free(struct hs_srv *s)
{
	if (!s->heap)
		return;
	for (size_t i = 0; i < s->heap->n_img; i++) {
		if (!s->heap->img[i])
			continue;
		heap_img_release(s->heap->img[i]);
		free(s->heap->img[i]);
	}
	free(s->heap->img);
	pthread_mutex_destroy(&s->heap->lock);
	free(s->heap);
	s->heap = NULL;
}
