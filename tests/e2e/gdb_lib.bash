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
