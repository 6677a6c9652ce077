#!/bin/bash
# rec_forkexec.sh - forkexec.c: the fork child and its exec of /bin/echo are recorded (processes >= 2), regs-mismatches 0.
. "$(dirname "$0")/lib.sh"
require_built forkexec

native "$T/native" "$PROGS/forkexec"
record_ok "$T/tr" "$PROGS/forkexec"
# Parent and child share stdout; the parent flushes before fork and waits.
same_file "stdout passed through by record" "$T/native.out" "$T/tr.out"
n=$(info_get "$T/tr" processes)
case $n in
'' | *[!0-9]*) fail "info says processes: '$n', expected a number >= 2" ;;
esac
[ "$n" -ge 2 ] || fail "info says processes: $n, expected >= 2 (parent, fork child/exec of echo)"
[ "$(info_get "$T/tr" exit-status)" = 0 ] || fail "info says exit-status: '$(info_get "$T/tr" exit-status)', expected 0"
[ "$(info_word "$T/tr" complete)" = yes ] || fail "info says complete: '$(info_word "$T/tr" complete)', expected yes"
check_regs "$T/tr"
pass "processes: $n"
