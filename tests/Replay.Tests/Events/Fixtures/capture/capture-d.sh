#!/bin/bash
# Capture D: a 3.5 GiB dd with concurrent fsync() of the same file, trying for writeback_wait (not seen on 6.18.44;
# the capture still has periodic writeback_start lines).
set -u
. "$(dirname "$0")/lib.sh"
inst 4096
ev writeback/writeback_wait writeback/writeback_start
F=/var/tmp/ksimev-wb
echo 1 > "$T/tracing_on"
dd if=/dev/zero of=$F bs=1M count=3500 & D=$!
for i in $(seq 1 60); do python3 -c "import os; os.fsync(os.open('$F', os.O_RDONLY))"; sleep 0.05; done
wait $D; sync
echo 0 > "$T/tracing_on"
rm -f $F
save D
