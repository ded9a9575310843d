using KernelSim.Models.Memcg;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Memcg;

/// <summary>
/// Folio sizes as ext4 makes them on 6.18: per write (generic_perform_write's chunk through fgf_set_order), capped by
/// the index's alignment, one order lower while part of the range is cached (filemap_add_folio's -EEXIST).
/// </summary>
public class FolioOrderTests
{
    private static WriteRequest W(long offset, long bytes) =>
        new(WriteRequestKind.Write, 1, 7, offset, bytes, SimDuration.FromNanoseconds(500), SimDuration.FromMicroseconds(20), 0);

    private static MemcgCounters Run(IEnumerable<WriteRequest> w, long? limitBytes = null) =>
        new WritePathSimulation(new MemcgConfig { LimitBytes = limitBytes }, new WritePathCosts())
            .Run(w.ToArray(), SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1)).Counters;

    [Fact]
    public void Write_TinyFirstWriteThenLargeOnes_LargeWritesStillMakeLargeFolios()
    {
        // The README's dd example: a few bytes first (a shell redirection on the same fd), then 1 MiB writes.
        // The kernel reclaimed 256 pages per memcg reclaim episode (order-8 folios); so must the model.
        var dd = Enumerable.Range(0, 512).Select(i => W(i * (1L << 20), 1L << 20)).ToList();
        MemcgCounters plain = Run(dd, 128L << 20);
        MemcgCounters tiny = Run(dd.Prepend(W(0, 5)), 128L << 20);
        Assert.InRange(tiny.ReclaimEpisodes, plain.ReclaimEpisodes - 2, plain.ReclaimEpisodes + 2);
        Assert.True(tiny.Reclaimed / tiny.ReclaimEpisodes >= 250, $"{tiny.Reclaimed} pages in {tiny.ReclaimEpisodes} episodes");
    }

    [Fact]
    public void Write_UnalignedStart_FoliosFollowTheIndexAlignment()
    {
        // 1 MiB at page 1: folios of 1, 2, 4, ..., 128 pages (pages 1-255), then page 256 alone (the last 4 KiB);
        // a second write at page 257 of 1 MiB adds 256 pages the same way. Every page is cached once.
        MemcgCounters c = Run([W(4096, 1L << 20), W(257 * 4096L, 1L << 20)]);
        Assert.Equal(512, c.CachePages);
        Assert.Equal(512, c.DirtyPages);
    }

    [Fact]
    public void Write_OverPartlyCachedRange_FillsOnlyTheGaps()
    {
        // Pages 0 and 9 cached by small writes; a 64 KiB write over pages 0-15 must add the 14 others, no page twice.
        MemcgCounters c = Run([W(0, 100), W(9 * 4096L, 100), W(0, 65536)]);
        Assert.Equal(16, c.CachePages);
    }

    [Fact]
    public void Write_Kernel61_NoLargeFolios()
    {
        var w = Enumerable.Range(0, 64).Select(i => W(i * (1L << 20), 1L << 20)).ToArray();
        MemcgCounters c = new WritePathSimulation(new MemcgConfig { LimitBytes = 16L << 20, Kernel = KernelProfile.Linux6_1, MaxFolioOrder = 0 }, new WritePathCosts())
            .Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1)).Counters;
        Assert.True(c.Reclaimed / Math.Max(1, c.ReclaimEpisodes) <= 64, $"{c.Reclaimed} pages in {c.ReclaimEpisodes} episodes");
    }
}
