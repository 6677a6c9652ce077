/* db_text.c - events as text: kind names, and the fields of each event.
 *
 * A syscall entry prints as strace prints the call, as far as it is known
 * at entry (db_syscall.c and sys_decode.c; output arguments as their
 * address), a sysret as the call's name and strace's result:
 *
 *   openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC)
 *   write(1, "hello\n", 6)
 *   openat = 3
 *   read = -1 ENOENT (No such file or directory)
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "hindsight/syscall_args.h"
#include "query_i.h"
#include "sys_i.h"

/* ---- kinds ------------------------------------------------------------- */

static const char *const kind_names[] = {
	[HS_EV_THREAD_RUN] = "thread-run",
	[HS_EV_THREAD_CREATE] = "thread-create",
	[HS_EV_THREAD_EXIT] = "thread-exit",
	[HS_EV_SYSCALL_ENTER] = "syscall",
	[HS_EV_SYSCALL_EXIT] = "sysret",
	[HS_EV_MEM] = "mem",
	[HS_EV_MAP] = "map",
	[HS_EV_UNMAP] = "unmap",
	[HS_EV_MPROTECT] = "mprotect",
	[HS_EV_REMAP] = "remap",
	[HS_EV_SIGNAL] = "signal",
	[HS_EV_SIGRETURN] = "sigreturn",
	[HS_EV_OUTPUT] = "output",
	[HS_EV_REG_WRITE] = "reg-write",
	[HS_EV_SB_ABORT] = "sb-abort",
	[HS_EV_FORK] = "fork",
	[HS_EV_EXEC] = "exec",
	[HS_EV_EXIT] = "exit",
	[HS_EV_PROCESS] = "process",
	[HS_EV_CONSOLE] = "console",
};

const char *hs_db_event_kind_name(uint32_t tag)
{
	return tag < DB_ARRAY_SIZE(kind_names) ? kind_names[tag] : NULL;
}

uint32_t hs_db_event_kind(const char *name)
{
	for (uint32_t i = 0; i < DB_ARRAY_SIZE(kind_names); i++)
		if (kind_names[i] && strcmp(kind_names[i], name) == 0)
			return i;
	return 0;
}

_Static_assert(HS_SYS_STR_MAX == HS_DB_STR_MAX, "the recorder copies what the formatter prints");

/* ---- text building ------------------------------------------------------- */

/* snprintf-like accumulation: len counts what was wanted. */
struct out {
	char *buf;
	size_t cap, len;
	int err;                  /* memory that could not be read: damage */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->cap ? o->cap - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* Appends n bytes (the fast path of put() for the formats of most
 * lines: same result as put(o, "%s", ...) with s NUL-free). */
static void put_mem(struct out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len - 1, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->buf[o->len + k] = 0;
	}
	o->len += n;
}

static void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

/* "0x%" PRIx64 */
static void put_hex(struct out *o, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[18];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = digits[v & 15];
		v >>= 4;
	} while (v);
	tmp[--n] = 'x';
	tmp[--n] = '0';
	put_mem(o, tmp + n, sizeof(tmp) - n);
}

/* "%" PRIu64 */
static void put_dec(struct out *o, uint64_t v)
{
	char tmp[20];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_mem(o, tmp + n, sizeof(tmp) - n);
}

/* key=%u */
static void put_kv(struct out *o, const char *key, uint64_t v)
{
	put_str(o, key);
	put_dec(o, v);
}

size_t hs_db_escape(const uint8_t *s, size_t n, char *buf, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t k = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char e[4];
		size_t m = 2;

		e[0] = '\\';
		switch (s[i]) {
		case '\n':
			e[1] = 'n';
			break;
		case '\t':
			e[1] = 't';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\\':
			e[1] = '\\';
			break;
		case '"':
			e[1] = '"';
			break;
		default:
			if (s[i] >= 0x20 && s[i] < 0x7f) {
				e[0] = (char)s[i];
				m = 1;
			} else {
				e[1] = 'x';
				e[2] = digits[s[i] >> 4];
				e[3] = digits[s[i] & 15];
				m = 4;
			}
		}
		if (k + m + 1 > cap)
			break;
		memcpy(buf + k, e, m);
		k += m;
	}
	buf[k] = 0;
	return k;
}

static void put_escaped(struct out *o, const uint8_t *s, size_t n, bool cut)
{
	char e[HS_DB_STR_MAX * 4 + 1];
	size_t k = hs_db_escape(s, n, e, sizeof(e));

	put_mem(o, "\"", 1);
	put_mem(o, e, k);
	put_mem(o, cut ? "\"..." : "\"", cut ? 4 : 1);
}

bool db_args_from_memory;

bool db_syscall_captured(const struct hs_db_event *ev, int32_t n[6], const uint8_t *bytes[6])
{
	size_t off = HS_SYSCALL_ENTER_ARGS;

	if (ev->tag != HS_EV_SYSCALL_ENTER || ev->len < HS_SYSCALL_ENTER_ARGS ||
	    db_args_from_memory)
		return false;
	for (int i = 0; i < 6; i++) {
		n[i] = (int32_t)hs_le32(ev->payload + 56 + 4 * i);
		if (n[i] < HS_SYSARG_UNCAPTURED || n[i] > HS_DB_STR_MAX + 1)
			return false;
		bytes[i] = ev->payload + off;
		if (n[i] > 0)
			off += (size_t)n[i];
	}
	return off <= ev->len;
}

/* The call as known at entry, marked when Valgrind's machinery made it. */
static void put_syscall(struct out *o, struct hs_db_image *img, const struct hs_db_event *ev,
			const struct db_argmem *pre)
{
	uint8_t scratch[6][HS_DB_STR_MAX + 1];
	char text[HS_DB_TEXT_MAX];
	struct db_sys_reader rd;
	struct sys_call c;
	int err = db_sys_from_entry(img, ev, pre, &c, scratch);
	size_t n;

	/* execve's argv and envp only: see db_sys_entry_reader() */
	db_sys_entry_reader(&c, &rd, img, ev->t);
	n = sys_format(&c, text, sizeof(text));

	if (err && !o->err)
		o->err = err;
	put_mem(o, text, n < sizeof(text) ? n : sizeof(text) - 1);
	if (db_sys_valgrind(&c))
		put_str(o, " /* vDSO call, a syscall under Valgrind */");
	else if (db_sys_preload(img, &c, ev->t, hs_le32(ev->payload)))
		put_str(o, " /* loads Valgrind's preload library */");
}

static void put_sysret(struct out *o, const struct hs_db_event *ev)
{
	char text[512];
	struct sys_call c = { .nr = hs_le32(ev->payload + 4), .when = SYS_RETURNED,
			      .failed = hs_le32(ev->payload + 8) != 0,
			      .ret = hs_le64(ev->payload + 16) };
	size_t n;

	c.row = sys_row_of(c.nr);
	n = sys_format_result(&c, text, sizeof(text));
	put_mem(o, text, n < sizeof(text) ? n : sizeof(text) - 1);
	if (c.failed && db_sys_valgrind(&c))
		put_str(o, " /* Valgrind's own answer */");
}

static void put_prot(struct out *o, uint32_t prot)
{
	put(o, "%c%c%c", prot & PROT_READ ? 'r' : '-', prot & PROT_WRITE ? 'w' : '-',
	    prot & PROT_EXEC ? 'x' : '-');
}

static void put_map(struct out *o, const struct hs_db_event *ev)
{
	static const char *const kinds[] = { "?", "startup", "mmap", "brk", "stack-signal" };
	const uint8_t *p = ev->payload;
	uint64_t addr = hs_le64(p), len = hs_le64(p + 8);
	uint32_t kind = hs_le32(p + 20), flags = hs_le32(p + 24);
	uint32_t path_len = hs_le32(p + 64);

	put(o, "0x%" PRIx64 "-0x%" PRIx64 " ", addr, addr + len);
	put_prot(o, hs_le32(p + 16));
	put(o, " kind=%s", kind < DB_ARRAY_SIZE(kinds) ? kinds[kind] : "?");
	if (flags & HS_MAP_FILE)
		put(o, " offset=0x%" PRIx64, hs_le64(p + 32));
	if (flags & HS_MAP_SHARED)
		put(o, " shared");
	if (flags & HS_MAP_COPIED)
		put(o, " copied");
	if (path_len && (uint64_t)72 + path_len <= ev->len) {
		put(o, " path=");
		put_escaped(o, p + 72, path_len < HS_DB_STR_MAX ? path_len : HS_DB_STR_MAX,
			    path_len > HS_DB_STR_MAX);
	}
}

/* The minimum payload of each tag that the formatter reads. */
static uint32_t min_len(uint32_t tag)
{
	switch (tag) {
	case HS_EV_SYSCALL_ENTER:
		return 56;
	case HS_EV_SYSCALL_EXIT:
	case HS_EV_EXIT:
	case HS_EV_REMAP:
	case HS_EV_MPROTECT:
		return 24;
	case HS_EV_MAP:
		return 72;
	case HS_EV_MEM:
	case HS_EV_UNMAP:
		return 16;
	case HS_EV_SIGNAL:
	case HS_EV_REG_WRITE:
		return 12;
	case HS_EV_CONSOLE:
		return HS_CONSOLE_SIZE;
	case HS_EV_THREAD_RUN:
	case HS_EV_THREAD_CREATE:
	case HS_EV_SIGRETURN:
	case HS_EV_OUTPUT:
	case HS_EV_SB_ABORT:
	case HS_EV_FORK:
		return 8;
	case HS_EV_THREAD_EXIT:
	case HS_EV_EXEC:
		return 4;
	default:
		return 0;
	}
}

int hs_db_event_format(const struct hs_db_image *cimg, const struct hs_db_event *ev,
		       char *buf, size_t cap)
{
	return db_event_format((struct hs_db_image *)cimg, ev, NULL, buf, cap);
}

/* A payload's thread (a slot, db.h "Thread ids") as people know it. */
#define OS_TID(q) hs_db_thread_os_tid(img, hs_le32(q), ev->t)

int db_event_format(struct hs_db_image *img, const struct hs_db_event *ev,
		    const struct db_argmem *pre, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0, 0 };
	const uint8_t *p = ev->payload;

	if (cap)
		buf[0] = 0;
	if (ev->len < min_len(ev->tag)) {
		put(&o, "(short record: %" PRIu32 " bytes)", ev->len);
		return (int)o.len;
	}
	switch (ev->tag) {
	case HS_EV_SYSCALL_ENTER:
		put_syscall(&o, img, ev, pre);
		break;
	case HS_EV_SYSCALL_EXIT:
		put_sysret(&o, ev);
		break;
	case HS_EV_THREAD_RUN:
		/* the OS tid: the lwp of this record, or of the thread's first */
		put_kv(&o, "tid=", OS_TID(p));
		break;
	case HS_EV_THREAD_CREATE:
		put(&o, "parent=%" PRIu32 " child=%" PRIu32, OS_TID(p), OS_TID(p + 4));
		break;
	case HS_EV_THREAD_EXIT:
		put(&o, "tid=%" PRIu32, OS_TID(p));
		break;
	case HS_EV_MEM: {
		static const char *const src[] = { "?", "initial", "syscall", "signal", "core" };
		uint32_t s = hs_le32(p + 8);

		put_hex(&o, hs_le64(p));
		put_kv(&o, " len=", ev->len - 16);
		put_str(&o, " source=");
		put_str(&o, s < DB_ARRAY_SIZE(src) ? src[s] : "?");
		break;
	}
	case HS_EV_MAP:
		put_map(&o, ev);
		break;
	case HS_EV_UNMAP:
		put(&o, "0x%" PRIx64 "-0x%" PRIx64, hs_le64(p), hs_le64(p) + hs_le64(p + 8));
		break;
	case HS_EV_MPROTECT:
		put(&o, "0x%" PRIx64 "-0x%" PRIx64 " ", hs_le64(p), hs_le64(p) + hs_le64(p + 8));
		put_prot(&o, hs_le32(p + 16));
		break;
	case HS_EV_REMAP:
		put(&o, "0x%" PRIx64 " -> 0x%" PRIx64 " len=0x%" PRIx64, hs_le64(p),
		    hs_le64(p + 8), hs_le64(p + 16));
		break;
	case HS_EV_SIGNAL: {
		char sig[512];

		hs_db_signal_record_text(p, ev->len, sig, sizeof(sig));
		put(&o, "%s", sig);
		break;
	}
	case HS_EV_SIGRETURN: {
		char sig[64];

		hs_db_signal_text((int32_t)hs_le32(p + 4), 0, 0, 0, NULL, sig, sizeof(sig));
		put(&o, "%s", sig);
		break;
	}
	case HS_EV_OUTPUT: {
		uint32_t n = ev->len - 8;

		put_kv(&o, "fd=", hs_le32(p + 4));
		put_kv(&o, " len=", n);
		put_mem(&o, " ", 1);
		put_escaped(&o, p + 8, n < HS_DB_STR_MAX ? n : HS_DB_STR_MAX, n > HS_DB_STR_MAX);
		break;
	}
	case HS_EV_REG_WRITE:
		put_kv(&o, "tid=", OS_TID(p));
		put_kv(&o, " offset=", hs_le32(p + 4));
		put_kv(&o, " size=", hs_le32(p + 8));
		break;
	case HS_EV_SB_ABORT:
		put(&o, "sb=%" PRIu32 " retired=%" PRIu32, hs_le32(p), hs_le32(p + 4));
		break;
	case HS_EV_FORK:
		put(&o, "tid=%" PRIu32 " child=%" PRIu32, OS_TID(p), hs_le32(p + 4));
		break;
	case HS_EV_EXEC: {
		uint32_t n = ev->len - 4;
		const uint8_t *nul = memchr(p + 4, 0, n);

		if (nul) /* format 5: path, NUL, trailer */
			n = (uint32_t)(nul - (p + 4));

		put(&o, "tid=%" PRIu32 " path=", OS_TID(p));
		put_escaped(&o, p + 4, n < HS_DB_STR_MAX ? n : HS_DB_STR_MAX, n > HS_DB_STR_MAX);
		break;
	}
	case HS_EV_EXIT: {
		static const char *const kinds[] = { "?", "status", "signal", "exec" };
		uint32_t k = hs_le32(p);

		put(&o, "%s=%" PRId32 " t=%" PRIu64 " threads=%" PRIu32,
		    k < DB_ARRAY_SIZE(kinds) ? kinds[k] : "?", (int32_t)hs_le32(p + 4),
		    hs_le64(p + 8), hs_le32(p + 16));
		break;
	}
	case HS_EV_CONSOLE:
		/* the output record that follows reached the recording's
		 * stdout or stderr; ns orders it among every process's */
		put(&o, "tid=%" PRIu32 " %s ns=%" PRIu64, OS_TID(p),
		    hs_le32(p + 4) == 2 ? "stderr" : "stdout", hs_le64(p + 8));
		break;
	case HS_EV_PROCESS: {
		uint32_t n = ev->len;

		put_escaped(&o, p, n < HS_DB_STR_MAX ? n : HS_DB_STR_MAX, n > HS_DB_STR_MAX);
		break;
	}
	default:
		put(&o, "tag=%" PRIu32 " len=%" PRIu32, ev->tag, ev->len);
	}
	return o.err ? o.err : (int)o.len;
}
