#!/bin/bash
# rec_stores_match_lackey.sh - trace-check --stores lists the same stores, in order, as lackey --trace-mem=yes.
#
# Workloads: tests/programs/small and example, `gzip -c` of 20 KB and
# `sort` of 30 KB.  Normalisation (both sides): keep only store events, one "addr,size" line
# each, address in lower-case hex without "0x" or leading zeros.  lackey's
# "M" lines (one instruction loads and stores the same address and size,
# e.g. `add %eax,(%rdx)`, and every CAS) count as stores.  Nothing else is
# changed: every store of the whole run, ld.so and libc included, must
# match in address, size and order.  Then the raw --stores lines must be
# exactly lackey's format, " S %08lx,%lu".
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
PROG_STDERR=/dev/null # see lib.sh, "stderr's offset"
require_built small example
# Not signal.c: lackey buffers a superblock's memory events and loses those
# before a faulting instruction.  Not threads.c: the thread interleaving
# differs from run to run.

capture_client_env "$T/tr" "$T/env"

check_stores()
{
	local name=$1 bad
	shift
	rm -rf "$T/tr" "$T"/tr.*
	record_ok "$T/tr" "$@"
	tc_data "$T/$name.hs.raw" --stores "$T/tr"
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
	# The same lines as lackey prints them: " S %08lx,%lu".
	bad=$(grep -vnE '^ S [0-9a-f]{8,},[0-9]+$' "$T/$name.hs.raw" | head -n 1)
	[ -z "$bad" ] || fail "$name: stores match but not in lackey's format ' S %08lx,%lu': line $bad"
}

check_stores small "$PROGS/small"
check_stores example "$PROGS/example"
gen_text "$T/input.txt" 20000
check_stores gzip /usr/bin/gzip -c "$T/input.txt"
gen_text "$T/lines.txt" 30000
check_stores sort /usr/bin/sort -S 4M --parallel=1 "$T/lines.txt"
pass
