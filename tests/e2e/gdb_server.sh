#!/bin/bash
# gdb_server.sh - `hindsight gdbserver`: gdb itself, driving the server over its remote protocol, must see what the tree says at the same moments: break+continue+bt, registers (ymm too), memory, continue twice then reverse-continue, reverse-stepi, finish and reverse-finish (calls/), shared libraries (maps), watch -l with continue and reverse-continue (the writes/ list), both ends of the recording, monitor goto, gdb's MI, a crash (native gdb's stop, $_siginfo), signals ($_siginfo), thread-local variables (the program's, errno, a dlopen'ed library's: qGetTLSAddr) as native gdb prints them, a multi-threaded program; a bad packet and a write are refused and the server goes on serving.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/gdb_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built gdb_watch threads
P=$PROGS/gdb_watch
record_ok "$T/w" "$P"
build_ok "$T/w"
tend=$("$HS" query "$T/w" info | sed -n 's/^t-end: //p')

# bad usage: 2; no database or no such image: 1, saying why
"$HS" gdbserver --port 70000 "$T/w" >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || fail "--port 70000 exited $rc, not 2"
"$HS" gdbserver >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || fail "gdbserver without a trace exited $rc, not 2"
"$HS" gdbserver --image 1.7 "$T/w" >/dev/null 2>"$T/noimg.err"; rc=$?
[ $rc = 1 ] && grep -q "no image 1.7" "$T/noimg.err" || fail "--image 1.7 exited $rc: $(cat "$T/noimg.err")"
mkdir "$T/nodb"
"$HS" gdbserver "$T/nodb" >/dev/null 2>"$T/nodb.err"; rc=$?
[ $rc = 1 ] && grep -q "hindsight build" "$T/nodb.err" || fail "no database: exited $rc: $(cat "$T/nodb.err")"

# the server, on a port it picks; it prints the port
serve "$T/w" srv
grep -q "^  gdb $P -ex 'target remote 127.0.0.1:$port'$" "$T/srv.out" ||
	fail "gdbserver's connect line: $(cat "$T/srv.out" | tr '\n' ' ')"

# after MARK: the first line of gdb's output after `echo MARK\n`
after() { sed -n "/^$2\$/{n;p;q}" "$T/$1.gdb"; }

# ---- a breakpoint, bt, registers, memory; continue twice, reverse-continue ----
gdbrun bp "$P" -ex 'break leaf' -ex continue -ex 'echo BT\n' -ex bt \
	-ex 'echo WHEN1\n' -ex 'monitor when' -ex 'info registers' \
	-ex 'echo MEM\n' -ex 'x/16xb $rsp' \
	-ex continue -ex 'echo WHEN2\n' -ex 'monitor when' \
	-ex reverse-continue -ex 'echo WHEN3\n' -ex 'monitor when' \
	-ex reverse-stepi -ex 'echo WHEN4\n' -ex 'monitor when' -ex 'info registers rip' \
	-ex 'echo SL\n' -ex 'info sharedlibrary'
t1=$(after bp WHEN1); t2=$(after bp WHEN2); t3=$(after bp WHEN3); t4=$(after bp WHEN4)
[[ $t1 =~ ^[0-9]+$ && $t2 =~ ^[0-9]+$ ]] || fail "monitor when: '$t1' '$t2': $(tail -n 5 "$T/bp.gdb" | tr '\n' ' ')"
grep -q "^Breakpoint 1, leaf (x=1)" "$T/bp.gdb" || fail "no stop at leaf (x=1): $(head -n 8 "$T/bp.gdb" | tr '\n' ' ')"
grep -q "^Breakpoint 1, leaf (x=11)" "$T/bp.gdb" || fail "the second continue did not stop at leaf (x=11)"
[ "$t2" -gt "$t1" ] || fail "the second hit $t2 is not after the first $t1"
[ "$t3" = "$t1" ] || fail "reverse-continue went to $t3, not the first hit $t1"
[ "$t4" = $((t1 - 1)) ] || fail "reverse-stepi went to $t4, not $((t1 - 1))"
# the tree's backtrace at that t, up to main (gdb stops there)
want=$("$HS" cat "$T/w" "time/$t1/backtrace" | awk '{sub(/\+.*/, "", $2); print $2; if ($2 == "main") exit}' | tr '\n' ' ')
got=$(sed -n '/^BT$/,/^WHEN1$/p' "$T/bp.gdb" | sed -n 's/^#[0-9]* *\(0x[0-9a-f]* in \)\{0,1\}\([A-Za-z_][A-Za-z_0-9]*\) .*/\2/p' | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "gdb's bt '$got', the tree's backtrace at $t1 '$want'"
for r in rax rbx rcx rdx rsi rdi rbp rsp r8 r9 r10 r11 r12 r13 r14 r15 rip; do
	want=$("$HS" cat "$T/w" "time/$t1/reg/$r")
	got=$(sed -n "/^WHEN1$/,/^MEM$/s/^$r  *\(0x[0-9a-f]*\) .*/\1/p" "$T/bp.gdb")
	[ -n "$got" ] && [ $((got)) = $((want)) ] || fail "gdb's $r '$got', the tree's time/$t1/reg/$r '$want'"
done
rsp=$("$HS" cat "$T/w" "time/$t1/reg/rsp")
want=$("$HS" cat -s "$rsp" -n 16 "$T/w" "time/$t1/mem" | od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
got=$(sed -n '/^MEM$/,$p' "$T/bp.gdb" | grep -m 2 '^0x[0-9a-f]*:' | cut -d: -f2 | tr -s ' \t\n' ' ' | sed 's/0x//g; s/^ //; s/ $//')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "gdb's x/16xb \$rsp '$got', the tree's mem '$want'"
want=$("$HS" cat "$T/w" "time/$t4/reg/rip")
got=$(sed -n "/^WHEN4$/,\$s/^rip  *\(0x[0-9a-f]*\) .*/\1/p" "$T/bp.gdb")
[ $((got)) = $((want)) ] || fail "rip after reverse-stepi '$got', the tree's '$want'"

# finish and reverse-finish from the first hit: the call's return and the
# call itself, as calls/leaf lists them
gdbrun fin "$P" -ex 'break leaf' -ex continue -ex finish -ex 'echo F\n' -ex 'monitor when' \
	-ex 'delete' -ex 'monitor goto '"$t1" -ex 'maint flush register-cache' -ex reverse-finish \
	-ex 'echo RF\n' -ex 'monitor when'
read -r tcall tret _ <<<"$("$HS" cat "$T/w" calls/leaf | head -n 1)"
got="$(after fin F) $(after fin RF)"
[ "$got" = "$tret $tcall" ] || fail "finish, reverse-finish from leaf at $t1: '$got', calls/leaf says '$tret $tcall'"

# next and step (gdb range-steps: vCont;r) from the first hit: the tree's
# line stepping from the same t (hindsight query step T over|into)
gdbrun nx "$P" -ex 'break leaf' -ex continue -ex 'delete' \
	-ex next -ex 'echo N\n' -ex 'monitor when' -ex next -ex 'echo N\n' -ex 'monitor when' \
	-ex next -ex 'echo N\n' -ex 'monitor when' -ex next -ex 'echo N\n' -ex 'monitor when' \
	-ex step -ex 'echo N\n' -ex 'monitor when' -ex step -ex 'echo N\n' -ex 'monitor when'
got=$(grep -A1 '^N$' "$T/nx.gdb" | grep -v '^N$\|^--$' | tr '\n' ' ')
want="" tt=$t1
for how in over over over over into into; do
	tt=$("$HS" query "$T/w" step "$tt" "$how") || break
	want="$want$tt "
done
[ "$got" = "$want" ] || fail "next x4, step x2 from $t1: gdb at '$got', the tree's step over/into '$want'"

# shared libraries (qXfer:libraries-svr4): libc's text where the maps at
# that t have libc executable
from=$(sed -n '/^SL$/,$s/^\(0x[0-9a-f]*\) .*\/libc\.so\.6$/\1/p' "$T/bp.gdb")
[ -n "$from" ] || fail "info sharedlibrary has no libc.so.6: $(sed -n '/^SL$/,$p' "$T/bp.gdb" | tr '\n' ' ')"
inlibc=0
while read -r range perm _ _ _ path; do
	[[ $perm == *x* && $path == */libc.so.6 ]] || continue
	[ $((from)) -ge $((0x${range%-*})) ] && [ $((from)) -lt $((0x${range#*-})) ] && inlibc=1
done < <("$HS" query "$T/w" maps "$t4")
[ $inlibc = 1 ] || fail "libc's text at $from is in no executable mapping of libc at $t4"

# ---- watch -l: continue stops at the writes that writes/ lists, reverse-continue
# before them (gdb then shows the old value coming back) ----
gdbrun watch "$P" -ex 'break main' -ex continue -ex 'echo ADDR\n' -ex 'print &counter' \
	-ex 'watch -l counter' \
	-ex continue -ex 'echo W1\n' -ex 'monitor when' -ex continue -ex 'echo W2\n' -ex 'monitor when' \
	-ex continue -ex 'echo W3\n' -ex 'monitor when' \
	-ex reverse-continue -ex 'echo R1\n' -ex 'monitor when' \
	-ex reverse-continue -ex 'echo R2\n' -ex 'monitor when'
addr=$(after watch ADDR | sed -n 's/.*(int \*) \(0x[0-9a-f]*\) <counter>.*/\1/p')
[ -n "$addr" ] || fail "print &counter: $(after watch ADDR)"
stores=$("$HS" cat "$T/w" "writes/$addr+4" | awk '$5 == "store" {print $1}' | tr '\n' ' ')
read -r s1 s2 s3 _ <<<"$stores"
got="$(after watch W1) $(after watch W2) $(after watch W3) $(after watch R1) $(after watch R2)"
want="$s1 $s2 $s3 $((s3 - 1)) $((s2 - 1))"
[ "$got" = "$want" ] || fail "watch -l counter stopped at '$got'; writes/$addr+4 says stores at '$stores', so want '$want'"
grep -q "^New value = 12$" "$T/watch.gdb" || fail "watch: no 'New value = 12' in gdb's output"

# ---- the ends of the recording ----
gdbrun ends "$P" -ex reverse-continue -ex 'echo B\n' -ex 'monitor when' \
	-ex continue -ex 'echo E\n' -ex 'monitor when' -ex stepi -ex 'echo E2\n' -ex 'monitor when' \
	-ex reverse-stepi -ex 'echo E3\n' -ex 'monitor when'
grep -q "No more reverse-execution history" "$T/ends.gdb" || fail "the ends: gdb never says 'No more reverse-execution history'"
got="$(after ends B) $(after ends E) $(after ends E2) $(after ends E3)"
[ "$got" = "0 $tend $tend $((tend - 1))" ] || fail "start/end/stepi at the end/reverse-stepi: '$got', want '0 $tend $tend $((tend - 1))'"

# ---- a bad packet and writes are refused; the server goes on ----
"$PY" - "$port" "$tend" >"$T/raw.out" 2>&1 <<'PYEOF' || fail "raw protocol: $(cat "$T/raw.out")"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
def pkt(body, cs=None):
    c = sum(body.encode()) & 0xff if cs is None else cs
    return ("$%s#%02x" % (body, c)).encode()
def reply():
    buf = b""
    while not (b"#" in buf and len(buf) - buf.index(b"#") >= 3):
        d = s.recv(4096)
        if not d:
            raise SystemExit("connection closed after %r" % buf)
        buf += d
    return buf
s.sendall(pkt("g", cs=0x00))             # bad checksum
r = s.recv(1)
assert r == b"-", "bad checksum answered %r" % r
s.sendall(pkt("M109155,1:cc"))
r = reply()
assert r.startswith(b"+$E"), "M answered %r" % r
s.sendall(b"+" + pkt("G" + "00" * 8))
r = reply()
assert r.startswith(b"$E") or r.startswith(b"+$E"), "G answered %r" % r
s.sendall(b"+" + pkt("X109155,1:x"))
r = reply()
assert b"$E" in r, "X answered %r" % r
s.sendall(b"+" + pkt("qNoSuchPacket"))
r = reply()
assert b"$#00" in r, "an unknown packet answered %r" % r
s.sendall(b"+" + pkt("m0,8"))
r = reply()
assert b"$E14#" in r, "memory at 0 answered %r" % r
s.sendall(b"+" + pkt("?"))
r = reply()
assert b"$T05thread:" in r, "? answered %r" % r
# gdb's ^C during a continue that finds no breakpoint (none is ever at
# address 1): the scan stops between stream chunks with SIGINT
s.sendall(b"+" + pkt("Z0,1,1"))
r = reply()
assert b"$OK#" in r, "Z0 answered %r" % r
s.sendall(b"+" + pkt("vCont;c") + b"\x03")
r = reply()
assert b"$T02thread:" in r, "^C during vCont;c answered %r" % r
s.sendall(b"+" + pkt("qRcmd," + b"when".hex()))
r = reply()
when = int(bytes.fromhex(r[r.index(b"$") + 1:r.index(b"#")].decode()))
assert 0 < when < int(sys.argv[2]), "^C stopped at %d" % when
s.close()
print("ok")
PYEOF
gdbrun again "" -ex 'break middle' -ex continue -ex 'echo A\n' -ex 'monitor when' \
	-ex "monitor goto $t2" -ex 'maint flush register-cache' -ex 'echo G\n' -ex 'monitor when' \
	-ex 'info registers rip eflags fs_base' -ex 'echo Y\n' -ex 'p/x $ymm0.v4_int64' -ex 'p/x $ymm15.v4_int64'
grep -q "^Breakpoint 1, middle (x=0)" "$T/again.gdb" || fail "after the raw packets, gdb does not stop at middle: $(tail -n 3 "$T/again.gdb" | tr '\n' ' ')"
# (that gdb was given no program: it asked the server, qXfer:exec-file)
# monitor goto: gdb reads the state at that t once its cache is flushed
[ "$(after again G)" = "$t2" ] || fail "monitor goto $t2, then monitor when says '$(after again G)'"
got=$(sed -n "/^G$/,\$s/^rip  *\(0x[0-9a-f]*\) .*/\1/p" "$T/again.gdb")
want=$("$HS" cat "$T/w" "time/$t2/reg/rip")
[ $((got)) = $((want)) ] || fail "rip after monitor goto $t2 '$got', the tree's '$want'"
for r in eflags:rflags fs_base:fs_base; do
	got=$(sed -n "/^G$/,\$s/^${r%%:*}  *\(0x[0-9a-f]*\) .*/\1/p" "$T/again.gdb")
	want=$("$HS" cat "$T/w" "time/$t2/reg/${r#*:}")
	[ -n "$got" ] && [ $((got)) = $((want)) ] || fail "${r%%:*} at $t2: gdb '$got', the tree's '$want'"
done
# ymm: gdb's four 64-bit lanes, low first; the tree's one 256-bit number
i=0
for y in $(sed -n '/^Y$/,$s/^\$[0-9]* = {\(.*\)}$/\1/p' "$T/again.gdb" | tr -d ' ' | tr '\n' ' '); do
	reg=ymm0
	[ $i = 1 ] && reg=ymm15
	got=0x$(echo "$y" | tr ',' '\n' | tac | while read -r l; do printf '%016x' $((l)); done)
	want=$("$HS" cat "$T/w" "time/$t2/reg/$reg")
	[ "$got" = "$want" ] || fail "$reg at $t2: gdb '$got', the tree's '$want'"
	i=$((i + 1))
done
[ $i = 2 ] || fail "p/x \$ymm0: $(sed -n '/^Y$/,$p' "$T/again.gdb" | tr '\n' ' ')"

# ---- every hit of leaf forwards, then backwards (the second pass skips
# chunks by what the first saw): the same moments, one per call in calls/ ----
cat >"$T/hits.py" <<'PYEOF'
import gdb
gdb.execute("break leaf", to_string=True)
def hits(cmd):
    out = []
    while True:
        gdb.execute(cmd, to_string=True)
        if gdb.selected_frame().name() != "leaf":
            return out
        out.append(int(gdb.execute("monitor when", to_string=True)))
fw = hits("continue")
bw = hits("reverse-continue")
print("FW " + " ".join(map(str, fw)))
print("BW " + " ".join(map(str, bw[::-1])))
PYEOF
gdbrun hits "$P" -x "$T/hits.py"
fw=$(sed -n 's/^FW //p' "$T/hits.gdb"); bw=$(sed -n 's/^BW //p' "$T/hits.gdb")
ncalls=$("$HS" cat "$T/w" calls/leaf | wc -l)
[ "$(echo "$fw" | wc -w)" = "$ncalls" ] && [ "$fw" = "$bw" ] ||
	fail "every hit of leaf: forwards '$fw', backwards '$bw', calls/leaf has $ncalls calls"
[ "${fw%% *}" = "$t1" ] || fail "the first hit in the loop '${fw%% *}' is not $t1"

# ---- gdb's MI (what IDEs drive): the same steps; reverse-step from leaf's
# first line goes to its caller's line, at the tree's previous line start ----
printf '%s\n' "-target-select remote 127.0.0.1:$port" "-break-insert leaf" "-exec-continue" \
	"-exec-continue" "-exec-continue --reverse" "-exec-step --reverse" \
	"-interpreter-exec console \"monitor when\"" "-gdb-exit" |
	timeout -k 5 60 gdb -nx --interpreter=mi "$P" >"$T/mi.out" 2>&1
got=$(sed -n 's/^\*stopped,reason="\([a-z-]*\)".*func="\([a-z_]*\)",args=\[{name="x",value="\([0-9]*\)"}\].*line="\([0-9]*\)".*/\1 \2 x=\3 :\4/p' "$T/mi.out" | tr '\n' ';')
want="breakpoint-hit leaf x=1 :14;breakpoint-hit leaf x=11 :14;breakpoint-hit leaf x=1 :14;end-stepping-range middle x=0 :21;"
[ "$got" = "$want" ] || fail "MI stops '$got', want '$want'"
got=$(sed -n 's/^@"\([0-9]*\)\\n"$/\1/p' "$T/mi.out")
want=$("$HS" query "$T/w" step "$t1" back-into)
[ -n "$got" ] && [ "$got" = "$want" ] || fail "MI reverse-step from $t1 went to '$got', the previous line start is '$want'"

# ---- a crash: continue ends with the signal where native gdb sees it ----
require_built crash_null
CP=$PROGS/crash_null
WANT_RC=139 record_ok "$T/cn" "$CP"
build_ok "$T/cn"
# $_siginfo (qXfer:siginfo:read): the kernel's, as native gdb reads it
sicmds=(-ex 'echo SI\n' -ex 'p $_siginfo.si_signo' -ex 'p $_siginfo.si_code'
	-ex 'p $_siginfo._sifields._sigfault.si_addr')
nativerun cn-native "$CP" -ex run "${sicmds[@]}" -ex 'echo BT\n' -ex bt
serve "$T/cn" srv3
gdbrun cn "$CP" -ex continue "${sicmds[@]}" -ex 'echo BT\n' -ex bt -ex reverse-stepi \
	-ex 'echo R\n' -ex 'monitor when'
for f in cn-native cn; do
	grep -q "^Program received signal SIGSEGV, Segmentation fault.$" "$T/$f.gdb" ||
		fail "$f: no SIGSEGV stop: $(tail -n 4 "$T/$f.gdb" | tr '\n' ' ')"
done
want=$(sed -n '/^BT$/,$s/^#[0-9]*  *\(0x[0-9a-f]* in \)\{0,1\}\([a-z_]*\) (.*at \(.*\)$/\2 \3/p' "$T/cn-native.gdb" | sed 's/argv=0x[0-9a-f]*//' | tr '\n' ' ')
got=$(sed -n '/^BT$/,$s/^#[0-9]*  *\(0x[0-9a-f]* in \)\{0,1\}\([a-z_]*\) (.*at \(.*\)$/\2 \3/p' "$T/cn.gdb" | sed 's/argv=0x[0-9a-f]*//' | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "crash: bt '$got', native gdb's '$want'"
want=$(sed -n '/^SI$/,/^BT$/p' "$T/cn-native.gdb" | tr '\n' ' ')
got=$(sed -n '/^SI$/,/^BT$/p' "$T/cn.gdb" | tr '\n' ' ')
[ "$(echo "$want" | grep -o '\$' | wc -l)" = 3 ] && [ "$got" = "$want" ] ||
	fail "crash: \$_siginfo '$got', native gdb's '$want'"
cend=$("$HS" query "$T/cn" info | sed -n 's/^t-end: //p')
[ "$(after cn R)" = $((cend - 1)) ] || fail "crash: reverse-stepi from the fault went to '$(after cn R)', not $((cend - 1))"

# ---- --image: the forked child of a multi-process recording, from its
# first moment (inside fork, with its parent's stack and auxiliary vector)
# to its last (execve) ----
require_built forkexec
FP=$PROGS/forkexec
record_ok "$T/fe" "$FP"
build_ok "$T/fe"
child=$("$HS" ls "$T/fe" processes | sed -n 2p)
[ -n "$child" ] || fail "forkexec: no second process image"
serve "$T/fe" srv4 --image "$child"
gdbrun fe "$FP" -ex 'echo B0\n' -ex bt -ex continue -ex 'echo B1\n' -ex bt -ex 'echo W\n' -ex 'monitor when'
cend=$("$HS" cat "$T/fe" "processes/$child/info" | sed -n 's/^instructions: //p')
[ "$(after fe W)" = "$cend" ] || fail "--image $child: continue ended at '$(after fe W)', not $cend"
for tt in 0 "$cend"; do
	mark=B0
	[ "$tt" = 0 ] || mark=B1
	bt=$(sed -n "/^$mark$/,/^[A-Z][0-9W]*$/p" "$T/fe.gdb" | sed '1d;$d')
	"$HS" cat "$T/fe" "processes/$child/time/$tt/backtrace" >"$T/fe.bt.$tt"
	for fl in "$(awk 'NR == 1 {print $3}' "$T/fe.bt.$tt")" "$(awk '$2 ~ /^main\+/ {print $3}' "$T/fe.bt.$tt")"; do
		[ -n "$fl" ] && echo "$bt" | grep -q " at [^ ]*${fl}$" ||
			fail "--image $child at $tt: gdb's bt has no frame at $fl: $(echo "$bt" | tr '\n' ' ')"
	done
done

# ---- the same session as native gdb's: from the first stop on, gdb prints
# the same through the server as on a live run (addresses aside, which
# differ under Valgrind): a conditional breakpoint, bt, finish, up, locals;
# next and step (range stepping) through -O2 code ----
require_built recursive loops_o2
same_as_native()
{
	local name=$1 prog=$2 f
	shift 2
	record_ok "$T/$name" "$prog"
	build_ok "$T/$name"
	nativerun "$name-native" "$prog" -ex "$1" -ex run -ex 'echo S\n' "${@:2}"
	serve "$T/$name" "srv-$name"
	gdbrun "$name" "$prog" -ex "$1" -ex continue -ex 'echo S\n' "${@:2}"
	for f in "$name-native" "$name"; do
		sed -n '/^S$/,$p' "$T/$f.gdb" | grep -v '^\[Inferior' |
			sed 's/0x[0-9a-f]*/ADDR/g; s/  */ /g' >"$T/$f.norm"
	done
	[ "$(wc -l <"$T/$name.norm")" -gt 8 ] && cmp -s "$T/$name.norm" "$T/$name-native.norm" ||
		fail "$name: gdb through the server differs from native gdb: $(diff "$T/$name-native.norm" "$T/$name.norm" | head -n 6 | tr '\n' ' ')"
}
same_as_native rec "$PROGS/recursive" 'break factorial if k == 2' -ex bt -ex 'info locals' \
	-ex finish -ex up -ex 'info args' -ex 'p k * 2' -ex finish -ex next -ex 'info registers rip'
same_as_native o2 "$PROGS/loops_o2" 'break gcd' -ex bt -ex 'info args' -ex next -ex next \
	-ex step -ex 'info locals' -ex finish -ex next -ex step -ex bt -ex 'info registers rip'

# ---- signals: continue stops at each signal gdb does not pass silently,
# the same ones native gdb reports, then runs to the end ----
require_built signal
record_ok "$T/sg" "$PROGS/signal"
build_ok "$T/sg"
sgsi=(-ex 'p $_siginfo.si_signo' -ex 'p $_siginfo.si_code')
nativerun sg-native "$PROGS/signal" -ex run "${sgsi[@]}" -ex continue "${sgsi[@]}" \
	-ex continue "${sgsi[@]}" -ex continue
serve "$T/sg" srv-sg
gdbrun sg "$PROGS/signal" -ex continue "${sgsi[@]}" -ex continue "${sgsi[@]}" \
	-ex continue "${sgsi[@]}" -ex continue
# each stop where the signal hit (the interrupted registers, from the
# handler's frame), as native gdb shows it
want=$(grep -A1 '^Program received signal' "$T/sg-native.gdb" | sed 's/0x[0-9a-f]*/ADDR/g' | tr '\n' ';')
got=$(grep -A1 '^Program received signal' "$T/sg.gdb" | sed 's/0x[0-9a-f]*/ADDR/g' | tr '\n' ';')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "signals: gdbserver '$got', native gdb '$want'"
grep -q "No more reverse-execution history" "$T/sg.gdb" || fail "signals: the last continue did not reach the end"
# $_siginfo at each stop, before the delivery (the SIGNAL record's)
want=$(grep '^\$' "$T/sg-native.gdb" | tr '\n' ' ')
got=$(grep '^\$' "$T/sg.gdb" | tr '\n' ' ')
[ "$(echo "$want" | wc -w)" -ge 12 ] && [ "$got" = "$want" ] ||
	fail "signals: \$_siginfo: gdbserver '$got', native gdb '$want'"

# ---- thread-local variables (qGetTLSAddr): the program's own (static TLS),
# libc's errno, and a dlopen'ed library's, which a thread has only once it
# touched them (before: an error, in both) ----
require_built val_tls val_tls_dl
# the values gdb printed, an error about thread-local storage as ERR
# (native gdb: libthread_db's "The inferior has not yet allocated storage
# ..."; through a server, gdbserver's too: "Cannot find thread-local
# storage for Thread N, shared library L: Remote target failed ...")
tls_vals()
{
	grep -E '^\$|^Cannot find thread-local|^The inferior has not yet allocated' "$T/$1.gdb" |
		sed -E 's/^(Cannot find|The inferior has not).*/ERR/'
}
tlcmds=(-ex 'p tl_count' -ex 'p tl_name' -ex 'p tl_arr' -ex 'p tl_pt' -ex 'p errno')
record_ok "$T/tl" "$PROGS/val_tls"
build_ok "$T/tl"
nativerun tl-native "$PROGS/val_tls" -ex 'break use' -ex run "${tlcmds[@]}" \
	-ex continue "${tlcmds[@]}" -ex continue "${tlcmds[@]}"
serve "$T/tl" srv-tl
gdbrun tl "$PROGS/val_tls" -ex 'break use' -ex continue "${tlcmds[@]}" \
	-ex continue "${tlcmds[@]}" -ex continue "${tlcmds[@]}"
same_as_live tls_vals tl-native tl 14 "thread-local variables"
printf '%s\n' '__thread int plug_tl = 42;' '__thread long plug_arr[4] = { 1, 2, 3, 4 };' \
	'int plug_touch(int v) { plug_tl += v; plug_arr[1] = v; return plug_tl; }' >"$T/plug.c"
cc -g -O0 -shared -fPIC -o "$T/libvalplug.so" "$T/plug.c" || fail "cannot build the TLS library"
export VAL_TLS_PLUG=$T/libvalplug.so
record_ok "$T/tld" "$PROGS/val_tls_dl"
build_ok "$T/tld"
dlcmds=(-ex 'p plug_tl' -ex 'p plug_arr[1]')
nativerun tld-native "$PROGS/val_tls_dl" -ex 'break stop' -ex run "${dlcmds[@]}" \
	-ex continue "${dlcmds[@]}" -ex continue "${dlcmds[@]}" -ex continue "${dlcmds[@]}" \
	-ex continue "${dlcmds[@]}"
unset VAL_TLS_PLUG
serve "$T/tld" srv-tld
gdbrun tld "$PROGS/val_tls_dl" -ex 'break stop' -ex continue "${dlcmds[@]}" \
	-ex continue "${dlcmds[@]}" -ex continue "${dlcmds[@]}" -ex continue "${dlcmds[@]}" \
	-ex continue "${dlcmds[@]}"
same_as_live tls_vals tld-native tld 8 "a dlopen'ed library's thread-local variables"
grep -q '^ERR$' "$T/tld-native.sec" ||
	fail "val_tls_dl: native gdb never lacked the library's storage: $(tr '\n' ' ' <"$T/tld-native.sec")"

# ---- x87: the stack, status, tag and control words as native gdb sees them
# (st0 to a double's precision: Valgrind keeps doubles) ----
require_built gdb_x87
XP=$PROGS/gdb_x87
record_ok "$T/x87" "$XP"
build_ok "$T/x87"
xcmds=(-ex 'break done' -ex 'echo X\n' -ex 'p $st0' -ex 'p $st1' -ex 'p $st2'
	-ex 'info registers fstat ftag fctrl')
nativerun x87-native "$XP" -ex 'break done' -ex run "${xcmds[@]:2}"
serve "$T/x87" srv5
gdbrun x87 "$XP" -ex 'break done' -ex continue "${xcmds[@]:2}"
for f in x87-native x87; do
	sed -n '/^X$/,$p' "$T/$f.gdb" | grep -v '^\[' | sed 's/^\(\$1 = -0\.1000000000000000\)[0-9]*$/\1/' >"$T/$f.regs"
done
[ "$(wc -l <"$T/x87.regs")" = 7 ] && cmp -s "$T/x87.regs" "$T/x87-native.regs" ||
	fail "x87: gdbserver '$(tr '\n' ' ' <"$T/x87.regs")', native gdb '$(tr '\n' ' ' <"$T/x87-native.regs")'"

# ---- threads: info threads at a moment in a worker, its registers ----
TP=$PROGS/threads
record_ok "$T/th" "$TP"
build_ok "$T/th"
serve "$T/th" srv2
gdbrun th "$TP" -ex 'break worker' -ex continue -ex continue -ex 'echo TH\n' -ex 'monitor when' \
	-ex 'info threads' -ex 'echo REG\n' -ex 'info registers rip' \
	-ex 'thread 1' -ex 'echo MAIN\n' -ex 'info registers rip rsp'
tt=$(after th TH)
[[ $tt =~ ^[0-9]+$ ]] || fail "threads: monitor when '$tt'"
tid=$("$HS" cat "$T/th" "time/$tt/thread")
want=$("$HS" ls "$T/th" threads | wc -l)
grep -Eq "^\* [0-9]+ +Thread $tid .* worker " "$T/th.gdb" ||
	fail "threads: gdb's current thread is not $tid in worker at $tt: $(sed -n '/^TH$/,$p' "$T/th.gdb" | tr '\n' ' ')"
n=$(sed -n '/^  *Id/,/^REG$/p' "$T/th.gdb" | grep -c 'Thread ')
[ "$n" -ge 2 ] && [ "$n" -le "$want" ] || fail "threads: gdb lists $n threads at $tt, the recording has $want"
got=$(sed -n "/^REG$/,\$s/^rip  *\(0x[0-9a-f]*\) .*/\1/p" "$T/th.gdb")
want=$("$HS" cat "$T/th" "time/$tt/reg/rip")
[ $((got)) = $((want)) ] || fail "threads: rip '$got', the tree's '$want'"

# thread 1 (gdb's first thread is the main thread, whose OS tid is the
# pid): its registers
main_tid=$("$HS" info "$T/th" | sed -n 's/^process: \([0-9]*\)\..*/\1/p' | head -n 1)
for r in rip rsp; do
	got=$(sed -n "/^MAIN$/,\$s/^$r  *\(0x[0-9a-f]*\) .*/\1/p" "$T/th.gdb")
	want=$("$HS" query --tid "$main_tid" "$T/th" reg "$tt" "$r")
	[ -n "$got" ] && [ $((got)) = $((want)) ] ||
		fail "threads: thread 1's $r '$got', query --tid $main_tid says '$want'"
done

pass "bp/bt/regs/mem at $t1, watch at $stores, ends 0..$tend, $n threads at $tt"
