/* sys_text.c - text building for the syscall formatter: appending,
 * numbers without printf (most arguments are one: the hot path of a first
 * read of `syscalls`), strings quoted as strace quotes them, and the
 * little-endian reads and memory checks every decoder uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hindsight/db.h"
#include "sys_i.h"

/* ---- text building --------------------------------------------------------- */

void sys_put_cut(struct sys_out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len - 1, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->buf[o->len + k] = 0;
	}
	o->len += n;
}

void sys_putf(struct sys_out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sys_put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void sys_put_hexquoted(struct sys_out *o, const uint8_t *s, size_t n, bool cut)
{
	static const char digits[] = "0123456789abcdef";
	char e[HS_SYS_STR_MAX * 4 + 2];
	size_t k = 0;

	if (n > HS_SYS_STR_MAX)
		n = HS_SYS_STR_MAX;
	e[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		e[k++] = '\\';
		e[k++] = 'x';
		e[k++] = digits[s[i] >> 4];
		e[k++] = digits[s[i] & 15];
	}
	e[k++] = '"';
	sys_put(o, e, k);
	if (cut)
		sys_put(o, "...", 3);
}

void sys_put_quoted(struct sys_out *o, const uint8_t *s, size_t n, bool cut)
{
	char e[HS_SYS_STR_MAX * 4 + 4];
	size_t k = 0;

	e[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (k > sizeof(e) - 8) { /* a long path: in pieces */
			sys_put(o, e, k);
			k = 0;
		}

		switch (c) {
		case '"': case '\\':
			e[k++] = '\\';
			e[k++] = (char)c;
			continue;
		case '\f': e[k++] = '\\'; e[k++] = 'f'; continue;
		case '\n': e[k++] = '\\'; e[k++] = 'n'; continue;
		case '\r': e[k++] = '\\'; e[k++] = 'r'; continue;
		case '\t': e[k++] = '\\'; e[k++] = 't'; continue;
		case '\v': e[k++] = '\\'; e[k++] = 'v'; continue;
		default:
			break;
		}
		if (c >= ' ' && c < 0x7f) {
			e[k++] = (char)c;
			continue;
		}
		/* octal, three digits when an octal digit follows (as strace) */
		e[k++] = '\\';
		if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
			e[k++] = (char)('0' + (c >> 6));
			e[k++] = (char)('0' + ((c >> 3) & 7));
		} else {
			if (c >> 6)
				e[k++] = (char)('0' + (c >> 6));
			if (c >> 3)
				e[k++] = (char)('0' + ((c >> 3) & 7));
		}
		e[k++] = (char)('0' + (c & 7));
	}
	e[k++] = '"';
	sys_put(o, e, k);
	if (cut)
		sys_put(o, "...", 3);
}

/* Numbers without printf: most arguments are one (the hot path of a
 * first read of `syscalls`). */
void sys_put_u64(struct sys_out *o, uint64_t v)
{
	char tmp[20];
	size_t n = sizeof(tmp);

	if (v < 10 && o->len + 1 < o->cap) { /* fds, small counts: most */
		o->buf[o->len++] = (char)('0' + v);
		o->buf[o->len] = 0;
		return;
	}
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sys_put(o, tmp + n, sizeof(tmp) - n);
}

void sys_put_i64(struct sys_out *o, int64_t v)
{
	if (v < 0) {
		sys_put(o, "-", 1);
		sys_put_u64(o, 0 - (uint64_t)v);
	} else {
		sys_put_u64(o, (uint64_t)v);
	}
}

/* "%#lx": 0 prints 0 */
void sys_put_x64(struct sys_out *o, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[18];
	size_t n = sizeof(tmp);

	if (!v) {
		sys_put(o, "0", 1);
		return;
	}
	while (v) {
		tmp[--n] = digits[v & 15];
		v >>= 4;
	}
	tmp[--n] = 'x';
	tmp[--n] = '0';
	sys_put(o, tmp + n, sizeof(tmp) - n);
}

void sys_put_ptr(struct sys_out *o, uint64_t v)
{
	if (v)
		sys_put_x64(o, v);
	else
		sys_put(o, "NULL", 4);
}

/* The input memory of argument i when all of need bytes are known. */
const uint8_t *sys_in_mem(const struct sys_call *c, int i, size_t need)
{
	return c->in[i].n >= 0 && (size_t)c->in[i].n >= need && c->in[i].b ? c->in[i].b : NULL;
}

/* The output memory of argument i, when the call returned successfully. */
const uint8_t *sys_out_mem(const struct sys_call *c, int i, size_t need)
{
	if (c->when != SYS_RETURNED || c->failed)
		return NULL;
	return c->out[i].n >= 0 && (size_t)c->out[i].n >= need && c->out[i].b ? c->out[i].b : NULL;
}

void sys_put_octal(struct sys_out *o, uint64_t v)
{
	sys_putf(o, "%#03" PRIo64, v);
}
