using System.Numerics;

namespace KernelSim.Models.Writeback;

/// <summary>
/// The fixed-point arithmetic of dirty throttling as pure functions, one per kernel function, in pages, jiffies and
/// pages per second. Integer division truncates toward zero and shifts are arithmetic, as in the kernel's C.
/// </summary>
/// <remarks>
/// mm/page-writeback.c (Linux 6.18; the 6.1 variants where <see cref="WritebackConfig.Is618"/> is false). The logic
/// is written from the kernel's description and code, not copied; each method cites the function it follows.
/// </remarks>
public static class PageWriteback
{
    private const int Shift = WritebackConfig.RatelimitCalcShift;

    /// <summary>1.0 in pos_ratio fixed point.</summary>
    public const long PosRatioOne = 1L << Shift;

    /// <summary><c>ilog2</c>: floor(log2 v), and -1 for 0 (as <c>fls_long(v) - 1</c>).</summary>
    public static int Ilog2(long value) => value <= 0 ? -1 : BitOperations.Log2((ulong)value);

    /// <summary><c>roundup_pow_of_two</c> for positive values.</summary>
    public static long RoundupPowOfTwo(long value) => (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(value, 1));

    /// <summary><c>DIV_ROUND_UP</c> for non-negative operands.</summary>
    public static long DivRoundUp(long numerator, long denominator) => (numerator + denominator - 1) / denominator;

    /// <summary>
    /// <c>global_dirtyable_memory</c>: free pages above the reserves plus the file LRUs, minus dirtyable highmem,
    /// plus one so it is never zero.
    /// </summary>
    /// <param name="freePages">NR_FREE_PAGES.</param>
    /// <param name="totalReservePages"><c>totalreserve_pages</c>.</param>
    /// <param name="activeFile">NR_ACTIVE_FILE.</param>
    /// <param name="inactiveFile">NR_INACTIVE_FILE.</param>
    /// <param name="highmemDirtyable">Dirtyable highmem (0 on 64-bit, or with vm.highmem_is_dirtyable).</param>
    public static long GlobalDirtyableMemory(long freePages, long totalReservePages, long activeFile, long inactiveFile, long highmemDirtyable = 0)
    {
        long x = freePages - Math.Min(freePages, totalReservePages);
        x += inactiveFile + activeFile;
        x -= Math.Min(highmemDirtyable, x);
        return x + 1;
    }

    /// <summary>
    /// <c>domain_dirty_limits</c>: the thresholds of a domain with <paramref name="avail"/> dirtyable pages.
    /// Ratios are applied per PAGE_SIZE (ratio·PAGE_SIZE/100, truncated) for precision; byte settings win over
    /// ratios and are rounded up to pages. A memcg domain (<paramref name="globalAvail"/> given) turns byte settings
    /// into per-PAGE_SIZE ratios of the global dirtyable memory. Real-time tasks get a quarter more plus 1/32 of the
    /// global dirty_limit. A background threshold at or above the threshold is cut to half of it.
    /// </summary>
    /// <param name="config">Sysctls and profile.</param>
    /// <param name="avail">The domain's dirtyable pages.</param>
    /// <param name="globalAvail">For a memcg domain: the global domain's dirtyable pages; null for the global domain.</param>
    /// <param name="realtime">The task is RT or deadline (<c>rt_or_dl_task</c>; 6.1: <c>rt_task</c>).</param>
    /// <param name="globalDirtyLimit"><c>global_wb_domain.dirty_limit</c>, used by the RT boost.</param>
    public static DirtyThresholds DomainDirtyLimits(WritebackConfig config, long avail, long? globalAvail = null, bool realtime = false, long globalDirtyLimit = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        long pageSize = config.PageSizeBytes;
        long bytes = config.DirtyBytes;
        long bgBytes = config.DirtyBackgroundBytes;
        long ratio = config.DirtyRatio * pageSize / 100;
        long bgRatio = config.DirtyBackgroundRatio * pageSize / 100;

        if (globalAvail is long global)
        {
            long g = Math.Max(global, 1);
            if (bytes != 0)
            {
                ratio = Math.Min(DivRoundUp(bytes, g), pageSize);
            }

            if (bgBytes != 0)
            {
                bgRatio = Math.Min(DivRoundUp(bgBytes, g), pageSize);
            }

            bytes = 0;
            bgBytes = 0;
        }

        long thresh = bytes != 0 ? DivRoundUp(bytes, pageSize) : ratio * avail / pageSize;
        long bgThresh = bgBytes != 0 ? DivRoundUp(bgBytes, pageSize) : bgRatio * avail / pageSize;

        if (config.Is618)
        {
            // 6.18: boost first, clamp to 32 bits, then keep bg below thresh.
            if (realtime)
            {
                bgThresh += (bgThresh / 4) + (globalDirtyLimit / 32);
                thresh += (thresh / 4) + (globalDirtyLimit / 32);
            }

            thresh = Math.Min(thresh, uint.MaxValue);
            if (bgThresh >= thresh)
            {
                bgThresh = thresh / 2;
            }
        }
        else
        {
            // 6.1: bg fix first, then the RT boost (which may lift bg to or above thresh again).
            if (bgThresh >= thresh)
            {
                bgThresh = thresh / 2;
            }

            if (realtime)
            {
                bgThresh += (bgThresh / 4) + (globalDirtyLimit / 32);
                thresh += (thresh / 4) + (globalDirtyLimit / 32);
            }
        }

        return new DirtyThresholds(thresh, bgThresh);
    }

    /// <summary>
    /// <c>mdtc_calc_avail</c>: a memcg domain may use its own file pages plus as much of the clean memory outside it
    /// as its headroom allows.
    /// </summary>
    /// <param name="filePages">The memcg's file pages.</param>
    /// <param name="headroom">How far the memcg is below its limits.</param>
    /// <param name="memcgDirty">The memcg's dirty + writeback pages.</param>
    /// <param name="globalAvail">The global domain's dirtyable pages.</param>
    /// <param name="globalDirty">The global domain's dirty + writeback pages.</param>
    public static long MdtcCalcAvail(long filePages, long headroom, long memcgDirty, long globalAvail, long globalDirty)
    {
        long clean = filePages - Math.Min(filePages, memcgDirty);
        long globalClean = globalAvail - Math.Min(globalAvail, globalDirty);
        long otherClean = globalClean - Math.Min(globalClean, clean);
        return filePages + Math.Min(headroom, otherClean);
    }

    /// <summary><c>dirty_freerun_ceiling</c>: (thresh + bg_thresh) / 2.</summary>
    public static long DirtyFreerunCeiling(long thresh, long bgThresh) => (thresh + bgThresh) / 2;

    /// <summary><c>hard_dirty_limit</c>: max(thresh, the domain's slowly moving dirty_limit).</summary>
    public static long HardDirtyLimit(long domainDirtyLimit, long thresh) => Math.Max(thresh, domainDirtyLimit);

    /// <summary>The global setpoint: halfway between the freerun ceiling and the hard limit.</summary>
    public static long Setpoint(long freerun, long limit) => (freerun + limit) / 2;

    /// <summary>
    /// <c>update_dirty_limit</c>: the domain's dirty_limit jumps up to a higher thresh at once and decays toward
    /// max(thresh, dirty) by 1/32 of the gap per call.
    /// </summary>
    public static long UpdateDirtyLimit(long dirtyLimit, long thresh, long dirty)
    {
        if (dirtyLimit < thresh)
        {
            return thresh;
        }

        long target = Math.Max(thresh, dirty);
        return dirtyLimit > target ? dirtyLimit - ((dirtyLimit - target) >> 5) : dirtyLimit;
    }

    /// <summary>
    /// <c>dirty_poll_interval</c>: pages a task may dirty before it checks again below the freerun ceiling,
    /// 2^(⌊log2(thresh − dirty)⌋/2), or 1 at or above the threshold.
    /// </summary>
    public static long DirtyPollInterval(long dirty, long thresh) =>
        thresh > dirty ? 1L << (Ilog2(thresh - dirty) >> 1) : 1;

    /// <summary>
    /// <c>pos_ratio_polynom</c>: 1 + ((setpoint − dirty)/(limit − setpoint))³ in 1/1024, clamped to [0, 2.0]:
    /// 2.0 at the freerun ceiling, 1.0 at the setpoint, 0 at the limit.
    /// </summary>
    public static long PosRatioPolynom(long setpoint, long dirty, long limit)
    {
        // The kernel computes this in s64 and lets extreme inputs wrap before the clamp; so does this.
        unchecked
        {
            long x = ((setpoint - dirty) << Shift) / ((limit - setpoint) | 1);
            long pos = x;
            pos = (pos * x) >> Shift;
            pos = (pos * x) >> Shift;
            pos += PosRatioOne;
            return Math.Clamp(pos, 0, 2 * PosRatioOne);
        }
    }

    /// <summary>
    /// <c>wb_position_ratio</c>: the dirty position control ratio of one domain. The global cubic curve, then either
    /// the strictlimit curve on the wb's own counters, or the wb control line (slope set by 8× the write bandwidth,
    /// floor at 1/4) and the boost when the wb holds less than half its share.
    /// </summary>
    /// <param name="config">Profile and strictlimit.</param>
    /// <param name="dtc">The domain; <see cref="DirtyThrottleControl.Limit"/> must hold hard_dirty_limit. Sets PosRatio.</param>
    /// <param name="avgWriteBandwidth">The wb's <c>avg_write_bandwidth</c>, pages/s.</param>
    internal static void WbPositionRatio(WritebackConfig config, ref DirtyThrottleControl dtc, long avgWriteBandwidth)
    {
        dtc.PosRatio = 0;
        long limit = dtc.Limit;
        if (dtc.Dirty >= limit)
        {
            return;
        }

        long freerun = DirtyFreerunCeiling(dtc.Thresh, dtc.BgThresh);
        long setpoint = Setpoint(freerun, limit);
        long pos = PosRatioPolynom(setpoint, dtc.Dirty, limit);
        long wbThresh = dtc.WbThresh;

        if (config.StrictLimit)
        {
            if (!config.Is618 && dtc.WbDirty < 8)
            {
                dtc.PosRatio = Math.Min(pos * 2, 2 * PosRatioOne);
                return;
            }

            if (dtc.WbDirty >= wbThresh)
            {
                dtc.PosRatio = pos;
                return;
            }

            long wbSetpointStrict = DirtyFreerunCeiling(wbThresh, dtc.WbBgThresh);
            if (wbSetpointStrict == 0 || wbSetpointStrict == wbThresh)
            {
                dtc.PosRatio = pos;
                return;
            }

            dtc.PosRatio = Math.Min(pos, PosRatioPolynom(wbSetpointStrict, dtc.WbDirty, wbThresh));
            return;
        }

        wbThresh = Math.Min(wbThresh, dtc.Thresh);
        if (!config.Is618)
        {
            // 6.1 lifts an idle wb's share here; 6.18 does it in __wb_calc_thresh.
            wbThresh = Math.Max(wbThresh, (limit - dtc.Dirty) / 8);
        }

        // wb_setpoint = setpoint · wb_thresh/thresh, the fraction kept in 16 fraction bits.
        long x = (wbThresh << 16) / (dtc.Thresh | 1);
        long wbSetpoint = (setpoint * x) >> 16;
        long span = ((dtc.Thresh - wbThresh + (8 * avgWriteBandwidth)) * x) >> 16;
        long xIntercept = wbSetpoint + span;

        if (dtc.WbDirty < xIntercept - (span / 4))
        {
            pos = pos * (xIntercept - dtc.WbDirty) / ((xIntercept - wbSetpoint) | 1);
        }
        else
        {
            pos /= 4;
        }

        // The wb reserve area: below half its share the wb is boosted, up to 8x.
        long half = wbThresh / 2;
        if (dtc.WbDirty < half)
        {
            pos = dtc.WbDirty > half / 8 ? pos * half / dtc.WbDirty : pos * 8;
        }

        dtc.PosRatio = pos;
    }

    /// <summary>
    /// <c>__wb_calc_thresh</c>: the wb's share of <paramref name="thresh"/> from its writeout fraction, inside the
    /// bdi's min/max ratios; on 6.18 at least (thresh − dirty)/8 (/100 with strictlimit) so an idle device is not
    /// starved. With one bdi doing all writeout the share is the whole threshold.
    /// </summary>
    /// <param name="config">bdi ratios, writeout share, profile.</param>
    /// <param name="thresh">The domain threshold being shared (thresh or bg_thresh).</param>
    /// <param name="domainDirty">The domain's dirty pages (6.18 floor).</param>
    public static long WbCalcThresh(WritebackConfig config, long thresh, long domainDirty)
    {
        ArgumentNullException.ThrowIfNull(config);
        long scale = config.Is618 ? WritebackConfig.BdiRatioScale : 1;
        long hundred = 100 * scale;

        // bdi_min_ratio is the sum of every bdi's min_ratio; this model has one bdi.
        long minRatio = config.BdiMinRatio * scale;
        long maxRatio = config.BdiMaxRatio * scale;
        long wbThresh = thresh * (hundred - minRatio) / hundred;
        wbThresh = wbThresh * config.WritebackShare.Numerator / config.WritebackShare.Denominator;
        wbThresh += thresh * minRatio / hundred;

        if (config.Is618 && thresh > domainDirty)
        {
            wbThresh = Math.Max(wbThresh, (thresh - domainDirty) / (config.StrictLimit ? 100 : 8));
        }

        long wbMaxThresh = thresh * maxRatio / hundred;
        return Math.Min(wbThresh, wbMaxThresh);
    }

    /// <summary><c>wb_dirty_limits</c> (thresholds part): wb_bg_thresh = wb_thresh · bg_thresh / thresh.</summary>
    public static long WbBgThresh(long wbThresh, long thresh, long bgThresh) =>
        thresh != 0 ? wbThresh * bgThresh / thresh : 0;

    /// <summary>
    /// <c>wb_max_pause</c>: the longest pause that leaves the wb's dirty pool 8x what the device writes in it,
    /// wb_dirty / (1 + bw / roundup_pow_of_two(1 + HZ/8)) + 1, capped at MAX_PAUSE; jiffies.
    /// </summary>
    public static long WbMaxPause(WritebackConfig config, long avgWriteBandwidth, long wbDirty)
    {
        ArgumentNullException.ThrowIfNull(config);
        long t = wbDirty / (1 + (avgWriteBandwidth / RoundupPowOfTwo(1 + (config.Hz / 8))));
        t++;
        return Math.Min(t, config.MaxPause);
    }

    /// <summary>
    /// <c>wb_min_pause</c>: the pause below which a task does not sleep, and the next <c>nr_dirtied_pause</c>.
    /// Targets 10 ms (more with many dirtiers, at most max_pause/2+1), then sizes the page batch from
    /// dirty_ratelimit, keeping it at DIRTY_POLL_THRESH or more and the resulting pause under max_pause.
    /// </summary>
    /// <param name="config">HZ and page size.</param>
    /// <param name="avgWriteBandwidth">The wb's avg_write_bandwidth, pages/s.</param>
    /// <param name="wbDirtyRatelimit">The wb's dirty_ratelimit as stored (its log2 enters the target).</param>
    /// <param name="maxPause">From <see cref="WbMaxPause"/>, jiffies.</param>
    /// <param name="taskRatelimit">This task's rate, pages/s.</param>
    /// <param name="dirtyRatelimit">The dirty_ratelimit read for this pass, pages/s.</param>
    /// <param name="nrDirtiedPause">The task's next nr_dirtied_pause, pages.</param>
    /// <returns>min_pause, jiffies.</returns>
    public static long WbMinPause(
        WritebackConfig config,
        long avgWriteBandwidth,
        long wbDirtyRatelimit,
        long maxPause,
        long taskRatelimit,
        long dirtyRatelimit,
        out long nrDirtiedPause)
    {
        ArgumentNullException.ThrowIfNull(config);
        int hz = config.Hz;
        long pollThresh = config.DirtyPollThresh;
        long hzPow2 = RoundupPowOfTwo(hz);
        long hi = Ilog2(avgWriteBandwidth);
        long lo = Ilog2(wbDirtyRatelimit);

        long t = Math.Max(1, hz / 100);
        if (hi > lo)
        {
            t += (hi - lo) * (10L * hz) / 1024;
        }

        t = Math.Min(t, 1 + (maxPause / 2));
        long pages = dirtyRatelimit * t / hzPow2;

        if (pages < pollThresh)
        {
            t = maxPause;
            pages = dirtyRatelimit * t / hzPow2;
            if (pages > pollThresh)
            {
                pages = pollThresh;
                t = hz * pollThresh / Math.Max(dirtyRatelimit, 1);
            }
        }

        long pause = hz * pages / (taskRatelimit + 1);
        if (pause > maxPause)
        {
            t = maxPause;
            pages = taskRatelimit * t / hzPow2;
        }

        nrDirtiedPause = pages;
        return pages >= pollThresh ? 1 + (t / 2) : t;
    }

    /// <summary>Pages per second to the KB/s the tracepoints print (<c>KBps</c>: x &lt;&lt; (PAGE_SHIFT − 10)).</summary>
    public static long KBps(long pagesPerSecond, int pageShift) => pagesPerSecond << (pageShift - 10);

    /// <summary>Jiffies to the milliseconds the tracepoints print (x · 1000 / HZ, truncated toward zero).</summary>
    public static long JiffiesToMs(long jiffies, int hz) => jiffies * 1000 / hz;
}
