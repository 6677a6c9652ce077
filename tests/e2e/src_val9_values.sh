#!/bin/bash
# src_val9_values.sh - frame arguments, entry values, synthetic pointers and
# return values of every class against gdb on native runs.
#
# val9_entry_o2.c (-O2): at each call of leaf (reached directly, through
# one tail call and through two), scale_by (a double whose call-site value
# is a typed constant, a struct in one register), pick and the inlined
# acc_add (a pointer to a struct kept in registers: DW_OP_implicit_pointer),
# gdb's frame line (`bt 1`), `info args` and `finish` must equal
# /api/calls' frame_args, args and return exactly: "x=x@entry=7" as gdb's
# `print entry-values default` writes it, "a=<synthetic pointer>"; fib's
# first frame line as gdb's (no entry value: its caller's call site names
# an abstract function); libc's printf, whose format's entry value is
# main's call site's (its target found by symbol in another module).
# val9_ret.c (-O0): return values in st(0) (long double, a struct of one),
# xmm0:xmm1 (_Complex double, a struct of two doubles, three floats),
# xmm0 (_Complex float), xmm0:rax (a double beside a long), st(0):st(1)
# (_Complex long double).  __int128
# comes back in rax:rdx; gdb 13's `finish` prints 0 for it, so those are
# compared with gdb's `print` of the variables they were stored in.
# Valgrind's x87 registers are doubles: 1/3 and 1/7 agree with gdb's
# to a double's 16 digits only (-0.75 * 2 - 1024 exactly).
# val9_abort.c: at the SIGABRT of a failed assert, each argument of the
# crash frame (libc's __pthread_kill_implementation: no_tid is
# DW_OP_entry_value(rdx), which raise's call site of __pthread_kill and
# that function's tail call resolve) must equal gdb's `info args`.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built val9_entry_o2
require_built val9_ret
require_built val9_abort

# on_calls NAME PROG EXTRA FUNC[=FRAME]...: gdb natively on PROG, stopping
# at each FUNC with `bt 1`, `info args`, `finish` (FRAME: the name gdb's
# frame line gives it); EXTRA: a command before the run
on_calls()
{
	local name=$1 prog=$2 extra=$3 f
	shift 3
	# gdb's default print settings: /api/calls prints as finish does
	printf '%s\n' "set pagination off" "set confirm off" "set width 0" \
		"set print pretty off" >"$T/$name.cmds"
	for f in "$@"; do
		printf 'break %s\ncommands\nbt 1\ninfo args\nfinish\nend\n' "${f%%=*}"
	done >>"$T/$name.cmds"
	printf '%s\n' "$extra" run >>"$T/$name.cmds"
	for f in $(seq 20); do echo continue; done >>"$T/$name.cmds"
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -iex "set auto-load python-scripts off" -batch \
		-x "$T/$name.cmds" "$prog" </dev/null >"$T/$name.gdb" 2>&1
	grep -q '^#0  ' "$T/$name.gdb" || fail "$name: gdb stopped nowhere: $(tail -n 2 "$T/$name.gdb" | tr '\n' ' ')"
	record_ok "$T/$name" "$prog"
	build_ok "$T/$name"
	serve_start "$name" "$T/$name"
	# api_calls_compare.py with its @entry folding off: frame lines exactly
	"$PY" - "$ROOT/tests/e2e" "$T/$name.gdb" "$BASE" "$@" >"$T/$name.cmp" 2>&1 <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import api_calls_compare as m
m.norm = lambda s: m.HEX.sub("0xX", s.strip())
sys.argv = ["api_calls_compare.py"] + sys.argv[2:]
sys.exit(m.main())
PY
	[ $? = 0 ] || fail "$name: $(head -n 3 "$T/$name.cmp" | tr '\n' ' ')"
	summary="$summary $name: $(tail -n 1 "$T/$name.cmp" | sed 's/.*; //');"
}

# ret_of FUNC: /api/calls' first return value of FUNC (the last server)
ret_of()
{
	curl -fsS "$BASE/api/calls?name=$1" |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["return"]["value"])'
}

summary=""
on_calls entry "$PROGS/val9_entry_o2" "" leaf acc_add pick scale_by printf=__printf
grep -q '@entry=' "$T/entry.gdb" || fail "gdb printed no entry value"
grep -q '<synthetic pointer>' "$T/entry.gdb" || fail "gdb printed no synthetic pointer"
# fib's first call: main's call site names fib's abstract function (gcc
# inlined fib into itself), which gives gdb no entry value
printf '%s\n' "set pagination off" "break fib" run "bt 1" >"$T/fib.cmds"
want=$(gdb -nx -batch -x "$T/fib.cmds" "$PROGS/val9_entry_o2" </dev/null 2>&1 |
	sed -n 's/^#0  fib (\(.*\)) at .*/\1/p')
got=$(curl -fsS "$BASE/api/calls?name=fib&count=1" |
	"$PY" -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["frame_args"])')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "fib's first frame args '$got', gdb's '$want'"
serve_stop

at_printf="break val9_ret.c:$(grep -n 'printf(' "$ROOT/tests/programs/val9_ret.c" | cut -d: -f1)"
on_calls ret "$PROGS/val9_ret" "$at_printf" neg_big cplx cplxf cplxl mk_two mk_dl mk_ff3 plain
printf '%s\n' "set pagination off" "$at_printf" run "print w" "print uw" >"$T/int128.cmds"
gdb -nx -batch -x "$T/int128.cmds" "$PROGS/val9_ret" </dev/null >"$T/int128.gdb" 2>&1
for v in 1:wide 2:uwide; do
	want=$(sed -n 's/^\$[0-9]* = //p' "$T/int128.gdb" | sed -n "${v%%:*}p")
	got=$(ret_of "${v#*:}")
	[ -n "$want" ] && [ "$got" = "$want" ] || fail "${v#*:} returned '$got', gdb's print '$want'"
done
got=$(ret_of third)
case $got in 0.3333333333333333*) ;; *) fail "third returned '$got'" ;; esac
got=$(ret_of mk_one_ld)
case $got in "{v = 0.1428571428571428"*) ;; *) fail "mk_one_ld returned '$got'" ;; esac
serve_stop

# the crash frame's arguments, as gdb's info args at the SIGABRT
printf '%s\n' "set pagination off" "run" "bt 1" "info args" >"$T/abort.cmds"
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$T/abort.cmds" "$PROGS/val9_abort" \
	</dev/null >"$T/abort.gdb" 2>&1
grep -q 'no_tid = ' "$T/abort.gdb" ||
	fail "gdb: no no_tid in the crash frame (libc6-dbg?): $(grep '^#0' "$T/abort.gdb")"
WANT_RC=134 record_ok "$T/abort" "$PROGS/val9_abort"
build_ok "$T/abort"
n=0
while IFS= read -r line; do
	name=${line%% = *}
	want=${line#* = }
	got=$("$HS" cat "$T/abort" "time/crash/locals/$name" 2>&1)
	[ "$got" = "$want" ] || fail "crash frame: $name = '$got', gdb's info args '$want'"
	n=$((n + 1))
done < <(sed -n '/^#0 /,$p' "$T/abort.gdb" | grep -E '^[a-z_]+ = ')
[ "$n" -ge 3 ] || fail "only $n arguments compared"
pass "$summary crash frame: $n arguments as gdb's"
