using System.Globalization;
using KernelSim.Models.Writeback;
using KernelSim.Replay.Events;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Check;

/// <summary>The second pass: drives the model write by write and compares.</summary>
internal sealed partial class WritebackCheckReplay
{
    private static readonly string[] RequiredFields = ["limit", "setpoint", "thresh", "bg_thresh", "dirty_limit", "pause"];

    private readonly WritebackConfig _config;
    private readonly WritebackCheckSurvey _survey;
    private readonly DirtyThrottle _model;
    private readonly Dictionary<int, WriteWindow> _windows = [];
    private readonly Dictionary<string, FieldStats> _fields = new(StringComparer.Ordinal);
    private readonly List<double> _wakeErrorsUs = [];
    private readonly List<string> _mismatches = [];
    private readonly List<Action> _deferred = [];
    private readonly DeviceNumber? _device;
    private GlobalDirtyState _lastGds;
    private int _openWindows;
    private long _compared;
    private long _agreed;
    private long _callsRecorded;
    private long _callsPredicted;
    private long _callsAgreed;
    private long _callsForced;
    private long _callsGateInferred;
    private long _callsModelOnly;
    private long _tracedModelOnly;
    private long _sleepCompared;
    private long _sleepAgreed;
    private long _kickCompared;
    private long _kickAgreed;
    private long _ratelimitRecorded;
    private long _ratelimitPredicted;
    private long _gdsOutsideWrites;
    private long _writes;
    private long _writesElsewhere;
    private bool _dirtyLimitSeeded;

    public WritebackCheckReplay(WritebackConfig config, WritebackCheckSurvey survey, GlobalDirtyState first)
    {
        _config = config;
        _survey = survey;
        _lastGds = first;
        long dirtyable = WritebackCheck.DirtyableFor(config, (long)first.DirtyThresh, (long)first.BackgroundThresh);
        _model = new DirtyThrottle(config, dirtyable, survey.FirstEvent);
        if (_model.GlobalDirtyLimit != (long)first.DirtyLimit)
        {
            // dirty_limit carries history from before the capture (it decays 1/32 per 200 ms).
            _model.SetGlobalDirtyLimit((long)first.DirtyLimit);
            _dirtyLimitSeeded = true;
        }

        Sync(first);
        if (survey.Bdi is string bdi && DeviceNumber.TryParse(System.Text.Encoding.UTF8.GetBytes(bdi), out DeviceNumber dev))
        {
            _device = dev;
        }

        foreach (string f in new[] { "limit", "setpoint", "thresh", "bg_thresh", "dirty_limit", "wb_setpoint", "pause", "period", "think", "task_ratelimit", "dirty_ratelimit", "dirtied", "dirtied_pause" })
        {
            _fields[f] = new FieldStats();
        }
    }

    public void Feed(in RawEvent e)
    {
        ReadOnlySpan<byte> name = e.Name;
        if (name.SequenceEqual("global_dirty_state"u8))
        {
            if (GlobalDirtyState.TryDecode(e, out GlobalDirtyState gds))
            {
                _lastGds = gds;
                if (_windows.TryGetValue(e.Pid, out WriteWindow? w) && w.Open)
                {
                    w.Passes.Add(new RecordedPass(gds));
                }
                else
                {
                    _gdsOutsideWrites++;
                    if (e.Comm.StartsWith("kworker/"u8))
                    {
                        // The flusher checking wb_over_bg_thresh inside wb_do_writeback.
                        Defer(new Action(e.Timestamp, ActionKind.FlusherRunning));
                    }
                }
            }
        }
        else if (name.SequenceEqual("balance_dirty_pages"u8))
        {
            if (BalanceDirtyPages.TryDecode(e, out BalanceDirtyPages bdp)
                && _windows.TryGetValue(e.Pid, out WriteWindow? w) && w.Open && w.Passes.Count > 0)
            {
                w.Passes[^1].Bdp = bdp;
            }
        }
        else if (name.SequenceEqual("sys_enter_pwrite64"u8))
        {
            if (SysEnterPwrite64.TryDecode(e, out SysEnterPwrite64 enter))
            {
                Open(e.Pid).Reset(enter.Fd, enter.Pos);
            }
        }
        else if (name.SequenceEqual("sys_enter_write"u8))
        {
            if (SysEnterWrite.TryDecode(e, out SysEnterWrite enter))
            {
                Open(e.Pid).Reset(enter.Fd, -1);
            }
        }
        else if (name.SequenceEqual("sys_exit_pwrite64"u8) || name.SequenceEqual("sys_exit_write"u8))
        {
            long ret = SysExitPwrite64.TryDecode(e, out SysExitPwrite64 x) ? x.Ret
                : SysExitWrite.TryDecode(e, out SysExitWrite xw) ? xw.Ret : -1;
            if (_windows.TryGetValue(e.Pid, out WriteWindow? w) && w.Open)
            {
                w.Open = false;
                _openWindows--;
                if (_survey.FileFds.Contains((e.Pid, w.Fd)))
                {
                    Process(e.Pid, e.Cpu, e.Timestamp, ret, w);
                }
                else
                {
                    _writesElsewhere++;
                }

                CatchUp(e.Timestamp, all: _openWindows == 0);
            }
        }
        else if (name.SequenceEqual("writeback_wake_background"u8))
        {
            if (_windows.TryGetValue(e.Pid, out WriteWindow? w) && w.Open)
            {
                w.WakeBackground++;
            }
        }
        else if (name.SequenceEqual("block_rq_issue"u8))
        {
            if (BlockRqIssue.TryDecode(e, out BlockRqIssue rq) && rq.Rwbs.Contains('W', StringComparison.Ordinal)
                && (_device is null || rq.Dev == _device))
            {
                Defer(new Action(e.Timestamp, ActionKind.Writepages));
            }
        }
        else if (name.SequenceEqual("block_rq_complete"u8))
        {
            if (BlockRqComplete.TryDecode(e, out BlockRqComplete done) && done.Rwbs.Contains('W', StringComparison.Ordinal)
                && (_device is null || done.Dev == _device))
            {
                Defer(new Action(e.Timestamp, ActionKind.InodeWritebackEnd));
            }
        }
        else if (name.SequenceEqual("writeback_start"u8) || name.SequenceEqual("writeback_exec"u8))
        {
            // WB_writeback_running spans wb_do_writeback: from the flusher's first work item or background pass
            // to the writeback_pages_written that wb_workfn prints when it is done.
            Defer(new Action(e.Timestamp, ActionKind.FlusherRunning));
        }
        else if (name.SequenceEqual("writeback_pages_written"u8))
        {
            Defer(new Action(e.Timestamp, ActionKind.FlusherDone));
        }
        else if (name.SequenceEqual("bdi_dirty_ratelimit"u8))
        {
            if (BdiDirtyRatelimit.TryDecode(e, out BdiDirtyRatelimit r))
            {
                _ratelimitRecorded++;
                int s = _config.PageShift - 10;
                Defer(new Action(e.Timestamp, ActionKind.RestoreBandwidth, (long)r.WriteBw >> s, (long)r.AvgWriteBw >> s, (long)r.DirtyRatelimit >> s, (long)r.BalancedDirtyRatelimit >> s));
            }
        }
        else if (name.SequenceEqual("sched_process_exit"u8))
        {
            if (SchedProcessExit.TryDecode(e, out SchedProcessExit exit))
            {
                Defer(new Action(e.Timestamp, ActionKind.TaskExit, exit.Pid, ClampCpu(e.Cpu)));
            }
        }
        else if (name.SequenceEqual("sched_wakeup"u8))
        {
            if (SchedWakeup.TryDecode(e, out SchedWakeup wake)
                && _windows.TryGetValue(wake.Pid, out WriteWindow? w) && w.Open && w.Passes.Count > 0
                && w.Passes[^1] is { Bdp.Pause: > 0, Wake: null } slept)
            {
                slept.Wake = e.Timestamp;
            }
        }
    }

    public ModelCheckResult Result()
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["bdp.events"] = _compared,
            ["bdp.all_required_agreed"] = _agreed,
            ["bdp.traced_by_model_only"] = _tracedModelOnly,
            ["writes"] = _writes,
            ["writes.not_page_cache"] = _writesElsewhere,
            ["calls.recorded"] = _callsRecorded,
            ["calls.predicted"] = _callsPredicted,
            ["calls.agreed"] = _callsAgreed,
            ["calls.extra_passes_run"] = _callsForced,
            ["calls.cpu_ratelimit_inferred"] = _callsGateInferred,
            ["calls.model_only"] = _callsModelOnly,
            ["gds.outside_writes"] = _gdsOutsideWrites,
            ["sleep.compared"] = _sleepCompared,
            ["sleep.agreed"] = _sleepAgreed,
            ["bg_kick.compared"] = _kickCompared,
            ["bg_kick.agreed"] = _kickAgreed,
            ["ratelimit_updates.recorded"] = _ratelimitRecorded,
            ["ratelimit_updates.predicted"] = _ratelimitPredicted,
            ["wake.compared"] = _wakeErrorsUs.Count,
            ["tick_phase_us"] = _survey.TickPhaseNs / 1000.0,
            ["tick_phase_samples"] = _survey.TickPhaseSamples,
            ["input.dirty_limit_seeded"] = _dirtyLimitSeeded ? 1 : 0,
            ["hz"] = _config.Hz,
        };
        foreach ((string f, FieldStats s) in _fields)
        {
            figures[f + ".compared"] = s.Compared;
            figures[f + ".agreed"] = s.Agreed;
            figures[f + ".exact"] = s.Exact;
            figures[f + ".max_rel_err"] = s.MaxRelErr;
            figures[f + ".max_abs_err"] = s.MaxAbsErr;
        }

        if (_wakeErrorsUs.Count > 0)
        {
            _wakeErrorsUs.Sort();
            figures["wake.median_err_us"] = _wakeErrorsUs[_wakeErrorsUs.Count / 2];
            figures["wake.min_err_us"] = _wakeErrorsUs[0];
            figures["wake.max_err_us"] = _wakeErrorsUs[^1];
            long tickUs = 1_000_000L / _config.Hz;
            figures["wake.within_jiffy"] = _wakeErrorsUs.Count(x => x >= 0 && x < tickUs);
        }

        return new ModelCheckResult("writeback", _compared, _agreed, figures, _mismatches);
    }

    private WriteWindow Open(int pid)
    {
        if (!_windows.TryGetValue(pid, out WriteWindow? w))
        {
            w = new WriteWindow();
            _windows[pid] = w;
        }

        if (!w.Open)
        {
            _openWindows++;
        }

        return w;
    }

    // Flusher and block events are applied to the model in time order with the write passes: while a write is
    // open its passes are only known at its exit, so events in between wait here.
    private void Defer(Action a)
    {
        _deferred.Add(a);
        if (_openWindows == 0)
        {
            CatchUp(a.Time, all: true);
        }
    }

    private void CatchUp(SimTime upTo, bool all)
    {
        int n = 0;
        while (n < _deferred.Count && (all || _deferred[n].Time <= upTo))
        {
            Apply(_deferred[n]);
            n++;
        }

        _deferred.RemoveRange(0, n);
    }

    private void Apply(in Action a)
    {
        switch (a.Kind)
        {
            case ActionKind.Writepages:
                _model.OnWritepages(a.Time);
                break;
            case ActionKind.InodeWritebackEnd:
                _model.OnInodeWritebackEnd(a.Time);
                break;
            case ActionKind.FlusherRunning:
                _model.SetWritebackRunning(true);
                break;
            case ActionKind.FlusherDone:
                _model.SetWritebackRunning(false);
                break;
            case ActionKind.RestoreBandwidth:
                _model.RestoreBandwidth(new WbBandwidthState(a.A, a.B, a.C, a.D));
                break;
            case ActionKind.TaskExit:
                _model.OnTaskExit((int)a.A, (int)a.B);
                break;
        }
    }

    private void Sync(in GlobalDirtyState g)
    {
        _model.SyncGlobalCounts((long)g.NrDirty, (long)g.NrWriteback, (long)g.NrDirtied, (long)g.NrWritten);
        _model.SyncWbCounts((long)g.NrDirty, (long)g.NrWriteback, (long)g.NrDirtied, (long)g.NrWritten);
    }

    /// <summary>A flusher, block or task event waiting to be applied to the model at its time.</summary>
    private readonly record struct Action(SimTime Time, ActionKind Kind, long A = 0, long B = 0, long C = 0, long D = 0);

    /// <summary>One balance_dirty_pages pass the kernel recorded: its counters, its throttling record if any, and
    /// when the task woke from its pause.</summary>
    private sealed record RecordedPass(GlobalDirtyState Gds)
    {
        public BalanceDirtyPages? Bdp { get; set; }

        public SimTime? Wake { get; set; }
    }

    private sealed class FieldStats
    {
        public long Compared { get; set; }

        public long Agreed { get; set; }

        public long Exact { get; set; }

        public double MaxRelErr { get; set; }

        public double MaxAbsErr { get; set; }

        public bool Add(double recorded, double modelled, double relTolerance, double absTolerance = 0)
        {
            Compared++;
            double abs = Math.Abs(modelled - recorded);
            if (abs == 0)
            {
                Exact++;
            }

            double rel = recorded != 0 ? abs / Math.Abs(recorded) : (abs == 0 ? 0 : 1);
            MaxRelErr = Math.Max(MaxRelErr, rel);
            MaxAbsErr = Math.Max(MaxAbsErr, abs);
            bool ok = abs <= absTolerance || rel <= relTolerance;
            if (ok)
            {
                Agreed++;
            }

            return ok;
        }
    }
}
