using KernelSim.Models.Writeback;
using KernelSim.Units;

namespace KernelSim.Models.Tests.Writeback;

public class WritebackConfigTests
{
    [Fact]
    public void Defaults_KernelSysctlDefaults()
    {
        var c = new WritebackConfig();
        Assert.Equal((20, 10, 0L, 0L, 3000, 500), (c.DirtyRatio, c.DirtyBackgroundRatio, c.DirtyBytes, c.DirtyBackgroundBytes, c.DirtyExpireCentisecs, c.DirtyWritebackCentisecs));
        Assert.Equal((0, 100), (c.BdiMinRatio, c.BdiMaxRatio));
    }

    [Theory]
    // HZ 250, 4 KiB: MAX_PAUSE 50, BANDWIDTH_INTERVAL 50, DIRTY_POLL_THRESH 32, INIT_BW 25,600, 8-page exceeded
    // ratelimit, INITIAL_JIFFIES = (u32)(−300·250) = 4,294,892,296.
    [InlineData(250, 4096, 50, 32, 25_600, 8, 4_294_892_296L)]
    // HZ 1000: MAX_PAUSE 200 jiffies (still 200 ms); INITIAL_JIFFIES = 2^32 − 300,000.
    [InlineData(1000, 4096, 200, 32, 25_600, 8, 4_294_667_296L)]
    // 64 KiB pages: DIRTY_POLL_THRESH = 128 >> 6 = 2 pages, INIT_BW = 100 << 4 = 1600 pages/s, 32 >> 6 = 0.
    [InlineData(250, 65_536, 50, 2, 1600, 0, 4_294_892_296L)]
    public void DerivedConstants_FollowHzAndPageSize(int hz, int pageSize, long maxPause, long pollThresh, long initBw, long exceeded, long initialJiffies)
    {
        var c = new WritebackConfig { Profile = KernelProfile.Linux6_18 with { Hz = hz, PageSize = PageSize.FromBytes(pageSize) } };
        Assert.Equal((maxPause, maxPause, pollThresh, initBw, exceeded, initialJiffies), (c.MaxPause, c.BandwidthInterval, c.DirtyPollThresh, c.InitBw, c.DirtyExceededRatelimit, c.InitialJiffies));
    }

    [Theory]
    [InlineData(1, 8)] // WB_STAT_BATCH = 8·(1 + ilog2 1) = 8
    [InlineData(2, 32)] // 2 · 8·(1 + 1)
    [InlineData(8, 256)] // 8 · 8·(1 + 3)
    public void WbStatError_NrCpuIdsTimesBatch(int cpus, long expected) =>
        Assert.Equal(expected, new WritebackConfig { OnlineCpus = cpus }.WbStatError);

    [Fact]
    public void Validate_DirtyBytesBelowTwoPages_ArgumentOutOfRangeNamingIt()
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WritebackConfig { DirtyBytes = 4096 }.Validate());
        Assert.Equal(nameof(WritebackConfig.DirtyBytes), ex.ParamName);
    }
}
