#!/bin/bash
# src_st_step.sh - step-into and next-line against gdb's step and next where calls hop: a function without line info that tail-jumps into one with lines (atexit, at_quick_exit, pthread_atfork, a library's wrapper built without -g), a tail jump between two libc functions with lines (qsort to __qsort_r: gdb stops at the target's first line, no prologue skipped, and lines/ lists it), C++ thunks (non-virtual, virtual, covariant return: gdb never stops in one), a SIGSEGV handler entered during `next` at -O0 and -O2, a signal handler left by a tail call (gcc -O2: `jmp raise@plt` on the signal frame: step goes through the stub into raise, next stops at the stub, which has no line, and the backtrace there is gdb's), a return from __strchrnul into the first instruction of an inlined copy in vfprintf (gdb's step stops at the copy's next instruction), next over calls that longjmp back into the frame stepped (gdb runs to the call's return address), longjmp at -O2 back to setjmp's return where an inlined copy starts (gdb's step from __longjmp sees another frame: no "stepped into inlined function" stop), step into longjmp and siglongjmp (gdb's longjmp master breakpoint at the entry puts its step-resume breakpoint behind the pc: it stops at the entry of the next call, lazy binding or LD_BIND_NOW, or at a signal, or nowhere), pthread_create's _dl_allocate_tls, whose calls into libc's calloc gdb's step stops in (it single-steps through the dynamic linker), returns into code without line info (a signal handler's into a static libc's kill and raise, a callback's into the library without -g that calls it: gdb stops there, and its next step or next runs that function to its return, step entering the callbacks it makes), a return from __cxa_allocate_exception into the middle of an inlined constructor (g++ -O2) and clang's C++ thunks, which have no line rows, a throw caught in main (step and, static, next from the throw line: gdb steps over __cxa_throw and runs to the end), SIGSEGV handlers that never return to the frame that faulted (siglongjmp past it, _exit: gdb's step and next stop at the handler's entry), step from the first instruction of a clang -O2 handler whose only code calls siglongjmp (its frame is open there: no call to step over); prev-line against gdb 13's reverse-next under record full at every step stop (the example, recursive.c, loops_o2.c, st_rnext, st_rnmix, st_rncpp; gcc, clang, -O0, -O2).
#
# Compared: every stop as "function file:line" (file by its base name), in
# libc too: gdb runs natively with glibc's AVX-512 variants off so that it
# picks the string functions Valgrind's CPU gets.  The step chains go from
# `break main` until main returns.  next: gdb's default `handle SIGSEGV
# stop`; its stop as the signal arrives is no moment of the recording (the
# handler's first instruction follows: Hindsight's one stop is gdb's next
# one, README).  gdb's `next` over siglongjmp out of the handler runs the
# program to its end (it does not find the longjmp target's frame), so the
# next chains are compared up to the handler's last line.  raise(): gdb's
# step over the tgkill syscall that signals the thread itself stops on its
# single-step trap at the instruction after the syscall and then reports
# the signal at that same pc: two stops at one pc before the handler runs,
# which the recording has as one moment, the handler's first instruction
# (the oracle already drops the signal's stop; the trap's, in
# __pthread_kill_implementation just before a handler's line, is dropped
# here).  pthread_create: up to the clone system call (Valgrind has no
# clone3, so glibc takes clone there, and the new thread runs another time
# than natively).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
command -v g++ >/dev/null || fail "g++ is not installed"
SRC=$ROOT/tests/programs
B=$T/bin
mkdir -p "$B"
gcc -g -O0 -fno-omit-frame-pointer -o "$B/st_tail" "$SRC/st_tail.c" -pthread &&
	g++ -g -O0 -o "$B/st_thunk" "$SRC/st_thunk.cc" &&
	gcc -O2 -fPIC -c -o "$B/nog.o" "$SRC/st_wrap/nog.c" &&
	gcc -g -O0 -fPIC -c -o "$B/dbg.o" "$SRC/st_wrap/dbg.c" &&
	gcc -shared -o "$B/libst_wrap.so" "$B/dbg.o" "$B/nog.o" &&
	gcc -g -O0 -o "$B/st_wrap" "$SRC/st_wrap/main.c" -L"$B" -lst_wrap -Wl,-rpath,"$B" &&
	gcc -g -O0 -o "$B/st_sigjmp" "$SRC/st_sigjmp.c" &&
	gcc -g -O2 -o "$B/st_sigjmp_o2" "$SRC/st_sigjmp.c" &&
	gcc -g -O2 -o "$B/st_sigtail" "$SRC/st_sigtail.c" &&
	gcc -g -O0 -o "$B/st_longjmp" "$SRC/st_longjmp.c" &&
	gcc -g -O2 -o "$B/st_longjmp_o2" "$SRC/st_longjmp.c" &&
	gcc -g -O2 -o "$B/st_ljinl_o2" "$SRC/st_ljinl.c" &&
	cp "$B/st_longjmp" "$B/st_longjmp_now" &&
	gcc -g -O0 -o "$B/st_jmpend" "$SRC/st_jmpend.c" &&
	gcc -g -O2 -o "$B/st_jmpend_o2" "$SRC/st_jmpend.c" &&
	gcc -g -O0 -o "$B/st_jmprec" "$SRC/st_jmprec.c" &&
	g++ -g -O0 -o "$B/st_throwend" "$SRC/st_throwend.cc" &&
	g++ -g -O0 -static -o "$B/st_throwend_static" "$SRC/st_throwend.cc" &&
	gcc -g -O0 -o "$B/st_sigexit" "$SRC/st_sigexit.c" &&
	gcc -g -O2 -o "$B/st_sigexit_o2" "$SRC/st_sigexit.c" &&
	gcc -g -O0 -o "$B/st_segvexit" "$SRC/st_segvexit.c" &&
	gcc -g -O0 -o "$B/st_dltls" "$SRC/st_dltls.c" -pthread &&
	gcc -g -O0 -static -o "$B/st_sigstatic" "$SRC/st_sigstatic.c" &&
	g++ -g -O2 -o "$B/st_inlthrow" "$SRC/st_inlthrow.cc" ||
	fail "could not compile the test programs"
# clang gives its C++ thunks no line rows
clang_thunk= nprog=21
if command -v clang++ >/dev/null; then
	clang++ -g -gdwarf-4 -O0 -o "$B/st_thunk_clang" "$SRC/st_thunk.cc" ||
		fail "could not compile st_thunk.cc with clang++"
	# a one-line handler, only its call of siglongjmp (no row of its own
	# after its first instruction): step-into from that instruction
	clang -g -O2 -o "$B/st_segvjmp_clang" "$SRC/st_segvjmp.c" ||
		fail "could not compile st_segvjmp.c with clang"
	# a busy loop's line stepped over while SIGALRM's handler (a statement
	# row at its first instruction) runs: gdb passes it silently
	clang -g -O2 -o "$B/st_sigspin_clang" "$SRC/st_sigspin.c" ||
		fail "could not compile st_sigspin.c with clang"
	clang_thunk="st_thunk_clang:step st_segvjmp_clang:step st_sigspin_clang:step"
	clang_thunk="$clang_thunk st_sigspin_clang:next" nprog=24
fi
# st_helper first: a jump to the next instruction is no tail call the
# recording sees (Valgrind follows it inside its block)
objdump -d "$B/libst_wrap.so" | grep -A4 '<st_wrap>:' | grep -q 'jmp.*<st_helper>' ||
	fail "st_wrap does not tail-jump to st_helper (compiler changed?)"
objdump -d "$B/st_sigtail" | grep -A16 '<on_first>:' | grep -q 'jmp.*<raise@plt>' ||
	fail "st_sigtail: on_first does not tail-jump to raise@plt (compiler changed?)"

# gdb (scripts/gdb-step-oracle.py): step or next from `break main` until
# main returns or the program ends; Hindsight: the chain of step-into or
# next-line from time/main in the mounted tree, as many stops at most.
# Both as STOP lines "function file:line".
ORACLE=$ROOT/scripts/gdb-step-oracle.py
FMT='{fn} {base}:{line}'
AVX512=glibc.cpu.hwcaps=-AVX512VL,-AVX512BW,-AVX512F,-EVEX

# PROG:CMD@FUNC: the chains start where gdb's `break FUNC` first stops
# (ORACLE_BREAK; in the tree: that line's first hit in lines/).
n=0
for e in st_tail:step st_thunk:step st_wrap:step st_sigjmp:next st_sigjmp_o2:next \
	st_sigtail:next st_sigtail:step st_longjmp:next st_longjmp_o2:next st_jmpend:next \
	st_jmpend_o2:next st_jmprec:next@helper st_throwend:next st_dltls:step \
	st_sigstatic:step st_sigstatic:next st_wrap:step@bump st_wrap:next@bump st_inlthrow:step \
	st_throwend:step@thrower st_throwend_static:step@thrower st_throwend_static:next st_sigexit:next \
	st_sigexit_o2:next st_segvexit:step st_segvexit:next st_longjmp:step st_longjmp_o2:step \
	st_longjmp_now:step st_sigexit:step st_ljinl_o2:step st_ljinl_o2:next $clang_thunk; do
	p=${e%%:*} cmd=${e#*:} brk= steps=400
	case $cmd in *@*) brk=${cmd#*@} cmd=${cmd%@*} ;; esac
	f=$T/$p.$cmd${brk:+.$brk}
	case $cmd in next) link=next-line ;; step) link=step-into ;; esac
	case $e in st_sigtail:step | st_dltls:step) steps=1500 ;; esac # main's return, clone
	# st_longjmp_now: no lazy resolver, natively and in the recording
	now=$(case $p in *_now) echo LD_BIND_NOW=1 ;; esac)
	ORACLE_FORMAT=$FMT ORACLE_CMD=$cmd ORACLE_STEPS=$steps ORACLE_ENV="GLIBC_TUNABLES=$AVX512 $now" \
		ORACLE_BREAK=$brk \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ORACLE" "$B/$p" </dev/null >"$f.gdb" 2>&1
	grep '^STOP ' "$f.gdb" >"$f.want"
	k=$(wc -l <"$f.want")
	[ "$k" -gt 3 ] || fail "$e: gdb gave no stops: $(tail -n 3 "$f.gdb" | tr '\n' ' ')"
	case $p in st_sigjmp*)
		grep -q 'on_segv' "$f.want" || fail "$e: gdb's next never entered on_segv" ;;
	st_sigtail)
		# the trap's stop before a handler's line (see the top)
		awk '{ l[NR] = $0 } END { for (i = 1; i <= NR; i++)
			if (!(l[i] ~ /^STOP __pthread_kill_implementation / &&
			      l[i + 1] ~ /^STOP on_(first|second) /)) print l[i] }' \
			"$f.want" >"$f.w" && mv "$f.w" "$f.want"
		k=$(wc -l <"$f.want") ;;
	st_dltls)
		# up to the clone system call (see the top)
		k=$(grep -n -m 1 'clone' "$f.want" | cut -d: -f1)
		[ -n "$k" ] || fail "$e: gdb's step never reached clone"
		k=$((k - 1))
		head -n "$k" "$f.want" >"$f.w" && mv "$f.w" "$f.want" ;;
	esac
	if [ ! -d "$T/mnt.$p" ]; then
		if [ -n "$now" ]; then
			LD_BIND_NOW=1 record_ok "$T/$p" "$B/$p"
		else
			WANT_RC=$(case $p in st_sigexit* | st_segvexit) echo 3 ;; *) echo 0 ;; esac) \
				record_ok "$T/$p" "$B/$p"
		fi
		build_ok "$T/$p"
		mount_tree "$T/$p" "$T/mnt.$p"
	fi
	from=main
	if [ -n "$brk" ]; then
		# gdb's first stop "FUNC FILE:LINE": that line's first hit
		loc=$(sed -n '1s/^STOP [^ ]* //p' "$f.want")
		dir=$(find "$T/mnt.$p/lines" -name "${loc%:*}" | head -n 1)
		from=$(head -n 1 "$dir/${loc##*:}" 2>/dev/null)
		[ -n "$from" ] || fail "$e: lines/.../$loc has no hit"
	fi
	ORACLE_FORMAT=$FMT "$PY" "$ORACLE" chain "$T/mnt.$p" "$link" "$from" "$k" >"$f.got" || fail "$e: walking $link failed"
	diff "$f.want" "$f.got" >"$f.diff" ||
		fail "$e: $link differs from gdb's $cmd (< gdb, > Hindsight): $(head -n 6 "$f.diff" | tr '\n' ' ')"
	n=$((n + k))
	note "$e: $k stops as gdb's $cmd"
done
# the chains went where the checks are meant to look
grep -q '^STOP raise@plt ?:0$' "$T/st_sigtail.next.want" ||
	fail "st_sigtail: gdb's next did not stop at raise@plt"
grep -A1 '^STOP on_first st_sigtail.c:' "$T/st_sigtail.step.want" | grep -q '^STOP __GI_raise ' ||
	fail "st_sigtail: gdb's step did not go from on_first into raise"
grep -B1 '^STOP IO_validate_vtable ' "$T/st_sigtail.step.want" | grep -q '__strchrnul' ||
	fail "st_sigtail: gdb's step did not return from __strchrnul into IO_validate_vtable"
grep -c '^STOP sink ' "$T/st_longjmp.next.want" | grep -qx 0 &&
	[ "$(grep -c '^STOP main st_longjmp.c:' "$T/st_longjmp.next.want")" -gt 10 ] ||
	fail "st_longjmp: gdb's next chain is not main's: $(tr '\n' ' ' <"$T/st_longjmp.next.want")"

# gdb's step at longjmp's line stops at the entry of the next call (the
# second round's: its line is no stop) and goes through it; from the
# third round's, whose call has no next, nowhere (the chain ends there)
for f in st_longjmp.step st_longjmp_o2.step st_longjmp_now.step; do
	[ "$(grep -c '^STOP sink st_longjmp.c:13$' "$T/$f.want")" = 2 ] &&
		grep -A1 '^STOP sink st_longjmp.c:13$' "$T/$f.want" | grep -q '^STOP __libc_siglongjmp longjmp.c:30$' &&
		[ "$(grep -c '^STOP __libc_siglongjmp longjmp.c:30$' "$T/$f.want")" = 1 ] &&
		tail -n 1 "$T/$f.want" | grep -q '^STOP sink st_longjmp.c:13$' ||
		fail "$f: gdb's step chain is not the one meant: $(grep -v 'S:' "$T/$f.want" | tr '\n' ' ')"
done
# longjmp back to main's setjmp at -O2 lands on the first instruction of
# bail's inlined copy: gdb's step from __longjmp stops at main's next
# statement (the frame changed: no "stepped into inlined function" stop
# at bail's call site); and again in again()
grep -A1 '^STOP __longjmp __longjmp.S:' "$T/st_ljinl_o2.step.want" | grep -q '^STOP main st_ljinl.c:36$' &&
	grep -A1 '^STOP __longjmp __longjmp.S:' "$T/st_ljinl_o2.step.want" | grep -q '^STOP again st_ljinl.c:' &&
	[ "$(grep -c '^STOP main st_ljinl.c:37$' "$T/st_ljinl_o2.step.want")" = 2 ] ||
	fail "st_ljinl_o2: gdb's step chain is not the one meant: $(grep -A2 '^STOP __longjmp __longjmp.S:111' "$T/st_ljinl_o2.step.want" | tr '\n' ' ')"
# clang's one-line handler: gdb's step from its first instruction steps
# over siglongjmp and stops at the entry of the next longjmp call (leave's)
if [ -n "$clang_thunk" ]; then
	grep -A1 '^STOP on_segv st_segvjmp.c:' "$T/st_segvjmp_clang.step.want" |
		grep -q '^STOP __libc_siglongjmp longjmp.c:30$' &&
		[ "$(grep -c '^STOP on_segv ' "$T/st_segvjmp_clang.step.want")" = 1 ] &&
		tail -n 1 "$T/st_segvjmp_clang.step.want" | grep -q '^STOP main st_segvjmp.c:' ||
		fail "st_segvjmp_clang: gdb's step chain is not the one meant: $(grep -A2 '^STOP on_segv' "$T/st_segvjmp_clang.step.want" | tr '\n' ' ')"
fi
objdump -d "$B/st_ljinl_o2" | grep -A4 '<main>:' | grep -A1 'call.*<_setjmp@plt>' | grep -q '<count>' ||
	fail "st_ljinl_o2: bail's inlined copy does not start at setjmp's return (compiler changed?)"
grep -A1 '^STOP on_segv st_sigexit.c:24$' "$T/st_sigexit.step.want" | grep -q '^STOP on_segv st_sigexit.c:16$' ||
	fail "st_sigexit: gdb's step from siglongjmp's line did not go on to the next SIGSEGV's handler"

# gdb's next into a one-line handler: one stop there; over dive(1), which
# longjmps to a setjmp in no loop: none (it runs to the end); in the
# second call of helper: where the call it nexted over in the first
# returns (the frame id's breakpoint); over a throw caught in main: none
for p in st_jmpend st_jmpend_o2; do
	[ "$(grep -c '^STOP on_usr1 ' "$T/$p.next.want")" = 1 ] &&
		[ "$(grep -c '^STOP on_usr2 ' "$T/$p.next.want")" -gt 1 ] &&
		tail -n 1 "$T/$p.next.want" | grep -q '^STOP main st_jmpend.c:45$' ||
		fail "$p: gdb's next chain is not the one meant: $(tr '\n' ' ' <"$T/$p.next.want")"
done
grep -A1 '^STOP helper st_jmprec.c:24$' "$T/st_jmprec.next.helper.want" | grep -q '^STOP helper st_jmprec.c:25$' ||
	fail "st_jmprec: gdb's next did not stop after the call: $(tr '\n' ' ' <"$T/st_jmprec.next.helper.want")"
tail -n 1 "$T/st_throwend.next.want" | grep -q '^STOP main st_throwend.cc:26$' ||
	fail "st_throwend: gdb's next did not run on from the throwing call: $(tr '\n' ' ' <"$T/st_throwend.next.want")"
# a throw caught in main: gdb's step steps over __cxa_throw (no line
# info) and never stops again, nor does its next in a static binary
for f in st_throwend.step.thrower st_throwend_static.step.thrower st_throwend_static.next; do
	tail -n 1 "$T/$f.want" | grep -q "^STOP $([ $f = st_throwend_static.next ] && echo main ||
		echo thrower) st_throwend.cc:" ||
		fail "$f: gdb's chain did not end at the throw: $(tail -n 3 "$T/$f.want" | tr '\n' ' ')"
done
# and next-line from the throw line itself (static: libgcc's unwinder has
# no line info either): none, as gdb's next there runs to the end
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'break st_throwend.cc:15' -ex 'run >/dev/null' \
	-ex next "$B/st_throwend_static" </dev/null 2>&1 | grep -q 'exited normally' ||
	fail "st_throwend_static: gdb's next from the throw line did stop"
dir=$(find "$T/mnt.st_throwend_static/lines" -name st_throwend.cc | head -n 1)
t=$(head -n 1 "$dir/15" 2>/dev/null)
[ -n "$t" ] || fail "st_throwend_static: lines/.../st_throwend.cc/15 has no hit"
[ ! -e "$T/mnt.st_throwend_static/time/$t/next-line" ] ||
	fail "st_throwend_static: next-line from the throw (t $t) is $(readlink "$T/mnt.st_throwend_static/time/$t/next-line"), gdb's next runs to the end"
# a SIGSEGV handler that siglongjmps past the frame that faulted, then
# one that calls _exit: gdb's step and next go into the handler
for f in st_sigexit.next st_sigexit_o2.next st_segvexit.step st_segvexit.next; do
	[ "$(grep -c '^STOP on_segv ' "$T/$f.want")" -gt 1 ] &&
		grep -q '^STOP on_segv st_s[a-z]*exit.c:\(13\|22\)$' "$T/$f.want" ||
		fail "$f: gdb's chain did not go into on_segv up to _exit: $(tr '\n' ' ' <"$T/$f.want")"
done
grep -B1 '^STOP __libc_calloc ' "$T/st_dltls.step.want" | grep -q '^STOP allocate_stack ' ||
	fail "st_dltls: gdb's step did not go from allocate_stack into calloc"
for c in step next; do
	grep -A2 '^STOP on_sig st_sigstatic.c:' "$T/st_sigstatic.$c.want" | grep -q '^STOP kill ?:0$' &&
		grep -A1 '^STOP [^ ]*pthread_kill[^ ]* ?:0$' "$T/st_sigstatic.$c.want" | grep -q '^STOP raise ?:0$' ||
		fail "st_sigstatic: gdb's $c did not stop in kill, then pthread_kill and raise"
	grep -A1 '^STOP st_apply ?:0$' "$T/st_wrap.$c.bump.want" | grep -q "^STOP $([ $c = step ] && echo bump || echo main) " ||
		fail "st_wrap: gdb's $c from bump did not stop in st_apply and go on as expected"
done
grep -A1 '^STOP level3 st_inlthrow.cc:' "$T/st_inlthrow.step.want" | grep -q '^STOP MyErr::MyErr ' ||
	fail "st_inlthrow: gdb's step did not go from level3 into MyErr::MyErr"
if [ -n "$clang_thunk" ]; then
	grep -A1 '^STOP total st_thunk.cc:' "$T/st_thunk_clang.step.want" | grep -q '^STOP Box::area ' ||
		fail "st_thunk_clang: gdb's step did not go from total through the thunk into Box::area"
fi

# the backtrace at raise@plt jumped to from the handler (the stub's second
# run: main's raise(SIGUSR1) is the first) is gdb's bt there, frame by
# frame as "function file:line" ("<signal handler called>" as it is)
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'handle SIGUSR1 SIGUSR2 nostop noprint pass' \
	-ex "break *'raise@plt'" -ex 'run >/dev/null' -ex continue -ex bt "$B/st_sigtail" \
	</dev/null 2>&1 | sed -n 's/^#[0-9]*  *//p' |
	sed -e 's/^0x[0-9a-f]* in //' -e 's/^\([^ ]*\) (.*) at \(.*\)$/\1 \2/' -e 's/ (.*)$//' \
		-e 's/ [^ ]*\/\([^/]*\)$/ \1/' | sed '/^main /q' >"$T/bt.want"
grep -q '^raise@plt$' "$T/bt.want" || fail "gdb's bt at raise@plt: $(tr '\n' ' ' <"$T/bt.want")"
t=$(sed -n '2s/ .*//p' "$T/mnt.st_sigtail/calls/raise@plt")
[ -n "$t" ] || fail "calls/raise@plt has no second call: $(cat "$T/mnt.st_sigtail/calls/raise@plt")"
t=$((${t%.*} + 1))
sed -e 's/^#[0-9]* //' -e 's/+0x[0-9a-f]*//' -e 's/ [0-9.]*$//' -e 's/ -$//' -e 's/ inlined$//' \
	"$T/mnt.st_sigtail/time/$t/backtrace" | sed '/^main /q' >"$T/bt.got"
diff "$T/bt.want" "$T/bt.got" >"$T/bt.diff" ||
	fail "backtrace at raise@plt (t $t) differs from gdb's bt (< gdb): $(tr '\n' ' ' <"$T/bt.diff")"

# lines/ lists the line gdb's step stops at after the tail jump into
# __qsort_r (its first line, at the function's entry)
line=$(grep -A1 '^STOP __GI_qsort ' "$T/st_tail.step.want" | sed -n '2s/^STOP __GI___qsort_r msort.c://p')
[ -n "$line" ] || fail "st_tail: gdb's step did not go from qsort to __qsort_r"
dir=$(find "$T/mnt.st_tail/lines" -name msort.c -print -prune -o -name '*.*' -prune | head -n 1)
[ -n "$dir" ] && [ -f "$dir/$line" ] || fail "st_tail: lines/.../msort.c/$line does not exist"
# prev-line against gdb 13's reverse-next under `record full`
# (scripts/gdb-rnext-oracle.py): at every stop of gdb's step walk in the
# program's own file, gdb's reverse-next and Hindsight's prev-line from
# the same moment (the instruction count since `break main`).  gdb 13
# stops at the start of the line-table row it last entered, not at the
# line's first row: a line of several rows (gcc's rows of one line,
# clang's column rows, the row holding a call) stops mid-line, and out of
# a callee's first line at the caller's row holding the call, the calls
# made before in that row stepped back over.  Recorded as gdb runs them
# (LD_BIND_NOW, glibc's AVX variants off).
RN=$ROOT/scripts/gdb-rnext-oracle.py
RN_TUNE=glibc.cpu.hwcaps=-AVX512VL,-AVX512BW,-AVX512F,-EVEX,-AVX2,-AVX,-ERMS,-FSRM
rn_progs="example:example.c recursive:recursive.c st_rnext_clang:st_rnext.c"
rn_progs="$rn_progs st_rnext_clang_o2:st_rnext.c st_rnmix:st_rnmix.c st_rnmix_o2:st_rnmix.c"
rn_progs="$rn_progs st_rnmix_clang:st_rnmix.c st_rnmix_clang_o2:st_rnmix.c st_rncpp:st_rncpp.cc"
rn_progs="$rn_progs st_rncpp_o2:st_rncpp.cc st_rncpp_clang:st_rncpp.cc loops_o2:loops_o2.c"
gcc -g -O0 -o "$B/example" "$SRC/example.c" && gcc -g -O0 -o "$B/recursive" "$SRC/recursive.c" &&
	gcc -g -O2 -o "$B/loops_o2" "$SRC/loops_o2.c" &&
	gcc -g -O0 -o "$B/st_rnmix" "$SRC/st_rnmix.c" &&
	gcc -g -O2 -o "$B/st_rnmix_o2" "$SRC/st_rnmix.c" &&
	g++ -g -O0 -o "$B/st_rncpp" "$SRC/st_rncpp.cc" &&
	g++ -g -O2 -o "$B/st_rncpp_o2" "$SRC/st_rncpp.cc" ||
	fail "could not compile the reverse-next programs"
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
	clang -g -gdwarf-4 -O0 -o "$B/st_rnext_clang" "$SRC/st_rnext.c" &&
		clang -g -gdwarf-4 -O2 -o "$B/st_rnext_clang_o2" "$SRC/st_rnext.c" &&
		clang -g -gdwarf-4 -O0 -o "$B/st_rnmix_clang" "$SRC/st_rnmix.c" &&
		clang -g -gdwarf-4 -O2 -o "$B/st_rnmix_clang_o2" "$SRC/st_rnmix.c" &&
		clang++ -g -gdwarf-4 -O0 -o "$B/st_rncpp_clang" "$SRC/st_rncpp.cc" ||
		fail "could not compile the reverse-next programs with clang"
else
	rn_progs=$(echo "$rn_progs" | tr ' ' '\n' | grep -v clang | tr '\n' ' ')
fi
rn=0
for e in $rn_progs; do
	p=${e%%:*}
	RN_PROG=$B/$p RN_FILES=${e#*:} RN_OUT=$T/$p.rn timeout -k 10 "$STEP_TIMEOUT" \
		gdb -nx -batch -x "$RN" </dev/null >"$T/$p.rn.gdb" 2>&1
	[ -s "$T/$p.rn" ] || fail "$p: gdb's reverse-next walk gave nothing: $(tail -n 2 "$T/$p.rn.gdb" | tr '\n' ' ')"
	LD_BIND_NOW=1 GLIBC_TUNABLES=$RN_TUNE record_ok "$T/$p.rnt" "$B/$p"
	build_ok "$T/$p.rnt"
	mount_tree "$T/$p.rnt" "$T/mnt.$p.rnt"
	"$PY" "$RN" compare "$T/$p.rn" "$T/mnt.$p.rnt" >"$T/$p.rn.cmp" 2>&1 ||
		fail "$p: prev-line is not gdb's reverse-next: $(tail -n 4 "$T/$p.rn.cmp" | tr '\n' ' ')"
	k=$(tail -n 1 "$T/$p.rn.cmp" | cut -d' ' -f1)
	note "$p: $k prev-line = gdb's reverse-next"
	rn=$((rn + k))
done

pass "$n stops as gdb's step and next ($nprog programs), the backtrace at raise@plt, lines/ has msort.c:$line, $rn prev-line as gdb's reverse-next"
