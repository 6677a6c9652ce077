#!/bin/bash
# src_ifunc_bind.sh - calls/<f> of libc's ifuncs (strlen, memcpy, strcmp)
# as gdb's `break f` counts them, which depends on how the program binds
# its PLT slots (fs/tree/tree_src_calls.c, bound_ifunc_aliases): bound at
# start-up (-z now, as Debian's hardened programs are, or LD_BIND_NOW=1)
# gdb stops in the function the slot holds (__strlen_avx2) at each call;
# bound lazily, in the resolver when the first call binds the slot.
# tests/programs/ifunc_bind.c, compared with gdb on native runs
# (scripts/gdb-calls-oracle.py: counts from main on, backtraces at each
# entry), with glibc's AVX-512 variants off natively, so that glibc picks
# the functions it picks on Valgrind's CPU.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built ifunc_bind
SRC=$ROOT/tests/programs/ifunc_bind.c
gcc -g -O0 -Wl,-z,now -o "$T/ifunc_now" "$SRC" || fail "gcc -z now ifunc_bind.c"
export GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512VL,-AVX512BW,-AVX512F,-EVEX
summary=""
LIBFUNCS="strlen memcpy strcmp"
calls_oracle now "$T/ifunc_now" "$SRC" work
calls_oracle lazy "$PROGS/ifunc_bind" "$SRC" work
LD_BIND_NOW=1 calls_oracle bind_now_env "$PROGS/ifunc_bind" "$SRC" work
# bound at start-up, every call of work reaches strlen's function
n=$("$HS" cat "$T/now.trace" calls/strlen | awk '$4 == "work"' | wc -l)
[ "$n" = 6 ] || fail "-z now: calls/strlen has $n calls from work, not 6"
pass "ifunc calls equal gdb's break counts:$summary"
