namespace KernelSim.Models.Writeback;

/// <summary>A wb's bandwidth estimates and rate limits, pages per second.</summary>
/// <remarks>The estimator fields of <c>struct bdi_writeback</c> (include/linux/backing-dev-defs.h); all start at INIT_BW.</remarks>
/// <param name="WriteBandwidth"><c>write_bandwidth</c>: smoothed over a 3·HZ (rounded to a power of two) window.</param>
/// <param name="AvgWriteBandwidth"><c>avg_write_bandwidth</c>: a further-smoothed copy used by the control line.</param>
/// <param name="DirtyRatelimit"><c>dirty_ratelimit</c>: the base rate a dirtier is allowed at pos_ratio 1.0.</param>
/// <param name="BalancedDirtyRatelimit"><c>balanced_dirty_ratelimit</c>: the last balanced estimate.</param>
public readonly record struct WbBandwidthState(
    long WriteBandwidth,
    long AvgWriteBandwidth,
    long DirtyRatelimit,
    long BalancedDirtyRatelimit);
