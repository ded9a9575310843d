using System.Runtime.InteropServices;
using KernelSim.Time;

namespace KernelSim.Models.Writeback;

/// <summary>mm/page-writeback.c balance_dirty_pages itself: the pass, its record, the domain and wb limits, the delayed bandwidth work.</summary>
public sealed partial class DirtyThrottle
{
    // The delayed bandwidth work (bw_dwork): wb_update_bandwidth at its due jiffy, with the counters as they are.
    private void RunDueWork(long nowJiffies)
    {
        if (_bandwidthWorkPending && nowJiffies - _bandwidthWorkDue >= 0)
        {
            _bandwidthWorkPending = false;
            DirtyThrottleControl none = default;
            _wb.UpdateBandwidth(_bandwidthWorkDue, none, _globalDomain, false, none, _memcgDomain, updateRatelimit: false);
        }
    }

    private ThrottleDecision Balance(SimTime now, ref TaskState task)
    {
        WritebackConfig c = _config;
        int hz = c.Hz;
        long jnow = JiffiesAt(now);
        long start = task.InLoop ? task.LoopStart : jnow;
        task.InLoop = false;
        long pagesDirtied = task.NrDirtied;
        bool strict = c.StrictLimit;

        // balance_domain_limits(gdtc): domain_dirty_avail, domain_dirty_limits (traces global_dirty_state), freerun.
        var g = new DirtyThrottleControl { Avail = _dirtyable, Dirty = _nrFileDirty + _nrWriteback };
        DirtyThresholds gt = PageWriteback.DomainDirtyLimits(c, g.Avail, null, task.Realtime, _globalDomain.DirtyLimit);
        g.Thresh = gt.Thresh;
        g.BgThresh = gt.BgThresh;
        var dirtyState = new GlobalDirtyStateRecord(_nrFileDirty, _nrWriteback, gt.BgThresh, gt.Thresh, _globalDomain.DirtyLimit, _nrDirtied, _nrWritten);
        DomainDirtyFreerun(ref g, strict);

        bool hasM = c.CgroupVersion == CgroupVersion.V2 && _memcg.HasValue;
        DirtyThrottleControl m = default;
        if (hasM)
        {
            MemcgWbStats s = _memcg.GetValueOrDefault();
            m.Dirty = s.Dirty + s.Writeback;
            m.Avail = PageWriteback.MdtcCalcAvail(s.FilePages, s.Headroom, m.Dirty, g.Avail, g.Dirty);
            DirtyThresholds mt = PageWriteback.DomainDirtyLimits(c, m.Avail, g.Avail, task.Realtime, _globalDomain.DirtyLimit);
            m.Thresh = mt.Thresh;
            m.BgThresh = mt.BgThresh;
            DomainDirtyFreerun(ref m, strict);
        }

        long gLimit = PageWriteback.HardDirtyLimit(_globalDomain.DirtyLimit, g.Thresh);
        long gFreerun = PageWriteback.DirtyFreerunCeiling(g.Thresh, g.BgThresh);
        var limits = new DomainLimits(g.Dirty, g.Thresh, g.BgThresh, gFreerun, gLimit, PageWriteback.Setpoint(gFreerun, gLimit));

        bool kick = !c.LaptopMode && _nrFileDirty > g.BgThresh && !_writebackRunning;

        if (g.Freerun && (!hasM || m.Freerun))
        {
            long intv = DomainPollInterval(g, strict);
            long mIntv = hasM ? DomainPollInterval(m, strict) : long.MaxValue;
            task.DirtyPausedWhen = jnow;
            task.NrDirtied = 0;
            task.NrDirtiedPause = Math.Min(intv, mIntv);
            return new ThrottleDecision(ThrottleOutcome.FreeRun, SimDuration.Zero, now, false, kick, dirtyState, limits, null, null);
        }

        // Start writeback even in laptop mode.
        kick |= !_writebackRunning;

        // balance_wb_limits: wb share, dirty_exceeded, pos_ratio; the tighter domain wins.
        BalanceWbLimits(ref g, _globalDomain, strict);
        bool useM = false;
        if (hasM)
        {
            BalanceWbLimits(ref m, _memcgDomain, strict);
            useM = m.PosRatio < g.PosRatio;
        }

        _wb.DirtyExceeded = g.DirtyExceeded || (hasM && m.DirtyExceeded);

        BdiDirtyRatelimitRecord? rateRecord = null;
        if (_wb.BandwidthStale(jnow))
        {
            rateRecord = _wb.UpdateBandwidth(jnow, g, _globalDomain, hasM, m, _memcgDomain, updateRatelimit: true);
        }

        DirtyThrottleControl sdtc = useM ? m : g;
        long dirtyRatelimit = _wb.DirtyRatelimit;
        long taskRatelimit = (dirtyRatelimit * sdtc.PosRatio) >> WritebackConfig.RatelimitCalcShift;
        long maxPause = PageWriteback.WbMaxPause(c, _wb.AvgWriteBandwidth, sdtc.WbDirty);
        long minPause = PageWriteback.WbMinPause(c, _wb.AvgWriteBandwidth, _wb.DirtyRatelimit, maxPause, taskRatelimit, dirtyRatelimit, out long nrDirtiedPause);

        long period;
        long pause;
        long pauseNow = jnow;
        if (taskRatelimit == 0)
        {
            period = maxPause;
            pause = maxPause;
        }
        else
        {
            period = hz * pagesDirtied / taskRatelimit;
            pause = period;
            if (task.DirtyPausedWhen != 0)
            {
                pause -= jnow - task.DirtyPausedWhen;
            }

            // Less than 1 s of think time is credited to later periods; more is a reset (a light dirtier).
            if (pause < minPause)
            {
                BalanceDirtyPagesRecord noSleep = Record(sdtc, useM, dirtyRatelimit, taskRatelimit, pagesDirtied, task, jnow, start, period, Math.Min(pause, 0), minPause, maxPause);
                if (pause < -hz)
                {
                    task.DirtyPausedWhen = jnow;
                    task.NrDirtied = 0;
                }
                else if (period != 0)
                {
                    task.DirtyPausedWhen += period;
                    task.NrDirtied = 0;
                }
                else if (task.NrDirtiedPause <= pagesDirtied)
                {
                    task.NrDirtiedPause += pagesDirtied;
                }

                return new ThrottleDecision(ThrottleOutcome.NoPause, SimDuration.Zero, now, false, kick, dirtyState, limits, noSleep, rateRecord);
            }

            if (pause > maxPause)
            {
                // An occasional low task_ratelimit: sleep max_pause now and carry part of the debt.
                pauseNow += Math.Min(pause - maxPause, maxPause);
                pause = maxPause;
            }
        }

        BalanceDirtyPagesRecord slept = Record(sdtc, useM, dirtyRatelimit, taskRatelimit, pagesDirtied, task, jnow, start, period, pause, minPause, maxPause);
        task.DirtyPausedWhen = pauseNow + pause;
        task.NrDirtied = 0;
        task.NrDirtiedPause = nrDirtiedPause;
        bool loop = taskRatelimit == 0 && sdtc.WbDirty > c.WbStatError;
        if (loop)
        {
            task.InLoop = true;
            task.LoopStart = start;
        }

        return new ThrottleDecision(
            ThrottleOutcome.Paused,
            SimDuration.FromJiffies(pause, hz),
            TimeOfJiffies(jnow + pause + 1),
            loop,
            kick,
            dirtyState,
            limits,
            slept,
            rateRecord);
    }

    private BalanceDirtyPagesRecord Record(
        in DirtyThrottleControl sdtc,
        bool memcg,
        long dirtyRatelimit,
        long taskRatelimit,
        long pagesDirtied,
        in TaskState task,
        long jnow,
        long start,
        long period,
        long pause,
        long minPause,
        long maxPause)
    {
        WritebackConfig c = _config;
        int hz = c.Hz;
        int ps = c.PageShift;
        long limit = c.Is618 ? sdtc.Limit : _globalDomain.DirtyLimit;
        long freerun = PageWriteback.DirtyFreerunCeiling(sdtc.Thresh, sdtc.BgThresh);
        long setpoint = PageWriteback.Setpoint(freerun, limit);
        long wbSetpoint = setpoint * sdtc.WbThresh / (sdtc.Thresh + 1);
        long think = task.DirtyPausedWhen == 0 ? 0 : PageWriteback.JiffiesToMs(jnow - task.DirtyPausedWhen, hz);
        return new BalanceDirtyPagesRecord(
            limit,
            setpoint,
            sdtc.Dirty,
            wbSetpoint,
            sdtc.WbDirty,
            PageWriteback.KBps(dirtyRatelimit, ps),
            PageWriteback.KBps(taskRatelimit, ps),
            pagesDirtied,
            task.NrDirtiedPause,
            PageWriteback.JiffiesToMs(jnow - start, hz),
            PageWriteback.JiffiesToMs(pause, hz),
            PageWriteback.JiffiesToMs(period, hz),
            think,
            c.WbCgroupIno,
            sdtc.Thresh,
            sdtc.BgThresh,
            sdtc.WbThresh,
            sdtc.PosRatio,
            minPause,
            maxPause,
            pause,
            memcg);
    }

    // domain_dirty_freerun: below (thresh + bg)/2 of the domain (of the wb's share with strictlimit).
    private void DomainDirtyFreerun(ref DirtyThrottleControl dtc, bool strict)
    {
        if (strict)
        {
            WbDirtyLimits(ref dtc);
            dtc.Freerun = dtc.WbDirty <= PageWriteback.DirtyFreerunCeiling(dtc.WbThresh, dtc.WbBgThresh);
        }
        else
        {
            dtc.Freerun = dtc.Dirty <= PageWriteback.DirtyFreerunCeiling(dtc.Thresh, dtc.BgThresh);
        }
    }

    // balance_wb_limits (wb_dirty_freerun without PF_LOCAL_THROTTLE tasks, wb_dirty_exceeded, wb_position_ratio).
    private void BalanceWbLimits(ref DirtyThrottleControl dtc, WbDomain domain, bool strict)
    {
        dtc.Freerun = false;
        if (!strict)
        {
            WbDirtyLimits(ref dtc);
        }

        dtc.DirtyExceeded = dtc.WbDirty > dtc.WbThresh && (dtc.Dirty > dtc.Thresh || strict);
        dtc.Limit = PageWriteback.HardDirtyLimit(domain.DirtyLimit, dtc.Thresh);
        PageWriteback.WbPositionRatio(_config, ref dtc, _wb.AvgWriteBandwidth);
    }

    // wb_dirty_limits: the wb's shares of thresh and bg_thresh and its dirty count (exact: the model has no per-CPU drift).
    private void WbDirtyLimits(ref DirtyThrottleControl dtc)
    {
        dtc.WbThresh = PageWriteback.WbCalcThresh(_config, dtc.Thresh, dtc.Dirty);
        dtc.WbBgThresh = PageWriteback.WbBgThresh(dtc.WbThresh, dtc.Thresh, dtc.BgThresh);
        dtc.WbDirty = _wb.WbDirty;
    }

    // domain_poll_intv.
    private static long DomainPollInterval(in DirtyThrottleControl dtc, bool strict) =>
        strict ? PageWriteback.DirtyPollInterval(dtc.WbDirty, dtc.WbThresh) : PageWriteback.DirtyPollInterval(dtc.Dirty, dtc.Thresh);

    private ref TaskState TaskRef(int taskId)
    {
        ref TaskState t = ref CollectionsMarshal.GetValueRefOrAddDefault(_tasks, taskId, out bool exists);
        if (!exists)
        {
            t.NrDirtiedPause = _config.InitialNrDirtiedPause;
        }

        return ref t;
    }

    private void CheckCpu(int cpu)
    {
        if ((uint)cpu >= (uint)_bdpRatelimits.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(cpu), cpu, $"cpu must be in [0, {_bdpRatelimits.Length - 1}] (WritebackConfig.OnlineCpus = {_bdpRatelimits.Length}).");
        }
    }
}
