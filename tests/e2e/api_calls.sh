#!/bin/bash
# api_calls.sh - /api/calls and /api/line-runs against gdb on native runs.
#
# For each function of find_args (-O0 and -O2) and find_method (C++
# methods: a reference to a std::string, a std::string returned in memory,
# a small struct in rax:rdx), gdb breaks on it natively with the commands
# `bt 1`, `info args`, `finish`: every call's frame arguments (gdb's frame
# line, aggregates as "..."), each argument's value and the "Value
# returned" must equal /api/calls' row (api_calls_compare.py, read in
# pages of 3), gdb's default print settings (char arrays to their end,
# NULs and all: calls_chars).  A line's executions (/api/line-runs) must have gdb's
# `info locals` at each hit of `break FILE:LINE`.  A build without -g
# lists the calls without arguments and says why.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built find_args
require_built find_args_o2
require_built find_method
require_built ret_class
require_built ret_class_o2

# gdb_calls PROG OUT FUNC[=FRAME]...: gdb's bt 1 / info args / finish at
# every call of each FUNC
gdb_calls()
{
	local prog=$1 out=$2 f
	shift 2
	{
		# gdb's default print settings (null-stop off, repeats 10), as
		# API.md promises: `finish` prints char arrays to their end
		printf '%s\n' "set pagination off" "set confirm off" "set width 0" \
			"set print pretty off"
		for f in "$@"; do
			printf 'break %s\ncommands\nbt 1\ninfo args\nfinish\nend\n' "${f%%=*}"
		done
		echo run
		for f in $(seq 80); do echo continue; done
	} >"$T/cmds.gdb"
	# libstdc++'s pretty printers off: Hindsight prints gdb's raw values
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -iex "set auto-load python-scripts off" -batch \
		-x "$T/cmds.gdb" "$prog" </dev/null >"$out" 2>&1
	grep -q '^#0  ' "$out" || fail "gdb stopped nowhere in $prog: $(tail -n 2 "$out" | tr '\n' ' ')"
}

# check PROG FUNC...: record, build, serve, compare with gdb
check()
{
	local prog=$1 name rc
	shift
	name=$(basename "$prog")
	gdb_calls "$prog" "$T/$name.gdb" "$@"
	record_ok "$T/$name" "$prog"
	build_ok "$T/$name"
	serve_start "$name" "$T/$name"
	"$PY" "$ROOT/tests/e2e/api_calls_compare.py" "$T/$name.gdb" "$BASE" "$@" >"$T/$name.cmp" 2>&1
	rc=$?
	cat "$T/$name.cmp" >&2
	[ "$rc" = 0 ] || fail "$name: $(head -n 3 "$T/$name.cmp" | tr '\n' ' ')"
	summary="$summary $name: $(tail -n 1 "$T/$name.cmp" | sed 's/.*; //');"
}

summary=""
# printf: libc's (libc6-dbg), reached through the PLT and the lazy binder
check "$PROGS/find_args" score mid widen ratio note printf=__printf
check "$PROGS/find_args_o2" score mid widen ratio note
check "$PROGS/find_method" Account::deposit 'Account::label[abi:cxx11]' Account::parts

# a signature past 512 characters comes whole: gdb's frame name, then the
# parameters (the field was cut at 512)
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'break weigh' -ex run -ex 'bt 1' \
	"$PROGS/find_method" </dev/null 2>/dev/null | sed -n 's/^#0  \(weigh<.*>\) (t=.*/\1/p' >"$T/weigh.want"
[ "$(wc -c <"$T/weigh.want")" -gt 512 ] || fail "gdb's frame name of weigh is short: $(cat "$T/weigh.want")"
expect_status 200 "/api/calls?name=weigh"
json 'j["rows"][0]["signature"]' <"$T/body" >"$T/weigh.got"
case "$(cat "$T/weigh.got")" in
"$(cat "$T/weigh.want")("*" const&)") ;;
*) fail "signature of weigh: $(cut -c 1-80 "$T/weigh.got")...$(tail -c 80 "$T/weigh.got")" ;;
esac

# paging and errors
expect_status 200 "/api/calls?name=Account::deposit&offset=4&count=10"
json 'len(j["rows"]), j["total"], j["offset"]' <"$T/body" | grep -qx '(2, 6, 4)' ||
	fail "page at offset 4: $(head -c 300 "$T/body")"
expect_status 200 "/api/calls?name=Account::deposit&offset=100"
json 'len(j["rows"])' <"$T/body" | grep -qx 0 || fail "a page past the end is not empty"
expect_status 404 "/api/calls?name=no_such_function"
expect_status 400 "/api/calls"
expect_status 400 "/api/calls?name=score&count=100000"
expect_status 404 "/api/calls?name=score&image=7"

# classes returned in memory because they are not trivially copyable
check "$PROGS/ret_class" mk_nt mk_ud mk_df mk_vt mk_ho mk_pl mk_mo mk_tb
check "$PROGS/ret_class_o2" mk_nt mk_ud mk_df mk_vt mk_ho mk_pl mk_mo mk_tb
# pointers and references returned: gdb's finish shows their type first
# (a typedef's peeled), a plain char pointer's string without it
check "$PROGS/calls_ret_ptr" pick slot name ub vp cip
# ... and qualifiers in gdb's order whatever the DWARF's nesting
l=$(grep -n 'printf' "$ROOT/tests/programs/calls_ret_ptr.cc" | cut -d: -f1)
t=$("$HS" cat "$T/calls_ret_ptr" "lines/${ROOT#/}/tests/programs/calls_ret_ptr.cc/$l" | head -n 1)
for e in s.cvp s.vcp s.pcv; do
	want=$(timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break calls_ret_ptr.cc:$l" -ex run \
		-ex "print $e" "$PROGS/calls_ret_ptr" </dev/null 2>/dev/null | sed -n 's/^\$1 = \(([^)]*)\).*/\1/p')
	got=$("$HS" cat "$T/calls_ret_ptr" "time/$t/eval/$e" | sed -n 's/^\(([^)]*)\).*/\1/p')
	[ -n "$want" ] && [ "$got" = "$want" ] || fail "eval/$e's type is '$got', gdb's print '$want'"
done
# char arrays in a struct argument and return value: NULs to the end,
# <repeats N times> (locals/ stops at the NUL: /api/calls does not)
check "$PROGS/calls_chars" mutate

# inlined copies that start at their function's entry (clang++ -O2): gdb's
# `break level2` stops past the prologue, in the innermost block there
# (main's: Guard::~Guard, this=<optimized out>; work's: level2 itself, as
# the copies inside it start there), and so do the rows' t_stop and args
if command -v clang++ >/dev/null; then
	mkdir -p "$T/bin"
	clang++ -g -O2 -o "$T/bin/inlc_prologue_clang" "$ROOT/tests/programs/inlc_prologue_o2.cc" ||
		fail "clang++ inlc_prologue_o2.cc"
	check "$T/bin/inlc_prologue_clang" level2=Guard::~Guard,level2
fi

# a C++ library's function called through the PLT: gdb's `break ns::work`
# (set at main) stops in the stub "ns::work(int)@plt ()" (no arguments),
# then in the function; the rows in pages of 3 (a page ends between a pair)
g++ -g -O0 -fPIC -shared -o "$T/bin/libnmplt.so" "$ROOT/tests/programs/nm_plt/lib.cc" ||
	fail "g++ -shared nm_plt/lib.cc"
g++ -g -O0 -o "$T/bin/nm_plt" "$ROOT/tests/programs/nm_plt/main.cc" -L"$T/bin" -lnmplt \
	-Wl,-rpath,"$T/bin" || fail "g++ nm_plt/main.cc"
{
	printf '%s\n' "set pagination off" "set width 0" "break main" run "break ns::work" \
		"commands 2" "bt 1" end
	for _ in $(seq 10); do echo continue; done
} >"$T/plt.cmds"
timeout -k 5 60 gdb -nx -batch -x "$T/plt.cmds" "$T/bin/nm_plt" </dev/null >"$T/plt.gdb" 2>&1
sed -n -E 's/^#0  (0x[0-9a-f]+ in )?(.*) \((.*)\)( at .*)?$/\2|\3/p' "$T/plt.gdb" >"$T/plt.want"
record_ok "$T/nm_plt" "$T/bin/nm_plt"
build_ok "$T/nm_plt"
serve_start nm_plt "$T/nm_plt"
for off in 0 3 6; do
	curl -s "$BASE/api/calls?name=ns::work&offset=$off&count=3"
	echo
done | "$PY" -c '
import json, sys
for page in sys.stdin:
    for r in json.loads(page)["rows"]:
        sig = r["signature"] or ""
        if sig.endswith("@plt"):
            ok = r["args"] is None and r["t_stop"] == r["t_call"] + 1
            print("%s|%s" % (sig, "" if ok else "args %s t_stop %s" % (r["args"], r["t_stop"])))
        else:
            print("ns::work|%s" % r["frame_args"])
' >"$T/plt.got"
[ -s "$T/plt.want" ] && cmp -s "$T/plt.want" "$T/plt.got" ||
	fail "/api/calls?name=ns::work: $(diff "$T/plt.want" "$T/plt.got" | head -n 4 | tr '\n' ' ')"
summary="$summary nm_plt: $(wc -l <"$T/plt.want") stops (stubs and functions);"

# every run of a line, with gdb's `info locals` at each hit
SRC=$ROOT/tests/programs/find_args.c
LINE=$(grep -n 'note(s);' "$SRC" | cut -d: -f1)
printf '%s\n' "set pagination off" "set confirm off" "set width 0" "set print null-stop on" \
	"set print repeats unlimited" "break find_args.c:$LINE" "commands" "info locals" "end" \
	run >"$T/line.gdb"
for i in $(seq 20); do echo continue >>"$T/line.gdb"; done
gdb -nx -batch -x "$T/line.gdb" "$PROGS/find_args" </dev/null 2>&1 |
	awk '/^Breakpoint 1,/ { if (n++) print "--" } /^[a-z_]+ = / { print }' >"$T/line.want"
serve_start args "$T/find_args"
rel=${SRC#/}
expect_status 200 "/api/line-runs?file=$rel&line=$LINE&count=100"
# (gdb repeats a name an inner block hides: acc, the loop's, then main's)
json '"\n--\n".join("\n".join("%s = %s" % (v["name"].split(":")[0], v["value"]) for v in r["locals"]) for r in j["rows"])' \
	<"$T/body" | sed 's/0x[0-9a-f]*/0xX/g' >"$T/line.got"
sed -i 's/0x[0-9a-f]*/0xX/g' "$T/line.want"
[ "$(grep -c . "$T/line.want")" -gt 10 ] || fail "gdb printed too few locals at line $LINE"
same_file "line-runs of find_args.c:$LINE vs gdb's info locals" "$T/line.want" "$T/line.got"
# ... and the names are locals/'s: the hidden one is acc:LINE
ACC=$(grep -n 'int acc = 0' "$SRC" | cut -d: -f1)
t=$(json 'j["rows"][1]["t"]' <"$T/body")
json '"\n".join(sorted(v["name"] for v in j["rows"][1]["locals"]))' <"$T/body" >"$T/names.got"
"$HS" ls "$T/find_args" "time/$t/locals" | sort >"$T/names.want"
grep -qx "acc:$ACC" "$T/names.want" || fail "time/$t/locals has no acc:$ACC: $(tr '\n' ' ' <"$T/names.want")"
same_file "line-runs' names vs time/$t/locals" "$T/names.want" "$T/names.got"
json 'j["total"]' <"$T/body" | grep -qx "$(grep -c '^--' "$T/line.want" | awk '{print $1 + 1}')" ||
	fail "line-runs total is not gdb's hit count"

# without debug info: the calls, no arguments, and a note that says so
gcc -O0 -o "$T/nodebug" "$SRC" || fail "gcc without -g"
record_ok "$T/nodebug.trace" "$T/nodebug"
build_ok "$T/nodebug.trace"
serve_start nodebug "$T/nodebug.trace"
expect_status 200 "/api/calls?name=score"
json 'j["total"], j["rows"][0]["debug_info"], j["rows"][0]["args"], j["rows"][0]["return"], "debug" in j["note"]' \
	<"$T/body" | grep -qx '(7, False, None, None, True)' || fail "no debug info: $(head -c 300 "$T/body")"
pass "arguments and return values equal gdb's:$summary line-runs equal info locals"
