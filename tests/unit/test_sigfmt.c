/* test_sigfmt.c - signals as events print them (fs/query/sys_siginfo.c,
 * db_signal.c): the SIGNAL record of each format version, and the
 * kernel's siginfo as strace 6 prints it between "--- " and " ---".  The
 * expected lines are what strace 6.1 printed for the same siginfo
 * (rt_sigqueueinfo to oneself, faults, children) on x86-64. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hindsight/db.h"
#include "hindsight/trace_format.h"

static char line[512];

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le64(uint8_t *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

/* A format-6 SIGNAL record: tid 1, signo, flags, and the siginfo si. */
static uint8_t rec[HS_SIGNAL_V6_SIZE];

static uint8_t *si_begin(int signo, int code)
{
	memset(rec, 0, sizeof(rec));
	le32(rec, 1);
	le32(rec + 4, (uint32_t)signo);
	le32(rec + 8, HS_SIG_INFO);
	le32(rec + 12, (uint32_t)code);
	le32(rec + 24, (uint32_t)signo);
	le32(rec + 24 + 8, (uint32_t)code);
	return rec + 24;
}

static const char *text(uint32_t len)
{
	hs_db_signal_record_text(rec, len, line, sizeof(line));
	return line;
}

/* si_pid, si_uid */
static void source(uint8_t *si, int32_t pid, uint32_t uid)
{
	le32(si + 16, (uint32_t)pid);
	le32(si + 20, uid);
}

static void test_sent_by_a_process(void **state)
{
	uint8_t *si;

	(void)state;
	si = si_begin(SIGUSR1, SI_TKILL);
	source(si, 1234, 0);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=1234, si_uid=0}");
	si = si_begin(SIGPIPE, SI_USER);
	source(si, 1234, 1000);
	assert_string_equal(text(sizeof(rec)),
			    "SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=1234, si_uid=1000}");
	/* sigqueue: the value only when it is not 0 */
	si = si_begin(SIGUSR1, SI_QUEUE);
	source(si, 1234, 0);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=1234, si_uid=0}");
	le64(si + 24, 0x1234567890);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=1234, si_uid=0, "
			    "si_int=878082192, si_ptr=0x1234567890}");
	si = si_begin(SIGRTMIN + 1, SI_QUEUE);
	source(si, 1234, 0);
	le64(si + 24, 0xfffffffb);
	assert_string_equal(text(sizeof(rec)),
			    "SIGRT_3 {si_signo=SIGRT_3, si_code=SI_QUEUE, si_pid=1234, si_uid=0, "
			    "si_int=-5, si_ptr=0xfffffffb}");
	/* (uid_t)-1, si_errno, the other SI_ codes */
	si = si_begin(SIGUSR1, SI_QUEUE);
	source(si, 12, UINT32_MAX);
	le32(si + 4, 1);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_QUEUE, si_errno=EPERM, si_pid=12, si_uid=-1}");
	si_begin(SIGUSR1, -60);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_ASYNCNL, si_pid=0, si_uid=0}");
	si_begin(SIGUSR1, SI_SIGIO);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_SIGIO, si_band=0, si_fd=0}");
	si = si_begin(SIGUSR1, SI_MESGQ);
	le64(si + 24, 5);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=SI_MESGQ, si_pid=0, si_uid=0, si_int=5, si_ptr=0x5}");
	/* a fault signal sent by a process has no address */
	si = si_begin(SIGSEGV, SI_QUEUE);
	source(si, 12, 7);
	assert_string_equal(text(sizeof(rec)),
			    "SIGSEGV {si_signo=SIGSEGV, si_code=SI_QUEUE, si_pid=12, si_uid=7}");
}

static void test_timers_and_children(void **state)
{
	uint8_t *si;

	(void)state;
	si_begin(SIGALRM, SI_KERNEL);
	assert_string_equal(text(sizeof(rec)), "SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL}");
	si = si_begin(SIGALRM, SI_TIMER);
	le64(si + 24, 7);
	assert_string_equal(text(sizeof(rec)),
			    "SIGALRM {si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0, si_overrun=0, "
			    "si_int=7, si_ptr=0x7}");
	le32(si + 16, 0x12);
	le32(si + 20, 3);
	assert_string_equal(text(sizeof(rec)),
			    "SIGALRM {si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0x12, si_overrun=3, "
			    "si_int=7, si_ptr=0x7}");
	si = si_begin(SIGCHLD, CLD_EXITED);
	source(si, 1235, 0);
	le32(si + 24, 3);
	le64(si + 32, 2);
	le64(si + 40, 1);
	assert_string_equal(text(sizeof(rec)),
			    "SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=1235, si_uid=0, "
			    "si_status=3, si_utime=2 /* 0.02 s */, si_stime=1 /* 0.01 s */}");
	si = si_begin(SIGCHLD, CLD_DUMPED);
	source(si, 1236, 0);
	le32(si + 24, SIGSEGV);
	assert_string_equal(text(sizeof(rec)),
			    "SIGCHLD {si_signo=SIGCHLD, si_code=CLD_DUMPED, si_pid=1236, si_uid=0, "
			    "si_status=SIGSEGV, si_utime=0, si_stime=0}");
	le64(si + 32, 1234);
	assert_string_equal(text(sizeof(rec)),
			    "SIGCHLD {si_signo=SIGCHLD, si_code=CLD_DUMPED, si_pid=1236, si_uid=0, "
			    "si_status=SIGSEGV, si_utime=1234 /* 12.34 s */, si_stime=0}");
}

static void test_faults(void **state)
{
	uint8_t *si;

	(void)state;
	si = si_begin(SIGSEGV, SEGV_MAPERR);
	le64(si + 16, 0x8);
	assert_string_equal(text(sizeof(rec)),
			    "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8}");
	le64(si + 16, 0);
	assert_string_equal(text(sizeof(rec)),
			    "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}");
	si = si_begin(SIGSEGV, SEGV_PKUERR);
	le64(si + 16, 0x7f0000001000);
	le32(si + 32, 2);
	assert_string_equal(text(sizeof(rec)),
			    "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_PKUERR, si_addr=0x7f0000001000, si_pkey=2}");
	si = si_begin(SIGSEGV, SEGV_BNDERR);
	le64(si + 16, 0x10);
	le64(si + 32, 0x20);
	le64(si + 40, 0x30);
	assert_string_equal(text(sizeof(rec)),
			    "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_BNDERR, si_addr=0x10, si_lower=0x20, si_upper=0x30}");
	si = si_begin(SIGFPE, FPE_INTDIV);
	le64(si + 16, 0x109147);
	assert_string_equal(text(sizeof(rec)),
			    "SIGFPE {si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=0x109147}");
	si_begin(SIGFPE, 14);
	assert_string_equal(text(sizeof(rec)),
			    "SIGFPE {si_signo=SIGFPE, si_code=FPE_FLTUNK, si_addr=NULL}");
	si = si_begin(SIGBUS, BUS_MCEERR_AR);
	le64(si + 16, 0x5000);
	si[24] = 12;
	assert_string_equal(text(sizeof(rec)),
			    "SIGBUS {si_signo=SIGBUS, si_code=BUS_MCEERR_AR, si_addr=0x5000, si_addr_lsb=0xc}");
	si_begin(SIGTRAP, SI_KERNEL);
	assert_string_equal(text(sizeof(rec)),
			    "SIGTRAP {si_signo=SIGTRAP, si_code=SI_KERNEL, si_addr=NULL}");
	si = si_begin(SIGILL, ILL_ILLOPN);
	le64(si + 16, 0x10914d);
	assert_string_equal(text(sizeof(rec)),
			    "SIGILL {si_signo=SIGILL, si_code=ILL_ILLOPN, si_addr=0x10914d}");
	/* seccomp: the syscall by name, the architecture */
	si = si_begin(SIGSYS, 1);
	le64(si + 16, 0x401234);
	le32(si + 24, 39);
	le32(si + 28, 0xc000003e);
	assert_string_equal(text(sizeof(rec)),
			    "SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x401234, "
			    "si_syscall=__NR_getpid, si_arch=AUDIT_ARCH_X86_64}");
	si = si_begin(SIGIO, POLL_IN);
	le64(si + 16, 1);
	le32(si + 24, 5);
	assert_string_equal(text(sizeof(rec)),
			    "SIGIO {si_signo=SIGIO, si_code=POLL_IN, si_band=1, si_fd=5}");
}

/* What strace has no name for prints as a number. */
static void test_unknown_code_and_signal(void **state)
{
	uint8_t *si;

	(void)state;
	si = si_begin(SIGUSR1, -10);
	source(si, 1234, 0);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR1 {si_signo=SIGUSR1, si_code=0xfffffff6, si_pid=1234, si_uid=0}");
	si = si_begin(SIGSEGV, 99);
	le64(si + 16, 0x10);
	assert_string_equal(text(sizeof(rec)),
			    "SIGSEGV {si_signo=SIGSEGV, si_code=0x63, si_addr=0x10}");
	/* a code > 0 that is no fault's: by the signal, si_pid and si_uid only
	 * when one is set */
	si = si_begin(SIGUSR2, 3);
	assert_string_equal(text(sizeof(rec)), "SIGUSR2 {si_signo=SIGUSR2, si_code=0x3}");
	source(si, 5, 0);
	assert_string_equal(text(sizeof(rec)),
			    "SIGUSR2 {si_signo=SIGUSR2, si_code=0x3, si_pid=5, si_uid=0}");
	si = si_begin(99, SI_USER);
	source(si, 1, 0);
	assert_string_equal(text(sizeof(rec)), "99 {si_signo=99, si_code=SI_USER, si_pid=1, si_uid=0}");
	si_begin(32, SI_QUEUE);
	assert_string_equal(text(sizeof(rec)),
			    "SIGRTMIN {si_signo=SIGRTMIN, si_code=SI_QUEUE, si_pid=0, si_uid=0}");
	si_begin(64, SI_QUEUE);
	assert_string_equal(text(sizeof(rec)),
			    "SIGRT_32 {si_signo=SIGRT_32, si_code=SI_QUEUE, si_pid=0, si_uid=0}");
	/* a siginfo whose si_signo is 0: strace's "{}" */
	si = si_begin(SIGUSR1, SI_USER);
	le32(si, 0);
	assert_string_equal(text(sizeof(rec)), "SIGUSR1 {}");
}

/* Older and shorter records keep what they know. */
static void test_records_without_siginfo(void **state)
{
	uint8_t *si;

	(void)state;
	si = si_begin(SIGTERM, SI_USER);
	source(si, 4242, 0);
	le32(rec + 8, HS_SIG_INFO | HS_SIG_FATAL);
	le64(rec + 16, 4242);
	assert_string_equal(text(sizeof(rec)),
			    "SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=4242, si_uid=0} fatal");
	/* format 5 (24 bytes), or a trailer cut short: si_code and the one
	 * value, no si_uid */
	assert_string_equal(text(HS_SIGNAL_V5_SIZE),
			    "SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=4242} fatal");
	assert_string_equal(text(HS_SIGNAL_V6_SIZE - 1),
			    "SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=4242} fatal");
	si = si_begin(SIGSEGV, SEGV_ACCERR);
	le64(si + 16, 0x7f0000002000);
	le64(rec + 16, 0x7f0000002000);
	assert_string_equal(text(HS_SIGNAL_V5_SIZE),
			    "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x7f0000002000}");
	si = si_begin(SIGCHLD, CLD_EXITED);
	source(si, 77, 0);
	le64(rec + 16, 77);
	assert_string_equal(text(HS_SIGNAL_V5_SIZE),
			    "SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=77}");
	/* no HS_SIG_INFO: the recorder knew nothing, whatever the bytes */
	le32(rec + 8, HS_SIG_ALTSTACK);
	assert_string_equal(text(sizeof(rec)), "SIGCHLD altstack");
	assert_string_equal(text(HS_SIGNAL_V5_SIZE), "SIGCHLD altstack");
	/* format 3 and 4: 12 bytes, the third field "on the altstack" */
	le32(rec + 8, 1);
	assert_string_equal(text(12), "SIGCHLD altstack");
	le32(rec + 8, 0);
	assert_string_equal(text(12), "SIGCHLD");
	/* shorter than any format */
	assert_string_equal(text(8), "SIGCHLD");
	assert_string_equal(text(7), "?");
	assert_string_equal(text(0), "?");
}

/* snprintf-style: cut to the buffer, the length it wanted. */
static void test_cut_to_the_buffer(void **state)
{
	const char *want = "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8} fatal";
	uint8_t *si;
	char small[12];

	(void)state;
	si = si_begin(SIGSEGV, SEGV_MAPERR);
	le64(si + 16, 0x8);
	le32(rec + 8, HS_SIG_INFO | HS_SIG_FATAL);
	memset(small, 'x', sizeof(small));
	assert_int_equal(hs_db_signal_record_text(rec, sizeof(rec), small, sizeof(small)),
			 (int)strlen(want));
	assert_string_equal(small, "SIGSEGV {si");
	assert_int_equal(hs_db_signal_record_text(rec, sizeof(rec), NULL, 0), (int)strlen(want));
	assert_int_equal(hs_db_signal_record_text(rec, sizeof(rec), line, sizeof(line)),
			 (int)strlen(want));
	assert_string_equal(line, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sent_by_a_process),
		cmocka_unit_test(test_timers_and_children),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_unknown_code_and_signal),
		cmocka_unit_test(test_records_without_siginfo),
		cmocka_unit_test(test_cut_to_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
