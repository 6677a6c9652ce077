#!/bin/bash
# ev_tty_strace.sh - the terminal ioctls of sys_tty (TCGETS, TCSETS,
# TCSETSW, TCSETSF with struct termios, TIOCGPGRP/TIOCSPGRP, TIOCGWINSZ,
# and the same on /dev/null: ENOTTY) read in `syscalls` as `strace -a0 -o`
# of a native run prints them, line by line between the getpid and
# getppid markers, pids and addresses masked; in `events` the calls that
# set a termios or the process group print it (the recorder copies it) and
# TCGETS its address (known only at the return).  Both runs have a pseudo-terminal
# as their standard input, from script(1); without script the test passes
# with a note that it was skipped.
. "$(dirname "$0")/lib.sh"
require_built sys_tty
command -v strace >/dev/null || fail "strace is not installed"
command -v script >/dev/null || pass "skipped: script(1) is not installed (no pseudo-terminal)"

# under script -qc: the command's standard input is the pty
timeout -k 10 "$STEP_TIMEOUT" script -qec \
	"'$HS' record -o '$T/tr' -- '$PROGS/sys_tty'" /dev/null </dev/null >"$T/rec.log" 2>&1 ||
	fail "record under script: $(tail -n 3 "$T/rec.log" | tr '\n' ' ')"
"$HS" build "$T/tr" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
"$HS" cat "$T/tr" syscalls >"$T/syscalls" 2>"$T/cat.err" || fail "cat syscalls: $(cat "$T/cat.err")"
"$HS" cat "$T/tr" events >"$T/events" 2>"$T/cat.err" || fail "cat events: $(cat "$T/cat.err")"
timeout -k 10 "$STEP_TIMEOUT" script -qec "strace -a0 -o '$T/strace' '$PROGS/sys_tty'" /dev/null \
	</dev/null >"$T/native.log" 2>&1 || fail "strace under script: $(tail -n 3 "$T/native.log")"

# between the markers; the process group (the session's, a pid) and
# addresses masked
norm()
{
	sed -n '/^getpid()/,/^getppid()/p' |
		sed -E 's/\[[0-9]+\]/[PGRP]/; s/0x[0-9a-f]{6,}/ADDR/g; s/^(get(pp|p)id\(\)) = [0-9]+/\1 = PID/'
}
norm <"$T/strace" >"$T/want"
cut -d' ' -f3- "$T/syscalls" | norm >"$T/got"
grep -q 'TCGETS, {c_iflag=' "$T/want" ||
	fail "strace decoded no TCGETS (is script's standard input a terminal?): $(head -n 5 "$T/want")"
grep -q 'ENOTTY' "$T/want" || fail "strace shows no ENOTTY"
same_file "syscalls between the markers (strace's lines)" "$T/want" "$T/got"

# events: the calls as known at entry, the sets with their struct
grep -E '^ioctl\(0, SNDCTL_TMR_[A-Z]+ or TCSETS' "$T/want" | sed 's/) = .*$/)/' >"$T/want_set"
grep -E ' syscall ioctl\(0, SNDCTL_TMR_[A-Z]+ or TCSETS' "$T/events" | cut -d' ' -f4- >"$T/got_set"
[ "$(wc -l <"$T/want_set")" = 4 ] || fail "strace shows $(wc -l <"$T/want_set") termios sets on the pty, not 4"
same_file "events' termios sets" "$T/want_set" "$T/got_set"
# TIOCSPGRP's process group too (the recorder copies the int)
grep -E '^ioctl\(0, TIOCSPGRP, ' "$T/want" | sed 's/) = .*$/)/' >"$T/want_pg"
grep -E ' syscall ioctl\(0, TIOCSPGRP, ' "$T/events" | cut -d' ' -f4- | sed -E 's/\[[0-9]+\]/[PGRP]/' >"$T/got_pg"
[ -s "$T/want_pg" ] || fail "strace shows no TIOCSPGRP"
same_file "events' TIOCSPGRP" "$T/want_pg" "$T/got_pg"
grep -qE ' syscall ioctl\(0, TCGETS, 0x[0-9a-f]+\)$' "$T/events" ||
	fail "events' TCGETS is not its address: $(grep -m1 'TCGETS' "$T/events")"
pass "$(grep -c '^ioctl(' "$T/want") ioctls as strace prints them, termios sets in events"
