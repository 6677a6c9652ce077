#!/bin/bash
# bench_sys.sh - first read of the mounted events and syscalls files (dd of the file, as bench/RESULTS.md measures).
#
#   bash scripts/bench_sys.sh HS LABEL
#
# Records `dd if=/dev/zero of=/dev/null bs=1 count=100000` (200k syscalls)
# and `find /usr/share/doc` with the hindsight binary HS, builds them,
# and for each of events and syscalls mounts the recording afresh
# (`hindsight mount -f`) and times `dd if=MNT/FILE of=/dev/null bs=1M`:
# the first read, which generates the whole file.  Prints
# "LABEL RECORDING FILE BYTES bytes SECONDS s = RATE MB/s".  Works in
# ${TMPDIR:-/tmp}/hs-bench-sys.LABEL, removed first.
HS=$1; L=$2; W=${TMPDIR:-/tmp}/hs-bench-sys.$L; rm -rf "$W"; mkdir -p "$W"
cd "$W" || exit 1
$HS record -o dd -- /bin/dd if=/dev/zero of=/dev/null bs=1 count=100000 >/dev/null 2>&1
$HS record -o find -- /usr/bin/find /usr/share/doc >/dev/null 2>&1
for r in dd find; do
  $HS build $r >/dev/null 2>&1 || echo build fail $r
  for f in events syscalls; do
    mkdir -p m; $HS mount -f $r m >/dev/null 2>&1 & pid=$!
    for i in $(seq 50); do [ -e m/info ] && break; sleep 0.1; done
    s=$(date +%s.%N); bytes=$(dd if=m/$f of=/dev/null bs=1M 2>&1 | awk '/bytes/{print $1}'); e=$(date +%s.%N)
    echo "$L $r $f $bytes bytes $(echo "$s $e $bytes" | awk '{printf "%.3f s = %.1f MB/s", $2-$1, $3/($2-$1)/1e6}')"
    fusermount3 -u m; wait $pid
  done
done
