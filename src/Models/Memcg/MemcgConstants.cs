namespace KernelSim.Models.Memcg;

/// <summary>Kernel constants the memcg write-path model mirrors, under their kernel names.</summary>
public static class MemcgConstants
{
    /// <summary>MEMCG_CHARGE_BATCH: pages charged at once and kept in the per-CPU stock (include/linux/memcontrol.h).</summary>
    public const int MemcgChargeBatch = 64;

    /// <summary>SWAP_CLUSTER_MAX: reclaim works in chunks of this many pages (include/linux/swap.h).</summary>
    public const int SwapClusterMax = 32;

    /// <summary>DEF_PRIORITY: reclaim starts scanning lru_size &gt;&gt; 12 (mm/vmscan.c).</summary>
    public const int DefPriority = 12;

    /// <summary>MAX_RECLAIM_RETRIES: reclaim rounds without progress before memcg OOM (mm/internal.h).</summary>
    public const int MaxReclaimRetries = 16;

    /// <summary>PAGE_ALLOC_COSTLY_ORDER: charges of at most 1 &lt;&lt; 3 pages retry without using up a retry after progress (include/linux/mmzone.h).</summary>
    public const int PageAllocCostlyOrder = 3;

    /// <summary>MEMCG_MAX_HIGH_DELAY_JIFFIES = 2 * HZ: cap of the memory.high penalty (mm/memcontrol.c).</summary>
    public const int MemcgMaxHighDelayHzMultiple = 2;

    /// <summary>VMSCAN_THROTTLE_WRITEBACK sleeps at most HZ/10 (mm/vmscan.c reclaim_throttle).</summary>
    public const int ThrottleWritebackHzDivisor = 10;

    /// <summary>MEMCG_DELAY_PRECISION_SHIFT: fixed-point shift of the over-high overage (mm/memcontrol.c).</summary>
    public const int MemcgDelayPrecisionShift = 20;

    /// <summary>MEMCG_DELAY_SCALING_SHIFT: scaling of the squared overage into jiffies (mm/memcontrol.c).</summary>
    public const int MemcgDelayScalingShift = 14;
}
