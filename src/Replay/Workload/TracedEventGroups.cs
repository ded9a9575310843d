namespace KernelSim.Replay.Workload;

/// <summary>
/// Which groups of events the extractor met at least once in a trace. A group that is absent was either not
/// traced or had nothing to record (no reclaim under a large limit); the capture manifest's trace.events tells
/// the two apart. Consumers use it to avoid reading "not traced" as "zero" (e.g. pages added to the page cache
/// in a capture without filemap events).
/// </summary>
[Flags]
public enum TracedEventGroups
{
    /// <summary>None of the groups below.</summary>
    None = 0,

    /// <summary>sys_enter/sys_exit of write, pwrite64, fsync or fdatasync.</summary>
    Syscalls = 1,

    /// <summary>filemap:mm_filemap_add_to_page_cache.</summary>
    PageCache = 2,

    /// <summary>vmscan memcg or direct reclaim begin/end, or lru_shrink_inactive.</summary>
    Reclaim = 4,

    /// <summary>vmscan:mm_vmscan_throttled.</summary>
    ReclaimThrottle = 8,

    /// <summary>writeback:balance_dirty_pages.</summary>
    DirtyThrottle = 16,

    /// <summary>block:block_rq_issue or block_rq_complete.</summary>
    Block = 32,

    /// <summary>sched:sched_switch (off-CPU time inside reclaim, measured throttle sleeps).</summary>
    Scheduler = 64,
}
