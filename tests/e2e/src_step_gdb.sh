#!/bin/bash
# src_step_gdb.sh - step-into and step-back are gdb's own step and reverse-step (and next-line its next where -O2 inlined constructors and allocators call new or functions without line info): gdb steps natively through whole programs (one-line functions and main, C++ methods defined in the class, lambdas, templates and std::sort, -O0 and -O2, gcc and clang, calls through the PLT into a -g library and a library without debug info that calls back, qsort, libc's string functions, tail jumps into and out of a library without debug info (free's entry line, through the lazy resolver), header inline functions at -O2 whose copies interleave, a return into the middle of a line whose next call gdb steps over and that returns to a new row of that line, g++ and clang++ -O2 inlined constructors and allocators whose calls return into rows of the inlined lines or no statement, g++ -O2 std::string code whose function entry is a header's row: gdb's range there runs past the rows of other files that follow, by its per-file line tables, clang++ -O1 whose first statement's inlined constructors start at main's entry and mark the prologue's end on a header's row, which gdb's break main does not see) and reverse-steps a `record full` of the same code; Hindsight's step-into chain from time/main and step-back chain must stop at the same lines, and time/main where gdb's `break main` does.
#
# Compared: the stops in the test's own source files (file:line, in order),
# and for each excursion into libc the first stop's file up to its first
# '-' or '.' ("strlen" for strlen-avx2.S and strlen-evex.S: the CPU picks
# the variant, and Valgrind's CPU has no AVX-512; an ifunc resolver run by
# the lazy resolver would be "ifunc").  Both chains end when main returns.
# Reverse: gdb's reverse-step stops at each statement row of a line, so
# both chains are compared with consecutive equal stops merged.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
command -v g++ >/dev/null || fail "g++ is not installed"
require_built step_oneline step_oneline_o2
SRC=$ROOT/tests/programs
B=$T/bin
mkdir -p "$B"
cp "$PROGS/step_oneline" "$PROGS/step_oneline_o2" "$B/" || fail "copy"
g++ -g -O0 -fno-omit-frame-pointer -o "$B/step_methods" "$SRC/step_methods.cc" &&
	g++ -g -O2 -o "$B/step_methods_o2" "$SRC/step_methods.cc" &&
	g++ -g -O0 -o "$B/step_cxx" "$SRC/step_cxx.cc" &&
	gcc -g -O0 -fPIC -shared -o "$B/libstep_plt_dbg.so" "$SRC/step_plt/dbg.c" &&
	gcc -O0 -fPIC -shared -o "$B/libstep_plt_nodbg.so" "$SRC/step_plt/nodbg.c" &&
	gcc -g -O0 -fno-omit-frame-pointer -o "$B/step_plt" "$SRC/step_plt/main.c" -L"$B" \
		-lstep_plt_dbg -lstep_plt_nodbg -Wl,-rpath,"$B" &&
	gcc -g -O0 -o "$B/step_signal" "$SRC/step_signal.c" &&
	gcc -g -O0 -static -o "$B/step_signal_static" "$SRC/step_signal.c" &&
	gcc -g -O0 -o "$B/step_recur" "$SRC/step_recur.c" &&
	g++ -g -O2 -o "$B/step_range_o2" "$SRC/step_range.cc" &&
	g++ -g -O0 -o "$B/step_range" "$SRC/step_range.cc" &&
	gcc -g -O2 -o "$B/step_loopjump_o2" "$SRC/step_loopjump.c" &&
	g++ -g -O2 -o "$B/step_inline_o2" "$SRC/step_inline_o2.cc" &&
	gcc -O2 -c -o "$B/step_inline_nodbg.o" "$SRC/step_inline/nodbg.c" &&
	gcc -g -O2 -o "$B/step_inline_ext_o2" "$SRC/step_inline/ext.c" "$B/step_inline_nodbg.o" &&
	gcc -g -O2 -o "$B/step_hinline_o2" "$SRC/step_hinline.c" &&
	g++ -g -O0 -o "$B/step_strcat" "$SRC/step_strcat.cc" &&
	gcc -O2 -fPIC -shared -o "$B/libstep_tail_nodbg.so" "$SRC/step_tail/nodbg.c" &&
	gcc -g -O2 -o "$B/step_tail" "$SRC/step_tail/main.c" -L"$B" -lstep_tail_nodbg \
		-Wl,-rpath,"$B" ||
	fail "could not compile the test programs"
# clang marks the prologue's end in the line table, and gdb's break uses it
# where the row is in the file of the function's first row (gdb keeps a
# table a file): clang -O1 marks a header's row of main's first statement's
# inlined constructors (step_inline_clang_o1: gdb's break main stops at
# main's entry, showing main with the copies that start there hidden)
CLANG=""
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
	clang -g -O0 -o "$B/step_oneline_clang" "$SRC/step_oneline.c" &&
		clang -g -O2 -o "$B/step_oneline_clang_o2" "$SRC/step_oneline.c" &&
		clang++ -g -O2 -o "$B/step_methods_clang_o2" "$SRC/step_methods.cc" &&
		clang -g -O2 -o "$B/step_loopjump_clang_o2" "$SRC/step_loopjump.c" &&
		clang++ -g -O2 -o "$B/step_inline_clang_o2" "$SRC/step_inline_o2.cc" &&
		clang++ -g -O1 -o "$B/step_inline_clang_o1" "$SRC/step_inline_o2.cc" &&
		clang++ -g -O1 -o "$B/step_cxx_clang_o1" "$SRC/step_cxx.cc" &&
		clang++ -O2 -c -o "$B/step_inline_opnew.o" "$SRC/step_inline/opnew.cc" &&
		clang++ -g -O2 -o "$B/step_inline_new_clang_o2" "$SRC/step_inline_o2.cc" \
			"$B/step_inline_opnew.o" "$B/step_inline_nodbg.o" &&
		clang -g -O2 -o "$B/step_inline_ext_clang_o2" "$SRC/step_inline/ext.c" \
			"$B/step_inline_nodbg.o" &&
		clang -g -O2 -o "$B/step_hinline_clang_o2" "$SRC/step_hinline.c" ||
		fail "clang could not compile the test programs"
	CLANG="step_oneline_clang step_oneline_clang_o2 step_methods_clang_o2 step_loopjump_clang_o2 step_inline_clang_o2 step_inline_clang_o1 step_cxx_clang_o1 step_hinline_clang_o2"
else
	note "no clang: its programs are left out"
fi

# gdb (scripts/gdb-step-oracle.py): step from `break main` until main
# returns, STOP lines "file line function", and MAIN-OFF: where `break
# main` stopped, from main's entry.  Reverse: record full from main to the
# REV_FROM line, then reverse-step back to main's first line (LD_BIND_NOW:
# no lazy resolver, which record full cannot run; Hindsight's recording
# runs it and must step back over it).  Hindsight: the chain of step-into
# from time/main, step-back from the REV_FROM line's first moment, as STOP
# lines; it ends when main returns (forward) or at time/main (back).
ORACLE=$ROOT/scripts/gdb-step-oracle.py

# what is compared (see the top): OWN is a regex of the own files' names
cat >"$T/norm.py" <<'PYEOF'
import os, re, sys
own, merge = re.compile(sys.argv[1]), sys.argv[2] == "merge"
out, inside = [], True
for l in sys.stdin:
    if not l.startswith("STOP "):
        continue
    _, f, line, fn = l.split(None, 3)
    base = os.path.basename(f)
    if own.fullmatch(base):
        tok, inside = "%s:%s" % (base, line), True
    elif inside:
        tok, inside = "[%s]" % re.split(r"[-.]", base)[0], False
    else:
        continue
    if not (merge and out and out[-1] == tok):
        out.append(tok)
print(" ".join(out))
PYEOF

OWN='step_oneline\.c|step_methods\.cc|step_cxx\.cc|main\.c|dbg\.c|step_signal\.c|step_recur\.c|step_range\.cc|step_loopjump\.c|step_inline_o2\.cc|ext\.c|step_hinline\.[ch]'
n=0
ALL="step_oneline step_oneline_o2 step_methods step_methods_o2 step_cxx step_plt step_signal step_signal_static step_recur step_range_o2 step_range step_loopjump_o2 step_inline_o2 step_tail step_hinline_o2 step_strcat $CLANG"

# own_files P: the files whose stops are compared for P (step_tail: libc's
# malloc.c too, free's entry line after a jump; step_strcat: libstdc++'s
# headers', a return into operator+'s line)
own_files()
{
	case $1 in
	step_tail) echo "$OWN|malloc\.c" ;;
	step_strcat) echo "$OWN|step_strcat\.cc|basic_string\.h|move\.h" ;;
	*) echo "$OWN" ;;
	esac
}

# oracle_run P CMD: gdb's CMD (step, next) chain of P into $T/P.CMD.gdb
oracle_run()
{
	ORACLE_CMD=$2 ORACLE_STEPS=5000 timeout -k 10 "$STEP_TIMEOUT" \
		gdb -nx -batch -x "$ORACLE" "$B/$1" </dev/null >"$T/$1.$2.gdb" 2>&1
}

# same_chain P CMD LINK: Hindsight's LINK chain from time/main on P's
# mount stops where gdb's CMD did (oracle_run)
same_chain()
{
	local p=$1 cmd=$2 link=$3 want got own

	own=$(own_files "$p")
	want=$("$PY" "$T/norm.py" "$own" keep <"$T/$p.$cmd.gdb")
	[ -n "$want" ] || fail "$p: gdb's $cmd gave no stops: $(tail -n 3 "$T/$p.$cmd.gdb" | tr '\n' ' ')"
	"$PY" "$ORACLE" chain "$T/mnt.$p" "$link" main 5000 >"$T/$p.$cmd.hs" ||
		fail "$p: walking $link failed"
	got=$("$PY" "$T/norm.py" "$own" keep <"$T/$p.$cmd.hs")
	[ "$got" = "$want" ] || fail "$p: $link stops at '$got', gdb's $cmd at '$want'"
	n=$((n + $(echo "$want" | wc -w)))
	note "$p: $(echo "$want" | wc -w) stops as gdb's $cmd"
}

for p in $ALL; do
	oracle_run "$p" step
	record_ok "$T/$p" "$B/$p"
	build_ok "$T/$p"
	mount_tree "$T/$p" "$T/mnt.$p"
	off=$(sed -n 's/^MAIN-OFF //p' "$T/$p.step.gdb")
	where=$(cat "$T/mnt.$p/time/main/where")
	case $where in "main+$off "*) ;; *) fail "$p: time/main is '$where', gdb's break main stops at main+$off" ;; esac
	same_chain "$p" step step-into
done

# next: gdb's `next` from `break main` until main returns, Hindsight's
# next-line chain from time/main, where inlined constructors and allocators
# made calls (step_inline_o2.cc: the line gdb refreshed to in main's own
# code; step_inline/: calls without line starts on the way; step_cxx
# clang -O1: std::sort's copies' entry lies in the row of main's own code
# that jumps back into their loop, gdb's range: no stop there)
for p in step_inline_o2 step_inline_ext_o2 \
	${CLANG:+step_inline_clang_o2 step_inline_clang_o1 step_cxx_clang_o1 step_inline_new_clang_o2 \
		step_inline_ext_clang_o2}; do
	oracle_run "$p" next
	if [ ! -d "$T/$p" ]; then
		record_ok "$T/$p" "$B/$p"
		build_ok "$T/$p"
		mount_tree "$T/$p" "$T/mnt.$p"
	fi
	same_chain "$p" next next-line
done

# past main's return (ORACLE_PAST_MAIN): step from the PAST_FROM line
# through exit until the program ends; step_recur.c's destructor, which
# ld.so's _dl_call_fini calls after a step that began in libc returned
# into _dl_fini, is a stop at its first instruction (its opening line,
# before the prologue), and crtstuff's __do_global_dtors_aux that ld.so
# calls next is a stop without a line, as gdb's "? 0"
for p in step_recur; do
	line=$(grep -n PAST_FROM "$SRC/$p.c" | cut -d: -f1)
	ORACLE_PAST_MAIN=1 ORACLE_BREAK=$p.c:$line ORACLE_CMD=step ORACLE_STEPS=5000 \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ORACLE" "$B/$p" </dev/null \
		>"$T/$p.past.gdb" 2>&1
	want=$("$PY" "$T/norm.py" "$OWN" keep <"$T/$p.past.gdb")
	case $want in *"$p.c:$line "*"[?]"*) ;; *) fail "$p: gdb's step past main gave '$want'" ;; esac
	t0=$(head -n 1 "$(find "$T/mnt.$p/lines" -path "*/$p.c/$line" | head -n 1)" | cut -d' ' -f1)
	[ -n "$t0" ] || fail "$p: lines/ has no start of $p.c:$line"
	ORACLE_PAST_MAIN=1 "$PY" "$ORACLE" chain "$T/mnt.$p" step-into "$t0" 5000 >"$T/$p.past.hs" ||
		fail "$p: walking step-into past main failed"
	got=$("$PY" "$T/norm.py" "$OWN" keep <"$T/$p.past.hs")
	[ "$got" = "$want" ] || fail "$p: step-into past main stops at '$got', gdb's step at '$want'"
	n=$((n + $(echo "$want" | wc -w)))
	note "$p: $(echo "$want" | wc -w) stops past main's return as gdb's step"
done

# reverse-step from the REV_FROM line back to main's first line
for p in step_methods step_plt step_recur; do
	case $p in
	step_methods) file=step_methods.cc ;;
	step_recur) file=step_recur.c ;;
	step_plt) file=main.c ;;
	esac
	src=$SRC/$file
	[ "$p" = step_plt ] && src=$SRC/step_plt/main.c
	line=$(grep -n REV_FROM "$src" | cut -d: -f1)
	ORACLE_CMD=reverse-step ORACLE_STEPS=500 ORACLE_ENV=LD_BIND_NOW=1 ORACLE_FROM=$file:$line \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ORACLE" "$B/$p" </dev/null >"$T/$p.rgdb" 2>&1
	want=$("$PY" "$T/norm.py" "$OWN" merge <"$T/$p.rgdb")
	case $want in *"$file:$line"*) ;; *) fail "$p: gdb's record did not reach $file:$line: $(tail -n 3 "$T/$p.rgdb" | tr '\n' ' ')" ;; esac
	t0=$(head -n 1 "$(find "$T/mnt.$p/lines" -path "*/$file/$line" | head -n 1)" | cut -d' ' -f1)
	[ -n "$t0" ] || fail "$p: lines/ has no start of $file:$line"
	"$PY" "$ORACLE" chain "$T/mnt.$p" step-back "$t0" 5000 >"$T/$p.rhs" || fail "$p: walking step-back failed"
	got=$("$PY" "$T/norm.py" "$OWN" merge <"$T/$p.rhs")
	[ "$got" = "$want" ] || fail "$p: step-back stops at '$got', gdb's reverse-step at '$want'"
	n=$((n + $(echo "$want" | wc -w)))
	note "$p: $(echo "$want" | wc -w) stops as gdb's reverse-step"
done
pass "$n stops as gdb's step, next and reverse-step ($(echo $ALL | wc -w) programs, time/main as break main)"
