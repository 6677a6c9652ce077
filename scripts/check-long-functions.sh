#!/bin/sh
# Fails when a C function is longer than MAX lines (150: STYLE, "no
# function over 150 lines").  A function is what lies between a "{" and a
# "}" at the start of a line (the project's layout); its name is on the
# last line before the "{" that starts with a name and holds a "(".
#   sh scripts/check-long-functions.sh [MAX]
set -eu
cd "$(dirname "$0")/.."
MAX=${1:-150}
bad=0
for f in $(git ls-files '*.c' | grep -v '^tests/programs/'); do
	awk -v max="$MAX" -v f="$f" '
		/^[A-Za-z_].*\(/ { sig = $0 }
		/^\{/ { start = NR; name = sig; next }
		/^\}/ && start { n = NR - start - 1
			if (n > max) { sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
				printf "%s:%d: %s is %d lines (over %d)\n", f, start, name, n, max }
			start = 0 }
		' "$f"
done > "${TMPDIR:-/tmp}/hs-long.$$"
while IFS= read -r line; do
	echo "$line"
	bad=1
done < "${TMPDIR:-/tmp}/hs-long.$$"
rm -f "${TMPDIR:-/tmp}/hs-long.$$"
exit $bad
