#!/bin/sh
# install.sh - install Hindsight from this offline bundle (made by `make
# dist`, scripts/dist.sh), with no network:
#   1. the .deb files in debs/: the runtime packages a minimal Debian 12
#      (debootstrap --variant=minbase) lacks, listed with the reason in
#      DEPS.txt.  First every Depends and Pre-Depends of every bundled
#      package is checked against the bundle and the installed system
#      (dpkg-query), so a missing one is named before anything changes;
#      then one `dpkg -i debs/*.deb`: dpkg unpacks them all and configures
#      each after what it depends on, whatever the order of the files;
#   2. the install tree root/usr/local (the CLI, the recorder, the man
#      page, the README) copied to $DESTDIR$PREFIX.
#
#   sh install.sh [--dry-run] [--no-debs] [--dpkg-root DIR]
#     --dry-run        check the packages' dependencies and print the dpkg
#                      command instead of running it (the tree is copied)
#     --no-debs        skip step 1 (the packages are there already)
#     --dpkg-root DIR  install the packages into (or check against) the
#                      system at DIR: dpkg --root, dpkg-query --admindir
#   environment: PREFIX (default /usr/local), DESTDIR (default empty)
# Exit status: 0 installed (or would be), 1 something is missing or failed,
# 2 bad usage.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
dry=0
debs=1
root=""
while [ $# -gt 0 ]; do
	case $1 in
	--dry-run) dry=1 ;;
	--no-debs) debs=0 ;;
	--dpkg-root) [ $# -ge 2 ] || { echo "install.sh: --dpkg-root needs a folder" >&2; exit 2; }; root=$2; shift ;;
	-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
admindir=/var/lib/dpkg
[ -z "$root" ] || admindir=$root/var/lib/dpkg

# installed_version NAME: the version installed on the target, or nothing
installed_version()
{
	dpkg-query --admindir="$admindir" -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^install ok installed //p' | head -n 1
}

# bundled_version NAME: the version of NAME in debs/, or nothing
bundled_version()
{
	awk -v n="$1" '$1 == n { print $2; exit }' "$tmp/bundle"
}

# satisfied "NAME[:ARCH] [(OP VERSION)]": 0 when the bundle or the target
# has NAME (or a bundled package provides it) in a matching version
satisfied()
{
	name=$(echo "$1" | sed 's/^ *\([^ (:]*\).*/\1/')
	rel=$(echo "$1" | sed -n 's/.*(\([<>=]*\) *\([^ )]*\) *).*/\1 \2/p')
	for v in "$(bundled_version "$name")" "$(installed_version "$name")"; do
		[ -n "$v" ] || continue
		[ -z "$rel" ] && return 0
		# shellcheck disable=SC2086
		dpkg --compare-versions "$v" ${rel% *} "${rel#* }" && return 0
	done
	[ -z "$rel" ] && grep -qx "$name" "$tmp/provides" && return 0
	return 1
}

# check_deps: every Depends/Pre-Depends of every bundled package is met
check_deps()
{
	bad=0
	: >"$tmp/bundle"
	: >"$tmp/provides"
	for d in "$here"/debs/*.deb; do
		[ -e "$d" ] || continue
		printf '%s %s\n' "$(dpkg-deb -f "$d" Package)" "$(dpkg-deb -f "$d" Version)" >>"$tmp/bundle"
		dpkg-deb -f "$d" Provides | tr ',' '\n' | sed 's/^ *\([^ (:]*\).*/\1/; /^$/d' >>"$tmp/provides"
	done
	for d in "$here"/debs/*.deb; do
		[ -e "$d" ] || continue
		pkg=$(dpkg-deb -f "$d" Package)
		for field in Pre-Depends Depends; do
			dpkg-deb -f "$d" "$field" | tr ',' '\n' | sed '/^ *$/d' >"$tmp/groups"
			while IFS= read -r group; do
				ok=1
				alts=$(echo "$group" | tr '|' '\n')
				while IFS= read -r alt; do
					if satisfied "$alt"; then
						ok=0
						break
					fi
				done <<-EOT
				$alts
				EOT
				if [ $ok != 0 ]; then
					echo "install.sh: $pkg needs $(echo "$group" | sed 's/^ *//'), in neither the bundle nor the system" >&2
					bad=1
				fi
			done <"$tmp/groups"
		done
	done
	return $bad
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $debs = 1 ]; then
	check_deps || { echo "install.sh: missing dependencies: nothing was installed" >&2; exit 1; }
	set -- "$here"/debs/*.deb
	if [ -e "$1" ]; then
		if [ $dry = 1 ]; then
			echo "install.sh: dependencies met; would run: dpkg ${root:+--root=$root }-i $(cd "$here" && echo debs/*.deb)"
		else
			[ "$(id -u)" = 0 ] || { echo "install.sh: dpkg -i needs root (or --no-debs, --dry-run)" >&2; exit 1; }
			dpkg ${root:+--root="$root"} -i "$@"
		fi
	fi
fi
mkdir -p "$DESTDIR$PREFIX"
cp -R -P "$here/root/usr/local/." "$DESTDIR$PREFIX/"
echo "install.sh: installed hindsight into $DESTDIR$PREFIX"
