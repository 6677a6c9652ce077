#!/bin/bash
# src_oracle_cpp.sh - gdb vs Hindsight on C++ objects and names, PLT stubs and .bss symbols.
#
# tests/e2e/src_cpp_oracle.py runs each program natively under gdb (raw
# `print`: libstdc++'s pretty printers off) and records, at the first stop
# at each given line, gdb's frame name, backtrace names and every
# `info args`/`info locals` value; then gdb's `info symbol` of every PLT
# stub of the file.  The same run recorded, built and mounted must give
# the same where, backtrace and locals/ text (addresses aside, <symbols>
# kept), name each called stub as gdb does ("malloc@plt"), and file the
# calls of C++ functions under the names gdb's `break` takes, as many as
# its breakpoints are hit (calls/Fruit::price).
#   cpp_objects.cc: bases, virtual bases, statics, std::vector and
#     std::string members, references, pointers to members, enum class,
#     bool, methods and this; demangled frame names (Fruit::price);
#     constructors' artificial __in_chrg/__vtt_parm (<optimized out>).
#     Also built -O2 (a stop in main: its locals, optimized out or not).
#   cpp_members.cc: diamond (a virtual base printed once), <No data
#     fields>, scoped enumerators, static const members, `int P::*`.
#   cpp_misc.cc: a static member of its own class ("<same as static
#     member of an already seen type>"), unions, anonymous members, wide
#     chars, std::unique_ptr, std::map, references to arrays, rvalue refs.
#   cpp_more.cc: std::nullptr_t, function pointers, reference members,
#     lambdas, long double, __int128, bit-fields, std::vector<bool>
#     (gdb's canonical "unsigned long" in template arguments).
#   cpp_chars.cc (C++17, and C++20 for char8_t): wide characters and
#     strings (L"ab", u"xy", U"z").
#   cpp_enums.c: enum values without an enumerator (gdb's flag enums).
#   cpp_badref.cc: references to unreadable memory ("<error reading
#     variable: Cannot access memory at address 0x8>").
#   cpp_tnames.cc: class names with template arguments of many forms
#     (const, pointers, references, arrays, function pointers, integer
#     literals of each suffix, bool, char): gdb prints the name through
#     its C++ name parser ("int const*", "0ul", "char const* const&").
#   cpp_members.cc, cpp_objects.cc, cpp_misc.cc, cpp_more.cc and
#     cpp_tnames.cc built by clang (when installed): no .debug_aranges,
#     static members whose linkage name only their definition has,
#     std::string only declared ("<incomplete type>"), clang's spelling of
#     template arguments ("int *", "const int", "0UL") that gdb prints
#     canonicalised ("int*", "int const", "0ul").
#   cpp_decl/ built by clang (DWARF 4: Valgrind 3.19 cannot read clang's
#     DWARF 5 of several units) with a library built by g++: classes the
#     unit of main only declares (clang's constructor homing, an extern
#     template) that another unit (Gadget) or the library (ns::Widget,
#     ns::Box<unsigned long>, "Box<long unsigned int>" there) defines.
#   ev_vbase.cc: virtual base classes in locals/ (a diamond, vbase
#     offsets past vcall offsets), a method's this.
#   cpp_plt.c at -O0, -O2 and -O2 -Wl,-z,now: PLT stubs, a pointer into
#     a 1 MiB .bss array past the file mapping ("<big+4096>").
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built cpp_objects cpp_members cpp_misc cpp_enums cpp_more cpp_chars cpp_plt cpp_badref cpp_tnames \
	ev_vbase
gcc -g -O2 -o "$T/cpp_plt_o2" "$ROOT/tests/programs/cpp_plt.c" || fail "gcc -O2"
gcc -g -O2 -Wl,-z,now -o "$T/cpp_plt_now" "$ROOT/tests/programs/cpp_plt.c" || fail "gcc -z now"
g++ -std=c++20 -g -O0 -o "$T/cpp_chars20" "$ROOT/tests/programs/cpp_chars.cc" || fail "g++ -std=c++20"
g++ -g -O2 -o "$T/cpp_objects_o2" "$ROOT/tests/programs/cpp_objects.cc" || fail "g++ -O2"

# check NAME PROG "LINES"
check()
{
	local name=$1 prog=$2 lines=$3 rc
	ORACLE_PROG=$prog ORACLE_LINES=$lines ORACLE_FUNCS=${FUNCS:-} \
		oracle_gdb "$name" "$ROOT/tests/e2e/src_cpp_oracle.py" -iex 'set auto-load python-scripts off'
	oracle_replay "$name" "$prog" "$ROOT/tests/e2e/src_cpp_oracle.py" "$(realpath "$prog")"
	rc=$?
	[ "$rc" = 0 ] || fail "$name: $(head -n 3 "$T/$name.cmp" | tr '\n' ' ')"
	SUMMARY="$SUMMARY $name: $(tail -n 1 "$T/$name.cmp");"
}

SUMMARY=
FUNCS="Fruit::price;quote;Base::get;Pet::speak;Animal::Animal;Dog::Dog;std::vector<int, std::allocator<int> >::push_back" \
	check objects "$PROGS/cpp_objects" "15 28 36 38 40 52 59 82"
check objects_o2 "$T/cpp_objects_o2" "70"
FUNCS="twice;add<int>;add<long>;P::get;g" check members "$PROGS/cpp_members" "21"
check misc "$PROGS/cpp_misc" "30"
check enums "$PROGS/cpp_enums" "20"
check more "$PROGS/cpp_more" "29"
check chars "$PROGS/cpp_chars" "25"
check chars20 "$T/cpp_chars20" "25"
check plt_o0 "$PROGS/cpp_plt" "14 25"
check plt_o2 "$T/cpp_plt_o2" "24 27"
check plt_now "$T/cpp_plt_now" "24 27"
check badref "$PROGS/cpp_badref" "21"
check tnames "$PROGS/cpp_tnames" "21"
# virtual bases (their offsets read from the vtable): main's objects and
# Leaf::f's this
check vbase "$PROGS/ev_vbase" \
	"$(grep -n 'line: vb-stop' "$ROOT/tests/programs/ev_vbase.cc" | cut -d: -f1) $(grep -n 'line: vb-this' "$ROOT/tests/programs/ev_vbase.cc" | cut -d: -f1)"
# clang: no .debug_aranges; a static member's linkage name only on its
# definition (DW_AT_specification), in a namespace; a class only declared
if command -v clang++ >/dev/null; then
	clang++ -g -O0 -o "$T/cpp_members_clang" "$ROOT/tests/programs/cpp_members.cc" &&
		clang++ -g -O0 -o "$T/cpp_objects_clang" "$ROOT/tests/programs/cpp_objects.cc" &&
		clang++ -g -O0 -o "$T/cpp_misc_clang" "$ROOT/tests/programs/cpp_misc.cc" &&
		clang++ -g -O0 -o "$T/cpp_more_clang" "$ROOT/tests/programs/cpp_more.cc" &&
		clang++ -g -O0 -o "$T/cpp_tnames_clang" "$ROOT/tests/programs/cpp_tnames.cc" ||
		fail "clang++"
	FUNCS="twice;add<int>;add<long>;P::get;g" check members_clang "$T/cpp_members_clang" "21"
	# (not line 82: there main's p is not yet set, and clang's stack slot
	# holds what the run left, natively and recorded alike only by chance)
	FUNCS="Fruit::price;quote;Base::get;Pet::speak;Animal::Animal;Dog::Dog" \
		check objects_clang "$T/cpp_objects_clang" "15 28 36 38 40 52 59"
	# clang's "std::_Tuple_impl<0UL, int *, ...>", "std::pair<const int,
	# int>", "bool *": gdb's "0ul", "int*", "int const", "bool*"
	check misc_clang "$T/cpp_misc_clang" "30"
	check more_clang "$T/cpp_more_clang" "29"
	check tnames_clang "$T/cpp_tnames_clang" "21"
	# clang's default DWARF 5, two files (Valgrind 3.19's own line reader
	# gave up on it: the recorder leaves that reader out)
	d=$ROOT/tests/programs/cpp_decl
	g++ -g -O0 -fPIC -shared -o "$T/libcppdecl.so" "$d/lib.cc" &&
		clang++ -g -O0 -o "$T/cpp_decl_clang" "$d/main.cc" "$d/other.cc" \
			-L"$T" -lcppdecl -Wl,-rpath,"$T" || fail "cpp_decl"
	check decl_clang "$T/cpp_decl_clang" "11"
else
	note "no clang++: its program is left out"
fi
pass "$SUMMARY"
