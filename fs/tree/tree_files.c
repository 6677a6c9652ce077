/* tree_files.c - contents of the tree's small files, generated whole. */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const char readme[] =
"This folder is one recorded run of a program, as files.\n"
"\n"
"Time t counts instructions retired (all threads together).  time/<t>/ is\n"
"the state after t instructions, before instruction t+1 runs; any number\n"
"from 0 to the end works, although ls time/ shows only named marks.\n"
"\n"
"  info                 what was recorded (same as `hindsight info`)\n"
"  stdout, stderr       what the program wrote to fd 1 and fd 2\n"
"  events               one line per event: <t> <tid> <kind> <details>\n"
"  syscalls             <t> <tid> name(args) = result\n"
"  output               <t> <fd> <text, C-escaped>, one line per write\n"
"  time/start, time/end the first and the last moment\n"
"  time/<t>/regs        all registers, \"name 0xvalue\" lines\n"
"  time/<t>/reg/<name>  one register: cat time/5000/reg/rax\n"
"  time/<t>/mem         memory as of t, a sparse file whose offsets are\n"
"                       addresses: xxd -s 0x7ffd1230 -l 64 time/5000/mem\n"
"                       (unmapped addresses fail with EIO)\n"
"  time/<t>/maps        the mappings, in /proc/PID/maps format\n"
"  time/<t>/insn        the instruction about to run: address, bytes, text\n"
"  time/<t>/thread      the thread that runs it\n"
"  time/<t>/next, prev  links to the next and previous moment: cd time/5000/next\n"
"  threads/<tid>        a thread's start, exit and time slices\n"
"  writes/<0xADDR>[+LEN] every write that touched the range:\n"
"                       <t> 0xaddr len hexbytes (t: first moment it is visible)\n"
"  processes/<pid>.<n>/ every recorded process (fork and exec children),\n"
"                       each with this same layout; the top is the first\n"
"\n"
"Examples:\n"
"  grep write syscalls\n"
"  diff time/100/regs time/200/regs\n"
"  cat writes/0x7ffd1230+8 | tail -n 1     # who wrote these bytes last\n";

/* One register as "0x..." with its whole width, most significant first. */
static void put_hex(FILE *f, const uint8_t *le, uint32_t size)
{
	fputs("0x", f);
	for (uint32_t i = size; i-- > 0;)
		fprintf(f, "%02x", le[i]);
}

static int regs_text(const struct hs_db_image *img, const struct hs_tree_node *n, FILE *f)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(img, n->t, 0, r);
	if (err < 0)
		goto out;
	for (size_t i = 0; hs_db_reg_name(i); i++) {
		uint8_t v[32];
		uint32_t size;

		if (n->kind == K_T_REG && i != n->sub)
			continue;
		if (hs_db_reg_value(r, hs_db_reg_name(i), v, &size) < 0)
			continue;
		if (n->kind == K_T_REGS)
			fprintf(f, "%s ", hs_db_reg_name(i));
		put_hex(f, v, size);
		fputc('\n', f);
	}
out:
	free(r);
	return err;
}

static int maps_text(const struct hs_db_image *img, uint64_t t, FILE *f)
{
	struct hs_db_map *maps;
	size_t n;
	int err = hs_db_maps_at(img, t, &maps, &n);

	if (err < 0)
		return err;
	for (size_t i = 0; i < n; i++) {
		const struct hs_db_map *m = &maps[i];
		fprintf(f, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64,
			m->start, m->end, m->prot & PROT_READ ? 'r' : '-',
			m->prot & PROT_WRITE ? 'w' : '-', m->prot & PROT_EXEC ? 'x' : '-',
			m->flags & HS_MAP_SHARED ? 's' : 'p', m->offset,
			(unsigned)((m->dev >> 8) & 0xfff), (unsigned)(m->dev & 0xff), m->ino);
		if (m->path && m->path[0])
			fprintf(f, "%*s%s", 8, "", m->path);
		fputc('\n', f);
	}
	free(maps);
	return 0;
}

static int insn_text(const struct hs_db_image *img, uint64_t t, FILE *f)
{
	struct hs_db_insn in;
	int err = hs_db_insn_at(img, t, &in);

	if (err < 0)
		return err;
	fprintf(f, "0x%" PRIx64 " ", in.addr);
	for (uint32_t i = 0; i < in.len && i < sizeof(in.bytes); i++)
		fprintf(f, "%02x", in.bytes[i]);
	fprintf(f, " %s\n", in.text);
	return 0;
}

/* threads/<tid>: when it was created, ran and ended. */
struct thread_text {
	FILE *f;
	uint32_t tid;
	bool seen, running;
	uint64_t slice_start;
};

static int thread_event(void *ctx, const struct hs_db_event *ev)
{
	struct thread_text *x = ctx;
	uint32_t who = hs_trace_le32(ev->payload + (ev->tag == HS_EV_THREAD_CREATE ? 4 : 0));

	if (ev->tag == HS_EV_THREAD_RUN) {
		if (x->running && who != x->tid) {
			fprintf(x->f, "ran %" PRIu64 " %" PRIu64 "\n", x->slice_start, ev->t);
			x->running = false;
		} else if (!x->running && who == x->tid) {
			x->running = true;
			x->slice_start = ev->t;
		}
		if (who == x->tid)
			x->seen = true;
		return 0;
	}
	if (who != x->tid)
		return 0;
	x->seen = true;
	if (ev->tag == HS_EV_THREAD_CREATE)
		fprintf(x->f, "created %" PRIu64 " by %u\n", ev->t, hs_trace_le32(ev->payload));
	else if (ev->tag == HS_EV_THREAD_EXIT)
		fprintf(x->f, "exited %" PRIu64 "\n", ev->t);
	return 0;
}

static int thread_text(const struct hs_db_image *img, uint32_t tid, FILE *f)
{
	struct thread_text x = { .f = f, .tid = tid };
	struct hs_db_image_info info;
	int err;

	hs_db_image_info(img, &info);
	fprintf(f, "tid %u\n", tid);
	err = hs_db_events(img, 0, info.t_end,
			   HS_DB_KIND_BIT(HS_EV_THREAD_RUN) | HS_DB_KIND_BIT(HS_EV_THREAD_CREATE) |
			   HS_DB_KIND_BIT(HS_EV_THREAD_EXIT), thread_event, &x);
	if (err < 0)
		return err;
	if (!x.seen)
		return -ESRCH;
	if (x.running)
		fprintf(f, "ran %" PRIu64 " %" PRIu64 "\n", x.slice_start, info.t_end);
	return 0;
}

int tree_small_file(struct hs_tree *tree, const struct hs_tree_node *n,
		    char **text, size_t *len)
{
	const struct hs_db_image *img = tree_image(tree, n);
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int err = 0;

	*text = NULL;
	*len = 0;
	if (!img)
		return -ENOENT;
	if (n->kind == K_INFO)
		return hs_tree_info_text(tree->trace_dir, text, len);
	f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	switch (n->kind) {
	case K_README:
		fputs(readme, f);
		break;
	case K_T_REGS:
	case K_T_REG:
		err = regs_text(img, n, f);
		break;
	case K_T_MAPS:
		err = maps_text(img, n->t, f);
		break;
	case K_T_INSN:
		err = insn_text(img, n->t, f);
		break;
	case K_T_THREAD: {
		uint32_t tid;
		err = hs_db_thread_at(img, n->t, &tid);
		if (!err)
			fprintf(f, "%u\n", tid);
		break;
	}
	case K_THREAD:
		err = thread_text(img, (uint32_t)n->a, f);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (fclose(f) != 0 && !err)
		err = -ENOMEM;
	if (err < 0) {
		free(buf);
		return err;
	}
	*text = buf;
	*len = size;
	return 0;
}
