#!/bin/bash
# fs_writes_kind.sh - writes/ lines end with what wrote the bytes: "syscall" for the bytes read() put in a buffer (strace's read(3, "hello", 5) on a native run), "store" for an instruction's, "zero" for a new anonymous mapping (at the mmap), "map" for a mapping's contents; the four first columns stay those of `query writes`.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built crash_writes
command -v strace >/dev/null || fail "strace is not installed"

strace -o "$T/strace" -e trace=read,mmap "$PROGS/crash_writes" >/dev/null 2>&1 || fail "strace crash_writes"
grep -q '^read(3, "hello", 5) *= 5$' "$T/strace" || fail "strace: $(grep '^read(3' "$T/strace")"
record_ok "$T/tr" "$PROGS/crash_writes"
build_ok "$T/tr"
read -r _ buf page <"$T/tr.out"
[ -n "$page" ] || fail "crash_writes printed '$(cat "$T/tr.out")'"
"$HS" cat "$T/tr" syscalls >"$T/sys" || fail "cat syscalls"
# syscalls reads as strace: the bytes read, not the buffer's address
t_read=$(grep ' read(3, "hello", 5) = 5$' "$T/sys" | cut -d' ' -f1)
t_mmap=$(grep " mmap(NULL, 4096, .* = $page$" "$T/sys" | tail -n 1 | cut -d' ' -f1)
[ -n "$t_read" ] && [ -n "$t_mmap" ] || fail "no read into $buf ($t_read) or mmap of $page ($t_mmap) in syscalls"

"$HS" cat "$T/tr" "writes/$buf+8" >"$T/w.buf" || fail "cat writes/$buf+8"
grep -qx "$t_read $buf 5 68656c6c6f syscall" "$T/w.buf" ||
	fail "no syscall write of hello at $t_read: $(tr '\n' '|' <"$T/w.buf")"
store=$(grep -A1 -x "$t_read $buf 5 68656c6c6f syscall" "$T/w.buf" | tail -n 1)
case $store in "$(printf '%d' "$t_read")"*) fail "no later write: $store" ;; esac
[ "$(echo "$store" | cut -d' ' -f2-)" = "$buf 1 48 store" ] || fail "after the read: '$store', expected the store of 'H'"
t_store=${store%% *}
"$HS" cat "$T/tr" "time/$((t_store - 1))/insn" | grep -q ' mov' ||
	fail "the store's instruction: $("$HS" cat "$T/tr" "time/$((t_store - 1))/insn")"
grep -q ' map$' "$T/w.buf" || fail "the stack's first contents are no map line: $(head -n 3 "$T/w.buf" | tr '\n' '|')"

"$HS" cat "$T/tr" "writes/$page+16" >"$T/w.page" || fail "cat writes/$page+16"
grep -qx "$t_mmap $page 16 00000000000000000000000000000000 zero" "$T/w.page" ||
	fail "no zeros at the mmap ($t_mmap): $(tr '\n' '|' <"$T/w.page")"
grep -q "^[0-9]* $(printf '0x%x' $((page + 8))) 1 78 store$" "$T/w.page" ||
	fail "no store of x: $(tr '\n' '|' <"$T/w.page")"

# the four first columns are what they were: query writes' own
for f in buf page; do
	a=$([ $f = buf ] && echo "$buf" || echo "$page")
	"$HS" query "$T/tr" writes "$a" $([ $f = buf ] && echo 8 || echo 16) | cut -d' ' -f1-4 >"$T/q.$f"
	cut -d' ' -f1-4 "$T/w.$f" >"$T/c.$f"
	same_file "writes/ $f columns 1-4 against query writes" "$T/q.$f" "$T/c.$f"
	awk '{ print $5 }' "$T/w.$f" | grep -vqx 'store\|syscall\|signal\|core\|map\|zero\|remap' &&
		fail "an unknown kind in writes/ of $f: $(awk '{ print $5 }' "$T/w.$f" | sort -u | tr '\n' ' ')"
done
pass
