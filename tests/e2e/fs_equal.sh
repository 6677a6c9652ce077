#!/bin/bash
# fs_equal.sh - for paths of every kind of node, the mount, `hindsight cat` and the query library give identical bytes (example, threads, gzip).
#
# Oracles besides `hindsight query`: the programs' real stdout, `hindsight
# info`, syscalls' calls and results rebuilt from the query's syscall/sysret events, output
# lines un-escaped back into stdout and stderr.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
require_built example threads

# same WHAT FILE...: every FILE holds the bytes of the first.
same()
{
	local what=$1 first=$2 f
	shift 2
	for f in "$@"; do
		same_file "$NAME: $what" "$first" "$f"
	done
}

# q ARGS...: hindsight query of $TR, stdout only.
q()
{
	timeout -k 10 "$STEP_TIMEOUT" "$HS" query "$TR" "$@" 2>/dev/null
}

# check_path PATH [QUERY-ARGS...]: the mount vs hindsight cat (vs query).
check_path()
{
	local p=$1
	shift
	cat "$MNT/$p" >"$T/m" 2>"$T/m.err" || fail "$NAME: cat MNT/$p: $(cat "$T/m.err")"
	hcat "$p" >"$T/c" 2>"$T/c.err" || fail "$NAME: hindsight cat $p: $(cat "$T/c.err")"
	if [ $# -gt 0 ]; then
		q "$@" >"$T/q" || fail "$NAME: query $* failed"
		same "$p" "$T/q" "$T/m" "$T/c"
	else
		same "$p" "$T/c" "$T/m"
	fi
	CHECKED=$((CHECKED + 1))
}

# check_mem T ADDR LEN: the mount (pread), hindsight cat -s -n and query
# mem --raw return the same bytes and agree on an error.
check_mem()
{
	local t=$1 a=$2 n=$3 rm rc rq
	pread_file "$MNT/time/$t/mem" "$a" "$n" >"$T/m" 2>"$T/m.err"
	rm=$?
	hcat -s "$a" -n "$n" "time/$t/mem" >"$T/c" 2>"$T/c.err"
	rc=$?
	q --raw mem "$t" "$a" "$n" >"$T/q"
	rq=$?
	[ "$rm$rc$rq" = 000 ] || [ "$rm$rc$rq" = 111 ] ||
		fail "$NAME: mem $t $a+$n: mount exit $rm ($(cat "$T/m.err")), cat $rc, query $rq"
	[ "$rm" = 0 ] || grep -q EIO "$T/m.err" || fail "$NAME: mem $t $a+$n failed with $(cat "$T/m.err"), not EIO"
	same "mem at $t, $a+$n" "$T/q" "$T/m" "$T/c"
	CHECKED=$((CHECKED + 1))
}

# check_trace NAME PROG ARGS...: record, build, mount and compare.
check_trace()
{
	local t tid a addrs lsd
	NAME=$1
	shift
	TR=$T/$NAME
	native "$T/$NAME.native" "$@"
	record_ok "$TR" "$@"
	build_ok "$TR"
	MNT=$T/mnt-$NAME
	mount_tree "$TR" "$MNT"
	TEND=$(tend "$TR")
	CHECKED=0

	# the top of the tree
	"$HS" info "$TR" >"$T/info.want"
	same "info" "$T/info.want" "$MNT/info"
	check_path info
	check_path README
	same "stdout vs the real program's" "$T/$NAME.native.out" "$MNT/stdout"
	same "stderr vs the real program's" "$T/$NAME.native.err" "$MNT/stderr"
	check_path stdout
	check_path stderr
	check_path events events 0 "$TEND"
	check_path output
	check_path syscalls
	# syscalls rebuilt from the query's events: each entry with its thread's
	# next result, as "<t> <tid> <name> <first word of the result>" (the
	# entry's text has output arguments as addresses, the syscalls line
	# the bytes the call returned), less the calls that events marks as
	# Valgrind's own or loading its preload library (left out of
	# syscalls).  (The results for
	# single-threaded programs only: the tid column of a sysret is the
	# thread running when it is logged, which after a switch inside a
	# syscall is not always the syscall's own; the tree pairs by the
	# record's own tid.)
	q --kind syscall,sysret events 0 "$TEND" | "$PY" -c '
import sys
threads = sys.argv[1] == "threads"
pending, order = {}, []
for line in sys.stdin:
    t, tid, kind, rest = line.rstrip("\n").split(" ", 3)
    name = rest.split("(", 1)[0].split(" ", 1)[0]
    if kind == "syscall":
        e = [t, tid, name, None, "/* vDSO call" in rest or "/* loads Valgrind" in rest]
        if tid in pending and pending[tid][3] is None:
            pending[tid][3] = "?"
        pending[tid] = e
        order.append(e)
    elif tid in pending and pending[tid][3] is None:
        pending[tid][3] = rest.split(" = ", 1)[1].split(" ")[0]
        if "/* Valgrind" in rest:
            pending[tid][4] = True
for t, tid, name, res, hidden in order:
    if not hidden:
        print(t, tid, name, "-" if threads else (res if res is not None else "?"))
 ' "$NAME" >"$T/sys.want"
	"$PY" -c '
import sys
threads = sys.argv[1] == "threads"
for line in open(sys.argv[2]):
    t, tid, rest = line.rstrip("\n").split(" ", 2)
    if t == "0" and rest.startswith("execve("):
        continue  # the execve that started it, made from the state at t=0: no record
    call, res = rest.rsplit(" = ", 1)
    print(t, tid, call.split("(", 1)[0], "-" if threads else res.split(" ")[0])
 ' "$NAME" "$MNT/syscalls" >"$T/sys.got"
	same "syscalls vs query syscall/sysret events" "$T/sys.want" "$T/sys.got"
	# output lines, un-escaped, are stdout and stderr
	"$PY" - "$MNT/output" "$T/out1" "$T/out2" <<'PYEOF' || fail "$NAME: output is not '<t> <fd> <escaped text>' lines"
import re, sys
outs = {1: bytearray(), 2: bytearray()}
esc = {"n": 10, "t": 9, "r": 13, "\\": 92, '"': 34}
for line in open(sys.argv[1], "rb").read().decode("ascii").split("\n")[:-1]:
    t, fd, text = line.split(" ", 2)
    int(t)
    b, i = outs[int(fd)], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if text[i + 1] == "x":
                b.append(int(text[i + 2:i + 4], 16)); i += 4
            else:
                b.append(esc[text[i + 1]]); i += 2
        else:
            b.append(ord(c)); i += 1
open(sys.argv[2], "wb").write(outs[1])
open(sys.argv[3], "wb").write(outs[2])
PYEOF
	same "output (fd 1) vs stdout" "$T/$NAME.native.out" "$T/out1"
	same "output (fd 2) vs stderr" "$T/$NAME.native.err" "$T/out2"

	# folders: ls of the mount vs hindsight ls
	for lsd in "" time threads processes "processes/$(ls "$MNT/processes" | head -n 1)" time/0 "time/$TEND/reg"; do
		"$HS" ls "$TR" "$lsd" | sort >"$T/hls"
		ls -A "$MNT/$lsd" | sort >"$T/mls"
		same "ls '$lsd'" "$T/mls" "$T/hls"
	done
	# links
	for a in time/start time/end; do
		[ "$(readlink "$MNT/$a")" = "$("$HS" ls -l "$TR" "$a" | sed 's/.* -> //')" ] ||
			fail "$NAME: readlink $a: $(readlink "$MNT/$a") vs $("$HS" ls -l "$TR" "$a")"
	done

	# moments: the start, the end, around a third, and some at random
	RANDOM=$((TEND % 32768))
	for t in 0 1 $((TEND / 3)) $((TEND - 1)) "$TEND" $(((RANDOM * 32768 + RANDOM) % TEND)); do
		check_path "time/$t/regs" regs "$t"
		REGS="rax rsp rip rflags fs_base ymm0 xmm1 fpreg0 ftop sseround"
		[ "$t" = 1 ] || REGS="rsp ymm0"
		for r in $REGS; do
			check_path "time/$t/reg/$r" reg "$t" "$r"
		done
		check_path "time/$t/maps" maps "$t"
		check_path "time/$t/thread" thread "$t"
		[ "$t" -lt "$TEND" ] && check_path "time/$t/insn" insn "$t"
		[ "$t" -lt "$TEND" ] && check_path "time/$t/next/regs" regs $((t + 1))
		[ "$t" -gt 0 ] && check_path "time/$t/prev/reg/rip" reg $((t - 1)) rip
		check_path "processes/$(ls "$MNT/processes" | head -n 1)/time/$t/regs" regs "$t"
		# memory: around rsp, a page of the stack, into the unmapped end of the stack
		a=$(cat "$MNT/time/$t/reg/rsp")
		check_mem "$t" $((a - 64)) 256
		check_mem "$t" $(((a & ~4095) - 4096)) 8192
		addrs=$(awk '/\[stack\]$/ { split($1, r, "-"); print r[2] }' "$MNT/time/$t/maps")
		[ -n "$addrs" ] && check_mem "$t" $((0x$addrs - 32)) 64
		# a whole mapping of libc (1 MB reads)
		addrs=$(awk '/libc\.so/ && $2 ~ /^r-x/ { print $1; exit }' "$MNT/time/$t/maps")
		[ -n "$addrs" ] && check_mem "$t" $((0x${addrs%-*})) $((0x${addrs#*-} - 0x${addrs%-*}))
	done
	# threads, writes
	for tid in $(ls "$MNT/threads"); do
		check_path "threads/$tid"
		head -n 1 "$MNT/threads/$tid" | grep -qx "tid $tid" || fail "$NAME: threads/$tid starts '$(head -n 1 "$MNT/threads/$tid")'"
	done
	a=$(cat "$MNT/time/$((TEND / 2))/reg/rsp")
	cat "$MNT/writes/$(printf '0x%x' $((a - 16)))+32" >"$T/m"
	hcat "writes/$(printf '0x%x' $((a - 16)))+32" >"$T/c"
	q writes $((a - 16)) 32 | cut -d' ' -f1-5 >"$T/q" # (query adds the tid)
	same "writes/ near rsp" "$T/q" "$T/m" "$T/c"
	[ -s "$T/q" ] || fail "$NAME: nothing ever wrote near rsp at the middle"
	unmount_tree "$MNT"
	note "$NAME: $CHECKED paths equal"
	SUMMARY="$SUMMARY $NAME:$CHECKED"
}

SUMMARY=
gen_text "$T/text" 100000
check_trace example "$PROGS/example"
check_trace threads "$PROGS/threads"
check_trace gzip /bin/gzip -c "$T/text"
pass "paths equal:$SUMMARY"
