/* db_signal.c - how an image ended, and signals as text.
 *
 * The EXIT record (or, for an image that execve replaced, the EXEC
 * record) is the last of the stream, at t_end; from format version 5 it
 * carries the fatal signal's siginfo, and every SIGNAL record its own
 * (trace_format.h, HS_SIG_*).  A signal prints as
 *
 *   SIGSEGV addr=0x8 SEGV_MAPERR      raised by the kernel for an instruction
 *   SIGTERM SI_USER pid=4242          sent by kill()
 *   SIGABRT SI_TKILL pid=4240         sent by tgkill() (abort, raise)
 *   SIGUSR1                           a recording without siginfo (format < 5)
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "query_i.h"

/* The kernel's sig_code names (asm-generic/siginfo.h), by signal. */
static const char *const segv_codes[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR",
	"SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR",
	"SEGV_MTEAERR", "SEGV_MTESERR" };
static const char *const bus_codes[] = { NULL, "BUS_ADRALN", "BUS_ADRERR",
	"BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO" };
static const char *const ill_codes[] = { NULL, "ILL_ILLOPC", "ILL_ILLOPN",
	"ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC",
	"ILL_BADSTK", "ILL_BADIADDR" };
static const char *const fpe_codes[] = { NULL, "FPE_INTDIV", "FPE_INTOVF",
	"FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV",
	"FPE_FLTSUB", "FPE_FLTUNK", "FPE_CONDTRAP" };
static const char *const trap_codes[] = { NULL, "TRAP_BRKPT", "TRAP_TRACE",
	"TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF" };

#define CODE_NAME(tab, c) ((c) > 0 && (size_t)(c) < DB_ARRAY_SIZE(tab) ? (tab)[c] : NULL)

static const char *fault_code_name(int32_t signo, int32_t code)
{
	switch (signo) {
	case SIGSEGV: return CODE_NAME(segv_codes, code);
	case SIGBUS: return CODE_NAME(bus_codes, code);
	case SIGILL: return CODE_NAME(ill_codes, code);
	case SIGFPE: return CODE_NAME(fpe_codes, code);
	case SIGTRAP: return CODE_NAME(trap_codes, code);
	default: return NULL;
	}
}

/* sig_code <= 0 (and SI_KERNEL): who sent it. */
static const char *sender_code_name(int32_t code)
{
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -2: return "SI_TIMER";
	case -3: return "SI_MESGQ";
	case -4: return "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case -6: return "SI_TKILL";
	default: return NULL;
	}
}

static bool is_fault(int32_t signo, int32_t code)
{
	return code > 0 && fault_code_name(signo, code) != NULL;
}

int hs_db_signal_text(int32_t signo, uint32_t flags, int32_t sig_code,
		      uint64_t sig_value, char *buf, size_t cap)
{
	const char *abbrev = signo > 0 && signo < 65 ? sigabbrev_np(signo) : NULL;
	const char *code;
	size_t len;
	int n;

	if (abbrev)
		n = snprintf(buf, cap, "SIG%s", abbrev);
	else
		n = snprintf(buf, cap, "signo=%" PRId32, signo);
	len = n > 0 ? (size_t)n : 0;
#define ADD(...) do { \
		n = snprintf(len < cap ? buf + len : NULL, len < cap ? cap - len : 0, __VA_ARGS__); \
		len += n > 0 ? (size_t)n : 0; \
	} while (0)
	if (flags & HS_SIG_INFO) {
		if (is_fault(signo, sig_code)) {
			ADD(" addr=0x%" PRIx64 " %s", sig_value, fault_code_name(signo, sig_code));
		} else if ((code = sender_code_name(sig_code))) {
			ADD(" %s", code);
			if (sig_code <= 0)
				ADD(" pid=%" PRIu64, sig_value);
		} else {
			ADD(" code=%" PRId32, sig_code);
		}
	}
	if (flags & HS_SIG_ALTSTACK)
		ADD(" altstack");
	if (flags & HS_SIG_FATAL)
		ADD(" fatal");
#undef ADD
	return (int)len;
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
	if (db_le32(tr + 16) != HS_EXEC_TRAILER_MAGIC || tr[-1] != 0)
		return;
	e->threads = db_le32(tr);
	e->t = db_le64(tr + 8);
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
		e->kind = db_le32(p);
		e->value = (int32_t)db_le32(p + 4);
		e->t = db_le64(p + 8);
		e->threads = db_le32(p + 16);
		if (ev->len >= HS_EXIT_V5_SIZE) {
			e->sig_tid = db_le32(p + 24);
			e->sig_flags = db_le32(p + 28);
			e->sig_code = (int32_t)db_le32(p + 32);
			e->sig_value = db_le64(p + 40);
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
