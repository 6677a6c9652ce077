#!/bin/bash
# db_lines_dlopen.sh - a library with debug info that is dlopen()ed after the start-up gets its line starts and lines/ (the builder's second line pass), the same for 1 and 3 shards; lines/ counts are gdb's `break plug.c:N` hits (native gdb: 2 1, 3 1, 5 1, 6 10, 7 1, 8 1: the opening line's location is past the prologue, a for line's is its first row only).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built
command -v cc >/dev/null || fail "no C compiler (cc)"

cat >"$T/plug.c" <<'CEOF'
int plug_sum(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += i * 3;
	return s;
}
CEOF
cat >"$T/main.c" <<'CEOF'
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile long spin = 0;
	int (*f)(int);
	void *h;

	for (long i = 0; i < 1000000; i++) /* past the start-up */
		spin += i;
	h = dlopen(argv[1], RTLD_NOW);
	if (!h)
		return 1;
	f = (int (*)(int))dlsym(h, "plug_sum");
	printf("%d\n", f(10));
	return 0;
}
CEOF
cc -g -O0 -shared -fPIC -o "$T/libplug.so" "$T/plug.c" 2>"$T/cc.err" &&
	cc -g -O0 -o "$T/main" "$T/main.c" -ldl 2>>"$T/cc.err" ||
	fail "cc failed: $(head -n 2 "$T/cc.err" | tr '\n' ' ')"
tr=$T/dl
record_chunks "$tr" 16 "$T/main" "$T/libplug.so"
want=$'2 1\n3 1\n5 1\n6 10\n7 1\n8 1'
ref=""
for n in 1 3; do
	build_ok "$tr" --shards "$n"
	verify_ok "$tr"
	grep -q "second pass" "$tr.build.err" || fail "--shards $n: no note of the second line pass"
	got=$("$HS" query "$tr" lines plug.c 2>&1) || fail "query lines plug.c: $got"
	[ "$got" = "$want" ] || fail "--shards $n: lines plug.c: $(echo "$got" | tr '\n' ' '), want $(echo "$want" | tr '\n' ' ')"
	db_hashes "$tr" | grep -E 'line' >"$T/h.$n"
	[ -n "$ref" ] || ref=$T/h.$n
	cmp -s "$ref" "$T/h.$n" || fail "--shards $n gives other line files than --shards 1"
done
pass "plug.c: $(echo "$got" | wc -l) lines, equal for 1 and 3 shards"
