#!/bin/bash
# ev_siginfo_strace.sh - `syscalls` of gdbs_siginfo reads as `strace -f -a0
# -o` of a native run for the calls that carry a siginfo: waitid (an
# exited, a killed and a stopped child, WNOHANG with nothing to report
# ("{}"), with and without rusage), rt_sigqueueinfo, rt_tgsigqueueinfo
# and rt_sigtimedwait (its result names the signal), the main thread's
# calls between the two getppid markers, pids, addresses and times masked.
# Left out: clone (clone3 natively, see ev_strace.sh) and rt_sigreturn
# (Valgrind delivers the signal a process queues to itself at its next
# syscall, natively it comes at rt_sigqueueinfo's return).
. "$(dirname "$0")/lib.sh"
require_built gdbs_siginfo
command -v strace >/dev/null || fail "strace is not installed"
P=$PROGS/gdbs_siginfo

record_ok "$T/tr" "$P"
"$HS" build "$T/tr" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
"$HS" cat "$T/tr" syscalls >"$T/syscalls" 2>"$T/cat.err" || fail "cat syscalls: $(cat "$T/cat.err")"
timeout -k 10 "$STEP_TIMEOUT" strace -f -a0 -o "$T/strace" "$P" \
	</dev/null >"$T/native.out" 2>"$T/native.err" || fail "strace: $(tail -n 2 "$T/native.err")"

# norm: "<id> <line>" in, the first id's lines between the getppid
# markers out, strace's unfinished/resumed halves joined, masked
norm()
{
	awk '
	{ id = $1; line = $0; sub(/^ *[^ ]+ +/, "", line) }
	NR == 1 { main = id }
	id != main || line ~ /^(---|\+\+\+) / { next }
	line ~ / <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, "", line); part = line; next }
	line ~ /^<\.\.\. [a-z_0-9]+ resumed>/ { sub(/^<\.\.\. [a-z_0-9]+ resumed>/, "", line); line = part line }
	line ~ /^getppid\(\)/ { on++; next }
	on != 1 || line ~ /^(clone|clone3|rt_sigreturn)\(/ { next }
	{ print line }' "$1" |
		sed -E 's/0x[0-9a-f]+/ADDR/g; s/(tv_usec|si_utime|si_stime)=[0-9]+/\1=N/g' >"$2"
	# pids: si_pid's, and every number >= 100 not after a "=" (si_int
	# keeps its value)
	sed -E -i 's/(si_pid=)[0-9]+/\1PID/g; s/(^|[^=0-9])[0-9]{3,}\b/\1PID/g' "$2"
}
norm "$T/strace" "$T/want"
cut -d' ' -f2- "$T/syscalls" | norm /dev/stdin "$T/got"
for c in waitid rt_sigqueueinfo rt_tgsigqueueinfo rt_sigtimedwait; do
	grep -q "^$c(" "$T/want" || fail "strace shows no $c: $(head -c 400 "$T/want")"
done
grep -q '^waitid(P_ALL, 0, {}, WNOHANG|WEXITED, NULL) = 0$' "$T/want" && grep -q 'si_int=4660, si_ptr=ADDR}) = 0$' "$T/want" ||
	fail "strace's lines are not as expected: $(tr '\n' ' ' <"$T/want" | head -c 600)"
cmp -s "$T/want" "$T/got" || fail "syscalls differ from strace: $(diff "$T/want" "$T/got" | head -n 8 | tr '\n' ' ')"
pass
