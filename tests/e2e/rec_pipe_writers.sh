#!/bin/bash
# rec_pipe_writers.sh - a subshell that makes a pipe and then forks its
# pipeline (`(seq | gzip | wc -c) &`, as bash does) must not hang: the
# writer processes, started at the subshell's first fork, once kept a copy
# of the pipe's write end and gzip never saw the end of its input.  Same
# output as natively, every image complete, registers exact.
. "$(dirname "$0")/lib.sh"

cmd='for i in 1 2 3; do (seq 1 20000 | gzip -1 | wc -c) & done; wait; echo done'
native "$T/native" bash -c "$cmd"
STEP_TIMEOUT=120 record_ok "$T/tr" bash -c "$cmd"
same_file "stdout passed through by record" "$T/native.out" "$T/tr.out"
[ "$(info_word "$T/tr" complete)" = yes ] || fail "info says complete: '$(info_word "$T/tr" complete)', expected yes"
n=$(info_get "$T/tr" processes)
[ "${n:-0}" -ge 10 ] 2>/dev/null || fail "info says processes: '$n', expected >= 10 (bash, 3 subshells, 3 x seq, gzip, wc)"
check_regs "$T/tr"
pass "processes: $n"
