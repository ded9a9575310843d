using KernelSim.Time;

namespace KernelSim.Models.Memcg;

/// <summary>The predicted fate of one request: when it started, how long it took and where the time went.</summary>
/// <param name="Start">When the request entered the kernel.</param>
/// <param name="Latency">Total time in the kernel.</param>
/// <param name="Copy">Own CPU work (base cost, adjusted for pages that had to be added to the cache).</param>
/// <param name="Reclaim">Time in memcg reclaim (scanning and freeing), excluding the waits below.</param>
/// <param name="WritebackWait">Time waiting for writeback of folios reclaim met (v1 folio_wait_writeback, fsync).</param>
/// <param name="Throttle">Time in reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK) sleeps.</param>
/// <param name="DirtyPause">Time paused in balance_dirty_pages.</param>
/// <param name="HighPenalty">Time in the memory.high penalty sleep (v2).</param>
/// <param name="NewPages">Pages added to the page cache.</param>
/// <param name="ReclaimCalls">try_to_free_mem_cgroup_pages calls made.</param>
public readonly record struct WriteOutcome(
    SimTime Start,
    SimDuration Latency,
    SimDuration Copy,
    SimDuration Reclaim,
    SimDuration WritebackWait,
    SimDuration Throttle,
    SimDuration DirtyPause,
    SimDuration HighPenalty,
    int NewPages,
    int ReclaimCalls);
