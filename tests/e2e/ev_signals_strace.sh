#!/bin/bash
# ev_signals_strace.sh - the signal lines of `events` read as strace prints signals: for each program the details of every signal event (less our own words " altstack" and " fatal") equal, in order, the text between "--- " and " ---" of `strace -f -o` on a native run, for the process itself.  Programs: sig_strace (SIGUSR1 by raise, kill, sigqueue with an int and a pointer, a realtime signal, SIGCHLD from a child's exit and from a child killed, SIGALRM from alarm, setitimer and a POSIX timer, SIGPIPE, a SIGSEGV at 0x8 handled on the alternate stack), signal and sighandler (SIGUSR1 by raise, a SIGSEGV left by siglongjmp), and crashes: crash_null (SIGSEGV at 0x8), crash_fpe, crash_ill, crash_bus, crash_rofault, abort, sig_trap (int3).  The "--- ... ---" lines of `syscalls` are the same.  Also: a crash's last signal event ends in " fatal", no other does, and info's exit-siginfo is that event's details.
#
# Masked, with the reason:
#   si_pid  the process's own pid as SELF, any other (a child) as OTHER:
#           pids differ from run to run;
#   addresses of 0x10000 and up  as ADDR plus their offset in the page:
#           Valgrind places the program, libraries and mappings elsewhere
#           (si_addr of a fault at a fixed address, like 0x8, is compared
#           whole);
#   si_utime, si_stime  a child's CPU time differs under Valgrind.
. "$(dirname "$0")/lib.sh"
PROGRAMS="sig_strace signal sighandler crash_null crash_fpe crash_ill crash_bus crash_rofault abort sig_trap"
# shellcheck disable=SC2086
require_built $PROGRAMS sig_otherthread
command -v strace >/dev/null || fail "strace is not installed"

# mask PID: stdin's signal details with pids, addresses and times masked
mask()
{
	awk -v self="$1" '{
		l = $0; out = ""
		while (match(l, /si_pid=[0-9]+/)) {
			v = substr(l, RSTART + 7, RLENGTH - 7)
			out = out substr(l, 1, RSTART - 1) "si_pid=" (v == self ? "SELF" : "OTHER")
			l = substr(l, RSTART + RLENGTH)
		}
		l = out l; out = ""
		while (match(l, /0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+/)) {
			v = substr(l, RSTART, RLENGTH)
			out = out substr(l, 1, RSTART - 1) "ADDR+" substr(v, RLENGTH - 2)
			l = substr(l, RSTART + RLENGTH)
		}
		l = out l
		gsub(/si_utime=[0-9]+( \/\* [0-9.]+ s \*\/)?/, "si_utime=TICKS", l)
		gsub(/si_stime=[0-9]+( \/\* [0-9.]+ s \*\/)?/, "si_stime=TICKS", l)
		print l
	}'
}

total=0
for p in $PROGRAMS; do
	native "$T/$p.native" "$PROGS/$p"
	rc=$(cat "$T/$p.native.rc")
	timeout -k 10 "$STEP_TIMEOUT" strace -f -o "$T/$p.strace" "$PROGS/$p" \
		</dev/null >"$T/$p.strace.out" 2>"$T/$p.strace.err"
	[ -s "$T/$p.strace" ] || fail "$p: strace wrote nothing: $(tail -n 2 "$T/$p.strace.err")"
	WANT_RC=$rc record_ok "$T/$p" "$PROGS/$p"
	"$HS" build "$T/$p" >/dev/null 2>"$T/$p.build.err" || fail "$p: build: $(tail -n 2 "$T/$p.build.err")"
	"$HS" cat "$T/$p" events >"$T/$p.events" 2>"$T/$p.cat.err" || fail "$p: cat events: $(cat "$T/$p.cat.err")"

	# strace: the first pid's "--- ... ---" lines
	spid=$(head -n 1 "$T/$p.strace" | awk '{ print $1 }')
	awk -v pid="$spid" '$1 == pid && $2 == "---" && $NF == "---" {
		sub(/^[0-9]+ +--- /, ""); sub(/ ---$/, ""); print }' "$T/$p.strace" | mask "$spid" >"$T/$p.want"
	# events: "<t> <tid> signal DETAILS [altstack] [fatal]"
	self=$(info_get "$T/$p" process | sed 's/\..*//')
	[ -n "$self" ] || fail "$p: info names no process"
	awk '$3 == "signal" { sub(/^[0-9]+ [0-9]+ signal /, ""); print }' "$T/$p.events" >"$T/$p.sig"
	sed -e 's/ fatal$//' -e 's/ altstack$//' "$T/$p.sig" | mask "$self" >"$T/$p.got"
	[ -s "$T/$p.want" ] || fail "$p: strace shows no signal: $(tail -n 3 "$T/$p.strace" | tr '\n' '|')"
	same_file "$p: signal events and strace's --- lines" "$T/$p.want" "$T/$p.got"
	# syscalls prints them as strace does, between the calls
	"$HS" cat "$T/$p" syscalls 2>"$T/$p.cat.err" | awk '$3 == "---" && $NF == "---" {
		sub(/^[0-9]+ [0-9]+ --- /, ""); sub(/ ---$/, ""); print }' | mask "$self" >"$T/$p.sc"
	same_file "$p: the --- lines of syscalls and of strace" "$T/$p.want" "$T/$p.sc"

	# " fatal": the last signal of a program a signal killed, and only it
	nfatal=$(grep -c ' fatal$' "$T/$p.sig")
	if [ "$rc" -gt 128 ]; then
		[ "$nfatal" = 1 ] && tail -n 1 "$T/$p.sig" | grep -q ' fatal$' ||
			fail "$p: killed (exit $rc) but the signal events are '$(tr '\n' '|' <"$T/$p.sig")'"
		sig=$(tail -n 1 "$T/$p.sig" | sed 's/ fatal$//')
		[ "$(info_get "$T/$p" exit-siginfo)" = "$sig" ] ||
			fail "$p: info says exit-siginfo: '$(info_get "$T/$p" exit-siginfo)', the event '$sig'"
	else
		[ "$nfatal" = 0 ] || fail "$p: exit $rc, yet a fatal signal event: $(grep ' fatal$' "$T/$p.sig")"
	fi
	n=$(wc -l <"$T/$p.want")
	note "$p: $n signals, e.g. $(head -n 1 "$T/$p.sig")"
	total=$((total + n))
done

# the forms this test exists for were there to compare
for k in 'si_code=SI_TKILL, si_pid=SELF, si_uid=' 'si_code=SI_USER, si_pid=SELF' \
	'si_code=SI_QUEUE, si_pid=SELF, si_uid=0, si_int=42, si_ptr=0x2a}' \
	'si_int=878082192, si_ptr=ADDR+890}' 'SIGRT_3 {si_signo=SIGRT_3, si_code=SI_QUEUE' \
	'si_code=CLD_EXITED, si_pid=OTHER, si_uid=0, si_status=3, si_utime=TICKS, si_stime=TICKS}' \
	'si_code=CLD_KILLED, si_pid=OTHER, si_uid=0, si_status=SIGTERM,' \
	'SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL}' \
	'si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=7, si_ptr=0x7}' \
	'SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=SELF'; do
	grep -qF -- "$k" "$T/sig_strace.want" || fail "strace of sig_strace has no signal with: $k"
done
grep -qxF 'SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8}' "$T/crash_null.want" ||
	fail "crash_null: strace says $(cat "$T/crash_null.want")"
grep -qxF 'SIGTRAP {si_signo=SIGTRAP, si_code=SI_KERNEL, si_addr=NULL}' "$T/sig_trap.want" ||
	fail "sig_trap: strace says $(cat "$T/sig_trap.want")"
grep -qxF 'SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8} altstack' "$T/sig_strace.sig" ||
	fail "sig_strace: no SIGSEGV at 0x8 on the alternate stack: $(tail -n 1 "$T/sig_strace.sig")"
# a process-directed signal that main blocks goes to the second thread:
# its signal, frame and return are that thread's events (strace -f files
# them under it), not the thread that happened to run when it came
record_ok "$T/oth" "$PROGS/sig_otherthread"
"$HS" build "$T/oth" >/dev/null 2>"$T/oth.build.err" || fail "sig_otherthread: build: $(tail -n 2 "$T/oth.build.err")"
"$HS" cat "$T/oth" events >"$T/oth.events" || fail "sig_otherthread: cat events"
htid=$(sed -n 's/^handler in tid //p' "$T/oth.out")
[ -n "$htid" ] || fail "sig_otherthread printed no handler tid: $(cat "$T/oth.out")"
got=$(awk '/ signal SIGUSR1 | source=signal$| sigreturn SIGUSR1$/ { print $2 }' "$T/oth.events" | sort -u | tr '\n' ' ')
[ "$got" = "$htid " ] ||
	fail "sig_otherthread: SIGUSR1's events are filed under tid(s) $got, the handler ran in $htid"
pass "$total signals as strace prints them; a process-directed signal under the thread that took it"
