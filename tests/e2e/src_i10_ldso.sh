#!/bin/bash
# src_i10_ldso.sh - calls/malloc, calloc, free against gdb's `break` set at
# main (gdb's `start`), where the dynamic linker's own inlined wrappers of
# them (rtld-malloc.h, run by dlopen, dlclose and lazy binding) are
# locations too: gdb stops there as well as in libc's function, and so
# many are the lines of calls/<f> from main on, in a C program (-O0) and a
# C++ one (-O2, libstdc++ allocating and throwing).  ld.so's start-up runs
# of those copies are left out (under Valgrind ld.so also loads its
# preload libraries: more allocations than a native run), and so are
# they in `ls calls`.  And calls/malloc@plt as gdb's `break malloc@plt`
# set before `run` (gdb's `break malloc` there has a location in the stub
# only until libc is loaded, and none is hit: calls/malloc has no stub's
# entries).  Oracle: gdb on native runs of the same programs.
. "$(dirname "$0")/lib.sh"
require_built i10_dlopen i10_dlopen_o2
command -v gdb >/dev/null || fail "gdb is not installed"
FUNCS="malloc calloc free"

n=0
check()
{
	local name=$1 bin=$2 f want got main_t
	{
		printf 'set pagination off\ntbreak main\nrun\n'
		for f in $FUNCS; do
			printf 'break %s\ncommands\nsilent\ncontinue\nend\n' "$f"
		done
		printf 'continue\ninfo breakpoints\n'
	} >"$T/$name.cmd"
	timeout -k 5 120 gdb -nx -batch -x "$T/$name.cmd" "$bin" </dev/null >"$T/$name.gdb" 2>&1
	record_ok "$T/$name.trace" "$bin"
	"$HS" build "$T/$name.trace" >/dev/null 2>"$T/$name.build" ||
		fail "$name: build: $(tail -n 1 "$T/$name.build")"
	main_t=$("$HS" cat "$T/$name.trace" calls/main | cut -d' ' -f1)
	[ -n "$main_t" ] || fail "$name: no calls/main"
	k=2 # breakpoint 1 is the tbreak
	for f in $FUNCS; do
		want=$(awk -v k="$k" '$1 == k { on = 1; next } /^[0-9]/ { on = 0 }
			on && /already hit/ { print $4 }' "$T/$name.gdb")
		"$HS" cat "$T/$name.trace" "calls/$f" >"$T/$name.$f" || fail "$name: calls/$f"
		got=$(awk -v m="$main_t" '$1 > m' "$T/$name.$f" | wc -l)
		[ "$got" = "${want:-0}" ] ||
			fail "$name: calls/$f has $got calls from main on, gdb's break $f at main hit ${want:-0}"
		# the dynamic linker's copies are there, none of the start-up
		[ "$(grep -c ' inline' "$T/$name.$f")" -gt 0 ] ||
			fail "$name: calls/$f has no entry of ld.so's inlined $f"
		if awk -v m="$main_t" '$1 < m' "$T/$name.$f" | grep -q ' inline'; then
			fail "$name: calls/$f has ld.so's start-up entries"
		fi
		n=$((n + got))
		k=$((k + 1))
	done
	# gdb's `break malloc@plt`, set before `run`: the stubs of that name
	# (the program's, each library's), each call through one
	{
		printf 'set pagination off\nset breakpoint pending on\n'
		for f in $FUNCS; do
			printf 'break %s@plt\ncommands\nsilent\ncontinue\nend\n' "$f"
		done
		printf 'run\ninfo breakpoints\n'
	} >"$T/$name.plt.cmd"
	timeout -k 5 120 gdb -nx -batch -x "$T/$name.plt.cmd" "$bin" </dev/null >"$T/$name.plt.gdb" 2>&1
	k=1
	for f in $FUNCS; do
		want=$(awk -v k="$k" '$1 == k { on = 1; next } /^[0-9]/ { on = 0 }
			on && /already hit/ { print $4 }' "$T/$name.plt.gdb")
		got=$("$HS" cat "$T/$name.trace" "calls/$f@plt" 2>/dev/null | wc -l)
		[ "$got" = "${want:-0}" ] ||
			fail "$name: calls/$f@plt has $got calls, gdb's break $f@plt hit ${want:-0}"
		n=$((n + got))
		k=$((k + 1))
	done
	# names of copies that ran only in ld.so's start-up are not listed
	if "$HS" ls "$T/$name.trace" calls | grep -qx '_dl_parse_auxv\|_dl_hwcaps_split_init'; then
		fail "$name: ls calls lists ld.so's start-up"
	fi
}
check dlopen_c "$PROGS/i10_dlopen"
check dlopen_cxx "$PROGS/i10_dlopen_o2"
pass "$n calls of malloc, calloc, free (from main on) and of their @plt stubs as gdb's breakpoints count them"
