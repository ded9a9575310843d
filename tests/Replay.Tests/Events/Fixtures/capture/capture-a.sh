#!/bin/bash
# Capture A: file syscalls, page cache, block, process and signal events from ksimev-work.py; veth traffic
# between the root namespace and namespace "ksimev" (IPv6 neighbour discovery); loopback UDP; softirqs.
set -u
. "$(dirname "$0")/lib.sh"
inst 8192
SC="write pwrite64 read pread64 fsync fdatasync openat"
for s in $SC; do ev syscalls/sys_enter_$s syscalls/sys_exit_$s; filt 'comm ~ "ksimev*"' syscalls/sys_enter_$s syscalls/sys_exit_$s; done
ev filemap/mm_filemap_add_to_page_cache filemap/mm_filemap_delete_from_page_cache
filt 'comm ~ "ksimev*"' filemap/mm_filemap_add_to_page_cache filemap/mm_filemap_delete_from_page_cache
ev block/block_rq_issue block/block_rq_complete sched/sched_process_fork sched/sched_process_exit sched/sched_process_free \
   sched/sched_wakeup signal/signal_generate signal/signal_deliver net/net_dev_queue net/net_dev_start_xmit net/net_dev_xmit \
   net/netif_rx net/netif_rx_entry net/netif_rx_exit net/netif_receive_skb napi/napi_poll irq/softirq_raise irq/softirq_entry irq/softirq_exit
ip netns add ksimev
ip link add ksimev0 type veth peer name ksimev1
ip link set ksimev1 netns ksimev
ip addr add 10.231.0.1/24 dev ksimev0; ip link set ksimev0 up
ip netns exec ksimev ip addr add 10.231.0.2/24 dev ksimev1
ip netns exec ksimev ip link set ksimev1 up; ip netns exec ksimev ip link set lo up
sleep 1
echo 1 > "$T/tracing_on"
python3 "$(dirname "$0")/ksimev-work.py"
sleep 0.5
echo 0 > "$T/tracing_on"
save A
ip link del ksimev0; ip netns del ksimev
