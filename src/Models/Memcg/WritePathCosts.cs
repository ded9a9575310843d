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
    /// Fixed CPU cost of one try_to_free_mem_cgroup_pages call. The default is derived from the lab VM's
    /// captures at 128M, net of tracing (64 KiB writes: 15.2 µs for an episode freeing 2 folios; 4 KiB
    /// writes: 36 µs for 32 folios): 12 µs per call plus <see cref="ReclaimPerFreedFolio"/>; used when a
    /// capture has no reclaim to calibrate from.
    /// </summary>
    public SimDuration ReclaimPerCall { get; init; } = SimDuration.FromNanoseconds(12_000);

    /// <summary>CPU cost per page scanned (default 30 ns, see <see cref="ReclaimPerCall"/>).</summary>
    public SimDuration ReclaimPerScannedPage { get; init; } = SimDuration.FromNanoseconds(30);

    /// <summary>
    /// Extra CPU cost per scanned page that reclaim could not free (dirty or under writeback, so activated; mapped
    /// and referenced, so kept): taking the folio lock, checking references, putting it back on an LRU. Calibrated
    /// per trace; the default is the lab VM's 128M captures' figure.
    /// </summary>
    public SimDuration ReclaimPerUnreclaimedPage { get; init; } = SimDuration.Zero;

    /// <summary>CPU cost per folio freed by reclaim (unmap from the cache, uncharge, free): default 690 ns, see <see cref="ReclaimPerCall"/>. Zero when the calibration's per-page term already includes it.</summary>
    public SimDuration ReclaimPerFreedFolio { get; init; } = SimDuration.FromNanoseconds(690);

    /// <summary>
    /// Time a write spends crossing into and out of the kernel, which the application's latency (fio clat)
    /// includes and the trace's syscall times do not: 0.53 µs on the lab VM (fio clat minus traced syscall
    /// time, 0.47-0.59 µs over the committed captures).
    /// </summary>
    public SimDuration SyscallCrossing { get; init; } = SimDuration.FromNanoseconds(530);

    /// <summary>Device write bandwidth in bytes per second (block_rq_issue/complete in the trace).</summary>
    public double DeviceBytesPerSecond { get; init; } = 1e9;

    /// <summary>Size of a block write request (the flusher's folios merge into requests of about this size).</summary>
    public long DeviceRequestBytes { get; init; } = 1L << 20;

    /// <summary>Issue-to-complete time of one write request under the captured load.</summary>
    public SimDuration DeviceServiceTime { get; init; } = SimDuration.FromMicroseconds(1000);

    /// <summary>Write requests the device serves at once (so throughput = depth x request size / service time).</summary>
    public int DeviceQueueDepth { get; init; } = 4;

    /// <summary>
    /// Write requests that may be queued in the block layer (submitted, folios under writeback, not yet served):
    /// the block queue's nr_requests. The flusher marks folios for writeback until this many requests wait.
    /// </summary>
    public int BlockQueueRequests { get; init; } = 256;

    /// <summary>Time from a flusher wake-up to its first submitted folio.</summary>
    public SimDuration FlusherWakeDelay { get; init; } = SimDuration.FromMicroseconds(20);

    /// <summary>
    /// From an fsync to its first writeback submission: the caller writes its dirty pages itself
    /// (file_write_and_wait_range), so no flusher wake-up is involved.
    /// </summary>
    public SimDuration FsyncWritebackStart { get; init; } = SimDuration.FromMicroseconds(20);

    /// <summary>
    /// Page cache a run can add (beyond what it recycles) on memory the guest still has backed by the host; every
    /// page of growth past it pays <see cref="HostFaultPerPage"/>. long.MaxValue (the default): no host faults (bare
    /// metal, or a VM that does not hand free memory back). From the capture's host probe (traces/capture/host-probe).
    /// </summary>
    public long HostBackedPages { get; init; } = long.MaxValue;

    /// <summary>What one page costs when the host must back it first (free page reporting, DAMON pageout): the host probe's fault_ns_per_page.</summary>
    public SimDuration HostFaultPerPage { get; init; }

    /// <summary>Time for a sleeping task to run again once woken (scheduler wake-up latency).</summary>
    public SimDuration WakeupLatency { get; init; } = SimDuration.FromMicroseconds(5);
}
