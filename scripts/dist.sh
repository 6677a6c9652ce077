#!/bin/sh
# dist.sh STAGE OUT.tar.gz - the offline bundle of `make dist`, from an
# install tree that make has put in STAGE/root (PREFIX=/usr/local):
#   STAGE/DEPS.txt     the runtime packages a minimal Debian 12 lacks, with
#                      the version and why (scripts/dist-deps.py says how
#                      they are chosen)
#   STAGE/MINBASE.txt  the minimal system that was assumed
#   STAGE/debs/        their .deb files (apt-get download, at the version
#                      installed here, which Hindsight was built and tested
#                      against); kept in build/dist-debs/ between runs
#   STAGE/install.sh   scripts/dist-install.sh
# then OUT.tar.gz holds STAGE under its own name.  Needs the Debian mirror
# once per package version; says so and fails when it cannot reach it.
set -eu
stage=$1
out=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cache=$ROOT/build/dist-debs
mkdir -p "$cache" "$stage/debs"
python3 "$ROOT/scripts/dist-deps.py" --minbase="$stage/MINBASE.txt" "$ROOT/build/bin/hindsight" >"$stage/DEPS.txt"
while read -r pkg ver why; do
	found=""
	for f in "$cache/${pkg}"_*.deb; do
		[ -e "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Package)" = "$pkg" ] && [ "$(dpkg-deb -f "$f" Version)" = "$ver" ]; then
			found=$f
		fi
	done
	if [ -z "$found" ]; then
		echo "dist: apt-get download $pkg=$ver ($why)" >&2
		if ! (cd "$cache" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$cache/apt.err"); then
			echo "dist: cannot download $pkg=$ver (is the Debian mirror reachable?): $(tail -n 2 "$cache/apt.err" | tr '\n' ' ')" >&2
			exit 1
		fi
		for f in "$cache/${pkg}"_*.deb; do
			[ "$(dpkg-deb -f "$f" Version)" = "$ver" ] && found=$f
		done
	fi
	[ -n "$found" ] || { echo "dist: apt-get download $pkg=$ver gave no file" >&2; exit 1; }
	ln -f "$found" "$stage/debs/" 2>/dev/null || cp "$found" "$stage/debs/"
done <"$stage/DEPS.txt"
cp "$ROOT/scripts/dist-install.sh" "$stage/install.sh"
chmod 755 "$stage/install.sh"
tar -C "$(dirname "$stage")" -czf "$out.tmp" "$(basename "$stage")"
mv "$out.tmp" "$out"
echo "dist: $out"
