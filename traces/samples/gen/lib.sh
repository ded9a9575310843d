# Helpers used to make traces/samples/*.txt (source from traces/samples: `. gen/lib.sh`).
# Run as root.  Each helper works on the tracefs instance $I (one made by `inst NAME`).
T=/sys/kernel/tracing
G=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)        # traces/samples/gen
mkdir -p /var/tmp/ksim-samples                          # activity.py/comm.py write here (real disk)
inst() { I=$T/instances/$1; mkdir $I; echo 0 > $I/tracing_on; echo > $I/trace; }
en() { for e in "$@"; do echo 1 > $I/events/${e%%:*}/${e#*:}/enable || echo "fail $e"; done; }
filt() { local f=$1; shift; for e in "$@"; do echo "$f" > $I/events/${e%%:*}/${e#*:}/filter || echo "filter fail $e"; done; }
rmi() { echo 0 > $I/tracing_on; rmdir $I; }
SYSC="syscalls:sys_enter_write syscalls:sys_exit_write syscalls:sys_enter_read syscalls:sys_exit_read syscalls:sys_enter_openat syscalls:sys_exit_openat syscalls:sys_enter_pwrite64 syscalls:sys_exit_pwrite64 syscalls:sys_enter_pread64 syscalls:sys_exit_pread64 syscalls:sys_enter_fsync syscalls:sys_exit_fsync syscalls:sys_enter_fdatasync syscalls:sys_exit_fdatasync"
MIXSYS="syscalls:sys_enter_write syscalls:sys_exit_write syscalls:sys_enter_pwrite64 syscalls:sys_exit_pwrite64 syscalls:sys_enter_pread64 syscalls:sys_exit_pread64 syscalls:sys_enter_fsync syscalls:sys_exit_fsync syscalls:sys_enter_fdatasync syscalls:sys_exit_fdatasync"
# the "mixed" event set: sched, signal, fork/exit, file syscalls, net, block; noise filtered to python3
mixed_setup() {
  en sched:sched_switch sched:sched_wakeup signal:signal_generate signal:signal_deliver sched:sched_process_fork sched:sched_process_exit $MIXSYS net:net_dev_xmit net:netif_rx block:block_rq_issue block:block_rq_complete
  filt 'comm == "python3"' $MIXSYS
  filt 'prev_comm == "python3" || next_comm == "python3"' sched:sched_switch
  filt 'comm == "python3"' sched:sched_wakeup
}
# trace gen/activity.py (writes, pwrite, fsync, fdatasync, pread, a signal, UDP on 127.0.0.1)
mixed_run() {
  echo 1 > $I/tracing_on
  echo "ksim-sample start" > $I/trace_marker
  /usr/bin/python3 $G/activity.py
  echo "ksim-sample end" > $I/trace_marker
  sleep 0.1
  echo 0 > $I/tracing_on
}
