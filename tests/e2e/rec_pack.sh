#!/bin/bash
# rec_pack.sh - hindsight pack: a packed recording builds and answers
# elsewhere, with none of its original files.
#
# tests/programs/pack/ is compiled (-g -O0) in $T/src: prog, and its private
# libplib.so (loaded by rpath) whose debug info is split off into
# libplib.so.debug (objcopy --only-keep-debug, --add-gnu-debuglink), whose
# .gnu_debugaltlink names alt.so (a dwz file's link, made by hand: no dwz).  It
# maps a 96 MiB data file (which makes pack slow enough to be killed).
# plib.h is moved to another folder before the pack (pack --sources).
#  - pack --exclude-system: nothing under /usr or /lib is packed; the
#    program, the library, its debug file, the sources and the data are;
#  - SIGKILL at several moments of a full pack: TRACE/pack is the one
#    before (byte for byte), the trace builds and answers as before; a
#    later pack completes and removes what the killed ones left;
#  - pack twice: nothing added, the pack unchanged;
#  - libplib.so rebuilt from another source over the packed one, then the
#    whole folder deleted and the trace moved: build, where, backtrace,
#    locals and sources/ (cat, and serve's /api/tree) answer exactly as
#    before.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built
command -v cc >/dev/null && command -v objcopy >/dev/null || fail "no cc or objcopy"

S=$T/src
mkdir -p "$S" && cp "$ROOT"/tests/programs/pack/* "$S/" || fail "cp"
(cd "$S" && cc -g -O0 -fPIC -shared -o libplib.so plib.c &&
	objcopy --only-keep-debug libplib.so libplib.so.debug &&
	echo 'int alt_unused;' >alt.c && cc -g -fPIC -shared -o alt.so alt.c &&
	ALT_ID=$(readelf -n alt.so | sed -n 's/.*Build ID: *//p') && [ -n "$ALT_ID" ] &&
	{ printf 'alt.so\0'; printf "$(echo "$ALT_ID" | sed 's/../\\x&/g')"; } >altlink &&
	objcopy --add-section .gnu_debugaltlink=altlink libplib.so.debug &&
	objcopy --strip-debug --add-gnu-debuglink=libplib.so.debug libplib.so &&
	cc -g -O0 -o prog prog.c -L. -lplib -Wl,-rpath,"$S") || fail "cc"
head -c $((96 << 20)) /dev/urandom >"$S/big.dat" || fail "big.dat"
record_ok "$T/tr" "$S/prog" "$S/big.dat"
build_ok "$T/tr"

# the answers: where, backtrace, locals at lines of both files; sources/
answers()
{
	local tr=$1 out=$2 rel line t v paths=()
	: >"$out"
	for rel in "${S#/}/prog.c" "${S#/}/plib.c"; do
		"$HS" ls "$tr" "lines/$rel" >"$T/lines" 2>>"$out" || echo "no lines/$rel" >>"$out"
		for line in $(cat "$T/lines"); do
			t=$("$HS" cat "$tr" "lines/$rel/$line" | head -n 1)
			echo "== $rel:$line t=$t" >>"$out"
			paths+=("time/$t/where" "time/$t/backtrace")
			for v in $("$HS" ls "$tr" "time/$t/locals" 2>>"$out"); do
				echo "$v" >>"$out"
				paths+=("time/$t/locals/$v")
			done
		done
		paths+=("sources/$rel")
	done
	# one reader for every file: their texts in order
	"$HS" cat "$tr" "${paths[@]}" >>"$out" 2>&1
	echo "== sources/" >>"$out"
	"$HS" ls "$tr" "sources/${S#/}" >>"$out" 2>&1
}
answers "$T/tr" "$T/before"
grep -q "plib_scale" "$T/before" && grep -qx "k" "$T/before" && grep -qx "a" "$T/before" &&
	grep -q "sum = " "$T/before" &&
	grep -q "PLIB_BIAS" "$T/before" || fail "the answers before pack lack the library: $(head -c 600 "$T/before")"
grep -q "^packed: no" <("$HS" info "$T/tr") || fail "info before pack: $("$HS" info "$T/tr" | grep pack)"

# SIGKILL at several moments of a full pack: the trace is as it was
snap() { (cd "$1" && find . -path ./db -prune -o ! -name '.pack.tmp.*' -print | grep -v '^\./\.pack\.tmp\.' |
	sort | while read -r f; do echo "$f $(stat -c %s "$f") $( [ -f "$f" ] && md5sum <"$f")"; done); }
# kill_packs TRACE MIN: at least MIN packs are killed; "pre" kills before
# the pack writes anything, the others that long after its temporary
# folder appeared
kill_packs()
{
	local tr=$1 min=$2 d pid killed=0 finished=no
	snap "$tr" >"$T/snap0"
	for d in pre 0 0.01 0.05 0.1 0.2; do
		"$HS" pack "$tr" >/dev/null 2>&1 &
		pid=$!
		if [ "$d" = pre ]; then
			sleep 0.05
		else
			for _ in $(seq 1000); do
				[ -d "$tr/.pack.tmp.$pid" ] || ! kill -0 "$pid" 2>/dev/null && break
				sleep 0.005
			done
			sleep "$d"
		fi
		kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
		wait "$pid" 2>/dev/null
		snap "$tr" >"$T/snap1"
		if ! cmp -s "$T/snap0" "$T/snap1"; then
			# the kill came after the commit: a complete new pack, or none
			grep -Eq '"key": *"/(usr|lib)' "$tr/pack/manifest.json" ||
				fail "$tr: killed at $d: the pack changed: $(diff "$T/snap0" "$T/snap1" | head -n 5)"
			note "$tr: pack finished before the kill at $d"
			finished=yes
			break
		fi
	done
	# the trace's files are as before (byte for byte, above): one build
	# with every killed pack's leftovers beside it answers as before
	rm -rf "$tr/db"
	build_ok "$tr"
	answers "$tr" "$T/killed"
	cmp -s "$T/before" "$T/killed" || fail "$tr: after the killed packs: $(diff "$T/before" "$T/killed" | head -n 5)"
	note "$tr: $killed packs killed"
	[ "$killed" -ge "$min" ] || fail "$tr: only $killed packs were killed"
	[ "$finished" = yes ] || ls -d "$tr"/.pack.tmp.* >/dev/null 2>&1 ||
		fail "$tr: the last killed pack left no temporary folder: was it killed while writing?"
}
# a trace never packed (the pack copies 100 MB: it is killed while writing)
cp -a "$T/tr" "$T/tr_u" || fail "cp -a"
kill_packs "$T/tr_u" 3
rm -rf "$T/tr_u"

# plib.h moves away before the pack: --sources finds it (by its trailing
# path, as mount and serve do)
mkdir -p "$T/hdr" && mv "$S/plib.h" "$T/hdr/" || fail "mv plib.h"

# --exclude-system: only the private files
"$HS" pack --exclude-system --sources "$T/hdr" "$T/tr" >"$T/pack0.out" 2>&1 || fail "pack --exclude-system: $(cat "$T/pack0.out")"
M=$T/tr/pack/manifest.json
grep -E '"key": *"/(usr|lib)' "$M" && fail "--exclude-system packed system files"
for k in "$S/prog" "$S/libplib.so" "$S/libplib.so.debug" "$S/prog.c" "$S/plib.c" "$S/plib.h" "$S/big.dat"; do
	grep -q "\"key\": *\"$k\"" "$M" || fail "--exclude-system left out $k: $(grep '"key"' "$M" | tr -s ' \n' ' ')"
done
grep -q '"kind": *"debug"' "$M" || fail "the split debug file is not packed by build-id"
ALT_ID=$(readelf -n "$S/alt.so" | sed -n 's/.*Build ID: *//p')
grep -q "\"key\": *\"$ALT_ID\"" "$M" || fail "the .gnu_debugaltlink file (build-id $ALT_ID) is not packed"
[ -f "$T/tr/pack/debug/.build-id/${ALT_ID:0:2}/${ALT_ID:2}.debug" ] || fail "no build-id link for the altlink file"
"$HS" info "$T/tr" | grep -q "^packed: yes" || fail "info after pack: $("$HS" info "$T/tr" | grep pack)"
"$HS" info "$T/tr" | grep -Eq "^packed-bytes: [0-9]{8,}" || fail "info packed-bytes: $("$HS" info "$T/tr" | grep pack)"

# a packed trace: the full pack adds the system files and exchanges the pack
kill_packs "$T/tr" 1
"$HS" pack "$T/tr" >"$T/pack1.out" 2>&1 || fail "pack after the kills: $(cat "$T/pack1.out")"
ls -d "$T"/tr/.pack.tmp.* 2>/dev/null && fail "a killed pack's folder is still there"
grep -Eq '"key": *"/(usr/)?lib' "$M" || fail "a full pack left the system libraries out"

# pack twice: nothing added
snap "$T/tr" >"$T/snap2"
"$HS" pack "$T/tr" >"$T/pack2.out" 2>&1 || fail "second pack: $(cat "$T/pack2.out")"
grep -q "nothing to add" "$T/pack2.out" || fail "second pack: $(cat "$T/pack2.out")"
snap "$T/tr" >"$T/snap3"
cmp -s "$T/snap2" "$T/snap3" || fail "the second pack changed the trace: $(diff "$T/snap2" "$T/snap3" | head -n 5)"

# the library rebuilt from another source, in place over the packed one
(cd "$S" && cc -g -O0 -I"$T/hdr" -fPIC -shared -o plib.new plib2.c && cat plib.new >libplib.so &&
	echo 'int plib_scale(int x) { return x; }' >plib.c) || fail "rebuild"
rm -rf "$T/tr/db"
build_ok "$T/tr"
answers "$T/tr" "$T/replaced"
cmp -s "$T/before" "$T/replaced" || fail "a library replaced after pack changed the answers: $(diff "$T/before" "$T/replaced" | head -n 8)"

# delete everything, move the trace, build again
rm -rf "$S" || fail "rm"
mkdir -p "$T/elsewhere" && mv "$T/tr" "$T/elsewhere/moved" || fail "mv"
rm -rf "$T/elsewhere/moved/db"
build_ok "$T/elsewhere/moved"
answers "$T/elsewhere/moved" "$T/after"
cmp -s "$T/before" "$T/after" || fail "after deleting the folder and moving the trace: $(diff "$T/before" "$T/after" | head -n 8)"
# serve reads the same packed copies: a source file and a moment's where
serve_start srv "$T/elsewhere/moved"
rel=${S#/}/plib.c
expect_status 200 "/api/tree/sources/$rel"
"$HS" cat "$T/elsewhere/moved" "sources/$rel" >"$T/want" || fail "cat sources/$rel"
same_file "/api/tree/sources/$rel" "$T/want" "$T/body"
grep -q "PLIB_BIAS" "$T/body" || fail "served sources/$rel: $(head -c 200 "$T/body")"
serve_stop
"$HS" cat "$T/elsewhere/moved" stdout | grep -q "^46 4 " || fail "stdout: $("$HS" cat "$T/elsewhere/moved" stdout)"
pass
