/* linerange.c - gdb 13's per-file line tables of a CU, and the end of the
 * range its find_pc_line gives at each of their addresses.
 *
 * Design notes.
 *
 * gdb's `step` and `next` step through [sal.pc, sal.end) of find_pc_line
 * without looking (infrun.c: "stepping inside range"), so an inlined
 * copy's entry or a row of another line inside that range is no stop.
 * Hindsight keeps one merged row per address (source.c), but gdb keeps
 * one table per source file of a CU (a "subfile"), and its range end is
 * not always the next row's address:
 *
 *  - dwarf2/read.c, lnp_state_machine::record_line: a row of another
 *    file than the one a switch is from (the file last recorded in, or
 *    the one current when the program last set its file register) ends
 *    that file with an end marker (line 0) at its address, unless it is
 *    a non-statement row at an address where a statement row was seen
 *    (then the row is dropped); a row of line 0 is dropped; a row of the
 *    same file and line as the last recorded is dropped where that line
 *    had a non-zero discriminator (PR 17276); a sequence's end marks the
 *    file a switch would be from.  (Checked against gdb 13's `set debug
 *    dwarf-line 1` log and `maint info line-table` for libc and g++ -O2
 *    programs.)
 *  - buildsym.c, record_line: an end marker deletes its file's entries at
 *    its address, and is itself dropped where the file's last entry is an
 *    end marker or the table is empty; each table is then sorted stably
 *    by address, end markers first at one address.
 *  - the tables of a CU come in the order of its line header's file
 *    table, the main file's first (dwarf_decode_lines allocates a symtab
 *    per file entry; end_compunit_symtab puts the main one first).
 *  - symtab.c, find_pc_sect_line (gdb 13): for each table in that order,
 *    prev is its last entry at or below pc and item the next one; best is
 *    the first prev of the highest address that has a line; best_end the
 *    least item address above best's, counted only from the table that
 *    set best on (a table before it does not count), and dropped when a
 *    later best passes it; alt the least first entry above pc of any
 *    table; the end is best_end if below alt, else alt, else the CU's
 *    end.  (Later gdbs also skip, as item, entries of prev's line that
 *    are not statements; gdb 13's `info line` does not.)
 *
 * So the range at the entry of p11_ret.cc's greet (g++ -O2) is [0x14c0,
 * 0x14db): its first row (new_allocator.h:83) is followed by
 * basic_string.h:241 at 0x14c1 and the main file's line 22 at 0x14c5,
 * whose tables come before new_allocator.h's and so set no end;
 * char_traits.h's 347 at 0x14db, after it, does.
 *
 * What a table keeps depends on the order gdb reads the sequences in (an
 * end marker is dropped after another sequence's end marker), which is
 * the line program's; libdw gives its rows sorted by address, so the
 * program is decoded here again (its header's fixed part only: the file
 * table is libdw's, whose index is the program's file number).
 *
 * The answer is the same at every address between two entry addresses of
 * the CU's tables, so it is computed at each of them, in one sweep over
 * the tables with a cursor each.
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"
#include "hindsight/util.h"

struct lt_ent {
	uint64_t addr;
	uint32_t line;          /* 0: an end marker */
	bool stmt;
};

/* One subfile's table. */
struct lt_tab {
	uint32_t file_id;
	struct lt_ent *v;
	size_t n, cap;
	size_t ub;              /* the sweep's cursor: entries at or below its address */
};

/* A CU's tables, and its line program's state machine (gdb's
 * lnp_state_machine, reset at each sequence). */
struct lt {
	const struct src_lt_cu *cu;
	struct lt_tab *tab;
	size_t n_tab;
	int *reg_tab;           /* file number -> tab (-1: no such file) */
	/* the registers */
	uint64_t addr;
	uint32_t file, line, disc;
	bool stmt;
	/* gdb's state about them */
	int cur;                /* the subfile started last (it outlives a
				 * sequence), -1: none */
	int last;               /* the subfile a file switch is from: the one
				 * last recorded in, or current at the last
				 * DW_LNS_set_file; -1: none */
	uint32_t last_line;
	uint64_t last_addr;
	bool stmt_at_addr, line_disc, recording;
};

/* buildsym.c, record_line */
static int tab_record(struct lt_tab *t, uint64_t addr, uint32_t line, bool stmt)
{
	if (line == 0) {
		bool any = false;
		uint32_t last_line = 0;

		while (t->n) {
			any = true;
			last_line = t->v[t->n - 1].line;
			if (t->v[t->n - 1].addr != addr)
				break;
			t->n--;
		}
		if (!any || last_line == 0)
			return 0;
	}
	if (hs_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)))
		return -ENOMEM;
	t->v[t->n++] = (struct lt_ent){ addr, line, stmt };
	return 0;
}

/* The table of file number f, -1: no such file. */
static int file_tab(const struct lt *lt, uint64_t f)
{
	return f < lt->cu->n_files ? lt->reg_tab[f] : -1;
}

/* lnp_state_machine::record_line; a row at an address the linker set to
 * 0 or -1 (code it dropped) is not recorded, its sequence's end is */
static int record_line(struct lt *lt, bool end_seq)
{
	int cur = lt->cur, ret = 0;
	uint64_t a = lt->addr + lt->cu->bias;

	if (file_tab(lt, lt->file) >= 0) {
		bool changed = lt->last != cur;
		bool ignore = !end_seq &&
			      ((changed && lt->last_addr == lt->addr && !lt->stmt && lt->stmt_at_addr) ||
			       lt->line == 0);

		if (((changed && !ignore) || end_seq) && lt->last >= 0 && lt->recording)
			ret = tab_record(&lt->tab[lt->last], a, 0, true);
		if (!ret && !end_seq && !ignore) {
			if (lt->recording && (changed || lt->line != lt->last_line || !lt->line_disc))
				ret = tab_record(&lt->tab[cur], a, lt->line, lt->stmt);
			lt->last = cur;
			lt->last_line = lt->line;
		}
	}
	if (lt->last_addr != lt->addr) {
		lt->stmt_at_addr = false;
		lt->last_addr = lt->addr;
	}
	lt->stmt_at_addr |= lt->stmt;
	return ret;
}

/* ---- the line program ------------------------------------------------------ */

struct rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t rd_fixed(struct rd *r, unsigned n)
{
	uint64_t v = 0;

	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		r->p = r->end;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	return v;
}

static uint64_t rd_uleb(struct rd *r)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (r->p < r->end) {
		uint8_t b = *r->p++;

		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return v;
}

static int64_t rd_sleb(struct rd *r)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b = 0;

	while (r->p < r->end) {
		b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

/* The header's fixed part. */
struct lhdr {
	uint8_t min_insn, default_stmt, line_range, opcode_base;
	int8_t line_base;
	const uint8_t *std_len;  /* opcode_base - 1 argument counts */
};

/* Reads the header at the CU's offset: the program in *prog. */
static int read_header(const struct src_lt_cu *cu, struct lhdr *h, struct rd *prog)
{
	struct rd r = { cu->sec + cu->off, cu->sec + cu->sec_size, false };
	uint64_t len, hlen;
	unsigned osize = 4, version;
	const uint8_t *unit_end;

	if (cu->off >= cu->sec_size)
		return -EBADMSG;
	len = rd_fixed(&r, 4);
	if (len == 0xffffffffu) {
		osize = 8;
		len = rd_fixed(&r, 8);
	}
	if (r.bad || len > (uint64_t)(r.end - r.p))
		return -EBADMSG;
	unit_end = r.p + len;
	version = (unsigned)rd_fixed(&r, 2);
	if (version < 2 || version > 5)
		return -EBADMSG;
	if (version >= 5)
		rd_fixed(&r, 2); /* address and segment selector sizes */
	hlen = rd_fixed(&r, osize);
	if (r.bad || hlen > (uint64_t)(unit_end - r.p))
		return -EBADMSG;
	prog->p = r.p + hlen;
	prog->end = unit_end;
	prog->bad = false;
	h->min_insn = (uint8_t)rd_fixed(&r, 1);
	if (version >= 4)
		rd_fixed(&r, 1); /* maximum operations per instruction: 1 on x86 */
	h->default_stmt = (uint8_t)rd_fixed(&r, 1);
	h->line_base = (int8_t)rd_fixed(&r, 1);
	h->line_range = (uint8_t)rd_fixed(&r, 1);
	h->opcode_base = (uint8_t)rd_fixed(&r, 1);
	h->std_len = r.p;
	if (r.bad || !h->line_range || !h->opcode_base ||
	    (size_t)(prog->p - r.p) < (size_t)h->opcode_base - 1)
		return -EBADMSG;
	return 0;
}

static void seq_start(struct lt *lt, const struct lhdr *h)
{
	lt->addr = 0;
	lt->file = 1;
	if (file_tab(lt, 1) >= 0)
		lt->cur = file_tab(lt, 1);
	lt->line = 1;
	lt->disc = 0;
	lt->stmt = h->default_stmt;
	lt->last = -1;
	lt->last_line = 0;
	lt->last_addr = 0;
	lt->stmt_at_addr = false;
	lt->line_disc = false;
	lt->recording = true;
}

static void advance_line(struct lt *lt, int64_t delta)
{
	lt->line = (uint32_t)((int64_t)lt->line + delta);
	if (delta)
		lt->line_disc = lt->disc != 0;
}

/* An extended opcode; *end_seq at a sequence's end. */
static void extended_op(struct lt *lt, struct rd *r, bool *end_seq)
{
	uint64_t len = rd_uleb(r);
	const uint8_t *next;
	uint8_t op;

	if (r->bad || !len || len > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		return;
	}
	next = r->p + len;
	op = *r->p++;
	if (op == DW_LNE_end_sequence) {
		lt->recording = true;
		*end_seq = true;
	} else if (op == DW_LNE_set_address) {
		uint64_t a = rd_fixed(r, (unsigned)(len - 1 <= 8 ? len - 1 : 8));

		/* check_line_address: code the linker dropped */
		if ((a == 0 && a < lt->cu->low) || a == UINT64_MAX)
			lt->recording = false;
		lt->addr = a;
	} else if (op == DW_LNE_set_discriminator) {
		lt->disc = (uint32_t)rd_uleb(r);
		lt->line_disc |= lt->disc != 0;
	}
	r->p = next;
}

/* A standard opcode other than the special ones. */
static int standard_op(struct lt *lt, const struct lhdr *h, struct rd *r, uint8_t op)
{
	int ret = 0;

	switch (op) {
	case DW_LNS_copy:
		ret = record_line(lt, false);
		lt->disc = 0;
		break;
	case DW_LNS_advance_pc:
		lt->addr += rd_uleb(r) * h->min_insn;
		break;
	case DW_LNS_advance_line:
		advance_line(lt, rd_sleb(r));
		break;
	case DW_LNS_set_file: /* handle_set_file */
		lt->file = (uint32_t)rd_uleb(r);
		if (file_tab(lt, lt->file) >= 0) {
			lt->last = lt->cur;
			lt->line_disc = lt->disc != 0;
			lt->cur = file_tab(lt, lt->file);
		}
		break;
	case DW_LNS_negate_stmt:
		lt->stmt = !lt->stmt;
		break;
	case DW_LNS_const_add_pc:
		lt->addr += (uint64_t)((255 - h->opcode_base) / h->line_range) * h->min_insn;
		break;
	case DW_LNS_fixed_advance_pc:
		lt->addr += rd_fixed(r, 2);
		break;
	case DW_LNS_set_basic_block:
	case DW_LNS_set_prologue_end:
	case DW_LNS_set_epilogue_begin:
		break;
	default: /* its arguments, as the header counts them */
		for (unsigned i = 0; i < h->std_len[op - 1]; i++)
			rd_uleb(r);
	}
	return ret;
}

/* dwarf_decode_lines_1: every sequence, in the program's order. */
static int decode(struct lt *lt)
{
	struct lhdr h = { 0 };
	struct rd r = { 0 };
	int ret = read_header(lt->cu, &h, &r);

	while (!ret && r.p < r.end && !r.bad) {
		bool end_seq = false;

		seq_start(lt, &h);
		while (!ret && r.p < r.end && !r.bad && !end_seq) {
			uint8_t op = *r.p++;

			if (op >= h.opcode_base) {
				unsigned adj = op - h.opcode_base;

				lt->addr += (uint64_t)(adj / h.line_range) * h.min_insn;
				advance_line(lt, h.line_base + (int)(adj % h.line_range));
				ret = record_line(lt, false);
				lt->disc = 0;
			} else if (op == 0) {
				extended_op(lt, &r, &end_seq);
			} else {
				ret = standard_op(lt, &h, &r, op);
			}
		}
		if (!ret)
			ret = record_line(lt, true);
	}
	return ret ? ret : r.bad ? -EBADMSG : 0;
}

/* ---- find_pc_line ---------------------------------------------------------- */

/* gdb's order of entries: by address, end markers first, stable */
static bool ent_before(const struct lt_ent *a, const struct lt_ent *b)
{
	if (a->addr == b->addr && (a->line == 0) != (b->line == 0))
		return a->line == 0;
	return a->addr < b->addr;
}

static void ents_sort_stable(struct lt_ent *v, size_t n, struct lt_ent *tmp)
{
	size_t mid = n / 2, i, j, k;

	if (n < 2)
		return;
	ents_sort_stable(v, mid, tmp);
	ents_sort_stable(v + mid, n - mid, tmp);
	if (!ent_before(&v[mid], &v[mid - 1]))
		return;
	memcpy(tmp, v, n * sizeof *v);
	for (i = 0, j = mid, k = 0; i < mid && j < n;)
		v[k++] = ent_before(&tmp[j], &tmp[i]) ? tmp[j++] : tmp[i++];
	while (i < mid)
		v[k++] = tmp[i++];
	while (j < n)
		v[k++] = tmp[j++];
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* find_pc_sect_line's end at pc over the tables (ord: gdb's order, the
 * cursors at pc); 0 where it finds no line. */
static uint64_t range_end(struct lt_tab **ord, size_t n, uint64_t pc, uint64_t cu_end)
{
	const struct lt_ent *best = NULL;
	uint64_t best_end = 0, alt = 0;

	for (size_t i = 0; i < n; i++) {
		const struct lt_tab *t = ord[i];
		const struct lt_ent *prev = t->ub ? &t->v[t->ub - 1] : NULL;
		size_t item = t->ub;

		if (t->v[0].addr > pc && (!alt || t->v[0].addr < alt))
			alt = t->v[0].addr;
		if (prev && prev->line && (!best || prev->addr > best->addr)) {
			best = prev;
			if (best_end <= best->addr)
				best_end = 0;
		}
		if (best && item < t->n && t->v[item].addr > best->addr &&
		    (!best_end || best_end > t->v[item].addr))
			best_end = t->v[item].addr;
	}
	if (!best)
		return 0;
	if (best_end && (!alt || best_end < alt))
		return best_end;
	return alt ? alt : cu_end;
}

/* The ends at every entry address of the tables (ord, n of them, sorted),
 * appended to out. */
static int sweep(struct lt_tab **ord, size_t n, uint64_t cu_end, struct src_lt_ends *out)
{
	size_t n_addr = 0, i, k;
	uint64_t *addrs;
	int ret = 0;

	for (i = 0; i < n; i++)
		n_addr += ord[i]->n;
	if (!n_addr)
		return 0;
	if (!(addrs = malloc(n_addr * sizeof *addrs)))
		return -ENOMEM;
	n_addr = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < ord[i]->n; k++)
			addrs[n_addr++] = ord[i]->v[k].addr;
	qsort(addrs, n_addr, sizeof *addrs, u64_cmp);
	for (i = 0; i < n_addr && !ret; i++) {
		uint64_t end;

		if (i && addrs[i] == addrs[i - 1])
			continue;
		for (k = 0; k < n; k++)
			while (ord[k]->ub < ord[k]->n && ord[k]->v[ord[k]->ub].addr <= addrs[i])
				ord[k]->ub++;
		end = range_end(ord, n, addrs[i], cu_end);
		if (!end || end <= addrs[i])
			continue;
		if (hs_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)))
			ret = -ENOMEM;
		else
			out->v[out->n++] = (struct src_lt_end){ addrs[i], end };
	}
	free(addrs);
	return ret;
}

/* One table per distinct file of the file table, in its order. */
static int make_tabs(struct lt *lt)
{
	const struct src_lt_cu *cu = lt->cu;

	lt->tab = calloc(cu->n_files ? cu->n_files : 1, sizeof *lt->tab);
	lt->reg_tab = calloc(cu->n_files ? cu->n_files : 1, sizeof *lt->reg_tab);
	if (!lt->tab || !lt->reg_tab)
		return -ENOMEM;
	for (size_t i = 0; i < cu->n_files; i++) {
		size_t k = 0;

		lt->reg_tab[i] = -1;
		if (cu->file_ids[i] == UINT32_MAX)
			continue;
		while (k < lt->n_tab && lt->tab[k].file_id != cu->file_ids[i])
			k++;
		if (k == lt->n_tab)
			lt->tab[lt->n_tab++].file_id = cu->file_ids[i];
		lt->reg_tab[i] = (int)k;
	}
	return 0;
}

int src_lt_cu_ends(const struct src_lt_cu *cu, struct src_lt_ends *out)
{
	struct lt lt = { .cu = cu, .cur = -1 };
	struct lt_tab **ord = NULL;
	struct lt_ent *tmp = NULL;
	size_t n_ord = 0, most = 0, i;
	int ret = make_tabs(&lt);

	if (!ret)
		ret = decode(&lt);
	for (i = 0; i < lt.n_tab; i++)
		most = lt.tab[i].n > most ? lt.tab[i].n : most;
	if (!ret && most && (!(ord = malloc(lt.n_tab * sizeof *ord)) ||
			     !(tmp = malloc(most * sizeof *tmp))))
		ret = -ENOMEM;
	if (!ret && most) {
		/* the main file's table first, then the file table's order */
		for (i = 0; i < lt.n_tab; i++)
			if (lt.tab[i].n && lt.tab[i].file_id == cu->main_file)
				ord[n_ord++] = &lt.tab[i];
		for (i = 0; i < lt.n_tab; i++)
			if (lt.tab[i].n && lt.tab[i].file_id != cu->main_file)
				ord[n_ord++] = &lt.tab[i];
		for (i = 0; i < n_ord; i++)
			ents_sort_stable(ord[i]->v, ord[i]->n, tmp);
		ret = sweep(ord, n_ord, cu->end, out);
	}
	for (i = 0; i < lt.n_tab; i++)
		free(lt.tab[i].v);
	free(lt.tab);
	free(lt.reg_tab);
	free(ord);
	free(tmp);
	return ret;
}

int src_lt_section(Dwarf *dw, const uint8_t **sec, size_t *size)
{
	Elf *elf = dw ? dwarf_getelf(dw) : NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return -ENOENT;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".debug_line"))
			continue;
		/* libdw has it decompressed already where it was compressed */
		if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
			return -EBADMSG;
		if (!(d = elf_getdata(scn, NULL)) || !d->d_buf)
			return -ENOENT;
		*sec = d->d_buf;
		*size = d->d_size;
		return 0;
	}
	return -ENOENT;
}

static int end_cmp(const void *a, const void *b)
{
	const struct src_lt_end *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

void src_lt_apply(struct src_row *rows, size_t n, struct src_lt_ends *ends)
{
	size_t ub = 0, k = 0;

	qsort(ends->v, ends->n, sizeof *ends->v, end_cmp);
	/* one answer per address: two CUs at one address (one's end, the
	 * other's start) give the nearer end */
	for (size_t i = 0; i < ends->n; i++)
		if (!k || ends->v[i].addr != ends->v[k - 1].addr)
			ends->v[k++] = ends->v[i];
	ends->n = k;
	for (size_t i = 0; i < n; i++) {
		uint64_t next = i + 1 < n ? rows[i + 1].addr : 0;
		const struct src_lt_end *e;

		/* the last answer at or below the row's address: a row gdb
		 * has no entry of its own for lies in the range before it */
		while (ub < ends->n && ends->v[ub].addr <= rows[i].addr)
			ub++;
		rows[i].end = 0;
		e = ub ? &ends->v[ub - 1] : NULL;
		if (e && e->end > rows[i].addr && (!next || e->end >= next))
			rows[i].end = e->end;
	}
	free(ends->v);
	memset(ends, 0, sizeof *ends);
}
