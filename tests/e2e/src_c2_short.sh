#!/bin/bash
# src_c2_short.sh - calls/<name> answers to the short names gdb's `break`
# takes, with gdb's hit counts, also for functions that only ran inlined:
# norm1 and Point::norm1 for geo::Point::norm1, ~Guard, Guard (the
# constructor), Box::get, twice and twice<double> for a template, lg for
# two instances whose names are too long to be listed, size for
# two classes' size (one inlined, one not: both), sq for a function both
# out of line and inlined (all its copies).  And calls/FILE:FUNCTION as
# gdb's `break FILE:FUNCTION`: FUNCTION is looked up in the compilation
# units that have a file named FILE (any file of the unit's line table:
# the .c, every header it includes), so a function whose first line row
# is a header's inlined code is in both, a header's static function is
# in each file that has a copy, and a function that only ran inlined is in
# none (gdb: "Function ... not defined in ...").
#
# Oracles, native runs: gdb with every `break SPEC` of a program at once,
# run to the end, each breakpoint's hit count (a refused SPEC and a SPEC
# of no hit are calls/SPEC's ENOENT); and tests/e2e/src_calls_inline.py
# for the short names of c2_short_o2 (the pc of each hit, inline or not,
# gdb's bt there, where each inlined copy is left).  c2_wild (-O0, -O2): a
# short name that is itself a function (size) stands for every scope's
# (X::size, ns::size, A::X::size, inlined copies too), a signature for
# every scope's of that signature (`break size() const`, and a mangled
# name: gdb demangles it, `break _Z4sizev` stops in ns::size() too), with a
# file too, and calls/size's signature column counts gdb's hits per
# function.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built c2_short_o2 c2_wild
cat >"$T/count.py" <<'PY'
import gdb, os
gdb.execute("set breakpoint pending off")
bps = {}
for spec in open(os.environ["SPECS"]).read().split("\n"):
    if spec:
        try:
            bps[spec] = gdb.Breakpoint(spec)
        except gdb.error:
            bps[spec] = None
gdb.execute("run", to_string=True)
while gdb.selected_inferior().pid:
    gdb.execute("continue", to_string=True)
with open(os.environ["OUT"], "w") as f:
    for spec, b in bps.items():
        f.write("%s\t%s\n" % (spec, b.hit_count if b is not None and b.hit_count else "none"))
PY

# and each hit's function (gdb's newest frame: an inlined copy's too), by
# the SPECs of SIGSPECS: "SPEC<tab>signature<tab>hits" lines
cat >"$T/sigs.py" <<'PY'
import gdb, os, collections
class B(gdb.Breakpoint):
    def stop(self):
        f = gdb.newest_frame().function()
        self.sigs[f.print_name if f else "?"] += 1
        return False
bps = []
for spec in os.environ["SIGSPECS"].split():
    bps.append(B(spec))
    bps[-1].sigs = collections.Counter()
gdb.execute("run", to_string=True)
with open(os.environ["OUT"], "w") as f:
    for b in bps:
        for sig, n in sorted(b.sigs.items()):
            f.write("%s\t%s\t%d\n" % (b.location, sig, n))
PY

# counts NAME PROG SPEC...: each calls/SPEC of PROG's recording has as many
# lines as gdb's `break SPEC` hits (none: ENOENT)
counts()
{
	local name=$1 prog=$2 spec want got
	shift 2
	printf '%s\n' "$@" >"$T/$name.specs"
	SPECS=$T/$name.specs OUT=$T/$name.want timeout -k 10 "$STEP_TIMEOUT" \
		gdb -nx -batch -x "$T/count.py" "$prog" </dev/null >"$T/$name.gdb" 2>&1
	[ "$(wc -l <"$T/$name.want" 2>/dev/null)" = $# ] ||
		fail "$name: gdb oracle: $(grep -i 'error\|Traceback' "$T/$name.gdb" | head -n 2 | tr '\n' ' ')"
	record_ok "$T/$name.trace" "$prog"
	build_ok "$T/$name.trace"
	mount_tree "$T/$name.trace" "$T/$name.mnt"
	while IFS=$'\t' read -r spec want; do
		if [ -e "$T/$name.mnt/calls/$spec" ]; then
			got=$(wc -l <"$T/$name.mnt/calls/$spec") || fail "$name: calls/$spec unreadable"
		else
			got=none
		fi
		[ "$got" = "$want" ] || fail "$name: calls/$spec: $got lines, gdb's break $spec: $want hits"
		compared=$((compared + 1))
	done <"$T/$name.want"
}

compared=0
short=(norm1 Point::norm1 geo::Point::norm1 '~Guard' Guard::~Guard Guard get Box::get
       'geo::Box<double>::get' twice geo::twice 'twice<double>' size Bag::size Box::size sq
       geo::sq use_guard bump lg 'c2_short_o2.cc:sq' 'c2_short_o2.cc:norm1'
       'c2_short_o2.cc:use_guard' 'c2_short_o2.cc:Bag::size' 'c2_short_o2.cc:main')
counts short_o2 "$PROGS/c2_short_o2" "${short[@]}"
# the same names out of line (-O0): size is two functions, bump an
# anonymous namespace's
g++ -g -O0 -o "$T/c2_short_o0" "$ROOT/tests/programs/c2_short_o2.cc" || fail "g++ -O0"
counts short_o0 "$T/c2_short_o0" "${short[@]}" 'Box<int>::size' 'twice<int>'
# a short name that is a function itself: gdb's `break size` also stops
# in every other scope's size (wild matching), and calls/size holds them
# all, each line's signature column naming the function as gdb's frame
wild=(size 'size()' 'size(int)' 'size() const' 'size(int) const' X::size ::size 'X::size() const'
      ns::size Y::size 'Y::size() const' A::X::size twice 'twice<int>' 'twice(int)' 'twice(double)'
      _Z4sizev _ZNK1X4sizeEv 'c2_wild.cc:size()' 'c2_wild.cc:X::size' 'c2_wild.cc:twice(int)')
g++ -g -O2 -o "$T/c2_wild_o2" "$ROOT/tests/programs/c2_wild.cc" || fail "g++ -O2 c2_wild.cc"
for w in "$PROGS/c2_wild" "$T/c2_wild_o2"; do
	name=$(basename "$w")
	counts "$name" "$w" "${wild[@]}"
	SIGSPECS="size X::size twice" OUT=$T/$name.sigs timeout -k 10 "$STEP_TIMEOUT" \
		gdb -nx -batch -x "$T/sigs.py" "$w" </dev/null >"$T/$name.sgdb" 2>&1
	[ -s "$T/$name.sigs" ] || fail "$name: gdb sigs oracle: $(grep -i 'error\|Traceback' "$T/$name.sgdb" | head -n 2)"
	for spec in size X::size twice; do
		cut -f2 "$T/$name.mnt/calls/$spec" | sort | uniq -c |
			awk -v s="$spec" '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%s\t%s\t%d\n", s, $0, n }'
	done | LC_ALL=C sort >"$T/$name.sigs.got"
	LC_ALL=C sort "$T/$name.sigs" | diff - "$T/$name.sigs.got" >"$T/$name.sigs.diff" ||
		fail "$name: calls/ signature column vs gdb's hits per function (<gdb >ours): $(head -n 4 "$T/$name.sigs.diff" | tr '\n' ' ')"
done

mf=("$ROOT"/tests/programs/c2_mf/c2_a.c "$ROOT"/tests/programs/c2_mf/c2_b.c)
files=(hsq hb_twice c2_h.h:hsq c2_a.c:hsq c2_b.c:hsq c2_hb.h:hb_twice c2_hb.h:run_b
       c2_hb.h:lead c2_a.c:lead c2_h.h:lead c2_b.c:lead stdio.h:main c2_b.c:run_b c2_a.c:run_b)
for o in O0 O2; do
	gcc -g -$o -o "$T/mf_$o" "${mf[@]}" || fail "gcc -$o"
	counts "mf_$o" "$T/mf_$o" "${files[@]}"
done

# where each short name's hits stop, as gdb's (not ~Guard: gdb's block of
# that copy, whose ranges wrap the constructor's, is left later there)
funcs="norm1 Point::norm1 Guard Box::get twice twice<double> size sq use_guard"
ORACLE_PROG=$PROGS/c2_short_o2 ORACLE_OUT=$T/short.json ORACLE_FUNCS="$funcs" \
	ORACLE_SRC=c2_short_o2.cc timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch \
	-x "$ROOT/tests/e2e/src_calls_inline.py" </dev/null >"$T/short.gdb" 2>&1
[ -s "$T/short.json" ] || fail "src_calls_inline.py: $(grep -i 'error\|Traceback' "$T/short.gdb" | head -n 2)"
ORACLE_SRC=c2_short_o2.cc "$PY" "$ROOT/tests/e2e/src_calls_inline.py" compare "$T/short.json" \
	"$T/short_o2.mnt" c2_short_o2 >"$T/short.cmp" 2>&1 || fail "c2_short_o2: $(head -n 3 "$T/short.cmp" | tr '\n' ' ')"
grep -q '^0 mismatches, [1-9][0-9]* hits ([1-9]' "$T/short.cmp" || fail "no inlined hit compared: $(tail -n 1 "$T/short.cmp")"
pass "$compared calls/NAME and calls/FILE:NAME as gdb's break (C++ -O2/-O0, C -O0/-O2 in two files); $(tail -n 1 "$T/short.cmp")"
