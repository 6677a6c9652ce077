/* cli_confine.c - what `serve` and `mount` give up once their socket or
 * mount is set up: they only read a recording and answer on what they
 * already hold open, so a bug or a hostile request must not be able to
 * run a program, reach another machine or look into another process.
 *
 *   no_new_privs   no set-uid program or file capability ever adds
 *                  privileges (and seccomp may then be set unprivileged);
 *   seccomp        a filter on every thread (TSYNC), answering EPERM to
 *                  execve and execveat (unless allow_exec), ptrace,
 *                  process_vm_readv/writev, connect, and socket() for
 *                  anything but AF_UNIX: no new outbound socket; the
 *                  listening socket and accepted connections still work.
 *
 * Refusals are EPERM, not a kill: a library that tries (a DNS lookup, a
 * helper program) gets an error it already handles.
 */
#include "cli.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

int cli_confine(bool allow_exec, char *said, size_t cap)
{
	static const char *const denied[] = {
		"ptrace", "process_vm_readv", "process_vm_writev", "connect",
	};
	scmp_filter_ctx ctx = NULL;
	int e;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		e = -errno;
		snprintf(said, cap, "confinement failed: no_new_privs: %s", strerror(-e));
		return e;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(said, cap, "confinement failed: seccomp_init");
		return -ENOMEM;
	}
	e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; !e && i < sizeof denied / sizeof denied[0]; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				     seccomp_syscall_resolve_name(denied[i]), 0);
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	if (!e && !allow_exec)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execve), 0);
	if (!e && !allow_exec)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execveat), 0);
	if (!e)
		e = seccomp_load(ctx);
	seccomp_release(ctx);
	if (e) {
		snprintf(said, cap, "confinement failed: seccomp: %s", strerror(-e));
		return e < 0 ? e : -EINVAL;
	}
	snprintf(said, cap, "confined: no_new_privs; seccomp refuses %sptrace, "
		 "process_vm_readv/writev, connect and non-AF_UNIX sockets",
		 allow_exec ? "" : "execve, execveat, ");
	return 0;
}
