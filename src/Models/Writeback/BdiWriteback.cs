namespace KernelSim.Models.Writeback;

/// <summary>
/// One bdi_writeback: its page counters, its bandwidth estimator and its dirty rate limit, in pages, pages per
/// second and jiffies.
/// </summary>
/// <remarks>
/// Mirrors <c>struct bdi_writeback</c> (include/linux/backing-dev-defs.h) and the estimator functions of
/// mm/page-writeback.c: <c>wb_update_write_bandwidth</c>, <c>wb_update_dirty_ratelimit</c>,
/// <c>__wb_update_bandwidth</c>, <c>wb_bandwidth_estimate_start</c>. The bdi-wide total bandwidth
/// (<c>tot_write_bandwidth</c>) is not kept: the model has one wb per bdi.
/// </remarks>
internal sealed class BdiWriteback
{
    private readonly WritebackConfig _config;

    public BdiWriteback(WritebackConfig config, long nowJiffies)
    {
        _config = config;
        long init = config.InitBw;
        WriteBandwidth = init;
        AvgWriteBandwidth = init;
        DirtyRatelimit = init;
        BalancedDirtyRatelimit = init;
        BwTimeStamp = nowJiffies;
    }

    /// <summary>WB_RECLAIMABLE: dirty pages of this wb.</summary>
    public long Reclaimable { get; set; }

    /// <summary>WB_WRITEBACK: pages of this wb under writeback.</summary>
    public long Writeback { get; set; }

    /// <summary>WB_DIRTIED: pages ever dirtied against this wb.</summary>
    public long Dirtied { get; set; }

    /// <summary>WB_WRITTEN: pages ever written by this wb.</summary>
    public long Written { get; set; }

    /// <summary><c>write_bandwidth</c>, pages/s.</summary>
    public long WriteBandwidth { get; set; }

    /// <summary><c>avg_write_bandwidth</c>, pages/s.</summary>
    public long AvgWriteBandwidth { get; set; }

    /// <summary><c>dirty_ratelimit</c>, pages/s.</summary>
    public long DirtyRatelimit { get; set; }

    /// <summary><c>balanced_dirty_ratelimit</c>, pages/s.</summary>
    public long BalancedDirtyRatelimit { get; set; }

    /// <summary><c>bw_time_stamp</c>, jiffies of the last estimate.</summary>
    public long BwTimeStamp { get; set; }

    /// <summary><c>dirtied_stamp</c>: WB_DIRTIED at the last estimate.</summary>
    public long DirtiedStamp { get; set; }

    /// <summary><c>written_stamp</c>: WB_WRITTEN at the last estimate.</summary>
    public long WrittenStamp { get; set; }

    /// <summary><c>dirty_exceeded</c>: tasks check every 32 KiB instead of their own interval.</summary>
    public bool DirtyExceeded { get; set; }

    /// <summary>WB_RECLAIMABLE + WB_WRITEBACK.</summary>
    public long WbDirty => Reclaimable + Writeback;

    /// <summary>
    /// <c>wb_bandwidth_estimate_start</c>: after more than WB_BANDWIDTH_IDLE_JIF without an estimate and with no
    /// inode under writeback, restart the interval at <paramref name="nowJiffies"/> so idle time does not dilute it.
    /// </summary>
    public void BandwidthEstimateStart(long nowJiffies, bool inodesUnderWriteback)
    {
        if (nowJiffies - BwTimeStamp > _config.WbBandwidthIdleJif && !inodesUnderWriteback)
        {
            DirtiedStamp = Dirtied;
            WrittenStamp = Written;
            BwTimeStamp = nowJiffies;
        }
    }

    /// <summary>True when the last estimate is more than BANDWIDTH_INTERVAL old (<c>time_is_before_jiffies(bw_time_stamp + BANDWIDTH_INTERVAL)</c>).</summary>
    public bool BandwidthStale(long nowJiffies) => nowJiffies - (BwTimeStamp + _config.BandwidthInterval) > 0;

    /// <summary>
    /// <c>__wb_update_bandwidth</c>: with <paramref name="updateRatelimit"/> (balance_dirty_pages) first move the
    /// domains' dirty_limit and this wb's dirty_ratelimit, then (always) the write bandwidth; stamp the interval.
    /// </summary>
    /// <param name="nowJiffies">jiffies.</param>
    /// <param name="gdtc">The global domain of this pass (used when <paramref name="updateRatelimit"/>).</param>
    /// <param name="globalDomain">Its wb_domain.</param>
    /// <param name="hasMdtc">A memcg domain is in effect.</param>
    /// <param name="mdtc">The memcg domain (when <paramref name="hasMdtc"/>).</param>
    /// <param name="memcgDomain">Its wb_domain.</param>
    /// <param name="updateRatelimit">Called from balance_dirty_pages (true) or the writeback path (false).</param>
    /// <returns>The bdi_dirty_ratelimit record of the last rate-limit update, if any.</returns>
    public BdiDirtyRatelimitRecord? UpdateBandwidth(
        long nowJiffies,
        in DirtyThrottleControl gdtc,
        WbDomain globalDomain,
        bool hasMdtc,
        in DirtyThrottleControl mdtc,
        WbDomain memcgDomain,
        bool updateRatelimit)
    {
        long elapsed = Math.Max(nowJiffies - BwTimeStamp, 1);
        long dirtied = Dirtied;
        long written = Written;
        BdiDirtyRatelimitRecord? record = null;

        if (updateRatelimit)
        {
            globalDomain.UpdateDirtyLimit(nowJiffies, _config.BandwidthInterval, gdtc.Thresh, gdtc.Dirty);
            record = UpdateDirtyRatelimit(gdtc, globalDomain, dirtied, elapsed);
            if (hasMdtc)
            {
                memcgDomain.UpdateDirtyLimit(nowJiffies, _config.BandwidthInterval, mdtc.Thresh, mdtc.Dirty);
                record = UpdateDirtyRatelimit(mdtc, memcgDomain, dirtied, elapsed);
            }
        }

        UpdateWriteBandwidth(elapsed, written);
        DirtiedStamp = dirtied;
        WrittenStamp = written;
        BwTimeStamp = nowJiffies;
        return record;
    }

    /// <summary>
    /// <c>wb_update_write_bandwidth</c>: blend the interval's rate into write_bandwidth over a period of
    /// roundup_pow_of_two(3·HZ) jiffies (or replace it after a longer gap); move avg_write_bandwidth 1/8 of the way
    /// toward write_bandwidth only while both trend the same way.
    /// </summary>
    public void UpdateWriteBandwidth(long elapsed, long written)
    {
        long period = PageWriteback.RoundupPowOfTwo(3L * _config.Hz);
        long avg = AvgWriteBandwidth;
        long old = WriteBandwidth;

        // The counter may go back (folio_redirty_for_writepage); never below the stamp.
        long bw = (written - Math.Min(written, WrittenStamp)) * _config.Hz;
        if (elapsed > period)
        {
            bw /= elapsed;
            avg = bw;
        }
        else
        {
            bw += old * (period - elapsed);
            bw >>= PageWriteback.Ilog2(period);
            if (avg > old && old >= bw)
            {
                avg -= (avg - old) >> 3;
            }

            if (avg < old && old <= bw)
            {
                avg += (old - avg) >> 3;
            }
        }

        WriteBandwidth = bw;
        AvgWriteBandwidth = Math.Max(avg, 1);
    }

    /// <summary>
    /// <c>wb_update_dirty_ratelimit</c>: estimate the balanced rate (task rate × write bandwidth / dirty rate, at most
    /// the write bandwidth) and step dirty_ratelimit toward it, only when the task rate agrees on the direction, by a
    /// step that shrinks as it gets close (ceil((step &gt;&gt; (rate/(2·step+1)))/8)).
    /// </summary>
    public BdiDirtyRatelimitRecord UpdateDirtyRatelimit(in DirtyThrottleControl dtc, WbDomain domain, long dirtied, long elapsed)
    {
        int hz = _config.Hz;
        long dirty = dtc.Dirty;
        long freerun = PageWriteback.DirtyFreerunCeiling(dtc.Thresh, dtc.BgThresh);
        long limit = PageWriteback.HardDirtyLimit(domain.DirtyLimit, dtc.Thresh);
        long setpoint = PageWriteback.Setpoint(freerun, limit);
        long writeBw = AvgWriteBandwidth;
        long dirtyRatelimit = DirtyRatelimit;

        long dirtyRate = Math.Max(dirtied - DirtiedStamp, 0) * hz / elapsed;
        long taskRatelimit = (dirtyRatelimit * dtc.PosRatio) >> WritebackConfig.RatelimitCalcShift;
        taskRatelimit++;

        long balanced = taskRatelimit * writeBw / (dirtyRate | 1);
        balanced = Math.Min(balanced, writeBw);

        if (_config.StrictLimit)
        {
            dirty = dtc.WbDirty;
            setpoint = !_config.Is618 && dtc.WbDirty < 8
                ? dtc.WbDirty + 1
                : (dtc.WbThresh + dtc.WbBgThresh) / 2;
        }

        long step = 0;
        if (dirty < setpoint)
        {
            long x = Math.Min(Math.Min(BalancedDirtyRatelimit, balanced), taskRatelimit);
            if (dirtyRatelimit < x)
            {
                step = x - dirtyRatelimit;
            }
        }
        else
        {
            long x = Math.Max(Math.Max(BalancedDirtyRatelimit, balanced), taskRatelimit);
            if (dirtyRatelimit > x)
            {
                step = dirtyRatelimit - x;
            }
        }

        long shift = dirtyRatelimit / ((2 * step) + 1);
        step = shift < 64 ? PageWriteback.DivRoundUp(step >> (int)shift, 8) : 0;
        dirtyRatelimit = dirtyRatelimit < balanced ? dirtyRatelimit + step : dirtyRatelimit - step;

        DirtyRatelimit = Math.Max(dirtyRatelimit, 1);
        BalancedDirtyRatelimit = balanced;

        int ps = _config.PageShift;
        return new BdiDirtyRatelimitRecord(
            PageWriteback.KBps(WriteBandwidth, ps),
            PageWriteback.KBps(AvgWriteBandwidth, ps),
            PageWriteback.KBps(dirtyRate, ps),
            PageWriteback.KBps(DirtyRatelimit, ps),
            PageWriteback.KBps(taskRatelimit, ps),
            PageWriteback.KBps(BalancedDirtyRatelimit, ps),
            _config.WbCgroupIno);
    }
}
