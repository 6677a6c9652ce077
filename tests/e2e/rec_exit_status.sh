#!/bin/bash
# rec_exit_status.sh - record exits with the program's status (3), 128+6 when it aborts; info agrees.
. "$(dirname "$0")/lib.sh"
require_built exitcode abort small

WANT_RC=0 record_ok "$T/ok" "$PROGS/small"
[ "$(info_get "$T/ok" exit-status)" = 0 ] || fail "small: info says exit-status: '$(info_get "$T/ok" exit-status)', expected 0"

WANT_RC=3 record_ok "$T/three" "$PROGS/exitcode"
[ "$(info_get "$T/three" exit-status)" = 3 ] || fail "exitcode: info says exit-status: '$(info_get "$T/three" exit-status)', expected 3"
[ "$(info_word "$T/three" complete)" = yes ] || fail "exitcode: info says complete: '$(info_word "$T/three" complete)', expected yes"

WANT_RC=134 record_ok "$T/abrt" "$PROGS/abort"
st=$(info_get "$T/abrt" exit-status)
case $st in
*134* | *SIGABRT* | *"signal 6"*) ;;
*) fail "abort: info says exit-status: '$st', expected 134 or SIGABRT" ;;
esac
grep -q 'about to abort' "$T/abrt.out" || fail "abort: its stdout line was not passed through"
pass
