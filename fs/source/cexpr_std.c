/* cexpr_std.c - fs/source: libstdc++'s containers in expressions, as gdb
 * shows them with the pretty printers it auto-loads (libstdc++'s
 * printers.py) and computes their methods with its xmethods
 * (xmethods.py): a recording runs no code, so items.size() is read from
 * the vector's fields, never called.
 *
 * Text (cx_std_pretty, src_ctx.pretty): set by hs_src_eval only, so the
 * eval/ answers (/api/eval, the UI's variables) show
 * "std::vector of length 3, capacity 4 = {1, 2, 3}" while locals/ keeps
 * gdb's print without pretty printers ({_M_impl = ...}).
 *
 * The layouts are libstdc++'s (gcc 5 and later, the new string ABI):
 * found by member names through DWARF where gdb's printers do so, by the
 * node layouts the printers also assume (an rb-tree node's value after
 * its 32-byte base, a list node's after its two links, a hash node's
 * after its next pointer).  Every function runs under s->dw_lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"

enum std_kind { SK_NONE, SK_VECTOR, SK_BVECTOR, SK_STRING, SK_UNIQUE, SK_SHARED, SK_MAP,
		SK_SET, SK_LIST, SK_UMAP, SK_USET, SK_OPTIONAL, SK_ARRAY, SK_PAIR, SK_DEQUE,
		SK_ADAPTER, SK_TUPLE };

static const struct {
	const char *prefix;     /* the qualified class name starts so */
	enum std_kind kind;
	const char *shown;      /* gdb's name of it in the text */
} std_names[] = {
	{ "std::vector<bool,", SK_BVECTOR, "std::vector<bool>" },
	{ "std::vector<", SK_VECTOR, "std::vector" },
	{ "std::__cxx11::basic_string<char,", SK_STRING, "std::string" },
	{ "std::basic_string<char,", SK_STRING, "std::string" },
	{ "std::basic_string_view<char,", SK_STRING, "std::string_view" },
	{ "std::unique_ptr<", SK_UNIQUE, "std::unique_ptr" },
	{ "std::shared_ptr<", SK_SHARED, "std::shared_ptr" },
	{ "std::weak_ptr<", SK_SHARED, "std::weak_ptr" },
	{ "std::map<", SK_MAP, "std::map" },
	{ "std::multimap<", SK_MAP, "std::multimap" },
	{ "std::set<", SK_SET, "std::set" },
	{ "std::multiset<", SK_SET, "std::multiset" },
	{ "std::__cxx11::list<", SK_LIST, "std::__cxx11::list" },
	{ "std::list<", SK_LIST, "std::list" },
	{ "std::unordered_map<", SK_UMAP, "std::unordered_map" },
	{ "std::unordered_multimap<", SK_UMAP, "std::unordered_multimap" },
	{ "std::unordered_set<", SK_USET, "std::unordered_set" },
	{ "std::unordered_multiset<", SK_USET, "std::unordered_multiset" },
	{ "std::optional<", SK_OPTIONAL, "std::optional" },
	{ "std::array<", SK_ARRAY, "std::array" },
	{ "std::pair<", SK_PAIR, "std::pair" },
	{ "std::deque<", SK_DEQUE, "std::deque" },
	{ "std::stack<", SK_ADAPTER, "std::stack" },
	{ "std::queue<", SK_ADAPTER, "std::queue" },
	{ "std::tuple<", SK_TUPLE, "std::tuple" },
};

/* The methods computed, by kind (the error names them). */
static const char *const std_methods[] = {
	[SK_VECTOR] = "size(), empty(), capacity(), front(), back(), at(), data()",
	[SK_BVECTOR] = "size(), empty(), capacity()",
	[SK_STRING] = "size(), length(), empty(), front(), back(), at(), c_str(), data()",
	[SK_UNIQUE] = "get()",
	[SK_SHARED] = "get(), use_count()",
	[SK_MAP] = "size(), empty()",
	[SK_SET] = "size(), empty()",
	[SK_LIST] = "size(), empty(), front(), back()",
	[SK_UMAP] = "size(), empty()",
	[SK_USET] = "size(), empty()",
	[SK_OPTIONAL] = "has_value(), value()",
	[SK_ARRAY] = "size(), empty(), front(), back(), at(), data()",
	[SK_PAIR] = "(none: read first and second)",
	[SK_DEQUE] = "size(), empty(), front(), back(), at()",
	[SK_ADAPTER] = "size(), empty(), top(), front(), back()",
	[SK_TUPLE] = "(none)",
};

/* A container, opened: its kind, counts and where a walk of it stands. */
struct std_c {
	enum std_kind kind;
	const char *shown;
	struct cx_val v;        /* the container (references read through) */
	Dwarf_Die st;           /* its class */
	struct cx_type et;      /* an element's type (a node's value) */
	int64_t n, cap;         /* elements, a vector's capacity */
	struct cx_val first;    /* a vector's _M_start, an optional's value,
				 * a smart pointer's pointer, a string's _M_p */
	uint64_t i;             /* the walk: the next element's index */
	uint64_t at, end;       /* its address (a node's), the end node */
	uint64_t bitoff;        /* vector<bool>: the bit of at */
};

#define RB_VALUE 32   /* sizeof(_Rb_tree_node_base) */
#define LIST_VALUE 16 /* sizeof(_List_node_base) */
#define HASH_VALUE 8  /* sizeof(_Hash_node_base) */

static enum std_kind kind_of(const struct cx_val *v, Dwarf_Die *st, const char **shown)
{
	struct src_sbuf *b;
	enum std_kind k = SK_NONE;
	const char *n;

	if (cx_class_of(&v->ty, st) != CL_STRUCT || !(n = dwarf_diename(st)) ||
	    !src_die_cplus(st))
		return SK_NONE;
	/* the cheap test first: every struct printed comes here */
	if (strncmp(n, "vector<", 7) && strncmp(n, "basic_string<char,", 18) &&
	    strncmp(n, "basic_string_view<char,", 23) &&
	    strncmp(n, "unique_ptr<", 11) && strncmp(n, "shared_ptr<", 11) &&
	    strncmp(n, "weak_ptr<", 9) && strncmp(n, "map<", 4) && strncmp(n, "multimap<", 9) &&
	    strncmp(n, "set<", 4) && strncmp(n, "multiset<", 9) && strncmp(n, "list<", 5) &&
	    strncmp(n, "unordered_", 10) && strncmp(n, "optional<", 9) &&
	    strncmp(n, "array<", 6) && strncmp(n, "pair<", 5) && strncmp(n, "deque<", 6) &&
	    strncmp(n, "stack<", 6) && strncmp(n, "queue<", 6) && strncmp(n, "tuple<", 6))
		return SK_NONE;
	b = malloc(sizeof *b);
	if (!b)
		return SK_NONE;
	b->len = 0;
	b->full = false;
	b->buf[0] = 0;
	src_qualified_name(st, true, b);
	for (size_t i = 0; i < sizeof std_names / sizeof std_names[0]; i++)
		if (!strncmp(b->buf, std_names[i].prefix, strlen(std_names[i].prefix))) {
			k = std_names[i].kind;
			*shown = std_names[i].shown;
			break;
		}
	free(b);
	return k;
}

/* The member path "a.b.c" of v. */
static int path(struct cx *x, const struct cx_val *v, const char *p, struct cx_val *out)
{
	struct cx_val cur = *v;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		int r = cx_member(x, &cur, p, len, &cur);

		if (r == -ENOENT)
			return cx_fail(x, "There is no member named %.*s.", (int)len, p);
		if (r)
			return r;
		p += len + (dot ? 1 : 0);
	}
	*out = cur;
	return 0;
}

static int path_u64(struct cx *x, const struct cx_val *v, const char *p, uint64_t *u)
{
	struct cx_val m;
	bool sign;

	return path(x, v, p, &m) ? -EINVAL : cx_scalar(x, &m, u, &sign);
}

static int read_u64(struct cx *x, uint64_t addr, uint64_t *u)
{
	if (src_ctx_read(x->c, addr, u, 8) != 8)
		return cx_fail(x, "Cannot access memory at address 0x%" PRIx64, addr);
	return 0;
}

/* Template type argument k of class st. */
static bool template_arg(Dwarf_Die *st, int k, struct cx_type *out)
{
	Dwarf_Die ch;

	if (dwarf_child(st, &ch) != 0)
		return false;
	do {
		if (dwarf_tag(&ch) != DW_TAG_template_type_parameter || k-- > 0)
			continue;
		memset(out, 0, sizeof *out);
		out->kind = CT_DIE;
		return src_die_type(&ch, &out->die);
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* Template argument k of the class of member p of v. */
static int member_targ(struct cx *x, const struct cx_val *v, const char *p, int k,
		       struct cx_type *out)
{
	struct cx_val m;
	Dwarf_Die st;

	if (path(x, v, p, &m))
		return -EINVAL;
	if (cx_class_of(&m.ty, &st) != CL_STRUCT || !template_arg(&st, k, out))
		return cx_fail(x, "no element type in %s's debug information", p);
	return 0;
}

/* A base class of st (searched depth first) whose name starts with prefix. */
static bool base_named(Dwarf_Die *st, const char *prefix, Dwarf_Die *out, uint64_t *off,
		       int depth)
{
	Dwarf_Die ch, bt;

	if (depth > 8 || dwarf_child(st, &ch) != 0)
		return false;
	do {
		uint64_t o;
		const char *n;

		if (dwarf_tag(&ch) != DW_TAG_inheritance || !cx_member_offset(&ch, &o) ||
		    !src_die_type(&ch, &bt) || !src_peel(&bt, &bt))
			continue;
		n = dwarf_diename(&bt);
		if (n && !strncmp(n, prefix, strlen(prefix))) {
			*out = bt;
			*off = o;
			return true;
		}
		if (base_named(&bt, prefix, out, off, depth + 1)) {
			*off += o;
			return true;
		}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* unique_ptr's pointer: _M_t._M_t is a std::tuple<pointer, deleter>;
 * element 0 is its _Head_base<0, pointer>'s _M_head_impl (printers.py's
 * unique_ptr_get). */
static int unique_pointer(struct cx *x, const struct cx_val *v, struct cx_val *out)
{
	struct cx_val tup, head;
	Dwarf_Die st, hb, m;
	uint64_t off, moff;

	if (path(x, v, "_M_t._M_t", &tup))
		return -EINVAL;
	if (cx_class_of(&tup.ty, &st) != CL_STRUCT || !base_named(&st, "_Head_base<0,", &hb,
								  &off, 0) ||
	    !cx_find_member(x, NULL, &hb, "_M_head_impl", strlen("_M_head_impl"), &m, &moff))
		return cx_fail(x, "unsupported std::unique_ptr layout");
	memset(&head, 0, sizeof head);
	head.ty.kind = CT_DIE;
	head.ty.die = hb;
	cx_sub_value(&tup, off, &head.ty, &head);
	return cx_member_at(x, &head, &m, moff, out);
}

static int elem_size(struct cx *x, const struct cx_type *et, uint64_t *size)
{
	*size = cx_size(et);
	return *size ? 0 : cx_fail(x, "element type of unknown size");
}

static int open_vector(struct cx *x, struct std_c *sc)
{
	struct cx_val fin, eos;
	uint64_t a, b, e, es;
	bool sign;

	if (path(x, &sc->v, "_M_impl._M_start", &sc->first) ||
	    path(x, &sc->v, "_M_impl._M_finish", &fin) ||
	    path(x, &sc->v, "_M_impl._M_end_of_storage", &eos) ||
	    cx_scalar(x, &sc->first, &a, &sign) || cx_scalar(x, &fin, &b, &sign) ||
	    cx_scalar(x, &eos, &e, &sign))
		return -EINVAL;
	if (!cx_target(&sc->first.ty, &sc->et) || elem_size(x, &sc->et, &es))
		return cx_fail(x, "no element type in std::vector's debug information");
	sc->n = (int64_t)(b - a) / (int64_t)es;
	sc->cap = (int64_t)(e - a) / (int64_t)es;
	sc->at = a;
	return 0;
}

static int open_bvector(struct cx *x, struct std_c *sc)
{
	uint64_t sp, so, fp, fo, e;

	if (path_u64(x, &sc->v, "_M_impl._M_start._M_p", &sp) ||
	    path_u64(x, &sc->v, "_M_impl._M_start._M_offset", &so) ||
	    path_u64(x, &sc->v, "_M_impl._M_finish._M_p", &fp) ||
	    path_u64(x, &sc->v, "_M_impl._M_finish._M_offset", &fo) ||
	    path_u64(x, &sc->v, "_M_impl._M_end_of_storage", &e))
		return -EINVAL;
	if (!template_arg(&sc->st, 0, &sc->et))
		return cx_fail(x, "no bool type in std::vector<bool>'s debug information");
	sc->n = (int64_t)(fp - sp) / 8 * 64 + (int64_t)fo - (int64_t)so;
	sc->cap = (int64_t)(e - sp) / 8 * 64;
	sc->at = sp;
	sc->bitoff = so;
	return 0;
}

/* The tree, list and hash containers: the element count and the first node. */
static int open_nodes(struct cx *x, struct std_c *sc)
{
	struct cx_val hdr = { 0 };
	uint64_t n;

	switch (sc->kind) {
	case SK_MAP:
	case SK_SET:
		if (path(x, &sc->v, "_M_t._M_impl._M_header", &hdr) ||
		    path_u64(x, &sc->v, "_M_t._M_impl._M_node_count", &n) ||
		    member_targ(x, &sc->v, "_M_t", 1, &sc->et) ||
		    read_u64(x, hdr.v.addr + 16, &sc->at))
			return -EINVAL;
		sc->end = hdr.v.addr;
		break;
	case SK_LIST:
		if (path(x, &sc->v, "_M_impl._M_node", &hdr) ||
		    path_u64(x, &sc->v, "_M_impl._M_node._M_size", &n) ||
		    !template_arg(&sc->st, 0, &sc->et) || read_u64(x, hdr.v.addr, &sc->at))
			return x->failed ? -EINVAL : cx_fail(x, "no element type in std::list");
		sc->end = hdr.v.addr;
		break;
	default: /* the unordered ones */
		if (path(x, &sc->v, "_M_h._M_before_begin", &hdr) ||
		    path_u64(x, &sc->v, "_M_h._M_element_count", &n) ||
		    member_targ(x, &sc->v, "_M_h", 1, &sc->et) || read_u64(x, hdr.v.addr, &sc->at))
			return -EINVAL;
		sc->end = 0;
		break;
	}
	if (!hdr.v.in_mem)
		return cx_fail(x, "the container is in no memory");
	sc->n = (int64_t)n;
	return 0;
}

/* std::deque: buckets of 512 bytes (one element when bigger) that
 * _M_node points into; the walk reads an element by its index.  at: the
 * first element's bucket index (start._M_cur - start._M_first), end: the
 * start's node, cap: a bucket's elements. */
static int open_deque(struct cx *x, struct std_c *sc)
{
	struct cx_val cur;
	uint64_t sc_, sf, sl, sn, fc, ff, fn, es;

	if (path(x, &sc->v, "_M_impl._M_start._M_cur", &cur) ||
	    path_u64(x, &sc->v, "_M_impl._M_start._M_cur", &sc_) ||
	    path_u64(x, &sc->v, "_M_impl._M_start._M_first", &sf) ||
	    path_u64(x, &sc->v, "_M_impl._M_start._M_last", &sl) ||
	    path_u64(x, &sc->v, "_M_impl._M_start._M_node", &sn) ||
	    path_u64(x, &sc->v, "_M_impl._M_finish._M_cur", &fc) ||
	    path_u64(x, &sc->v, "_M_impl._M_finish._M_first", &ff) ||
	    path_u64(x, &sc->v, "_M_impl._M_finish._M_node", &fn))
		return -EINVAL;
	if (!cx_target(&cur.ty, &sc->et) || elem_size(x, &sc->et, &es))
		return cx_fail(x, "no element type in std::deque's debug information");
	sc->cap = es < 512 ? (int64_t)(512 / es) : 1;
	sc->n = sc->cap * ((int64_t)(fn - sn) / 8 - 1) + (int64_t)(sl - sc_) / (int64_t)es +
		(int64_t)(fc - ff) / (int64_t)es;
	sc->at = (sc_ - sf) / es;
	sc->end = sn;
	return 0;
}

/* Element i of an opened deque. */
static int deque_elem(struct cx *x, struct std_c *sc, uint64_t i, struct cx_val *out)
{
	uint64_t off = sc->at + i, bucket, es = cx_size(&sc->et);

	if (read_u64(x, sc->end + off / (uint64_t)sc->cap * 8, &bucket))
		return -EINVAL;
	cx_lval(out, &sc->et, bucket + off % (uint64_t)sc->cap * es);
	return 0;
}

static int open_optional(struct cx *x, struct std_c *sc)
{
	uint64_t e;

	if (path_u64(x, &sc->v, "_M_payload._M_engaged", &e) ||
	    path(x, &sc->v, "_M_payload._M_payload._M_value", &sc->first))
		return -EINVAL;
	sc->n = (e & 0xff) != 0;
	sc->et = sc->first.ty;
	return 0;
}

/* Opens v as a libstdc++ container: -ENOENT when it is none. */
static int std_open(struct cx *x, const struct cx_val *vin, struct std_c *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->v = *vin;
	if (cx_coerce_ref(x, &sc->v))
		return -EINVAL;
	sc->kind = kind_of(&sc->v, &sc->st, &sc->shown);
	switch (sc->kind) {
	case SK_NONE:
		return -ENOENT;
	case SK_VECTOR:
		return open_vector(x, sc);
	case SK_BVECTOR:
		return open_bvector(x, sc);
	case SK_STRING: {
		uint64_t n;
		bool view = !strcmp(sc->shown, "std::string_view");

		if (path(x, &sc->v, view ? "_M_str" : "_M_dataplus._M_p", &sc->first) ||
		    path_u64(x, &sc->v, view ? "_M_len" : "_M_string_length", &n))
			return -EINVAL;
		sc->n = (int64_t)n;
		return cx_target(&sc->first.ty, &sc->et) ? 0 : cx_fail(x, "no char type");
	}
	case SK_UNIQUE:
		if (unique_pointer(x, &sc->v, &sc->first))
			return -EINVAL;
		sc->n = 1;
		return 0;
	case SK_SHARED:
		sc->n = 1;
		return path(x, &sc->v, "_M_ptr", &sc->first);
	case SK_OPTIONAL:
		return open_optional(x, sc);
	case SK_PAIR:
		sc->n = 2;
		return 0;
	case SK_TUPLE: /* walked by tuple_text */
		return 0;
	case SK_DEQUE:
		return open_deque(x, sc);
	case SK_ADAPTER: /* printers.py: "std::stack wrapping: " and its c */
		sc->n = 1;
		return path(x, &sc->v, "c", &sc->first);
	case SK_ARRAY: {
		uint64_t dims[8];
		Dwarf_Die p;

		if (path(x, &sc->v, "_M_elems", &sc->first))
			return -EINVAL;
		sc->n = cx_class_of(&sc->first.ty, &p) == CL_ARRAY &&
			src_array_bounds(&p, dims, 8) > 0 ? (int64_t)dims[0] : 0;
		return 0;
	}
	default:
		return open_nodes(x, sc);
	}
}

/* The node after node (libstdc++'s _Rb_tree_increment). */
static int rb_next(struct cx *x, uint64_t node, uint64_t *out)
{
	uint64_t r, l, p;

	if (read_u64(x, node + 24, &r))
		return -EINVAL;
	if (r) {
		node = r;
		for (int guard = 0; guard < 128; guard++) {
			if (read_u64(x, node + 16, &l))
				return -EINVAL;
			if (!l)
				break;
			node = l;
		}
		*out = node;
		return 0;
	}
	if (read_u64(x, node + 8, &p))
		return -EINVAL;
	for (int guard = 0; guard < 128; guard++) {
		if (read_u64(x, p + 24, &r))
			return -EINVAL;
		if (node != r)
			break;
		node = p;
		if (read_u64(x, p + 8, &p))
			return -EINVAL;
	}
	if (read_u64(x, node + 24, &r))
		return -EINVAL;
	*out = r != p ? p : node;
	return 0;
}

/* The next element of an opened container's walk into val (its key
 * into key for a map): 0, -ENOENT at its end, -EINVAL with x->err. */
static int std_next(struct cx *x, struct std_c *sc, struct cx_val *key, struct cx_val *val)
{
	uint64_t es, node = sc->at, w;

	if (sc->i >= (uint64_t)(sc->n > 0 ? sc->n : 0))
		return -ENOENT;
	switch (sc->kind) {
	case SK_VECTOR:
		if (elem_size(x, &sc->et, &es))
			return -EINVAL;
		cx_lval(val, &sc->et, sc->at + sc->i * es);
		break;
	case SK_ARRAY:
		if (cx_index(x, &sc->first, (int64_t)sc->i, val))
			return -EINVAL;
		break;
	case SK_BVECTOR: {
		uint64_t bit = sc->bitoff + sc->i;

		if (read_u64(x, sc->at + bit / 64 * 8, &w))
			return -EINVAL;
		memset(val, 0, sizeof *val);
		val->ty = sc->et;
		val->v.size = 1;
		val->v.bytes[0] = (uint8_t)(w >> (bit % 64) & 1);
		val->v.valid[0] = 1;
		break;
	}
	case SK_UNIQUE:
	case SK_SHARED:
	case SK_OPTIONAL:
		*val = sc->first;
		break;
	case SK_PAIR:
		if (sc->i ? cx_member(x, &sc->v, "second", 6, val) :
		    cx_member(x, &sc->v, "first", 5, val))
			return -EINVAL;
		break;
	case SK_DEQUE:
		if (deque_elem(x, sc, sc->i, val))
			return -EINVAL;
		break;
	case SK_MAP:
	case SK_SET:
	case SK_LIST:
	case SK_UMAP:
	case SK_USET:
		if (node == sc->end || !node)
			return -ENOENT; /* fewer nodes than the count said */
		cx_lval(val, &sc->et, node + (sc->kind == SK_LIST ? LIST_VALUE :
					      sc->kind == SK_MAP || sc->kind == SK_SET ?
					      RB_VALUE : HASH_VALUE));
		if (sc->kind == SK_LIST || sc->kind == SK_UMAP || sc->kind == SK_USET) {
			if (read_u64(x, node, &sc->at))
				return -EINVAL;
		} else if (rb_next(x, node, &sc->at)) {
			return -EINVAL;
		}
		if ((sc->kind == SK_MAP || sc->kind == SK_UMAP) &&
		    (cx_member(x, val, "first", 5, key) || cx_member(x, val, "second", 6, val)))
			return -EINVAL;
		break;
	default:
		return -ENOENT;
	}
	sc->i++;
	return 0;
}

/* ---- text ---------------------------------------------------------------- */

/* The text of a nested value (pretty printers apply inside too). */
static void nested_text(struct cx *x, const struct cx_val *e, int depth, struct src_sbuf *b)
{
	if (e->ty.kind != CT_DIE || e->ty.nptr || e->ty.arr_n) {
		src_sb_str(b, "?");
		return;
	}
	src_fmt_value(x->c, (Dwarf_Die *)&e->ty.die, &e->v, 0, depth, b);
}

/* libstdc++'s type printers (printers.py's add_one_template_type_printer),
 * in place: std::string for basic_string<char>, and a default allocator
 * argument left out ("std::vector<int, std::allocator<int> >" is
 * "std::vector<int>"). */
static void recognize(char *s)
{
	static const char str[] = "std::__cxx11::basic_string<char, std::char_traits<char>, "
				  "std::allocator<char> >";
	static const char alloc[] = ", std::allocator<";
	char *at;

	while ((at = strstr(s, str))) {
		memcpy(at, "std::string", 11);
		memmove(at + 11, at + sizeof str - 1, strlen(at + sizeof str - 1) + 1);
	}
	for (char *from = s; (at = strstr(from, alloc));) {
		char *arg = at + sizeof alloc - 1, *open = at, *end;
		size_t alen;
		int depth = 0;

		for (end = arg; *end && (depth || *end != '>'); end++)
			depth += *end == '<' ? 1 : *end == '>' ? -1 : 0;
		while (open > s && (depth || open[-1] != '<')) {
			open--;
			depth += *open == '>' ? 1 : *open == '<' ? -1 : 0;
		}
		alen = (size_t)(end - arg);
		from = at + 1;
		if (!*end || open == s || (size_t)(at - open) != alen || strncmp(open, arg, alen))
			continue;
		/* ", std::allocator<T> >" closes the template: ">" */
		end += end[1] == ' ' && end[2] == '>' ? 2 : 1;
		memmove(at, end, strlen(end) + 1);
		from = s;
	}
}

/* gdb's name of template argument k of the container ("int", "Item"). */
static void targ_text(struct std_c *sc, int k, struct src_sbuf *b)
{
	struct cx_type t;
	char *n = template_arg(&sc->st, k, &t) ? cx_gdb_names(src_type_name(&t.die)) : NULL;

	if (n && sc->kind == SK_OPTIONAL)
		recognize(n); /* the optional printer's _recognize() */
	src_sb_str(b, n ? n : "?");
	free(n);
}

static int shared_state(struct cx *x, struct std_c *sc, struct src_sbuf *b)
{
	struct cx_val pi, cnt;
	uint64_t p, use, weak;

	if (path(x, &sc->v, "_M_refcount._M_pi", &pi) || path_u64(x, &sc->v, "_M_refcount._M_pi",
								   &p))
		return -EINVAL;
	if (!p) {
		src_sb_str(b, "empty");
		return 0;
	}
	if (cx_deref(x, &pi, &cnt) || path_u64(x, &cnt, "_M_use_count", &use) ||
	    path_u64(x, &cnt, "_M_weak_count", &weak))
		return -EINVAL;
	if ((uint32_t)use == 0)
		src_sb_fmt(b, "expired, weak count %d", (int32_t)weak);
	else
		src_sb_fmt(b, "use count %d, weak count %d", (int32_t)use, (int32_t)weak - 1);
	return 0;
}

/* printers.py's to_string(): the text before " = {children}". */
static int head_text(struct cx *x, struct std_c *sc, struct src_sbuf *b)
{
	switch (sc->kind) {
	case SK_VECTOR:
	case SK_BVECTOR:
		src_sb_fmt(b, "%s of length %" PRId64 ", capacity %" PRId64, sc->shown, sc->n,
			   sc->cap);
		return 0;
	case SK_UNIQUE:
		src_sb_fmt(b, "%s<", sc->shown);
		targ_text(sc, 0, b);
		src_sb_str(b, ">");
		return 0;
	case SK_SHARED:
		src_sb_fmt(b, "%s<", sc->shown);
		targ_text(sc, 0, b);
		src_sb_str(b, "> (");
		if (shared_state(x, sc, b))
			return -EINVAL;
		src_sb_str(b, ")");
		return 0;
	case SK_MAP:
	case SK_SET:
	case SK_UMAP:
	case SK_USET:
	case SK_DEQUE:
		src_sb_fmt(b, "%s with %" PRId64 " element%s", sc->shown, sc->n,
			   sc->n == 1 ? "" : "s");
		return 0;
	case SK_LIST:
		src_sb_fmt(b, "%s%s", sc->at == sc->end ? "empty " : "", sc->shown);
		return 0;
	case SK_OPTIONAL:
		src_sb_fmt(b, "%s<", sc->shown);
		targ_text(sc, 0, b);
		src_sb_str(b, sc->n ? ">" : "> [no contained value]");
		return 0;
	default:
		return -ENOENT;
	}
}

/* The string's text: its length's worth of chars, 200 at most. */
static int string_text(struct cx *x, struct std_c *sc, struct src_sbuf *b)
{
	uint8_t buf[SRC_MAX_ELEMS];
	uint64_t p;
	size_t want = sc->n < SRC_MAX_ELEMS ? (size_t)(sc->n > 0 ? sc->n : 0) : SRC_MAX_ELEMS;
	bool sign;

	if (cx_scalar(x, &sc->first, &p, &sign))
		return -EINVAL;
	if (want && src_ctx_read(x->c, p, buf, want) != (ssize_t)want)
		return cx_fail(x, "Cannot access memory at address 0x%" PRIx64, p);
	/* gdb's lazy string: 200 chars fetched, printed as a char array */
	src_gdb_string_text(b, buf, want, (uint64_t)sc->n > want);
	return 0;
}

/* printers.py's children, as gdb's print writes them: {a, b} for a
 * vector, {[k] = v} for a map (200 children: 100 pairs), {[0] = a} for a
 * list or set, {get() = p} for a smart pointer. */
static int children_text(struct cx *x, struct std_c *sc, int depth, struct src_sbuf *b)
{
	struct cx_val key = { 0 }, val = { 0 };
	bool map = sc->kind == SK_MAP || sc->kind == SK_UMAP;
	uint64_t max = map ? SRC_MAX_ELEMS / 2 : SRC_MAX_ELEMS, i;
	int r = 0;

	src_sb_str(b, " = {");
	for (i = 0; i < max && !b->full && (r = std_next(x, sc, &key, &val)) == 0; i++) {
		if (i)
			src_sb_str(b, ", ");
		if (sc->kind == SK_UNIQUE || sc->kind == SK_SHARED) {
			src_sb_str(b, "get() = ");
		} else if (sc->kind == SK_OPTIONAL) {
			src_sb_str(b, "[contained value] = ");
		} else if (map) {
			src_sb_str(b, "[");
			nested_text(x, &key, depth + 1, b);
			src_sb_str(b, "] = ");
		} else if (sc->kind != SK_VECTOR && sc->kind != SK_BVECTOR &&
			   sc->kind != SK_DEQUE) {
			src_sb_fmt(b, "[%" PRIu64 "] = ", i);
		}
		nested_text(x, &val, depth + 1, b);
	}
	if (r && r != -ENOENT) {
		src_sb_fmt(b, "%s<error: %s>", i ? ", " : "", x->err);
		x->failed = false;
	} else if (i == max && sc->i < (uint64_t)sc->n) {
		src_sb_str(b, "...");
	}
	src_sb_str(b, "}");
	return 0;
}

/* printers.py's pair: its two members, without the empty __pair_base. */
static int pair_text(struct cx *x, struct std_c *sc, int depth, struct src_sbuf *b)
{
	struct cx_val key = { 0 }, val = { 0 };

	src_sb_str(b, "{first = ");
	if (std_next(x, sc, &key, &val))
		return -EINVAL;
	nested_text(x, &val, depth + 1, b);
	src_sb_str(b, ", second = ");
	if (std_next(x, sc, &key, &val))
		return -EINVAL;
	nested_text(x, &val, depth + 1, b);
	src_sb_str(b, "}");
	return 0;
}

/* The fields of class st as gdb's type.fields() lists them (bases, then
 * data members, static ones too), at most max: their count; the first
 * max DIEs (the base's or member's) and offsets in nodes, offs. */
static int tuple_fields(Dwarf_Die *st, Dwarf_Die *nodes, uint64_t *offs, int max)
{
	Dwarf_Die ch;
	int n = 0;

	if (dwarf_child(st, &ch) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&ch);

		if (tag != DW_TAG_inheritance && tag != DW_TAG_member && tag != DW_TAG_variable)
			continue;
		if (n < max) {
			nodes[n] = ch;
			offs[n] = 0;
			if (!cx_member_offset(&ch, &offs[n]))
				offs[n] = 0;
		}
		n++;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return n;
}

/* Base b (an inheritance DIE) of v at offset off, as a value. */
static bool tuple_base(const struct cx_val *v, Dwarf_Die *b, uint64_t off, struct cx_val *out)
{
	struct cx_type t = { .kind = CT_DIE };

	if (dwarf_tag(b) != DW_TAG_inheritance || !src_die_type(b, &t.die) ||
	    !src_peel(&t.die, &t.die))
		return false;
	memset(out, 0, sizeof *out);
	cx_sub_value(v, off, &t, out);
	return true;
}

/* printers.py's StdTuplePrinter: "std::tuple containing = {[1] = a,
 * [2] = b}" from the _Tuple_impl chain (each node: its next node, its
 * _Head_base, whose _M_head_impl is the element, else the base itself),
 * "empty std::tuple"; -ENOENT (raw) for a layout it does not know. */
static int tuple_text(struct cx *x, struct std_c *sc, int depth, struct src_sbuf *b)
{
	Dwarf_Die nodes[2], st = sc->st, ft;
	uint64_t offs[2];
	struct cx_val head = sc->v, impl, val;
	int n = tuple_fields(&st, nodes, offs, 2);
	const char *nm;

	if (n == 0) {
		src_sb_fmt(b, "empty %s", sc->shown);
		return 0;
	}
	nm = n == 2 && src_die_type(&nodes[1], &ft) ? dwarf_diename(&ft) : NULL;
	if ((n != 1 && !(nm && !strncmp(nm, "__tuple_base", 12))) ||
	    !tuple_base(&sc->v, &nodes[0], offs[0], &head))
		return -ENOENT;
	src_sb_fmt(b, "%s containing", sc->shown);
	if (depth >= SRC_MAX_DEPTH) {
		src_sb_str(b, " = {...}");
		return 0;
	}
	src_sb_str(b, " = {");
	for (int count = 1; count <= 64; count++) {
		bool last;

		if (cx_class_of(&head.ty, &st) != CL_STRUCT)
			return -ENOENT;
		n = tuple_fields(&st, nodes, offs, 2);
		if (n == 0)
			break;
		if (n > 2)
			return -ENOENT;
		last = n == 1;
		if (!tuple_base(&head, &nodes[last ? 0 : 1], offs[last ? 0 : 1], &impl) ||
		    (!last && !tuple_base(&head, &nodes[0], offs[0], &val)))
			return -ENOENT;
		if (!last)
			head = val; /* the next node */
		if (cx_class_of(&impl.ty, &st) != CL_STRUCT ||
		    tuple_fields(&st, nodes, offs, 1) < 1 || !(nm = dwarf_diename(&nodes[0])) ||
		    strcmp(nm, "_M_head_impl") || cx_member(x, &impl, nm, strlen(nm), &val))
			val = impl;
		src_sb_fmt(b, "%s[%d] = ", count > 1 ? ", " : "", count);
		nested_text(x, &val, depth + 1, b);
		if (last)
			break;
	}
	src_sb_str(b, "}");
	return 0;
}

/* The text of an opened container; -ENOENT: gdb shows it raw. */
static int std_text(struct cx *x, struct std_c *sc, int depth, struct src_sbuf *b)
{
	int r;

	if (sc->kind == SK_STRING)
		return string_text(x, sc, b);
	if (sc->kind == SK_PAIR)
		return pair_text(x, sc, depth, b);
	if (sc->kind == SK_TUPLE)
		return tuple_text(x, sc, depth, b);
	if (sc->kind == SK_ADAPTER) {
		struct std_c *in = malloc(sizeof *in);

		src_sb_fmt(b, "%s wrapping: ", sc->shown);
		r = !in ? -ENOMEM : std_open(x, &sc->first, in);
		if (r == 0)
			r = std_text(x, in, depth, b);
		free(in);
		return r;
	}
	r = head_text(x, sc, b);
	if (r)
		return r;
	if (depth >= SRC_MAX_DEPTH) {
		src_sb_str(b, " = {...}");
		return 0;
	}
	if (sc->kind == SK_OPTIONAL && sc->n) {
		/* a container in it: "std::optional<...> containing std::vector ..." */
		struct std_c in;
		size_t len = b->len;

		/* a printer with children (not a string's) */
		if (std_open(x, &sc->first, &in) == 0 && in.kind != SK_ARRAY &&
		    in.kind != SK_STRING) {
			src_sb_str(b, " containing ");
			if (std_text(x, &in, depth + 1, b) == 0)
				return 0;
			b->len = len;
			b->buf[len] = 0;
		}
		x->failed = false;
	}
	if (sc->n <= 0 || (sc->kind == SK_LIST && sc->at == sc->end))
		return 0;
	return children_text(x, sc, depth, b);
}

int cx_std_pretty(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v, uint64_t off,
		  int depth, struct src_sbuf *b)
{
	struct cx *x = calloc(1, sizeof *x);
	struct std_c *sc = malloc(sizeof *sc);
	struct cx_val *whole = calloc(2, sizeof *whole);
	struct cx_type ty = { .kind = CT_DIE, .die = *t };
	size_t len = b->len;
	int r = -ENOMEM;

	if (!x || !sc || !whole)
		goto out;
	x->c = c;
	whole[0].ty = ty;
	whole[0].v = *v;
	cx_sub_value(&whole[0], off, &ty, &whole[1]);
	r = std_open(x, &whole[1], sc);
	if (r == 0 && sc->kind == SK_ARRAY)
		r = -ENOENT; /* gdb has no printer for it: {_M_elems = {...}} */
	if (r == 0)
		r = std_text(x, sc, depth, b);
	if (r) {
		b->len = len; /* nothing of it: the raw text follows */
		b->buf[len] = 0;
	}
	if (r == -EINVAL) {
		/* unreadable memory: gdb's <error reading variable: ...> in
		 * place of the value; a layout we do not know (a declaration
		 * only, another library version): the raw members */
		r = -ENOENT;
		if (!strncmp(x->err, "Cannot access memory", 20)) {
			src_sb_fmt(b, "<error reading variable: %s>", x->err);
			r = 0;
		}
	}
out:
	free(x);
	free(sc);
	free(whole);
	return r;
}

/* ---- children in the variables tree ------------------------------------------------ */

int cx_std_count(struct cx *x, const struct cx_val *v, uint64_t *n)
{
	struct std_c *sc = malloc(sizeof *sc);
	int r;

	if (!sc)
		return -ENOMEM;
	r = std_open(x, v, sc);
	if (r == 0 && sc->kind == SK_ADAPTER) {
		r = cx_std_count(x, &sc->first, n); /* its c's */
		free(sc);
		return r;
	}
	if (r == 0 && (sc->kind == SK_ARRAY || sc->kind == SK_VECTOR || sc->kind == SK_TUPLE))
		r = -ENOENT; /* as a struct / as an array (cexpr_out.c) */
	if (r == 0)
		*n = sc->kind == SK_STRING || sc->n < 0 ? 0 : (uint64_t)sc->n;
	free(sc);
	return r;
}

/* A node's child as an expression: the element at its address. */
static char *addr_expr(const struct cx_val *e)
{
	/* the DWARF's own names: the cast looks them up (cexpr.c) */
	char *tn = e->ty.kind == CT_DIE ? src_type_name((Dwarf_Die *)&e->ty.die) : NULL;
	char *out = NULL;

	if (tn && asprintf(&out, "*(%s *)0x%" PRIx64, tn, e->v.addr) < 0)
		out = NULL;
	free(tn);
	return out;
}

int cx_std_children(struct cx *x, const struct cx_val *v, const char *expr, uint64_t first,
		    uint64_t count, cx_child_fn *fn, void *ctx)
{
	struct std_c *sc = malloc(sizeof *sc);
	struct cx_val key = { 0 }, val = { 0 };
	int r;

	if (!sc)
		return -ENOMEM;
	r = std_open(x, v, sc);
	if (r == 0 && sc->kind == SK_ADAPTER) {
		char *ce = cx_member_expr(expr, "c");

		r = ce ? cx_std_children(x, &sc->first, ce, first, count, fn, ctx) : -ENOMEM;
		free(ce);
		free(sc);
		return r;
	}
	while (r == 0 && sc->i < first + count) {
		uint64_t i = sc->i;
		char *name = NULL, *e = NULL;
		struct src_sbuf *kb;

		r = std_next(x, sc, &key, &val);
		if (r == -EINVAL) { /* what was listed stays */
			x->failed = false;
			r = 0;
			break;
		}
		if (r || i < first)
			continue;
		if (sc->kind == SK_PAIR) {
			name = strdup(i ? "second" : "first");
			e = cx_member_expr(expr, name ? name : "first");
		} else if (sc->kind == SK_UNIQUE || sc->kind == SK_SHARED || sc->kind == SK_OPTIONAL) {
			const char *m = sc->kind == SK_OPTIONAL ? "value()" : "get()";

			name = strdup(sc->kind == SK_OPTIONAL ? "[contained value]" : m);
			e = cx_member_expr(expr, m);
		} else if (sc->kind == SK_MAP || sc->kind == SK_UMAP) {
			kb = malloc(sizeof *kb);
			if (kb) {
				kb->len = 0;
				kb->full = false;
				kb->buf[0] = 0;
				nested_text(x, &key, 1, kb);
				if (asprintf(&name, "[%s]", kb->buf) < 0)
					name = NULL;
			}
			free(kb);
			e = addr_expr(&val);
		} else {
			if (asprintf(&name, "[%" PRIu64 "]", i) < 0)
				name = NULL;
			if (sc->kind != SK_BVECTOR && sc->kind != SK_DEQUE)
				e = addr_expr(&val);
			else if (asprintf(&e, cx_simple_expr(expr) ? "%s[%" PRIu64 "]" :
					  "(%s)[%" PRIu64 "]", expr, i) < 0)
				e = NULL;
		}
		r = fn(ctx, &val, name, e);
	}
	if (r == -ENOENT)
		r = 0;
	free(sc);
	return r;
}

/* ---- methods, as gdb's xmethods compute them ----------------------------------------- */

int cx_std_pointer_of(struct cx *x, const struct cx_val *v, bool smart_only, struct cx_val *out)
{
	struct std_c *sc = malloc(sizeof *sc);
	int r;

	if (!sc)
		return -ENOMEM;
	r = std_open(x, v, sc);
	if (r == 0 && (smart_only ? sc->kind != SK_UNIQUE && sc->kind != SK_SHARED :
		       sc->kind != SK_UNIQUE && sc->kind != SK_SHARED && sc->kind != SK_ARRAY &&
		       sc->kind != SK_STRING && sc->kind != SK_VECTOR))
		r = -ENOENT;
	if (r == 0)
		*out = sc->first;
	free(sc);
	return r;
}

static int bool_val(struct cx *x, bool b, struct cx_val *out)
{
	static const int tags[] = { DW_TAG_base_type, 0 };
	Dwarf_Die d, ch;
	bool found = cx_names_type(x, tags, "bool", &d) == 0;

	if (!found && x->have_cu && dwarf_child(&x->cu, &ch) == 0) {
		do {
			const char *n = dwarf_diename(&ch);

			found = dwarf_tag(&ch) == DW_TAG_base_type && n && !strcmp(n, "bool");
			if (found)
				d = ch;
		} while (!found && dwarf_siblingof(&ch, &ch) == 0);
	}
	if (!found)
		return cx_fail(x, "No symbol \"bool\" in current context.");
	memset(out, 0, sizeof *out);
	out->ty.kind = CT_DIE;
	out->ty.die = d;
	out->v.size = 1;
	out->v.bytes[0] = b;
	out->v.valid[0] = 1;
	return 0;
}

/* Element i of a vector, array or string; i -1: the last. */
static int elem_at(struct cx *x, struct std_c *sc, int64_t i, struct cx_val *out)
{
	uint64_t es, p;
	bool sign;

	if (i < 0)
		i = sc->n - 1;
	switch (sc->kind) {
	case SK_ARRAY:
		return cx_index(x, &sc->first, i, out);
	case SK_VECTOR:
		if (elem_size(x, &sc->et, &es))
			return -EINVAL;
		cx_lval(out, &sc->et, sc->at + (uint64_t)i * es);
		return 0;
	case SK_STRING:
		if (cx_scalar(x, &sc->first, &p, &sign))
			return -EINVAL;
		cx_lval(out, &sc->et, p + (uint64_t)i);
		return 0;
	case SK_DEQUE:
		return deque_elem(x, sc, (uint64_t)i, out);
	default: /* a list's front (0) or back (-1) */
		if (i && read_u64(x, sc->end + 8, &p))
			return -EINVAL;
		cx_lval(out, &sc->et, (i ? p : sc->at) + LIST_VALUE);
		return 0;
	}
}

static bool is_m(const char *name, size_t len, const char *m)
{
	return strlen(m) == len && !strncmp(name, m, len);
}

/* at(n) out of range: the exception the program would throw. */
static int range_error(struct cx *x, struct std_c *sc, uint64_t i)
{
	const char *who = sc->kind == SK_ARRAY ? "array::at" : sc->kind == SK_STRING ?
			  "basic_string::at" : "vector::_M_range_check";

	return cx_fail(x, "std::out_of_range: %s: __n (which is %" PRIu64 ") >= %s (which is %"
		       PRId64 ")", who, i, sc->kind == SK_ARRAY ? "_Nm" : "this->size()", sc->n);
}

/* Is m() in the list of methods ("size(), empty()")? */
static bool listed(const char *list, const char *m, size_t len)
{
	const char *at;
	char call[64];

	snprintf(call, sizeof call, "%.*s()", (int)(len < 32 ? len : 32), m);
	for (at = strstr(list, call); at && at != list && at[-1] != ' ';)
		at = strstr(at + 1, call);
	return at != NULL;
}

/* One method of an opened container: 0, -ENOSYS when not computed. */
static int std_method(struct cx *x, struct std_c *sc, const char *m, size_t len,
		      const uint64_t *args, int nargs, struct cx_val *out)
{
	bool seq = sc->kind == SK_VECTOR || sc->kind == SK_ARRAY || sc->kind == SK_STRING ||
		   sc->kind == SK_DEQUE;
	bool sized = sc->kind != SK_UNIQUE && sc->kind != SK_SHARED && sc->kind != SK_OPTIONAL &&
		     sc->kind != SK_ADAPTER;
	int want = is_m(m, len, "at") ? 1 : 0;

	if (!listed(std_methods[sc->kind], m, len))
		return -ENOSYS;
	if (nargs != want)
		return cx_fail(x, "%.*s() takes %d argument%s", (int)len, m, want,
			       want == 1 ? "" : "s");
	if (sized && (is_m(m, len, "size") || (sc->kind == SK_STRING && is_m(m, len, "length")))) {
		cx_int_val(out, (uint64_t)sc->n, 8, false);
		return 0;
	}
	if (sized && is_m(m, len, "empty"))
		return bool_val(x, sc->kind == SK_LIST ? sc->at == sc->end : sc->n == 0, out);
	if ((sc->kind == SK_VECTOR || sc->kind == SK_BVECTOR) && is_m(m, len, "capacity")) {
		cx_int_val(out, (uint64_t)sc->cap, 8, false);
		return 0;
	}
	if ((seq || sc->kind == SK_LIST) && (is_m(m, len, "front") || is_m(m, len, "back"))) {
		if (sc->n <= 0 || (sc->kind == SK_LIST && sc->at == sc->end))
			return cx_fail(x, "cannot read %.*s(): the container is empty", (int)len, m);
		return elem_at(x, sc, is_m(m, len, "back") ? -1 : 0, out);
	}
	if (seq && is_m(m, len, "at")) {
		if (args[0] >= (uint64_t)(sc->n > 0 ? sc->n : 0))
			return range_error(x, sc, args[0]);
		return elem_at(x, sc, (int64_t)args[0], out);
	}
	if ((sc->kind == SK_VECTOR && is_m(m, len, "data")) ||
	    (sc->kind == SK_STRING && (is_m(m, len, "data") || is_m(m, len, "c_str")))) {
		/* T *, as the method's type says ("const char *": its string) */
		*out = sc->first;
		out->ty = sc->et;
		out->ty.nptr++;
		return 0;
	}
	if ((sc->kind == SK_UNIQUE || sc->kind == SK_SHARED) && is_m(m, len, "get")) {
		*out = sc->first;
		return 0;
	}
	if (sc->kind == SK_ARRAY && is_m(m, len, "data")) {
		*out = sc->first;
		return cx_decay(x, out);
	}
	if (sc->kind == SK_SHARED && is_m(m, len, "use_count")) {
		struct cx_val pi, cnt;
		uint64_t p, use = 0;

		if (path(x, &sc->v, "_M_refcount._M_pi", &pi) ||
		    path_u64(x, &sc->v, "_M_refcount._M_pi", &p) ||
		    (p && (cx_deref(x, &pi, &cnt) || path_u64(x, &cnt, "_M_use_count", &use))))
			return -EINVAL;
		cx_int_val(out, (uint64_t)(int64_t)(int32_t)use, 8, true);
		return 0;
	}
	if (sc->kind == SK_OPTIONAL && is_m(m, len, "has_value"))
		return bool_val(x, sc->n != 0, out);
	if (sc->kind == SK_OPTIONAL && is_m(m, len, "value")) {
		if (!sc->n)
			return cx_fail(x, "std::bad_optional_access: the optional holds no value");
		*out = sc->first;
		return 0;
	}
	return -ENOSYS;
}

/* A stack's or queue's method: its c's (top() is back()). */
static int adapter_method(struct cx *x, struct std_c *sc, const char *m, size_t len,
			  struct cx_val *out)
{
	struct std_c *in = malloc(sizeof *in);
	int r;

	if (!in)
		return -ENOMEM;
	if (is_m(m, len, "top")) {
		m = "back";
		len = 4;
	}
	r = std_open(x, &sc->first, in);
	if (r == 0)
		r = std_method(x, in, m, len, NULL, 0, out);
	free(in);
	return r == -ENOENT || r == -ENOSYS ? cx_fail(x, "cannot call %.*s(): %s holds no "
						      "container this evaluator reads", (int)len,
						      m, sc->shown) : r;
}

int cx_std_call(struct cx *x, const struct cx_val *obj, const char *m, size_t len,
		struct cx_val *args, int nargs, struct cx_val *out)
{
	struct std_c *sc = malloc(sizeof *sc);
	uint64_t a[2] = { 0, 0 };
	char *cls = NULL;
	bool sign;
	int r;

	if (!sc)
		return -ENOMEM;
	for (int i = 0; i < nargs && i < 2; i++)
		if (cx_coerce_ref(x, &args[i]) || cx_scalar(x, &args[i], &a[i], &sign)) {
			r = -EINVAL;
			goto out;
		}
	r = std_open(x, obj, sc);
	if (r == 0 && sc->kind == SK_ADAPTER)
		r = listed(std_methods[SK_ADAPTER], m, len) ? adapter_method(x, sc, m, len, out) :
		    -ENOSYS;
	else if (r == 0)
		r = std_method(x, sc, m, len, a, nargs, out);
	if (r != -ENOENT && r != -ENOSYS)
		goto out;
	x->failed = false;
	cls = cx_class_of(&sc->v.ty, &sc->st) == CL_STRUCT ? cx_gdb_names(src_type_name(&sc->st)) :
	      NULL;
	if (r == -ENOSYS)
		r = cx_fail(x, "cannot call %s::%.*s(): only %s are evaluated in a recording",
			    sc->shown, (int)len, m, std_methods[sc->kind]);
	else if (cls)
		r = cx_fail(x, "cannot call %s::%.*s(): a recording runs no code; only the "
			    "methods of libstdc++'s containers (size(), empty(), front(), back(), "
			    "at(), get(), has_value()...) are evaluated in a recording", cls,
			    (int)len, m);
	else
		r = cx_fail(x, "Attempt to extract a component of a value that is not a "
			    "struct or union");
out:
	free(cls);
	free(sc);
	return r;
}

int cx_std_elem(struct cx *x, const struct cx_val *v, int64_t i, struct cx_val *out)
{
	struct std_c *sc = malloc(sizeof *sc);
	int r;

	if (!sc)
		return -ENOMEM;
	r = std_open(x, v, sc);
	if (r == 0 && sc->kind == SK_DEQUE)
		r = deque_elem(x, sc, (uint64_t)i, out); /* unchecked, like operator[] */
	else if (r == 0 && sc->kind != SK_BVECTOR)
		r = -ENOENT;
	else if (r == 0) {
		/* gdb's xmethod reads the bit, unchecked like operator[] */
		sc->n = INT64_MAX;
		sc->bitoff += (uint64_t)i;
		r = std_next(x, sc, out, out);
	}
	free(sc);
	return r;
}

bool cx_std_printed(const struct cx_val *v)
{
	Dwarf_Die st;
	const char *shown;
	enum std_kind k = kind_of(v, &st, &shown);

	return k != SK_NONE && k != SK_ARRAY;
}
