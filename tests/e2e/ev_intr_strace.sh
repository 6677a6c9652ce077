#!/bin/bash
# ev_intr_strace.sh - syscalls a signal interrupts read in `syscalls` as in `strace -f -a0 -o` of a native run: the kernel's restart code ("pause() = ? ERESTARTNOHAND (To be restarted if no handler)", ERESTARTSYS for a read and a wait4, ERESTART_RESTARTBLOCK for nanosleep, poll and sleep's clock_nanosleep, with the remainder; epoll_wait's own "-1 EINTR"), the "--- SIGALRM {...} ---" line, rt_sigreturn's result (the rax it restores: "-1 EINTR", 0 after a read that SA_RESTART restarts, 61 after wait4), then the restarted call.  Program: sys9_intr all (pause, nanosleep, read without and with SA_RESTART, select, poll, epoll_wait, wait4 with SA_RESTART, alarm during sleep), the main thread's lines from its first setitimer to exit_group.
#
# Masked or left out, with the reason:
#   addresses (0x and 5+ hex digits)  Valgrind places the stack elsewhere;
#   the time left of an interrupted sleep  it depends on timing;
#   getrandom's bytes  malloc's random seed;
#   the child's pid  it differs from run to run;
#   clone3/rseq  Valgrind refuses them (hidden from `syscalls`), glibc
#           then uses clone;
#   --- SIGCHLD ---  the child's exit, which the program leaves at its
#           default disposition: natively the kernel discards it, and
#           strace sees it only because it traces the process.
. "$(dirname "$0")/lib.sh"
require_built sys9_intr
command -v strace >/dev/null || fail "strace is not installed"

record_ok "$T/tr" "$PROGS/sys9_intr" all
"$HS" build "$T/tr" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
"$HS" cat "$T/tr" syscalls >"$T/syscalls" 2>"$T/cat.err" || fail "cat syscalls: $(cat "$T/cat.err")"
timeout -k 10 "$STEP_TIMEOUT" strace -f -a0 -o "$T/strace" "$PROGS/sys9_intr" all \
	</dev/null >"$T/native.out" 2>"$T/native.err" || fail "strace: $(tail -n 2 "$T/native.err")"
same_file "the program's output" "$T/native.out" "$T/tr.out"

# norm: "<id> <line>" -> the first id's lines from the first setitimer on,
# strace's "<unfinished ...>" / "<... NAME resumed>" halves joined, masked
norm()
{
	awk '
	{ id = $1; line = $0; sub(/^ *[^ ]+ +/, "", line) }
	NR == 1 { main = id }
	id != main { next }
	line ~ /^setitimer\(/ { on = 1 }
	!on || line ~ /^(\+\+\+ |--- SIGCHLD |clone3\(|rseq\()/ { next }
	line ~ / <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, "", line); held = line; next }
	line ~ /^<\.\.\. [a-z_0-9]+ resumed>/ { sub(/^<\.\.\. [a-z_0-9]+ resumed>/, "", line); line = held line }
	line ~ /^clone\(/ { n = split(line, g, " = "); child = g[n] }
	{
		if (child != "")
			gsub("(^|[^0-9])" child "([^0-9]|$)", "CHILD", line)
		gsub(/0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+/, "ADDR", line)
		gsub(/tv_nsec=[0-9]+/, "tv_nsec=N", line)
		gsub(/, \{tv_sec=[0-9]+, tv_nsec=N\}\) = \? ERESTART/, ", {tv_sec=S, tv_nsec=N}) = ? ERESTART", line)
		sub(/^getrandom\("[^"]*"/, "getrandom(BYTES", line)
		print line
	}'
}
norm <"$T/strace" >"$T/want"
cut -d' ' -f2- "$T/syscalls" | norm >"$T/got"
for form in '^pause() = ? ERESTARTNOHAND' '^read(.* = ? ERESTARTSYS' '^clock_nanosleep(.* = ? ERESTART_RESTARTBLOCK' \
	'^poll(.* = ? ERESTART_RESTARTBLOCK' '^epoll_wait(.* = -1 EINTR' '^--- SIGALRM ' \
	'^rt_sigreturn(.* = -1 EINTR' '^rt_sigreturn(.* = 0$' '^rt_sigreturn(.* = 61$'; do
	grep -q "$form" "$T/want" || fail "strace shows no '$form': the program did not do what this test is for"
done
same_file "syscalls and strace -f" "$T/want" "$T/got"
pass "$(grep -c ERESTART "$T/got") interrupted calls, $(grep -c '^--- ' "$T/got") signals, as strace"
