/* tree_gen.c - the items of the large files: one per event, syscall, write.
 *
 * Each generator walks the database from w->t0 to the image's end and hands
 * every item to tree_emit() in order, with its t; it stops as soon as
 * tree_emit() returns 1 and returns that.  Items with equal t keep the
 * database's order, so (t, how many came before at t) names an item.
 *
 * Formats (one line per item unless said):
 *   events    "<t> <tid> <kind> <details>"      as `hindsight query events`
 *   syscalls  "<t> <tid> name(args) = result"   t and tid of the entry,
 *             then strace's line (hs_db_syscall_line); "= ?" when the
 *             syscall never returned (exit_group, a successful execve, a
 *             thread killed inside it); Valgrind's own calls left out;
 *             a signal's delivery as strace prints it,
 *             "<t> <tid> --- SIGALRM {si_signo=SIGALRM, ...} ---"
 *   output    "<t> <fd> <bytes, C-escaped>"     one line per write
 *   stdout, stderr  the bytes themselves
 *   writes/   "<t> 0x<addr> <len> <hex bytes> <kind>"  the part inside
 *             the range; kind as hs_db_write_kind_name() (store, syscall,
 *             signal, core, map, zero, remap); in a forked image, the
 *             writes it inherited come first, with the t of the ancestor
 *             that made them and its "<pid>.<n>" after the kind
 */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two digits a step, written from the end once the length is known:
 * every line of syscalls and events begins with two of these. */
size_t tree_put_u64(char *out, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	uint64_t above = 10;
	size_t n = 1;
	char *p;

	while (n < 20 && v >= above) { /* 20 digits: UINT64_MAX's */
		n++;
		above *= 10;
	}
	p = out + n;
	while (v >= 100) {
		const char *d = pairs + 2 * (v % 100);

		v /= 100;
		*--p = d[1];
		*--p = d[0];
	}
	if (v >= 10) {
		*--p = pairs[2 * v + 1];
		*--p = pairs[2 * v];
	} else {
		*--p = (char)('0' + v);
	}
	return n;
}

static size_t put_str(char *out, const char *s)
{
	size_t n = strlen(s);

	memcpy(out, s, n);
	return n;
}

/* "<t> <tid> ": tid as the OS's (db.h "Thread ids") */
static size_t put_head(char *out, uint64_t t, uint32_t tid)
{
	size_t k = tree_put_u64(out, t);

	out[k++] = ' ';
	k += tree_put_u64(out + k, tid);
	out[k++] = ' ';
	return k;
}

/* hs_db_events_text()'s text into out (cap bytes, NUL-terminated): its length. */
static size_t put_text(char *out, size_t cap, const char *text, size_t len)
{
	if (len > cap - 1)
		len = cap - 1;
	memcpy(out, text, len);
	out[len] = 0;
	return len;
}

/* ---- events ------------------------------------------------------------------ */

static int event_item(void *ctx, const struct hs_db_event *ev, const char *text,
		      size_t len, int err)
{
	struct tree_walk *w = ctx;
	const char *kind = hs_db_event_kind_name(ev->tag);
	char *l = w->line;
	size_t k = put_head(l, ev->t, hs_db_thread_os_tid(w->img, ev->tid, ev->t));

	(void)err; /* "(unreadable)" in a line that is otherwise whole */
	k += put_str(l + k, kind ? kind : "?");
	l[k++] = ' ';
	k += put_text(l + k, sizeof(w->line) - k - 1, text, len);
	l[k++] = '\n';
	return tree_emit(w, ev->t, l, k);
}

/* The text of a chunk's syscalls comes from one decode of it
 * (hs_db_events_text), so a first read of the whole file is fast. */
int tree_gen_events(struct tree_walk *w)
{
	return hs_db_events_text(w->img, w->t0, w->t_end, 0, event_item, w);
}

/* ---- output, stdout, stderr ------------------------------------------------------ */

static int output_item(void *ctx, const struct hs_db_event *ev)
{
	struct tree_walk *w = ctx;
	const uint8_t *data = ev->payload + 8;
	size_t n, cap, k;
	uint32_t fd;
	char *line;
	int ret;

	if (ev->len < 8)
		return 0;
	n = ev->len - 8;
	fd = hs_le32(ev->payload + 4);
	switch (w->node.kind) {
	case K_STDOUT:
		return fd == 1 ? tree_emit(w, ev->t, data, n) : 0;
	case K_STDERR:
		return fd == 2 ? tree_emit(w, ev->t, data, n) : 0;
	default:
		break;
	}
	cap = 48 + 4 * n + 2;
	line = cap <= sizeof(w->line) ? w->line : malloc(cap);
	if (!line)
		return -ENOMEM;
	k = tree_put_u64(line, ev->t);
	line[k++] = ' ';
	k += tree_put_u64(line + k, fd);
	line[k++] = ' ';
	k += hs_db_escape(data, n, line + k, cap - k - 1);
	line[k++] = '\n';
	ret = tree_emit(w, ev->t, line, k);
	if (line != w->line)
		free(line);
	return ret;
}

int tree_gen_output(struct tree_walk *w)
{
	if ((w->node.kind == K_STDOUT || w->node.kind == K_STDERR) &&
	    !(w->node.flags & NODE_IN_PROC) && tree_console_known(w->tree))
		return tree_gen_console(w);
	return hs_db_events(w->img, w->t0, w->t_end, HS_DB_KIND_BIT(HS_EV_OUTPUT),
			    output_item, w);
}

/* ---- writes/<range> ---------------------------------------------------------------- */

static int write_item(void *ctx, const struct hs_db_write *wr)
{
	static const char hex[] = "0123456789abcdef";
	struct tree_walk *w = ctx;
	bool inherited = wr->img && wr->img != w->img;
	size_t cap = 64 + 2 * (size_t)wr->data_len + 48, k;
	char *line = cap <= sizeof(w->line) ? w->line : malloc(cap);
	int ret;

	if (!line)
		return -ENOMEM;
	k = (size_t)snprintf(line, 64, "%" PRIu64 " 0x%" PRIx64 " %" PRIu64 " ", wr->t,
			     wr->data_addr, wr->data_len);
	for (uint64_t i = 0; i < wr->data_len; i++) {
		line[k++] = hex[wr->data[i] >> 4];
		line[k++] = hex[wr->data[i] & 15];
	}
	/* what wrote it: an instruction's store, the kernel, a mapping's
	 * contents, zeros of a new mapping... (after the four first columns,
	 * which stay as they were) */
	k += (size_t)snprintf(line + k, 12, " %s", hs_db_write_kind_name(wr->kind));
	if (inherited) {
		struct hs_db_image_info info;

		hs_db_image_info(wr->img, &info);
		k += (size_t)snprintf(line + k, 32, " %s", info.name);
	}
	line[k++] = '\n';
	/* an ancestor's writes come first, all of them only from t0 = 0:
	 * their position is at 0, whatever their t (the ancestor's) */
	ret = tree_emit(w, inherited ? 0 : wr->t, line, k);
	if (line != w->line)
		free(line);
	return ret;
}

int tree_gen_writes(struct tree_walk *w)
{
	return hs_db_writes(w->img, w->node.a, (size_t)w->node.b, w->t0, w->t_end,
			    write_item, w);
}

/* ---- syscalls ------------------------------------------------------------------------ */

/* Syscalls are listed by entry, each line made when its result comes
 * (hs_db_syscall_line: strace's line needs the bytes the kernel wrote),
 * which is later (other threads' syscalls may come in between).  Entries
 * wait in a queue until their result arrives and everything before them
 * is out.  A thread has one syscall in flight, so a result belongs to the
 * oldest waiting entry of its thread (by the record's own tid: the
 * event's running thread can be another one when a syscall ends across a
 * switch).  What the kernel wrote are the HS_EV_MEM records of source
 * syscall right before the exit record (the recorder writes them from
 * Valgrind's post-syscall wrapper, then the exit), so the ones since the
 * last entry or exit record go with the next exit.  The queue is bounded
 * (tree->sc_queue, 256; HS_TREE_SC_QUEUE in the environment changes it,
 * for tests): when it is full, the oldest entry's result is looked up
 * ahead with a second scan.  Calls of Valgrind's machinery
 * (HS_DB_SYSCALL_VALGRIND) are left out. */
#define SC_INLINE 1024 /* an entry record's payload up to this size is
			* kept in its slot (the most an entry holds: the
			* header and six captured arguments of 129 bytes) */
struct sc_entry {
	uint64_t t;
	uint32_t tid;
	bool done, hidden;
	struct hs_db_event ev; /* the entry record; payload owned until done:
				* inl, or malloc'ed when longer */
	char *text;            /* "<t> <tid> name(args) = result\n" once done */
	size_t len;
	uint8_t inl[SC_INLINE];
};

/* HS_EV_MEM records of source syscall since the last entry or exit. */
#define SC_PIECE_MAX (64u << 10) /* bytes kept of one: far more than a line prints */
struct sc_pend {
	struct hs_db_mem_piece *p;
	size_t *off;           /* of each piece's bytes in arena */
	size_t n, cap;
	uint8_t *arena;
	size_t used, arena_cap;
};

struct sc_queue {
	struct tree_walk *w;
	struct sc_entry *q;
	size_t cap, head, n;
	struct sc_pend pend;
};

static void sc_pend_free(struct sc_pend *pd)
{
	free(pd->p);
	free(pd->off);
	free(pd->arena);
}

static int sc_pend_add(struct sc_pend *pd, const struct hs_db_event *ev)
{
	size_t len;

	if (ev->len < 16 || hs_le32(ev->payload + 8) != HS_MEM_SYSCALL)
		return 0;
	len = ev->len - 16 < SC_PIECE_MAX ? ev->len - 16 : SC_PIECE_MAX;
	if (pd->n == pd->cap) {
		size_t c = pd->cap ? 2 * pd->cap : 8;
		void *p = realloc(pd->p, c * sizeof(*pd->p)), *o;

		if (!p)
			return -ENOMEM;
		pd->p = p;
		o = realloc(pd->off, c * sizeof(*pd->off));
		if (!o)
			return -ENOMEM;
		pd->off = o;
		pd->cap = c;
	}
	if (pd->used + len > pd->arena_cap) {
		size_t c = pd->arena_cap ? pd->arena_cap : 4096;
		uint8_t *a;

		while (c < pd->used + len)
			c *= 2;
		a = realloc(pd->arena, c);
		if (!a)
			return -ENOMEM;
		pd->arena = a;
		pd->arena_cap = c;
	}
	memcpy(pd->arena + pd->used, ev->payload + 16, len);
	pd->p[pd->n] = (struct hs_db_mem_piece){ hs_le64(ev->payload), len, NULL };
	pd->off[pd->n++] = pd->used;
	pd->used += len;
	return 0;
}

static struct hs_db_mem_piece *sc_pend_pieces(struct sc_pend *pd)
{
	for (size_t i = 0; i < pd->n; i++)
		pd->p[i].bytes = pd->arena + pd->off[i];
	return pd->p;
}

static struct sc_entry *sc_at(struct sc_queue *s, size_t i)
{
	HS_ANALYZER_ASSUME(s->cap > 0); /* tree->sc_queue, at least 1 */
	return &s->q[(s->head + i) % s->cap];
}

/* e's payload, once its line is made */
static void sc_drop_payload(struct sc_entry *e)
{
	if (e->ev.payload != e->inl)
		free((void *)e->ev.payload);
	e->ev.payload = NULL;
}

/* e's line into buf ("<t> <tid> line\n"), with the result of exit (NULL:
 * it never returned) and the memory in pd: its length; *hidden for a call
 * of Valgrind's machinery. */
static size_t sc_line(const struct hs_db_image *img, const struct sc_entry *e,
		      const struct hs_db_event *exit, struct sc_pend *pd, char *buf, bool *hidden)
{
	size_t h = put_head(buf, e->t, hs_db_thread_os_tid(img, e->tid, e->t)), n;
	unsigned flags = 0;
	int ret = hs_db_syscall_line(img, &e->ev, exit, exit && pd ? sc_pend_pieces(pd) : NULL,
				     exit && pd ? pd->n : 0, buf + h, HS_DB_TEXT_MAX, &flags);

	(void)ret; /* < 0: an argument unreadable for damage, the line otherwise whole */
	n = strlen(buf + h);
	buf[h + n] = '\n';
	*hidden = flags & HS_DB_SYSCALL_VALGRIND;
	return h + n + 1;
}

/* SC_LINE_MAX: the head, a line and its newline */
#define SC_LINE_MAX (48 + HS_DB_TEXT_MAX + 1)

/* e's line kept until the entries before it are out. */
static int sc_finish(const struct hs_db_image *img, struct sc_entry *e,
		     const struct hs_db_event *exit, struct sc_pend *pd)
{
	char line[SC_LINE_MAX];
	size_t n = sc_line(img, e, exit, pd, line, &e->hidden);

	e->text = malloc(n);
	if (!e->text)
		return -ENOMEM;
	memcpy(e->text, line, n);
	e->len = n;
	e->done = true;
	sc_drop_payload(e);
	return 0;
}

/* A signal's SIGNAL record: its default action killed the process. */
static bool sc_fatal(const struct hs_db_event *sig)
{
	return sig->len >= HS_SIGNAL_V5_SIZE && (hs_le32(sig->payload + 8) & HS_SIG_FATAL);
}

/* e, still waiting for its result, was interrupted by the signal sig of
 * its thread and never returns (Valgrind restarts it after the handler,
 * SA_RESTART): its line ends as strace's does, "= ? ERESTARTSYS (To be
 * restarted if SA_RESTART is set)", from an EINTR (hs_db_syscall_line
 * makes the kernel's code of it). */
static int sc_interrupted(const struct hs_db_image *img, struct sc_entry *e,
			  const struct hs_db_event *sig)
{
	uint8_t x[24] = { 0 };
	struct hs_db_event intr = { sig->t, e->tid, HS_EV_SYSCALL_EXIT, sizeof x, x };

	hs_put_le32(x, e->tid);
	hs_put_le32(x + 4, hs_le32(e->ev.payload + 4));
	hs_put_le32(x + 8, 1);
	hs_put_le64(x + 16, EINTR);
	return sc_finish(img, e, &intr, NULL);
}

/* The look-ahead: the first result of e's thread after e's entry (or the
 * signal that interrupted it). */
struct sc_ahead {
	const struct hs_db_image *img;
	struct sc_entry *e;
	bool seen_entry;
	struct sc_pend pend;
	int err;
};

static int sc_ahead_event(void *ctx, const struct hs_db_event *ev)
{
	struct sc_ahead *a = ctx;

	if (ev->tag == HS_EV_MEM) {
		a->err = a->seen_entry ? sc_pend_add(&a->pend, ev) : 0;
		return a->err ? 1 : 0;
	}
	a->pend.n = 0;
	a->pend.used = 0;
	if (ev->len < 8 || hs_le32(ev->payload) != a->e->tid)
		return 0;
	if (!a->seen_entry) {
		a->seen_entry = ev->tag == HS_EV_SYSCALL_ENTER && ev->t == a->e->t;
		return 0;
	}
	if (ev->tag == HS_EV_SYSCALL_EXIT) {
		a->err = sc_finish(a->img, a->e, ev, &a->pend);
		return 1;
	}
	if (ev->tag == HS_EV_SIGNAL && !sc_fatal(ev)) {
		a->err = sc_interrupted(a->img, a->e, ev);
		return 1;
	}
	return 0;
}

static int sc_force(struct sc_queue *s, struct sc_entry *e)
{
	struct sc_ahead a = { .img = s->w->img, .e = e };
	int err;

	if (e->done)
		return 0;
	err = hs_db_events(s->w->img, e->t, s->w->t_end,
			       HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER) |
				       HS_DB_KIND_BIT(HS_EV_SYSCALL_EXIT) | HS_DB_KIND_BIT(HS_EV_MEM) |
				       HS_DB_KIND_BIT(HS_EV_SIGNAL),
			       sc_ahead_event, &a);

	sc_pend_free(&a.pend);
	if (err < 0)
		return err;
	if (a.err < 0)
		return a.err;
	return e->done ? 0 : sc_finish(s->w->img, e, NULL, NULL);
}

/* Emits the finished entries at the head. */
static int sc_flush(struct sc_queue *s)
{
	while (s->n) {
		struct sc_entry *e = sc_at(s, 0);
		int ret = 0;

		if (!e->done)
			return 0;
		if (!e->hidden)
			ret = tree_emit(s->w, e->t, e->text, e->len);
		free(e->text);
		e->text = NULL;
		s->head = (s->head + 1) % s->cap;
		s->n--;
		if (ret)
			return ret;
	}
	return 0;
}

/* A free slot at the queue's end: the oldest entry's result looked up
 * ahead when it is full. */
static int sc_room(struct sc_queue *s)
{
	int err = sc_flush(s); /* a head made done since (sc_interrupted) */

	if (!err && s->n == s->cap) {
		err = sc_force(s, sc_at(s, 0));
		if (!err)
			err = sc_flush(s);
	}
	return err;
}

/* A signal's delivery to tid: strace's "--- SIGx {siginfo} ---" line, in
 * the queue's order.  A call of tid still waiting for its result was
 * interrupted by it (sc_interrupted); a fatal signal interrupts nothing
 * that returns: that call stays "= ?". */
static int sc_signal(struct sc_queue *s, const struct hs_db_event *ev, uint32_t tid)
{
	char line[SC_LINE_MAX], sig[512], *end;
	struct sc_entry *e;
	size_t h;
	int n, err;

	for (size_t i = 0; i < s->n && !sc_fatal(ev); i++) {
		e = sc_at(s, i);
		if (!e->done && e->tid == tid && (err = sc_interrupted(s->w->img, e, ev)) < 0)
			return err;
	}
	hs_db_signal_record_text(ev->payload, ev->len, sig, sizeof sig);
	/* our own words, which strace does not print */
	if ((end = strstr(sig, " altstack")) || (end = strstr(sig, " fatal")))
		*end = 0;
	h = put_head(line, ev->t, hs_db_thread_os_tid(s->w->img, tid, ev->t));
	n = snprintf(line + h, sizeof line - h, "--- %s ---\n", sig);
	if (n < 0 || (size_t)n >= sizeof line - h)
		return 0;
	err = sc_room(s);
	if (err)
		return err;
	e = sc_at(s, s->n);
	*e = (struct sc_entry){ .t = ev->t, .tid = tid, .done = true, .len = h + (size_t)n };
	e->text = malloc(e->len);
	if (!e->text)
		return -ENOMEM;
	memcpy(e->text, line, e->len);
	s->n++;
	return sc_flush(s);
}

static int sc_enter(struct sc_queue *s, const struct hs_db_event *ev, uint32_t tid)
{
	struct sc_entry *e;
	uint8_t *payload;
	int err;

	/* its thread's earlier syscall (if still waiting) never returned */
	for (size_t i = 0; i < s->n; i++) {
		e = sc_at(s, i);
		if (!e->done && e->tid == tid && (err = sc_finish(s->w->img, e, NULL, NULL)) < 0)
			return err;
	}
	err = sc_room(s);
	if (err)
		return err;
	e = sc_at(s, s->n);
	payload = ev->len <= SC_INLINE ? e->inl : malloc(ev->len);
	if (!payload)
		return -ENOMEM;
	memcpy(payload, ev->payload, ev->len);
	e->t = ev->t;
	e->tid = tid;
	e->done = e->hidden = false;
	e->ev = *ev;
	e->ev.payload = payload;
	e->text = NULL;
	e->len = 0;
	s->n++;
	return sc_flush(s);
}

static int sc_event(void *ctx, const struct hs_db_event *ev)
{
	struct sc_queue *s = ctx;
	uint32_t tid;
	int err = 0;

	if (ev->tag == HS_EV_MEM)
		return sc_pend_add(&s->pend, ev);
	if (ev->len < 8)
		return 0;
	tid = hs_le32(ev->payload);
	if (ev->tag == HS_EV_SYSCALL_ENTER) {
		s->pend.n = 0;
		s->pend.used = 0;
		return sc_enter(s, ev, tid);
	}
	if (ev->tag == HS_EV_SIGNAL)
		return sc_signal(s, ev, tid);
	for (size_t i = 0; i < s->n; i++) {
		struct sc_entry *e = sc_at(s, i);

		if (e->done || e->tid != tid)
			continue;
		if (i == 0) { /* the head: out at once, no copy (the usual case) */
			char line[SC_LINE_MAX];
			bool hidden;
			size_t n = sc_line(s->w->img, e, ev, &s->pend, line, &hidden);

			sc_drop_payload(e);
			s->head = (s->head + 1) % s->cap;
			s->n--;
			err = hidden ? 0 : tree_emit(s->w, e->t, line, n);
			if (err)
				return err;
		} else {
			err = sc_finish(s->w->img, e, ev, &s->pend);
		}
		break;
	}
	/* else: the result of a syscall entered before t0 */
	s->pend.n = 0;
	s->pend.used = 0;
	return err < 0 ? err : sc_flush(s);
}

/* strace's first line, the execve that started the program: a recording
 * begins once it returned, so no record holds it; it is made from the
 * state at t=0 as the kernel left it: rsp at argc, then argv[], NULL,
 * envp[], NULL, the auxiliary vector (AT_EXECFN: the path execve got).
 * An image that began as a fork has none. */
#define AUXV_MAX 64
#define ENVP_MAX 65536
#define AT_EXECFN_ 31
#define AT_PHDR_ 3

/* A program started by its name alone ("ls"): natively the shell (or
 * strace) looks it up in PATH and execve() gets the path, which is
 * AT_EXECFN; Valgrind passes the bare name on.  The line then names the
 * file in the folder of the mapping that holds the program headers
 * (AT_PHDR): "/usr/bin/ls", and "/usr/bin/python3" for a link to
 * python3.11 in the same folder. */
static void exec_path(const struct hs_db_image *img, uint64_t phdr, char *line, size_t cap)
{
	const char *name = line + 8, *q = strchr(name, '"');
	struct hs_db_map *maps = NULL;
	char fixed[HS_DB_TEXT_MAX];
	size_t n = 0;

	if (strncmp(line, "execve(\"", 8) || !q || memchr(name, '/', (size_t)(q - name)) ||
	    memchr(name, '\\', (size_t)(q - name)) || !phdr || hs_db_maps_at(img, 0, &maps, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(maps[i].path, '/');

		if (phdr < maps[i].start || phdr >= maps[i].end)
			continue;
		if (maps[i].path[0] == '/' && slash &&
		    (size_t)snprintf(fixed, sizeof fixed, "execve(\"%.*s/%s", (int)(slash - maps[i].path),
				     maps[i].path, name) < sizeof fixed)
			snprintf(line, cap, "%s", fixed);
		break;
	}
	free(maps);
}

/* An image begun by exec: the execve as the image before it made it (the
 * last execve entry of pid.n-1: its own argv and environment, which
 * strace shows; Valgrind starts the new program with argv[0] made a path),
 * with " = 0": 0 and the line, or 1 when there is none. */
struct last_exec {
	uint8_t payload[HS_DB_TEXT_MAX];
	struct hs_db_event ev;
	bool found;
};

static int last_exec_event(void *ctx, const struct hs_db_event *ev)
{
	struct last_exec *le = ctx;
	uint32_t nr = ev->len >= 56 ? hs_le32(ev->payload + 4) : 0;

	if ((nr == 59 || nr == 322) && ev->len <= sizeof(le->payload)) {
		memcpy(le->payload, ev->payload, ev->len);
		le->ev = *ev;
		le->ev.payload = le->payload;
		le->found = true;
	}
	return 0;
}

#define EXEC_LOOK_BACK 4096 /* the execve is the old image's last instruction */

static int exec_of_prev(struct tree_walk *w, const struct hs_db_image_info *info, uint32_t tid,
			char *line, size_t cap)
{
	struct hs_db_image_info pi;
	const struct hs_db_image *prev;
	struct last_exec *le;
	uint8_t exit[24] = { 0 };
	struct hs_db_event ev_out = { .tag = HS_EV_SYSCALL_EXIT, .len = sizeof exit, .payload = exit };
	char name[48];
	unsigned flags = 0;
	int ret = 1;

	if (!info->exec_index)
		return 1;
	snprintf(name, sizeof name, "%" PRIu32 ".%" PRIu32, info->pid, info->exec_index - 1);
	prev = hs_db_image_find(w->tree->db, name);
	if (!prev || !(le = calloc(1, sizeof(*le))))
		return 1;
	hs_db_image_info(prev, &pi);
	if (hs_db_events(prev, pi.t_end > EXEC_LOOK_BACK ? pi.t_end - EXEC_LOOK_BACK : 0, pi.t_end,
			 HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER), last_exec_event, le) == 0 && le->found) {
		hs_put_le32(exit, tid);
		hs_put_le32(exit + 4, hs_le32(le->payload + 4));
		ev_out.t = le->ev.t;
		ev_out.tid = le->ev.tid;
		if (hs_db_syscall_line(prev, &le->ev, &ev_out, NULL, 0, line, cap, &flags) >= 0)
			ret = 0;
	}
	free(le);
	return ret;
}

static int exec_line(struct tree_walk *w)
{
	struct hs_db_image_info info;
	struct hs_db_regs *r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	uint8_t enter[56] = { 0 }, exit[24] = { 0 }, word[16];
	struct hs_db_event ev_in = { .t = 0, .tag = HS_EV_SYSCALL_ENTER, .len = sizeof enter,
				     .payload = enter };
	struct hs_db_event ev_out = { .t = 0, .tag = HS_EV_SYSCALL_EXIT, .len = sizeof exit,
				      .payload = exit };
	uint64_t sp, argc, envp, p, execfn = 0, phdr = 0, v = 1;
	char line[HS_DB_TEXT_MAX], head[48];
	unsigned flags = 0;
	size_t h, n;
	int ret = 0, k;

	hs_db_image_info(w->img, &info);
	if (!r || info.parent || hs_db_regs_at(w->img, 0, 0, r) < 0)
		goto out;
	sp = r->regs.gpr[4]; /* rsp */
	if (hs_db_mem_read(w->img, 0, sp, 8, word) != 8 || (argc = hs_le64(word)) > ENVP_MAX)
		goto out;
	envp = sp + 8 + 8 * (argc + 1);
	/* envp's NULL, then the auxiliary vector's (type, value) pairs */
	for (p = envp, k = 0; v && k < ENVP_MAX; p += 8, k++)
		if (hs_db_mem_read(w->img, 0, p, 8, word) != 8 || !(v = hs_le64(word)))
			break;
	if (v)
		goto out;
	for (p += 8, k = 0; k < AUXV_MAX; p += 16, k++) {
		if (hs_db_mem_read(w->img, 0, p, 16, word) != 16 || !hs_le64(word))
			break;
		if (hs_le64(word) == AT_EXECFN_)
			execfn = hs_le64(word + 8);
		else if (hs_le64(word) == AT_PHDR_)
			phdr = hs_le64(word + 8);
	}
	if (!execfn && (hs_db_mem_read(w->img, 0, sp + 8, 8, word) != 8 || !(execfn = hs_le64(word))))
		goto out;
	hs_put_le32(enter, r->tid);
	hs_put_le32(enter + 4, 59); /* execve */
	hs_put_le64(enter + 8, execfn);
	hs_put_le64(enter + 16, sp + 8);
	hs_put_le64(enter + 24, envp);
	hs_put_le32(exit, r->tid);
	hs_put_le32(exit + 4, 59);
	ev_in.tid = ev_out.tid = r->tid;
	if (exec_of_prev(w, &info, r->tid, line, sizeof line) != 0) {
		if (hs_db_syscall_line(w->img, &ev_in, &ev_out, NULL, 0, line, sizeof line, &flags) < 0)
			goto out;
		if (tree_exec_script_argv(w, sp, argc, line, sizeof line) != 0)
			exec_path(w->img, phdr, line, sizeof line);
	}
	h = put_head(head, 0, hs_db_thread_os_tid(w->img, r->tid, 0));
	n = strlen(line);
	memmove(line + h, line, n + 1 < sizeof line - h ? n + 1 : sizeof line - h);
	memcpy(line, head, h);
	n = strnlen(line, sizeof line - 1);
	line[n] = '\n';
	ret = tree_emit(w, 0, line, n + 1);
out:
	free(r);
	return ret;
}

int tree_gen_syscalls(struct tree_walk *w)
{
	struct sc_queue *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->cap = w->tree->sc_queue;
	s->q = calloc(s->cap, sizeof(*s->q));
	if (!s->q) {
		free(s);
		return -ENOMEM;
	}
	s->w = w;
	err = w->t0 == 0 ? exec_line(w) : 0;
	if (err == 1) {
		free(s->q);
		free(s);
		return 1;
	}
	err = err ? err : hs_db_events(w->img, w->t0, w->t_end,
			   HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER) | HS_DB_KIND_BIT(HS_EV_SYSCALL_EXIT) |
				   HS_DB_KIND_BIT(HS_EV_MEM) | HS_DB_KIND_BIT(HS_EV_SIGNAL),
			   sc_event, s);
	if (err == 0) {
		/* the end: what still waits never returned */
		for (size_t i = 0; i < s->n && !err; i++)
			if (!sc_at(s, i)->done)
				err = sc_finish(w->img, sc_at(s, i), NULL, NULL);
		if (!err)
			err = sc_flush(s);
	}
	for (size_t i = 0; i < s->n; i++) {
		free(sc_at(s, i)->text);
		if (sc_at(s, i)->ev.payload)
			sc_drop_payload(sc_at(s, i));
	}
	sc_pend_free(&s->pend);
	free(s->q);
	free(s);
	return err;
}
