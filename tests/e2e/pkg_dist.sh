#!/bin/bash
# pkg_dist.sh - `make dist` makes hindsight-VERSION-amd64.tar.gz: the
# install tree, install.sh, DEPS.txt/MINBASE.txt and one .deb per DEPS.txt
# line at the version installed here.  Every package behind a library ldd
# finds in build/bin/hindsight, and valgrind, is either bundled or in the
# assumed minimal Debian 12 (oracle: ldd, dpkg -S).  In a network
# namespace with no network (unshare -n), install.sh --dry-run against a
# dpkg database holding only that minimal system (this machine's entries
# of MINBASE.txt's packages) finds every dependency met and installs the
# tree, and the installed binary records, builds and cats a program there.
# install.sh refuses a bundle without libc6-dbg and a system whose libc6
# is too old.  Not tested here: a real `dpkg -i` (it would change this
# machine); the dependency check stands in for it.
. "$(dirname "$0")/lib.sh"
require_built small
command -v unshare >/dev/null || fail "unshare is not installed"
unshare -n true 2>/dev/null || fail "cannot make a network namespace here (unshare -n)"

make -s -C "$ROOT" dist >"$T/dist.log" 2>&1 || fail "make dist: $(tail -n 3 "$T/dist.log" | tr '\n' ' ')"
tarball=$(sed -n 's/^dist: //p' "$T/dist.log" | tail -n 1)
case $tarball in
build/hindsight-*-amd64.tar.gz) ;;
*) fail "make dist names no build/hindsight-VERSION-amd64.tar.gz: '$tarball'" ;;
esac
tarball=$ROOT/$tarball
name=$(basename "$tarball" .tar.gz)

# the listing
tar -tvzf "$tarball" >"$T/list" || fail "tar cannot list $tarball"
for f in install.sh DEPS.txt MINBASE.txt root/usr/local/bin/hindsight \
	root/usr/local/lib/hindsight/valgrind/hindsight-amd64-linux \
	root/usr/local/share/man/man1/hindsight.1 root/usr/local/share/doc/hindsight/README.md; do
	grep -q " $name/$f\( \|$\)" "$T/list" || fail "the tarball has no $name/$f"
done
grep -q "^l.* $name/root/usr/local/lib/hindsight/valgrind/vgpreload_core-amd64-linux.so -> /usr/libexec/valgrind/" "$T/list" ||
	fail "the tarball's recorder folder has no link to Valgrind's files"
tar -C "$T" -xzf "$tarball" || fail "tar cannot extract"
X=$T/$name

# DEPS.txt <-> debs/: one file per line, same version, the one installed here
n=0
while read -r pkg ver why; do
	n=$((n + 1))
	f=$(ls "$X"/debs/"${pkg}"_*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] || fail "DEPS.txt names $pkg but debs/ has no $pkg"
	[ "$(dpkg-deb -f "$f" Version)" = "$ver" ] || fail "$pkg: debs/ has $(dpkg-deb -f "$f" Version), DEPS.txt says $ver"
	[ "$(dpkg-query -W -f='${Version}' "$pkg")" = "$ver" ] || fail "$pkg: bundled $ver, installed here $(dpkg-query -W -f='${Version}' "$pkg")"
done <"$X/DEPS.txt"
[ "$n" -gt 0 ] && [ "$(ls "$X"/debs/*.deb | wc -l)" = "$n" ] || fail "debs/ and DEPS.txt disagree ($n lines)"
grep -q '^valgrind ' "$X/DEPS.txt" || grep -qx valgrind "$X/MINBASE.txt" || fail "valgrind is neither bundled nor assumed"
grep -qx libc6 "$X/MINBASE.txt" || fail "MINBASE.txt has no libc6: $(head -n 3 "$X/MINBASE.txt" | tr '\n' ' ')"
grep -qx valgrind "$X/MINBASE.txt" && fail "MINBASE.txt assumes valgrind, which no minimal Debian has"
ldd "$HS" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' >"$T/libs"
[ "$(wc -l <"$T/libs")" -gt 5 ] || fail "ldd found only $(wc -l <"$T/libs") libraries"
while read -r lib; do
	pkg=""
	for c in "$lib" "$(realpath "$lib")" "/usr$lib" "${lib#/usr}"; do
		pkg=$(dpkg -S "$c" 2>/dev/null | sed -n '1s/[:,].*//p')
		[ -n "$pkg" ] && break
	done
	[ -n "$pkg" ] || fail "dpkg -S knows no package of $lib"
	grep -q "^$pkg " "$X/DEPS.txt" || grep -qx "$pkg" "$X/MINBASE.txt" ||
		fail "$lib ($pkg) is neither bundled nor in the minimal system"
done <"$T/libs"

# a dpkg database of the minimal system only
mkroot()
{
	mkdir -p "$1/var/lib/dpkg"
	$PY - "$X/MINBASE.txt" "$1/var/lib/dpkg/status" "${2:-}" <<'PYEOF'
import sys
keep = set(open(sys.argv[1]).read().split())
out = []
for p in open('/var/lib/dpkg/status').read().split('\n\n'):
    if p.startswith('Package: ') and p.split('\n')[0][9:].strip() in keep:
        if sys.argv[3] and p.startswith('Package: libc6\n'):
            p = '\n'.join('Version: 2.31-13' if l.startswith('Version: ') else l for l in p.split('\n'))
        out.append(p)
open(sys.argv[2], 'w').write('\n\n'.join(out) + '\n')
PYEOF
}
mkroot "$T/minbase"
mkroot "$T/oldlibc" old

# no network in the namespace: the mirror is out of reach there
unshare -n curl -s --max-time 5 -o /dev/null http://deb.debian.org/debian/ &&
	fail "unshare -n still reaches deb.debian.org"
D=$T/dest
DESTDIR=$D unshare -n sh "$X/install.sh" --dry-run --dpkg-root "$T/minbase" >"$T/inst.out" 2>&1 ||
	fail "install.sh on the minimal system: $(tail -n 3 "$T/inst.out" | tr '\n' ' ')"
grep -q "would run: dpkg --root=$T/minbase -i debs/" "$T/inst.out" || fail "install.sh says: $(head -n 2 "$T/inst.out" | tr '\n' ' ')"
cmp -s "$X/root/usr/local/bin/hindsight" "$D/usr/local/bin/hindsight" || fail "install.sh did not copy the CLI to DESTDIR"
[ -L "$D/usr/local/lib/hindsight/valgrind/vgpreload_core-amd64-linux.so" ] || fail "install.sh did not copy the recorder's links"
cp "$PROGS/small" "$T/small"
( cd "$T" && unshare -n sh -c '"$1" record -o "$2/t" -- "$2/small" >"$2/rec.out" 2>&1 && "$1" build "$2/t" >"$2/build.out" 2>&1 &&
	"$1" cat "$2/t" time/5000/backtrace' sh "$D/usr/local/bin/hindsight" "$T" >"$T/bt" 2>"$T/bt.err" ) ||
	fail "the bundle's hindsight without network: $(tail -n 2 "$T/rec.out" "$T/build.out" "$T/bt.err" 2>/dev/null | tr '\n' ' ')"
"$HS" cat "$T/t" time/5000/backtrace | cmp -s - "$T/bt" || fail "the bundle's hindsight answers another backtrace"

# the check can fail: a dependency missing from the bundle, a system too old
rm -f "$X"/debs/libc6-dbg_*.deb
DESTDIR=$T/dest2 unshare -n sh "$X/install.sh" --dry-run --dpkg-root "$T/minbase" >"$T/nodbg.out" 2>&1 &&
	fail "install.sh accepts a bundle without libc6-dbg"
grep -q "valgrind needs libc6-dbg" "$T/nodbg.out" || fail "without libc6-dbg: $(head -n 2 "$T/nodbg.out" | tr '\n' ' ')"
[ -e "$T/dest2" ] && fail "install.sh installed the tree although dependencies were missing"
tar -C "$T" -xzf "$tarball" "$name/debs" || fail "tar cannot extract debs/ again"
DESTDIR=$T/dest3 unshare -n sh "$X/install.sh" --dry-run --dpkg-root "$T/oldlibc" >"$T/old.out" 2>&1 &&
	fail "install.sh accepts a system with libc6 2.31"
grep -q "needs libc6 (>= " "$T/old.out" || fail "with libc6 2.31: $(head -n 2 "$T/old.out" | tr '\n' ' ')"
pass
