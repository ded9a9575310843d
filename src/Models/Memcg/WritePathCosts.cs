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

    /// <summary>
    /// Fixed CPU cost of one try_to_free_mem_cgroup_pages call. Default: the lab VM's pooled fit over the
    /// 4 KiB and 64 KiB captures at 128M (21.4 µs), used when a capture has no reclaim to calibrate from.
    /// </summary>
    public SimDuration ReclaimPerCall { get; init; } = SimDuration.FromNanoseconds(21_400);

    /// <summary>CPU cost per page scanned. Default: the lab VM's pooled fit (97 ns), as for <see cref="ReclaimPerCall"/>.</summary>
    public SimDuration ReclaimPerScannedPage { get; init; } = SimDuration.FromNanoseconds(97);

    /// <summary>Device write bandwidth in bytes per second (block_rq_issue/complete in the trace).</summary>
    public double DeviceBytesPerSecond { get; init; } = 1e9;

    /// <summary>Size of a block write request (the flusher's folios merge into requests of about this size).</summary>
    public long DeviceRequestBytes { get; init; } = 1L << 20;

    /// <summary>Issue-to-complete time of one write request under the captured load.</summary>
    public SimDuration DeviceServiceTime { get; init; } = SimDuration.FromMicroseconds(1000);

    /// <summary>Write requests the device serves at once (so throughput = depth x request size / service time).</summary>
    public int DeviceQueueDepth { get; init; } = 4;

    /// <summary>Time from a flusher wake-up to its first submitted folio.</summary>
    public SimDuration FlusherWakeDelay { get; init; } = SimDuration.FromMicroseconds(20);

    /// <summary>Time for a sleeping task to run again once woken (scheduler wake-up latency).</summary>
    public SimDuration WakeupLatency { get; init; } = SimDuration.FromMicroseconds(5);
}
