#!/bin/bash
# play_langs.sh - `hindsight playground` through HTTP: C (stdin, args, exit
# status), C++, assembly (_start), sh, bash and python each run and print;
# a compile error comes back with gcc's message and no run; the recording
# opens under /t/<id>/ and its stdout file equals the answer's stdout;
# GET /api/runs/<id> gives the code back; output is cut at 64 KiB, flagged.  Oracle: the same C program run
# natively (its output and exit status).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/srv_lib.bash"
. "$ROOT/tests/e2e/play_lib.bash"

play_start

# C: stdin, args, an exit status; compared with the native run
cat >"$T/a.c" <<'C'
#include <stdio.h>
int main(int argc, char **argv)
{
	char line[100];
	int i;

	for (i = 1; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	while (fgets(line, sizeof line, stdin))
		printf("in: %s", line);
	fprintf(stderr, "to stderr\n");
	return 7;
}
C
gcc -g -O0 -o "$T/a" "$T/a.c" || fail "gcc"
printf 'one\ntwo\n' | "$T/a" x 'y z' >"$T/want.out" 2>"$T/want.err"
want_rc=$?
play_run c "$T/a.c" $'one\ntwo\n' x 'y z'
jans 'j["stdout"]' >"$T/got.out"
cmp -s <(cat "$T/want.out"; echo) "$T/got.out" || fail "C stdout differs from the native run: $(head -c 300 "$T/ans")"
[ "$(jans 'j["stderr"]')" = "to stderr" ] || fail "C stderr: $(jans 'j["stderr"]')"
[ "$(jans 'j["exit"]')" = "$want_rc" ] || fail "C exit $(jans 'j["exit"]'), native $want_rc"
[ "$(jans 'j["compile"]["ok"]')" = True ] || fail "C did not compile: $(jans 'j["compile"]')"
ID=$(jans 'j["trace"]')
case $(jans 'j["url"]') in "/t/$ID/#t="[0-9]*) ;; *) fail "url: $(jans 'j["url"]')" ;; esac
expect_status 200 "/t/$ID/api/tree/stdout"
cmp -s "$T/body" "$T/want.out" || fail "/t/$ID/api/tree/stdout differs from the output: $(head -c 200 "$T/body")"
expect_status 200 "/t/$ID/"
grep -q 'assets/app.js' "$T/body" || fail "/t/$ID/ is not the debugger UI"
T_MAIN=$(jans 'j["url"]' | sed 's/.*#t=//')
expect_status 200 "/t/$ID/api/moment?t=$T_MAIN"
expect_status 200 "/api/runs/$ID"
[ "$(json 'j["request"]["lang"]' <"$T/body")" = c ] || fail "/api/runs: lang"
json 'j["request"]["code"]' <"$T/body" | cmp -s - <(cat "$T/a.c"; echo) || fail "/api/runs: the code differs"
[ "$(json 'j["result"]["trace"]' <"$T/body")" = "$ID" ] || fail "/api/runs: result"

# a compile error: gcc's message, at its line, and nothing run
printf 'int main(void)\n{\n\treturn nope;\n}\n' >"$T/bad.c"
play_run c "$T/bad.c"
[ "$(jans 'j["compile"]["ok"]')" = False ] || fail "the compile error compiled"
jans 'j["compile"]["output"]' | grep -q "main.c:3:.*nope" || fail "no gcc message: $(jans 'j["compile"]')"
[ "$(jans 'j["trace"]')" = None ] || fail "a failed compile has a trace"

# output past 64 KiB: cut, with the flag
printf '#include <stdio.h>\nint main(void) { for (int i = 0; i < 20000; i++) printf("line %%05d\\n", i); return 0; }\n' >"$T/long.c"
play_run c "$T/long.c"
[ "$(jans 'j["stdout_truncated"]')" = True ] || fail "100 KB of output: not flagged as cut"
[ "$(jans 'len(j["stdout"].encode())')" = 65536 ] || fail "100 KB of output: kept $(jans 'len(j["stdout"].encode())') bytes"
[ "$(jans 'j["stdout"][:11]')" = "line 00000" ] || fail "100 KB of output: starts with $(jans 'j["stdout"][:11]')"

# C++, assembly with _start, sh, bash, python
printf '#include <iostream>\nint main() { std::cout << "cpp " << 6 * 7 << std::endl; }\n' >"$T/a.cc"
cat >"$T/a.s" <<'S'
	.globl _start
_start:	mov $1, %eax
	mov $1, %edi
	lea msg(%rip), %rsi
	mov $4, %edx
	syscall
	mov $60, %eax
	mov $3, %edi
	syscall
	.data
msg:	.ascii "asm\n"
S
printf 'read a; echo "sh $a"\n' >"$T/a.sh"
printf 'x=(1 2 3); read a; echo "bash ${#x[@]} $a"\n' >"$T/b.sh"
printf 'import sys\nprint("py", sys.stdin.read().strip(), sys.argv[1])\n' >"$T/a.py"
for c in "cpp a.cc cpp_42 0" "asm a.s asm 3" "sh a.sh sh_in 0" "bash b.sh bash_3_in 0" "python a.py py_in_A 0"; do
	set -- $c
	play_run "$1" "$T/$2" in A
	[ "$(jans 'j["stdout"]')" = "${3//_/ }" ] || fail "$1 printed '$(jans 'j["stdout"]')': $(head -c 300 "$T/ans")"
	[ "$(jans 'j["exit"]')" = "$4" ] || fail "$1 exit $(jans 'j["exit"]'), expected $4"
	ID=$(jans 'j["trace"]')
	expect_status 200 "/t/$ID/api/tree/stdout"
	[ "$(cat "$T/body")" = "${3//_/ }" ] || fail "$1: /t/$ID/api/tree/stdout is '$(cat "$T/body")'"
done
serve_stop

# Whatever numbers the server's own fds take, each stage's fds reach the
# sandbox: with one fd fewer open than here, the seccomp memfd once came
# out as fd 10, where bwrap reads it, and dup2(10, 10) kept close-on-exec
# (CI only: its shell had no fd 10). Every layout from none to six extra
# fds moves the stage fds across 10 one step at a time.
for f in /proc/$$/fd/*; do
	n=${f##*/}
	[ "$n" -gt 2 ] && eval "exec $n>&-"
done
for extra in 0 1 2 3 4 5 6; do
	[ "$extra" = 0 ] || exec {spare}</dev/null
	play_start
	play_run asm "$T/a.s"
	[ "$(jans 'j["stdout"]')" = asm ] || fail "with $extra more fds open: $(head -c 300 "$T/ans")"
	serve_stop
done
pass "c, cpp, asm, sh, bash, python; stdin, args, exit, compile error, /t/ID/; fd layouts"
