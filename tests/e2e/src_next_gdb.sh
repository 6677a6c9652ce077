#!/bin/bash
# src_next_gdb.sh - next-line is gdb's own `next`: gdb runs each program natively and `next`s through main, line by line, and out of a callee whose caller's line makes a second call; Hindsight's next-line chain from the same moment must visit the same lines.
#
# The src_oracle tests derive next/reverse-next from gdb's step sequence;
# this one asks gdb's `next` itself, so a call on a line (whose return gcc
# marks with a new row of the same line) cannot make a stop gdb skips; and
# next_midrow.s (line rows edited as gcc -O2 writes them) a return into a
# row's middle of another line than the call's.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
cat >"$T/next.gdb" <<'GDBEOF'
set pagination off
set confirm off
set debuginfod enabled off
break main
run
python
lines = []
while True:
    f = gdb.selected_frame()
    if f.name() != "main":
        break
    lines.append(f.find_sal().line)
    gdb.execute("next", to_string=True)
    if not gdb.selected_inferior().pid:
        break
print("NEXT-LINES " + " ".join(map(str, lines)))
end
kill
GDBEOF

n=0
for p in recursive structs example; do
	require_built "$p"
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$T/next.gdb" "$PROGS/$p" \
		</dev/null >"$T/$p.gdb" 2>&1
	want=$(sed -n 's/^NEXT-LINES //p' "$T/$p.gdb")
	[ -n "$want" ] || fail "$p: gdb gave no lines: $(tail -n 3 "$T/$p.gdb" | tr '\n' ' ')"
	record_ok "$T/$p" "$PROGS/$p"
	build_ok "$T/$p"
	# time/main is where gdb's `break main` stops: the first line gdb lists
	t=$("$HS" ls -l "$T/$p" time | sed -n 's/^l .* main -> //p')
	[ -n "$t" ] || fail "$p: no time/main"
	got=""
	while :; do
		where=$("$HS" cat "$T/$p" "time/$t/where")
		case $where in main+*) ;; *) break ;; esac
		got="$got ${where##*:}"
		t=$("$HS" query "$T/$p" step "$t" over) || break
	done
	got=${got# }
	[ "$got" = "$want" ] || fail "$p: next-line visits lines '$got', gdb's next '$want'"
	n=$((n + $(echo "$want" | wc -w)))
done

# next from inside a callee: at its last line it returns to the caller's
# line, which holds a second call; gdb goes on to the caller's next line
cat >"$T/nextf.gdb" <<'GDBEOF'
set pagination off
set confirm off
set debuginfod enabled off
break first
run
delete
python
stops = []
for i in range(10):
    if not gdb.selected_inferior().pid:
        break
    f = gdb.selected_frame()
    if f.name() not in ("first", "second", "main"):
        break
    stops.append("%s:%d" % (f.name(), f.find_sal().line))
    gdb.execute("next", to_string=True)
print("NEXT-STOPS " + " ".join(stops))
end
kill
GDBEOF
require_built siblings
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$T/nextf.gdb" "$PROGS/siblings" </dev/null >"$T/sib.gdb" 2>&1
want=$(sed -n 's/^NEXT-STOPS //p' "$T/sib.gdb")
[ -n "$want" ] || fail "siblings: gdb gave no stops: $(tail -n 3 "$T/sib.gdb" | tr '\n' ' ')"
record_ok "$T/sib" "$PROGS/siblings"
build_ok "$T/sib"
t_call=$("$HS" cat "$T/sib" calls/first | head -n 1 | cut -d' ' -f1)
t=$("$HS" query "$T/sib" step "$t_call" into) || fail "siblings: no line start in first()"
got=""
for _ in $(seq "$(echo "$want" | wc -w)"); do
	where=$("$HS" cat "$T/sib" "time/$t/where")
	got="$got ${where%%+*}:${where##*:}"
	t=$("$HS" query "$T/sib" step "$t" over) || break
done
got=${got# }
[ "$got" = "$want" ] || fail "siblings: next-line from first() visits '$got', gdb's next '$want'"
n=$((n + $(echo "$want" | wc -w)))
# next out of a callee into the middle of a caller's row of another line
# (next_midrow.s: f called from a non-statement row of line 21, then a
# statement row of line 20, the line stepped before the call): gdb takes
# the row's line at the return and stops at line 20, not at the line after;
# and from walk, where a non-statement row of line 12 lies between rows of
# line 10 (no call: gdb keeps line 10).  Hindsight's next-line link, the
# tree's (fs/query with the row at the return).
cat >"$T/nextk.py" <<'PY'
import gdb, os
gdb.execute("set pagination off")
gdb.execute("break " + os.environ["FN"], to_string=True)
gdb.execute("ignore 1 %d" % (int(os.environ["K"]) - 1), to_string=True)
gdb.execute("run >/dev/null", to_string=True)
gdb.execute("delete")
stops = []
for i in range(int(os.environ["N"])):
    f = gdb.selected_frame()
    if not gdb.selected_inferior().pid or f.name() not in ("f", "walk", "walk2", "main"):
        break
    stops.append("%s:%d" % (f.name(), f.find_sal().line))
    gdb.execute("next", to_string=True)
print("NEXT-STOPS " + " ".join(stops))
PY
# The next-line chain from PATH in TRACE, N stops: "function:line" each
# with fn as the fourth argument, else the line only.
next_chain()
{
	local path=$2 got="" where

	for _ in $(seq "$3"); do
		where=$("$HS" cat "$1" "$path/where") || break
		if [ "${4:-}" = fn ]; then
			got="$got ${where%%+*}:${where##*:}"
		else
			got="$got ${where##*:}"
		fi
		path=$path/next-line
	done
	echo "${got# }"
}
gcc -o "$T/midrow" "$ROOT/tests/programs/next_midrow.s" || fail "gcc next_midrow.s"
record_ok "$T/midrow.trace" "$T/midrow"
build_ok "$T/midrow.trace"
for fk in f:1 f:2 walk:1 walk2:1; do
	fn=${fk%:*} k=${fk#*:}
	want=$(FN=$fn K=$k N=8 timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$T/nextk.py" "$T/midrow" \
		</dev/null 2>&1 | sed -n 's/^NEXT-STOPS //p')
	[ -n "$want" ] || fail "next_midrow: gdb gave no stops from $fn ($k)"
	t=$("$HS" cat "$T/midrow.trace" "calls/$fn" | sed -n "${k}p" | cut -d' ' -f1)
	got=$(next_chain "$T/midrow.trace" "time/$t/step-into" "$(echo "$want" | wc -w)" fn)
	[ "$got" = "$want" ] || fail "next_midrow: next-line from $fn ($k) visits '$got', gdb's next '$want'"
	n=$((n + $(echo "$want" | wc -w)))
done
# gcc -O2: calloc's call (line 34) scheduled inside the ranges of fill,
# inlined on line 35; calloc returns through its tail call to memset.  gdb
# stops at line 35 once (fill's first range) and steps through the range
# that starts after the return (a statement row of line 35).  gdb's next
# from main, Hindsight's next-line links from time/main.
gcc -g -O2 -o "$T/inlcall" "$ROOT/tests/programs/next_inlcall_o2.c" || fail "gcc -O2 next_inlcall_o2.c"
want=$(timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$T/next.gdb" "$T/inlcall" </dev/null 2>&1 |
	sed -n 's/^NEXT-LINES //p')
[ -n "$want" ] || fail "next_inlcall_o2: gdb gave no lines"
record_ok "$T/inlcall.tr" "$T/inlcall"
build_ok "$T/inlcall.tr"
got=$(next_chain "$T/inlcall.tr" time/main "$(echo "$want" | wc -w)")
[ "$got" = "$want" ] || fail "next_inlcall_o2: next-line visits lines '$got', gdb's next '$want'"
n=$((n + $(echo "$want" | wc -w)))
# time/main where clang -O2 jumps past the prologue_end row into main's
# loop: gdb's `break main` stops there once the first call has returned
bp=""
if command -v clang >/dev/null; then
	clang -g -O2 -o "$T/bp_late" "$ROOT/tests/programs/bp_late.c" || fail "clang -O2 bp_late.c"
	off=$(timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'break main' -ex run -ex 'p $pc' \
		"$T/bp_late" </dev/null 2>&1 | sed -n 's/^\$1 = .*<main+\([0-9]*\)>$/\1/p')
	[ -n "$off" ] && [ "$off" -gt 0 ] || fail "bp_late: gdb's break main is not past main's entry: '$off'"
	record_ok "$T/bp_late.tr" "$T/bp_late"
	build_ok "$T/bp_late.tr"
	where=$("$HS" cat "$T/bp_late.tr" time/main/where)
	case $where in "main+$(printf '0x%x' "$off") "*) ;;
	*) fail "bp_late: time/main is '$where', gdb's break main stops at main+$off" ;; esac
	bp=", time/main past a call (clang -O2)"
fi
pass "$n lines as gdb's next (main of 3 programs, out of a callee, into a row's middle, a call inside an inlined copy's ranges)$bp"
