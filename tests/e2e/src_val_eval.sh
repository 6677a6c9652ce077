#!/bin/bash
# src_val_eval.sh - time/<t>/eval/ against gdb's `print` for strings behind
# pointers, thread-local variables and libc's ELF-alias globals (issue 10).
#
# Programs: val_str (-O0: char * and wchar_t * with runs of equal chars,
# gdb's "'x' <repeats 50 times>", strings cut at 200 chars with "...", at
# exactly 200, runs that cross the limit, an empty string, strings that
# run into unmapped memory); val_tls (-O0) and val_tls_o2 (-O2): __thread
# scalars, arrays and structs and libc's errno in main and in two threads
# run one after the other (each its own copy), their addresses, and
# libc's globals that DWARF knows by another name or only declares
# (environ, program_invocation_name); val_glob (-O0): libc's globals that
# the executable uses, whose live objects copy relocations put in its
# .bss (stdout@GLIBC_2.2.5), and a data symbol without debug information;
# ns_scope (C++, -O0 and -O2): namespace-qualified globals (ns::g,
# ns::inner::arr[1]), the global scope (::x past a parameter x, ::sx past
# a local sx), static data members (Cls::count), an anonymous
# namespace's variable (<optimized out> at -O2), and the <sym> after a
# pointer to code and to data; ns_qual (C++, gcc, and clang when
# installed: its namespace variables and static members are defined inside
# the namespace DIE): static members of nested classes, methods and a
# namespace's functions as values, and gdb's errors for qualified names
# that name no variable ("There is no field named nope", "Cannot
# reference non-static field", "No type ... within class or namespace",
# "Attempt to use a type name as an expression"); val_fptr (-O0): type
# names of pointers to arrays of function pointers and of functions
# returning function pointers ("int (*(*)[3])(int)", "{int (*(int))
# (int)}"); val_tls_dl: a dlopen'ed library's __thread variables in
# threads that have not touched them yet (gdb's "The inferior has not yet
# allocated storage..." error, three lines) and after; ev_outer (g++ -O0,
# -O2, clang++ -O2): "func::local" of frames further out, template
# functions (max<int>), type instances (operator==(V2, V2)), unknown names
# before "(" (gdb's ADL call); ev_cold (g++ -O0, -O2, clang++): functions
# split in hot and cold parts, <main(int, char**)> in gdb's canonical form.
# ev_vbase (C++, g++ -O0, clang++ -O0 and -O2): virtual base class
# subobjects, their offsets read from the object's vtable.
# gdb
# runs each natively (scripts/gdb-expr-oracle.py, libc's separate debug
# file on when installed, as the recording's eval/ reads it); the tree
# answers every expression in one `hindsight cat`.  Hex numbers of 5
# digits or more compare as "0x?" (Valgrind maps elsewhere).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built val_str val_tls val_tls_o2 val_glob ns_scope ns_scope_o2 ns_fptr ns_inner ns_qual \
	val_fptr val_tls_dl val_float ev_vbase
SRC=$ROOT/tests/programs

# libc's expressions need its debug information, in gdb and in the tree
libc=$(ldd "$PROGS/val_tls" | awk '/libc\.so/ {print $3}')
id=$(readelf -n "$libc" 2>/dev/null | awk '/Build ID/ {print $3}')
LIBC_DEBUG=0
[ -n "$id" ] && [ -f "/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" ] && LIBC_DEBUG=1
export EXPR_DEBUG_FILES=$LIBC_DEBUG

cases_str()
{
	expr_cases val_str.c 'line: str-stop' 1 <<'CASES'
p50
p250
mixed
r10
r11
w
wmix
p200
p201
edge
empty
g_msg
p250 + 240
p250 + 60
*p250@12
mixed + 1
w + 245
*w
wmix[30]
&big[40]
(char *)big
big
end5
end30
end200
end230
unmapped
CASES
}

cases_tls()
{
	local hit
	for hit in 1 2; do
		expr_cases val_tls.c 'line: work-stop' "$hit" <<'CASES'
tl_count
&tl_count
tl_name
tl_arr
tl_arr[1]
tl_pt
tl_pt.tag
&tl_pt.y
tl_str
sizeof(tl_arr)
i
CASES
		[ "$LIBC_DEBUG" = 1 ] && printf 'val_tls.c:%s\t%s\terrno\n' \
			"$(grep -n 'line: work-stop' "$SRC/val_tls.c" | cut -d: -f1)" "$hit"
	done
	expr_cases val_tls.c 'line: use-ret' 2 <<'CASES'
tl_count
tl_name
shared
CASES
	expr_cases val_tls.c 'line: use-ret' 3 <<'CASES'
tl_count
&tl_count
tl_name
tl_arr
tl_pt
tl_str
*tl_str@3
CASES
	[ "$LIBC_DEBUG" = 1 ] && expr_cases val_tls.c 'line: use-ret' 3 <<'CASES'
errno
&errno
environ
&environ
__environ
sizeof(environ)
environ == __environ
program_invocation_name
program_invocation_short_name
*program_invocation_short_name
stdout
optarg
&optarg
optind
CASES
	return 0
}

cases_glob()
{
	expr_cases val_glob.c 'line: glob-stop' 1 <<'CASES'
stdout
&stdout
environ
*environ
environ[1]
&environ
__environ
optind
&optind
opterr
fake_env
program_invocation_short_name
val_asmvar
(long)val_asmvar
(int)val_asmvar
(char)val_asmvar
&val_asmvar
val_asmvar + 1
sizeof(val_asmvar)
*val_asmvar
val_asmvar[0]
-val_asmvar
val_asmtls
(int)val_asmtls
(short)val_asmtls + 1
CASES
}

cases_ns()
{
	expr_cases ns_scope.cc 'line: ns-stop' 1 <<'CASES'
x
::x
sx
::sx
g
::g
ns::g
ns::inner::g
ns::inner::arr
ns::inner::arr[1]
&ns::g
ns::d
ns::s
Cls::count
Cls::label
&Cls::count
anon
ns::nope
nope::g
fp
dp
::use
ns::g + ::x
ns :: inner :: g
CASES
}

cases_inner()
{
	expr_cases ns_inner.cc 'line: f-stop' 1 <<'CASES'
g
::g
ns::g
ns::z
z
ns::In::cnt
In::cnt
ns::In::K
ns::In::D
cnt
CASES
}

cases_fptr()
{
	expr_cases ns_fptr.c 'line: fptr-stop' 1 <<'CASES'
fp_raise
vp_raise
fp_free
fp_helper
code_mid
raise_mid
o
perr
*fp_raise
(void*)&stdin
&fp_raise
&fp_helper
fp_malloc
&fp_malloc
fp_arr
&fp_arr[1]
CASES
	# libc's functions by their ELF names (DWARF: __printf), with its
	# debug information only (gdb's <printf> without it)
	[ "$LIBC_DEBUG" = 1 ] && expr_cases ns_fptr.c 'line: fptr-stop' 1 <<'CASES'
printf
(void*)printf
(char*)printf+1
malloc
(void*)malloc
raise
CASES
}

cases_qual()
{
	expr_cases ns_qual.cc 'line: q-stop' 1 <<'CASES'
ns::In::cnt
ns::In::Deep::d
ns::g
ns::inner::h
Cls::count
U::su
&ns::In::cnt
sizeof(ns::In::cnt)
sizeof(Cls::count)
Cls::nope
Cls::v
Cls::EA
Cls::E
ns::In::nope
ns::In::Deep::nope
ns::nope
ns::inner::nope
ns::Nope::x
Nope::x
ns::In::m
U::nope
U::a
ns::In
ns::In::Deep
Cls::nope + 1
sizeof(Cls::nope)
&Cls::nope
Cls::get
ns::In::twice
&Cls::get
&ns::In::twice
ns::nf
&ns::nf
*ns::nf
in.m
sizeof(ns::In)
sizeof (ns::In::Deep)
sizeof(ns::In *)
sizeof(ns::Nope)
CASES
}

# gdb's blocks: a function's static local from another frame, a
# frame's local by its function's name, a file's variables and
# functions, and gdb's errors for each
cases_scope_c()
{
	expr_cases ev_scope.c 'line: sc-stop' 1 <<'CASES'
bump::calls
'bump'::calls
other::calls
other::tag
'other'::tag
'ev_scope.c'::g_counter
'ev_scope.c'::g_pub
'ev_scope.c'::g_arr
'ev_scope.c'::g_arr[1]
'ev_scope.c'::bump
'ev_scope.c'::calls
bump::calls + other::calls
main::last
main::calls
calls
bump::nope
nope::calls
'nope.c'::g_pub
sizeof(bump::calls)
'bump'
'ev_scope.c'::main
other::v
'ev_scope.c'::bump::calls
bump::g_pub
'ev_scope.c'::other::calls
'ev_scope.c'::nope::x
bump::calls::x
main::nope
'a'
'\n'
CASES
	# the <sym> of a static: gdb decodes a symbol no other language
	# claims as Ada's (ada_decode): gcc's "calls.1" is <calls>, clang's
	# "bump.calls" <bump[calls]>; gcc's "Hits.2" stays whole (an
	# upper-case letter), clang's "other.Hits" is <other[Hits]>
	expr_cases ev_scope.c 'line: sc-stop' 1 <<'CASES'
&bump::calls
&other::calls
&other::tag
&other::Hits
other::Hits
CASES
}

# C++: enum class values, free operator functions, type names as values
cases_scope_cc()
{
	expr_cases ev_scopex.cc 'line: scx-stop' 1 <<'CASES'
Mode::Slow
Mode::Fast
(int)Mode::Slow
m
g_mode
Mode::Nope
Plain::P1
Mode
V2
Cls
Plain
operator==
&operator==
operator ==
bump::calls
'bump'::calls
ns::twice::seen
'ev_scopex.cc'::g_total
'ev_scopex.cc'::g_mode
Cls::count
&Cls::count
ns::nv
main::m
main
&main
bump
&operator+
operator+
operator +
$pc
m == Mode::Fast
m != Mode::Fast
t > 3
!t
t && 0
t || 0
(t == t) + 1
sizeof(t == t)
true
false
true + 1
!true
a.x < 2.5
CASES
}

# C++ functions after pointers to code: gdb's <sym> names a function
# without a linkage name as its DWARF computes it ("main()", a lambda's
# std::function handlers), "(void)" for no parameters, $pc's type in a
# C++ frame
cases_fnames()
{
	expr_cases ev_fnames.cc 'line: a-stop' 1 <<'CASES'
main
&main
noargs
fp
ep
extfn
&S::get
mg
&S::set
S::sf
&S::sf
lam._M_manager
lam._M_invoker
$pc
*$pc
$pc + 1
CASES
}

# functions split in hot and cold parts (g++ -O2: DW_AT_ranges, no low
# pc) and gdb's canonical form of a name it computes (<main(int, char**)>)
cases_cold()
{
	expr_cases ev_cold.cc 'line: cold-stop' 1 <<'CASES'
main
&main
*main
$pc
ns::twice
&ns::twice
f1
&f1
r
CASES
}

# gdb's names: locals of frames further out, template functions, type
# instances, methods as values
cases_outer()
{
	expr_cases ev_outer.cc 'line: in-stop' 1 <<'CASES'
outer::x
outer::n
main::lm
main::f
main::r
outer::x + main::lm
inner::depth
outer::nope
main
max<int>
&max<int>
max<double>
min3<long>
max< int >
max
&operator==(V2, V2)
operator==(V2, V2)
operator==(int)
max<int>(long, int)
outer(int)
sizeof(operator==(V2, V2))
Fruit::price
&Fruit::price
Fruit::make
Fruit::make(int)
lm<3>0
nope(1)
nope(int)
nope(zz)
nope(V2)
CASES
	expr_cases ev_outer.cc 'line: m-stop' 1 <<'CASES'
inner::depth
outer::x
main::lm
CASES
}

# pointers to virtual member functions (gdb's gnuv3_print_method_ptr):
# the program's values ("&virtual Base::f() const", this adjustments),
# gdb's own &Cls::vf ("&virtual table offset 2"), std::function's union
cases_vptmf()
{
	expr_cases ev_vptmf.cc 'line: vp-stop' 1 <<'CASES'
pf
pg
ph
pk
pmk
pmf
pmh
pnull
hold
hold.pk
&Base::f
&Base::g
&Base::h
&D::k
&D::f
&M2::k
byval._M_functor._M_unused._M_member_pointer
byval._M_functor
CASES
}

# std::tuple as libstdc++'s printer shows it, in a unique_ptr too
cases_tuple()
{
	expr_cases ev_tuple.cc 'line: tu-stop' 1 <<'CASES'
t3
t0
te
tn
tp
up
up._M_t
up._M_t._M_t
CASES
}

# virtual base class subobjects (gdb's gnuv3_baseclass_offset: the offset
# read from the object's vtable; gcc's DW_OP_lit24, DW_OP_const1u 40 and
# DW_OP_const2u 304, clang's DW_OP_constu): objects, a diamond (the
# shared base printed once), pointers, references, casts, *this; a
# virtual method as a value: gdb's "Cannot reference virtual member
# function" unless under '&' or in sizeof.
# VBASE_O2: clang -O2 keeps the objects in registers, whose virtual bases
# gdb prints "<invalid address>"
cases_vbase()
{
	expr_cases ev_vbase.cc 'line: vb-stop' 1 <<'CASES'
leaf
mid
d
wleaf
*pl
rl
b
*pd
pl->m
pd->a
pd->along
*(Mid *)pl
*(B2 *)pd
CASES
	[ -n "${VBASE_O2:-}" ] && return
	expr_cases ev_vbase.cc 'line: vb-stop' 1 <<'CASES'
(Base *)pl
*(Base *)pl
(A *)pd
*(A *)pd
(Wide &)wleaf
&Mid::f
&(Mid::f)
Mid::f
Leaf::f
A::va
Mid::f + 1
sizeof(Mid::f)
CASES
	expr_cases ev_vbase.cc 'line: vb-this' 1 <<'CASES'
*this
*(Mid *)this
(Base &)*this
this->m
CASES
}

cases_fptr_types()
{
	expr_cases val_fptr.c 'line: fp-stop' 1 <<'CASES'
p
*p
(*p)[1]
&p
pp
ppa
*ppa
pt
fr
arrp
arrp[0]
&arrp
q2
tab
&tab
&tab[1]
pick
&pick
*pick
sizeof(*p)
CASES
}

cases_tls_dl()
{
	local hit
	for hit in 1 2 3 4 5; do
		expr_cases val_tls_dl.c 'line: tls-stop' "$hit" <<'CASES'
k
plug_tl
plug_arr
&plug_tl
plug_arr[1]
sizeof(plug_tl)
plug_tl + 1
CASES
	done
}

cases_float()
{
	expr_cases val_float.c 'line: float-stop' 1 <<'CASES'
avg
half
avg * half
half * 2
half + avg
k / 2.0
k / 2
-avg
!avg
avg > 3
(int)avg
(float)avg
(double)k
(long)-2.7
(char)65.7
(unsigned char)300.5
avg % 2
avg << 1
avg & 1
~avg
&avg + 1.0
1.5
2.5f
1e3
.5
3.0L
2.5e-3
1/3.0
2.0f/3
avg ? 1 : 2
half && 0
g_ld * 2
g_ld * half
g_f == 1.1
g_f == 1.1f
g_d == 2.5
1.0/0
-1.0/0
0.0/0
g_nan
-g_nan
1.5e300 * 1e300
(float)1e40
s.ratio * s.n
s.weight * 1000
sizeof(avg * half)
sizeof(1.5f)
sizeof(g_ld * 2)
(long)1e30
(long)-1e30
(unsigned long)1e19
(long)9.3e18
(int)1e30
(long)g_nan
(unsigned long)-1.0
(long)(-1.0/0)
(unsigned char)(0.0/0)
q
g_q
g_i128
g_u128
sizeof(g_q)
g_i128 + 1
-g_i128
(long)g_u128
g_i128 == 0
CASES
}

# check PROG CASESFN [BINARY]: gdb's values vs the tree's, one line per
# difference.  gdb's errors may take several lines (the TLS one): each
# such expression is read on its own; "(LWP n)" compares as "(LWP ?)"
# (another run), the tree's n must be the thread's id in the recording.
check()
{
	local prog=$1 bin=${3:-$PROGS/$1} rc
	"$2" >"$T/$prog.cases"
	EXPR_CASES=$T/$prog.cases EXPR_OUT=$T/$prog.gdb.tsv timeout -k 10 "$STEP_TIMEOUT" \
		gdb -nx -batch -x "$ROOT/scripts/gdb-expr-oracle.py" "$bin" </dev/null >"$T/$prog.gdb.out" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ -s "$T/$prog.gdb.tsv" ] || fail "gdb on $prog exited $rc"
	record_ok "$T/$prog.tr" "$bin"
	build_ok "$T/$prog.tr"
	"$PY" - "$HS" "$T/$prog.tr" "$SRC" "$T/$prog.cases" "$T/$prog.gdb.tsv" <<'PYEOF' ||
import re, subprocess, sys
hs, tr, src, cases_f, gdb_f = sys.argv[1:]
hex5 = re.compile(r"0x[0-9a-f]{5,}")
lwp = re.compile(r"\(LWP (\d+)\)")
def cat(paths):
    r = subprocess.run([hs, "cat", tr] + paths, capture_output=True, text=True)
    return r.stdout.split("\n")
def norm(v):
    return lwp.sub("(LWP ?)", hex5.sub("0x?", v))
gdb, key = {}, None
for l in open(gdb_f):
    f = l.rstrip("\n").split("\t", 3)
    if len(f) == 4:
        key = tuple(f[:3])
        gdb[key] = f[3]
    elif key:
        gdb[key] += "\n" + l.rstrip("\n")
cases = [tuple(l.rstrip("\n").split("\t")) for l in open(cases_f)]
locs = sorted({c[0] for c in cases})
# lines/ lists one moment a line
moments = {l: " ".join(cat(["lines/%s/%s" % (src.lstrip("/"), l.replace(":", "/"))])).split()
           for l in locs}
paths, bad, asked = [], [], []
for loc, hit, e in cases:
    ts = moments.get(loc, [])
    if len(ts) < int(hit):
        bad.append("%s at %s hit %s: no such moment in lines/" % (e, loc, hit))
        continue
    asked.append((loc, hit, e))
    # eval/'s escaping: "/" as %2F, "%" as %25
    paths.append("time/%s/eval/%s" % (ts[int(hit) - 1],
                                      e.replace("%", "%25").replace("/", "%2F")))
multi = [i for i, c in enumerate(asked) if "\n" in gdb.get(c, "")]
one = [i for i in range(len(asked)) if i not in multi]
got = [None] * len(asked)
lines = cat([paths[i] for i in one]) if one else []
if len(lines) < len(one):
    bad.append("hindsight cat answered %d of %d paths" % (len(lines), len(one)))
for i, v in zip(one, lines):
    got[i] = v
for i in multi:
    got[i] = "\n".join(cat([paths[i]])).rstrip("\n")
for (loc, hit, e), path, got in zip(asked, paths, got):
    want = gdb.get((loc, hit, e))
    if got is None or want is None or norm(want) != norm(got):
        bad.append("%s at %s hit %s: gdb %r, tree %r" % (e, loc, hit, want, got))
    elif lwp.search(got):
        tid = cat([path.split("/eval/")[0] + "/thread"])[0]
        if lwp.search(got).group(1) != tid:
            bad.append("%s at %s hit %s: LWP %s, the thread is %s" % (e, loc, hit, lwp.search(got).group(1), tid))
sys.stderr.write("%s: %d expressions, %d differ\n" % (tr, len(cases), len(bad)))
for b in bad:
    sys.stderr.write("  " + b + "\n")
sys.exit(1 if bad or not cases else 0)
PYEOF
		fail "$prog: eval differs from gdb (see above)"
}

check val_str cases_str
check val_tls cases_tls
check val_tls_o2 cases_tls
[ "$LIBC_DEBUG" = 1 ] && check val_glob cases_glob
check ns_scope cases_ns
check ns_scope_o2 cases_ns
check ns_fptr cases_fptr
check ns_inner cases_inner
check ns_qual cases_qual
# clang defines namespace variables and static members inside the
# namespace DIE; -gdwarf-4 and -gdwarf-aranges: the tree finds a pc's
# unit through .debug_aranges, and reads no DW_OP_addrx (clang's DWARF 5)
if command -v clang++ >/dev/null; then
	clang++ -g -gdwarf-4 -gdwarf-aranges -O0 -o "$T/ns_qual_clang" "$SRC/ns_qual.cc" 2>"$T/clang.err" ||
		fail "clang++ could not compile ns_qual.cc: $(head -n 2 "$T/clang.err")"
	check ns_qual_clang cases_qual "$T/ns_qual_clang"
	QUAL_CLANG="gcc and clang"
else
	note "no clang++: ns_qual is checked as gcc builds it only"
	QUAL_CLANG="gcc only, no clang++"
fi
check val_fptr cases_fptr_types
check ev_scope cases_scope_c
check ev_fnames cases_fnames
check ev_vptmf cases_vptmf
check ev_tuple cases_tuple
check ev_vbase cases_vbase
for cc in "clang++ -O0" "clang++ -O2"; do
	command -v "${cc% *}" >/dev/null || continue
	$cc -g -gdwarf-4 -gdwarf-aranges -o "$T/ev_vbase_${cc/ -/}" "$SRC/ev_vbase.cc" ||
		fail "$cc could not compile ev_vbase.cc"
	VBASE_O2=$([ "${cc#* }" = -O2 ] && echo 1) check "ev_vbase_${cc/ -/}" cases_vbase "$T/ev_vbase_${cc/ -/}"
done
if command -v clang++ >/dev/null; then
	clang++ -g -gdwarf-4 -gdwarf-aranges -O0 -o "$T/ev_fnames_clang" "$SRC/ev_fnames.cc" ||
		fail "clang++ could not compile ev_fnames.cc"
	check ev_fnames_clang cases_fnames "$T/ev_fnames_clang"
	clang++ -g -gdwarf-4 -gdwarf-aranges -O0 -o "$T/ev_vptmf_clang" "$SRC/ev_vptmf.cc" ||
		fail "clang++ could not compile ev_vptmf.cc"
	check ev_vptmf_clang cases_vptmf "$T/ev_vptmf_clang"
fi
check ev_scopex cases_scope_cc
for cc in "gcc -O2" "clang -O0" "clang -O2"; do
	command -v "${cc% *}" >/dev/null || continue
	$cc -g -o "$T/ev_scope_${cc/ -/}" "$SRC/ev_scope.c" ||
		fail "$cc could not compile ev_scope.c"
	SCOPE_CC=${cc% *} check "ev_scope_${cc/ -/}" cases_scope_c "$T/ev_scope_${cc/ -/}"
done
for cc in "g++ -O2" "clang++ -O0"; do
	command -v "${cc% *}" >/dev/null || continue
	$cc -g $([ "${cc% *}" = clang++ ] && echo -gdwarf-4 -gdwarf-aranges) -o "$T/ev_scopex_${cc/ -/}" "$SRC/ev_scopex.cc" ||
		fail "$cc could not compile ev_scopex.cc"
	check "ev_scopex_${cc/ -/}" cases_scope_cc "$T/ev_scopex_${cc/ -/}"
done
# check_cc PROG CASESFN COMPILER...: PROG.cc built by each compiler ("g++
# -O2"; clang++ with DWARF 4 and aranges, as above) and checked
check_cc()
{
	local prog=$1 cases=$2 cc
	shift 2
	for cc in "$@"; do
		command -v "${cc% *}" >/dev/null || continue
		$cc -g $([ "${cc% *}" = clang++ ] && echo -gdwarf-4 -gdwarf-aranges) \
			-o "$T/${prog}_${cc/ -/}" "$SRC/$prog.cc" || fail "$cc could not compile $prog.cc"
		check "${prog}_${cc/ -/}" "$cases" "$T/${prog}_${cc/ -/}"
	done
}
check_cc ev_cold cases_cold "g++ -O0" "g++ -O2" "clang++ -O0"
check_cc ev_outer cases_outer "g++ -O0" "g++ -O2" "clang++ -O2"
cat >"$T/plug.c" <<'EOF'
__thread int plug_tl = 42;
__thread long plug_arr[4] = { 1, 2, 3, 4 };
int plug_touch(int v) { plug_tl += v; plug_arr[1] = v; return plug_tl; }
EOF
cc -g -O0 -shared -fPIC -o "$T/libvalplug.so" "$T/plug.c" || fail "cannot build the TLS library"
export VAL_TLS_PLUG=$T/libvalplug.so
check val_tls_dl cases_tls_dl
unset VAL_TLS_PLUG
check val_float cases_float
pass "eval equals gdb's print: strings behind pointers (runs, 200-char limit), __thread variables and errno per thread (-O0, -O2), environ and other libc aliases, copy relocations, C++ scopes (ns::g, ::x, Cls::count; -O0, -O2), qualified names' values and errors ($QUAL_CLANG), function pointer type names, a dlopen'ed library's __thread variables before and after a thread touches them, floating-point arithmetic and casts, gdb's blocks (func::static, 'file.c'::var), enum class values and operator functions, C++ functions' names after pointers to code (<main()>, {int (void)}, lambda handlers), pointers to virtual member functions (&virtual Base::f() const, &virtual table offset 2), std::tuple's printer, virtual base classes (gcc, clang -O0/-O2; libc debug info: $LIBC_DEBUG)"
