#!/bin/bash
# src_oracle_expr.sh - time/<t>/eval/<expr> against gdb's `print EXPR` at the same line.
#
# Programs: expr_data (-O0: a linked list, an array of structs, a nested
# struct, a union, pointers to pointers, char arrays and char *, an enum,
# globals, a static local), expr_grid (-O0: arrays of arrays, bit-fields,
# anonymous members, const pointers, a function pointer, variable-length
# arrays, flexible array members), expr_walk_o2 (-O2: parameters in registers, a
# heap list) and expr_obj (C++: a base class, `this`, references); again
# expr_grid with its .debug_aranges removed, and, where clang is
# installed, expr_data, expr_grid, expr_walk_o2 and expr_obj built by
# clang (no .debug_aranges, DWARF 5 .debug_addr, DW_AT_bit_offset); and
# built with type units (gcc and clang, DWARF 4 and 5) and with split
# DWARF (gcc and clang; locals/ against gdb's info args and info locals
# there too).  gdb runs each natively (scripts/gdb-expr-oracle.py) with
# breakpoints at lines; the moment in the recording is the same hit of
# that line in lines/<file>/<line>.  Values and gdb's error messages must
# be equal, but addresses: a recording under Valgrind maps the program
# and its stack elsewhere, so hex numbers of 5 digits or more compare as
# "0x?" (the symbol after them, <g_accounts+32>, still counts).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built expr_data expr_grid expr_walk_o2 expr_obj
SRC=$ROOT/tests/programs
# gdb reads libc's separate debug file when the tree does: a pointer into
# libc is <__printf> with it, <printf> without
libc=$(ldd "$PROGS/expr_grid" | awk '/libc\.so/ {print $3}')
id=$(readelf -n "$libc" 2>/dev/null | awk '/Build ID/ {print $3}')
[ -n "$id" ] && [ -f "/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" ] &&
	export EXPR_DEBUG_FILES=1

# "file:line<TAB>hit<TAB>expr"; the line is found by its "line: NAME" tag.
cases_data()
{
	local f=$1
	expr_cases "$f" 'line: probe-ret' 1 <<'CASES'
acc
acc[1].balance
it->owner
*it
it
it->qty
tag
msg
c
arr
p
*p
**pp
s->corner[1]
*s
s->meta
s->meta.label
s->meta.flags & 3
w
w.b
w.u
g_head
g_head->next->v
*g_head->next
g_head->next->next->next->v
g_name
g_buf
g_count
g_accounts[0].owner
arr[1]+arr[2]*2
p+1
*(p+1)
p[1]
p-&arr[0]
&arr[1]
&g_accounts
&g_count
&tag
&tag[1]
&it->balance
&*it
it - acc
acc + 1
*(acc+2)
g_buf + 1
sizeof(struct account)
sizeof arr
sizeof(long)
sizeof(int)*2
(long)n
(char)65
(unsigned char)300
(unsigned long)-1
(struct node *)g_head
(long *)p
(void *)p
(char *)msg
(enum color)5
'a'
'\n'
RED
c == BLUE
GREEN + 1
n > 2
-n
!n
~n
7 % 3
-7 %2F 2
-7 % 3
1 << 40
0x10
3000000000
x
acc->q
n.x
n->x
n[1]
*n
&5
10%2F0
acc[
acc)
1 +
(struct nosuch *)p
tally
&tally
*tally
tally + 1
main
sizeof(tally)
CASES
	expr_cases "$f" 'line: tally-ret' 2 <<'CASES'
calls
head
*head
pp
*pp
**pp
head->next->next->v
sum
n
CASES
}

cases_walk()
{
	local f=expr_walk_o2.c
	expr_cases "$f" 'line: push-ret' 3 <<'CASES'
it
*it
it->next
*it->next
it->next->next->name
head
qty
price
g_list
*g_list
g_stock
g_stock[1].name
&g_stock[1]
g_rounds
it->qty * price
CASES
	expr_cases "$f" 'return sum \* rounds' 2 <<'CASES'
sum
rounds
it
g_stock[0].next->name
*g_stock[0].next
CASES
}

cases_grid()
{
	local f=expr_grid.c
	expr_cases "$f" 'line: grid-stop' 1 <<'CASES'
bt
bt.b
bt.c
%2Fx bt
%2Ft bt
%2Fz bt
%2Fc bt
%2Fx an
%2Fd sg
%2Fx sg
%2Fx recs
%2Fc names
%2Fx grid[1]
%2Fa fp
%2Fd u
%2Fx neg
%2Fo neg
%2Fu neg
recs
recs[0].score
recs[0].ratio
recs[0].ok
recs[0].big
recs[1].name
recs->name
an
an.i
an.c
an.s2
sg
sg == NEG
(enum sign)2
(enum sign)3
grid
grid[1]
grid[1][2]
*grid[2]
row
row[1]
*row
row[2][3]
&grid[1]
&grid
sizeof grid[0]
sizeof grid
ptrs
*ptrs[0]
ptrs[1]
*ptrs[1]
ptrs[0] - ptrs[2]
ptrs[0] < ptrs[2]
!ptrs[1]
fp
words
words[1]
*words[0]
&words
*&words
names
names[1]
names[1][2]
&names[1]
u
u + u
u * 2
-u
neg
(unsigned char)neg
neg * 2
sizeof(bits_t)
sizeof(rec_t)
(long)&recs[1] - (long)&recs[0]
*(rec_t *)0
(char)300
1 ? 2 : 3
u > 5 ? grid[0][1] : grid[2][2]
10 - 2 - 3
1 + 2 * 3 - 4 % 3
(1 + 2) * 3
'A' + 1
2147483647 + 1
sizeof(int) == 4
*words[0]@3
grid[0][0]@5
*ptrs[0]@2
recs[0]@2
*grid@2
(grid[0][0]@5)[3]
sizeof(grid[0][0]@5)
u@0
5@2
CASES
	# variable-length arrays: bounds computed in the frame (gcc: DWARF
	# expressions; clang: artificial variables), a pointer to one as
	# gdb's incomplete type; flexible array members as gdb's pointer
	expr_cases "$f" 'line: vla-ret' 1 <<'CASES'
sq
sizeof(sq)
&sq
*sq@2
sq[2]
sq+1
*&sq
tab
tab[1]
sizeof(tab)
sizeof(tab[0])
&tab
&tab[1]
tab[1][2]
*tab
tab[0]@2
name
sizeof(name)
CASES
	expr_cases "$f" 'line: trace-ret' 1 <<'CASES'
m
*m
m[1]
m[2][2]
m+1
sizeof(*m)
(*m)[1]
**m
&*m
CASES
	expr_cases "$f" 'line: flex-stop' 1 <<'CASES'
*m
m->data
*iv
iv->v
sizeof(m->data)
sizeof(*iv)
iv->v[1]
&iv->v
*iv->v@3
m->data[0]
&m->data
*m->data@2
CASES
}

cases_obj()
{
	local f=expr_obj.cc
	expr_cases "$f" 'line: area-ret' 1 <<'CASES'
a
this
*this
w
h
id
this->kind
inner
*inner
inner->w
this->inner->inner
CASES
	expr_cases "$f" 'line: use-ret' 1 <<'CASES'
b
s
b.w * b.h
s.kind
b.inner->id
*b.inner
&b
total
sz
&sz
sizes
&sizes
sz[2]
CASES
}

# check PROG CASESFN: gdb's values vs the tree's, one line per difference.
check()
{
	local prog=$1 src=$2 fn=$3
	"$fn" "$src" >"$T/$prog.cases"
	# the oracle takes the expressions unescaped
	sed 's/%2F/\//g' "$T/$prog.cases" >"$T/$prog.gdbcases"
	expr_gdb "$prog" "$T/$prog.gdbcases"
	record_ok "$T/$prog.tr" "$PROGS/$prog"
	build_ok "$T/$prog.tr"
	# one server reads every file (a cat each would load the DWARF again)
	serve_start "$prog" "$T/$prog.tr"
	"$PY" - "$ROOT" "$BASE" "$HS" "$T/$prog.tr" "$SRC" "$T/$prog.cases" "$T/$prog.gdb.tsv" <<'PYEOF' || fail "$(head -n 3 "$T/$prog.diff" | tr '\n' ' ')"
import re, sys
root, base, hs, tr, src, cases_f, gdb_f = sys.argv[1:]
sys.path.insert(0, root + "/scripts")
from hs_tree import tree_cat
gdb = {}
for l in open(gdb_f):
    loc, hit, e, v = l.rstrip("\n").split("\t", 3)
    gdb[(loc, hit, e.replace("/", "%2F"))] = v
def norm(v):
    return re.sub(r"0x[0-9a-f]{5,}", "0x?", v)
def cat(path):
    return tree_cat(base, path, hs, tr)
moments, bad, n = {}, [], 0
for l in open(cases_f):
    loc, hit, e = l.rstrip("\n").split("\t")
    if (loc, hit) not in moments:
        f, line = loc.rsplit(":", 1)
        ts = cat("lines/%s/%s/%s" % (src.lstrip("/"), f, line)).split()
        moments[(loc, hit)] = ts[int(hit) - 1] if len(ts) >= int(hit) else None
    t = moments[(loc, hit)]
    want = gdb.get((loc, hit, e))
    if t is None or want is None:
        bad.append("%s at %s hit %s: no moment (%s) or no gdb value (%s)" % (e, loc, hit, t, want))
        continue
    got = cat("time/%s/eval/%s" % (t, e))
    n += 1
    if norm(got) != norm(want):
        bad.append("%s at %s: gdb %r, tree %r" % (e, loc, want, got))
out = open(cases_f.replace(".cases", ".diff"), "w")
for b in bad:
    out.write(b + "\n")
sys.stderr.write("%s: %d expressions, %d differ\n" % (tr, n, len(bad)))
for b in bad:
    sys.stderr.write("  " + b + "\n")
sys.exit(1 if bad or n == 0 else 0)
PYEOF
	serve_stop
}

check expr_data expr_data.c cases_data
check expr_grid expr_grid.c cases_grid
check expr_walk_o2 expr_walk_o2.c cases_walk
check expr_obj expr_obj.cc cases_obj
# clang writes no .debug_aranges (nor does a file objcopy or strip took
# them from): the compile unit at an address comes from
# the units' own ranges (fs/source/cu_lookup.c), and its globals are
# DW_OP_addrx (DWARF 5's .debug_addr)
mkdir -p "$T/noar"
objcopy --remove-section .debug_aranges "$PROGS/expr_grid" "$T/noar/expr_grid_noar" ||
	fail "objcopy"
PROGS=$T/noar check expr_grid_noar expr_grid.c cases_grid
# type units (-fdebug-types-section: DWARF 4's .debug_types, DWARF 5's
# type units in .debug_info): a CU holds a stub with DW_AT_signature only;
# and split DWARF (-gsplit-dwarf): the executable holds skeleton units,
# the DIEs are in .dwo files next to it (found through DW_AT_comp_dir,
# the directory it was built in) (fs/source/units.c)
mkdir -p "$T/tu" "$T/split"
gcc -g -O0 -gdwarf-4 -fdebug-types-section -o "$T/tu/expr_data_tu" "$SRC/expr_data.c" &&
	g++ -g -O0 -gdwarf-4 -fdebug-types-section -o "$T/tu/expr_obj_tu" "$SRC/expr_obj.cc" &&
	g++ -g -O0 -gdwarf-5 -fdebug-types-section -o "$T/tu/expr_obj_tu5" "$SRC/expr_obj.cc" &&
	(cd "$T/split" && gcc -g -O0 -gsplit-dwarf -o expr_data_split "$SRC/expr_data.c" &&
		gcc -g -O2 -gsplit-dwarf -o expr_walk_split_o2 "$SRC/expr_walk_o2.c" &&
		g++ -g -O0 -gsplit-dwarf -o expr_obj_split "$SRC/expr_obj.cc") ||
	fail "gcc could not build the type-unit and split-DWARF programs"
ls "$T/split"/*.dwo >/dev/null 2>&1 || fail "gcc -gsplit-dwarf wrote no .dwo file"
PROGS=$T/tu check expr_data_tu expr_data.c cases_data
PROGS=$T/tu check expr_obj_tu expr_obj.cc cases_obj
PROGS=$T/tu check expr_obj_tu5 expr_obj.cc cases_obj
PROGS=$T/split check expr_data_split expr_data.c cases_data
PROGS=$T/split check expr_walk_split_o2 expr_walk_o2.c cases_walk
PROGS=$T/split check expr_obj_split expr_obj.cc cases_obj
# locals/ too (hs_src_locals finds the frame's scopes in the split unit):
# gdb's info args and info locals (null-stop on, as locals/ prints), "name
# = value" each, addresses as "0x?"
locals_gdb()
{
	local prog=$1 src=$2 tag=$3 l t want got n
	l=$(grep -n "$tag" "$SRC/$src" | head -n 1 | cut -d: -f1)
	t=$("$HS" cat "$T/$prog.tr" "lines/${SRC#/}/$src/$l" | head -n 1)
	want=$(timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break $src:$l" -ex run \
		-ex 'set print null-stop on' -ex 'info args' -ex 'info locals' "$PROGS/$prog" \
		</dev/null 2>&1 |
		grep -E '^[a-z_]+ = ' | sed -E 's/0x[0-9a-f]{5,}/0x?/g')
	got=$(for n in $("$HS" ls "$T/$prog.tr" "time/$t/locals"); do
		echo "$n = $("$HS" cat "$T/$prog.tr" "time/$t/locals/$n")"
	done | sed -E 's/0x[0-9a-f]{5,}/0x?/g')
	[ -n "$want" ] && [ "$got" = "$want" ] ||
		fail "$prog: locals/ at $t (line $l): $(diff <(echo "$want") <(echo "$got") | head -n 4 | tr '\n' ' ')"
}
PROGS=$T/split locals_gdb expr_data_split expr_data.c 'line: probe-ret'
CL=""
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
	mkdir -p "$T/clang"
	clang -g -O0 -o "$T/clang/expr_data_clang" "$SRC/expr_data.c" &&
		clang -g -O2 -o "$T/clang/expr_walk_clang_o2" "$SRC/expr_walk_o2.c" &&
		clang++ -g -O0 -o "$T/clang/expr_obj_clang" "$SRC/expr_obj.cc" ||
		fail "clang could not compile the test programs"
	PROGS=$T/clang check expr_data_clang expr_data.c cases_data
	PROGS=$T/clang check expr_walk_clang_o2 expr_walk_o2.c cases_walk
	PROGS=$T/clang check expr_obj_clang expr_obj.cc cases_obj
	# locals/ of a struct of bit-fields that clang places with DWARF 2's
	# DW_AT_bit_offset (eval/ reads them in cexpr_val.c, locals/ in format.c)
	clang -g -O0 -o "$T/clang/expr_grid_clang" "$SRC/expr_grid.c" || fail "clang"
	PROGS=$T/clang check expr_grid_clang expr_grid.c cases_grid
	l=$(grep -n 'line: grid-stop' "$SRC/expr_grid.c" | cut -d: -f1)
	t=$("$HS" cat "$T/expr_grid_clang.tr" "lines/${SRC#/}/expr_grid.c/$l" | head -n 1)
	want=$(timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break expr_grid.c:$l" -ex run \
		-ex 'info locals' "$T/clang/expr_grid_clang" </dev/null 2>&1 | sed -n 's/^bt = //p')
	got=$("$HS" cat "$T/expr_grid_clang.tr" "time/$t/locals/bt" 2>&1)
	[ -n "$want" ] && [ "$got" = "$want" ] ||
		fail "expr_grid_clang: locals/bt at $t is '$got', gdb's info locals says '$want'"
	clang -g -O0 -gdwarf-5 -fdebug-types-section -o "$T/tu/expr_data_cltu" "$SRC/expr_data.c" &&
		clang++ -g -O0 -gdwarf-5 -fdebug-types-section -o "$T/tu/expr_obj_cltu" \
			"$SRC/expr_obj.cc" &&
		clang++ -g -O0 -gdwarf-4 -fdebug-types-section -o "$T/tu/expr_obj_cltu4" \
			"$SRC/expr_obj.cc" &&
		(cd "$T/split" && clang -g -O0 -gsplit-dwarf -o expr_data_clsplit "$SRC/expr_data.c" &&
			clang++ -g -O0 -gsplit-dwarf -o expr_obj_clsplit "$SRC/expr_obj.cc") ||
		fail "clang could not build the type-unit and split-DWARF programs"
	PROGS=$T/tu check expr_data_cltu expr_data.c cases_data
	PROGS=$T/tu check expr_obj_cltu expr_obj.cc cases_obj
	PROGS=$T/tu check expr_obj_cltu4 expr_obj.cc cases_obj
	PROGS=$T/split check expr_data_clsplit expr_data.c cases_data
	PROGS=$T/split check expr_obj_clsplit expr_obj.cc cases_obj
	PROGS=$T/split locals_gdb expr_obj_clsplit expr_obj.cc 'line: use-ret'
	CL=", and expr_data, expr_grid (locals/bt too), expr_walk_o2, expr_obj built by clang (with type units and split DWARF too)"
else
	note "no clang: its programs are left out"
fi
pass "eval equals gdb's print on expr_data, expr_grid, expr_walk_o2 (-O2) and expr_obj (C++), expr_grid without .debug_aranges, with type units (DWARF 4 and 5) and split DWARF (locals/ too)$CL"
