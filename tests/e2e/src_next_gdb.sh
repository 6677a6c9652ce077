#!/bin/bash
# src_next_gdb.sh - next-line is gdb's own `next`: gdb runs each program natively and `next`s through main, line by line, and out of a callee whose caller's line makes a second call; Hindsight's next-line chain from the same moment must visit the same lines.
#
# The src_oracle tests derive next/reverse-next from gdb's step sequence;
# this one asks gdb's `next` itself, so a call on a line (whose return gcc
# marks with a new row of the same line) cannot make a stop gdb skips.
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
pass "$n lines as gdb's next (main of 3 programs, and out of a callee)"
