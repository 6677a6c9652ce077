#!/bin/bash
# stress_faults.sh - part of `make stress`: random damage to a built
# recording, and what the readers make of it.
#
#   sh scripts/stress_faults.sh     (HS_FAULTS: mutations, default 200;
#                                    HS_FAULTS_SEED: the random seed)
#
# Records two programs (the example, and forkexec for several images) and
# builds them.  Each mutation takes a fresh copy, changes 1 to 8 bytes at a
# random offset of one random file of the database or the raw recording
# (a .hdb file, manifest.json, stream.hst, code.hst), then asks the same
# questions of the copy as of the intact recording with `hindsight cat`:
# syscalls, events, regs, where and backtrace at moments through the run,
# calls/, maps and memory.  Each answer is one of:
#   same      the intact answer (the damage did not touch what it reads)
#   refused   a non-zero exit with a "hindsight:" line (damage detected)
#   WRONG     exit 0 with another answer: a bug
#   CRASH     killed by a signal: a bug
#   HANG      no answer within 30 s: a bug
# Prints the counts; exits 1 if any WRONG, CRASH or HANG.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
N=${HS_FAULTS:-200}
RANDOM=${HS_FAULTS_SEED:-$$}
export LC_ALL=C
T=$(mktemp -d "${TMPDIR:-/tmp}/hs-faults.XXXXXX")
trap 'rm -rf "$T"' EXIT
# the questions run a copy: a `make` during the run would replace the
# binary (exec then fails with ETXTBSY, which is no answer of ours)
cp "$HS" "$T/hindsight-cat" || exit 1

die()
{
	echo "faults: FAIL: $*"
	exit 1
}

for p in example forkexec; do
	"$HS" record -o "$T/$p" -- "$ROOT/build/programs/$p" </dev/null >/dev/null 2>&1 ||
		die "record $p"
	"$HS" build "$T/$p" >/dev/null 2>&1 || die "build $p"
done

# questions TRACE: one path per line
questions()
{
	local tend t
	tend=$("$HS" query "$1" info | sed -n 's/^t-end: //p')
	echo syscalls
	echo events
	echo stdout
	for t in 1 $((tend / 4)) $((tend / 2)) $((tend * 3 / 4)) "$tend"; do
		echo "time/$t/regs"
		echo "time/$t/maps"
		echo "time/$t/where"
		echo "time/$t/backtrace"
	done
	echo calls/main
	echo time/main/locals
}

# ask TRACE OUT: every question's answer and exit status into OUT/
ask()
{
	local q i=0 rc
	mkdir -p "$2"
	while read -r q; do
		i=$((i + 1))
		timeout -k 5 30 "$T/hindsight-cat" cat "$1" "$q" >"$2/$i.out" 2>"$2/$i.err"
		rc=$?
		echo "$rc" >"$2/$i.rc"
	done <"$T/q.$3"
}

for p in example forkexec; do
	questions "$T/$p" >"$T/q.$p"
	ask "$T/$p" "$T/good.$p" "$p"
done

same=0 refused=0 wrong=0 crash=0 hang=0
for k in $(seq "$N"); do
	if [ $((RANDOM % 2)) = 0 ]; then p=example; else p=forkexec; fi
	rm -rf "$T/copy" "$T/ans"
	cp -a "$T/$p" "$T/copy"
	mapfile -t files < <(cd "$T/copy" && find db procs -type f \( -name '*.hdb' -o \
		-name manifest.json -o -name stream.hst -o -name code.hst \) | sort)
	f=$T/copy/${files[$((RANDOM % ${#files[@]}))]}
	size=$(stat -c %s "$f")
	[ "$size" -gt 0 ] || continue
	off=$(( (RANDOM * 32768 + RANDOM) % size ))
	len=$((1 + RANDOM % 8))
	head -c "$len" /dev/urandom | dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
	ask "$T/copy" "$T/ans" "$p"
	for rcf in "$T"/ans/*.rc; do
		i=$(basename "$rcf" .rc)
		rc=$(cat "$rcf")
		what=
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			hang=$((hang + 1)); what=HANG
		elif [ "$rc" -gt 128 ]; then
			crash=$((crash + 1)); what=CRASH
		elif [ "$rc" = "$(cat "$T/good.$p/$i.rc")" ] &&
		     cmp -s "$T/ans/$i.out" "$T/good.$p/$i.out"; then
			same=$((same + 1))
		elif [ "$rc" != 0 ] && grep -q '^hindsight' "$T/ans/$i.err"; then
			refused=$((refused + 1))
		elif [ "$rc" != 0 ]; then
			crash=$((crash + 1)); what="CRASH (exit $rc, no message)"
		else
			wrong=$((wrong + 1)); what=WRONG
		fi
		[ -n "$what" ] && echo "faults: $what: $len bytes at $off of ${f#"$T/copy/"} ($p):" \
			"$(sed -n "${i}p" "$T/q.$p")"
	done
done
echo "faults: $N mutations, $((same + refused + wrong + crash + hang)) answers:" \
	"$same same, $refused refused with a message, $wrong wrong, $crash crashed, $hang hung"
[ $((wrong + crash + hang)) = 0 ] || exit 1
