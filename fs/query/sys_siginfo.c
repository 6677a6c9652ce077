/* sys_siginfo.c - a siginfo_t as strace prints it.
 *
 *   {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8}
 *   {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=1234, si_uid=0, si_int=42, si_ptr=0x2a}
 *   {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=1235, si_uid=0, si_status=3, si_utime=0, si_stime=0}
 *
 * Which fields follow si_code is strace 6's choice (its printsiginfo.c):
 * by si_code for a signal a process sent (si_code <= 0), else by the
 * signal.  The layout is the kernel's x86-64 siginfo_t (128 bytes, the
 * SIGNAL record's trailer in trace_format.h):
 *   0 si_signo, 4 si_errno, 8 si_code, 16 the union:
 *   kill, rt: pid 16, uid 20, value 24 (si_int, si_ptr)
 *   timer:    timerid 16, overrun 20, value 24
 *   chld:     pid 16, uid 20, status 24, utime 32, stime 40
 *   fault:    addr 16, addr_lsb 24 (u16), lower 32 / pkey 32, upper 40
 *   poll:     band 16 (long), fd 24
 *   sys:      call_addr 16, syscall 24, arch 28
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>

#include "hindsight/db.h"
#include "sys_i.h"

/* The si_code names strace knows, by signal (its xlat/sig*_codes.in as
 * x86-64 builds them), index = si_code. */
static const char *const segv_codes[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR",
	"SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR",
	"SEGV_MTEAERR", "SEGV_MTESERR", "SEGV_CPERR" };
static const char *const bus_codes[] = { NULL, "BUS_ADRALN", "BUS_ADRERR",
	"BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO" };
static const char *const ill_codes[] = { NULL, "ILL_ILLOPC", "ILL_ILLOPN",
	"ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC",
	"ILL_BADSTK", "ILL_BADIADDR", "__ILL_BREAK", "__ILL_BNDMOD" };
static const char *const fpe_codes[] = { NULL, "FPE_INTDIV", "FPE_INTOVF",
	"FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV",
	"FPE_FLTSUB", "__FPE_DECOVF", "__FPE_DECDIV", "__FPE_DECERR", "__FPE_INVASC",
	"__FPE_INVDEC", "FPE_FLTUNK", "FPE_CONDTRAP" };
static const char *const trap_codes[] = { NULL, "TRAP_BRKPT", "TRAP_TRACE",
	"TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF" };
static const char *const chld_codes[] = { NULL, "CLD_EXITED", "CLD_KILLED",
	"CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
static const char *const poll_codes[] = { NULL, "POLL_IN", "POLL_OUT", "POLL_MSG",
	"POLL_ERR", "POLL_PRI", "POLL_HUP" };
static const char *const prof_codes[] = { NULL, "PROF_SIG" };
static const char *const sys_codes[] = { NULL, "SYS_SECCOMP", "SYS_USER_DISPATCH" };

#define NAMES(t) (t), (sizeof(t) / sizeof((t)[0]))

static const char *name_in(const char *const *t, size_t n, int32_t code)
{
	return code > 0 && (size_t)code < n ? t[code] : NULL;
}

/* Any signal: who sent it (asm-generic/siginfo.h's SI_*). */
static const char *generic_code_name(int32_t code)
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
	case -7: return "SI_DETHREAD";
	case -60: return "SI_ASYNCNL";
	default: return NULL;
	}
}

const char *sys_si_code_name(int32_t signo, int32_t code)
{
	const char *s = generic_code_name(code);

	if (s)
		return s;
	switch (signo) {
	case SIGSEGV: return name_in(NAMES(segv_codes), code);
	case SIGBUS: return name_in(NAMES(bus_codes), code);
	case SIGILL: return name_in(NAMES(ill_codes), code);
	case SIGFPE: return name_in(NAMES(fpe_codes), code);
	case SIGTRAP: return name_in(NAMES(trap_codes), code);
	case SIGCHLD: return name_in(NAMES(chld_codes), code);
	case SIGIO: return name_in(NAMES(poll_codes), code);
	case SIGPROF: return name_in(NAMES(prof_codes), code);
	case SIGSYS: return name_in(NAMES(sys_codes), code);
	default: return NULL;
	}
}

const char *sys_signame_or_number(int signo, char *tmp, size_t cap)
{
	if (sys_signame(signo, tmp, cap))
		return tmp;
	snprintf(tmp, cap, "%d", signo); /* strace's signame() */
	return tmp;
}

/* The bytes of p a field may be read from: known of them (a record that
 * kept only some fields prints only those); absent ones are left out. */
struct si {
	const uint8_t *p;
	size_t known;
};

static bool has(const struct si *s, size_t off, size_t size)
{
	return off + size <= s->known;
}

static int32_t si_i32(const struct si *s, size_t off)
{
	return has(s, off, 4) ? (int32_t)sys_le32(s->p + off) : 0;
}

static uint64_t si_u64(const struct si *s, size_t off)
{
	return has(s, off, 8) ? sys_le64(s->p + off) : 0;
}

/* si_pid, si_uid: strace's printsigsource */
static void put_source(struct sys_out *o, const struct si *s)
{
	uint32_t uid = (uint32_t)si_i32(s, 20);

	if (has(s, 16, 4))
		sys_putf(o, ", si_pid=%" PRId32, si_i32(s, 16));
	if (!has(s, 20, 4))
		return;
	if (uid == UINT32_MAX)
		sys_puts(o, ", si_uid=-1");
	else
		sys_putf(o, ", si_uid=%" PRIu32, uid);
}

/* si_int, si_ptr: strace's printsigval */
static void put_value(struct sys_out *o, const struct si *s)
{
	if (!has(s, 24, 8))
		return;
	sys_putf(o, ", si_int=%" PRId32 ", si_ptr=", si_i32(s, 24));
	sys_put_ptr(o, si_u64(s, 24));
}

static void put_ptr_field(struct sys_out *o, const struct si *s, const char *name, size_t off)
{
	if (!has(s, off, 8))
		return;
	sys_putf(o, ", %s=", name);
	sys_put_ptr(o, si_u64(s, off));
}

static void put_band_fd(struct sys_out *o, const struct si *s)
{
	if (has(s, 16, 8))
		sys_putf(o, ", si_band=%" PRId64, (int64_t)si_u64(s, 16));
	if (has(s, 24, 4))
		sys_putf(o, ", si_fd=%" PRId32, si_i32(s, 24));
}

/* si_code <= 0: a process sent it */
static void put_sent(struct sys_out *o, const struct si *s, int32_t code)
{
	switch (code) {
	case SI_USER:
	case SI_TKILL:
		put_source(o, s);
		break;
	case SI_TIMER:
		if (has(s, 16, 4))
			sys_putf(o, ", si_timerid=%#" PRIx32, (uint32_t)si_i32(s, 16));
		if (has(s, 20, 4))
			sys_putf(o, ", si_overrun=%" PRId32, si_i32(s, 20));
		put_value(o, s);
		break;
	case SI_SIGIO:
		put_band_fd(o, s);
		break;
	default:
		put_source(o, s);
		if (si_u64(s, 24))
			put_value(o, s);
		break;
	}
}

/* A clock_t in ticks, as strace's print_clock_t: the ticks, then (when
 * not 0) the seconds in a C comment, e.g. 2 and "0.02 s".  The kernel
 * gives USER_HZ ticks, 100 a second on x86-64, whatever the machine
 * reading the recording says. */
static void put_ticks(struct sys_out *o, const char *name, uint64_t v)
{
	sys_putf(o, ", %s=%" PRIu64, name, v);
	if (v)
		sys_putf(o, " /* %" PRIu64 ".%02" PRIu64 " s */", v / 100, v % 100);
}

static void put_chld(struct sys_out *o, const struct si *s, int32_t code)
{
	char tmp[32];

	put_source(o, s);
	if (has(s, 24, 4)) {
		if (code == CLD_EXITED)
			sys_putf(o, ", si_status=%" PRId32, si_i32(s, 24));
		else
			sys_putf(o, ", si_status=%s", sys_signame_or_number(si_i32(s, 24), tmp, sizeof(tmp)));
	}
	if (has(s, 32, 16)) {
		put_ticks(o, "si_utime", si_u64(s, 32));
		put_ticks(o, "si_stime", si_u64(s, 40));
	}
}

static void put_sys(struct sys_out *o, const struct si *s)
{
	const char *name;
	uint32_t nr;

	put_ptr_field(o, s, "si_call_addr", 16);
	if (!has(s, 24, 8))
		return;
	nr = (uint32_t)si_i32(s, 24);
	name = sys_le32(s->p + 28) == 0xc000003eu ? hs_db_syscall_name(nr) : NULL;
	if (name)
		sys_putf(o, ", si_syscall=__NR_%s", name);
	else
		sys_putf(o, ", si_syscall=%" PRIu32, nr);
	if (sys_le32(s->p + 28) == 0xc000003eu)
		sys_puts(o, ", si_arch=AUDIT_ARCH_X86_64");
	else
		sys_putf(o, ", si_arch=%#" PRIx32 " /* AUDIT_ARCH_??? */", sys_le32(s->p + 28));
}

/* si_code > 0: the kernel raised it; the fields depend on the signal */
static void put_kernel(struct sys_out *o, const struct si *s, int32_t signo, int32_t code)
{
	switch (signo) {
	case SIGCHLD:
		put_chld(o, s, code);
		break;
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		put_ptr_field(o, s, "si_addr", 16);
		break;
	case SIGBUS:
		put_ptr_field(o, s, "si_addr", 16);
		if ((code == BUS_MCEERR_AR || code == BUS_MCEERR_AO) && has(s, 24, 2))
			sys_putf(o, ", si_addr_lsb=%#x", (unsigned)(s->p[24] | s->p[25] << 8));
		break;
	case SIGSEGV:
		put_ptr_field(o, s, "si_addr", 16);
		if (code == SEGV_BNDERR) {
			put_ptr_field(o, s, "si_lower", 32);
			put_ptr_field(o, s, "si_upper", 40);
		} else if (code == SEGV_PKUERR && has(s, 32, 4)) {
			sys_putf(o, ", si_pkey=%" PRIu32, (uint32_t)si_i32(s, 32));
		}
		break;
	case SIGIO:
		if (code == POLL_IN || code == POLL_OUT || code == POLL_MSG)
			put_band_fd(o, s);
		break;
	case SIGSYS:
		put_sys(o, s);
		break;
	default:
		if (si_i32(s, 16) || si_i32(s, 20))
			put_source(o, s);
		if (si_u64(s, 24))
			put_value(o, s);
		break;
	}
}

void sys_put_siginfo(struct sys_out *o, const uint8_t *p, size_t known)
{
	struct si s = { p, known < 128 ? known : 128 };
	int32_t signo = si_i32(&s, 0), err = si_i32(&s, 4), code = si_i32(&s, 8);
	const char *name;
	char tmp[32];

	if (!signo || !has(&s, 8, 4)) {
		sys_puts(o, "{}");
		return;
	}
	sys_putf(o, "{si_signo=%s, si_code=", sys_signame_or_number(signo, tmp, sizeof(tmp)));
	name = sys_si_code_name(signo, code);
	if (name)
		sys_puts(o, name);
	else
		sys_putf(o, "%#" PRIx32, (uint32_t)code);
	if (err) {
		const char *ename, *etext;

		sys_errno((uint64_t)err, &ename, &etext);
		if (ename && err > 0)
			sys_putf(o, ", si_errno=%s", ename);
		else
			sys_putf(o, ", si_errno=%" PRIu32, (uint32_t)err);
	}
	if (code <= 0)
		put_sent(o, &s, code);
	else
		put_kernel(o, &s, signo, code);
	sys_puts(o, "}");
}

/* ---- syscall arguments --------------------------------------------------------
 * rt_sigqueueinfo's and rt_tgsigqueueinfo's siginfo (read at entry),
 * waitid's and rt_sigtimedwait's (written by a successful call: "{}" when
 * waitid with WNOHANG found no child, which zeroes si_signo); otherwise
 * the address, as strace prints an argument it cannot read. */
static bool d_siginfo(const struct sys_call *c, int i, struct sys_out *o, const uint8_t *p)
{
	if (!c->a[i] || !p)
		sys_put_ptr(o, c->a[i]);
	else
		sys_put_siginfo(o, p, 128);
	return true;
}

bool sys_d_siginfo_in(const struct sys_call *c, int i, struct sys_out *o)
{
	return d_siginfo(c, i, o, sys_in_mem(c, i, 128));
}

bool sys_d_siginfo_out(const struct sys_call *c, int i, struct sys_out *o)
{
	return d_siginfo(c, i, o, sys_out_mem(c, i, 128));
}
