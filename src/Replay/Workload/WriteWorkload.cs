using KernelSim.Time;

namespace KernelSim.Replay.Workload;

/// <summary>
/// What the application did in a capture: its file operations in time order, with what the trace says
/// about each, plus trace-wide facts a replay needs (device activity, reclaim totals).
/// </summary>
/// <param name="Source">The trace it came from.</param>
/// <param name="Ops">File operations in start-time order (all threads).</param>
/// <param name="Device">Block device activity seen in the trace.</param>
/// <param name="Reclaim">Reclaim activity seen in the trace (all tasks).</param>
/// <param name="First">First event time of the trace.</param>
/// <param name="Last">Last event time of the trace.</param>
public sealed record WriteWorkload(
    string Source,
    IReadOnlyList<FileOp> Ops,
    DeviceActivity Device,
    ReclaimActivity Reclaim,
    SimTime First,
    SimTime Last)
{
    /// <summary>
    /// What the extraction met besides clean call pairs: unpaired enters and exits, lost events, calls
    /// left open at the end, and notes such as "no syscall events". Empty for a workload built by hand.
    /// </summary>
    public WorkloadDiagnostics Diagnostics { get; init; } = new();

    /// <summary>
    /// Pages the workload's own threads added to the page cache outside their write calls (exec, reads),
    /// in time order: they are charged to the same memcg and compete with the written data.
    /// </summary>
    public IReadOnlyList<CacheFill> CacheFills { get; init; } = [];

    /// <summary>
    /// When a workload thread dropped a written file's pages outside reclaim (truncate, unlink), in time order:
    /// the replay drops the file's page cache at that point.
    /// </summary>
    public IReadOnlyList<FileTruncation> Truncations { get; init; } = [];

    /// <summary>
    /// The application's requests the trace bounds (trace markers, a server's socket exchanges), in start order; empty
    /// when it bounds none. A request's file operations are its thread's <see cref="Ops"/> that lie inside it.
    /// </summary>
    public IReadOnlyList<RequestSpan> Requests { get; init; } = [];
}

/// <summary>A workload thread removed a written file's page cache (truncate or unlink).</summary>
/// <param name="Time">First page removed.</param>
/// <param name="Pid">The thread.</param>
/// <param name="FileKey">The file (as in <see cref="FileOp.FileKey"/>).</param>
public sealed record FileTruncation(SimTime Time, int Pid, long FileKey);

/// <summary>Pages a workload thread added to the page cache outside its write calls, around one moment.</summary>
/// <param name="Time">When (the first add of the bucket).</param>
/// <param name="Pid">The thread.</param>
/// <param name="Pages">Pages added (within one millisecond of <paramref name="Time"/>).</param>
public sealed record CacheFill(SimTime Time, int Pid, long Pages)
{
    /// <summary>
    /// The workload file whose pages these are (as in <see cref="FileOp.FileKey"/>), when a process of the capture read
    /// them without traced calls (a loader warming the cache, a program whose syscalls the capture filtered out): the
    /// replay then caches that file's pages, which the workload's own calls later find. Null: a fill of pages the
    /// workload never touches through its calls (executables and libraries faulted in).
    /// </summary>
    public long? FileKey { get; init; }

    /// <summary>The first page (file index) of a fill with a <see cref="FileKey"/>; 0 otherwise.</summary>
    public long FirstPage { get; init; }

    /// <summary>The order of the folios of a fill with a <see cref="FileKey"/> (as mm_filemap_add_to_page_cache showed them).</summary>
    public int Order { get; init; }
}

/// <summary>Block-layer activity: requests issued and completed, bytes moved and busy time.</summary>
/// <param name="WriteRequests">Completed write requests.</param>
/// <param name="WriteBytes">Bytes of those requests.</param>
/// <param name="BusyTime">Time with at least one write request in flight (issue to complete, union of intervals).</param>
/// <param name="MeanServiceTime">Mean issue-to-complete time of a write request.</param>
public sealed record DeviceActivity(long WriteRequests, long WriteBytes, SimDuration BusyTime, SimDuration MeanServiceTime)
{
    /// <summary>
    /// The completed write requests one by one (issue time, bytes, issue-to-complete time), in completion
    /// order: what a per-request service-time fit needs. Bounded by the number of write requests, not events.
    /// </summary>
    public IReadOnlyList<DeviceRequest> Requests { get; init; } = [];

    /// <summary>
    /// block_rq_issue events for a request already in flight (the driver requeued it, e.g. its queue was
    /// full): the request's service time is then measured from its last issue.
    /// </summary>
    public long Requeues { get; init; }

    /// <summary>Bytes per second while busy (0 when nothing was written).</summary>
    public double BytesPerSecondWhileBusy => BusyTime.TotalNanoseconds > 0 ? WriteBytes * 1e9 / BusyTime.TotalNanoseconds : 0;
}

/// <summary>Reclaim recorded in the trace, whichever task did it.</summary>
/// <param name="MemcgEpisodes">mm_vmscan_memcg_reclaim_begin/end pairs.</param>
/// <param name="DirectEpisodes">mm_vmscan_direct_reclaim_begin/end pairs.</param>
/// <param name="TotalStall">Time inside those episodes.</param>
/// <param name="Scanned">Pages scanned (lru_shrink_inactive nr_scanned).</param>
/// <param name="Reclaimed">Pages reclaimed (lru_shrink_inactive nr_reclaimed; slab pages, which only the end events count, are left out).</param>
/// <param name="Dirty">nr_dirty summed over shrink_inactive chunks.</param>
/// <param name="Writeback">nr_writeback summed.</param>
/// <param name="Throttles">mm_vmscan_throttled events.</param>
/// <param name="ThrottleTime">Their usec_delayed, summed.</param>
public sealed record ReclaimActivity(
    long MemcgEpisodes,
    long DirectEpisodes,
    SimDuration TotalStall,
    long Scanned,
    long Reclaimed,
    long Dirty,
    long Writeback,
    long Throttles,
    SimDuration ThrottleTime)
{
    /// <summary>
    /// How long the flusher took to start writing data after reclaim found a chunk of unqueued dirty folios and woke it
    /// (wakeup_flusher_threads(WB_REASON_VMSCAN)): from that shrink_inactive event to the next plain data write
    /// (rwbs W, not metadata, sync or flush) issued after at least 5 ms with none. The median over the capture's wake-ups,
    /// or null when it had none. ext4 allocates the delayed-allocation blocks and journals them first, so this grows
    /// with the dirty data and the host (0.2-44 ms on the lab captures).
    /// </summary>
    public SimDuration? FlusherStartDelay { get; init; }

    /// <summary>Wake-ups <see cref="FlusherStartDelay"/> was measured over.</summary>
    public int FlusherStartSamples { get; init; }
}
