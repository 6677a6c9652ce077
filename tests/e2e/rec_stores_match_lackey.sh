#!/bin/bash
# rec_stores_match_lackey.sh - trace-check --stores lists the same stores, in order, as lackey --trace-mem=yes.
#
# Normalisation (both sides): keep only store events, one "addr,size" line
# each, address in lower-case hex without "0x" or leading zeros.  lackey's
# "M" lines (one instruction loads and stores the same address and size,
# e.g. `add %eax,(%rdx)`, and every CAS) count as stores.  Nothing else is
# changed: every store of the whole run, ld.so and libc included, must
# match in address, size and order.
. "$(dirname "$0")/lib.sh"
require_built small example

capture_client_env "$T/tr" "$T/env"

check_stores()
{
	local name=$1
	shift
	rm -rf "$T/tr" "$T"/tr.*
	record_ok "$T/tr" "$@"
	timeout -k 10 "$STEP_TIMEOUT" "$HS" trace-check --stores "$T/tr" >"$T/$name.hs.raw" 2>"$T/$name.hs.err" ||
		fail "$name: trace-check --stores exited $?: $(tail -n 1 "$T/$name.hs.err")"
	vg_oracle "$T/env" "$T/$name.lk" --tool=lackey --trace-mem=yes -- "$@"
	norm_stores <"$T/$name.hs.raw" >"$T/$name.hs"
	norm_stores <"$T/$name.lk.log" >"$T/$name.lk"
	[ -s "$T/$name.lk" ] || fail "$name: lackey logged no stores"
	[ -s "$T/$name.hs" ] || fail "$name: trace-check --stores printed no stores"
	if ! cmp -s "$T/$name.lk" "$T/$name.hs"; then
		local line
		line=$(cmp "$T/$name.lk" "$T/$name.hs" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p')
		fail "$name: stores differ from lackey at store #${line:-?} (lackey $(wc -l <"$T/$name.lk") stores, hindsight $(wc -l <"$T/$name.hs")): lackey '$(sed -n "${line:-1}p" "$T/$name.lk")', hindsight '$(sed -n "${line:-1}p" "$T/$name.hs")'"
	fi
	note "$name: $(wc -l <"$T/$name.hs") stores match"
}

check_stores small "$PROGS/small"
check_stores example "$PROGS/example"
pass
