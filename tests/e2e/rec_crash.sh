#!/bin/bash
# rec_crash.sh - a process killed by a fault (SIGSEGV MAPERR/ACCERR, SIGBUS, SIGFPE, SIGILL, in main or in a second thread) or by abort(): the recording knows the signal, si_code and fault address as gdb's $_siginfo on a native run says, `events` ends with "signal SIGx {si_signo=SIGx, si_code=CODE, si_addr=...} fatal" (strace's form), info says exit-signal:, and time/crash's insn, where and backtrace show the faulting instruction as gdb's x/i $pc and bt do (all 602 frames of crash_deep); a stack overflow (crash_so): nothing on stderr as natively (not Valgrind's "Stack overflow in thread #1" note), its backtrace goes down to main, and locals/ says gdb's <error reading variable n (Cannot access memory at address ...)>; info's instructions: equal lackey's (the faulting instruction counted, a jump to no code not).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
PROGRAMS="crash_null crash_null_o2 crash_fpe crash_ill crash_rofault crash_bus crash_thread abort crash_deep"
# shellcheck disable=SC2086
require_built $PROGRAMS crash_so crash_nullfn
command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"

# si_code names as the kernel's asm-generic/siginfo.h numbers them
code_name()
{
	case $1:$2 in
	11:1) echo SEGV_MAPERR ;; 11:2) echo SEGV_ACCERR ;;
	7:1) echo BUS_ADRALN ;; 7:2) echo BUS_ADRERR ;; 7:3) echo BUS_OBJERR ;;
	8:1) echo FPE_INTDIV ;; 8:2) echo FPE_INTOVF ;;
	4:1) echo ILL_ILLOPC ;; 4:2) echo ILL_ILLOPN ;;
	*:-6) echo SI_TKILL ;; *:0) echo SI_USER ;;
	*) echo "code=$2" ;;
	esac
}

# gdb_oracle PROG: run PROG natively under gdb to the signal; OUT.* files.
gdb_oracle()
{
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'set pagination off' -ex run \
		-ex 'printf "SIGNO %d\n", $_siginfo.si_signo' \
		-ex 'printf "CODE %d\n", $_siginfo.si_code' \
		-ex 'printf "ADDR 0x%lx\n", (unsigned long)$_siginfo._sifields._sigfault.si_addr' \
		-ex 'printf "PID %d\n", $_siginfo._sifields._kill.si_pid' \
		-ex 'printf "PC 0x%lx\n", $pc' -ex 'x/16xb $pc' -ex 'info symbol $pc' -ex bt \
		"$PROGS/$1" </dev/null >"$T/$1.gdb" 2>&1
	grep -q '^SIGNO [0-9]' "$T/$1.gdb" || fail "gdb on $1: $(tail -n 3 "$T/$1.gdb" | tr '\n' ' ')"
}

gdb_field() { sed -n "s/^$2 //p" "$T/$1.gdb" | head -n 1; }

# the instruction's bytes from gdb's x/16xb, as one hex string
gdb_bytes() { grep -E '^0x[0-9a-f]+( <[^>]*>)?:' "$T/$1.gdb" | sed 's/^[^:]*://' | tr -d ' \t\n' | sed 's/0x//g'; }

# gdb's bt: "function file:line" per frame in the test program's own
# source (frame 0 as the pc's line), not libc's (abort.c is both)
gdb_frames()
{
	sed -n 's/^#[0-9]*  *\(0x[0-9a-f]* in \)\{0,1\}\([A-Za-z_][A-Za-z0-9_.]*\) (.*) at \([^ ]*\):\([0-9]*\)$/\2 \3:\4/p' "$T/$1.gdb" |
		grep " tests/programs/$1.c:" | sed 's|^\([^ ]*\) .*/\([^/]*\)$|\1 \2|'
}

# same_count_as_lackey TRACE PROG [ARGS...]: info's instructions: are
# lackey's "guest instrs": the faulting instruction began (lackey counts it
# at its start) though it did not retire; a jump to no code (crash_nullfn)
# began none.  Where the faulting load's value goes straight into the next
# instruction (crash_thread: mov (%rax),%eax; cltq) lackey counts that one
# too: VEX's tree builder moves the load into its one use, past lackey's
# counter call at the next instruction, which never began; LACKEY_EXTRA
# says by how much.  Both runs start from the environment a recorded
# program saw (lib.sh): `hindsight record` under `env -i` of it, into
# TRACE.env.  A second thread's count may wobble with the scheduling (a
# futex wait spins or not): a pair that differs runs again, 3 times at most.
same_count_as_lackey()
{
	local trace=$1 got want rc try
	local -a envs
	shift
	mapfile -d '' envs <"$T/env"
	for try in 1 2 3; do
		rm -rf "$trace.env"
		timeout -k 10 "$STEP_TIMEOUT" env -i "${envs[@]}" "$HS" record -o "$trace.env" -- "$@" \
			</dev/null >"$trace.env.out" 2>"$trace.env.err"
		rc=$?
		[ "$rc" -gt 128 ] || fail "$(basename "$trace"): record under the oracle's environment exited $rc"
		got=$(info_get "$trace.env" instructions)
		want=$(lackey_insns "$T/env" "$trace.lk" "$@")
		[ -n "$want" ] && [ "$((got + ${LACKEY_EXTRA:-0}))" = "$want" ] && return 0
		note "$(basename "$trace"): recorded $got, lackey $want (try $try)"
	done
	fail "$(basename "$trace"): info says instructions: $got (faulted: $(info_get "$trace.env" faulted)), lackey $want (${LACKEY_EXTRA:-0} more expected)"
}

capture_client_env "$T/envtr" "$T/env"
n=0
for p in $PROGRAMS; do
	gdb_oracle "$p"
	native "$T/$p.native" "$PROGS/$p"
	signo=$(gdb_field "$p" SIGNO)
	code=$(gdb_field "$p" CODE)
	want_rc=$((128 + signo))
	[ "$(cat "$T/$p.native.rc")" = "$want_rc" ] || fail "$p: native exit $(cat "$T/$p.native.rc"), gdb says signal $signo"
	WANT_RC=$want_rc record_ok "$T/$p" "$PROGS/$p"
	# Valgrind's "==PID== Process terminating with default action of
	# signal N" report is not the program's: a native run prints none
	! grep -q '^==[0-9]*==' "$T/$p.err" ||
		fail "$p: Valgrind's report on record's stderr: $(grep -m 3 '^==' "$T/$p.err" | tr '
' ' ')"
	build_ok "$T/$p"
	signame=SIG$(kill -l "$signo")

	# info: the signal that killed it, and a complete recording
	[ "$(info_get "$T/$p" exit-signal)" = "$signame" ] ||
		fail "$p: info says exit-signal: '$(info_get "$T/$p" exit-signal)', gdb says $signame"
	[ "$(info_word "$T/$p" complete)" = yes ] || fail "$p: info says complete: $(info_get "$T/$p" complete)"
	# crash_bus: not compared, its mkstemp name is random and so is the
	# count of the loop that makes it (by a few instructions)
	case $p in
	crash_bus) ;;
	crash_thread) LACKEY_EXTRA=1 same_count_as_lackey "$T/$p" "$PROGS/$p" ;;
	*) same_count_as_lackey "$T/$p" "$PROGS/$p" ;;
	esac

	# events: the fatal signal, with the kernel's si_code and address
	"$HS" cat "$T/$p" events >"$T/$p.events" 2>"$T/$p.cat.err" || fail "$p: cat events: $(cat "$T/$p.cat.err")"
	sigline=$(grep '^[0-9]* [0-9]* signal .* fatal$' "$T/$p.events" | tail -n 1)
	[ -n "$sigline" ] || fail "$p: no fatal signal event: $(tail -n 2 "$T/$p.events" | tr '\n' '|')"
	case $sigline in *" signal $signame "*) ;; *) fail "$p: '$sigline', gdb says $signame" ;; esac
	cname=$(code_name "$signo" "$code")
	case $sigline in *" {si_signo=$signame, si_code=$cname"[,}]*) ;; *) fail "$p: '$sigline', gdb's si_code is $code ($cname)" ;; esac
	tail -n 1 "$T/$p.events" | grep -q " exit signal=$signo " || fail "$p: last event $(tail -n 1 "$T/$p.events")"
	# in the kernel's (and strace's) order: the signal, then every thread's
	# end, then the exit; no thread ends before the signal that ends it
	order=$(awk -v s="$sigline" '$0 == s { seen = 1; print "signal"; next }
		seen { print $3 } !seen && $1 == t0 && $3 == "thread-exit" { print "early" }
		BEGIN { split(s, f, " "); t0 = f[1] }' "$T/$p.events" | uniq | tr '\n' ' ')
	[ "$order" = "signal thread-exit exit " ] ||
		fail "$p: events from the fatal signal on read '$order', not 'signal thread-exit exit '"
	tcrash=$("$HS" ls -l "$T/$p" time/crash | sed 's/.* -> //')
	[ "$tcrash" = "$(echo "$sigline" | cut -d' ' -f1)" ] || fail "$p: time/crash -> $tcrash, the signal is at '$sigline'"

	# the faulting instruction: its bytes as gdb's x/i $pc, rip at time/crash
	insn=$("$HS" cat "$T/$p" time/crash/insn 2>&1) || fail "$p: cat time/crash/insn: $insn"
	rip=$("$HS" cat "$T/$p" time/crash/reg/rip)
	[ "$((${insn%% *}))" = "$((rip))" ] || fail "$p: time/crash/insn '$insn' is not at rip $rip"
	bytes=$(echo "$insn" | cut -d' ' -f2)
	gbytes=$(gdb_bytes "$p")
	[ -n "$bytes" ] && [ "${gbytes:0:${#bytes}}" = "$bytes" ] ||
		fail "$p: time/crash/insn '$insn', gdb's bytes at \$pc $gbytes"
	if [ "$code" -gt 0 ]; then
		addr=$(gdb_field "$p" ADDR)
		got=$(echo "$sigline" | sed -n 's/.* si_addr=\(0x[0-9a-f]*\|NULL\)} .*/\1/p')
		[ "$got" = NULL ] && got=0 # strace's word for 0
		case $signo in
		4 | 8) want=$((rip)) ;;           # the instruction's own address
		*) if [ $((addr)) -lt 65536 ]; then # a NULL-based address is the same everywhere
			want=$((addr))
		   else # mappings move: the same offset in the page
			want=$(((got & ~4095) | (addr & 4095)))
		   fi ;;
		esac
		[ -n "$got" ] && [ "$((got))" = "$want" ] || fail "$p: '$sigline', expected addr=$(printf 0x%x "$want") (gdb: $addr)"
	else
		# abort(): tgkill from the process itself
		got=$(echo "$sigline" | sed -n 's/.* si_pid=\([0-9]*\),.*/\1/p')
		self=$(info_get "$T/$p" process | sed 's/\..*//')
		[ "$got" = "$self" ] || fail "$p: '$sigline': the sender is not the process itself ($self)"
	fi

	# where and backtrace: gdb's frames in the program's own source (frame 0
	# the faulting line; libc's inlined frames under abort() are left out)
	"$HS" cat "$T/$p" time/crash/backtrace >"$T/$p.bt" 2>&1 || fail "$p: cat time/crash/backtrace: $(cat "$T/$p.bt")"
	src=${p}.c
	gdb_frames "$p" >"$T/$p.gframes"
	nm --defined-only "$PROGS/$p" | awk '$2 ~ /^[Tt]$/ { print $3 }' >"$T/$p.syms"
	# (gdb names a .cold part by its DWARF function: main.cold is main)
	# (up to main: frames beyond it are gdb's "backtrace past-main" off)
	awk '{ f = $2; sub(/\+0x[0-9a-f]+$/, "", f); sub(/\.cold$/, "", f); print f, $3 }
	     f == "main" { exit }' "$T/$p.bt" | grep " $src:" |
		awk 'NR == FNR { own[$1] = 1; next } ($1 in own) || ($1 ".cold" in own)' "$T/$p.syms" - >"$T/$p.frames"
	[ -s "$T/$p.gframes" ] || fail "$p: no frames in $src from gdb: $(grep '^#' "$T/$p.gdb" | tr '\n' '|')"
	same_file "$p: backtrace frames in $src (gdb's bt)" "$T/$p.gframes" "$T/$p.frames"
	# crt1's _start has no line (gdb: info line *_start says none), even
	# where main's line table ends with an empty row at _start's address
	last=$(tail -n 1 "$T/$p.bt")
	# a thread's: clone's (under Valgrind, which has no clone3; named
	# clone, as gdb names the last of clone.S's aliases, or __clone)
	[[ $last =~ ^#[0-9]+\ _start\+0x[0-9a-f]+\ -$ || $last =~ ^#[0-9]+\ (__)?clone\+ ]] ||
		fail "$p: the outermost frame '$last' is not _start without a line"
	if grep '^#0 ' "$T/$p.gdb" | grep -q " tests/programs/$src:"; then
		where=$("$HS" cat "$T/$p" time/crash/where)
		[ "$(echo "$where" | awk '{ f = $1; sub(/\+0x[0-9a-f]+$/, "", f); sub(/\.cold$/, "", f); print f, $2 }')" = "$(head -n 1 "$T/$p.gframes")" ] ||
			fail "$p: time/crash/where '$where', gdb's frame 0 '$(head -n 1 "$T/$p.gframes")'"
	fi
	note "$p: $sigline | $insn"
	n=$((n + 1))
done

# a call through a NULL function pointer (and into a data page): there is
# no instruction to fetch, so no insn (gdb: "Cannot access memory"); the
# si_code is the kernel's (Valgrind's translator says SEGV_ACCERR for both),
# where is the pc, and frame #1 is the caller's line as gdb's bt says
p=crash_nullfn
for arg in "" data; do
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'set pagination off' -ex "run $arg" \
		-ex 'printf "CODE %d\n", $_siginfo.si_code' -ex bt "$PROGS/$p" </dev/null >"$T/$p.gdb" 2>&1
	code=$(gdb_field "$p" CODE)
	[ -n "$code" ] || fail "gdb on $p $arg: $(tail -n 3 "$T/$p.gdb" | tr '\n' ' ')"
	# shellcheck disable=SC2086
	WANT_RC=139 record_ok "$T/$p$arg" "$PROGS/$p" $arg
	build_ok "$T/$p$arg"
	# shellcheck disable=SC2086
	same_count_as_lackey "$T/$p$arg" "$PROGS/$p" $arg
	sigline=$("$HS" cat "$T/$p$arg" events | grep '^[0-9]* [0-9]* signal .* fatal$')
	case $sigline in *" {si_signo=SIGSEGV, si_code=$(code_name 11 "$code"),"*) ;;
	*) fail "$p $arg: '$sigline', gdb's si_code is $code ($(code_name 11 "$code"))" ;; esac
	want=$(sed -n 's/^#1  0x[0-9a-f]* in \([a-z_]*\) (.*) at .*\/\([^/]*:[0-9]*\)$/\1 \2/p' "$T/$p.gdb")
	got=$("$HS" cat "$T/$p$arg" time/crash/backtrace | sed -n 's/^#1 \([a-z_]*\)+0x[0-9a-f]* \([^ ]*\) .*/\1 \2/p')
	[ -n "$want" ] && [ "$want" = "$got" ] || fail "$p $arg: frame #1 '$got', gdb's '$want'"
	note "$p $arg: $sigline; #1 $got"
done

# a stack overflow: its depth is the stack's size, which differs under
# Valgrind, so not gdb's frames; the innermost frame's variables are in
# no memory, and locals/ says so as gdb's info args and info locals do
p=crash_so
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'set pagination off' -ex run \
	-ex 'info args' -ex 'info locals' "$PROGS/$p" </dev/null >"$T/$p.gdb" 2>&1
WANT_RC=139 record_ok "$T/$p" "$PROGS/$p"
# natively nothing on stderr (the shell says "Segmentation fault"); the
# core's "Stack overflow in thread #1: can't grow stack" note neither
native "$T/$p.native" "$PROGS/$p"
grep -v '^hindsight: recording to ' "$T/$p.err" >"$T/$p.err2"
same_file "$p: record's stderr against the native run's" "$T/$p.native.err" "$T/$p.err2"
build_ok "$T/$p"
for v in n pad; do
	want=$(sed -n "s/^$v = //p" "$T/$p.gdb" | sed 's/0x[0-9a-f]*/0x?/g')
	got=$("$HS" cat "$T/$p" "time/crash/locals/$v" 2>&1 | sed 's/0x[0-9a-f]*/0x?/g')
	[ -n "$want" ] && [ "$want" = "$got" ] || fail "$p: locals/$v is '$got', gdb's info says '$want'"
done
"$HS" cat "$T/$p" time/crash/backtrace >"$T/$p.bt" 2>&1 || fail "$p: cat time/crash/backtrace: $(head -n 2 "$T/$p.bt")"
grep -q '^#[0-9]* main+0x[0-9a-f]* crash_so.c:' "$T/$p.bt" && ! grep -q 'more frames' "$T/$p.bt" ||
	fail "$p: the backtrace does not go down to main: $(tail -n 3 "$T/$p.bt" | tr '\n' '|')"
note "$p: $(grep -c ' deep+' "$T/$p.bt") frames of deep(), locals/pad $(head -c 60 <<<"$got")"
pass "$n crashes as gdb sees them; a stack overflow's backtrace and locals"
