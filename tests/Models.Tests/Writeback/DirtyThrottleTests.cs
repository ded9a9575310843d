using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Writeback;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Writeback;

public class DirtyThrottleTests
{
    private const int Fio = 11639;

    // The capture fio-seq64k-dirtybytes32M: 6.18, HZ=250, 2 CPUs, cgroup v1, dirty_bytes 32 MiB, background 16 MiB.
    private static readonly WritebackConfig Capture = new()
    {
        Profile = KernelProfile.Linux6_18,
        CgroupVersion = CgroupVersion.V1,
        OnlineCpus = 2,
        DirtyBytes = 32L << 20,
        DirtyBackgroundBytes = 16L << 20,
    };

    private static readonly SimTime T0 = SimTime.FromMilliseconds(1_000_000);

    [Fact]
    public void Constructor_Bytes32MTwoCpus_RatelimitPagesAndDirtyLimitFromThreshold()
    {
        // writeback_set_ratelimit: dirty_limit = thresh = 8192; ratelimit_pages = 8192 / (2·32) = 128.
        var t = new DirtyThrottle(Capture, 1_000_000, T0);
        Assert.Equal(8192, t.GlobalDirtyLimit);
        Assert.Equal(128, t.RatelimitPages);
        Assert.Equal(new WbBandwidthState(25_600, 25_600, 25_600, 25_600), t.Bandwidth);
    }

    [Fact]
    public void BalanceDirtyPages_CaptureFirstThrottledBurst_ReproducesKernelRecords()
    {
        // The capture's first six balance_dirty_pages passes (1838.902940 … 1838.903459), all in one jiffy, with the
        // counters the kernel read (dirty, wb_dirty from its events) and avg_write_bw 17,400 pages/s (what its
        // task_ratelimit implies; the trace has no bdi_dirty_ratelimit event). The model computes the rest.
        var t = new DirtyThrottle(Capture, 1_000_000, T0);
        t.RestoreBandwidth(new WbBandwidthState(17_400, 17_400, 25_600, 25_600));
        SimTime now = T0 + SimDuration.FromMicroseconds(100);

        // A free-running pass just before: dirty 6000 ≤ freerun 6144 → nr_dirtied_pause = 2^(ilog2(2192) >> 1) = 32.
        t.SyncGlobalCounts(4000, 2000, 0, 0);
        Assert.Equal(ThrottleOutcome.FreeRun, t.BalanceDirtyPages(now, Fio).Outcome);
        Assert.Equal(32, t.GetTask(Fio).NrDirtiedPause);

        BalanceDirtyPagesRecord Pass(int pages, long dirty, long wbDirty, ThrottleOutcome expected)
        {
            t.AccountDirtied(Fio, 0, pages);
            t.SyncGlobalCounts(dirty - 2066, 2066, 0, 0);
            t.SyncWbCounts(wbDirty - 2066, 2066, 0, 0);
            ThrottleDecision d = t.BalanceDirtyPagesRatelimited(now, Fio, 0);
            Assert.Equal(expected, d.Outcome);
            return d.Trace!.Value;
        }

        // limit=8192 setpoint=7168 dirty=6187 wb_setpoint=7167 wb_dirty=6196 dirty_ratelimit=102400
        // task_ratelimit=193300 dirtied=32 dirtied_pause=32 paused=0 pause=0 period=0 think=0
        BalanceDirtyPagesRecord r = Pass(32, 6187, 6196, ThrottleOutcome.NoPause);
        Assert.Equal((8192L, 7168L, 6187L, 7167L, 6196L), (r.Limit, r.Setpoint, r.Dirty, r.WbSetpoint, r.WbDirty));
        Assert.Equal((102_400L, 193_300L, 32L, 32L, 0L, 0L, 0L, 0L), (r.DirtyRatelimit, r.TaskRatelimit, r.Dirtied, r.DirtiedPause, r.Paused, r.Pause, r.Period, r.Think));

        // period 0 → nr_dirtied_pause doubles: 64, 128, 256.
        r = Pass(32, 6235, 6212, ThrottleOutcome.NoPause);
        Assert.Equal((180_700L, 64L, 64L, 0L, 0L), (r.TaskRatelimit, r.Dirtied, r.DirtiedPause, r.Pause, r.Period));
        r = Pass(64, 6274, 6283, ThrottleOutcome.NoPause);
        Assert.Equal((171_200L, 128L, 128L, 0L, 0L), (r.TaskRatelimit, r.Dirtied, r.DirtiedPause, r.Pause, r.Period));

        // period = 250·256/35,775 = 1 jiffy (4 ms); pause 1 < min_pause 2: no sleep, dirty_paused_when += 1.
        r = Pass(128, 6418, 6411, ThrottleOutcome.NoPause);
        Assert.Equal((143_100L, 256L, 256L, 0L, 4L, 0L), (r.TaskRatelimit, r.Dirtied, r.DirtiedPause, r.Pause, r.Period, r.Think));

        // 128 more pages on CPU 0 reach ratelimit_pages (bdp_ratelimits was reset at 256): forced check.
        // period = 250·128/30,975 = 1; pause = 1 − (now − (now + 1)) = 2 ≥ min_pause 2: sleep 8 ms, think −4 ms.
        t.AccountDirtied(Fio, 0, 128);
        t.SyncGlobalCounts(6562 - 2066, 2066, 0, 0);
        t.SyncWbCounts(6539 - 2066, 2066, 0, 0);
        ThrottleDecision sleep = t.BalanceDirtyPagesRatelimited(now, Fio, 0);
        Assert.Equal(ThrottleOutcome.Paused, sleep.Outcome);
        r = sleep.Trace!.Value;
        Assert.Equal((123_900L, 128L, 256L, 8L, 4L, -4L), (r.TaskRatelimit, r.Dirtied, r.DirtiedPause, r.Pause, r.Period, r.Think));
        Assert.Equal(SimDuration.FromMilliseconds(8), sleep.Pause);

        // The timer fires on the tick after the 2-jiffy timeout: the start of jiffy now + 3.
        Assert.Equal(t.TimeOfJiffies(t.JiffiesAt(now) + 3), sleep.WakeAt);

        // After the sleep: nr_dirtied 0, nr_dirtied_pause from wb_min_pause (25,600·2/256 = 200).
        Assert.Equal(new TaskDirtyState(0, 200, t.JiffiesAt(now) + 2), t.GetTask(Fio));
    }

    [Fact]
    public void OnPagesDirtied_618_ChecksBeforeTheChunkIsDirtied_61After()
    {
        // A new task's nr_dirtied_pause is 32 (kernel/fork.c). Two 16-page chunks: 6.1 enters balance_dirty_pages
        // after the second chunk (32 ≥ 32); 6.18 checks before each chunk, so only before the third.
        int Entered(WritebackConfig c)
        {
            var t = new DirtyThrottle(c, 1_000_000, T0);
            for (int i = 1; i <= 3; i++)
            {
                if (t.OnPagesDirtied(T0, Fio, 0, 16).Outcome != ThrottleOutcome.NotChecked)
                {
                    return i;
                }
            }

            return 0;
        }

        Assert.Equal(3, Entered(Capture));
        Assert.Equal(2, Entered(Capture with { Profile = KernelProfile.Linux6_1 }));
    }

    [Fact]
    public void BalanceDirtyPages_61Profile_TracesGlobalDirtyLimitNotHardLimit()
    {
        // 6.1 prints global_wb_domain.dirty_limit as limit; 6.18 prints the domain's max(thresh, dirty_limit).
        BalanceDirtyPagesRecord Trace(WritebackConfig c)
        {
            var t = new DirtyThrottle(c, 1_000_000, T0);
            t.SetGlobalDirtyLimit(8000);
            t.SyncGlobalCounts(6400, 0, 0, 0);
            t.SyncWbCounts(6400, 0, 0, 0);
            return t.BalanceDirtyPages(T0, Fio).Trace!.Value;
        }

        // 6.18: limit 8192, setpoint (6144 + 8192)/2 = 7168. 6.1: limit 8000, setpoint (6144 + 8000)/2 = 7072.
        Assert.Equal((8192L, 7168L), (Trace(Capture).Limit, Trace(Capture).Setpoint));
        var c61 = Capture with { Profile = KernelProfile.Linux6_1 };
        Assert.Equal((8000L, 7072L), (Trace(c61).Limit, Trace(c61).Setpoint));
    }

    [Fact]
    public void BalanceDirtyPages_AboveBackgroundAndFlusherIdle_StartsBackgroundWriteback()
    {
        var t = new DirtyThrottle(Capture, 1_000_000, T0);
        t.SyncGlobalCounts(5000, 0, 0, 0);
        Assert.True(t.BalanceDirtyPages(T0, Fio).StartBackgroundWriteback);
        t.SetWritebackRunning(true);
        Assert.False(t.BalanceDirtyPages(T0, Fio).StartBackgroundWriteback);
        Assert.True(t.BackgroundWritebackNeeded);
    }

    [Fact]
    public void BalanceDirtyPages_StrictLimitWbBelowItsCeiling_RunsFreeAboveGlobalFreerun()
    {
        // max_ratio 1 %: wb_thresh = min(8192 floored to (8192 − 7000)/100 = 11 … , 8192·1 % = 81) = 81,
        // wb_bg_thresh = 81·4096/8192 = 40, wb freerun ceiling (81 + 40)/2 = 60 ≥ wb_dirty 50 → free run even
        // though the global dirty 7000 is above the global freerun 6144.
        var strict = Capture with { StrictLimit = true, BdiMaxRatio = 1 };
        var t = new DirtyThrottle(strict, 1_000_000, T0);
        t.SyncGlobalCounts(7000, 0, 0, 0);
        t.SyncWbCounts(50, 0, 0, 0);
        Assert.Equal(ThrottleOutcome.FreeRun, t.BalanceDirtyPages(T0, Fio).Outcome);
        t.SyncWbCounts(75, 0, 0, 0);
        Assert.NotEqual(ThrottleOutcome.FreeRun, t.BalanceDirtyPages(T0, Fio).Outcome);
    }

    [Fact]
    public void BalanceDirtyPages_V2TightMemcgDomain_SelectsMemcgDomainAndV1IgnoresIt()
    {
        // Global: ratios at 1,000,000 dirtyable pages (thresh 199,951) with 1000 dirty: free there. The memcg holds
        // 10,000 file pages, 9,000 of them dirty, with no headroom: avail 10,000, thresh 1999, bg 998 → throttled.
        var v2 = new WritebackConfig { Profile = KernelProfile.Linux6_18, CgroupVersion = CgroupVersion.V2, OnlineCpus = 2 };
        var t = new DirtyThrottle(v2, 1_000_000, T0);
        t.SyncGlobalCounts(1000, 0, 0, 0);
        t.SyncWbCounts(1000, 0, 0, 0);
        t.SetMemcgStats(new MemcgWbStats(10_000, 0, 1500, 0));
        ThrottleDecision d = t.BalanceDirtyPages(T0, Fio);
        Assert.NotEqual(ThrottleOutcome.FreeRun, d.Outcome);
        Assert.True(d.Trace!.Value.MemcgDomain);
        Assert.Equal(1999, d.Trace.Value.Thresh);

        var v1 = new DirtyThrottle(v2 with { CgroupVersion = CgroupVersion.V1 }, 1_000_000, T0);
        v1.SyncGlobalCounts(1000, 0, 0, 0);
        v1.SetMemcgStats(new MemcgWbStats(10_000, 0, 1500, 0));
        Assert.Equal(ThrottleOutcome.FreeRun, v1.BalanceDirtyPages(T0, Fio).Outcome);
    }

    [Fact]
    public void OnTaskExit_LeftoverPages_ChargedToTheNextDirtierOnThatCpu()
    {
        // dirty_throttle_leaks: the exiting task's 20 pages push the next task (pause 32) to its check at 12 pages.
        var t = new DirtyThrottle(Capture, 1_000_000, T0);
        t.AccountDirtied(1, 1, 20);
        t.OnTaskExit(1, 1);
        t.AccountDirtied(2, 1, 12);
        Assert.NotEqual(ThrottleOutcome.NotChecked, t.BalanceDirtyPagesRatelimited(T0, 2, 1).Outcome);
    }

    [Fact]
    public void OnInodeWritebackEnd_BandwidthWorkRunsOneIntervalAndATickLater()
    {
        // 100 ms of writes at 2560 pages: the delayed update at +51 jiffies blends written·HZ into write_bw over
        // 1024 jiffies: (2560·250 + 25,600·(1024 − elapsed)) >> 10.
        var t = new DirtyThrottle(Capture, 1_000_000, T0);
        t.OnInodeWritebackEnd(T0);
        t.SyncWbCounts(0, 0, 0, 2560);
        t.AdvanceTo(T0 + SimDuration.FromMilliseconds(200));
        Assert.Equal(25_600, t.Bandwidth.WriteBandwidth);
        t.AdvanceTo(T0 + SimDuration.FromMilliseconds(204));
        long elapsed = 51;
        Assert.Equal(((2560 * 250) + (25_600 * (1024 - elapsed))) >> 10, t.Bandwidth.WriteBandwidth);
    }

    [Fact]
    public void AccountDirtied_CpuOutOfRange_ArgumentOutOfRangeNamingCpu()
    {
        var t = new DirtyThrottle(Capture, 1_000_000, T0);
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => t.AccountDirtied(1, 2, 1));
        Assert.Equal("cpu", ex.ParamName);
    }

    [Fact]
    public void Constructor_InvalidRatio_ArgumentOutOfRangeNamingTheSetting()
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new DirtyThrottle(Capture with { DirtyRatio = 101 }, 1_000_000, T0));
        Assert.Equal(nameof(WritebackConfig.DirtyRatio), ex.ParamName);
    }

    [Fact]
    public void Workload_GeneratedCases_ReachThrottlingAndTheZeroRateLoop()
    {
        // Guards the properties below against vacuity: the generator's workloads do get throttled.
        var decisions = WritebackArbitraries.Workload().Generator.Sample(30, 40).SelectMany(WritebackArbitraries.Run).ToList();
        Assert.Contains(decisions, d => d.Outcome == ThrottleOutcome.Paused);
        Assert.Contains(decisions, d => d.Outcome == ThrottleOutcome.NoPause);
        Assert.Contains(decisions, d => d.LoopAgain);
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public Property OnPagesDirtied_AnyWorkload_PauseNeverExceedsMaxPause() =>
        Prop.ForAll(WritebackArbitraries.Workload(), w =>
        {
            List<ThrottleDecision> decisions = WritebackArbitraries.Run(w);
            SimDuration maxPause = SimDuration.FromJiffies(w.Config.MaxPause, w.Config.Hz);
            bool bounded = decisions.All(d => d.Pause <= maxPause
                && (d.Trace is not BalanceDirtyPagesRecord r || (r.PauseJiffies <= r.MaxPause && r.MaxPause <= w.Config.MaxPause)));
            bool onlySleepsPause = decisions.All(d => d.Sleeps || d.Pause == SimDuration.Zero);
            return bounded.Label("pause ≤ max_pause ≤ MAX_PAUSE")
                .And(onlySleepsPause.Label("non-sleeping decisions carry no pause"));
        });

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public Property OnPagesDirtied_SameWorkloadTwice_IdenticalDecisions() =>
        Prop.ForAll(WritebackArbitraries.Workload(), w =>
            WritebackArbitraries.Run(w).SequenceEqual(WritebackArbitraries.Run(w)).Label("replay is deterministic"));

    [FsCheck.Xunit.Property]
    public Property BalanceDirtyPagesRatelimited_BelowFreerun_MatchesPollIntervalReference() =>
        Prop.ForAll(Gen.Choose(0, 6144).ToArbitrary(), Gen.Choose(1, 64).ToArbitrary(), (dirty, chunk) =>
        {
            // Reference: one task alone on its CPU, dirty held below freerun. It first checks at the fork default
            // of 32 pages, then every dirty_poll_interval(dirty, 8192) ≤ 64 pages (counting whole chunks, 6.1 order);
            // the per-CPU counter, reset at each check, never reaches ratelimit_pages = 128 first.
            var c = Capture with { Profile = KernelProfile.Linux6_1 };
            var t = new DirtyThrottle(c, 1_000_000, T0);
            long interval = PageWriteback.DirtyPollInterval(dirty, 8192);
            var model = new List<int>();
            var reference = new List<int>();
            long sinceCheck = 0;
            long ratelimit = 32;
            for (int i = 0; i < 200; i++)
            {
                t.AccountDirtied(Fio, 0, chunk);
                t.SyncGlobalCounts(dirty, 0, 0, 0);
                t.SyncWbCounts(dirty, 0, 0, 0);
                if (t.BalanceDirtyPagesRatelimited(T0, Fio, 0).Outcome != ThrottleOutcome.NotChecked)
                {
                    model.Add(i);
                }

                sinceCheck += chunk;
                if (sinceCheck >= ratelimit)
                {
                    reference.Add(i);
                    sinceCheck = 0;
                    ratelimit = interval;
                }
            }

            return model.SequenceEqual(reference).Label($"checks at [{string.Join(",", model.Take(8))}…] vs reference [{string.Join(",", reference.Take(8))}…]");
        });
}
