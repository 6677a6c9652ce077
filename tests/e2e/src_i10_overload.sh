#!/bin/bash
# src_i10_overload.sh - calls/ of a name that covers overloads (member
# functions, a const one, free functions in a namespace, a template's
# instances), -O0 and -O2 (where some run only as inlined copies): each
# line's signature column (after a tab) is the location gdb's `break NAME`
# stopped at, as `info breakpoints` names it, hit by hit; calls/<signature>
# holds as many calls as gdb's hits of that overload; a name of one
# function has no column.  Oracle: gdb on native runs of the same programs.
. "$(dirname "$0")/lib.sh"
require_built i10_overload
command -v gdb >/dev/null || fail "gdb is not installed"
command -v g++ >/dev/null || fail "g++ is not installed"
SRC=$ROOT/tests/programs/i10_overload.cc
NAMES="Leaf::bump geo::scale add"

# gdb: at each hit, the location's text in `info breakpoints` ("in
# Leaf::bump(int) at ..."): the overload it stopped in, inlined copies too
cat >"$T/sig.py" <<'PY'
import gdb, os, re
gdb.execute("set pagination off")
where, hits = {}, []
class Hit(gdb.Breakpoint):
    def stop(self):
        pc = gdb.newest_frame().pc()
        if pc not in where:
            for ln in gdb.execute("info breakpoints", to_string=True).splitlines():
                m = re.match(r"\s*\d+\.\d+\s+y\s+(0x[0-9a-f]+) in (.*) at \S+:\d+$", ln)
                if m:
                    where[int(m.group(1), 16)] = m.group(2)
        hits.append("%s\t%s" % (self.location, where.get(pc, "?")))
        return False
for n in os.environ["NAMES"].split():
    Hit(n)
gdb.execute("run", to_string=True)
with open(os.environ["OUT"], "w") as f:
    f.write("".join(h + "\n" for h in hits))
PY

n=0
check()
{
	local name=$1 bin=$2 f sig want got
	NAMES=$NAMES OUT=$T/$name.hits timeout -k 5 120 gdb -nx -batch -x "$T/sig.py" "$bin" \
		</dev/null >"$T/$name.gdb" 2>&1
	[ -s "$T/$name.hits" ] || fail "$name: gdb: $(tail -n 2 "$T/$name.gdb")"
	record_ok "$T/$name.trace" "$bin"
	"$HS" build "$T/$name.trace" >/dev/null 2>"$T/$name.build" ||
		fail "$name: build: $(tail -n 1 "$T/$name.build")"
	for f in $NAMES; do
		"$HS" cat "$T/$name.trace" "calls/$f" >"$T/$name.calls" || fail "$name: calls/$f"
		awk -F'\t' -v f="$f" '$1 == f { print $2 }' "$T/$name.hits" >"$T/$name.want"
		cut -f2 "$T/$name.calls" >"$T/$name.got"
		cmp -s "$T/$name.want" "$T/$name.got" ||
			fail "$name: calls/$f signatures: $(tr '\n' ';' <"$T/$name.got"), gdb's hits: $(tr '\n' ';' <"$T/$name.want")"
		# the columns before the tab are the usual ones
		if awk -F'\t' 'NF != 2 || split($1, c, " ") < 4 || split($1, c, " ") > 5' \
			"$T/$name.calls" | grep -q .; then
			fail "$name: calls/$f: bad lines: $(head -n 2 "$T/$name.calls")"
		fi
		# each overload by its signature: as many calls as it had hits
		sort -u "$T/$name.want" | while IFS= read -r sig; do
			want=$(grep -cxF -- "$sig" "$T/$name.want")
			"$HS" cat "$T/$name.trace" "calls/$sig" >"$T/$name.one" ||
				fail "$name: calls/$sig does not open"
			got=$(wc -l <"$T/$name.one")
			[ "$got" = "$want" ] || fail "$name: calls/$sig: $got calls, gdb $want hits"
			if grep -q "$(printf '\t')" "$T/$name.one"; then
				fail "$name: calls/$sig has a signature column"
			fi
		done || exit 1
		n=$((n + $(wc -l <"$T/$name.want")))
	done
	# a name of one function: no column
	if "$HS" cat "$T/$name.trace" calls/main | grep -q "$(printf '\t')"; then
		fail "$name: calls/main has a signature column"
	fi
}
check overload_O0 "$PROGS/i10_overload"
g++ -g -O2 -o "$T/i10_overload_o2" "$SRC" || fail "g++ -O2"
check overload_O2 "$T/i10_overload_o2"
pass "$n calls of overloads, each with gdb's location signature, -O0 and -O2"
