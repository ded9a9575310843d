using KernelSim.Models;
using KernelSim.Models.Writeback;
using KernelSim.Replay.Capture;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Units;

namespace KernelSim.Replay.Check;

/// <summary>
/// The conformance check of the dirty-throttling model: replays a capture's writes through
/// <see cref="DirtyThrottle"/> under the captured sysctls and compares every writeback:balance_dirty_pages event
/// the kernel recorded with what the model decided at the same point.
/// </summary>
/// <remarks>
/// <para>Inputs taken from the trace (the model cannot know them):</para>
/// <list type="bullet">
/// <item>the pages each write dirtied: the bytes a write/pwrite64 returned, rounded out to whole pages (the
/// capture writes a new file, so no page was already dirty);</item>
/// <item>the global counters NR_FILE_DIRTY, NR_WRITEBACK, NR_DIRTIED, NR_WRITTEN at each balance_dirty_pages pass:
/// the writeback:global_dirty_state the kernel printed in that pass (in other writes: the latest one);</item>
/// <item>wb_dirty (WB_RECLAIMABLE + WB_WRITEBACK) and the domain's dirty: the balance_dirty_pages event's own
/// fields when the kernel throttled in that pass (it reads the counters a moment before global_dirty_state prints
/// them, and per-CPU vmstat deltas can fold in between), else the global dirty + writeback (one bdi);</item>
/// <item>the dirtyable memory, only when the thresholds come from ratios: the smallest amount for which
/// domain_dirty_limits gives the recorded thresh (byte settings need none);</item>
/// <item>when the flusher submits I/O (block_rq_issue writes on the bdi's device, for do_writepages' bandwidth
/// update), when writes complete (block_rq_complete, for wb_inode_writeback_end and its delayed bandwidth update)
/// and whether the flusher is running (its first writeback event … writeback_pages_written, for
/// writeback_in_progress);</item>
/// <item>the bandwidth estimates, only when the trace prints writeback:bdi_dirty_ratelimit (the model is resynced
/// to the kernel's values); otherwise they start at INIT_BW like a freshly registered bdi;</item>
/// <item>the phase of the tick: the earliest timer-softirq wakeups of the throttled tasks.</item>
/// </list>
/// <para>Everything else the model computes itself: thresholds, dirty_limit, limit, setpoint, wb_thresh and
/// wb_setpoint, pos_ratio and task_ratelimit, dirty_ratelimit, which writes enter balance_dirty_pages
/// (nr_dirtied_pause, per-CPU bdp_ratelimits), min/max pause, period, think time, pause, and when the sleep ends.</para>
/// </remarks>
public static class WritebackCheck
{
    /// <summary>Relative tolerance for page counts (limit, setpoint, thresholds, wb_setpoint) and task_ratelimit.</summary>
    public const double CountTolerance = 0.01;

    /// <summary>Relative tolerance for pause when it is more than a jiffy off.</summary>
    public const double PauseTolerance = 0.10;

    internal const int MaxMismatches = 50;

    /// <summary>Replays the trace at <paramref name="tracePath"/> under the configuration in its manifest.</summary>
    /// <param name="tracePath">A capture with writeback events (x.trace.gz beside x.manifest.json).</param>
    /// <returns>Compared = recorded balance_dirty_pages events; Agreed = those where limit, setpoint, thresh,
    /// bg_thresh, dirty_limit and pause all agree. Figures per field: "{field}.compared", ".agreed",
    /// ".max_rel_err"; plus call placement, sleep decisions, wake times and the inputs used.</returns>
    /// <exception cref="FileNotFoundException">The trace or its manifest is missing.</exception>
    /// <exception cref="TraceFormatException">The trace or manifest is malformed.</exception>
    public static ModelCheckResult Run(string tracePath) => Run(tracePath, TraceReaderOptions.Default);

    /// <summary>As <see cref="Run(string)"/>, reading the trace with <paramref name="readerOptions"/> (the manifest's clock and HZ on top).</summary>
    internal static ModelCheckResult Run(string tracePath, TraceReaderOptions readerOptions)
    {
        ArgumentNullException.ThrowIfNull(tracePath);
        using CaptureManifest manifest = CaptureManifest.TryLoadFor(tracePath)
            ?? throw new FileNotFoundException($"No capture manifest beside the trace (expected {CaptureManifest.PathFor(tracePath)}); the check needs the captured sysctls and HZ.", CaptureManifest.PathFor(tracePath));
        WritebackConfig config = ConfigFrom(manifest);
        TraceReaderOptions options = manifest.ApplyTo(readerOptions);

        WritebackCheckSurvey survey = WritebackCheckSurvey.Read(tracePath, options, config.Hz);
        if (survey.FirstGlobalDirtyState is not GlobalDirtyState first)
        {
            return new ModelCheckResult("writeback", 0, 0, new Dictionary<string, double>(), ["the trace has no writeback:global_dirty_state events: the dirty counters are unknown"]);
        }

        config = config with { JiffiesEpoch = SimTime.FromNanoseconds(survey.TickPhaseNs) };
        var replay = new WritebackCheckReplay(config, survey, first);
        using (TraceReader reader = TraceReader.Open(tracePath, options))
        {
            while (reader.Read())
            {
                replay.Feed(reader.Current);
            }
        }

        return replay.Result();
    }

    /// <summary>The model configuration a manifest describes.</summary>
    internal static WritebackConfig ConfigFrom(CaptureManifest manifest)
    {
        int hz = manifest.Hz ?? 250;
        PageSize pageSize = manifest.GetInt64("kernel.page_size") is long ps and > 0 ? PageSize.FromBytes((int)ps) : PageSize.FourKiB;
        KernelProfile profile = manifest.KernelRelease is string release
            ? KernelProfile.FromRelease(release, hz, pageSize).NearestKnown()
            : KernelProfile.Linux6_18 with { Hz = hz, PageSize = pageSize };
        return new WritebackConfig
        {
            Profile = profile,
            CgroupVersion = manifest.CgroupVersion == 2 ? CgroupVersion.V2 : CgroupVersion.V1,
            DirtyRatio = (int)(manifest.GetInt64("sysctl.vm.dirty_ratio") ?? WritebackConfig.DefaultDirtyRatio),
            DirtyBackgroundRatio = (int)(manifest.GetInt64("sysctl.vm.dirty_background_ratio") ?? WritebackConfig.DefaultDirtyBackgroundRatio),
            DirtyBytes = manifest.GetInt64("sysctl.vm.dirty_bytes") ?? 0,
            DirtyBackgroundBytes = manifest.GetInt64("sysctl.vm.dirty_background_bytes") ?? 0,
            DirtyExpireCentisecs = (int)(manifest.GetInt64("sysctl.vm.dirty_expire_centisecs") ?? WritebackConfig.DefaultDirtyExpireCentisecs),
            DirtyWritebackCentisecs = (int)(manifest.GetInt64("sysctl.vm.dirty_writeback_centisecs") ?? WritebackConfig.DefaultDirtyWritebackCentisecs),
            LaptopMode = (manifest.GetInt64("sysctl.vm.laptop_mode") ?? 0) != 0,
            OnlineCpus = (int)Math.Clamp(manifest.GetInt64("host.cpus") ?? 1, 1, 8192),
        };
    }

    /// <summary>
    /// The dirtyable memory for which domain_dirty_limits gives <paramref name="thresh"/> (and, if it can,
    /// <paramref name="bgThresh"/> too) under ratio settings; any positive value under byte settings.
    /// </summary>
    internal static long DirtyableFor(WritebackConfig config, long thresh, long bgThresh)
    {
        long pageSize = config.PageSizeBytes;
        long ratio = config.DirtyRatio * pageSize / 100;
        long bgRatio = config.DirtyBackgroundRatio * pageSize / 100;
        if (config.DirtyBytes == 0 && ratio > 0)
        {
            // thresh = ratio·avail/PAGE_SIZE: the smallest avail reaching thresh, then the ones after it while
            // thresh holds, looking for the recorded bg_thresh as well.
            long avail = PageWriteback.DivRoundUp(thresh * pageSize, ratio);
            for (long a = avail; a * ratio / pageSize == thresh; a++)
            {
                if (config.DirtyBackgroundBytes != 0 || PageWriteback.DomainDirtyLimits(config, a).BgThresh == bgThresh)
                {
                    return a;
                }
            }

            return Math.Max(avail, 1);
        }

        if (config.DirtyBackgroundBytes == 0 && bgRatio > 0)
        {
            return Math.Max(PageWriteback.DivRoundUp(bgThresh * pageSize, bgRatio), 1);
        }

        // Both thresholds come from bytes: dirtyable memory does not enter them.
        return Math.Max(thresh * 5, 1);
    }
}
