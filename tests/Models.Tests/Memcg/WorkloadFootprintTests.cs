using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Memcg;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Memcg;

public class WorkloadFootprintTests
{
    private static WritePathResult Run(WriteRequest[] w, long limitPages, WorkloadFootprint? footprint) =>
        new WritePathSimulation(new MemcgConfig { LimitBytes = limitPages * 4096 }, new WritePathCosts(), footprint: footprint)
            .Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1));

    private static Gen<WorkloadFootprint> Footprints(long limitPages) =>
        from anon in Gen.Choose(0, (int)(limitPages / 4))
        from hot in Gen.Choose(0, 2000)
        from activated in Gen.Choose(0, 500)
        from kmemPermille in Gen.Choose(0, 60)
        select new WorkloadFootprint
        {
            AnonBytes = anon * 4096L,
            HotMappedBytes = hot * 4096L,
            ActivatedFillBytes = activated * 4096L,
            KmemPerCacheByte = kmemPermille / 1000.0,
        };

    // A workload with a fill of `fillPages` (exec, libraries) before its writes.
    private static WriteRequest[] WithFill(WriteRequest[] writes, long fillPages) =>
        [new WriteRequest(WriteRequestKind.CacheFill, 99, 99, 0, fillPages * 4096, SimDuration.Zero, SimDuration.Zero, 0), .. writes];

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public Property WithAFootprint_PagesAreConserved_AndUsageStaysUnderTheLimit() =>
        Prop.ForAll(MemcgArbitraries.Workload().ToArbitrary(), Gen.Choose(2000, 20000).ToArbitrary(), Gen.Choose(0, 3000).ToArbitrary(), (w, limit, fill) =>
        {
            WorkloadFootprint f = Footprints(limit).Sample(1, 1).First();
            MemcgCounters c = Run(WithFill(w, fill), limit, f).Counters;
            bool counter = c.ChargedPages - c.UnchargedPages == c.UsagePages;
            bool parts = c.UsagePages == c.CachePages + c.StockPages + c.KmemPages + c.AnonPages;
            bool limitOk = c.OomEvents > 0 || c.MaxUsagePages <= limit;
            return (counter && parts && limitOk).Label(
                $"charged {c.ChargedPages} - uncharged {c.UnchargedPages} = usage {c.UsagePages} = cache {c.CachePages} + stock {c.StockPages} + kmem {c.KmemPages} + anon {c.AnonPages}; max {c.MaxUsagePages} <= {limit}");
        });

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public Property MoreAnonymousMemory_NeverFewerReclaimEpisodes() =>
        Prop.ForAll(MemcgArbitraries.Workload().ToArbitrary(), Gen.Choose(2000, 20000).ToArbitrary(), Gen.Choose(0, 500).ToArbitrary(), (w, limit, anonPages) =>
        {
            long without = Run(w, limit, null).Counters.ReclaimEpisodes;
            long with = Run(w, limit, new WorkloadFootprint { AnonBytes = anonPages * 4096L }).Counters.ReclaimEpisodes;
            return (with >= without).Label($"episodes without anon {without}, with {anonPages} anon pages {with}");
        });

    [Fact]
    public void HotMappedFills_SurviveReclaim_ColdOnesDoNot()
    {
        // 2000 pages of fills, then 64 MiB of sequential 64 KiB writes with an fsync after every 8 (so reclaim meets
        // clean data and frees it rather than activating it) under a 4096-page (16 MiB) limit.
        var writes = new List<WriteRequest>();
        for (int i = 0; i < 1024; i++)
        {
            writes.Add(new WriteRequest(WriteRequestKind.Write, 1, 1, i * 65536L, 65536, SimDuration.FromNanoseconds(500), SimDuration.FromMicroseconds(2), 0));
            if (i % 8 == 7)
            {
                writes.Add(new WriteRequest(WriteRequestKind.Fsync, 1, 1, 0, 0, SimDuration.Zero, SimDuration.FromMicroseconds(5), 0));
            }
        }

        WriteRequest[] w = WithFill([.. writes], 2000);
        MemcgCounters cold = Run(w, 4096, null).Counters;
        MemcgCounters hot = Run(w, 4096, new WorkloadFootprint { HotMappedBytes = 1500 * 4096L }).Counters;
        Assert.True(cold.ReclaimEpisodes > 0);
        Assert.Equal(0, cold.ActiveFilePages);
        // folio_check_references activated the 1500 hot pages on their first scan and shrink_active_list keeps them.
        Assert.Equal(1500, hot.ActiveFilePages);
        Assert.True(hot.ReclaimEpisodes > cold.ReclaimEpisodes, $"hot {hot.ReclaimEpisodes} vs cold {cold.ReclaimEpisodes}: less room for the writes");
    }

    [Fact]
    public void ActivatedFills_AreActiveWithoutReclaim()
    {
        WriteRequest[] w = WithFill(MemcgArbitraries.Build(10, 4096, random: false, fileMiB: 1, seed: 1, fsync: false), 800);
        MemcgCounters c = Run(w, 1 << 20, new WorkloadFootprint { ActivatedFillBytes = 500 * 4096L }).Counters;
        Assert.Equal(0, c.ReclaimEpisodes);
        Assert.Equal(500, c.ActiveFilePages);
        Assert.Equal(800 - 500 + 10, c.InactiveFilePages);
    }

    [Fact]
    public void Kmem_GrowsWithThePageCache()
    {
        WriteRequest[] w = MemcgArbitraries.Build(1000, 4096, random: false, fileMiB: 4, seed: 1, fsync: false);
        MemcgCounters c = Run(w, 1 << 20, new WorkloadFootprint { KmemPerCacheByte = 0.04 }).Counters;
        Assert.Equal(1000, c.CachePages);
        Assert.Equal(40, c.KmemPages);
    }
}
