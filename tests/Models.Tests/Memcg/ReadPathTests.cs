using KernelSim.Models.Memcg;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Memcg;

/// <summary>
/// Buffered reads in the write-path simulation: hits, misses through readahead (mm/readahead.c's ondemand window),
/// pages cached before the capture, and refaults through shadow entries (mm/workingset.c).
/// </summary>
public class ReadPathTests
{
    private static readonly WritePathCosts Costs = new() { HostBackedPages = long.MaxValue };
    private static readonly SimDuration Wait = SimDuration.FromMicroseconds(40);

    private static WriteRequest Read(long file, long offset, long bytes, bool capturedMiss = true) =>
        new(WriteRequestKind.Read, 1, file, offset, bytes, SimDuration.FromMicroseconds(1), SimDuration.FromMicroseconds(2), capturedMiss ? (int)(bytes / 4096) : 0)
        {
            CapturedMiss = capturedMiss,
            MissWait = Wait,
        };

    private static WritePathResult Run(IReadOnlyList<WriteRequest> w, long? limitPages = null) =>
        new WritePathSimulation(new MemcgConfig { LimitBytes = limitPages * 4096 }, Costs).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(10));

    [Fact]
    public void RandomSmallReads_ReadOnlyWhatWasAsked_AndWait()
    {
        // page_cache_sync_ra: a 16 KiB read away from the last position, with no cached history before it, reads its 4 pages.
        var w = new List<WriteRequest>();
        for (int i = 0; i < 50; i++)
        {
            w.Add(Read(1, ((i * 7919L % 1000) * 16 + 1) * 4096, 16384));
        }

        WritePathResult r = Run(w);
        Assert.Equal(50L * 4, r.Counters.PagesRead);
        Assert.All(r.Outcomes, o => Assert.True(o.Latency >= Wait, $"a miss waits for the device: {o.Latency}"));
    }

    [Fact]
    public void SequentialReads_WaitOnlyOnce_ReadaheadRunsAhead()
    {
        // 4 KiB reads from offset 0: the first read opens a window (4 pages, mark at page 1); each mark reached starts the next
        // window asynchronously (8, 16, 32 pages), so only the first read waits.
        var w = new List<WriteRequest>();
        for (int i = 0; i < 200; i++)
        {
            w.Add(Read(1, i * 4096L, 4096, capturedMiss: i == 0));
        }

        WritePathResult r = Run(w);
        Assert.True(r.Outcomes[0].Latency >= Wait);
        for (int i = 1; i < w.Count; i++)
        {
            Assert.True(r.Outcomes[i].Latency < Wait, $"read {i} found its page read ahead: {r.Outcomes[i].Latency}");
        }

        Assert.InRange(r.Counters.PagesRead, 200, 200 + 32 + 32);
    }

    [Fact]
    public void RandomAccessAdvice_ReadsOnlyWhatIsAsked_EvenFromTheStartOfTheFile()
    {
        // Sequential 4 KiB reads from offset 0 would open a readahead window; with FMODE_RANDOM each reads its one page.
        var w = new List<WriteRequest>();
        for (int i = 0; i < 40; i++)
        {
            w.Add(Read(1, i * 4096L, 4096) with { RandomAccess = true });
        }

        WritePathResult r = Run(w);
        Assert.Equal(40, r.Counters.PagesRead);
        Assert.All(r.Outcomes, o => Assert.True(o.Latency >= Wait));
    }

    [Fact]
    public void WrittenPages_AreHits()
    {
        var w = new List<WriteRequest>
        {
            new(WriteRequestKind.Write, 1, 1, 0, 65536, SimDuration.Zero, SimDuration.FromMicroseconds(5), 16),
            Read(1, 0, 65536, capturedMiss: false),
        };
        WritePathResult r = Run(w);
        Assert.Equal(0, r.Counters.PagesRead);
        Assert.True(r.Outcomes[1].Latency < Wait);
    }

    [Fact]
    public void PagesCachedBeforeTheCapture_AreResidentAndCharged()
    {
        // A hit in the capture on pages the replay never saw: cached before the capture began.
        WritePathResult r = Run([Read(3, 0, 65536, capturedMiss: false)]);
        Assert.Equal(0, r.Counters.PagesRead);
        Assert.True(r.Outcomes[0].Latency < Wait);
        Assert.Equal(16, r.Counters.CachePages);
    }

    [Fact]
    public void Refault_AfterEviction_ReadsAgain_AndRecentOnesActivate()
    {
        // A hot set read twice (active), a stream that overflows the limit, then the stream's start read again right away:
        // evicted pages refault, and those evicted fewer pages ago than the active list holds come back active
        // (workingset_test_recent). Read much later (after another long stream), the same pages refault inactive.
        var w = new List<WriteRequest>();
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < 300; i++)
            {
                w.Add(Read(1, (i * 16L + 1) * 4096, 4096));
            }
        }

        for (int i = 0; i < 900; i++)
        {
            w.Add(Read(2, (i * 16L + 1) * 4096, 4096));
        }

        int before = w.Count;
        for (int i = 0; i < 50; i++)
        {
            w.Add(Read(2, (i * 16L + 1) * 4096, 4096));
        }

        WritePathResult r = Run(w, limitPages: 1024);
        MemcgCounters c = r.Counters;
        Assert.True(c.WorkingsetRefaults > 0, "re-reading evicted pages refaults");
        Assert.True(c.WorkingsetActivations > 0, $"a refault within the active list's distance activates ({c.WorkingsetRefaults} refaults, {c.ActiveFilePages} active at the end)");
        Assert.True(c.WorkingsetActivations <= c.WorkingsetRefaults);
        Assert.True(c.MaxUsagePages <= 1024 || c.OomEvents > 0);
        Assert.All(r.Outcomes.Skip(before), o => Assert.True(o.Latency >= Wait, "a refault is a miss: it waits for the device"));
    }

    [Fact]
    public void Reads_AreDeterministic()
    {
        var w = new List<WriteRequest>();
        for (int i = 0; i < 3000; i++)
        {
            w.Add(Read(1 + (i % 3), (i * 104729L % 5000) * 4096, 8192));
        }

        WritePathResult a = Run(w, 800), b = Run(w, 800);
        Assert.Equal(a.Outcomes, b.Outcomes);
        Assert.Equal(a.Counters, b.Counters);
    }
}

/// <summary>fsync writes back and waits for its own file only (file_write_and_wait_range), not every dirty page.</summary>
public class FsyncTests
{
    [Fact]
    public void Fsync_WaitsForItsOwnFile_NotForOtherFilesDirtyData()
    {
        var costs = new WritePathCosts { HostBackedPages = long.MaxValue };
        var w = new List<WriteRequest>
        {
            new(WriteRequestKind.Write, 1, 1, 0, 64 * 1024, SimDuration.Zero, SimDuration.FromMicroseconds(5), 16),
            new(WriteRequestKind.Write, 1, 2, 0, 256L << 20, SimDuration.Zero, SimDuration.FromMicroseconds(5), 65536),
            new(WriteRequestKind.Fsync, 1, 1, 0, 0, SimDuration.Zero, SimDuration.FromMicroseconds(10), 0),
            new(WriteRequestKind.Fsync, 1, 2, 0, 0, SimDuration.Zero, SimDuration.FromMicroseconds(10), 0),
        };
        WritePathResult r = new WritePathSimulation(new MemcgConfig(), costs).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(10));
        SimDuration small = r.Outcomes[2].Latency, large = r.Outcomes[3].Latency;
        Assert.True(small * 20 < large, $"fsync of 64 KiB {small} vs of 256 MiB {large}");
        Assert.Equal(0, r.Counters.DirtyPages);
        Assert.Equal(16 + 65536, r.Counters.PagesWrittenBack);
    }
}
