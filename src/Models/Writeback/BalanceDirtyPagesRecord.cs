namespace KernelSim.Models.Writeback;

/// <summary>
/// Every field writeback:balance_dirty_pages prints for a throttled pass, in the tracepoint's units, plus the
/// internal figures behind them.
/// </summary>
/// <remarks>
/// include/trace/events/writeback.h <c>balance_dirty_pages</c>: limit = the selected domain's hard limit (6.18
/// <c>dtc-&gt;limit</c>; 6.1 prints global_wb_domain.dirty_limit), setpoint = (limit + freerun)/2, wb_setpoint =
/// setpoint · wb_thresh / (thresh + 1), rates in KB/s, times in ms (jiffies · 1000 / HZ).
/// </remarks>
/// <param name="Limit"><c>limit</c>, pages.</param>
/// <param name="Setpoint"><c>setpoint</c>, pages.</param>
/// <param name="Dirty"><c>dirty</c>: the domain's dirty + writeback pages.</param>
/// <param name="WbSetpoint"><c>wb_setpoint</c>, pages.</param>
/// <param name="WbDirty"><c>wb_dirty</c>, pages.</param>
/// <param name="DirtyRatelimit"><c>dirty_ratelimit</c>, KB/s.</param>
/// <param name="TaskRatelimit"><c>task_ratelimit</c>, KB/s.</param>
/// <param name="Dirtied"><c>dirtied</c>: pages the task dirtied since its last pause.</param>
/// <param name="DirtiedPause"><c>dirtied_pause</c>: the task's nr_dirtied_pause before this pass changes it.</param>
/// <param name="Paused"><c>paused</c>: ms since this balance_dirty_pages call started.</param>
/// <param name="Pause"><c>pause</c>: ms the task will sleep; ≤ 0 when it does not.</param>
/// <param name="Period"><c>period</c>: ms the dirtied pages are worth at task_ratelimit.</param>
/// <param name="Think"><c>think</c>: ms since the task's last pause ended (0 if it never paused).</param>
/// <param name="CgroupIno"><c>cgroup_ino</c>.</param>
/// <param name="Thresh">The selected domain's thresh, pages.</param>
/// <param name="BgThresh">The selected domain's bg_thresh, pages.</param>
/// <param name="WbThresh">The wb's share of thresh, pages.</param>
/// <param name="PosRatio">pos_ratio, 1.0 = 1024.</param>
/// <param name="MinPause">min_pause, jiffies.</param>
/// <param name="MaxPause">max_pause, jiffies.</param>
/// <param name="PauseJiffies">The pause in jiffies (before the ms conversion).</param>
/// <param name="MemcgDomain">True when the memcg domain was the tighter one (cgroup v2).</param>
public readonly record struct BalanceDirtyPagesRecord(
    long Limit,
    long Setpoint,
    long Dirty,
    long WbSetpoint,
    long WbDirty,
    long DirtyRatelimit,
    long TaskRatelimit,
    long Dirtied,
    long DirtiedPause,
    long Paused,
    long Pause,
    long Period,
    long Think,
    ulong CgroupIno,
    long Thresh,
    long BgThresh,
    long WbThresh,
    long PosRatio,
    long MinPause,
    long MaxPause,
    long PauseJiffies,
    bool MemcgDomain);
