using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Writeback;

namespace KernelSim.Models.Tests.Writeback;

public class PageWritebackTests
{
    private static readonly WritebackConfig Defaults618 = new() { Profile = KernelProfile.Linux6_18 };
    private static readonly WritebackConfig Defaults61 = new() { Profile = KernelProfile.Linux6_1 };

    private static readonly WritebackConfig Bytes32M = new()
    {
        Profile = KernelProfile.Linux6_18,
        DirtyBytes = 32L << 20,
        DirtyBackgroundBytes = 16L << 20,
    };

    // ---- domain_dirty_limits: known answers, computed by hand from the kernel's formulas ----

    [Fact]
    public void DomainDirtyLimits_DefaultRatiosOneMillionPages_PerPageSizeRatios()
    {
        // ratio = 20·4096/100 = 819 (819.2 truncated), bg_ratio = 10·4096/100 = 409 (409.6 truncated)
        // thresh = 819·1,000,000/4096 = 199,951.17 → 199,951; bg = 409·1,000,000/4096 = 99,853.5 → 99,853
        Assert.Equal(new DirtyThresholds(199_951, 99_853), PageWriteback.DomainDirtyLimits(Defaults618, 1_000_000));
    }

    [Fact]
    public void DomainDirtyLimits_LabHostDirtyableMemory_MatchesKernelNotes()
    {
        // KERNEL-NOTES: the host's global dirty_thresh is 1,210,698 and background 604,610 at 20/10.
        // ceil(1,210,698·4096/819) = 6,054,969 gives bg 409·6,054,969/4096 = 604,609.9 → 604,609; one page more,
        // avail = 6,054,970: 819·6,054,970/4096 = 1,210,698.35 → 1,210,698 and 409·6,054,970/4096 = 604,610.04 → 604,610.
        Assert.Equal(new DirtyThresholds(1_210_698, 604_610), PageWriteback.DomainDirtyLimits(Defaults618, 6_054_970));
        Assert.Equal(new DirtyThresholds(1_210_698, 604_609), PageWriteback.DomainDirtyLimits(Defaults618, 6_054_969));
    }

    [Fact]
    public void DomainDirtyLimits_Bytes32M16M_CaptureThresholds()
    {
        // fio-seq64k-dirtybytes32M: DIV_ROUND_UP(33,554,432, 4096) = 8192, DIV_ROUND_UP(16,777,216, 4096) = 4096;
        // global_dirty_state printed thresh=8192 bg_thresh=4096. Dirtyable memory does not enter.
        Assert.Equal(new DirtyThresholds(8192, 4096), PageWriteback.DomainDirtyLimits(Bytes32M, 1));
        Assert.Equal(new DirtyThresholds(8192, 4096), PageWriteback.DomainDirtyLimits(Bytes32M, 5_000_000));
    }

    [Fact]
    public void DomainDirtyLimits_BytesNotPageMultiple_RoundsUpToPages()
    {
        // DIV_ROUND_UP(10,000, 4096) = 3; bg from the ratio: 409·100,000/4096 = 9985.35 → 9985 ≥ 3, so bg = 3/2 = 1.
        var c = Defaults618 with { DirtyBytes = 10_000 };
        Assert.Equal(new DirtyThresholds(3, 1), PageWriteback.DomainDirtyLimits(c, 100_000));
    }

    [Fact]
    public void DomainDirtyLimits_BackgroundAboveThreshold_CutToHalf()
    {
        // dirty 10 %, background 20 %: thresh = 409·1e6/4096 = 99,853; bg = 819·1e6/4096 = 199,951 ≥ thresh → 49,926.
        var c = Defaults618 with { DirtyRatio = 10, DirtyBackgroundRatio = 20 };
        Assert.Equal(new DirtyThresholds(99_853, 49_926), PageWriteback.DomainDirtyLimits(c, 1_000_000));
    }

    [Fact]
    public void DomainDirtyLimits_RealtimeTask_QuarterMorePlusDirtyLimitOver32()
    {
        // thresh 8192 + 8192/4 + 8192/32 = 8192 + 2048 + 256 = 10,496; bg 4096 + 1024 + 256 = 5376.
        Assert.Equal(new DirtyThresholds(10_496, 5376), PageWriteback.DomainDirtyLimits(Bytes32M, 1, realtime: true, globalDirtyLimit: 8192));
    }

    [Fact]
    public void DomainDirtyLimits_RealtimeWithBackgroundAboveThreshold_618And61OrderDiffer()
    {
        // Ratios 10/20 at 1e6 pages: thresh 99,853, bg 199,951, global dirty_limit 0.
        // 6.18 boosts first: thresh 99,853 + 24,963 = 124,816; bg 199,951 + 49,987 ≥ thresh → 124,816/2 = 62,408.
        // 6.1 fixes bg first (49,926) and boosts after: bg 49,926 + 12,481 = 62,407; thresh 124,816.
        var c618 = Defaults618 with { DirtyRatio = 10, DirtyBackgroundRatio = 20 };
        var c61 = Defaults61 with { DirtyRatio = 10, DirtyBackgroundRatio = 20 };
        Assert.Equal(new DirtyThresholds(124_816, 62_408), PageWriteback.DomainDirtyLimits(c618, 1_000_000, realtime: true));
        Assert.Equal(new DirtyThresholds(124_816, 62_407), PageWriteback.DomainDirtyLimits(c61, 1_000_000, realtime: true));
    }

    [Fact]
    public void DomainDirtyLimits_MemcgDomainWithBytes_BytesBecomeRatioOfGlobalAvail()
    {
        // ratio = min(DIV_ROUND_UP(33,554,432, 1,000,000), 4096) = 34 (per PAGE_SIZE), bg_ratio = 17;
        // memcg avail 100,000: thresh = 34·100,000/4096 = 830.07 → 830; bg = 17·100,000/4096 = 415.04 → 415.
        Assert.Equal(new DirtyThresholds(830, 415), PageWriteback.DomainDirtyLimits(Bytes32M, 100_000, globalAvail: 1_000_000));
    }

    [Fact]
    public void MdtcCalcAvail_Example_OwnFilePagesPlusHeadroomBoundedByOtherClean()
    {
        // clean = 50,000 − 10,000 = 40,000; global clean = 1,000,000 − 100,000 = 900,000; other clean = 860,000;
        // avail = 50,000 + min(20,000, 860,000) = 70,000.
        Assert.Equal(70_000, PageWriteback.MdtcCalcAvail(50_000, 20_000, 10_000, 1_000_000, 100_000));
    }

    [Fact]
    public void GlobalDirtyableMemory_Example_FreeAboveReservePlusFileLrusPlusOne()
    {
        // (1000 − 200) + 300 + 400 + 1 = 1501; reserves above free count as 0 free.
        Assert.Equal(1501, PageWriteback.GlobalDirtyableMemory(1000, 200, 300, 400));
        Assert.Equal(701, PageWriteback.GlobalDirtyableMemory(100, 200, 300, 400));
    }

    // ---- dirty_limit, poll interval ----

    [Theory]
    [InlineData(8000, 8192, 0, 8192)] // below thresh: follows up at once
    [InlineData(1_210_698, 8192, 6000, 1_173_120)] // 1,210,698 − (1,202,506 >> 5 = 37,578)
    [InlineData(9000, 8192, 9500, 9000)] // dirty above the limit: never below it
    [InlineData(8192, 8192, 100, 8192)]
    public void UpdateDirtyLimit_Examples(long limit, long thresh, long dirty, long expected) =>
        Assert.Equal(expected, PageWriteback.UpdateDirtyLimit(limit, thresh, dirty));

    [Theory]
    [InlineData(6187, 8192, 32)] // 2^(ilog2(2005)=10 >> 1 = 5)
    [InlineData(34, 8192, 64)] // 2^(ilog2(8158)=12 >> 1 = 6)
    [InlineData(8192, 8192, 1)]
    [InlineData(9000, 8192, 1)]
    public void DirtyPollInterval_Examples(long dirty, long thresh, long expected) =>
        Assert.Equal(expected, PageWriteback.DirtyPollInterval(dirty, thresh));

    // ---- pos_ratio ----

    [Fact]
    public void WbPositionRatio_CaptureFirstThrottledPass_KernelsPosRatio()
    {
        // The capture's first balance_dirty_pages event: limit 8192, setpoint 7168, dirty 6187, wb_dirty 6196,
        // task_ratelimit 193,300 KB/s = 48,325 pages/s at dirty_ratelimit 25,600 → pos_ratio 48,325·1024/25,600 = 1933.
        // Global curve: x = (981 << 10) / (1024 | 1) = 980; 980·980 >> 10 = 937; 937·980 >> 10 = 896; 1024 + 896 = 1920.
        // wb line with avg_write_bw 17,400: x = (8192 << 16)/8193 = 65,528; wb_setpoint = 7168·65,528 >> 16 = 7167;
        // span = 139,200·65,528 >> 16 = 139,183; x_intercept = 146,350; 1920·140,154 / 139,183 = 1933.
        Assert.Equal(1920, PageWriteback.PosRatioPolynom(7168, 6187, 8192));
        var dtc = new DirtyThrottleControl { Dirty = 6187, Thresh = 8192, BgThresh = 4096, Limit = 8192, WbDirty = 6196, WbThresh = 8192, WbBgThresh = 4096 };
        PageWriteback.WbPositionRatio(Bytes32M, ref dtc, 17_400);
        Assert.Equal(1933, dtc.PosRatio);
        Assert.Equal(48_325, (25_600 * dtc.PosRatio) >> 10);
    }

    [Fact]
    public void WbPositionRatio_AtOrAboveLimit_Zero()
    {
        var dtc = new DirtyThrottleControl { Dirty = 8192, Thresh = 8192, BgThresh = 4096, Limit = 8192, WbDirty = 8000, WbThresh = 8192 };
        PageWriteback.WbPositionRatio(Bytes32M, ref dtc, 17_400);
        Assert.Equal(0, dtc.PosRatio);
    }

    [Fact]
    public void WbPositionRatio_WbHoldsLittle_BoostedUpToEightTimes()
    {
        // wb_dirty 100 ≤ (wb_thresh/2)/8 = 512: the wb reserve area multiplies by 8.
        var dtc = new DirtyThrottleControl { Dirty = 7168, Thresh = 8192, BgThresh = 4096, Limit = 8192, WbDirty = 100, WbThresh = 8192 };
        PageWriteback.WbPositionRatio(Bytes32M, ref dtc, 17_400);
        var plain = dtc with { WbDirty = 4096 };
        PageWriteback.WbPositionRatio(Bytes32M, ref plain, 17_400);
        Assert.True(dtc.PosRatio > 4 * plain.PosRatio, $"boosted {dtc.PosRatio} vs {plain.PosRatio}");
    }

    [FsCheck.Xunit.Property]
    public Property PosRatioPolynom_Anchors_TwoAtFreerunOneAtSetpointZeroAtLimit() =>
        Prop.ForAll(WritebackArbitraries.Domain(), d =>
        {
            long atSetpoint = PageWriteback.PosRatioPolynom(d.Setpoint, d.Setpoint, d.Limit);
            long atFreerun = PageWriteback.PosRatioPolynom(d.Setpoint, d.Freerun, d.Limit);
            long atLimit = PageWriteback.PosRatioPolynom(d.Setpoint, d.Limit, d.Limit);
            long belowFreerun = PageWriteback.PosRatioPolynom(d.Setpoint, 0, d.Limit);

            // The fixed point (|1 on the divisor, truncation) leaves a few 1/1024 at the ends when limit − setpoint
            // is at least 512 pages, as these domains ensure.
            return (atSetpoint == 1024).Label($"1.0 at setpoint (got {atSetpoint})")
                .And((atFreerun >= 2048 - 12 && atFreerun <= 2048).Label($"2.0 at freerun (got {atFreerun})"))
                .And((atLimit >= 0 && atLimit <= 8).Label($"0 at limit (got {atLimit})"))
                .And((belowFreerun == 2048).Label($"clamped to 2.0 below freerun (got {belowFreerun})"));
        });

    [FsCheck.Xunit.Property]
    public Property PosRatioPolynom_NonIncreasingInDirty() =>
        Prop.ForAll(WritebackArbitraries.DomainWithTwoDirtyCounts(), c =>
        {
            long lo = Math.Min(c.A, c.B);
            long hi = Math.Max(c.A, c.B);
            long pLo = PageWriteback.PosRatioPolynom(c.Domain.Setpoint, lo, c.Domain.Limit);
            long pHi = PageWriteback.PosRatioPolynom(c.Domain.Setpoint, hi, c.Domain.Limit);
            return (pLo >= pHi).Label($"f({lo}) = {pLo} ≥ f({hi}) = {pHi}");
        });

    [FsCheck.Xunit.Property]
    public Property WbPositionRatio_NonIncreasingInDirtyAndInWbDirty() =>
        Prop.ForAll(WritebackArbitraries.DomainWithTwoDirtyCounts(), Gen.Choose(1, 1_000_000).ToArbitrary(), (c, bw) =>
        {
            DomainCase d = c.Domain;
            long lo = Math.Min(c.A, c.B);
            long hi = Math.Max(c.A, c.B);
            long Pos(long dirty, long wbDirty)
            {
                var dtc = new DirtyThrottleControl
                {
                    Dirty = dirty,
                    Thresh = d.Thresh,
                    BgThresh = d.BgThresh,
                    Limit = d.Limit,
                    WbDirty = wbDirty,
                    WbThresh = d.Thresh,
                    WbBgThresh = d.BgThresh,
                };
                PageWriteback.WbPositionRatio(Defaults618, ref dtc, bw);
                return dtc.PosRatio;
            }

            long fixedWb = d.Thresh / 3;
            long fixedDirty = (d.Freerun + d.Limit) / 2;
            return (Pos(lo, fixedWb) >= Pos(hi, fixedWb)).Label("non-increasing in global dirty")
                .And((Pos(fixedDirty, lo) >= Pos(fixedDirty, hi)).Label("non-increasing in wb_dirty"));
        });

    // ---- wb_calc_thresh ----

    [Fact]
    public void WbCalcThresh_OneBdiDoingAllWriteout_WholeThreshold()
    {
        Assert.Equal(8192, PageWriteback.WbCalcThresh(Bytes32M, 8192, 6187));
        Assert.Equal(4096, PageWriteback.WbBgThresh(8192, 8192, 4096));
    }

    [Fact]
    public void WbCalcThresh_IdleShareAndMaxRatio_FloorThenCap()
    {
        // Share 0 (another bdi did all writeout): 6.18 floors at (thresh − dirty)/8 = (8192 − 192)/8 = 1000,
        // 6.1 keeps 0 here (it lifts the share inside wb_position_ratio instead). max_ratio 10 % caps at 819.
        var idle = Bytes32M with { WritebackShare = (0, 1) };
        Assert.Equal(1000, PageWriteback.WbCalcThresh(idle, 8192, 192));
        Assert.Equal(0, PageWriteback.WbCalcThresh(idle with { Profile = KernelProfile.Linux6_1 }, 8192, 192));
        Assert.Equal(819, PageWriteback.WbCalcThresh(idle with { BdiMaxRatio = 10, WritebackShare = (1, 1) }, 8192, 192));
    }

    // ---- pauses ----

    [Theory]
    [InlineData(17_400, 6600, 13)] // 6600 / (1 + 17,400/32 = 544) = 12, + 1
    [InlineData(25_600, 6600, 9)] // 6600 / (1 + 800) = 8, + 1
    [InlineData(25_600, 1_000_000, 50)] // capped at MAX_PAUSE = 250/5
    [InlineData(25_600, 0, 1)]
    public void WbMaxPause_Hz250_Examples(long bw, long wbDirty, long expected) =>
        Assert.Equal(expected, PageWriteback.WbMaxPause(Bytes32M, bw, wbDirty));

    [Theory]
    // 1-dd at INIT_BW: t = HZ/100 = 2; hi = lo = ilog2(25,600) = 14; t = min(2, 1 + 9/2) = 2;
    // pages = 25,600·2/256 = 200 ≥ 32; next pause 250·200/28,776 = 1 ≤ 9 → min_pause = 1 + 2/2 = 2.
    [InlineData(25_600, 25_600, 9, 28_775, 2, 200)]
    // slow device: hi = ilog2(256) = 8, lo = ilog2(64) = 6: t = 2 + 2·2500/1024 = 6 → min(6, 26) = 6;
    // pages = 64·6/256 = 1 < 32 → t = max_pause = 50, pages = 64·50/256 = 12; 250·12/65 = 46 ≤ 50 → 50, 12.
    [InlineData(256, 64, 50, 64, 50, 12)]
    // 256 pages/s: pages = 2 < 32 → t = 50, pages = 50 > 32 → pages = 32, t = 250·32/256 = 31;
    // 250·32/257 = 31 ≤ 50 → min_pause = 1 + 31/2 = 16.
    [InlineData(256, 256, 50, 256, 16, 32)]
    // task far below the base rate: 250·200/101 = 495 > 9 → t = 9, pages = 100·9/256 = 3 → min_pause = 9.
    [InlineData(25_600, 25_600, 9, 100, 9, 3)]
    public void WbMinPause_Hz250_Examples(long avgBw, long dirtyRl, long maxPause, long taskRl, long expectedMin, long expectedPages)
    {
        long min = PageWriteback.WbMinPause(Bytes32M, avgBw, dirtyRl, maxPause, taskRl, dirtyRl, out long pages);
        Assert.Equal((expectedMin, expectedPages), (min, pages));
    }

    [FsCheck.Xunit.Property]
    public Property WbMinPauseAndMaxPause_PositiveMinNotAboveMaxNotAboveMaxPause() =>
        Prop.ForAll(WritebackArbitraries.PauseInputs(), p =>
        {
            var c = Bytes32M with { Profile = KernelProfile.Linux6_18 with { Hz = p.Hz } };
            long max = PageWriteback.WbMaxPause(c, p.AvgBw, p.WbDirty);
            long min = PageWriteback.WbMinPause(c, p.AvgBw, p.DirtyRl, max, p.TaskRl, p.DirtyRl, out long pages);
            return (max >= 1 && max <= c.MaxPause).Label($"1 ≤ max_pause {max} ≤ MAX_PAUSE {c.MaxPause}")
                .And((min >= 0 && min <= max).Label($"0 ≤ min_pause {min} ≤ max_pause {max}"))
                .And((pages >= 0).Label($"nr_dirtied_pause {pages} ≥ 0"));
        });

    [Fact]
    public void KBps_4KiBPages_TimesFour() => Assert.Equal(102_400, PageWriteback.KBps(25_600, 12));
}
