namespace KernelSim.Models.Writeback;

/// <summary>A domain's limits for one balance_dirty_pages pass, in pages.</summary>
/// <remarks>mm/page-writeback.c <c>domain_dirty_limits</c>, <c>dirty_freerun_ceiling</c>, <c>hard_dirty_limit</c> and the setpoint of <c>wb_position_ratio</c>.</remarks>
/// <param name="Dirty">The domain's dirty + writeback pages.</param>
/// <param name="Thresh"><c>thresh</c>.</param>
/// <param name="BgThresh"><c>bg_thresh</c>.</param>
/// <param name="Freerun">(thresh + bg_thresh) / 2.</param>
/// <param name="Limit">max(thresh, domain dirty_limit).</param>
/// <param name="Setpoint">(freerun + limit) / 2.</param>
public readonly record struct DomainLimits(long Dirty, long Thresh, long BgThresh, long Freerun, long Limit, long Setpoint);
