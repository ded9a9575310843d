#!/bin/bash
# Capture C: global memory pressure without OOM risk: two dd read a 26 GiB sparse file (zero-filled clean page
# cache, 24 GiB host) so kswapd wakes and allocations enter direct reclaim.
set -u
. "$(dirname "$0")/lib.sh"
inst 16384
for s in direct_reclaim_begin direct_reclaim_end lru_shrink_active write_folio throttled kswapd_wake kswapd_sleep wakeup_kswapd; do
    ev vmscan/mm_vmscan_$s
done
ev writeback/writeback_wait
F=/var/tmp/ksimev-sparse
truncate -s 26G $F
echo 1 > "$T/tracing_on"
dd if=$F of=/dev/null bs=1M count=13312 & dd if=$F of=/dev/null bs=1M skip=13312 & wait
sleep 2
echo 0 > "$T/tracing_on"
rm -f $F
save C
