#!/bin/bash
# src_nm_names.sh - which name gdb gives a function with several names,
# and which entries gdb's `break f` counts, against gdb on native runs:
#   - nm_alias (built without -g: ELF symbols alone): gdb's bt names a
#     frame by the last symbol at its address sorted by name, unless the
#     one just before it is a global (or weak) function of the same size
#     and it is not (a_pub, not the static z_impl it aliases; y_loc1;
#     w_weak), in a static binary whose .plt stubs (IRELATIVE: strlen)
#     have no name in gdb, nor in where;
#   - nm_wrap (dynamic, libc6-dbg): libc's assembly wrappers have several
#     DWARF subprograms at one address (gas: __kill, __GI___kill, kill,
#     __GI_kill), and gdb's bt names the frame by the last of them
#     (__GI_kill, __GI_getpid), as for the dynamic linker's memcpy/memmove
#     (memcpy);
#   - nm_tailnext: a tail jump to the very next instruction (a_fn ends in
#     `jmp b_fn`, b_fn laid out right after it) is a call of b_fn, as
#     gdb's `break b_fn` stops there;
#   - nm_plt: a C++ function called through a PLT stub (a library's
#     ns::work, libstdc++'s operator new): gdb's `break ns::work` stops in
#     the stub ns::work(int)@plt too (its C++ matcher ignores parameters),
#     so calls/ns::work lists each call twice, the stub's row first with
#     signature "ns::work(int)@plt"; C's c_add, malloc: no stub's stop;
#   - nm_thunk (-O0 and -O2): C++ thunks are hops of the call, as PLT
#     stubs are: calls/D::fb counts gdb's `break D::fb` hits, and no thunk
#     is listed in calls/;
#   - nm_ops (g++ and clang++): operators by the names gdb's `break` takes
#     and bt shows ("std::operator< <char, ...>", "M::operator char
#     const*", "operator\"\" _km(unsigned long long)" whole, as gdb's
#     parser fails on it), lambdas by g++'s and clang++'s names
#     ("main::{lambda(int, int)#1}::operator()", "main::$_0::operator()":
#     calls/ lists clang's by that name, gdb's bt's),
#     and g++'s instances over a lambda, which DWARF gives no linkage name,
#     by gdb's computed name ("call_with<main()::<lambda(int, int)> >"),
#     and a function whose name is over NAME_MAX: calls/0x<entry>, found by
#     its mangled name, its caller column whole.
# tests/e2e/src_alias_compare.py compares every frame of the backtrace at
# each call's entry (libc's included) and frame 0's name with gdb's bt at
# each hit; scripts/gdb-calls-oracle.py the counts and the program's frames.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
command -v g++ >/dev/null || fail "g++ is not installed"
require_built nm_wrap nm_tailnext nm_thunk nm_ops
SRC=$ROOT/tests/programs
summary=""

# names NAME BINARY: gdb's hits of FUNCS (and LIBFUNCS from main on)
# against the recording of the same program, every frame's name
names()
{
	local name=$1 bin=$2
	ORACLE_PROG=$bin ORACLE_FUNCS="$FUNCS" ORACLE_LIBFUNCS="$LIBFUNCS" ORACLE_FUNCS_SEP="${SEP:-}" \
		oracle_gdb "$name" "$ROOT/scripts/gdb-calls-oracle.py"
	record_ok "$T/$name.trace" "$bin" </dev/null
	build_ok "$T/$name.trace"
	mount_tree "$T/$name.trace" "$T/$name.mnt"
	"$PY" "$ROOT/tests/e2e/src_alias_compare.py" "$T/$name.json" "$T/$name.mnt" >"$T/$name.cmp" 2>&1 ||
		fail "$name: $(head -n 2 "$T/$name.cmp" | tr '\n' ' ')"
	summary="$summary $name: $(tail -n 1 "$T/$name.cmp" | cut -d' ' -f3-4);"
}

gcc -O0 -static -o "$T/nm_alias" "$SRC/nm_alias.c" || fail "gcc -static nm_alias.c"
FUNCS="z_impl m_loc2 k_glob" LIBFUNCS="" names alias "$T/nm_alias"
ls "$T/alias.mnt/calls" >"$T/alias.ls"
for f in a_pub y_loc1 w_weak; do
	grep -qx "$f" "$T/alias.ls" || fail "calls/ does not list $f (gdb's name): $(grep -v '^_' "$T/alias.ls" | tr '\n' ' ')"
done
# main's strlen enters a stub of the static binary's .plt first: gdb has
# no symbol there (its bt says "?? ()"), and neither has where
t=$(awk -v m="$(cut -d' ' -f1 "$T/alias.mnt/calls/main")" '$1 > m {print $1 + 1; exit}' \
	"$T/alias.mnt/calls/strlen")
where=$(cat "$T/alias.mnt/time/$t/where")
stub=${where%% *}
gdb -nx -batch -ex "info symbol $stub" "$T/nm_alias" 2>&1 | grep -q '^No symbol matches' ||
	fail "gdb names the stub $stub: $(gdb -nx -batch -ex "info symbol $stub" "$T/nm_alias" 2>&1)"
[ "$where" = "$stub in nm_alias" ] || fail "where at main's strlen stub: $where, gdb: ?? ()"

# each wrapper is called twice: the second call is bound, and frame 0 is
# compared there (the first one enters ld.so's lazy resolver); natively
# glibc picks the string functions Valgrind's CPU gets (README), whose
# DWARF names memcpy's __memcpy_avx_unaligned_erms last
GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512VL,-AVX512BW,-AVX512F,-EVEX \
	FUNCS="on_usr1 once" LIBFUNCS="kill getpid raise write read __memcpy_avx_unaligned_erms
	__strlen_avx2" names wrap "$PROGS/nm_wrap"

LIBFUNCS=""
calls_oracle tailnext "$PROGS/nm_tailnext" "$SRC/nm_tailnext.c" b_fn a_fn
"$HS" cat "$T/tailnext.trace" calls/a_fn | grep -q ' tail$' ||
	fail "calls/a_fn: no call left by the tail jump: $("$HS" cat "$T/tailnext.trace" calls/a_fn | tr '\n' ' ')"

# C++ functions called through PLT stubs (a library's ns::work overloads,
# libstdc++'s): gdb's `break ns::work` stops in the stub ns::work(int)@plt
# and then in the function, two hits a call; a C function's stub (c_add,
# malloc) is no stop
g++ -g -O0 -fPIC -shared -o "$T/libnmplt.so" "$SRC/nm_plt/lib.cc" || fail "g++ -shared nm_plt/lib.cc"
g++ -g -O0 -o "$T/nm_plt" "$SRC/nm_plt/main.cc" -L"$T" -lnmplt -Wl,-rpath,"$T" ||
	fail "g++ nm_plt/main.cc"
LIBFUNCS="operator new|operator delete|std::__throw_length_error|malloc" ORACLE_FUNCS_SEP="|" \
	calls_oracle plt "$T/nm_plt" "$SRC/nm_plt/main.cc" "ns::work|c_add"
LIBFUNCS=""
for f in 'ns::work' 'operator new'; do
	"$HS" cat "$T/plt.trace" "calls/$f" | grep -q '@plt$' ||
		fail "calls/$f: no stub's stop: $("$HS" cat "$T/plt.trace" "calls/$f" | head -n 2 | tr '\n' ' ')"
done
! "$HS" cat "$T/plt.trace" calls/c_add | grep -q '@plt' || fail "calls/c_add lists its stub"
calls_oracle thunk_O0 "$PROGS/nm_thunk" "$SRC/nm_thunk.cc" D::fb D::fv D::fa via_b
g++ -g -O2 -o "$T/nm_thunk_o2" "$SRC/nm_thunk.cc" || fail "g++ -O2 nm_thunk.cc"
# -O2: D::fb and D::fv run as inlined copies (in via_b, via_v and the
# thunks' own bodies: no jump on, and gdb has no location there)
FUNCS="D::fb D::fv via_b" names thunk_O2 "$T/nm_thunk_o2"
for tr in thunk_O0 thunk_O2; do
	thunks=$("$HS" ls "$T/$tr.trace" calls | grep thunk | tr '\n' ' ')
	[ -z "$thunks" ] || fail "$tr: calls/ lists thunks: $thunks"
done
# operators and lambdas ("|" between names: they hold spaces); gdb's
# `break M::operator()` and `break operator<` also stop in the template
# instances (operator()<int>, operator< <int>), `break W<int>::put` in
# W<int>::put<double> (a linespec leaves out the function's own template
# arguments when none are typed), `break operator()` in all of them
ops="M::operator[]|M::operator()<int>|M::operator()<double>|M::operator int|M::operator char const*"
ops="$ops|M::operator std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >"
ops="$ops|M::operator->|operator==|M::operator new[]|operator delete[]|M::operator<<|operator< <int>"
ops="$ops|operator< <double>|operator+|operator\"\" _km|operator\"\"_km|std::operator<"
ops="$ops|std::operator< <char, std::char_traits<char>, std::allocator<char> >"
ops="$ops|operator()<double>|leaf_of_long|W<int>::put|W::put|put|W<int>::put<double>"
# (not for clang++ below: they take in M::operator()<double>)
optmpl="M::operator()|operator()|W<int>::operator()|W::operator()|operator<"
# g++'s lambdas: DWARF has no linkage name (gdb: "operator()"); clang++'s
# have one ("main::$_0::operator()", "twice(int)::$_1::operator()(int) const")
lam="main::{lambda(int, int)#1}::operator()|{lambda(int)#1}::operator()"
lam="$lam|call_with<main()::<lambda(int, int)> >|call_with"
SEP="|" FUNCS="$ops|$optmpl|$lam|twice(int)::{lambda(int)#1}::operator()" names ops_gcc "$PROGS/nm_ops"
if command -v clang++ >/dev/null; then # clang++: its lambdas have linkage names
	clang++ -g -O0 -o "$T/nm_ops_clang" "$SRC/nm_ops.cc" || fail "clang++ nm_ops.cc"
	lam="main::\$_0::operator()|twice(int)::\$_1::operator()|call_with<main::\$_0>|call_with"
	# not M::operator()<double> nor M::operator std::string here: clang++ ends
	# a line sequence at the address where they start (their own sequence
	# starts there too), and where has no line there (a line-table matter)
	ops=$(echo "$ops" | tr '|' '\n' | grep -v -e 'operator()<double>' -e 'operator std::' | paste -sd '|')
	SEP="|" FUNCS="$ops|$lam|\$_1::operator()|\$_0::operator()" names ops_clang "$T/nm_ops_clang"
	# calls/ lists main's lambda as gdb's bt names it (clang's linkage
	# name: main's scope has no parameters), not without main's scope
	ls "$T/ops_clang.mnt/calls" >"$T/ops_clang.ls"
	grep -qxF 'main::$_0::operator()' "$T/ops_clang.ls" && ! grep -qxF '$_0::operator()' "$T/ops_clang.ls" ||
		fail "calls/ lists clang's main lambda as $(grep -F '$_0' "$T/ops_clang.ls" | tr '\n' ' '), gdb's bt: main::\$_0::operator()"
fi
[ "$(ls "$T/ops_gcc.mnt/calls" | grep -c '^<')" = 0 ] ||
	fail "calls/ names that start with '<' (an operator template's arguments): $(ls "$T/ops_gcc.mnt/calls" | grep '^<' | head -n 3 | tr '\n' ' ')"

# a name over NAME_MAX (over_name_max<...>, 527 bytes): listed as
# calls/0x<entry>, found by its mangled name (190 bytes) and by its
# template's name, as gdb's `break` finds it; leaf_of_long's caller column
# is the whole name, gdb's frame 1
mangled=$(nm "$PROGS/nm_ops" | awk '$3 ~ /over_name_max/ {print $3; exit}')
for q in "$mangled" over_name_max; do
	[ "$(wc -l <"$T/ops_gcc.mnt/calls/$q")" = 1 ] ||
		fail "calls/$q: $(head -c 300 "$T/ops_gcc.mnt/calls/$q" 2>&1), gdb's break: 1 hit"
done
ls "$T/ops_gcc.mnt/calls" | grep -q '^0x' || fail "calls/ lists no 0x<entry> (over_name_max)"
want=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["hits"]["leaf_of_long"][0][1][0])' \
	"$T/ops_gcc.json")
got=$(cut -d' ' -f4- "$T/ops_gcc.mnt/calls/leaf_of_long")
[ "${#want}" -gt 255 ] && [ "$got" = "$want" ] ||
	fail "calls/leaf_of_long caller (${#got} bytes): $got, gdb's frame 1 (${#want} bytes): $want"
pass "names and counts equal gdb's:$summary"
