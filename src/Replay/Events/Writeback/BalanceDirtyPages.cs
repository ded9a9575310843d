using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// writeback:balance_dirty_pages — a dirtier is paced (or passes) in <c>balance_dirty_pages</c>. Pages and KB/s as
/// noted; times in ms.
/// </summary>
/// <remarks>
/// Kernel: mm/page-writeback.c <c>balance_dirty_pages</c>; fields per events/writeback/balance_dirty_pages/format.
/// Printed "bdi %s: limit=..." (trace-cmd -R: bdi=...). Not emitted in the freerun region.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Bdi"><c>bdi</c>: the backing device name ("254:0"), printed "bdi 254:0:".</param>
/// <param name="Limit"><c>limit</c>: max(thresh, dirty_limit) of the selected domain, pages.</param>
/// <param name="Setpoint"><c>setpoint</c>: (limit + freerun)/2, pages.</param>
/// <param name="Dirty"><c>dirty</c>: domain dirty + writeback pages.</param>
/// <param name="WbSetpoint"><c>wb_setpoint</c>: this wb's share of the setpoint, pages.</param>
/// <param name="WbDirty"><c>wb_dirty</c>: this wb's reclaimable + writeback pages.</param>
/// <param name="DirtyRatelimit"><c>dirty_ratelimit</c>: wb dirty rate limit, KB/s.</param>
/// <param name="TaskRatelimit"><c>task_ratelimit</c>: dirty_ratelimit × pos_ratio, KB/s.</param>
/// <param name="Dirtied"><c>dirtied</c>: pages this task dirtied since its last pause.</param>
/// <param name="DirtiedPause"><c>dirtied_pause</c>: the task's nr_dirtied_pause before this call.</param>
/// <param name="Paused"><c>paused</c>: ms already spent in this call.</param>
/// <param name="Pause"><c>pause</c>: ms about to sleep (≤ 0: no sleep).</param>
/// <param name="Period"><c>period</c>: HZ·dirtied/task_ratelimit, in ms.</param>
/// <param name="Think"><c>think</c>: ms since the task's last pause ended.</param>
/// <param name="CgroupIno"><c>cgroup_ino</c>: inode of the memcg owning the wb (the root, 1, on cgroup v1).</param>
public readonly record struct BalanceDirtyPages(
    EventHeader Header,
    string Bdi,
    ulong Limit,
    ulong Setpoint,
    ulong Dirty,
    ulong WbSetpoint,
    ulong WbDirty,
    ulong DirtyRatelimit,
    ulong TaskRatelimit,
    uint Dirtied,
    uint DirtiedPause,
    ulong Paused,
    long Pause,
    ulong Period,
    long Think,
    ulong CgroupIno) : ITraceEvent<BalanceDirtyPages>
{
    /// <inheritdoc />
    public static string EventName => "writeback:balance_dirty_pages";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out BalanceDirtyPages value)
    {
        value = default;
        if (!e.Name.SequenceEqual("balance_dirty_pages"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (WritebackSymbols.TryGetBdi(r, "bdi"u8, out string bdi)
            && r.TryGetUInt64("limit"u8, out ulong limit)
            && r.TryGetUInt64("setpoint"u8, out ulong setpoint)
            && r.TryGetUInt64("dirty"u8, out ulong dirty)
            && r.TryGetUInt64("wb_setpoint"u8, out ulong wbSetpoint)
            && r.TryGetUInt64("wb_dirty"u8, out ulong wbDirty)
            && r.TryGetUInt64("dirty_ratelimit"u8, out ulong dirtyRatelimit)
            && r.TryGetUInt64("task_ratelimit"u8, out ulong taskRatelimit)
            && r.TryGetUInt32("dirtied"u8, out uint dirtied)
            && r.TryGetUInt32("dirtied_pause"u8, out uint dirtiedPause)
            && r.TryGetUInt64("paused"u8, out ulong paused)
            && r.TryGetInt64("pause"u8, out long pause)
            && r.TryGetUInt64("period"u8, out ulong period)
            && r.TryGetInt64("think"u8, out long think)
            && r.TryGetUInt64("cgroup_ino"u8, out ulong cgroupIno))
        {
            value = new BalanceDirtyPages(
                EventHeader.From(e),
                bdi,
                limit,
                setpoint,
                dirty,
                wbSetpoint,
                wbDirty,
                dirtyRatelimit,
                taskRatelimit,
                dirtied,
                dirtiedPause,
                paused,
                pause,
                period,
                think,
                cgroupIno);
            return true;
        }

        return false;
    }
}
