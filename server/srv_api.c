/* srv_api.c - the read-only API: info, tree, link, moment, origin.
 *
 * Everything is read through the tree (the same bytes as `hindsight cat`),
 * except the origin of a byte, which the tree has no path for
 * (hs_db_last_write).  A path the tree does not have (the source-level
 * files land in another branch) is null in /api/moment, never an error.
 */
#include "srv_i.h"

#include "hindsight/db.h"

#include <capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_CAP (256u << 10)   /* one file of /api/moment */
#define STREAM_PIECE (64u << 10)
#define DISASM_AFTER 7
#define MAX_LOCALS 64
#define LINK_HOPS 40

/* ---- helpers ------------------------------------------------------------------ */

/* Reads the whole file at path (following links) into a NUL-terminated
 * buffer of at most cap bytes (the rest is cut off).  Caller frees. */
static int read_text(struct hs_tree *tree, const char *path, size_t cap, char **out,
		     size_t *len)
{
	struct hs_tree_node n;
	char *buf;
	size_t have = 0;
	int err = hs_tree_resolve(tree, path, true, &n);

	*out = NULL;
	if (err < 0)
		return err;
	if (hs_tree_type(&n) == HS_TREE_DIR)
		return -EISDIR;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	while (have < cap) {
		ssize_t got = hs_tree_read(tree, &n, buf + have, cap - have, have);

		if (got < 0) {
			free(buf);
			return (int)got;
		}
		if (got == 0)
			break;
		have += (size_t)got;
	}
	buf[have] = 0;
	*out = buf;
	if (len)
		*len = have;
	return 0;
}

int srv_read_text(struct hs_tree *tree, const char *path, size_t cap, char **out,
		  size_t *len)
{
	return read_text(tree, path, cap, out, len);
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
}

/* The text of a file as a JSON string, or null when it cannot be read. */
static struct json_object *text_or_null(struct hs_tree *tree, const char *path)
{
	char *text;
	struct json_object *o;

	if (read_text(tree, path, SMALL_CAP, &text, NULL) < 0)
		return NULL;
	chomp(text);
	o = json_object_new_string(text);
	free(text);
	return o;
}

/* "processes/<name>/" for image i > 0, "" for image 0 (the top level is
 * the first process).  -EINVAL for a bad number, -ENOENT past the end. */
static int image_prefix(struct hs_tree *tree, const struct srv_req *req, char *buf,
			size_t cap, const struct hs_db_image **img)
{
	const char *a = srv_arg(req, "image");
	struct hs_db_image_info info;
	uint64_t i = 0;

	if (a && srv_parse_u64(a, &i) < 0)
		return -EINVAL;
	*img = i < hs_tree_image_count(tree) ? hs_tree_image_at(tree, (size_t)i) : NULL;
	if (!*img || hs_tree_image_info(tree, (size_t)i, &info) < 0)
		return -ENOENT;
	if (i == 0)
		snprintf(buf, cap, "%s", "");
	else
		snprintf(buf, cap, "processes/%s/", info.name);
	return 0;
}

/* The view= argument of a request about a moment (0 when none: time/<t>;
 * k: time/<t>.<k>); -1 once it has replied with the error. */
static int view_arg(const struct srv_req *req, struct srv_reply *r, uint32_t *view)
{
	uint64_t k = 0;

	if (srv_arg(req, "view") && (srv_parse_u64(srv_arg(req, "view"), &k) < 0 ||
				     k > UINT32_MAX)) {
		srv_reply_status(r, 400, "EINVAL", "view must be a number (view=1)");
		return -1;
	}
	*view = (uint32_t)k;
	return 0;
}

/* The t= and image= arguments of a request about a moment: t, the
 * image's prefix and the image; -1 once it has replied with the error. */
static int moment_args(struct hs_tree *tree, const struct srv_req *req, struct srv_reply *r,
		       uint64_t *t, char *prefix, size_t cap, const struct hs_db_image **img)
{
	int err;

	if (srv_parse_u64(srv_arg(req, "t"), t) < 0) {
		srv_reply_status(r, 400, "EINVAL", "t must be a number (t=123)");
		return -1;
	}
	err = image_prefix(tree, req, prefix, cap, img);
	if (err < 0) {
		srv_reply_error(r, err, "no such process image");
		return -1;
	}
	return 0;
}

/* The canonical path (no link, ".", ".." in it) of path, following links
 * in every component, the last one too when follow_last. */
int srv_canonical(struct hs_tree *tree, const char *path, bool follow_last, char *out,
		     size_t cap)
{
	char *todo = malloc(SRV_PATH_MAX * 2), *rest;
	char target[SRV_PATH_MAX];
	struct hs_tree_node n;
	int hops = 0, err = 0;
	size_t len = 0;

	if (!todo)
		return -ENOMEM;
	snprintf(todo, SRV_PATH_MAX * 2, "%s", path);
	out[0] = 0;
	rest = todo;
	while (*rest) {
		char *c = rest, *slash = strchr(rest, '/');
		size_t save = len;

		if (slash) {
			*slash = 0;
			rest = slash + 1;
		} else {
			rest = c + strlen(c);
		}
		if (!*c || strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			char *last = strrchr(out, '/');

			len = last ? (size_t)(last - out) : 0;
			out[len] = 0;
			continue;
		}
		if (len + 1 + strlen(c) + 1 > cap) {
			err = -ENAMETOOLONG;
			break;
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "/" : "", c);
		err = hs_tree_resolve(tree, out, false, &n);
		if (err < 0)
			break;
		if (hs_tree_type(&n) != HS_TREE_LINK || (!*rest && !follow_last))
			continue;
		if (++hops > LINK_HOPS) {
			err = -ELOOP;
			break;
		}
		err = hs_tree_readlink(tree, &n, target, sizeof target);
		if (err < 0)
			break;
		err = 0;
		len = save;
		out[len] = 0;
		if (target[0] == '/') {
			len = 0;
			out[0] = 0;
		}
		/* the target's components go before what is left */
		{
			char *nt = malloc(SRV_PATH_MAX * 2);

			if (!nt) {
				err = -ENOMEM;
				break;
			}
			if ((size_t)snprintf(nt, SRV_PATH_MAX * 2, "%s/%s", target, rest) >=
			    SRV_PATH_MAX * 2) {
				free(nt);
				err = -ENAMETOOLONG;
				break;
			}
			free(todo);
			todo = nt;
			rest = todo;
		}
	}
	free(todo);
	return err;
}

/* t and view of a link "../1234" or "../1234.2" (time/<t>.<k>: view k
 * of the moment, where inlined copies start), after the last '/'. */
static int link_tv(struct hs_tree *tree, const char *path, uint64_t *t, uint32_t *view)
{
	struct hs_tree_node n;
	char target[256], *last, *dot;
	uint64_t k = 0;
	int err = hs_tree_resolve(tree, path, false, &n);

	if (err < 0)
		return err;
	if (hs_tree_type(&n) != HS_TREE_LINK)
		return -EINVAL;
	err = hs_tree_readlink(tree, &n, target, sizeof target);
	if (err < 0)
		return err;
	last = strrchr(target, '/');
	last = last ? last + 1 : target;
	if ((dot = strchr(last, '.'))) {
		*dot = 0;
		if (srv_parse_u64(dot + 1, &k) < 0 || k > UINT32_MAX)
			return -EINVAL;
	}
	*view = (uint32_t)k;
	return srv_parse_u64(last, t);
}

static int link_t(struct hs_tree *tree, const char *path, uint64_t *t)
{
	uint32_t view;

	return link_tv(tree, path, t, &view);
}

static struct json_object *u64_json(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static struct json_object *hex_json(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

/* ---- /api/info ------------------------------------------------------------------ */

void srv_api_info(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct json_object *o = json_object_new_object(), *imgs = json_object_new_array();
	struct json_object *marks = json_object_new_object();
	struct hs_tree *tree;
	uint64_t t_end = 0, t;
	bool have = false;

	pthread_mutex_lock(&s->lock);
	tree = s->tree;
	pthread_mutex_unlock(&s->lock);
	if (!tree) {
		struct srv_reply dummy = { 0 };

		tree = srv_tree(s, &dummy); /* takes the tree if the build just ended */
		free(dummy.body);
	}
	json_object_object_add(o, "trace", json_object_new_string(s->trace));
	if (tree) {
		for (size_t i = 0; i < hs_tree_image_count(tree); i++) {
			struct hs_db_image_info info;
			struct json_object *im;

			if (hs_tree_image_info(tree, i, &info) < 0)
				continue;
			im = json_object_new_object();
			json_object_object_add(im, "name", json_object_new_string(info.name));
			json_object_object_add(im, "pid", json_object_new_int64(info.pid));
			json_object_object_add(im, "t_end", u64_json(info.t_end));
			json_object_object_add(im, "index", json_object_new_int64((int64_t)i));
			json_object_array_add(imgs, im);
			if (i == 0) {
				t_end = info.t_end;
				have = true;
			}
		}
	}
	json_object_object_add(o, "images", imgs);
	json_object_object_add(o, "t_end", have ? u64_json(t_end) : NULL);
	json_object_object_add(o, "built", json_object_new_boolean(tree != NULL));
	json_object_object_add(o, "version", json_object_new_string("0.1.0"));
	json_object_object_add(marks, "start", json_object_new_int64(0));
	json_object_object_add(marks, "end", have ? u64_json(t_end) : NULL);
	json_object_object_add(marks, "crash",
			       tree && link_t(tree, "time/crash", &t) == 0 ? u64_json(t) : NULL);
	json_object_object_add(marks, "main",
			       tree && link_t(tree, "time/main", &t) == 0 ? u64_json(t) : NULL);
	json_object_object_add(o, "marks", marks);
	srv_reply_json(r, 200, o);
	json_object_put(o);
}

/* ---- /api/tree -------------------------------------------------------------------- */

struct dir_ctx {
	struct json_object *entries;
	size_t n;
};

static int dir_entry(void *vctx, const char *name, const struct hs_tree_node *child)
{
	struct dir_ctx *c = vctx;
	struct json_object *e = json_object_new_object();
	enum hs_tree_type t = hs_tree_type(child);

	/* a folder as big as writes/ or time/ lists lazily in the tree; a
	 * reply keeps to the first 100,000 names */
	if (++c->n > 100000) {
		json_object_put(e);
		return 1;
	}
	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "type", json_object_new_string(
				  t == HS_TREE_DIR ? "dir" : t == HS_TREE_LINK ? "link" : "file"));
	json_object_array_add(c->entries, e);
	return 0;
}

struct stream {
	struct hs_tree *tree;
	struct hs_tree_node n;
	uint64_t off;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	ssize_t got = hs_tree_read(st->tree, &st->n, buf, max, st->off + pos);

	if (got == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (got < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return got;
}

static void stream_free(void *cls)
{
	free(cls);
}

void srv_api_tree(struct hs_srv *s, struct srv_req *req, const char *path,
		  struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	struct hs_tree_node n;
	struct hs_tree_attr a;
	const char *so = srv_arg(req, "offset"), *sl = srv_arg(req, "length");
	uint64_t off = 0, len = 0;
	bool sparse, binary;
	const char *last = strrchr(path, '/');
	int err;

	if (!tree)
		return;
	if ((so && srv_parse_u64(so, &off) < 0) || (sl && srv_parse_u64(sl, &len) < 0))
		return srv_reply_status(r, 400, "EINVAL", "offset and length are numbers");
	if (sl && len > SRV_READ_CAP)
		return srv_reply_status(r, 400, "EINVAL", "length is capped at %u bytes",
					SRV_READ_CAP);
	err = hs_tree_resolve(tree, path, true, &n);
	if (err >= 0)
		err = hs_tree_getattr(tree, &n, &a);
	if (err < 0)
		return srv_reply_error(r, err, "%s: %s", *path ? path : "/", strerror(-err));
	if (a.type == HS_TREE_DIR) {
		struct json_object *o = json_object_new_object();
		struct dir_ctx c = { json_object_new_array(), 0 };
		size_t plen = strlen(path);

		while (plen && path[plen - 1] == '/')
			plen--;
		err = hs_tree_readdir(tree, &n, dir_entry, &c);
		json_object_object_add(o, "type", json_object_new_string("dir"));
		json_object_object_add(o, "path", json_object_new_string_len(path, (int)plen));
		json_object_object_add(o, "entries", c.entries);
		if (err < 0)
			srv_reply_error(r, err, "%s: %s", path, strerror(-err));
		else
			srv_reply_json(r, 200, o);
		json_object_put(o);
		return;
	}
	sparse = a.size_known && a.size > (1ull << 40);
	binary = sparse || strcmp(last ? last + 1 : path, "mem") == 0;
	if (sparse && !sl)
		return srv_reply_status(r, 400, "EINVAL",
					"%s is a sparse file of %" PRIu64 " bytes: give offset "
					"and length (at most %u)", path, a.size, SRV_READ_CAP);
	if (sl || (a.size_known && a.size <= SRV_READ_CAP)) {
		size_t want = sl ? (size_t)len : (size_t)(a.size > off ? a.size - off : 0);
		char *buf = malloc(want + 1);
		size_t have = 0;

		if (!buf)
			return srv_reply_error(r, -ENOMEM, "out of memory");
		while (have < want) {
			ssize_t got = hs_tree_read(tree, &n, buf + have, want - have, off + have);

			if (got < 0 && have == 0) {
				free(buf);
				return srv_reply_error(r, (int)got, "%s at offset %" PRIu64 ": %s",
						       path, off, got == -EIO ?
						       "not mapped at this time" : strerror((int)-got));
			}
			if (got <= 0)
				break;
			have += (size_t)got;
		}
		srv_reply_bytes(r, binary ? "application/octet-stream" : "text/plain; charset=utf-8",
				buf, have);
		return;
	}
	/* big or of unknown size: streamed from the tree, piece by piece */
	{
		struct stream *st = calloc(1, sizeof(*st));

		if (!st)
			return srv_reply_error(r, -ENOMEM, "out of memory");
		st->tree = tree;
		st->n = n;
		st->off = off;
		r->stream = MHD_create_response_from_callback(
			a.size_known ? (a.size > off ? a.size - off : 0) : MHD_SIZE_UNKNOWN,
			STREAM_PIECE, stream_read, st, stream_free);
		if (!r->stream) {
			free(st);
			return srv_reply_error(r, -ENOMEM, "out of memory");
		}
		r->status = 200;
		r->type = binary ? "application/octet-stream" : "text/plain; charset=utf-8";
	}
}

/* ---- /api/link ----------------------------------------------------------------------- */

void srv_api_link(struct hs_srv *s, struct srv_req *req, const char *path,
		  struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	struct hs_tree_node n;
	char target[SRV_PATH_MAX], resolved[SRV_PATH_MAX];
	struct json_object *o;
	int err;

	if (!tree)
		return;
	err = hs_tree_resolve(tree, path, false, &n);
	if (!err && hs_tree_type(&n) != HS_TREE_LINK)
		return srv_reply_status(r, 400, "EINVAL", "%s is not a link", path);
	if (!err)
		err = hs_tree_readlink(tree, &n, target, sizeof target);
	if (err >= 0)
		err = srv_canonical(tree, path, true, resolved, sizeof resolved);
	if (err < 0)
		return srv_reply_error(r, err, "%s: %s", path, strerror(-err));
	o = json_object_new_object();
	json_object_object_add(o, "target", json_object_new_string(target));
	json_object_object_add(o, "path", json_object_new_string(resolved));
	srv_reply_json(r, 200, o);
	json_object_put(o);
}

/* ---- /api/moment --------------------------------------------------------------------- */

static struct json_object *regs_json(struct hs_tree *tree, const char *path)
{
	char *text, *line, *save = NULL;
	struct json_object *o;

	if (read_text(tree, path, SMALL_CAP, &text, NULL) < 0)
		return NULL;
	o = json_object_new_object();
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = 0;
		json_object_object_add(o, line, json_object_new_string(sp + 1));
	}
	free(text);
	return o;
}

struct locals_ctx {
	struct hs_tree *tree;
	struct json_object *o;
	int n;
};

static int local_entry(void *vctx, const char *name, const struct hs_tree_node *child)
{
	struct locals_ctx *c = vctx;
	char buf[4097];
	ssize_t got;

	if (++c->n > MAX_LOCALS)
		return 1;
	if (hs_tree_type(child) == HS_TREE_DIR) {
		json_object_object_add(c->o, name, json_object_new_string("{...}"));
		return 0;
	}
	got = hs_tree_read(c->tree, child, buf, sizeof buf - 1, 0);
	if (got < 0) {
		json_object_object_add(c->o, name, NULL);
		return 0;
	}
	buf[got] = 0;
	chomp(buf);
	json_object_object_add(c->o, name, json_object_new_string(buf));
	return 0;
}

static struct json_object *locals_json(struct hs_tree *tree, const char *path)
{
	struct hs_tree_node n;
	struct locals_ctx c = { tree, NULL, 0 };

	if (hs_tree_resolve(tree, path, true, &n) < 0 || hs_tree_type(&n) != HS_TREE_DIR)
		return NULL;
	c.o = json_object_new_object();
	if (hs_tree_readdir(tree, &n, local_entry, &c) < 0) {
		json_object_put(c.o);
		return NULL;
	}
	return c.o;
}

static struct json_object *insn_json(uint64_t addr, const uint8_t *bytes, size_t len,
				     const char *text, bool current)
{
	struct json_object *o = json_object_new_object();
	char hex[40] = "";

	for (size_t i = 0; i < len && i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
	json_object_object_add(o, "addr", hex_json(addr));
	json_object_object_add(o, "bytes", json_object_new_string(hex));
	json_object_object_add(o, "text", json_object_new_string(text));
	if (current)
		json_object_object_add(o, "current", json_object_new_boolean(1));
	return o;
}

/* The instruction at t, from the tree's insn file ("0xADDR HEXBYTES
 * text": the bytes that ran), then the next DISASM_AFTER ones in memory
 * order from the bytes at t (what a debugger's disassembly view shows; not
 * necessarily what runs next, which `next` says).  Parsing the insn file
 * rather than asking hs_db_insn_at() again saves a second decode at t. */
static struct json_object *disasm_json(const struct hs_db_image *img, uint64_t t,
				       const char *insn)
{
	struct json_object *arr;
	uint8_t code[DISASM_AFTER * 15], bytes[16];
	const char *sp1 = strchr(insn, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	char addr_s[24];
	uint64_t addr;
	size_t len = 0;
	ssize_t got;
	csh h;
	cs_insn *ci = NULL;
	size_t n;

	if (!sp1 || !sp2 || (size_t)(sp1 - insn) >= sizeof addr_s)
		return NULL;
	memcpy(addr_s, insn, (size_t)(sp1 - insn));
	addr_s[sp1 - insn] = 0;
	if (srv_parse_u64(addr_s, &addr) < 0)
		return NULL;
	for (const char *h2 = sp1 + 1; h2 + 1 < sp2 && len < sizeof bytes; h2 += 2) {
		char two[3] = { h2[0], h2[1], 0 };
		char *end;

		bytes[len++] = (uint8_t)strtoul(two, &end, 16);
		if (*end)
			return NULL;
	}
	arr = json_object_new_array();
	json_object_array_add(arr, insn_json(addr, bytes, len, sp2 + 1, true));
	got = hs_db_mem_read(img, t, addr + len, sizeof code, code);
	if (got <= 0 || cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return arr;
	cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n = cs_disasm(h, code, (size_t)got, addr + len, DISASM_AFTER, &ci);
	for (size_t i = 0; i < n; i++) {
		char text[192];

		snprintf(text, sizeof text, "%s%s%s", ci[i].mnemonic, ci[i].op_str[0] ? " " : "",
			 ci[i].op_str);
		json_object_array_add(arr, insn_json(ci[i].address, ci[i].bytes, ci[i].size,
						     text, false));
	}
	if (n)
		cs_free(ci, n);
	cs_close(&h);
	return arr;
}

static const char *const moment_links[] = {
	"next", "prev", "next-line", "prev-line", "step-into", "step-back", "finish", "caller",
};
static const char *const moment_paths[] = {
	"regs", "insn", "thread", "where", "source", "backtrace", "locals", "mem", "maps",
	"next", "prev", "next-line", "prev-line", "step-into", "step-back", "finish", "caller",
};

void srv_api_moment(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	const struct hs_db_image *img;
	struct json_object *o, *links, *paths, *insn, *views;
	char prefix[128], base[256], p[320];
	struct hs_tree_node n;
	uint32_t view, lv;
	uint64_t t, v;
	char *text;
	int err;

	if (!tree)
		return;
	if (moment_args(tree, req, r, &t, prefix, sizeof prefix, &img) < 0 ||
	    view_arg(req, r, &view) < 0)
		return;
	if (view)
		snprintf(base, sizeof base, "%stime/%" PRIu64 ".%" PRIu32, prefix, t, view);
	else
		snprintf(base, sizeof base, "%stime/%" PRIu64, prefix, t);
	err = hs_tree_resolve(tree, base, true, &n);
	if (err < 0)
		return srv_reply_error(r, err, "%s: %s", base, strerror(-err));
	o = json_object_new_object();
	json_object_object_add(o, "t", u64_json(t));
	json_object_object_add(o, "view", json_object_new_int64(view));
	snprintf(p, sizeof p, "%s/thread", base);
	if (read_text(tree, p, 64, &text, NULL) == 0 && srv_parse_u64((chomp(text), text), &v) == 0)
		json_object_object_add(o, "thread", u64_json(v));
	else
		json_object_object_add(o, "thread", NULL);
	free(text);
	snprintf(p, sizeof p, "%s/regs", base);
	json_object_object_add(o, "regs", regs_json(tree, p));
	snprintf(p, sizeof p, "%s/insn", base);
	insn = text_or_null(tree, p);
	json_object_object_add(o, "insn", insn);
	snprintf(p, sizeof p, "%s/where", base);
	json_object_object_add(o, "where", text_or_null(tree, p));
	snprintf(p, sizeof p, "%s/source", base);
	json_object_object_add(o, "source", text_or_null(tree, p));
	snprintf(p, sizeof p, "%s/backtrace", base);
	json_object_object_add(o, "backtrace", text_or_null(tree, p));
	snprintf(p, sizeof p, "%s/locals", base);
	json_object_object_add(o, "locals", locals_json(tree, p));
	/* each link's t, and in link_views the view of those that lead to one */
	links = json_object_new_object();
	views = json_object_new_object();
	for (size_t i = 0; i < sizeof moment_links / sizeof moment_links[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", base, moment_links[i]);
		err = link_tv(tree, p, &v, &lv);
		json_object_object_add(links, moment_links[i], err == 0 ? u64_json(v) : NULL);
		if (err == 0 && lv)
			json_object_object_add(views, moment_links[i], json_object_new_int64(lv));
	}
	json_object_object_add(o, "links", links);
	json_object_object_add(o, "link_views", views);
	json_object_object_add(o, "disasm",
			       insn ? disasm_json(img, t, json_object_get_string(insn)) : NULL);
	paths = json_object_new_object();
	for (size_t i = 0; i < sizeof moment_paths / sizeof moment_paths[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", base, moment_paths[i]);
		json_object_object_add(paths, moment_paths[i], json_object_new_string(p));
	}
	json_object_object_add(o, "paths", paths);
	srv_reply_json(r, 200, o);
	json_object_put(o);
}

/* ---- /api/source ------------------------------------------------------------------------
 * What the source view needs of one file in one round trip: its text and
 * the lines that ran with their counts.  The UI used to find the file by
 * listing lines/ folder by folder, up to 2 s on a file not seen before. */

#define SOURCE_CAP (4u << 20)

/* Whether path has a "." or ".." component: a source path names a file
 * under lines/ and sources/, never a way out of them. */
static bool has_dot_part(const char *path)
{
	for (const char *c = path; *c; ) {
		size_t n = strcspn(c, "/");

		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return true;
		c += n;
		c += *c == '/';
	}
	return false;
}

static int ran_line(void *ctx, uint32_t line, uint64_t starts)
{
	struct json_object *pair = json_object_new_array_ext(2);

	json_object_array_add(pair, json_object_new_int64(line));
	json_object_array_add(pair, u64_json(starts));
	json_object_array_add(ctx, pair);
	return 0;
}

void srv_api_source(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	const struct hs_db_image *img;
	const char *path = srv_arg(req, "path");
	char prefix[128], p[4352];
	struct json_object *o, *ran = NULL;
	struct hs_tree_node n;
	size_t len = 0;
	char *text = NULL;
	int err;

	if (!tree)
		return;
	if (!path || !*path || path[0] == '/' || has_dot_part(path) || strlen(path) > 4096)
		return srv_reply_status(r, 400, "EINVAL",
					"path is a file's path under lines/ and sources/ "
					"(time/<t>/source names it)");
	err = image_prefix(tree, req, prefix, sizeof prefix, &img);
	if (err < 0)
		return srv_reply_error(r, err, "no such process image");
	snprintf(p, sizeof p, "%slines/%s", prefix, path);
	if (hs_tree_resolve(tree, p, true, &n) == 0) {
		ran = json_object_new_array();
		err = hs_tree_line_starts(tree, &n, ran_line, ran);
		if (err < 0) {
			json_object_put(ran);
			return srv_reply_error(r, err, "%s: %s", p, strerror(-err));
		}
	}
	snprintf(p, sizeof p, "%ssources/%s", prefix, path);
	err = read_text(tree, p, SOURCE_CAP, &text, &len);
	if (err < 0 && err != -ENOENT) {
		json_object_put(ran);
		return srv_reply_error(r, err, "%s: %s", p, strerror(-err));
	}
	o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "text", text ? json_object_new_string_len(text, (int)len) : NULL);
	json_object_object_add(o, "truncated", json_object_new_boolean(text && len >= SOURCE_CAP));
	snprintf(p, sizeof p, "%ssources/%s", prefix, path);
	json_object_object_add(o, "text_path", text ? json_object_new_string(p) : NULL);
	snprintf(p, sizeof p, "%slines/%s", prefix, path);
	json_object_object_add(o, "lines_path", ran ? json_object_new_string(p) : NULL);
	json_object_object_add(o, "ran", ran);
	free(text);
	srv_reply_json(r, 200, o);
	json_object_put(o);
}

/* ---- /api/origin ------------------------------------------------------------------------ */

static const char *write_kind(uint32_t k)
{
	switch (k) {
	case HS_DB_W_STORE: return "store";
	case HS_DB_W_SYSCALL: return "syscall";
	case HS_DB_W_SIGNAL: return "signal";
	case HS_DB_W_CORE: return "core";
	case HS_DB_W_MAP: return "map";
	case HS_DB_W_ZERO: return "zero";
	case HS_DB_W_REMAP: return "remap";
	default: return "unknown";
	}
}

/* The moment register reg of the thread at t got the value it has at t:
 * the UI lands there, right after the instruction that wrote it. */
static void reg_origin(const struct hs_db_image *img, uint64_t t, const char *reg,
		       struct srv_reply *r)
{
	struct json_object *o;
	uint64_t t0;
	int err = hs_db_reg_origin(img, t, 0, reg, &t0);

	if (err < 0)
		return srv_reply_error(r, err, err == -ENOENT ?
				       "%s is no register, or has not changed since its thread started" :
				       "%s", err == -ENOENT ? reg : strerror(-err));
	o = json_object_new_object();
	json_object_object_add(o, "t", u64_json(t0));
	json_object_object_add(o, "reg", json_object_new_string(reg));
	srv_reply_json(r, 200, o);
	json_object_put(o);
}

void srv_api_origin(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	const struct hs_db_image *img;
	struct hs_db_write w;
	struct hs_db_image_info info;
	struct json_object *o;
	char prefix[128];
	uint64_t t, addr, len = 1;
	uint8_t *buf;
	int err;

	if (!tree)
		return;
	if (moment_args(tree, req, r, &t, prefix, sizeof prefix, &img) < 0)
		return;
	if (srv_arg(req, "reg"))
		return reg_origin(img, t, srv_arg(req, "reg"), r);
	if (srv_parse_u64(srv_arg(req, "addr"), &addr) < 0)
		return srv_reply_status(r, 400, "EINVAL", "give addr=0xADDR (or reg=NAME)");
	if (srv_arg(req, "len") && (srv_parse_u64(srv_arg(req, "len"), &len) < 0 || !len ||
				    len > 4096))
		return srv_reply_status(r, 400, "EINVAL", "len is 1..4096");
	buf = malloc(len);
	if (!buf)
		return srv_reply_error(r, -ENOMEM, "out of memory");
	err = hs_db_last_write(img, addr, (size_t)len, t, &w, buf);
	if (err < 0) {
		free(buf);
		return srv_reply_error(r, err, err == -ENOENT ? "nothing wrote there up to t" :
				       "%s", strerror(-err));
	}
	o = json_object_new_object();
	hs_db_image_info(w.img, &info);
	json_object_object_add(o, "t", u64_json(w.t));
	json_object_object_add(o, "tid", u64_json(hs_db_thread_os_tid(w.img, w.tid, w.t)));
	json_object_object_add(o, "kind", json_object_new_string(write_kind(w.kind)));
	json_object_object_add(o, "addr", hex_json(w.addr));
	json_object_object_add(o, "len", u64_json(w.len));
	json_object_object_add(o, "image", json_object_new_string(info.name));
	free(buf);
	srv_reply_json(r, 200, o);
	json_object_put(o);
}
