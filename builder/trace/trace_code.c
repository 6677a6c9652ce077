/* trace_code.c - loads code.hst: one compiled op list per translation.
 *
 * Every CODE_SB record is checked once here (offsets inside the guest
 * state, sizes, instruction indexes), so that the decoder's inner loop can
 * trust the ops and only has to check the stream bytes.  Each op becomes a
 * trace_uop whose code already says how its slots are coded, and each
 * translation gets the layout of its delta state ("previous values") and
 * the length of its longest possible record.
 *
 * Memory: one allocation per translation holds the trace_sb, its insns,
 * its ops and a pool with the instruction bytes and PUT_CONST values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_i.h"

/* sb_id - HS_SB_ID_FIRST above this is taken as damage, not a gap: the
 * table is an array of pointers indexed by it. */
#define TRACE_SB_INDEX_MAX (1u << 26)
/* No single op moves more than this (FXSAVE/XSAVE areas are ~1-4 KiB). */
#define TRACE_OP_SIZE_MAX (1u << 20)

/* Bytes of a record cursor, for parsing code records. */
struct cur {
	const uint8_t *p, *end;
};

static bool take(struct cur *c, size_t n, const uint8_t **out)
{
	if ((size_t)(c->end - c->p) < n)
		return false;
	*out = c->p;
	c->p += n;
	return true;
}

static enum trace_slot_mode mode_for(uint32_t size)
{
	switch (size) {
	case 1: case 2: case 4: case 8:
		return SLOT_DELTA;
	case 16: case 32:
		return SLOT_XOR;
	default:
		return SLOT_RAW;
	}
}

/* Fills u from one op; *pool_used advances past a PUT_CONST value copied
 * into pool.  Returns 0, or -EBADMSG with err set. */
static int compile_op(const char *where, uint32_t i, struct cur *c,
		      struct trace_sb *sb, struct trace_uop *u,
		      uint8_t *pool, size_t *pool_used, uint32_t *prev_size,
		      uint64_t *slots, struct hs_trace_err *err)
{
	const uint8_t *h, *x;
	uint32_t kind, flags, size;
	bool raw;

	memset(u, 0, sizeof(*u));
	if (!take(c, HS_OP_HEADER_SIZE, &h))
		goto short_rec;
	kind = h[0];
	flags = h[1];
	u->insn = hs_trace_le16(h + 2);
	size = hs_trace_le32(h + 4);
	raw = flags & HS_OPF_RAW;
	if (u->insn >= sb->pub.n_insns) {
		trace_err_set(err, "%s: op %" PRIu32 " names instruction %u of %" PRIu32,
			      where, i, u->insn, sb->pub.n_insns);
		return -EBADMSG;
	}
	if (kind != HS_OP_IMARK && kind < HS_OP_EXIT &&
	    (size == 0 || size > TRACE_OP_SIZE_MAX)) {
		trace_err_set(err, "%s: op %" PRIu32 " has size %" PRIu32,
			      where, i, size);
		return -EBADMSG;
	}
	u->size = size;
	u->prev = *prev_size;
	u->amode = raw ? SLOT_RAW : SLOT_DELTA;
	u->dmode = raw ? SLOT_RAW : mode_for(size);

	switch (kind) {
	case HS_OP_IMARK:
		u->code = U_IMARK;
		u->size = 0;
		break;
	case HS_OP_PUT:
		if (!take(c, 4, &x))
			goto short_rec;
		u->off = hs_trace_le32(x);
		if ((uint64_t)u->off + size > HS_GUEST_STATE_SIZE)
			goto bad_offset;
		if (u->dmode == SLOT_RAW)
			u->code = U_PUTRAW;
		else if (u->dmode == SLOT_XOR)
			u->code = size == 16 ? U_PUTX16 : U_PUTX32;
		else
			u->code = size == 1 ? U_PUT1 : size == 2 ? U_PUT2 :
				  size == 4 ? U_PUT4 : U_PUT8;
		*prev_size += size;
		*slots += size;
		break;
	case HS_OP_PUT_CONST:
		if (!take(c, 4, &x))
			goto short_rec;
		u->off = hs_trace_le32(x);
		if ((uint64_t)u->off + size > HS_GUEST_STATE_SIZE)
			goto bad_offset;
		if (!take(c, size, &x))
			goto short_rec;
		if (size == 8) {
			u->code = U_PUTC8;
			u->imm = hs_trace_le64(x);
		} else {
			u->code = U_PUTC;
			u->n_elems = (uint32_t)*pool_used; /* pool offset */
			memcpy(pool + *pool_used, x, size);
			*pool_used += size;
		}
		break;
	case HS_OP_PUTI:
		if (!take(c, 12, &x))
			goto short_rec;
		u->code = U_PUTI;
		u->off = hs_trace_le32(x);
		u->n_elems = hs_trace_le32(x + 4);
		u->imm = (uint64_t)(int64_t)(int32_t)hs_trace_le32(x + 8);
		if (u->n_elems == 0 ||
		    (uint64_t)u->off + (uint64_t)u->n_elems * size > HS_GUEST_STATE_SIZE)
			goto bad_offset;
		*prev_size += 4 + size;
		*slots += 4 + (uint64_t)size;
		break;
	case HS_OP_STORE:
	case HS_OP_STOREG:
	case HS_OP_MEMCOPY:
		u->code = kind == HS_OP_STORE ? U_STORE :
			  kind == HS_OP_STOREG ? U_STOREG : U_MEMCOPY;
		if (kind == HS_OP_MEMCOPY) {
			/* the data is always raw, so only addr has a previous */
			u->dmode = SLOT_RAW;
			*prev_size += 8;
		} else {
			*prev_size += 8 + size;
		}
		*slots += (kind == HS_OP_STOREG) + 8 + (uint64_t)size;
		break;
	case HS_OP_EXIT:
		if (!take(c, 12, &x))
			goto short_rec;
		u->code = U_EXIT;
		u->retires = (uint8_t)trace_jumpkind_retires(hs_trace_le32(x));
		u->imm = hs_trace_le64(x + 4);
		*slots += 1;
		break;
	case HS_OP_NEXT:
	case HS_OP_NEXT_CONST:
		if (!take(c, kind == HS_OP_NEXT ? 4 : 12, &x))
			goto short_rec;
		sb->jumpkind_next = hs_trace_le32(x);
		u->retires = (uint8_t)trace_jumpkind_retires(sb->jumpkind_next);
		if (kind == HS_OP_NEXT_CONST) {
			u->code = U_NEXTC;
			u->imm = hs_trace_le64(x + 4);
		} else {
			u->code = raw ? U_NEXTRAW : U_NEXT;
			*prev_size += 8;
			*slots += 8;
		}
		u->size = 8;
		break;
	default:
		trace_err_set(err, "%s: op %" PRIu32 " has unknown kind %" PRIu32,
			      where, i, kind);
		return -EBADMSG;
	}
	return 0;
short_rec:
	trace_err_set(err, "%s: op %" PRIu32 " runs past the end of the record",
		      where, i);
	return -EBADMSG;
bad_offset:
	trace_err_set(err, "%s: op %" PRIu32 " writes outside the guest state",
		      where, i);
	return -EBADMSG;
}

/* Parses one CODE_SB payload into a new trace_sb. */
static int compile_sb(const char *where0, const uint8_t *payload, uint32_t len,
		      struct trace_sb **out, struct hs_trace_err *err)
{
	struct cur c = { payload, payload + len };
	struct trace_sb *sb = NULL;
	uint32_t sb_id, n_insns, n_ops, prev_size = 0;
	uint64_t slots = 4, fixed;
	size_t pool_used = 0, alloc;
	const uint8_t *x;
	char where[300];
	int ret;

	if (!take(&c, 16, &x)) {
		trace_err_set(err, "%s: CODE_SB record of %" PRIu32 " bytes is too short",
			      where0, len);
		return -EBADMSG;
	}
	sb_id = hs_trace_le32(x);
	n_insns = hs_trace_le32(x + 4);
	n_ops = hs_trace_le32(x + 8);
	/* max_record_len (x + 12) is not trusted: computed below. */
	snprintf(where, sizeof(where), "%s: sb %" PRIu32, where0, sb_id);
	if (sb_id < HS_SB_ID_FIRST || sb_id - HS_SB_ID_FIRST >= TRACE_SB_INDEX_MAX) {
		trace_err_set(err, "%s: sb_id out of range", where);
		return -EBADMSG;
	}
	/* Smallest possible insn is 9 bytes, smallest op 8: this bounds the
	 * allocation by the record's length before trusting the counts. */
	fixed = (uint64_t)n_insns * 9 + (uint64_t)n_ops * HS_OP_HEADER_SIZE;
	if (n_insns == 0 || fixed > len - 16) {
		trace_err_set(err, "%s: %" PRIu32 " instructions and %" PRIu32
			      " ops do not fit in %" PRIu32 " bytes",
			      where, n_insns, n_ops, len);
		return -EBADMSG;
	}
	alloc = sizeof(*sb) + (size_t)n_insns * sizeof(struct hs_trace_insn) +
		(size_t)n_ops * sizeof(struct trace_uop) + len;
	sb = calloc(1, alloc);
	if (!sb) {
		trace_err_set(err, "%s: out of memory", where);
		return -ENOMEM;
	}
	sb->pub.sb_id = sb_id;
	sb->pub.n_insns = n_insns;
	sb->pub.n_ops = n_ops;
	sb->ops = (struct trace_uop *)(sb + 1);
	sb->insns = (struct hs_trace_insn *)(sb->ops + n_ops);
	sb->pool = (uint8_t *)(sb->insns + n_insns);
	sb->pub.insns = sb->insns;
	sb->jumpkind_next = Ijk_Boring;

	for (uint32_t i = 0; i < n_insns; i++) {
		const uint8_t *bytes;

		if (!take(&c, 9, &x) || !take(&c, x[8], &bytes)) {
			trace_err_set(err, "%s: instruction %" PRIu32 " runs past the end of the record",
				      where, i);
			ret = -EBADMSG;
			goto out_free;
		}
		sb->insns[i].addr = hs_trace_le64(x);
		sb->insns[i].len = x[8];
		sb->insns[i].bytes = sb->pool + pool_used;
		memcpy(sb->pool + pool_used, bytes, x[8]);
		pool_used += x[8];
	}
	for (uint32_t i = 0; i < n_ops; i++) {
		struct trace_uop *u = &sb->ops[i];

		ret = compile_op(where, i, &c, sb, u, sb->pool, &pool_used,
				 &prev_size, &slots, err);
		if (ret < 0)
			goto out_free;
		/* The record ends at a NEXT: an op after it could never run. */
		if ((u->code == U_NEXT || u->code == U_NEXTRAW ||
		     u->code == U_NEXTC) && i + 1 != n_ops) {
			trace_err_set(err, "%s: op %" PRIu32 " is a NEXT but not the last op",
				      where, i);
			ret = -EBADMSG;
			goto out_free;
		}
	}
	if (c.p != c.end) {
		trace_err_set(err, "%s: %td bytes after the last op", where,
			      c.end - c.p);
		ret = -EBADMSG;
		goto out_free;
	}
	if (slots > HS_CHUNK_MAX_RAW) {
		trace_err_set(err, "%s: a record could be %" PRIu64 " bytes, more than a chunk",
			      where, slots);
		ret = -EBADMSG;
		goto out_free;
	}
	sb->prev_size = prev_size;
	sb->max_len = (uint32_t)slots;
	*out = sb;
	return 0;
out_free:
	free(sb);
	return ret;
}

static int code_insert(struct hs_trace_code *code, struct trace_sb *sb,
		       const char *where, struct hs_trace_err *err)
{
	size_t i = sb->pub.sb_id - HS_SB_ID_FIRST;

	if (i >= code->table_len) {
		size_t n = code->table_len ? code->table_len : 1024;
		struct trace_sb **t;

		while (n <= i)
			n *= 2;
		t = realloc(code->table, n * sizeof(*t));
		if (!t) {
			trace_err_set(err, "%s: out of memory", where);
			return -ENOMEM;
		}
		memset(t + code->table_len, 0, (n - code->table_len) * sizeof(*t));
		code->table = t;
		code->table_len = n;
	}
	if (code->table[i]) {
		trace_err_set(err, "%s: sb %" PRIu32 " is defined twice", where,
			      sb->pub.sb_id);
		return -EBADMSG;
	}
	code->table[i] = sb;
	code->count++;
	return 0;
}

static int load_chunk(struct hs_trace_code *code, const struct hs_trace_chunk *ch,
		      struct hs_trace_err *err)
{
	const uint8_t *p = ch->data, *end = ch->data + ch->size;
	char where[300];

	while (p < end) {
		uint32_t tag, len;
		struct trace_sb *sb;
		int ret;

		snprintf(where, sizeof(where), "%s: chunk %" PRIu64 " offset %td",
			 ch->path, ch->info.seq, p - ch->data);
		if (end - p < 8) {
			trace_err_set(err, "%s: record header runs past the end of the chunk",
				      where);
			return -EBADMSG;
		}
		tag = hs_trace_le32(p);
		len = hs_trace_le32(p + 4);
		if (len > (size_t)(end - p) - 8) {
			trace_err_set(err, "%s: record of %" PRIu32 " bytes runs past the end of the chunk",
				      where, len);
			return -EBADMSG;
		}
		/* Unknown tags are skipped: a record carries its length, and
		 * a reader that ignores a new kind of code record still
		 * decodes the stream correctly. */
		if (tag == HS_CODE_SB) {
			ret = compile_sb(where, p + 8, len, &sb, err);
			if (ret < 0)
				return ret;
			ret = code_insert(code, sb, where, err);
			if (ret < 0) {
				free(sb);
				return ret;
			}
		}
		p += 8 + (size_t)len;
	}
	return 0;
}

int hs_trace_code_load(const char *path, struct hs_trace_code **out,
		       struct hs_trace_err *err)
{
	struct hs_trace_chunk ch = { 0 };
	struct hs_trace_file *f = NULL;
	struct hs_trace_code *code;
	int ret;

	*out = NULL;
	code = calloc(1, sizeof(*code));
	if (!code || !(code->path = strdup(path))) {
		free(code);
		trace_err_set(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = hs_trace_file_open(path, HS_CODE_MAGIC, &f, err);
	if (ret < 0)
		goto out;
	code->truncated = hs_trace_file_truncated(f);
	for (size_t i = 0; i < hs_trace_file_chunk_count(f); i++) {
		ret = hs_trace_file_read_chunk(f, i, &ch, err);
		if (ret < 0)
			goto out;
		ret = load_chunk(code, &ch, err);
		if (ret < 0)
			goto out;
	}
	*out = code;
	code = NULL;
	ret = 0;
out:
	hs_trace_chunk_release(&ch);
	hs_trace_file_close(f);
	hs_trace_code_free(code);
	return ret;
}

void hs_trace_code_free(struct hs_trace_code *code)
{
	if (!code)
		return;
	for (size_t i = 0; i < code->table_len; i++)
		free(code->table[i]);
	free(code->table);
	free(code->path);
	free(code);
}

const struct hs_trace_sb *hs_trace_code_sb(const struct hs_trace_code *code,
					   uint32_t sb_id)
{
	const struct trace_sb *sb = trace_code_lookup(code, sb_id);

	return sb ? &sb->pub : NULL;
}

size_t hs_trace_code_sb_count(const struct hs_trace_code *code)
{
	return code->count;
}

bool hs_trace_code_truncated(const struct hs_trace_code *code)
{
	return code->truncated;
}
