/* db_signal.c - how an image ended, and signals as text.
 *
 * The EXIT record (or, for an image that execve replaced, the EXEC
 * record) is the last of the stream, at t_end; from format version 5 it
 * carries the fatal signal's si_code and si_addr or sender, and every
 * SIGNAL record its own; from version 6 both the kernel's whole siginfo
 * (trace_format.h, HS_SIG_*).  A signal prints as strace prints it
 * between "--- " and " ---" (sys_siginfo.c has the rules):
 *
 *   SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8}
 *   SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=4242, si_uid=0}
 *   SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=4242}   format 5
 *   SIGUSR1                       a recording without siginfo (format < 5)
 *
 * then our own words: " altstack" (delivered on the alternate stack),
 * " fatal" (its default action killed the process).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "query_i.h"
#include "sys_i.h"

/* The signals the kernel raises for an instruction: HS_SIG_INFO's
 * si_value is then si_addr (trace_format.h). */
static bool fault_signal(int32_t signo)
{
	return signo == SIGSEGV || signo == SIGBUS || signo == SIGFPE ||
	       signo == SIGILL || signo == SIGTRAP;
}

int hs_db_signal_text(int32_t signo, uint32_t flags, int32_t sig_code,
		      uint64_t sig_value, const uint8_t *siginfo, char *buf, size_t cap)
{
	struct sys_out o = { buf, cap, 0 };
	uint8_t part[HS_SIGINFO_SIZE];
	char tmp[32];

	if (cap)
		buf[0] = 0;
	sys_puts(&o, sys_signame_or_number(signo, tmp, sizeof(tmp)));
	if (siginfo && (flags & HS_SIG_INFO)) {
		sys_puts(&o, " ");
		sys_put_siginfo(&o, siginfo, HS_SIGINFO_SIZE);
	} else if (flags & HS_SIG_INFO) {
		/* format 5: si_code and one value; the fields they do not
		 * give (si_uid, si_status, ...) are left out */
		bool addr = sig_code > 0 && fault_signal(signo);

		memset(part, 0, sizeof(part));
		hs_put_le32(part, (uint32_t)signo);
		hs_put_le32(part + 8, (uint32_t)sig_code);
		if (addr)
			hs_put_le64(part + 16, sig_value);
		else
			hs_put_le32(part + 16, (uint32_t)sig_value);
		sys_puts(&o, " ");
		sys_put_siginfo(&o, part, addr ? 24 : 20);
	}
	if (flags & HS_SIG_ALTSTACK)
		sys_puts(&o, " altstack");
	if (flags & HS_SIG_FATAL)
		sys_puts(&o, " fatal");
	return (int)o.len;
}

int hs_db_signal_record_text(const uint8_t *p, uint32_t len, char *buf, size_t cap)
{
	uint32_t flags = 0;
	int32_t code = 0;
	uint64_t value = 0;

	if (len < 8)
		return snprintf(buf, cap, "?");
	/* up to format 4: 12 bytes, the third field 0 or "on the altstack" */
	if (len >= 12 && len < HS_SIGNAL_V5_SIZE)
		flags = hs_le32(p + 8) ? HS_SIG_ALTSTACK : 0;
	if (len >= HS_SIGNAL_V5_SIZE) {
		flags = hs_le32(p + 8);
		code = (int32_t)hs_le32(p + 12);
		value = hs_le64(p + 16);
	}
	return hs_db_signal_text((int32_t)hs_le32(p + 4), flags, code, value,
				 len >= HS_SIGNAL_V6_SIZE ? p + HS_SIGNAL_V5_SIZE : NULL,
				 buf, cap);
}

struct exit_scan {
	struct hs_db_exit *out;
	bool found;
};

static void exec_trailer(const struct hs_db_event *ev, struct hs_db_exit *e)
{
	const uint8_t *p = ev->payload, *tr;

	/* path, NUL, trailer (trace_format.h, version 5) */
	if (ev->len < 4 + 1 + HS_EXEC_TRAILER_SIZE)
		return;
	tr = p + ev->len - HS_EXEC_TRAILER_SIZE;
	if (hs_le32(tr + 16) != HS_EXEC_TRAILER_MAGIC || tr[-1] != 0)
		return;
	e->threads = hs_le32(tr);
	e->t = hs_le64(tr + 8);
}

static int exit_event(void *ctx, const struct hs_db_event *ev)
{
	struct exit_scan *s = ctx;
	struct hs_db_exit *e = s->out;
	const uint8_t *p = ev->payload;

	memset(e, 0, sizeof(*e));
	s->found = false;
	if (ev->tag == HS_EV_EXEC && ev->len >= 4) {
		e->kind = HS_EXIT_EXEC;
		e->t = ev->t;
		exec_trailer(ev, e);
		s->found = true;
	} else if (ev->tag == HS_EV_EXIT && ev->len >= 24) {
		e->kind = hs_le32(p);
		e->value = (int32_t)hs_le32(p + 4);
		e->t = hs_le64(p + 8);
		e->threads = hs_le32(p + 16);
		if (ev->len >= HS_EXIT_V5_SIZE) {
			e->sig_tid = hs_le32(p + 24);
			e->sig_flags = hs_le32(p + 28);
			e->sig_code = (int32_t)hs_le32(p + 32);
			e->sig_value = hs_le64(p + 40);
		}
		if (ev->len >= HS_EXIT_V6_SIZE) {
			memcpy(e->siginfo, p + HS_EXIT_V5_SIZE, HS_SIGINFO_SIZE);
			e->has_siginfo = true;
		}
		s->found = true;
	}
	return 0;
}

int hs_db_exit(const struct hs_db_image *img, struct hs_db_exit *out)
{
	struct exit_scan s = { out, false };
	int err;

	memset(out, 0, sizeof(*out));
	err = hs_db_events(img, img->t_end, img->t_end,
			   HS_DB_KIND_BIT(HS_EV_EXIT) | HS_DB_KIND_BIT(HS_EV_EXEC),
			   exit_event, &s);
	if (err)
		return err;
	return s.found ? 0 : -ENOENT;
}

bool hs_db_crashed(const struct hs_db_image *img)
{
	struct hs_db_exit e;

	return hs_db_exit(img, &e) == 0 && e.kind == HS_EXIT_SIGNAL;
}

/* ---- the siginfo of a signal at a moment ------------------------------------- */

struct sig_find {
	uint32_t tid;
	bool found;
	uint8_t *out;
};

static int on_signal(void *ctx, const struct hs_db_event *ev)
{
	struct sig_find *f = ctx;

	if (ev->len < HS_SIGNAL_V6_SIZE || hs_le32(ev->payload) != f->tid)
		return 0;
	memcpy(f->out, ev->payload + HS_SIGNAL_V5_SIZE, HS_SIGINFO_SIZE);
	f->found = true;
	return 1;
}

int hs_db_signal_siginfo(const struct hs_db_image *img, uint64_t t, uint32_t tid, uint8_t *out)
{
	struct sig_find f = { .tid = tid, .out = out };
	int err = hs_db_events(img, t, t, HS_DB_KIND_BIT(HS_EV_SIGNAL), on_signal, &f);

	if (err < 0)
		return err;
	return f.found ? 0 : -ENOENT;
}
