using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Calibration;

/// <summary>Which operations of a workload the calibration learns from, and the features it reads from them.</summary>
internal static class CalibrationSample
{
    /// <summary>
    /// A completed buffered write with trustworthy figures: a write that returned bytes, no lost events while it
    /// ran, to a file known to be in the page cache (or any file, when page-cache events were not traced and so
    /// a pipe cannot be told from a file).
    /// </summary>
    public static bool IsWrite(in FileOp op, bool pageCacheTraced) =>
        op.Kind == FileOpKind.Write && op.Returned > 0 && !op.Incomplete && (op.PageCacheFile || !pageCacheTraced);

    /// <summary>A write that met no reclaim, no reclaim throttling and no dirty-page pause: its latency is its base cost.</summary>
    public static bool IsBase(in FileOp op, bool pageCacheTraced) =>
        IsWrite(op, pageCacheTraced) && op.ReclaimEpisodes == 0 && op.ThrottleStall == default && op.DirtyPause == default;

    /// <summary>A write that reclaimed.</summary>
    public static bool IsReclaim(in FileOp op, bool pageCacheTraced) => IsWrite(op, pageCacheTraced) && op.ReclaimEpisodes > 0;

    /// <summary>
    /// Time the write waited rather than worked, as the trace measured it: off-CPU time inside reclaim (or the
    /// throttle sleeps, when sched_switch was not traced) plus dirty-page pauses.
    /// </summary>
    public static long WaitNanoseconds(in FileOp op) =>
        Math.Max(op.ReclaimOffCpu.TotalNanoseconds, op.ThrottleStall.TotalNanoseconds) + op.DirtyPause.TotalNanoseconds;

    /// <summary>CPU time inside reclaim: the reclaim stall minus the time off the CPU inside it (or minus throttle sleeps).</summary>
    public static long ReclaimOnCpuNanoseconds(in FileOp op) =>
        Math.Max(op.ReclaimStall.TotalNanoseconds - Math.Max(op.ReclaimOffCpu.TotalNanoseconds, op.ThrottleStall.TotalNanoseconds), 0);
}
