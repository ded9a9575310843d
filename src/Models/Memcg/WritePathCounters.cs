namespace KernelSim.Models.Memcg;

/// <summary>
/// The running event counters of a <see cref="WritePathSimulation"/> (what memory.stat, memory.events and
/// v1's memory.failcnt count); reported in <see cref="MemcgCounters"/> with the state gauges at the end of a run.
/// </summary>
/// <remarks>
/// A mutable struct held in one field of the simulation and bumped in place; never copied while running.
/// </remarks>
internal struct WritePathCounters
{
    /// <summary>try_to_free_mem_cgroup_pages calls.</summary>
    public long ReclaimEpisodes;

    /// <summary>Time spent inside reclaim episodes, in nanoseconds.</summary>
    public long ReclaimStallNs;

    /// <summary>Pages isolated from the inactive list (pgscan).</summary>
    public long Scanned;

    /// <summary>Pages freed by reclaim (pgsteal).</summary>
    public long Reclaimed;

    /// <summary>shrink_inactive_list calls.</summary>
    public long ShrinkInactiveCalls;

    /// <summary>Failed page-counter charges (v1 memory.failcnt: the batch attempt and the exact retry both count).</summary>
    public long Failcnt;

    /// <summary>reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK) sleeps.</summary>
    public long Throttles;

    /// <summary>folio_wait_writeback waits in shrink_folio_list (v1).</summary>
    public long WritebackWaits;

    /// <summary>wakeup_flusher_threads calls.</summary>
    public long FlusherWakeups;

    /// <summary>memcg OOM events (the replay force-charges and goes on).</summary>
    public long OomEvents;

    /// <summary>memory.high penalties slept (calculate_high_delay above HZ/100).</summary>
    public long HighPenalties;

    /// <summary>Pages whose writeback completed.</summary>
    public long PagesWrittenBack;

    /// <summary>Pages charged to the page counter (batches included).</summary>
    public long ChargedPages;

    /// <summary>Pages uncharged from the page counter (freed folios, kmem, drained stock).</summary>
    public long UnchargedPages;

    /// <summary>Reclaim of this memcg allowed only on the memcg_low_reclaim retry (memory.events low).</summary>
    public long LowEvents;

    /// <summary>Reclaims that skipped this memcg because usage was within memory.min.</summary>
    public long MinSkips;

    /// <summary>Pages added where a shadow entry was (memory.stat workingset_refault_file).</summary>
    public long WorkingsetRefaults;

    /// <summary>Refaulted pages activated because their refault distance was within the workingset (workingset_activate_file).</summary>
    public long WorkingsetActivations;

    /// <summary>Pages read from the device by read calls (synchronous misses and readahead).</summary>
    public long PagesRead;
}
