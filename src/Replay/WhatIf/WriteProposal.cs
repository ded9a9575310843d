using KernelSim.Models;
using KernelSim.Models.Memcg;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// A proposed configuration for the write what-if: memory limit and memory.high, cgroup version and
/// dirty-page sysctls. Null members keep the captured value.
/// </summary>
public sealed record WriteProposal
{
    /// <summary>Memory limit in bytes (v1 memory.limit_in_bytes, v2 memory.max); null keeps the captured one.</summary>
    public long? LimitBytes { get; init; }

    /// <summary>True to remove the limit altogether (unlimited).</summary>
    public bool Unlimited { get; init; }

    /// <summary>v2 memory.high in bytes.</summary>
    public long? HighBytes { get; init; }

    /// <summary>cgroup version; null keeps the captured one.</summary>
    public CgroupVersion? Version { get; init; }

    /// <summary>vm.dirty_bytes (0 = use the ratio); null keeps the captured value.</summary>
    public long? DirtyBytes { get; init; }

    /// <summary>vm.dirty_background_bytes; null keeps the captured value.</summary>
    public long? DirtyBackgroundBytes { get; init; }

    /// <summary>vm.dirty_ratio in percent; null keeps the captured value.</summary>
    public int? DirtyRatio { get; init; }

    /// <summary>vm.dirty_background_ratio in percent; null keeps the captured value.</summary>
    public int? DirtyBackgroundRatio { get; init; }

    /// <summary>
    /// Limit of a parent cgroup above the workload's (a pod's), in bytes: when it is the counter that fails, the
    /// parent is the reclaim root and the workload's memory.min/low protect it. Null: none.
    /// </summary>
    public long? ParentLimitBytes { get; init; }

    /// <summary>The kernel to model (folio sizes, where dirty throttling happens); null keeps the captured one. HZ is the profile's.</summary>
    public KernelProfile? Kernel { get; init; }

    /// <summary>v2 memory.min of the workload's cgroup in bytes (protects it from a parent's reclaim only).</summary>
    public long? MinBytes { get; init; }

    /// <summary>v2 memory.low of the workload's cgroup in bytes (protects it from a parent's reclaim only).</summary>
    public long? LowBytes { get; init; }

    /// <summary>The workload's anonymous memory in bytes (what if its heap grows); null keeps the captured footprint's.</summary>
    public long? AnonBytes { get; init; }
}
