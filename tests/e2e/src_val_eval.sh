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
# pointer to code and to data.
# gdb
# runs each natively (scripts/gdb-expr-oracle.py, libc's separate debug
# file on when installed, as the recording's eval/ reads it); the tree
# answers every expression in one `hindsight cat`.  Hex numbers of 5
# digits or more compare as "0x?" (Valgrind maps elsewhere).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built val_str val_tls val_tls_o2 val_glob ns_scope ns_scope_o2 ns_fptr ns_inner
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

# check PROG CASESFN: gdb's values vs the tree's, one line per difference.
check()
{
	local prog=$1
	"$2" >"$T/$prog.cases"
	expr_gdb "$prog" "$T/$prog.cases"
	record_ok "$T/$prog.tr" "$PROGS/$prog"
	build_ok "$T/$prog.tr"
	"$PY" - "$HS" "$T/$prog.tr" "$SRC" "$T/$prog.cases" "$T/$prog.gdb.tsv" <<'PYEOF' ||
import re, subprocess, sys
hs, tr, src, cases_f, gdb_f = sys.argv[1:]
hex5 = re.compile(r"0x[0-9a-f]{5,}")
def cat(paths):
    r = subprocess.run([hs, "cat", tr] + paths, capture_output=True, text=True)
    return r.stdout.split("\n")
gdb = {tuple(l.split("\t", 3)[:3]): l.rstrip("\n").split("\t", 3)[3] for l in open(gdb_f)}
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
    paths.append("time/%s/eval/%s" % (ts[int(hit) - 1], e))
got = cat(paths) if paths else []
if len(got) < len(asked):
    bad.append("hindsight cat answered %d of %d paths" % (len(got), len(asked)))
for (loc, hit, e), got in zip(asked, got):
    want = gdb.get((loc, hit, e))
    if want is None or hex5.sub("0x?", want) != hex5.sub("0x?", got):
        bad.append("%s at %s hit %s: gdb %r, tree %r" % (e, loc, hit, want, got))
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
pass "eval equals gdb's print: strings behind pointers (runs, 200-char limit), __thread variables and errno per thread (-O0, -O2), environ and other libc aliases, copy relocations, C++ scopes (ns::g, ::x, Cls::count; -O0, -O2) (libc debug info: $LIBC_DEBUG)"
