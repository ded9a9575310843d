using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Memcg;
using KernelSim.Time;
using KernelSim.Units;

namespace KernelSim.Models.Tests.Memcg;

public class WritePathSimulationTests
{
    private static readonly WritePathCosts Costs = new();

    private static WritePathResult Run(WriteRequest[] w, long? limitPages, CgroupVersion v = CgroupVersion.V1, long? highPages = null) =>
        new WritePathSimulation(
            new MemcgConfig { LimitBytes = limitPages * 4096, HighBytes = highPages * 4096, Version = v },
            Costs).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1));

    [Fact]
    public void Write_IntoAFolioAlreadyDirty_CountsNoPagesDirtied()
    {
        // One 2 MiB folio read in (a data fill of order 9), then 400 4 KiB writes into its first page, under a dirty limit
        // of 8 MiB (freerun up to 6 MiB). Only the first write turns the folio dirty (512 pages); counting the whole
        // folio again at every write (400 x 512 pages) would push the throttle far past its limit and pause the writer.
        var list = new List<WriteRequest>
        {
            new(WriteRequestKind.CacheFill, -2, 7, 0, 512 * 4096L, SimDuration.Zero, SimDuration.Zero, 0) { DataFill = true, FillOrder = 9 },
        };
        for (int i = 0; i < 400; i++)
        {
            list.Add(new WriteRequest(WriteRequestKind.Write, 1, 7, 0, 4096, SimDuration.FromMicroseconds(20), SimDuration.FromMicroseconds(2), 0));
        }

        var writeback = new KernelSim.Models.Writeback.WritebackConfig { DirtyBytes = 8L << 20, DirtyBackgroundBytes = 4L << 20 };
        WritePathResult r = new WritePathSimulation(new MemcgConfig { MaxFolioOrder = 9 }, Costs, writeback, dirtyablePages: 1L << 20)
            .Run(list, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1));
        Assert.All(r.Outcomes.Skip(1), o => Assert.Equal(SimDuration.Zero, o.DirtyPause));
        Assert.Equal(512, r.Counters.DirtyPages);
    }

    [Fact]
    public void Truncate_After_WaitsForTheWriteItFollowed_HoweverLateThatRuns()
    {
        // A writer (thread 1) writes 100 pages of file 7, each call 1 ms apart; a truncation of file 7 on its own thread
        // is due at 10 us, long before the writer's last write begins. With After = that write, the truncation waits for
        // it and the file's pages are gone at the end; without, it runs first and the writes fill the cache again.
        WriteRequest[] Requests(int after)
        {
            var list = new List<WriteRequest>();
            for (int i = 0; i < 100; i++)
            {
                list.Add(new WriteRequest(WriteRequestKind.Write, 1, 7, i * 4096L, 4096, SimDuration.FromMilliseconds(1), SimDuration.FromMicroseconds(2), 0));
            }

            list.Add(new WriteRequest(WriteRequestKind.Truncate, -5, 7, 0, 0, SimDuration.FromMicroseconds(10), SimDuration.Zero, 0) { After = after });
            return [.. list];
        }

        WritePathResult waited = Run(Requests(after: 99), limitPages: null);
        WritePathResult early = Run(Requests(after: -1), limitPages: null);
        Assert.Equal(0, waited.Counters.CachePages);
        Assert.Equal(100, early.Counters.CachePages);
        Assert.True(waited.Outcomes[100].Start.TotalNanoseconds >= waited.Outcomes[99].Start.TotalNanoseconds + waited.Outcomes[99].Latency.TotalNanoseconds);
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public Property Charge_UsageNeverExceedsTheLimit_WithoutOom() =>
        Prop.ForAll(MemcgArbitraries.Workload().ToArbitrary(), MemcgArbitraries.LimitPages().ToArbitrary(), (w, limit) =>
        {
            WritePathResult r = Run(w, limit);
            return (r.Counters.OomEvents > 0 || (r.Counters.MaxUsagePages <= limit && r.WorkingSet.All(s => s.UsagePages <= limit)))
                .Label($"max usage {r.Counters.MaxUsagePages} <= limit {limit} (oom {r.Counters.OomEvents})");
        });

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public Property Pages_AreConserved_ChargedMinusUnchargedIsUsage() =>
        Prop.ForAll(MemcgArbitraries.Workload().ToArbitrary(), MemcgArbitraries.LimitPages().ToArbitrary(), (w, limit) =>
        {
            MemcgCounters c = Run(w, limit).Counters;
            bool counter = c.ChargedPages - c.UnchargedPages == c.UsagePages;
            bool cache = c.UsagePages == c.CachePages + c.StockPages;
            return (counter && cache).Label($"charged {c.ChargedPages} - uncharged {c.UnchargedPages} = usage {c.UsagePages} = cache {c.CachePages} + stock {c.StockPages}");
        });

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public Property RaisingTheLimit_NeverAddsReclaimEpisodes() =>
        Prop.ForAll(MemcgArbitraries.Workload().ToArbitrary(), MemcgArbitraries.LimitPages().ToArbitrary(), Gen.Choose(1, 20000).ToArbitrary(), (w, limit, extra) =>
        {
            long lower = Run(w, limit).Counters.ReclaimEpisodes;
            long higher = Run(w, limit + extra).Counters.ReclaimEpisodes;
            return (higher <= lower).Label($"episodes at {limit}: {lower}, at {limit + extra}: {higher}");
        });

    [FsCheck.Xunit.Property(MaxTest = 20)]
    public Property Replay_IsDeterministic() =>
        Prop.ForAll(MemcgArbitraries.Workload().ToArbitrary(), MemcgArbitraries.LimitPages().ToArbitrary(), (w, limit) =>
        {
            WritePathResult a = Run(w, limit);
            WritePathResult b = Run(w, limit);
            return (a.Outcomes.SequenceEqual(b.Outcomes) && a.Counters == b.Counters && a.WorkingSet.SequenceEqual(b.WorkingSet)).Label("same input, same output");
        });

    [Fact]
    public void Unlimited_NoReclaimAndEveryPageCached()
    {
        WriteRequest[] w = MemcgArbitraries.Build(1000, 65536, random: false, fileMiB: 64, seed: 1, fsync: false);
        WritePathResult r = Run(w, limitPages: null);
        Assert.Equal(0, r.Counters.ReclaimEpisodes);
        Assert.Equal(0, r.Counters.Failcnt);
        Assert.Equal(1000L * 16, r.Counters.CachePages);
        Assert.All(r.Outcomes, o => Assert.Equal(SimDuration.Zero, o.Reclaim));
    }

    // test_memcontrol.c test_memcg_max: a 50M page-cache fill into memory.max = 30M ends with
    // 0 < current <= 30M and current close to 30M (values_close(..., 5)).
    [Fact]
    public void Max30M_CacheFill50M_CurrentNearTheLimit()
    {
        WriteRequest[] w = MemcgArbitraries.Build(800, 65536, random: false, fileMiB: 50, seed: 1, fsync: true);
        long limit = Bytes.Parse("30M").Value / 4096;
        MemcgCounters c = Run(w, limit).Counters;
        Assert.InRange(c.UsagePages, 1, limit);
        Assert.True(Math.Abs(c.UsagePages - limit) <= (c.UsagePages + limit) / 100 * 5, $"usage {c.UsagePages} not within 5% of {limit}");
        Assert.True(c.Failcnt > 0);
    }

    // v1: with only dirty page cache to reclaim, memcg reclaim wakes the flushers and throttles, then
    // waits on writeback (LAB-NOTES: the slowest writes sleep in mm_vmscan_throttled WRITEBACK).
    [Fact]
    public void V1_TightLimit_DirtyOnly_ThrottlesAndWaitsOnWriteback()
    {
        WriteRequest[] w = MemcgArbitraries.Build(2000, 65536, random: false, fileMiB: 128, seed: 1, fsync: false);
        MemcgCounters c = Run(w, 16 * 256).Counters;
        Assert.True(c.FlusherWakeups > 0);
        Assert.True(c.WritebackThrottles > 0);
        Assert.True(c.PagesWrittenBack > 0);
        Assert.Equal(0, c.OomEvents);
    }

    [Fact]
    public void V2_TightLimit_NeverWaitsOnIndividualFolios()
    {
        WriteRequest[] w = MemcgArbitraries.Build(2000, 65536, random: false, fileMiB: 128, seed: 1, fsync: false);
        MemcgCounters c = Run(w, 16 * 256, CgroupVersion.V2).Counters;
        Assert.Equal(0, c.WritebackWaits);
        Assert.Equal(0, c.WritebackThrottles);
    }

    // calculate_high_delay (mm/memcontrol.c) by hand, HZ = 1000, nr_pages = MEMCG_CHARGE_BATCH:
    //   1%  over: overage = 0.01 * 2^20 = 10485;  10485^2 * 1000 >> 34 = 6.40  -> 6 jiffies = 6 ms
    //   5%  over: 52428^2 * 1000 >> 34 = 159.99 -> 159 ms
    //   10% over: 104857^2 * 1000 >> 34 = 639.99 -> 639 ms
    //   18% over: 188743^2 * 1000 >> 34 = 2073 -> capped at 2 * HZ = 2000 ms
    [Theory]
    [InlineData(100, 6)]
    [InlineData(500, 159)]
    [InlineData(1000, 639)]
    [InlineData(1800, 2000)]
    [InlineData(0, 0)]
    public void HighDelay_KernelTable_Hz1000(int overBasisPoints, long expectedJiffies)
    {
        const long high = 1_000_000;
        long usage = high + (high * overBasisPoints / 10_000);
        Assert.Equal(expectedJiffies, WritePathSimulation.HighDelayJiffies(usage, high, MemcgConstants.MemcgChargeBatch, 1000));
    }

    [Fact]
    public void HighDelay_ScalesWithPagesChargedOverHigh()
    {
        long one = WritePathSimulation.HighDelayJiffies(1_050_000, 1_000_000, 64, 1000);
        long two = WritePathSimulation.HighDelayJiffies(1_050_000, 1_000_000, 128, 1000);
        Assert.Equal(Math.Min(2 * one, 2000), two);
    }

    // test_memcontrol.c test_memcg_high: with memory.high = 30M a 50M cache fill is not kept:
    // current ends near 30M and high events occur (here: penalties or reclaim above high).
    [Fact]
    public void V2_High30M_CacheFill_CurrentNearHigh()
    {
        WriteRequest[] w = MemcgArbitraries.Build(800, 65536, random: false, fileMiB: 50, seed: 1, fsync: true);
        long high = Bytes.Parse("30M").Value / 4096;
        MemcgCounters c = Run(w, limitPages: null, CgroupVersion.V2, highPages: high).Counters;
        Assert.True(c.UsagePages <= high + MemcgConstants.MemcgChargeBatch * 2, $"usage {c.UsagePages} vs high {high}");
        Assert.True(c.ReclaimEpisodes > 0);
    }
}

public class WritePathDirtyThrottleTests
{
    // v2 gives each memcg a dirty domain in balance_dirty_pages; v1 has only the global one, so a small
    // container under v1 is never paused by it while v2 pauses the writer (KERNEL-NOTES 2.2).
    [Fact]
    public void SmallMemcg_V2Pauses_V1DoesNot()
    {
        WriteRequest[] w = MemcgArbitraries.Build(4000, 65536, random: false, fileMiB: 256, seed: 1, fsync: false);
        long dirtyable = (20L << 30) / 4096;
        WritePathResult Run(CgroupVersion v) => new WritePathSimulation(
            new MemcgConfig { LimitBytes = 128L << 20, Version = v },
            new WritePathCosts(),
            new KernelSim.Models.Writeback.WritebackConfig { CgroupVersion = v, OnlineCpus = 2 },
            dirtyable).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(10));
        long v1 = Run(CgroupVersion.V1).Outcomes.Sum(o => o.DirtyPause.TotalNanoseconds);
        long v2 = Run(CgroupVersion.V2).Outcomes.Sum(o => o.DirtyPause.TotalNanoseconds);
        Assert.Equal(0, v1);
        Assert.True(v2 > 0, "v2 should pause the writer in the memcg dirty domain");
    }

    [Fact]
    public void GlobalDirtyBytes_PausesEvenOnV1()
    {
        WriteRequest[] w = MemcgArbitraries.Build(4000, 65536, random: false, fileMiB: 256, seed: 1, fsync: false);
        WritePathResult r = new WritePathSimulation(
            new MemcgConfig { LimitBytes = null, Version = CgroupVersion.V1 },
            new WritePathCosts(),
            new KernelSim.Models.Writeback.WritebackConfig { CgroupVersion = CgroupVersion.V1, DirtyBytes = 32L << 20, DirtyBackgroundBytes = 16L << 20, OnlineCpus = 2 },
            (20L << 30) / 4096).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(10));
        Assert.Contains(r.Outcomes, o => o.DirtyPause > SimDuration.Zero);
        // MAX_PAUSE is HZ/5 = 200 ms; a pause ends on the next tick after its timeout.
        Assert.All(r.Outcomes, o => Assert.True(o.DirtyPause <= SimDuration.FromMilliseconds(200 + 4), $"pause {o.DirtyPause}"));
    }
}
