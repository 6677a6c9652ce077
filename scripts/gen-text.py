# gen-text.py OUT BYTES - the bench's input: BYTES bytes of English-like
# text with some numbers, always the same (a fixed seed), so that figures
# of different runs and scripts (scripts/bench.sh, bench/rec_breakdown.sh)
# are of one workload.
import random
import sys

r = random.Random(20240501)
words = ("the of and to in is was that for it with as his on be at by this had "
         "not are but from or have an they which one you were her all she there "
         "would their we him been has when who will more no if out so said what "
         "record replay memory register instruction thread signal process store "
         "debugger hindsight valgrind compression window history").split()
limit, out, n = int(sys.argv[2]), [], 0
while n < limit:
    line = " ".join(r.choice(words) for _ in range(r.randrange(4, 16)))
    if r.random() < 0.3:
        line += " %d" % r.randrange(100000)
    line = line.capitalize() + "."
    out.append(line)
    n += len(line) + 1
open(sys.argv[1], "wb").write(("\n".join(out) + "\n").encode()[:limit])
