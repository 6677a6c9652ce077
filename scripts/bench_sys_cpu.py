#!/usr/bin/env python3
# bench_sys_cpu.py N TRACE FILE BIN...: CPU seconds (user+sys, getrusage) of
# `BIN cat TRACE FILE`, runs alternated; median and MB/s of the output
import resource, subprocess, sys, statistics
n, trace, f, bins = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
res = {b: [] for b in bins}
size = {}
for i in range(n):
    for b in bins:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([b, "cat", trace, f], stdout=subprocess.PIPE, check=True).stdout
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        res[b].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        size[b] = len(out)
for b in bins:
    m = statistics.median(res[b])
    print("%s %s %d bytes: median %.3f s CPU (min %.3f) = %.1f MB/s" % (b, f, size[b], m, min(res[b]), size[b] / m / 1e6))
