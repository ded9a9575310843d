namespace KernelSim.Models.Writeback;

/// <summary>A dirty domain's slowly moving limit (global, or one memcg's on cgroup v2).</summary>
/// <remarks>Mirrors the throttling fields of <c>struct wb_domain</c> (include/linux/writeback.h).</remarks>
internal sealed class WbDomain
{
    /// <summary><c>dirty_limit</c>, pages: follows thresh up at once and down slowly, never below dirty.</summary>
    public long DirtyLimit { get; set; }

    /// <summary><c>dirty_limit_tstamp</c>, jiffies of the last update.</summary>
    public long DirtyLimitTstamp { get; set; }

    /// <summary>
    /// <c>domain_update_dirty_limit</c>: at most every BANDWIDTH_INTERVAL, move dirty_limit toward
    /// max(<paramref name="thresh"/>, <paramref name="dirty"/>) (<see cref="PageWriteback.UpdateDirtyLimit"/>).
    /// </summary>
    public void UpdateDirtyLimit(long nowJiffies, long bandwidthInterval, long thresh, long dirty)
    {
        if (nowJiffies - (DirtyLimitTstamp + bandwidthInterval) < 0)
        {
            return;
        }

        DirtyLimit = PageWriteback.UpdateDirtyLimit(DirtyLimit, thresh, dirty);
        DirtyLimitTstamp = nowJiffies;
    }
}
