namespace KernelSim.Models.Writeback;

/// <summary>What writeback:bdi_dirty_ratelimit prints when a wb's dirty rate limit is re-estimated, in KB/s.</summary>
/// <remarks>include/trace/events/writeback.h <c>bdi_dirty_ratelimit</c>, fired by mm/page-writeback.c <c>wb_update_dirty_ratelimit</c>.</remarks>
/// <param name="WriteBw"><c>write_bw</c> (before this interval's bandwidth update).</param>
/// <param name="AvgWriteBw"><c>avg_write_bw</c> (likewise).</param>
/// <param name="DirtyRate"><c>dirty_rate</c>: pages dirtied per second over the interval.</param>
/// <param name="DirtyRatelimit"><c>dirty_ratelimit</c>: the new base rate.</param>
/// <param name="TaskRatelimit"><c>task_ratelimit</c>: dirty_ratelimit · pos_ratio + 1 page/s, before the update.</param>
/// <param name="BalancedDirtyRatelimit"><c>balanced_dirty_ratelimit</c>: the rate that balances dirtying and writeout.</param>
/// <param name="CgroupIno"><c>cgroup_ino</c>.</param>
public readonly record struct BdiDirtyRatelimitRecord(
    long WriteBw,
    long AvgWriteBw,
    long DirtyRate,
    long DirtyRatelimit,
    long TaskRatelimit,
    long BalancedDirtyRatelimit,
    ulong CgroupIno);
