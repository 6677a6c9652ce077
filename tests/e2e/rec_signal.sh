#!/bin/bash
# rec_signal.sh - signal.c (raise()d SIGUSR1, SIGSEGV left by siglongjmp): output matches native, regs-mismatches 0.
. "$(dirname "$0")/lib.sh"
require_built signal

native "$T/native" "$PROGS/signal"
[ "$(cat "$T/native.rc")" = 0 ] || fail "signal exits $(cat "$T/native.rc") natively"
record_ok "$T/tr" "$PROGS/signal"
same_file "stdout passed through by record" "$T/native.out" "$T/tr.out"
[ "$(info_get "$T/tr" exit-status)" = 0 ] || fail "info says exit-status: '$(info_get "$T/tr" exit-status)', expected 0"
[ "$(info_word "$T/tr" complete)" = yes ] || fail "info says complete: '$(info_word "$T/tr" complete)', expected yes"
check_regs "$T/tr"
tc_data "$T/fd1" --output 1 "$T/tr"
same_file "captured stdout" "$T/native.out" "$T/fd1"
pass
