#!/bin/bash
# rec_threads.sh - threads.c: info says threads: 5, output matches a native run, regs-mismatches 0.
. "$(dirname "$0")/lib.sh"
require_built threads

native "$T/native" "$PROGS/threads"
record_ok "$T/tr" "$PROGS/threads"
same_file "stdout passed through by record" "$T/native.out" "$T/tr.out"
n=$(info_get "$T/tr" threads)
[ "$n" = 5 ] || fail "info says threads: '$n', expected 5 (main + 4 pthreads)"
n=$(info_get "$T/tr" processes)
[ "$n" = 1 ] || fail "info says processes: '$n', expected 1"
[ "$(info_word "$T/tr" complete)" = yes ] || fail "info says complete: '$(info_word "$T/tr" complete)', expected yes"
check_regs "$T/tr"
tc_data "$T/fd1" --output 1 "$T/tr"
same_file "captured stdout" "$T/native.out" "$T/fd1"
pass
