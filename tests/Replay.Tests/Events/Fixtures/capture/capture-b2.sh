#!/bin/bash
# Capture B2: (1) dd of 400 MiB in a 64 MiB v1 memcg with vm.dirty_bytes=512M, so the memcg fills with dirty
# folios and reclaim throttles (VMSCAN_THROTTLE_WRITEBACK); (2) a 2000 MiB dd under vm.dirty_bytes=16M, long enough
# for bdi_dirty_ratelimit. Restores the dirty ratios.
set -u
. "$(dirname "$0")/lib.sh"
CG=/sys/fs/cgroup/memory/ksimev
inst 32768
for s in memcg_reclaim_begin memcg_reclaim_end direct_reclaim_begin direct_reclaim_end lru_shrink_inactive lru_shrink_active \
         lru_isolate write_folio throttled kswapd_wake kswapd_sleep wakeup_kswapd; do ev vmscan/mm_vmscan_$s; done
ev writeback/balance_dirty_pages writeback/bdi_dirty_ratelimit writeback/writeback_start writeback/writeback_written \
   writeback/writeback_wait writeback/writeback_queue writeback/writeback_exec writeback/writeback_pages_written
mkdir $CG && echo 64M > $CG/memory.limit_in_bytes
DR=$(cat /proc/sys/vm/dirty_ratio); BR=$(cat /proc/sys/vm/dirty_background_ratio)
echo 1 > "$T/tracing_on"
sysctl -q vm.dirty_bytes=536870912 vm.dirty_background_bytes=268435456
( echo $BASHPID > $CG/cgroup.procs; exec dd if=/dev/zero of=/var/tmp/ksimev-x bs=1M count=400 )
sync; rm -f /var/tmp/ksimev-x
sysctl -q vm.dirty_bytes=16777216 vm.dirty_background_ratio=$BR
dd if=/dev/zero of=/var/tmp/ksimev-y bs=1M count=2000
sync
echo 0 > "$T/tracing_on"
sysctl -q vm.dirty_ratio=$DR vm.dirty_background_ratio=$BR
rm -f /var/tmp/ksimev-y
save B2
rmdir $CG
