#!/bin/sh
# Fails when a C function is longer than MAX lines (150: STYLE, "no
# function over 150 lines").  A function is what lies between a "{" and a
# "}" at the start of a line (the project's layout); its name is on the
# last line before the "{" that starts with a name and holds a "(".  Left out until their owners split them:
# server/ and the recorder (builder/recorder), whose functions over the
# limit are printed as notes.
#   sh scripts/check-long-functions.sh [MAX]
set -eu
cd "$(dirname "$0")/.."
MAX=${1:-150}
EXCLUDE='^(server/|builder/recorder/)'
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
	if printf '%s\n' "$line" | grep -Eq "$EXCLUDE"; then
		echo "note (excluded for now): $line"
	else
		echo "$line"
		bad=1
	fi
done < "${TMPDIR:-/tmp}/hs-long.$$"
rm -f "${TMPDIR:-/tmp}/hs-long.$$"
exit $bad
