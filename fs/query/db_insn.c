/* db_insn.c - the instruction at t, disassembled with capstone (AT&T).
 *
 * Its address is RIP at t.  Its bytes come from code.hst, through an
 * index from address to the bytes the recorder translated, built on first
 * use.  An address that held different code at different times (JIT,
 * self-modifying code) is marked ambiguous, and then the bytes are read
 * from memory at t instead.
 */
#include <capstone.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

struct slot {
	uint64_t addr;              /* 0: empty */
	const struct hs_trace_insn *insn; /* NULL: ambiguous */
};

struct db_insn_index {
	struct slot *v;
	size_t cap;                 /* a power of two */
};

static size_t slot_of(const struct db_insn_index *x, uint64_t addr)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & (x->cap - 1);
}

static void add(struct db_insn_index *x, const struct hs_trace_insn *in)
{
	size_t i = slot_of(x, in->addr);

	while (x->v[i].addr && x->v[i].addr != in->addr)
		i = (i + 1) & (x->cap - 1);
	if (!x->v[i].addr) {
		x->v[i].addr = in->addr;
		x->v[i].insn = in;
		return;
	}
	if (x->v[i].insn && (x->v[i].insn->len != in->len ||
			     memcmp(x->v[i].insn->bytes, in->bytes, in->len) != 0))
		x->v[i].insn = NULL;
}

void db_insn_index_free(struct db_insn_index *x)
{
	if (!x)
		return;
	free(x->v);
	free(x);
}

static int build(const struct hs_trace_code *code, struct db_insn_index **out)
{
	size_t n_sb = hs_trace_code_sb_count(code), n_insns = 0, seen = 0;
	struct db_insn_index *x;
	uint32_t id;

	/* sb_ids are dense from HS_SB_ID_FIRST, but allow gaps */
	for (id = HS_SB_ID_FIRST, seen = 0; seen < n_sb && id != 0; id++) {
		const struct hs_trace_sb *sb = hs_trace_code_sb(code, id);

		if (sb) {
			seen++;
			n_insns += sb->n_insns;
		}
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->cap = 1024;
	while (x->cap < n_insns * 2)
		x->cap *= 2;
	x->v = calloc(x->cap, sizeof(*x->v));
	if (!x->v) {
		free(x);
		return -ENOMEM;
	}
	for (id = HS_SB_ID_FIRST, seen = 0; seen < n_sb && id != 0; id++) {
		const struct hs_trace_sb *sb = hs_trace_code_sb(code, id);

		if (!sb)
			continue;
		seen++;
		for (uint32_t i = 0; i < sb->n_insns; i++)
			if (sb->insns[i].addr)
				add(x, &sb->insns[i]);
	}
	*out = x;
	return 0;
}

/* The instruction index, built over the code table on first use: held
 * (with the table) until db_code_put(img). */
static int index_get(struct hs_db_image *img, const struct db_insn_index **out)
{
	const struct hs_trace_code *code;
	struct db_insn_index *x = NULL;
	int err;

	*out = NULL;
	err = db_code(img, &code);
	if (err)
		return err;
	pthread_mutex_lock(&img->db->code_lock);
	*out = img->insns;
	pthread_mutex_unlock(&img->db->code_lock);
	if (*out)
		return 0;
	err = build(code, &x);
	pthread_mutex_lock(&img->db->code_lock);
	if (!img->insns) {
		img->insns = x;
		x = NULL;
	}
	*out = img->insns;
	pthread_mutex_unlock(&img->db->code_lock);
	db_insn_index_free(x);
	if (!*out) {
		db_code_put(img);
		return err ? err : -ENOMEM;
	}
	return 0;
}

static const struct hs_trace_insn *lookup(const struct db_insn_index *x, uint64_t addr,
					  bool *ambiguous)
{
	size_t i = slot_of(x, addr);

	*ambiguous = false;
	while (x->v[i].addr) {
		if (x->v[i].addr == addr) {
			*ambiguous = !x->v[i].insn;
			return x->v[i].insn;
		}
		i = (i + 1) & (x->cap - 1);
	}
	return NULL;
}

/* The bytes of the instruction at addr as it ran at t into bytes[16]: the
 * recorder's (*exact: its length is theirs), else 16 bytes of memory at t
 * (an address that held different code at different times, or none ran
 * there).  Returns how many, or -errno. */
static ssize_t code_bytes(struct hs_db_image *img, uint64_t t, uint64_t addr, uint8_t *bytes,
			  bool *exact)
{
	const struct db_insn_index *x;
	const struct hs_trace_insn *in;
	size_t n = 0;
	bool ambiguous;
	int err = index_get(img, &x);

	*exact = false;
	if (err)
		return err < 0 ? err : -EIO;
	in = lookup(x, addr, &ambiguous);
	if (in && in->len <= 16) {
		n = in->len;
		memcpy(bytes, in->bytes, n);
	}
	db_code_put(img);
	*exact = n > 0;
	return n ? (ssize_t)n : hs_db_mem_read(img, t, addr, 16, bytes);
}

/* out's len, bytes and text: the first instruction of bytes[0..n) at
 * addr, or "(bad)" (len 1; 0 without bytes). */
static int decode(uint64_t addr, const uint8_t *bytes, size_t n, struct hs_db_insn *out)
{
	cs_insn *ci = NULL;
	csh h;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return -ENOMEM;
	cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	if (cs_disasm(h, bytes, n, addr, 1, &ci) == 1) {
		out->len = ci->size;
		memcpy(out->bytes, ci->bytes, ci->size);
		snprintf(out->text, sizeof(out->text), "%s%s%s", ci->mnemonic,
			 ci->op_str[0] ? " " : "", ci->op_str);
		cs_free(ci, 1);
	} else {
		out->len = n ? 1 : 0;
		memcpy(out->bytes, bytes, out->len);
		snprintf(out->text, sizeof(out->text), "(bad)");
	}
	cs_close(&h);
	return 0;
}

int hs_db_insn_at(const struct hs_db_image *cimg, uint64_t t, struct hs_db_insn *out)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	struct hs_db_regs *r;
	uint8_t bytes[16];
	ssize_t n;
	bool exact;
	int err;

	memset(out, 0, sizeof(*out));
	/* at the end of an image a signal killed, the instruction it
	 * interrupted (a fault's: the faulting one) is still to run */
	if (t > img->t_end)
		return -ERANGE;
	if (t == img->t_end && !hs_db_crashed(img))
		return -ENOENT;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(img, t, 0, r);
	out->addr = r->regs.rip;
	free(r);
	if (err)
		return err;
	n = code_bytes(img, t, out->addr, bytes, &exact);
	if (n < 0)
		return (int)n;
	return decode(out->addr, bytes, (size_t)n, out);
}

int hs_db_insn_len(const struct hs_db_image *cimg, uint64_t t, uint64_t addr)
{
	struct hs_db_insn in = { .addr = addr };
	uint8_t bytes[16];
	bool exact;
	ssize_t n = code_bytes((struct hs_db_image *)cimg, t, addr, bytes, &exact);
	int err;

	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	if (exact)
		return (int)n;
	if ((err = decode(addr, bytes, (size_t)n, &in)))
		return err;
	return strcmp(in.text, "(bad)") ? (int)in.len : -ENOENT;
}
