#!/bin/bash
# src_tail_gdb.sh - gdb vs Hindsight's call tree across tail calls: at -O2
# `return f(x);` is `jmp f`, which enters f without a call instruction and
# makes f return straight to its caller's caller.
#
# Programs (tests/programs/tail_*_o2.*): mutual recursion by tail calls, a
# chain of them, tail calls into libc through the PLT (strlen, printf), a
# tail call through a function pointer and through a C++ vtable, a throw
# out of a tail-called function, and jumps that are no tail calls (a
# switch's jump table and loops in leaf functions, where rsp is the one of
# the function's entry; a jump into a function's .cold part), and tail
# calls by conditional jumps (jne rel8, je rel32 in assembly, taken some of
# the times they run: tests/programs/inl_tailjcc_o2.c), and a caller built
# at -O0 (no DWARF call-site entries, so gdb shows no tail-call frame for
# libc's qsort, which jumps to qsort_r: tests/programs/tail_o0caller.c),
# and a stripped library's static functions (no symbol) that tail-call
# (tests/programs/tail_strip).
#
# Oracles (gdb on native runs):
#  - calls/<f> has as many calls as gdb's `break f` hits, and the backtrace
#    at each entry equals gdb's bt (scripts/gdb-calls-oracle.py), with
#    gdb's tail-call frames: the function that jumped, shown when DWARF
#    call-site info makes the chain unique (not through the function
#    pointer, the vtable, or to an ifunc such as strlen, once for mutual
#    recursion);
#  - `finish` from the first entry of a tail-called function (and from the
#    function that jumped) lands where gdb's `finish` does (function and
#    line) with gdb's rax;
#  - the frames that jumped say so (`tail` in calls/<f>'s fifth column),
#    and the database is the same for any shard count.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built tail_calls_o2
require_built tail_virt_o2
require_built inl_tailjcc_o2 tail_o0caller tail_map_o2

SRC=$ROOT/tests/programs

# finish_check NAME BINARY FUNC: gdb's finish from FUNC's first entry (its
# breakpoint: after the prologue, which these -O2 functions do not have)
# vs time/<t_call + 1>/finish of its first call
finish_check()
{
	local name=$1 bin=$2 fn=$3 t want got
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "set pagination off" \
		-ex "set style enabled off" -ex "break $fn" -ex run -ex delete -ex finish \
		-ex 'printf "RAX 0x%016lx\n", $rax' "$bin" </dev/null >"$T/fin.$fn.gdb" 2>&1
	# after the breakpoint's hit, the frame it stopped in: "0x... in main
	# (argc=1, ...) at path/file.c:108" or "main (...) at ..."
	want=$(grep -v '^Breakpoint\|^Run till exit' "$T/fin.$fn.gdb" |
		sed -n 's/^\(0x[0-9a-f]* in \)\{0,1\}\([^ ]*\) (.* at .*\/\([^/]*\):\([0-9]*\)$/\2 \3:\4/p' |
		head -n 1)
	want="$want $(sed -n 's/^RAX //p' "$T/fin.$fn.gdb")"
	t=$("$HS" cat "$T/$name.trace" "calls/$fn" | head -n 1 | cut -d' ' -f1)
	[ -n "$t" ] || fail "$name: calls/$fn is empty"
	got=$("$HS" cat "$T/$name.trace" "time/$((t + 1))/finish/where" | sed 's/+0x[0-9a-f]*//')
	got="$got $("$HS" cat "$T/$name.trace" "time/$((t + 1))/finish/reg/rax")"
	note "finish from $fn: gdb '$want', hindsight '$got'"
	[ "$got" = "$want" ] || fail "$name: finish from $fn: $got, gdb $want"
	finished="$finished $fn"
}

summary=""
finished=""
LIBFUNCS="strlen printf"
calls_oracle tail_calls "$PROGS/tail_calls_o2" "$SRC/tail_calls_o2.c" is_even is_odd step1 step2 \
	step3 len_of say apply twice thrice classify count_bits
LIBFUNCS="__cxa_throw"
calls_oracle tail_virt "$PROGS/tail_virt_o2" "$SRC/tail_virt_o2.cc" measure Shape::scaled \
	Square::area Circle::area guarded check
LIBFUNCS=""
calls_oracle tail_jcc "$PROGS/inl_tailjcc_o2" "$SRC/inl_tailjcc_o2.c" slow_path cond_tail \
	cond_tail32 work
calls_oracle tail_o0 "$PROGS/tail_o0caller" "$SRC/tail_o0caller.c" cmp
# a library built and stripped as Debian's are (tests/programs/tail_strip):
# its static functions have no symbol and end in `jmp free@plt`, `jmp
# tsl_count` (a function of its own), or, built -fno-plt, are a lone `jmp
# *GOT` (a stub, whose calls are the function's)
LIBFUNCS="free malloc tsl_count"
for v in strip: strip_noplt:-fno-plt; do
	d=$T/${v%%:*}
	mkdir -p "$d"
	gcc -O2 -fPIC ${v#*:} -shared -o "$d/libtsl.so" "$SRC/tail_strip/lib.c" &&
		strip --strip-unneeded "$d/libtsl.so" &&
		gcc -g -O0 -o "$d/tail_strip" "$SRC/tail_strip/main.c" -L"$d" -ltsl \
			-Wl,-rpath,"$d" || fail "cannot build tail_strip (${v%%:*})"
	calls_oracle "${v%%:*}" "$d/tail_strip" "$SRC/tail_strip/main.c" round_trip
done
LIBFUNCS=""

for fn in is_even is_odd step1 step3 len_of apply twice say; do
	finish_check tail_calls "$PROGS/tail_calls_o2" "$fn"
done
for fn in measure Square::area guarded; do
	finish_check tail_virt "$PROGS/tail_virt_o2" "$fn"
done
finish_check tail_jcc "$PROGS/inl_tailjcc_o2" slow_path
# a tail call whose chain starts at a call made inside copies inlined
# deep into main (std::map at -O2): gdb's bt at the first entry of
# _M_get_insert_unique_pos shows _M_get_insert_hint_unique_pos as a
# tailcall frame (function names compared, template arguments left out)
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "set pagination off" -ex "set width 0" \
	-ex "break _M_get_insert_unique_pos" -ex run -ex bt "$PROGS/tail_map_o2" </dev/null >"$T/map.gdb" 2>&1
"$HS" record -o "$T/map.trace" -- "$PROGS/tail_map_o2" >/dev/null 2>&1 </dev/null || fail "record tail_map_o2"
"$HS" build "$T/map.trace" >/dev/null 2>&1 || fail "build tail_map_o2"
t=$("$HS" cat "$T/map.trace" calls/_M_get_insert_unique_pos | head -n 1 | cut -d' ' -f1)
[ -n "$t" ] || fail "tail_map: calls/_M_get_insert_unique_pos is empty"
"$HS" cat "$T/map.trace" "time/$((t + 1))/backtrace" >"$T/map.bt" || fail "tail_map: backtrace"
"$PY" - "$T/map.gdb" "$T/map.bt" <<'PYEOF' || fail "tail_map: backtrace differs from gdb's: $(tr '\n' ' ' <"$T/map.bt.cmp")"
import re, sys
def simple(name):
    while True:
        n = re.sub(r"<[^<>]*>", "", name)
        if n == name:
            break
        name = n
    return name.split("(")[0].split("::")[-1]
want, got = [], []
for l in open(sys.argv[1]):
    m = re.match(r"#\d+\s+(?:0x[0-9a-f]+ in )?(.+?) \(", l)
    if m:
        want.append(simple(m.group(1)))
for l in open(sys.argv[2]):
    m = re.match(r"#\d+ (.+)\+0x[0-9a-f]+ ", l)
    if m:
        got.append(simple(m.group(1)))
want, got = want[:want.index("main") + 1], got[:got.index("main") + 1]
open(sys.argv[2] + ".cmp", "w").write("gdb %s\nhindsight %s\n" % (want, got))
sys.exit(0 if want == got and "_M_get_insert_hint_unique_pos" in want else 1)
PYEOF
summary="$summary tail_map: $(grep -c "^#" "$T/map.gdb") frames;"

# every frame's offset at step3's entry (tail-call frames step2 and step1
# included) is gdb's pc there less its function's entry: the address
# after the jump or the call
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break step3" -ex run -ex 'python
f = gdb.newest_frame()
while f is not None and f.function() is not None:
    print("OFF %s+0x%x" % (f.function().name, f.pc() - int(f.function().value().address)))
    if f.function().name == "main":
        break
    f = f.older()
' "$PROGS/tail_calls_o2" </dev/null >"$T/off.gdb" 2>&1
sed -n 's/^OFF //p' "$T/off.gdb" >"$T/off.want"
t=$("$HS" cat "$T/tail_calls.trace" calls/step3 | head -n 1 | cut -d' ' -f1)
"$HS" cat "$T/tail_calls.trace" "time/$((t + 1))/backtrace" |
	sed -n 's/^#[0-9]* \([^ ]*+0x[0-9a-f]*\) .*/\1/p' | sed -n "1,$(wc -l <"$T/off.want")p" >"$T/off.got"
[ "$(wc -l <"$T/off.want")" -ge 4 ] && cmp -s "$T/off.want" "$T/off.got" ||
	fail "frame offsets at step3: gdb $(tr '\n' ' ' <"$T/off.want"), tree $(tr '\n' ' ' <"$T/off.got")"

# the jcc tail calls: the frames that jumped say so (cond_tail jumps when
# its argument is odd: 3 of its 6 calls; cond_tail32 when it is 0: 2 of 6)
for fn in cond_tail:3 cond_tail32:2; do
	"$HS" cat "$T/tail_jcc.trace" "calls/${fn%:*}" >"$T/c.${fn%:*}" || fail "calls/${fn%:*}"
	[ "$(grep -c ' tail$' "$T/c.${fn%:*}")" = "${fn#*:}" ] ||
		fail "calls/${fn%:*}: not ${fn#*:} tail calls: $(cat "$T/c.${fn%:*}")"
done

# the frames that jumped: every call of step1, step2, len_of, say and apply
# ended by a tail call, no call of step3 or of the leaf functions did
for fn in step1 step2 len_of say apply; do
	"$HS" cat "$T/tail_calls.trace" "calls/$fn" >"$T/c.$fn" || fail "calls/$fn"
	[ "$(grep -vc ' tail$' "$T/c.$fn")" = 0 ] || fail "calls/$fn: a call not ended by a tail call: $(cat "$T/c.$fn")"
done
for fn in step3 classify count_bits twice; do
	"$HS" cat "$T/tail_calls.trace" "calls/$fn" >"$T/c.$fn" || fail "calls/$fn"
	! grep -q ' tail$' "$T/c.$fn" || fail "calls/$fn: a tail call where none is: $(cat "$T/c.$fn")"
done
# step3's frame returns where step1's would have: step2's call began one
# instruction before step1's frame ended, step3's one before step2's
s1=$(head -n 1 "$T/c.step1"); s2=$(head -n 1 "$T/c.step2"); s3=$(head -n 1 "$T/c.step3")
[ "$(echo "$s2" | cut -d' ' -f1)" = "$(( $(echo "$s1" | cut -d' ' -f2) - 1 ))" ] &&
[ "$(echo "$s3" | cut -d' ' -f1)" = "$(( $(echo "$s2" | cut -d' ' -f2) - 1 ))" ] &&
[ "$(echo "$s1" | cut -d' ' -f3)" = "$(echo "$s3" | cut -d' ' -f3)" ] ||
	fail "step1 -> step2 -> step3 do not chain: '$s1' '$s2' '$s3'"

# the same calls for any shard count (tail calls out of frames of earlier
# shards are guessed in a shard and checked in the merge)
"$HS" record --chunk-kb 16 -o "$T/small.trace" -- "$PROGS/tail_calls_o2" >/dev/null 2>&1 </dev/null ||
	fail "record --chunk-kb 16"
want=""
for n in 1 3 11; do
	"$HS" build --shards "$n" "$T/small.trace" >"$T/small.build" 2>&1 || fail "build --shards $n"
	"$HS" verify "$T/small.trace" >"$T/small.verify" 2>&1 || fail "verify --shards $n: $(tail -n 2 "$T/small.verify")"
	got=$(cat "$T"/small.trace/db/*/calls.hdb | cksum)
	[ -z "$want" ] && want=$got
	[ "$got" = "$want" ] || fail "calls.hdb of --shards $n differs from --shards 1"
done
pass "call counts, backtraces (with tail-call frames, their offsets: $(tr '\n' ' ' <"$T/off.got")) and finish equal gdb's:$summary; finish:$finished"
