#!/bin/bash
# Capture B: dd of 200 MiB inside a 64 MiB cgroup-v1 memory cgroup with vm.dirty_bytes=16M (memcg reclaim,
# balance_dirty_pages, flusher work, then sync). Restores the dirty ratios (which zeroes the byte limits).
set -u
. "$(dirname "$0")/lib.sh"
CG=/sys/fs/cgroup/memory/ksimev
inst 16384
for s in memcg_reclaim_begin memcg_reclaim_end direct_reclaim_begin direct_reclaim_end lru_shrink_inactive lru_shrink_active \
         lru_isolate write_folio throttled kswapd_wake kswapd_sleep wakeup_kswapd; do ev vmscan/mm_vmscan_$s; done
ev writeback/balance_dirty_pages writeback/global_dirty_state writeback/bdi_dirty_ratelimit writeback/writeback_start \
   writeback/writeback_written writeback/writeback_wait writeback/writeback_queue writeback/writeback_exec \
   writeback/writeback_pages_written writeback/writeback_wake_background
mkdir $CG && echo 64M > $CG/memory.limit_in_bytes
DR=$(cat /proc/sys/vm/dirty_ratio); BR=$(cat /proc/sys/vm/dirty_background_ratio)
sysctl -q vm.dirty_bytes=16777216
echo 1 > "$T/tracing_on"
( echo $BASHPID > $CG/cgroup.procs; exec dd if=/dev/zero of=/var/tmp/ksimev-x bs=1M count=200 )
sync; sleep 1
echo 0 > "$T/tracing_on"
sysctl -q vm.dirty_ratio=$DR vm.dirty_background_ratio=$BR
rm -f /var/tmp/ksimev-x
save B
rmdir $CG
