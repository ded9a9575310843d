using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Memcg;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Memcg;

/// <summary>memory.min / memory.low (cgroup v2): protection from an ancestor's reclaim, never from the cgroup's own limit.</summary>
public class ProtectionTests
{
    private const long MiB = 1 << 20;

    private static WritePathResult Run(WriteRequest[] w, MemcgConfig config) =>
        new WritePathSimulation(config, new WritePathCosts()).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1));

    // 64 MiB of sequential 64 KiB writes with an fsync after every 8 (so reclaim finds clean pages).
    private static WriteRequest[] Workload()
    {
        var list = new List<WriteRequest>();
        for (int i = 0; i < 1024; i++)
        {
            list.Add(new WriteRequest(WriteRequestKind.Write, 1, 1, i * 65536L, 65536, SimDuration.FromNanoseconds(500), SimDuration.FromMicroseconds(2), 0));
            if (i % 8 == 7)
            {
                list.Add(new WriteRequest(WriteRequestKind.Fsync, 1, 1, 0, 0, SimDuration.Zero, SimDuration.FromMicroseconds(5), 0));
            }
        }

        return [.. list];
    }

    [Fact]
    public void MemoryMin_AboveUsage_ParentCannotReclaim_AndGoesOom()
    {
        var parentOnly = new MemcgConfig { Version = CgroupVersion.V2, ParentLimitBytes = 16 * MiB };
        MemcgCounters plain = Run(Workload(), parentOnly).Counters;
        MemcgCounters protectedByMin = Run(Workload(), parentOnly with { MinBytes = 32 * MiB }).Counters;
        Assert.True(plain.ReclaimEpisodes > 0);
        Assert.Equal(0, plain.OomEvents);
        // mem_cgroup_below_min: shrink_node_memcgs skips the workload; nothing else is reclaimable. The kernel's
        // selftest expects the same of its min-protected children (test_memcontrol.c test_memcg_min: an allocation
        // that would need their protected memory fails rather than reclaim it).
        Assert.True(protectedByMin.MinProtectedSkips > 0);
        Assert.True(protectedByMin.OomEvents > 0);
    }

    [Fact]
    public void MemoryLow_AboveUsage_IsReclaimedAnyway_AndCountsLowEvents()
    {
        var parentOnly = new MemcgConfig { Version = CgroupVersion.V2, ParentLimitBytes = 16 * MiB };
        MemcgCounters c = Run(Workload(), parentOnly with { LowBytes = 32 * MiB }).Counters;
        // Best effort: with nothing else under the parent, do_try_to_free_pages retries with memcg_low_reclaim.
        Assert.True(c.LowEvents > 0);
        Assert.Equal(0, c.OomEvents);
        Assert.True(c.ReclaimEpisodes > 0);
    }

    [Fact]
    public void MemoryLow_BelowUsage_ScansLessPerPriority()
    {
        var parentOnly = new MemcgConfig { Version = CgroupVersion.V2, ParentLimitBytes = 16 * MiB };
        MemcgCounters plain = Run(Workload(), parentOnly).Counters;
        MemcgCounters partly = Run(Workload(), parentOnly with { LowBytes = 12 * MiB }).Counters;
        // get_scan_count: scan = size - size * protection / (usage + 1); the same pages must be freed, so more
        // episodes or more scanning at lower priorities, never less work.
        Assert.Equal(0, partly.LowEvents);
        Assert.True(partly.ReclaimStall >= plain.ReclaimStall, $"protected {partly.ReclaimStall} vs plain {plain.ReclaimStall}");
    }

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public Property OwnLimitReclaim_IgnoresTheWorkloadsOwnProtection() =>
        Prop.ForAll(MemcgArbitraries.Workload().ToArbitrary(), MemcgArbitraries.LimitPages().ToArbitrary(), Gen.Choose(0, 40000).Two().ToArbitrary(), (w, limit, prot) =>
        {
            (int min, int low) = prot;
            // mem_cgroup_calculate_protection: the reclaim root (the cgroup over its own limit) is never protected.
            var own = new MemcgConfig { Version = CgroupVersion.V2, LimitBytes = limit * 4096 };
            WritePathResult a = Run(w, own);
            WritePathResult b = Run(w, own with { MinBytes = min * 4096L, LowBytes = low * 4096L });
            return (a.Counters == b.Counters && a.Outcomes.SequenceEqual(b.Outcomes)).Label($"limit {limit} pages, min {min}, low {low}");
        });
}

/// <summary>Write-path behaviour that differs between the 6.1 and 6.18 profiles.</summary>
public class KernelProfileWritePathTests
{
    [Fact]
    public void Profiles_DifferInFoliosAndThrottleOrder()
    {
        Assert.False(KernelSim.Models.KernelProfile.Linux6_1.Ext4LargeFolios);
        Assert.True(KernelSim.Models.KernelProfile.Linux6_18.Ext4LargeFolios);
        Assert.False(KernelSim.Models.KernelProfile.Linux6_1.ThrottlesBeforeCopy);
        Assert.True(KernelSim.Models.KernelProfile.Linux6_18.ThrottlesBeforeCopy);
    }

    [Fact]
    public void SmallFolios_ChargeThroughTheStock_FewerEpisodes()
    {
        // 64 KiB writes: one order-4 folio each with large folios, sixteen order-0 folios without. A 16-page charge
        // cannot be served from a partly refilled per-CPU stock and reclaims for every other write; one-page
        // charges use the stock and the 32 pages an episode frees, so 6.1 reclaims less often here (497 vs 889
        // when this was written). Not validated against a 6.1 kernel (the lab runs 6.18).
        WriteRequest[] w = MemcgArbitraries.Build(2048, 65536, random: false, fileMiB: 128, seed: 3, fsync: false);
        var large = new MemcgConfig { LimitBytes = 16L << 20, Kernel = KernelSim.Models.KernelProfile.Linux6_18, MaxFolioOrder = 9 };
        var small = large with { Kernel = KernelSim.Models.KernelProfile.Linux6_1, MaxFolioOrder = 0 };
        MemcgCounters a = new WritePathSimulation(large, new WritePathCosts()).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1)).Counters;
        MemcgCounters b = new WritePathSimulation(small, new WritePathCosts()).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1)).Counters;
        Assert.Equal(a.PagesWrittenBack + a.DirtyPages + a.WritebackPages, b.PagesWrittenBack + b.DirtyPages + b.WritebackPages);
        Assert.True(b.ReclaimEpisodes < a.ReclaimEpisodes, $"order-0 {b.ReclaimEpisodes} episodes vs large folios {a.ReclaimEpisodes}");
    }
}
