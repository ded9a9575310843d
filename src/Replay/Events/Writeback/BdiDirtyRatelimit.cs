using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// writeback:bdi_dirty_ratelimit — a wb's bandwidth estimate and dirty rate limit are updated (at most every 200
/// ms), all in KB/s.
/// </summary>
/// <remarks>
/// Kernel: mm/page-writeback.c <c>wb_update_dirty_ratelimit</c>; fields per
/// events/writeback/bdi_dirty_ratelimit/format. Printed "bdi %s: write_bw=... awrite_bw=..." — awrite_bw= is the
/// avg_write_bw field.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Bdi"><c>bdi</c>: the backing device name ("254:0"), printed "bdi 254:0:".</param>
/// <param name="WriteBw"><c>write_bw</c>: estimated write bandwidth.</param>
/// <param name="AvgWriteBw"><c>avg_write_bw</c>: smoothed write bandwidth (printed awrite_bw).</param>
/// <param name="DirtyRate"><c>dirty_rate</c>: rate pages were dirtied over the interval.</param>
/// <param name="DirtyRatelimit"><c>dirty_ratelimit</c>: the new base rate limit.</param>
/// <param name="TaskRatelimit"><c>task_ratelimit</c>: dirty_ratelimit × pos_ratio.</param>
/// <param name="BalancedDirtyRatelimit"><c>balanced_dirty_ratelimit</c>: the rate that would balance dirtying and
/// writeout.</param>
/// <param name="CgroupIno"><c>cgroup_ino</c>: inode of the memcg owning the wb (the root, 1, on cgroup v1).</param>
public readonly record struct BdiDirtyRatelimit(
    EventHeader Header,
    string Bdi,
    ulong WriteBw,
    ulong AvgWriteBw,
    ulong DirtyRate,
    ulong DirtyRatelimit,
    ulong TaskRatelimit,
    ulong BalancedDirtyRatelimit,
    ulong CgroupIno) : ITraceEvent<BdiDirtyRatelimit>
{
    /// <inheritdoc />
    public static string EventName => "writeback:bdi_dirty_ratelimit";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out BdiDirtyRatelimit value)
    {
        value = default;
        if (!e.Name.SequenceEqual("bdi_dirty_ratelimit"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (WritebackSymbols.TryGetBdi(r, "bdi"u8, out string bdi)
            && r.TryGetUInt64("write_bw"u8, out ulong writeBw)
            && (r.TryGetUInt64("awrite_bw"u8, out ulong avgWriteBw) || r.TryGetUInt64("avg_write_bw"u8, out avgWriteBw))
            && r.TryGetUInt64("dirty_rate"u8, out ulong dirtyRate)
            && r.TryGetUInt64("dirty_ratelimit"u8, out ulong dirtyRatelimit)
            && r.TryGetUInt64("task_ratelimit"u8, out ulong taskRatelimit)
            && r.TryGetUInt64("balanced_dirty_ratelimit"u8, out ulong balancedDirtyRatelimit)
            && r.TryGetUInt64("cgroup_ino"u8, out ulong cgroupIno))
        {
            value = new BdiDirtyRatelimit(
                EventHeader.From(e),
                bdi,
                writeBw,
                avgWriteBw,
                dirtyRate,
                dirtyRatelimit,
                taskRatelimit,
                balancedDirtyRatelimit,
                cgroupIno);
            return true;
        }

        return false;
    }
}
