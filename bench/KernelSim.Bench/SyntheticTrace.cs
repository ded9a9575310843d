using System.Globalization;
using System.Text;

namespace KernelSim.Bench;

/// <summary>
/// Builds a large ftrace text trace from the line shapes of a real capture (sched, syscalls, vmscan,
/// writeback, net), with increasing timestamps, so parse throughput is measured on realistic lines.
/// </summary>
internal static class SyntheticTrace
{
    private static readonly string[] Templates =
    [
        "           fio-{0}    [001] .....  {1}: sys_write(fd: 5, buf: 0x7f1c2a3f4000, count: 0x10000)",
        "           fio-{0}    [001] .....  {1}: sys_write -> 0x10000",
        "           fio-{0}    [001] d..2.  {1}: sched_switch: prev_comm=fio prev_pid={0} prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120",
        "          <idle>-0       [000] dNh2.  {1}: sched_wakeup: comm=fio pid={0} prio=120 target_cpu=001",
        "           fio-{0}    [001] .....  {1}: mm_vmscan_memcg_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ACCOUNT",
        "           fio-{0}    [001] .....  {1}: mm_vmscan_lru_shrink_inactive: nid=0 nr_scanned=32 nr_reclaimed=32 nr_dirty=0 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 nr_activate_file=0 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC",
        "           fio-{0}    [001] .....  {1}: mm_vmscan_memcg_reclaim_end: nr_reclaimed=32",
        " kworker/u8:2-events_unbound-77 [000] .....  {1}: writeback_written: bdi 254:0: sb_dev 0:0 nr_pages=1024 sync_mode=0 kupdate=0 range_cyclic=1 background=1 reason=background cgroup_ino=1",
        "           fio-{0}    [001] .....  {1}: balance_dirty_pages: bdi 254:0: limit=4096 setpoint=3584 dirty=3700 bdi_setpoint=3500 bdi_dirty=3650 dirty_ratelimit=25000 task_ratelimit=12000 dirtied=32 dirtied_pause=32 paused=0 pause=10 period=10 think=0 cgroup_ino=1",
        "        sockperf-{0}    [000] b..2.  {1}: napi_poll: napi poll on napi struct 0000000000000000 for device (no_device) work 1 budget 64",
    ];

    public static byte[] Build(long targetBytes)
    {
        var sb = new StringBuilder();
        sb.Append("# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:2\n#\n");
        long ns = 100_000_000_000;
        int i = 0;
        while (sb.Length < targetBytes)
        {
            ns += 1_337;
            string ts = string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000_000,5}.{ns / 1000 % 1_000_000:D6}");
            sb.AppendFormat(CultureInfo.InvariantCulture, Templates[i % Templates.Length], 4000 + (i % 7), ts).Append('\n');
            i++;
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static void WriteFile(string path, long targetBytes)
    {
        byte[] chunk = Build(64L << 20);
        using FileStream fs = File.Create(path);
        long written = 0;
        while (written < targetBytes)
        {
            fs.Write(chunk);
            written += chunk.Length;
        }
    }
}
