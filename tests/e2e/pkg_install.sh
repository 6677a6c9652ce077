#!/bin/bash
# pkg_install.sh - `make install DESTDIR=... PREFIX=/usr/local` puts the CLI,
# the recorder (with links to Valgrind's files), the man page and the README
# there; the installed binary, run from elsewhere, records with ITS tool
# (strace: no file of the build tree is opened or run), builds, and answers
# cat, ls and the HTTP server exactly as build/bin/hindsight does on the
# same recording; `man -l` renders the page without warnings; `make
# uninstall` leaves no file or link of ours in DESTDIR.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built small
command -v strace >/dev/null || fail "strace is not installed (sh scripts/install-deps.sh)"
command -v man >/dev/null || fail "man is not installed (sh scripts/install-deps.sh: man-db)"
BUILD_HS=$HS
R=$T/root
P=$R/usr/local

make -s -C "$ROOT" install DESTDIR="$R" PREFIX=/usr/local >"$T/install.log" 2>&1 ||
	fail "make install: $(tail -n 3 "$T/install.log" | tr '\n' ' ')"
for f in bin/hindsight lib/hindsight/valgrind/hindsight-amd64-linux \
	lib/hindsight/valgrind/vgpreload_core-amd64-linux.so share/man/man1/hindsight.1 \
	share/doc/hindsight/README.md share/hindsight/slurm/build.sbatch \
	share/hindsight/slurm/merge.sbatch; do
	[ -e "$P/$f" ] || fail "make install did not put $f"
done
cmp -s "$ROOT/README.md" "$P/share/doc/hindsight/README.md" || fail "the installed README differs"

# run from an unrelated folder with a program copied out of build/, and
# with a PATH that holds no hindsight: only the installed tree may be used
HSI=$P/bin/hindsight
mkdir "$T/elsewhere"
cp "$PROGS/small" "$T/small"
cd "$T/elsewhere" || fail "cd"
PATH=/usr/bin:/bin strace -f -qq -o "$T/strace" -e trace=execve,open,openat \
	"$HSI" record -o "$T/t" -- "$T/small" >"$T/rec.out" 2>"$T/rec.err" ||
	fail "the installed hindsight record exited $?: $(tail -n 2 "$T/rec.err" | tr '\n' ' ')"
grep -qE "execve\\(\"$P(/bin/\\.\\.)?/lib/hindsight/valgrind/hindsight-amd64-linux\"" "$T/strace" ||
	fail "the installed record did not run $P/lib/hindsight/valgrind/hindsight-amd64-linux"
if grep -F "$ROOT/build" "$T/strace" | grep -v ENOENT >"$T/leak"; then
	fail "the installed hindsight used the build tree: $(head -n 1 "$T/leak")"
fi
"$HSI" build "$T/t" >"$T/build.out" 2>&1 || fail "the installed hindsight build: $(tail -n 2 "$T/build.out" | tr '\n' ' ')"
"$HSI" info "$T/t" | grep -q '^built: yes' || fail "info after the installed build: $("$HSI" info "$T/t" | grep built)"
for p in time/5000/backtrace time/20000/regs calls/main; do
	"$HSI" cat "$T/t" "$p" >"$T/inst.txt" 2>&1 || fail "installed cat $p: $(head -n 1 "$T/inst.txt")"
	"$BUILD_HS" cat "$T/t" "$p" >"$T/build.txt" 2>&1 || fail "build/ cat $p: $(head -n 1 "$T/build.txt")"
	[ -s "$T/inst.txt" ] || fail "installed cat $p printed nothing"
	cmp -s "$T/inst.txt" "$T/build.txt" || fail "cat $p differs between the installed and the built hindsight"
done
[ "$("$HSI" ls "$T/t")" = "$("$BUILD_HS" ls "$T/t")" ] || fail "ls differs"

HS=$HSI serve_start inst "$T/t"
[ "$(hget /api/tree/time/5000/backtrace)" = 200 ] || fail "the installed serve: GET /api/tree/time/5000/backtrace did not answer 200"
"$BUILD_HS" cat "$T/t" time/5000/backtrace | cmp -s - "$T/body" || fail "the installed serve answers another backtrace"
[ "$(hget /)" = 200 ] && grep -qi '<html' "$T/body" || fail "the installed serve has no web UI"
serve_stop
cd "$ROOT" || fail "cd"

# the page renders, without warnings, and shows every command
man -l --warnings "$P/share/man/man1/hindsight.1" >"$T/man.txt" 2>"$T/man.err" || fail "man -l exited $?"
[ -s "$T/man.err" ] && fail "man -l warns: $(head -n 2 "$T/man.err" | tr '\n' ' ')"
for c in record build serve bom query gdbserver; do
	grep -q "^ *$c " "$T/man.txt" || fail "the rendered page has no entry for $c"
done

make -s -C "$ROOT" uninstall DESTDIR="$R" PREFIX=/usr/local >"$T/uninstall.log" 2>&1 ||
	fail "make uninstall: $(tail -n 3 "$T/uninstall.log" | tr '\n' ' ')"
left=$(find "$R" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $(echo "$left" | head -n 3 | tr '\n' ' ')"
[ -e "$P/lib/hindsight" ] && fail "make uninstall left lib/hindsight"
[ -e "$P/share/doc/hindsight" ] && fail "make uninstall left share/doc/hindsight"
pass
