namespace KernelSim.Models.Memcg;

/// <summary>
/// What a workload charges to its memory cgroup besides the page cache of the files it writes: anonymous
/// memory, the mapped file pages of its binaries and libraries that reclaim keeps, and kernel memory that
/// grows with the page cache. On cgroup v1 all of it counts in memory.usage_in_bytes (kmem included), so it
/// decides how much of a limit is left for the file LRU. Measured per capture by
/// traces/capture/measure-footprint (the manifest's "footprint" block).
/// </summary>
public sealed record WorkloadFootprint
{
    /// <summary>No footprint: the workload charges only the page cache the trace shows.</summary>
    public static readonly WorkloadFootprint None = new();

    /// <summary>Anonymous memory (rss + shmem). Without swap reclaim cannot free it; charged when the workload starts.</summary>
    public long AnonBytes { get; init; }

    /// <summary>
    /// Mapped file pages the workload keeps referencing (executable text and hot data of its binaries and
    /// libraries): the first this many bytes of its page-cache fills outside write calls are treated as
    /// mapped and referenced, so reclaim activates them (folio_check_references, mm/vmscan.c) and
    /// shrink_active_list keeps them. Other fills are mapped once: reclaimed on their second scan.
    /// </summary>
    public long HotMappedBytes { get; init; }

    /// <summary>
    /// Fill pages the workload activates without any reclaim (read and then mapped, as the dynamic loader does
    /// with a library's first pages: folio_mark_accessed twice): the first this many bytes of its fills go to
    /// the active list as they are added. They count towards <see cref="HotMappedBytes"/>.
    /// </summary>
    public long ActivatedFillBytes { get; init; }

    /// <summary>
    /// Peak mapped file pages (memory.stat mapped_file). Faults read ahead around the page they need, so more is
    /// filled than mapped: this share of the fills (spread evenly) is mapped, the rest is plain clean cache.
    /// 0 treats every fill as mapped.
    /// </summary>
    public long MappedFileBytes { get; init; }

    /// <summary>Kernel memory charged with the cgroup regardless of the page cache (page tables, stacks, inodes).</summary>
    public long KmemBaseBytes { get; init; }

    /// <summary>Kernel memory per byte of page cache (buffer heads, xarray nodes): 0.03-0.045 for ext4 on the lab VM.</summary>
    public double KmemPerCacheByte { get; init; }
}
