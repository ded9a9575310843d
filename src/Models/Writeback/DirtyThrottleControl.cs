namespace KernelSim.Models.Writeback;

/// <summary>
/// One dirty domain's figures for one pass of balance_dirty_pages, all in pages (pos_ratio in 1/1024).
/// </summary>
/// <remarks>Mirrors <c>struct dirty_throttle_control</c> (include/linux/writeback.h, 6.18).</remarks>
internal struct DirtyThrottleControl
{
    /// <summary><c>avail</c>: dirtyable memory of the domain.</summary>
    public long Avail;

    /// <summary><c>dirty</c>: file dirty + writeback pages of the domain.</summary>
    public long Dirty;

    /// <summary><c>thresh</c>: the throttling threshold.</summary>
    public long Thresh;

    /// <summary><c>bg_thresh</c>: the background writeback threshold.</summary>
    public long BgThresh;

    /// <summary><c>limit</c>: <c>hard_dirty_limit</c>, max(thresh, domain dirty_limit); set by wb_position_ratio.</summary>
    public long Limit;

    /// <summary><c>wb_dirty</c>: the wb's reclaimable + writeback pages.</summary>
    public long WbDirty;

    /// <summary><c>wb_thresh</c>: the wb's share of <see cref="Thresh"/>.</summary>
    public long WbThresh;

    /// <summary><c>wb_bg_thresh</c>: the wb's share of <see cref="BgThresh"/>.</summary>
    public long WbBgThresh;

    /// <summary><c>pos_ratio</c>, 1.0 = 1 &lt;&lt; RATELIMIT_CALC_SHIFT.</summary>
    public long PosRatio;

    /// <summary><c>freerun</c>: the domain is below its freerun ceiling.</summary>
    public bool Freerun;

    /// <summary><c>dirty_exceeded</c>: wb over its share while the domain is over its threshold.</summary>
    public bool DirtyExceeded;
}
