namespace KernelSim.Models.Writeback;

/// <summary>A memcg's page counts as the memcg dirty domain reads them (cgroup v2 only), in pages.</summary>
/// <remarks>mm/memcontrol.c <c>mem_cgroup_wb_stats</c>, consumed by mm/page-writeback.c <c>domain_dirty_avail</c>.</remarks>
/// <param name="FilePages">NR_FILE_PAGES of the memcg.</param>
/// <param name="Headroom">How many more pages the memcg may use before memory.high/max (the smallest over ancestors).</param>
/// <param name="Dirty">NR_FILE_DIRTY of the memcg.</param>
/// <param name="Writeback">NR_WRITEBACK of the memcg.</param>
public readonly record struct MemcgWbStats(long FilePages, long Headroom, long Dirty, long Writeback);
