/* tree_files.c - the small files (generated whole), mem, and the README. */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

const char tree_readme[] =
"This folder is one recorded run of a program, as files.  It is read-only\n"
"and never changes: every Unix tool is a debugger command here.\n"
"\n"
"Time.  t counts the instructions the process retired, all its threads\n"
"together (each iteration of a rep-prefixed instruction counts as one).\n"
"time/<t>/ is the state after t instructions, before instruction t+1 runs:\n"
"time/0 is the start, time/end the state after the last instruction.  Every\n"
"number from 0 to the end is a folder, although `ls time` shows only the\n"
"named moments.\n"
"\n"
"  README                this guide\n"
"  info                  what was recorded (the same as `hindsight info`)\n"
"  stdout, stderr        what reached the recording's stdout and stderr, byte\n"
"                        for byte, as the terminal showed it: from every\n"
"                        process and through any fd, in time order (of\n"
"                        `bash -c 'a | b'`, what b wrote).  In processes/<p>/\n"
"                        they are what that process wrote to its fd 1 and 2\n"
"  output                one line per write to fd 1 or 2, or to the\n"
"                        recording's stdout or stderr: <t> <fd> <text>\n"
"                        (the text C-escaped: \\n, \\t, \\\\, \\\", \\xNN)\n"
"  events                one line per event: <t> <tid> <kind> <details>, kinds\n"
"                        syscall sysret output map unmap mprotect remap mem\n"
"                        signal sigreturn thread-run thread-create thread-exit\n"
"                        reg-write sb-abort fork exec exit process console\n"
"                        (console: the output that follows reached the\n"
"                        recording's stdout or stderr, at a clock time;\n"
"                        sb-abort: a block of translated code left before\n"
"                        its end by a fault or a signal, retired= of its\n"
"                        instructions ran)\n"
"  syscalls              one line per syscall: <t> <tid> and strace's line,\n"
"                        name(args) = result (\"= ?\": it never returned;\n"
"                        \"= ? ERESTARTSYS (...)\": a signal interrupted it),\n"
"                        and each signal as strace shows it: --- SIGx {...} ---;\n"
"                        Valgrind's own calls (vDSO clock_gettime, ...) left out\n"
"  time/start, time/end  links to the first and the last moment\n"
"  time/crash            the moment the signal that killed it arrived (only if\n"
"                        one did): the state before the instruction it\n"
"                        interrupted, which did not retire (a fault's\n"
"                        faulting instruction: time/crash/insn, where,\n"
"                        backtrace); events ends with that signal, e.g.\n"
"                        signal SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR,\n"
"                        si_addr=0x8} fatal (strace's siginfo)\n"
"  time/main             main's first line, where gdb's `break main` stops\n"
"                        (only if the program has a main symbol)\n"
"  time/<t>/regs         every register of the thread at t: \"name 0xvalue\"\n"
"  time/<t>/reg/<name>   one register (also xmm0..xmm15): cat time/5000/reg/rax\n"
"  time/<t>/mem          memory as of t, a sparse file whose offsets are the\n"
"                        addresses: xxd -s 0x7ffd1230 -l 64 time/5000/mem\n"
"                        Unmapped addresses fail with EIO, as /proc/PID/mem\n"
"                        does; SEEK_DATA and SEEK_HOLE follow the mappings, so\n"
"                        tar --sparse and cp --sparse copy only what is mapped.\n"
"  time/<t>/maps         the mappings, in /proc/PID/maps format\n"
"  time/<t>/insn         the instruction about to run: 0xaddress bytes text\n"
"                        (AT&T syntax; none at the end, unless a signal\n"
"                        killed it there: then the one it interrupted)\n"
"  time/<t>/thread       the thread that runs it (regs and insn are its own)\n"
"  time/<t>/next, prev   links to the next and the previous moment, so that\n"
"                        cd time/5000/next steps one instruction\n"
"\n"
"Source level (from the DWARF of the recorded ELF files; the program needs\n"
"-g for its own lines and variables, and its files must still exist):\n"
"  time/<t>/where        function+0xoff file:line of the next instruction\n"
"                        (0xADDR in FILE without a symbol, 0xADDR outside\n"
"                        any file)\n"
"  time/<t>/backtrace    one frame per line, innermost first:\n"
"                        #N function+0xoff file:line T_CALL, frame 0 where\n"
"                        rip is, the others at their call sites; T_CALL is\n"
"                        when the frame was called (- before the recording);\n"
"                        frames no recorded call made (a signal handler's\n"
"                        trampoline and the interrupted function, frames\n"
"                        older than the recording) come from unwinding the\n"
"                        stack with CFI and end in (unwound) instead; a\n"
"                        function that left by a tail call is a frame at\n"
"                        its jump where gdb shows one (its tailcall frames)\n"
"  time/<t>/locals/      one file per parameter and local variable in scope,\n"
"                        its value as gdb prints it; without debug info at\n"
"                        rip only locals/no-debug-info, which says where\n"
"  time/<t>/eval/<expr>  a C expression evaluated at t, as gdb's print shows\n"
"                        it (or gdb's error message); '/' in it as %2F\n"
"  time/<t>/globals      the names of the globals and statics of the compile\n"
"                        unit at rip (their values: eval/<name>)\n"
"  time/<t>/next-line    links: the next line (gdb's next: over calls,\n"
"  time/<t>/prev-line    and out of a return), the previous one (reverse-next)\n"
"  time/<t>/step-into    links: the next line start, into calls with line\n"
"  time/<t>/step-back    info (gdb's step), and the previous one (reverse-step)\n"
"  time/<t>/finish       the return of the function running at t, so\n"
"                        cat time/<t>/finish/reg/rax is its return value\n"
"  time/<t>/caller       the call into it (reverse-finish)\n"
"  time/<t>.<k>/         where h inlined copies start at t's pc, view k (1..h)\n"
"                        of the moment: the outermost k copies shown, as gdb\n"
"                        shows them after `break f` or a `step` into the copy\n"
"  calls/<function>      every call: <t_call> <t_return> <depth> <caller> [how]\n"
"                        (t_return - when it never returned; depth 0 is the\n"
"                        outermost recorded frame; 0xADDR names a function\n"
"                        without a symbol; a call through a PLT stub is the\n"
"                        function's; how: signal (a handler, entered by the\n"
"                        signal: caller is what it interrupted), unwound\n"
"                        (left by longjmp or an exception at t_return),\n"
"                        tail (left by a tail call, jmp g: g's call has\n"
"                        this depth, caller this function, and returns\n"
"                        where this one would have)); a tail call (jmp f)\n"
"                        is a call of f, caller the function it left;\n"
"                        inline: an entry of an inlined copy of f, as gdb's\n"
"                        break f stops there (caller the frame it is in; its\n"
"                        t_call <t>.<k>: the view of the moment that shows it)\n"
"  lines/<path>/<line>   the source file's path as folders; each line that\n"
"                        ran is a file of the t at which it started, one per\n"
"                        line (gdb's step stops); ls lists only lines that ran\n"
"  sources/<path>        the source files named by the DWARF that exist here\n"
"                        (or under a --sources folder)\n"
"  modules               every ELF file mapped: 0xSTART-0xEND path, symbols or\n"
"                        no-symbols, dwarf or no-dwarf, (what is wrong), and\n"
"                        the warnings about missing or corrupt files\n"
"\n"
"  threads/<tid>         a thread: created, ran (time slices), exited; every\n"
"                        tid here is the OS's (gettid(), strace -f), one per\n"
"                        thread, even where Valgrind reused a thread slot\n"
"  writes/0xADDR[+LEN]   every write that touched those bytes, oldest first:\n"
"                        <t> 0xaddr len hexbytes kind, the part inside the\n"
"                        range; t is the first moment that shows it; kind\n"
"                        says what wrote: store (an instruction), syscall\n"
"                        (the kernel), signal (a signal frame), core, map (a\n"
"                        mapping's contents), zero (a new anonymous mapping),\n"
"                        remap.  LEN is 1 to 1048576 (decimal or 0x hex); ls\n"
"                        writes shows nothing.  A forked process lists first\n"
"                        what it inherited, with its parent's t and\n"
"                        <pid>.<n> after the kind.\n"
"  processes/<pid>.<n>/  every recorded process image (fork and exec\n"
"                        children), each with this same layout; the top of\n"
"                        this folder is the first one.  Its info is that\n"
"                        image's own: program, command, instructions,\n"
"                        threads, how it ended\n"
"\n"
"Examples:\n"
"  grep -c write syscalls\n"
"  diff time/100/regs time/200/regs\n"
"  cat time/end/reg/rax\n"
"  tail -n 1 writes/0x7ffd1230+8         # who wrote these bytes last\n"
"  cd time/5000/next; cat insn\n"
"  cat time/5000/where time/5000/backtrace; grep . time/5000/locals/*\n"
"  cat time/5000/finish/reg/rax          # what the current function returns\n"
"  wc -l calls/malloc; ls lines/home/me/src/prog.c\n"
"\n"
"Without a mount: hindsight cat TRACE PATH..., hindsight ls TRACE [PATH].\n"
"mount, cat and ls take --sources DIR (repeatable): where to look for\n"
"source files whose DWARF path does not exist.\n";

int tree_readme_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	fputs(tree_readme, f);
	return 0;
}

int tree_readme_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size)
{
	*size = sizeof(tree_readme) - 1;
	return 0;
}

/* The image's PROCESS record (its first), as a string: caller frees. */
static int process_record(void *ctx, const struct hs_db_event *ev)
{
	char **out = ctx;

	if (*out || ev->tag != HS_EV_PROCESS)
		return 0;
	*out = strndup((const char *)ev->payload, ev->len);
	return *out ? 1 : -ENOMEM;
}

/* "parent: 4242.0 fork t=1234" (a fork child: the parent image and its t
 * at the fork) or "parent: 4243.0 exec" (an image that execve started: the
 * one it replaced), appended to an image's info: the UI draws the process
 * tree from it. */
static int image_parent_line(struct tree_image *ti, char **text, size_t *len)
{
	char line[96];
	char *nt;
	int n = 0;

	if (ti->info.parent)
		n = snprintf(line, sizeof line, "parent: %s fork t=%" PRIu64 "\n",
			     ti->info.parent, ti->info.parent_t);
	else if (ti->info.exec_index > 0)
		n = snprintf(line, sizeof line, "parent: %" PRIu32 ".%" PRIu32 " exec\n",
			     ti->info.pid, ti->info.exec_index - 1);
	if (n <= 0 || (size_t)n >= sizeof line)
		return 0;
	nt = realloc(*text, *len + (size_t)n + 1);
	if (!nt)
		return -ENOMEM;
	memcpy(nt + *len, line, (size_t)n + 1);
	*text = nt;
	*len += (size_t)n;
	return 0;
}

/* The top level's info is the recording's; processes/<image>/info that
 * image's own. */
int tree_info_file(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	char *text, *process = NULL;
	size_t len;
	int err;

	if (n->flags & NODE_IN_PROC) {
		struct tree_image *ti = tree_image_facts(tree, n);

		if (!ti)
			return -ENOENT;
		err = hs_db_events(ti->img, 0, 0, HS_DB_KIND_BIT(HS_EV_PROCESS),
				   process_record, &process);
		if (err < 0 && err != -ENOMEM)
			err = 0; /* the record is only a nicety */
		if (err < 0)
			return err;
		err = hs_tree_image_info_text(tree->trace_dir, ti->info.name, process,
					      &text, &len);
		free(process);
		if (!err)
			err = image_parent_line(ti, &text, &len);
	} else {
		err = hs_tree_info_text(tree->trace_dir, &text, &len);
	}
	if (err < 0)
		return err;
	fwrite(text, 1, len, f);
	free(text);
	return 0;
}

/* ---- registers --------------------------------------------------------------------- */

/* Widths of the registers of reg/ (fixed: they do not depend on t), so that
 * regs and reg/<name> report their sizes without a query. */
static uint32_t reg_widths[128];
static size_t n_reg_widths;
static pthread_once_t widths_once = PTHREAD_ONCE_INIT;

static void widths_init(void)
{
	struct hs_db_regs *r = calloc(1, sizeof(*r));
	uint8_t v[32];
	size_t i;

	for (i = 0; r && tree_reg_name(i) && i < sizeof(reg_widths) / sizeof(reg_widths[0]); i++) {
		uint32_t size = 0;
		if (hs_db_reg_value(r, tree_reg_name(i), v, &size) < 0)
			size = 0;
		reg_widths[i] = size;
	}
	n_reg_widths = i;
	free(r);
}

static uint32_t reg_width(size_t i)
{
	pthread_once(&widths_once, widths_init);
	return i < n_reg_widths ? reg_widths[i] : 0;
}

/* regs lists hs_db_reg_name()'s registers, in its order */
static bool in_regs(size_t i)
{
	return hs_db_reg_name(i) != NULL;
}

int tree_regs_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size)
{
	uint64_t s = 0;

	if (n->kind == K_T_REG) {
		*size = 2 + 2 * (uint64_t)reg_width(n->sub) + 1;
		return 0;
	}
	for (size_t i = 0; in_regs(i); i++)
		s += strlen(hs_db_reg_name(i)) + 1 + 2 + 2 * (uint64_t)reg_width(i) + 1;
	*size = s;
	return 0;
}

static void put_reg(FILE *f, const uint8_t *le, uint32_t size)
{
	static const char hex[] = "0123456789abcdef";
	char s[2 + 64 + 2];
	size_t k = 0;

	s[k++] = '0';
	s[k++] = 'x';
	for (uint32_t i = size; i-- > 0;) {
		s[k++] = hex[le[i] >> 4];
		s[k++] = hex[le[i] & 15];
	}
	s[k++] = '\n';
	fwrite(s, 1, k, f);
}

int tree_regs_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_db_regs *r = malloc(sizeof(*r)); /* 1 KB: not on a FUSE thread's stack */
	uint8_t v[32];
	uint32_t size;
	int err;

	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(tree_image(tree, n), n->t, 0, r);
	if (err < 0)
		goto out;
	if (n->kind == K_T_REG) {
		err = hs_db_reg_value(r, tree_reg_name(n->sub), v, &size);
		if (!err && size != reg_width(n->sub))
			err = -EIO;
		if (!err)
			put_reg(f, v, size);
		goto out;
	}
	for (size_t i = 0; in_regs(i); i++) {
		err = hs_db_reg_value(r, hs_db_reg_name(i), v, &size);
		if (!err && size != reg_width(i))
			err = -EIO; /* never: the size was promised */
		if (err < 0)
			break;
		fputs(hs_db_reg_name(i), f);
		fputc(' ', f);
		put_reg(f, v, size);
	}
out:
	free(r);
	return err;
}

/* ---- maps, insn, thread ----------------------------------------------------------- */

int tree_maps_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_db_map *maps;
	size_t count;
	int err = hs_db_maps_at(tree_image(tree, n), n->t, &maps, &count);

	if (err < 0)
		return err;
	for (size_t i = 0; i < count; i++) {
		const struct hs_db_map *m = &maps[i];

		fprintf(f, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64,
			m->start, m->end, m->prot & PROT_READ ? 'r' : '-',
			m->prot & PROT_WRITE ? 'w' : '-', m->prot & PROT_EXEC ? 'x' : '-',
			m->flags & HS_MAP_SHARED ? 's' : 'p', m->offset,
			major(m->dev), minor(m->dev), m->ino);
		if (m->path && m->path[0])
			fprintf(f, "%*s%s", 8, "", m->path);
		fputc('\n', f);
	}
	free(maps);
	return 0;
}

int tree_insn_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_db_insn in;
	int err = hs_db_insn_at(tree_image(tree, n), n->t, &in);

	if (err < 0)
		return err;
	fprintf(f, "0x%" PRIx64 " ", in.addr);
	for (uint32_t i = 0; i < in.len && i < sizeof(in.bytes); i++)
		fprintf(f, "%02x", in.bytes[i]);
	fprintf(f, " %s\n", in.text);
	return 0;
}

int tree_thread_at_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	uint32_t tid;
	int err = hs_db_thread_at(tree_image(tree, n), n->t, &tid);

	if (err < 0)
		return err;
	/* the OS's tid; the database's slot is reused (db.h "Thread ids") */
	fprintf(f, "%" PRIu32 "\n", hs_db_thread_os_tid(tree_image(tree, n), tid, n->t));
	return 0;
}

/* threads/<tid>: its life in time order, tids as the OS's:
 *
 *   tid 4712
 *   created 51234 by 4711   ("started 0" for a thread with no parent)
 *   ran 51300 52000         it ran instructions 51301..52000
 *   exited 90000
 *
 * Its events are those of its slot from its creation to its exit: a slot
 * that a later thread reuses is that thread's after (db_format.h THREADS).
 */
struct life {
	FILE *f;
	uint32_t slot;
	bool running;
	uint64_t since;
};

static int life_event(void *ctx, const struct hs_db_event *ev)
{
	struct life *x = ctx;
	uint32_t a;

	if (ev->len < 4)
		return 0;
	a = hs_le32(ev->payload);
	switch (ev->tag) {
	case HS_EV_THREAD_RUN:
		if (a == x->slot && !x->running) {
			x->running = true;
			x->since = ev->t;
		} else if (a != x->slot && x->running) {
			fprintf(x->f, "ran %" PRIu64 " %" PRIu64 "\n", x->since, ev->t);
			x->running = false;
		}
		break;
	case HS_EV_THREAD_EXIT:
		if (a != x->slot)
			break;
		if (x->running)
			fprintf(x->f, "ran %" PRIu64 " %" PRIu64 "\n", x->since, ev->t);
		x->running = false;
		fprintf(x->f, "exited %" PRIu64 "\n", ev->t);
		return 1; /* its last event */
	}
	return 0;
}

int tree_thread_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	const struct hs_db_image *img = tree_image(tree, n);
	const struct hs_db_thread *th = hs_db_thread_find(img, (uint32_t)n->a);
	uint64_t t_end = tree_t_end(tree, n);
	struct life x = { .f = f };
	int err;

	if (!th)
		return -ENOENT;
	x.slot = th->slot;
	fprintf(f, "tid %" PRIu32 "\n", th->tid);
	if (th->parent_tid)
		fprintf(f, "created %" PRIu64 " by %" PRIu32 "\n", th->t_create, th->parent_tid);
	else
		fprintf(f, "started %" PRIu64 "\n", th->t_create);
	err = hs_db_events(img, th->t_create, th->t_exit < t_end ? th->t_exit : t_end,
			   HS_DB_KIND_BIT(HS_EV_THREAD_RUN) | HS_DB_KIND_BIT(HS_EV_THREAD_EXIT),
			   life_event, &x);
	if (err < 0)
		return err;
	if (x.running)
		fprintf(f, "ran %" PRIu64 " %" PRIu64 "\n", x.since, t_end);
	return 0;
}

/* ---- mem ---------------------------------------------------------------------------- */

ssize_t tree_mem_read(struct hs_tree *tree, const struct hs_tree_node *n,
		      void *buf, size_t size, uint64_t off)
{
	if (off >= TREE_MEM_SIZE)
		return 0;
	if (size > TREE_MEM_SIZE - off)
		size = (size_t)(TREE_MEM_SIZE - off);
	return hs_db_mem_read(tree_image(tree, n), n->t, off, size, buf);
}

/* Size: the user half of the address space; blocks: what is mapped, so
 * that tar and cp see a sparse file and ask SEEK_DATA/SEEK_HOLE. */
int tree_mem_attr(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_tree_attr *out)
{
	struct hs_db_map *maps;
	size_t count;
	int err = hs_db_maps_at(tree_image(tree, n), n->t, &maps, &count);

	if (err < 0)
		return err;
	out->size = TREE_MEM_SIZE;
	out->blocks = 0;
	for (size_t i = 0; i < count; i++)
		if (maps[i].start < TREE_MEM_SIZE)
			out->blocks += (maps[i].end < TREE_MEM_SIZE ? maps[i].end : TREE_MEM_SIZE) -
				       maps[i].start;
	free(maps);
	return 0;
}

int64_t tree_mem_seek(struct hs_tree *tree, const struct hs_tree_node *n,
		      uint64_t off, int whence)
{
	struct hs_db_map *maps;
	size_t count;
	int64_t ret = -ENXIO;
	int err;

	if (off >= TREE_MEM_SIZE)
		return -ENXIO;
	err = hs_db_maps_at(tree_image(tree, n), n->t, &maps, &count);
	if (err < 0)
		return err;
	if (whence == SEEK_DATA) {
		for (size_t i = 0; i < count; i++) {
			if (maps[i].end > off && maps[i].start < TREE_MEM_SIZE) {
				ret = (int64_t)(maps[i].start > off ? maps[i].start : off);
				break;
			}
		}
	} else {
		/* the end of the run of adjacent mappings holding off, or off */
		uint64_t h = off;
		for (size_t i = 0; i < count; i++) {
			if (maps[i].end <= h)
				continue;
			if (maps[i].start > h)
				break;
			h = maps[i].end;
		}
		ret = (int64_t)(h < TREE_MEM_SIZE ? h : TREE_MEM_SIZE);
	}
	free(maps);
	return ret;
}
