using KernelSim.Time;

namespace KernelSim.Models.Memcg;

/// <summary>
/// Hardware and CPU costs the write-path simulation charges. They are not kernel constants: they are
/// calibrated from the trace being replayed (KernelSim.Replay.Calibration) and reported with a prediction.
/// </summary>
public sealed record WritePathCosts
{
    /// <summary>Extra time to write a page that is not in the page cache (allocate, charge, add to the cache) over one that is.</summary>
    public SimDuration NewPageExtra { get; init; } = SimDuration.FromNanoseconds(250);

    /// <summary>Extra base cost of a write that starts while writeback I/O is in flight (LAB-NOTES: the non-reclaim tail grows while the flusher is busy).</summary>
    public SimDuration WritebackActiveExtra { get; init; } = SimDuration.Zero;

    /// <summary>Fixed cost of one try_to_free_mem_cgroup_pages call (set-up, memcg walk, tracing).</summary>
    public SimDuration ReclaimPerCall { get; init; } = SimDuration.FromNanoseconds(3_000);

    /// <summary>Cost per page scanned by shrink_inactive_list / shrink_active_list.</summary>
    public SimDuration ReclaimPerScannedPage { get; init; } = SimDuration.FromNanoseconds(250);

    /// <summary>Device write bandwidth in bytes per second (block_rq_issue/complete in the trace).</summary>
    public double DeviceBytesPerSecond { get; init; } = 1e9;

    /// <summary>Fixed service time per written folio on top of its transfer time.</summary>
    public SimDuration DevicePerFolio { get; init; } = SimDuration.Zero;

    /// <summary>Pages the flusher keeps in flight at most (block queue depth times request size; wbt limits it further).</summary>
    public long MaxInflightPages { get; init; } = 8192;

    /// <summary>Time from a flusher wake-up to its first submitted folio.</summary>
    public SimDuration FlusherWakeDelay { get; init; } = SimDuration.FromMicroseconds(20);

    /// <summary>Time for a sleeping task to run again once woken (scheduler wake-up latency).</summary>
    public SimDuration WakeupLatency { get; init; } = SimDuration.FromMicroseconds(5);
}
