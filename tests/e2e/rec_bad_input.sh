#!/bin/bash
# rec_bad_input.sh - record refuses what it cannot record: exit 127/126, existing TRACE_DIR, 32-bit and non-ELF, setuid.
. "$(dirname "$0")/lib.sh"
require_built small

# expect_refusal NAME WANT_RC PROG [ARGS...]: WANT_RC "nz" means any non-zero.
expect_refusal()
{
	local name=$1 want=$2 rc
	shift 2
	timeout -k 10 60 "$HS" record -o "$T/$name" -- "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ "$want" = nz ]; then
		if [ "$rc" = 0 ] || [ "$rc" -ge 128 ]; then
			fail "$name: record exited $rc, expected a non-zero error status"
		fi
	else
		[ "$rc" = "$want" ] || fail "$name: record exited $rc, expected $want ($(head -n 1 "$T/$name.err"))"
	fi
	[ -s "$T/$name.err" ] || fail "$name: record exited $rc without a message on stderr"
}

expect_refusal missing 127 "$T/no-such-program"
expect_refusal missing_path 127 no-such-program-in-path-hs
printf '#!/bin/sh\necho hi\n' >"$T/notexec"
chmod 644 "$T/notexec"
expect_refusal notexec 126 "$T/notexec"

# An i386 ELF header (52 bytes, ET_EXEC, EM_386) and nothing behind it.
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000' >"$T/elf32"
printf '\002\000\003\000\001\000\000\000\124\200\004\010\064\000\000\000' >>"$T/elf32"
printf '\000\000\000\000\000\000\000\000\064\000\040\000\000\000\000\000\000\000\000\000' >>"$T/elf32"
chmod 755 "$T/elf32"
[ "$(head -c 5 "$T/elf32" | od -An -c | tr -d ' ')" = '177ELF001' ] || fail "could not craft the 32-bit ELF header"
if command -v gcc >/dev/null && echo 'int main(void){return 0;}' | gcc -m32 -x c -o "$T/real32" - 2>/dev/null; then
	expect_refusal real32 nz "$T/real32"
	grep -qiE '32|elf|x86-64|x86_64|amd64|architecture|format|support' "$T/real32.err" ||
		fail "real32: unclear message: $(head -n 1 "$T/real32.err")"
fi
expect_refusal elf32 nz "$T/elf32"
grep -qiE '32|elf|x86-64|x86_64|amd64|architecture|format|support' "$T/elf32.err" ||
	fail "elf32: unclear message: $(head -n 1 "$T/elf32.err")"

# Executable, but neither ELF nor a #! script.
head -c 256 /dev/zero | tr '\0' 'x' >"$T/garbage"
chmod 755 "$T/garbage"
expect_refusal garbage nz "$T/garbage"

# setuid: Valgrind would run it without the privilege, so refuse.
cp "$PROGS/small" "$T/suid"
chmod 4755 "$T/suid"
[ -u "$T/suid" ] || fail "could not make a setuid copy of small (filesystem mounted nosuid?)"
expect_refusal suid nz "$T/suid"
grep -qiE 'setuid|set-user|suid|privilege' "$T/suid.err" || fail "suid: unclear message: $(head -n 1 "$T/suid.err")"

# An existing TRACE_DIR is refused without --force and left alone...
record_ok "$T/existing" "$PROGS/small"
expect_refusal existing nz "$PROGS/small"
"$HS" info "$T/existing" | grep -q '^command:.*small' ||
	fail "existing: refused re-recording damaged the earlier trace"
# ...and replaced with it.
timeout -k 10 "$STEP_TIMEOUT" "$HS" record --force -o "$T/existing" -- /bin/true </dev/null >/dev/null 2>"$T/force.err" ||
	fail "record --force over an existing trace exited $?: $(head -n 1 "$T/force.err")"
"$HS" info "$T/existing" | grep -q '^command:.*true' || fail "record --force did not replace the trace"
# --force replaces only a recording, never some other folder.
mkdir "$T/precious"
echo keep >"$T/precious/file"
timeout -k 10 60 "$HS" record --force -o "$T/precious" -- /bin/true </dev/null >/dev/null 2>"$T/precious.err"
rc=$?
[ "$rc" != 0 ] || fail "record --force replaced a folder that is not a recording"
[ "$(cat "$T/precious/file" 2>/dev/null)" = keep ] || fail "record --force (exit $rc) damaged a folder that is not a recording"
pass
