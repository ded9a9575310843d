namespace KernelSim.Models.Writeback;

/// <summary>A dirty domain's two thresholds, in pages.</summary>
/// <remarks>The outputs of mm/page-writeback.c <c>domain_dirty_limits</c>.</remarks>
/// <param name="Thresh"><c>thresh</c>: where throttling reaches its hard limit (before dirty_limit smoothing).</param>
/// <param name="BgThresh"><c>bg_thresh</c>: where background writeback starts.</param>
public readonly record struct DirtyThresholds(long Thresh, long BgThresh)
{
    /// <summary><c>dirty_freerun_ceiling</c>: (thresh + bg_thresh) / 2; below it tasks are not throttled.</summary>
    public long FreerunCeiling => (Thresh + BgThresh) / 2;
}
