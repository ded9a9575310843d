using KernelSim.Time;

namespace KernelSim.Models.Memcg;

/// <summary>What a write-path simulation produced: every request's outcome and the memcg's counters.</summary>
/// <param name="Outcomes">One outcome per request, in request order.</param>
/// <param name="Counters">Totals over the run (reclaim, failcnt, throttles, OOM, end-of-run memory.stat figures).</param>
/// <param name="WorkingSet">Usage and working set (usage - inactive_file, as kubelet computes it) sampled over time.</param>
public sealed record WritePathResult(
    IReadOnlyList<WriteOutcome> Outcomes,
    MemcgCounters Counters,
    IReadOnlyList<MemcgSample> WorkingSet);

/// <summary>One sample of memcg usage over time.</summary>
/// <param name="Time">When.</param>
/// <param name="UsagePages">usage_in_bytes / PAGE_SIZE (page cache only in this model, plus unused stock).</param>
/// <param name="InactiveFilePages">inactive_file.</param>
/// <param name="ActiveFilePages">active_file.</param>
/// <param name="DirtyPages">Dirty pages charged to the memcg.</param>
/// <param name="WritebackPages">Pages under writeback.</param>
public readonly record struct MemcgSample(SimTime Time, long UsagePages, long InactiveFilePages, long ActiveFilePages, long DirtyPages, long WritebackPages)
{
    /// <summary>usage - inactive_file, the working set cAdvisor reports and kubelet evicts on.</summary>
    public long WorkingSetPages => Math.Max(0, UsagePages - InactiveFilePages);
}

/// <summary>Totals of one simulated run.</summary>
public sealed record MemcgCounters
{
    /// <summary>try_to_free_mem_cgroup_pages calls (mm_vmscan_memcg_reclaim_begin events).</summary>
    public long ReclaimEpisodes { get; init; }

    /// <summary>Time inside those calls, waits included.</summary>
    public SimDuration ReclaimStall { get; init; }

    /// <summary>Pages scanned on the inactive list.</summary>
    public long Scanned { get; init; }

    /// <summary>Pages reclaimed.</summary>
    public long Reclaimed { get; init; }

    /// <summary>shrink_inactive_list chunks (mm_vmscan_lru_shrink_inactive events).</summary>
    public long ShrinkInactiveCalls { get; init; }

    /// <summary>v1 memory.failcnt: failed page_counter charges (batch and exact both count).</summary>
    public long Failcnt { get; init; }

    /// <summary>memory.max_usage_in_bytes in pages (the watermark).</summary>
    public long MaxUsagePages { get; init; }

    /// <summary>reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK) sleeps.</summary>
    public long WritebackThrottles { get; init; }

    /// <summary>v1 folio_wait_writeback waits in reclaim.</summary>
    public long WritebackWaits { get; init; }

    /// <summary>Flusher wake-ups from reclaim (WB_REASON_VMSCAN).</summary>
    public long FlusherWakeups { get; init; }

    /// <summary>Charges that ran out of reclaim retries (memcg OOM); the model force-charges and continues.</summary>
    public long OomEvents { get; init; }

    /// <summary>memory.high penalty sleeps (v2).</summary>
    public long HighPenalties { get; init; }

    /// <summary>Pages written back by the simulated device.</summary>
    public long PagesWrittenBack { get; init; }

    /// <summary>Pages charged to the page counter over the run (batches included).</summary>
    public long ChargedPages { get; init; }

    /// <summary>Pages uncharged (freed folios, drained stock).</summary>
    public long UnchargedPages { get; init; }

    /// <summary>End of run: precharged pages left in the per-CPU stock (counted in usage, as on the kernel).</summary>
    public long StockPages { get; init; }

    /// <summary>End of run: usage in pages.</summary>
    public long UsagePages { get; init; }

    /// <summary>End of run: page cache pages (memory.stat cache).</summary>
    public long CachePages { get; init; }

    /// <summary>End of run: dirty pages.</summary>
    public long DirtyPages { get; init; }

    /// <summary>End of run: pages under writeback.</summary>
    public long WritebackPages { get; init; }

    /// <summary>End of run: inactive_file pages.</summary>
    public long InactiveFilePages { get; init; }

    /// <summary>End of run: active_file pages.</summary>
    public long ActiveFilePages { get; init; }

    /// <summary>Reclaim passes that went into memory.low-protected memory after nothing else was reclaimable (v2 memory.events "low").</summary>
    public long LowEvents { get; init; }

    /// <summary>Reclaim calls by the parent that found the workload at or below memory.min and left it alone.</summary>
    public long MinProtectedSkips { get; init; }

    /// <summary>Kernel memory charged at the end, in pages (footprint: base plus the share that grows with the cache).</summary>
    public long KmemPages { get; init; }

    /// <summary>Anonymous memory plus base kmem charged at the workload's start, in pages (footprint).</summary>
    public long AnonPages { get; init; }

    /// <summary>Pages added to the page cache where a shadow entry of an evicted folio was (memory.stat workingset_refault_file).</summary>
    public long WorkingsetRefaults { get; init; }

    /// <summary>Of those, pages activated on refault: their refault distance was within the active file list (workingset_activate_file).</summary>
    public long WorkingsetActivations { get; init; }

    /// <summary>Pages read calls brought in from the device (synchronous misses and readahead).</summary>
    public long PagesRead { get; init; }
}
