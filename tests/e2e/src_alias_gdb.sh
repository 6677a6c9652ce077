#!/bin/bash
# src_alias_gdb.sh - the names of libc's functions in backtraces and in
# calls/ are gdb's, exactly, frames inside libc included.
#
# alias_abort.c (a handler entered by raise, a qsort comparator, malloc,
# strdup, puts, printf, write, free, then a failed assert: abort) runs
# natively under gdb with breakpoints on its own functions and on libc's
# (scripts/gdb-calls-oracle.py: the latter from main on), and is recorded:
#   - dynamic, -O0 and -O2, with libc6-dbg: gdb names a libc frame by its
#     DWARF linkage name (__GI_raise, __GI___libc_malloc, __GI___qsort_r,
#     __GI___assert_fail), shows a tail call's frame (__pthread_kill_internal
#     under __pthread_kill_implementation) and libc's inlined copies
#     (msort_with_tmp);
#   - static (-static, no DWARF for libc): gdb names a frame by the last of
#     the symbols at its address sorted by name (write, not __libc_write;
#     qsort_r, not __qsort_r) and an Ada-like print name
#     (msort_with_tmp.part for msort_with_tmp.part.0).
# tests/e2e/src_alias_compare.py compares every frame of
# time/<t_call+1>/backtrace down to main with gdb's bt at each hit, frame
# 0's function, and calls/<f>'s counts with the hits (calls/raise,
# calls/malloc: a function's other names lead to its calls), and for a
# static binary's ifuncs (strlen, memcpy) the calls and callers of gdb's
# `break` from the start.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built alias_abort
SRC=$ROOT/tests/programs/alias_abort.c
summary=""

# check NAME BINARY: gdb's hits, the recording, the comparison
check()
{
	local name=$1 bin=$2 rc
	: "${FUNCS:=on_usr1 by_value}"
	ORACLE_PROG=$bin ORACLE_OUT=$T/$name.json ORACLE_FUNCS="$FUNCS" ORACLE_LIBFUNCS="$LIBFUNCS" \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ROOT/scripts/gdb-calls-oracle.py" \
		</dev/null >"$T/$name.gdb" 2>&1
	[ -s "$T/$name.json" ] || fail "$name: gdb oracle: $(grep -i 'error\|Traceback' "$T/$name.gdb" | head -n 2 | tr '\n' ' ')"
	WANT_RC=${RC:-134} record_ok "$T/$name.trace" "$bin"
	build_ok "$T/$name.trace"
	mount_tree "$T/$name.trace" "$T/$name.mnt"
	"$PY" "$ROOT/tests/e2e/src_alias_compare.py" "$T/$name.json" "$T/$name.mnt" >"$T/$name.cmp" 2>&1
	rc=$?
	cat "$T/$name.cmp" >&2
	[ "$rc" = 0 ] || fail "$name: $(head -n 2 "$T/$name.cmp" | tr '\n' ' ')"
	summary="$summary $name: $(tail -n 1 "$T/$name.cmp" | cut -d' ' -f3-4);"
}

LIBFUNCS="malloc free puts memcpy strlen write strdup printf qsort raise abort
	__pthread_kill_implementation __assert_fail_base"
check dynamic "$PROGS/alias_abort"
gcc -g -O2 -o "$T/alias_abort_o2" "$SRC" || fail "gcc -O2 alias_abort.c"
check dynamic_o2 "$T/alias_abort_o2"
LIBFUNCS="malloc free puts write strdup printf qsort raise abort __assert_fail_base"
gcc -g -O0 -static -o "$T/alias_abort_static" "$SRC" || fail "gcc -static alias_abort.c"
check static "$T/alias_abort_static"

# a signal handler inside an inlined copy (alias_siginl_o2.c: SIGFPE in
# work(), inlined into main): gdb's bt in the handler has the copy under
# "<signal handler called>"; the copy goes on after rt_sigreturn, so its
# entry in calls/work ends where the code after the handler leaves it (at
# the AFTER_COPY line, after the handler's return and the AFTER_HANDLER
# line), not at the handler's entry
require_built alias_siginl_o2
RC=0 FUNCS="on_fpe work" LIBFUNCS="" check siginl "$PROGS/alias_siginl_o2"
"$HS" cat "$T/siginl.trace" calls/work >"$T/work" && "$HS" cat "$T/siginl.trace" calls/on_fpe >"$T/on_fpe" ||
	fail "calls/work, calls/on_fpe"
t_ret=$(cut -d' ' -f2 "$T/work")
[ "$t_ret" -gt "$(cut -d' ' -f2 "$T/on_fpe")" ] 2>/dev/null ||
	fail "the copy of work ends before the handler returns: work $(cat "$T/work"), on_fpe $(cat "$T/on_fpe")"
after=$(grep -n AFTER_HANDLER "$ROOT/tests/programs/alias_siginl_o2.c" | cut -d: -f1)
copy=$(grep -n AFTER_COPY "$ROOT/tests/programs/alias_siginl_o2.c" | cut -d: -f1)
"$HS" cat "$T/siginl.trace" "lines/${ROOT#/}/tests/programs/alias_siginl_o2.c/$after" >"$T/after" ||
	fail "lines/.../alias_siginl_o2.c/$after"
[ "$(head -n 1 "$T/after" | cut -d' ' -f1)" -lt "$t_ret" ] 2>/dev/null ||
	fail "the copy of work ends at $t_ret, before line $after runs ($(head -n 1 "$T/after"))"
"$HS" cat "$T/siginl.trace" "time/$t_ret/where" | grep -q "^main+0x[0-9a-f]* alias_siginl_o2.c:$copy$" ||
	fail "the copy of work ends at $("$HS" cat "$T/siginl.trace" "time/$t_ret/where"), not main at line $copy"

# a static binary's ifuncs: gdb's `break strlen` (set before the run; libc
# has no DWARF here) stops in the resolver once (gdb then resolves it: no
# frame shown, one hit counted) and in every call of the function it
# returned (__strlen_evex natively, __strlen_avx2 on Valgrind's CPU), so
# calls/strlen has the resolver's call and those; their callers are gdb's
# frames 1 but for _dl_new_object, which sets up the vDSO that Valgrind
# does not map (a native-only call)
for fn in strlen memcpy; do
	printf '%s\n' "set pagination off" "handle SIGUSR1 nostop noprint pass" \
		"handle SIGABRT nostop noprint pass" "break $fn" "commands" "silent" "bt 2" \
		"continue" "end" "run" "info breakpoints" >"$T/ifunc.gdb"
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$T/ifunc.gdb" "$T/alias_abort_static" \
		</dev/null >"$T/ifunc.$fn" 2>&1
	hits=$(sed -n 's/.*already hit \([0-9]*\) time.*/\1/p' "$T/ifunc.$fn")
	awk '$1 == "#1" {print $4}' "$T/ifunc.$fn" | grep -v '^_dl_new_object$' | sort >"$T/ifunc.$fn.want"
	vdso=$(awk '$1 == "#1" && $4 == "_dl_new_object"' "$T/ifunc.$fn" | wc -l)
	"$HS" cat "$T/static.trace" "calls/$fn" >"$T/ifunc.$fn.calls" || fail "calls/$fn (static)"
	cut -f1 "$T/ifunc.$fn.calls" | cut -d' ' -f4 | sort >"$T/ifunc.$fn.got"
	[ -n "$hits" ] && [ "$(wc -l <"$T/ifunc.$fn.calls")" = $((hits - vdso)) ] ||
		fail "static calls/$fn: $(wc -l <"$T/ifunc.$fn.calls") calls, gdb $hits hits ($vdso in the vDSO's set-up)"
	# one caller more than gdb's frames 1: the resolver's
	[ "$(comm -13 "$T/ifunc.$fn.want" "$T/ifunc.$fn.got" | wc -l)" = 1 ] &&
		[ -z "$(comm -23 "$T/ifunc.$fn.want" "$T/ifunc.$fn.got")" ] ||
		fail "static calls/$fn callers: $(tr '\n' ' ' <"$T/ifunc.$fn.got"), gdb $(tr '\n' ' ' <"$T/ifunc.$fn.want")"
	summary="$summary static $fn: $hits hits;"
done
# a dynamic program's: ld.so calls libc's resolvers while it relocates libc
# (elf_machine_lazy_rel), before gdb learns of libc, so no `break memcpy`
# stops there: calls/memcpy and the others have no such call
for fn in memcpy memset strcmp strchr; do
	"$HS" cat "$T/dynamic.trace" "calls/$fn" >"$T/reloc.$fn" || fail "calls/$fn (dynamic)"
	! grep -q " elf_machine_lazy_rel" "$T/reloc.$fn" ||
		fail "dynamic calls/$fn has the resolver's call by ld.so's relocation: $(grep elf_machine "$T/reloc.$fn")"
done
pass "backtraces and call counts equal gdb's:$summary"
