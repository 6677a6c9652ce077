#!/bin/bash
# pkg_man.sh - man/hindsight.1 documents every command of `hindsight
# --help`, every option of each `hindsight COMMAND --help` and every WHAT
# of `query --help` (pkg_man_check.py); the check fails on a page that
# lacks a command, an option or a WHAT.
. "$(dirname "$0")/lib.sh"
require_built
MAN=$ROOT/man/hindsight.1
CHECK=$ROOT/tests/e2e/pkg_man_check.py

out=$($PY "$CHECK" "$MAN" "$HS") || fail "the man page lacks: $(echo "$out" | head -n 5 | tr '\n' ';')"

# each mutilated page must be refused, naming what is gone
sed '/^\.It Cm bom/d' "$MAN" >"$T/no_cmd.1"
sed 's/^\.It Fl -keep-mb Ar M$/.It Ar M/; s/^\.Op Fl -keep-mb Ar M$//' "$MAN" >"$T/no_opt.1"
sed '/^\.It Cm last-write/d' "$MAN" >"$T/no_what.1"
for case in "no_cmd:command bom" "no_opt:playground option --keep-mb" "no_what:query last-write"; do
	f=${case%%:*}
	want=${case#*:}
	cmp -s "$MAN" "$T/$f.1" && fail "$f.1: the sed changed nothing"
	out=$($PY "$CHECK" "$T/$f.1" "$HS") && fail "the check accepts $f.1"
	echo "$out" | grep -qx "$want" || fail "$f.1: the check says '$out', not '$want'"
done
pass
