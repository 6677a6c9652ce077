# gdb_lib.bash - helpers of the gdbserver tests (sourced after lib.sh).

# serve TRACE NAME [OPTIONS...]: a `hindsight gdbserver` for TRACE on a
# port it picks, killed at the end of the test; sets port (stdout/stderr
# in $T/NAME.out, .err)
serve()
{
	"$HS" gdbserver --port 0 "${@:3}" "$1" >"$T/$2.out" 2>"$T/$2.err" &
	BG_PIDS+=($!)
	for _ in $(seq 600); do # 60 s: a loaded machine runs tests in parallel
		grep -q "target remote 127.0.0.1:" "$T/$2.out" 2>/dev/null && break
		sleep 0.1
	done
	port=$(sed -n "s/.*target remote 127.0.0.1:\([0-9]*\)'$/\1/p" "$T/$2.out")
	[ -n "$port" ] || fail "gdbserver $1 printed no port: $(cat "$T/$2.out" "$T/$2.err" | tr '\n' ' ')"
}

# gdbrun NAME PROG GDB-ARGS...: a gdb batch run against the server on
# $port (output in $T/NAME.gdb); fails the test if gdb fails.  An empty
# PROG: no file (gdb learns it from the server).
gdbrun()
{
	local name=$1 prog=$2
	shift 2
	timeout -k 5 60 gdb -nx -batch -ex 'set pagination off' -ex 'set confirm off' \
		-ex 'set debuginfod enabled off' -ex "target remote 127.0.0.1:$port" \
		"$@" ${prog:+"$prog"} </dev/null >"$T/$name.gdb" 2>&1 ||
		fail "gdb $name exited $?: $(tail -n 3 "$T/$name.gdb" | tr '\n' ' ')"
}

# nativerun NAME PROG GDB-ARGS...: the same gdb batch on a live run of
# PROG (output in $T/NAME.gdb; its exit status is not checked: the
# comparison with the server's run is)
nativerun()
{
	local name=$1 prog=$2
	shift 2
	timeout -k 5 60 gdb -nx -batch -ex 'set pagination off' -ex 'set debuginfod enabled off' \
		"$@" "$prog" </dev/null >"$T/$name.gdb" 2>&1
}

# same_as_live FILTER NATIVE SERVED MIN WHAT: FILTER NAME (a function of
# the test: the part of $T/NAME.gdb to compare, normalised) gives the same
# lines, more than MIN of them, for the native run and the server's; else
# fails the test naming WHAT
same_as_live()
{
	"$1" "$2" >"$T/$2.sec"
	"$1" "$3" >"$T/$3.sec"
	[ "$(wc -l <"$T/$3.sec")" -gt "$4" ] && cmp -s "$T/$2.sec" "$T/$3.sec" ||
		fail "$5: gdbserver differs from native gdb: $(diff "$T/$2.sec" "$T/$3.sec" | head -n 8 | tr '\n' ' ')"
}
