#!/bin/bash
# rec_tids.sh - thread ids are the OS's (gettid()), not Valgrind's reused
# slots: tid_seq (three threads one after another), tid_conc (four at once),
# tid_nest (a thread creates a thread ...), tid_exit (a thread exits while
# others run, a later one reuses its slot) and tid_fork (threads in a fork
# child) print "tid <role> <pid> <gettid()>" from every thread.  Oracles:
# those lines, and `strace -f` of the recording (the pid column of each
# such write; creator and child of every CLONE_THREAD clone).  Checked
# against them, per process image: threads/ (names, "created ... by",
# the time slices holding the thread's own write), events (tid column,
# thread-create parent/child), syscalls, time/<t>/thread, info's
# threads:, `hindsight query` (thread, events, --tid) and the HTTP API.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
PROGRAMS="tid_seq tid_conc tid_nest tid_exit tid_fork"
# shellcheck disable=SC2086
require_built $PROGRAMS
command -v strace >/dev/null || fail "strace is not installed"

# tree PATH... / query ARGS...: hindsight cat / query of the current trace
tree() { "$HS" cat "$TR" "$@"; }

# The image of pid $1 ("<pid>.0": these programs do not exec).
image_of() { "$HS" ls "$TR" processes | grep -x "$1\.[0-9]*" | head -n 1; }

check_image()
{
	local pid=$1 img dir want got tid parent line t a b ok n
	img=$(image_of "$pid")
	[ -n "$img" ] || fail "$NAME: no process image for pid $pid in $("$HS" ls "$TR" processes | tr '\n' ' ')"
	dir=processes/$img
	# the threads the program printed, from this process
	awk -v p="$pid" '$1 == "tid" && $3 == p { print $4 }' "$TR.out" | sort -n >"$T/want"
	"$HS" ls "$TR" "$dir/threads" | sort -n >"$T/got"
	same_file "$NAME $img: ls threads (printed gettid()s)" "$T/want" "$T/got"
	n=$(wc -l <"$T/want")
	got=$("$HS" info "$TR" | sed -n "s/^process: $img .* threads=\([0-9]*\) .*/\1/p")
	[ "$got" = "$n" ] || fail "$NAME $img: info says threads=$got, the program printed $n threads"
	got=$(tree "$dir/info" | sed -n 's/^threads: //p')
	[ "$got" = "$n" ] || fail "$NAME $img: $dir/info says threads: $got, the program printed $n threads"
	# creators: strace's CLONE_THREAD clones of this process (creator
	# -> child), as threads/<child> and the thread-create events say
	awk '/CLONE_THREAD/ { if (match($0, /parent_tid=\[[0-9]+\]/))
		print $1, substr($0, RSTART + 12, RLENGTH - 13) }' "$TR.strace" | sort >"$T/clones"
	tree "$dir/events" >"$T/events" || fail "$NAME $img: cat events"
	sed -n 's/^[0-9]* [0-9]* thread-create parent=\([0-9]*\) child=\([0-9]*\)$/\1 \2/p' "$T/events" |
		grep -v '^0 ' | sort >"$T/creates"
	: >"$T/tree_creates"
	for tid in $(cat "$T/want"); do
		tree "$dir/threads/$tid" >"$T/life" || fail "$NAME $img: cat threads/$tid"
		[ "$(head -n 1 "$T/life")" = "tid $tid" ] || fail "$NAME $img: threads/$tid starts '$(head -n 1 "$T/life")'"
		parent=$(sed -n 's/^created [0-9]* by //p' "$T/life")
		[ -n "$parent" ] && echo "$parent $tid" >>"$T/tree_creates"
		# the thread's own write(1) runs inside one of its time slices
		t=$(grep ' syscall write(1, ' "$T/events" | grep -F " $pid $tid\\n\"" | awk '{ print $1; exit }')
		[ -n "$t" ] || fail "$NAME $img: no syscall event writes thread $tid's line"
		ok=$(awk -v t="$t" '$1 == "ran" && $2 < t && t <= $3 { print "yes" }' "$T/life")
		[ "$ok" = yes ] || fail "$NAME $img: threads/$tid: no time slice holds its write at t=$t: $(tr '\n' ' ' <"$T/life")"
		# the instruction that makes the syscall is the thread's
		got=$(tree "$dir/time/$((t - 1))/thread")
		[ "$got" = "$tid" ] || fail "$NAME $img: time/$((t - 1))/thread is '$got', expected $tid"
		got=$("$HS" query --image "$img" "$TR" thread $((t - 1)))
		[ "$got" = "$tid" ] || fail "$NAME $img: query thread $((t - 1)) says '$got', expected $tid"
		"$HS" query --image "$img" --tid "$tid" "$TR" reg "$t" rip >/dev/null 2>"$T/q.err" ||
			fail "$NAME $img: query --tid $tid reg $t rip: $(cat "$T/q.err")"
		# syscalls names the same thread for that write
		line=$(grep -F "\"tid " "$T/syscalls.$img" | grep -F " $pid $tid\\n\"" | head -n 1)
		[ "$(echo "$line" | awk '{ print $2 }')" = "$tid" ] ||
			fail "$NAME $img: syscalls line of thread $tid's write: '$line'"
	done
	sort "$T/tree_creates" -o "$T/tree_creates"
	same_file "$NAME $img: thread-create events (parent child) vs threads/*" "$T/tree_creates" "$T/creates"
	# strace's clones of this process's threads are these
	awk 'NR == FNR { mine[$1] = 1; next } ($1 in mine)' "$T/want" "$T/clones" >"$T/clones.mine"
	same_file "$NAME $img: strace -f clones (creator child) vs thread-create events" \
		"$T/clones.mine" "$T/creates"
	# every tid in events' second column is one of these threads (or 0:
	# before the first thread ran)
	a=$(awk '$2 != 0 { print $2 }' "$T/events" | sort -un | tr '\n' ' ')
	b=$(tr '\n' ' ' <"$T/want")
	[ "$a" = "$b" ] || fail "$NAME $img: events name threads '$a', expected '$b'"
	# a tid that is no thread of this process
	"$HS" query --image "$img" --tid 1 "$TR" reg 0 rip >/dev/null 2>&1 &&
		fail "$NAME $img: query --tid 1 answered"
	return 0
}

for NAME in $PROGRAMS; do
	TR=$T/$NAME
	timeout -k 10 "$STEP_TIMEOUT" strace -f -qq -o "$TR.strace" -e trace=write,clone,clone3 \
		-e signal=none "$HS" record -o "$TR" -- "$PROGS/$NAME" </dev/null >"$TR.out" 2>"$TR.err" ||
		fail "$NAME: record under strace: $(tail -n 2 "$TR.err" | tr '\n' ' ')"
	# a call that another process's call interrupts (the recorder's writer
	# processes write while threads clone) is split by strace into
	# "<unfinished ...>" and "<... NAME resumed>" lines: join them
	awk '/ <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, ""); part[$1] = $0; next }
	     /^[0-9]+ +<\.\.\. [a-z0-9_]+ resumed>/ && ($1 in part) {
		r = $0; sub(/^[0-9]+ +<\.\.\. [a-z0-9_]+ resumed>/, "", r)
		$0 = part[$1] r; delete part[$1] }
	     { print }' "$TR.strace" >"$TR.strace.joined" && mv "$TR.strace.joined" "$TR.strace"
	build_ok "$TR"
	# the oracle agrees with itself: each line is written by the thread it names
	sed -n 's/^\([0-9]*\) *write(1, "tid [a-z-]* [0-9]* \([0-9]*\)\\n".*/\1 \2/p' "$TR.strace" >"$T/w"
	[ "$(wc -l <"$T/w")" = "$(grep -c '^tid ' "$TR.out")" ] || fail "$NAME: strace saw $(wc -l <"$T/w") writes"
	awk '$1 != $2 { exit 1 }' "$T/w" || fail "$NAME: strace: a line written by another thread: $(cat "$T/w")"
	# info's headline counts the threads of every process
	[ "$(info_get "$TR" threads)" = "$(grep -c '^tid ' "$TR.out")" ] ||
		fail "$NAME: info says threads: $(info_get "$TR" threads), the program printed $(grep -c '^tid ' "$TR.out")"
	for pid in $(awk '$1 == "tid" { print $3 }' "$TR.out" | sort -u); do
		img=$(image_of "$pid")
		tree "processes/$img/syscalls" >"$T/syscalls.$img" || fail "$NAME: cat syscalls"
		check_image "$pid"
	done
done

# tid_seq: one slot, three threads; the top level is the first process
TR=$T/tid_seq
[ "$("$HS" ls "$TR" threads | wc -l)" = 4 ] || fail "tid_seq: threads/ lists $("$HS" ls "$TR" threads | tr '\n' ' ')"
[ "$(info_get "$TR" threads)" = 4 ] || fail "tid_seq: info says threads: $(info_get "$TR" threads), expected 4"
# the query CLI says what the tree says
"$HS" query "$TR" events 0 999999999999 >"$T/q" || fail "query events"
tree events >"$T/events"
same_file "tid_seq: query events and cat events" "$T/q" "$T/events"

# tid_exit: the quitter exits while both runners live, and the late thread
# is created after that (in the quitter's slot) while they still run
TR=$T/tid_exit
role_tid() { awk -v r="$1" '$1 == "tid" && $2 == r { print $4 }' "$TR.out" | sed -n "${2:-1}p"; }
exited() { tree "threads/$1" | sed -n 's/^exited //p'; }
q_exit=$(exited "$(role_tid quitter)")
late_created=$(tree "threads/$(role_tid late)" | sed -n 's/^created \([0-9]*\) by .*/\1/p')
for r in 1 2; do
	r_exit=$(exited "$(role_tid runner $r)")
	[ -n "$q_exit" ] && [ -n "$late_created" ] && [ "$q_exit" -lt "$late_created" ] &&
		[ "$late_created" -lt "$r_exit" ] ||
		fail "tid_exit: quitter exited at '$q_exit', late created at '$late_created', runner $r exited at '$r_exit'"
done
TR=$T/tid_seq

# the HTTP API reads the same tree
serve_start s "$TR"
expect_status 200 "/api/tree/threads"
json '"\n".join(e["name"] for e in j["entries"])' <"$T/body" >"$T/got"
"$HS" ls "$TR" threads >"$T/want"
same_file "/api/tree/threads" "$T/want" "$T/got"
for tid in $(cat "$T/want"); do
	tree "threads/$tid" >"$T/want.life"
	expect_status 200 "/api/tree/threads/$tid"
	same_file "/api/tree/threads/$tid" "$T/want.life" "$T/body"
	t=$(awk '$1 == "ran" { print $3; exit }' "$T/want.life")
	expect_status 200 "/api/moment?t=$((t - 1))"
	[ "$(json 'j["thread"]' <"$T/body")" = "$tid" ] || fail "/api/moment?t=$((t - 1)): thread $(json 'j["thread"]' <"$T/body"), expected $tid"
done
serve_stop
pass "$PROGRAMS"
