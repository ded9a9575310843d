namespace KernelSim.Models;

/// <summary>The cgroup hierarchy a memcg lives in: memcg reclaim and dirty throttling differ between the two (one type for every model).</summary>
public enum CgroupVersion
{
    /// <summary>Legacy (v1): memcg reclaim waits on writeback directly (shrink_folio_list) and throttles after waking the flushers.</summary>
    V1 = 1,

    /// <summary>Unified (v2): writeback_throttling_sane(); dirty folios are throttled through the memcg dirty domain and reclaim_throttle CONGESTED.</summary>
    V2 = 2,
}
