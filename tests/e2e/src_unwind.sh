#!/bin/bash
# src_unwind.sh - the libdwfl unwinder (CFI over recorded registers and memory) cross-checks the call tree's backtraces, and fills in signal frames.
#
# 1. recursive.c: at every line start in recursive.c (530 moments, the
#    deepest 7 insert calls deep), the stack unwound by `hindsight query
#    unwind` (hs_src_unwind, independent of the call tree) has the same
#    frames, function and file:line each, as time/<t>/backtrace (the call
#    tree), and the backtrace needs no unwound frame.
# 2. signal.c: inside the SIGUSR1 handler (a call entered by delivery)
#    the backtrace shows the handler, "<signal handler called>", the
#    interrupted libc frame, raise (__GI_raise, gdb's DWARF name) and main, all from the call tree;
#    inside the SIGSEGV handler, the marker and main at the faulting line
#    (signal.c:50), as gdb shows them; the unwinder alone agrees.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

require_built recursive signal

# ---- 1. recursive: unwinder == call tree at every line start ----------------
record_ok "$T/rec" "$PROGS/recursive"
build_ok "$T/rec"
fid=$("$HS" query "$T/rec" lines | awk '$2 ~ /(^|\/)recursive\.c$/ {print $1; exit}')
[ -n "$fid" ] || fail "no line file recursive.c in the database"
"$HS" query "$T/rec" line-starts 0 999999999 | awk -v f="$fid" '$3 == f {print $1}' >"$T/ts"
n=$(wc -l <"$T/ts")
[ "$n" -ge 100 ] || fail "only $n line starts in recursive.c"
"$HS" query "$T/rec" unwind - <"$T/ts" >"$T/unwound" 2>"$T/unwound.err" ||
	fail "query unwind failed: $(head -n 2 "$T/unwound.err" | tr '\n' ' ')"
mount_tree "$T/rec" "$T/mnt"
"$PY" - "$T/ts" "$T/unwound" "$T/mnt" >"$T/cmp.out" 2>&1 <<'PYEOF'
import re, sys
ts_path, uw_path, mnt = sys.argv[1:4]
ts = [int(x) for x in open(ts_path).read().split()]

def frame(where):
    # "function+0xoff file:line" -> (function, file:line); offsets differ
    # (a call site against a return address), function and line must not
    parts = where.split()
    return (re.sub(r"\+0x[0-9a-f]+$", "", parts[0]), parts[1] if len(parts) > 1 else "")

uw, cur = {}, None
for ln in open(uw_path).read().splitlines():
    if re.match(r"^\d+:$", ln):
        cur = int(ln[:-1]); uw[cur] = []
    elif ln:
        uw[cur].append(frame(ln.split(None, 1)[1]))
bad, deepest = [], 0
for t in ts:
    bt = open("%s/time/%d/backtrace" % (mnt, t)).read().splitlines()
    if any(l.endswith("(unwound)") for l in bt):
        bad.append("t %d: unwound frames in a backtrace the call tree answers: %s" % (t, bt))
    ct = [frame(" ".join(l.split()[1:-1])) for l in bt]
    if ct != uw.get(t):
        bad.append("t %d: call tree %s, unwinder %s" % (t, ct, uw.get(t)))
    deepest = max(deepest, sum(1 for f in ct if f[0] == "insert"))
print("compared %d backtraces, deepest %d insert frames, %d mismatches" % (len(ts), deepest, len(bad)))
for b in bad[:3]:
    print(b)
sys.exit(1 if bad or deepest < 7 or len(uw) != len(ts) else 0)
PYEOF
rc=$?
cat "$T/cmp.out" >&2
[ "$rc" = 0 ] || fail "$(head -n 3 "$T/cmp.out" | tr '\n' ' ')"
summary=$(head -n 1 "$T/cmp.out")
unmount_tree "$T/mnt"

# ---- 2. signal: the handler's frames --------------------------------------------
record_ok "$T/sig" "$PROGS/signal"
build_ok "$T/sig"
TR=$T/sig
ev=$("$HS" query "$T/sig" events --kind signal 0 999999999)
t_usr1=$(echo "$ev" | awk '/SIGUSR1/ {print $1; exit}')
t_segv=$(echo "$ev" | awk '/SIGSEGV/ {print $1; exit}')
[ -n "$t_usr1" ] && [ -n "$t_segv" ] || fail "no SIGUSR1/SIGSEGV events: $ev"

# the handler's first state (its delivery) and a later one: the handler
# is a call (signal delivery) and its frame sits on the interrupted one
# under "<signal handler called>", as gdb shows it, from the call tree
for t in "$t_usr1" $((t_usr1 + 2)); do
	hcat "time/$t/backtrace" >"$T/bt.$t" || fail "cat time/$t/backtrace failed"
	awk 'NR == 1 && $2 ~ /^on_usr1\+/ && $NF != "(unwound)" {a = 1}
	     NR == 2 && $0 == "#1 <signal handler called>" {b = 1}
	     NR == 3 && $2 ~ /^__pthread_kill_implementation\+/ && $NF != "(unwound)" {c = 1}
	     $2 ~ /^__GI_raise\+/ && $NF != "(unwound)" {d = 1}
	     $2 ~ /^main\+/ && $3 ~ /^signal\.c:/ {e = 1}
	     /unwound/ {u = 1}
	     END {exit !(a && b && c && d && e && !u)}' "$T/bt.$t" ||
		fail "backtrace in the SIGUSR1 handler at t $t: $(tr '\n' '|' <"$T/bt.$t")"
done
# caller: the interrupted code, not the handler's own first instruction
cw=$(hcat "time/$((t_usr1 + 2))/caller/where")
[[ $cw == __pthread_kill_implementation+* ]] || fail "caller of the SIGUSR1 handler is '$cw'"
line=$(grep -n '/\* faults \*/' "$ROOT/tests/programs/signal.c" | cut -d: -f1)
t=$((t_segv + 3))
hcat "time/$t/backtrace" >"$T/bt.segv" || fail "cat time/$t/backtrace failed"
awk -v l="signal.c:$line" \
	'NR == 1 && $2 ~ /^on_segv\+/ {a = 1}
	 NR == 2 && $0 == "#1 <signal handler called>" {b = 1}
	 NR == 3 && $2 ~ /^main\+/ && $3 == l && $NF != "(unwound)" {c = 1}
	 END {exit !(a && b && c)}' "$T/bt.segv" ||
	fail "backtrace in the SIGSEGV handler at t $t (want main at signal.c:$line): $(tr '\n' '|' <"$T/bt.segv")"
# the unwinder alone agrees: handler, trampoline, main at the faulting line
"$HS" query "$T/sig" unwind "$t" >"$T/uw.segv" || fail "query unwind $t failed"
awk -v l="signal.c:$line" 'NR == 3 && $2 ~ /^main\+/ && $3 == l {ok = 1} END {exit !ok}' \
	"$T/uw.segv" || fail "query unwind in the SIGSEGV handler: $(tr '\n' '|' <"$T/uw.segv")"

# bad input: a clear error, not a crash
"$HS" query "$T/sig" unwind nope >/dev/null 2>"$T/bad.err"
rc=$?
[ "$rc" = 2 ] && grep -q "not a number" "$T/bad.err" || fail "query unwind nope: rc $rc: $(cat "$T/bad.err")"
pass "$summary; signal handler frames as gdb shows them"
