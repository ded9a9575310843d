using KernelSim.Units;

namespace KernelSim.Models.Memcg;

/// <summary>
/// The memory cgroup a workload runs in: limit (v1 memory.limit_in_bytes / v2 memory.max), v2
/// memory.high, the hierarchy version and the kernel. Immutable; the what-if changes one of these.
/// </summary>
public sealed record MemcgConfig
{
    /// <summary>Hard limit in bytes; null means unlimited (PAGE_COUNTER_MAX).</summary>
    public long? LimitBytes { get; init; }

    /// <summary>v2 memory.high in bytes; null means max. Ignored on v1 (v1 keeps high at PAGE_COUNTER_MAX).</summary>
    public long? HighBytes { get; init; }

    /// <summary>
    /// Limit of the parent cgroup (a pod-level cgroup above the container), the reclaim root when it is the
    /// counter that fails; null means none. The workload is modelled as its only child.
    /// </summary>
    public long? ParentLimitBytes { get; init; }

    /// <summary>v2 memory.min of the workload's cgroup: hard protection from reclaim by an ancestor's limit (not by its own).</summary>
    public long? MinBytes { get; init; }

    /// <summary>v2 memory.low of the workload's cgroup: best-effort protection from reclaim by an ancestor's limit.</summary>
    public long? LowBytes { get; init; }

    /// <summary>cgroup hierarchy version.</summary>
    public CgroupVersion Version { get; init; } = CgroupVersion.V1;

    /// <summary>The kernel (HZ, page size, version).</summary>
    public KernelProfile Kernel { get; init; } = KernelProfile.Linux6_18;

    /// <summary>Largest folio order the filesystem uses for buffered writes (ext4 large folios on 6.18: writes of 64 KiB make order-4 folios).</summary>
    public int MaxFolioOrder { get; init; } = 9;

    /// <summary>
    /// CPUs the workload's threads can run on at once. With one, every operation runs on one timeline (the
    /// default, and exact for a single-threaded workload); with more, operations of different threads overlap
    /// in time while they share the page cache, the memcg counter, reclaim and the flusher.
    /// </summary>
    public int Cpus { get; init; } = 1;

    /// <summary>
    /// The block device's readahead window in pages (file_ra_state.ra_pages: /sys/block/DEV/queue/read_ahead_kb / 4;
    /// 32 = 128 KiB, the kernel default). 0 disables readahead: a read miss then reads only the page asked for.
    /// </summary>
    public int ReadaheadPages { get; init; } = 32;

    /// <summary>The limit in pages (long.MaxValue when unlimited), rounded down as the kernel rounds a written limit.</summary>
    public long LimitPages => LimitBytes is long b ? b / Kernel.PageSize.Value : long.MaxValue;

    /// <summary>The parent's limit in pages (long.MaxValue when none).</summary>
    public long ParentLimitPages => ParentLimitBytes is long b ? b / Kernel.PageSize.Value : long.MaxValue;

    /// <summary>memory.min in pages (0 when unset or on v1, which has no memory.min).</summary>
    public long MinPages => Version == CgroupVersion.V2 && MinBytes is long b ? b / Kernel.PageSize.Value : 0;

    /// <summary>memory.low in pages (0 when unset or on v1).</summary>
    public long LowPages => Version == CgroupVersion.V2 && LowBytes is long b ? b / Kernel.PageSize.Value : 0;

    /// <summary>memory.high in pages (long.MaxValue when unset or on v1).</summary>
    public long HighPages => Version == CgroupVersion.V2 && HighBytes is long b ? b / Kernel.PageSize.Value : long.MaxValue;

    /// <summary>A readable summary ("v1 limit 128M").</summary>
    public override string ToString() =>
        $"v{(int)Version} limit {(LimitBytes is long l ? Bytes.FromBytes(l).ToString() : "max")}" + (HighBytes is long h && Version == CgroupVersion.V2 ? $" high {Bytes.FromBytes(h)}" : string.Empty);
}
