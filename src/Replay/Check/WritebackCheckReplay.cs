using System.Globalization;
using KernelSim.Models.Writeback;
using KernelSim.Replay.Events;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Check;

/// <summary>The second pass: drives the model write by write and compares.</summary>
internal sealed class WritebackCheckReplay
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

    // Feeds a write the way generic_perform_write dirties it. On 6.18 the ratelimit check comes before each chunk,
    // a chunk being up to the mapping's largest folio; the check feeds a write as one chunk (with smaller folios
    // the checks that matter fall on the same pages whenever the ratelimits are multiples of the write's pages, as
    // every one in the committed capture is: 16-page writes, ratelimits 32…256 and ratelimit_pages 128).
    // On 6.1 every page is checked after it is dirtied. The k-th time
    // the model's gate opens is matched with the k-th balance_dirty_pages pass the kernel recorded in this write.
    // When the kernel entered balance_dirty_pages where the model's gate stayed shut, the CPU's bdp_ratelimits
    // must have been further along than the model knows (pages other tasks dirtied on that CPU before or during
    // the capture): the check charges that CPU a full ratelimit_pages, which opens the gate and resets the counter
    // as the kernel did, and counts it.
    private void Process(int pid, int exitCpu, SimTime exitTime, long ret, WriteWindow w)
    {
        _writes++;
        int pageShift = _config.PageShift;
        long pages = 0;
        if (ret > 0)
        {
            long first = w.Pos >= 0 ? w.Pos >> pageShift : 0;
            long last = w.Pos >= 0 ? (w.Pos + ret - 1) >> pageShift : (ret - 1) >> pageShift;
            pages = last - first + 1;
        }

        bool checkFirst = _config.Is618;
        long chunk = checkFirst ? Math.Max(pages, 1) : 1;
        int recorded = w.Passes.Count;
        int pass = 0;
        for (long done = 0; done < pages; done += chunk)
        {
            int cpu = ClampCpu(pass < recorded ? w.Passes[pass].Gds.Header.Cpu : exitCpu);
            bool lastChunk = done + chunk >= pages;
            if (!checkFirst)
            {
                _model.AccountDirtied(pid, cpu, (int)chunk);
            }

            SimTime now = pass < recorded ? SyncPass(w.Passes[pass]) : SyncLatest(exitTime);
            CatchUp(now, all: false);
            ThrottleDecision d = _model.BalanceDirtyPagesRatelimited(now, pid, cpu);
            bool inferred = false;
            if (d.Outcome == ThrottleOutcome.NotChecked && pass < recorded && lastChunk)
            {
                inferred = true;
                _callsGateInferred++;
                TaskDirtyState before = _model.GetTask(pid);
                Mismatch(now, $"pid {pid} cpu {cpu}: the kernel entered balance_dirty_pages where the model's gate was shut (nr_dirtied {before.NrDirtied} < nr_dirtied_pause {before.NrDirtiedPause}); CPU {cpu} charged ratelimit_pages");
                _model.ChargeCpuDirtied(cpu, _model.RatelimitPages);
                d = _model.BalanceDirtyPagesRatelimited(now, pid, cpu);
            }
            else if (d.Outcome != ThrottleOutcome.NotChecked)
            {
                _callsPredicted++;
            }

            if (d.Outcome != ThrottleOutcome.NotChecked)
            {
                Note(now, d);
                if (pass >= recorded)
                {
                    ModelOnly(pid, cpu, now, d);
                }
                else
                {
                    _callsRecorded++;
                    _callsAgreed += inferred ? 0 : 1;
                    Compare(w.Passes[pass], d, w.WakeBackground > 0);
                    pass++;
                    while (d.LoopAgain && pass < recorded)
                    {
                        _callsRecorded++;
                        _callsPredicted++;
                        _callsAgreed++;
                        SimTime next = SyncPass(w.Passes[pass]);
                        CatchUp(next, all: false);
                        d = _model.BalanceDirtyPages(next, pid);
                        Note(next, d);
                        Compare(w.Passes[pass], d, w.WakeBackground > 0);
                        pass++;
                    }
                }
            }

            if (checkFirst)
            {
                _model.AccountDirtied(pid, ClampCpu(exitCpu), (int)chunk);
            }
        }

        // Further passes the kernel made in this write without a pause looping it: run them as they came.
        for (; pass < recorded; pass++)
        {
            _callsRecorded++;
            _callsForced++;
            SimTime now = SyncPass(w.Passes[pass]);
            CatchUp(now, all: false);
            Mismatch(now, $"pid {pid}: a further balance_dirty_pages pass in the same write; run as recorded");
            ThrottleDecision d = _model.BalanceDirtyPages(now, pid);
            Note(now, d);
            Compare(w.Passes[pass], d, w.WakeBackground > 0);
        }
    }

    private int ClampCpu(int cpu) => Math.Clamp(cpu, 0, _config.OnlineCpus - 1);

    // The counters the kernel read in this pass (its global_dirty_state), wb_dirty from its balance_dirty_pages event.
    private SimTime SyncPass(RecordedPass pass)
    {
        GlobalDirtyState gds = pass.Gds;
        Sync(gds);
        if (pass.Bdp is BalanceDirtyPages b)
        {
            // balance_dirty_pages read dirty + writeback for the domain a moment before global_dirty_state printed
            // them (the per-CPU vmstat deltas fold in between): the pass used the bdp event's dirty.
            long writeback = Math.Max((long)b.Dirty - (long)gds.NrDirty, 0);
            _model.SyncGlobalCounts((long)gds.NrDirty, writeback, (long)gds.NrDirtied, (long)gds.NrWritten);
            long wbWriteback = Math.Min((long)b.WbDirty, writeback);
            _model.SyncWbCounts((long)b.WbDirty - wbWriteback, wbWriteback, (long)gds.NrDirtied, (long)gds.NrWritten);
        }

        return gds.Header.Timestamp;
    }

    private SimTime SyncLatest(SimTime exitTime)
    {
        Sync(_lastGds);
        return exitTime;
    }

    private void ModelOnly(int pid, int cpu, SimTime now, in ThrottleDecision d)
    {
        _callsModelOnly++;
        Mismatch(now, $"pid {pid} cpu {cpu}: the model's ratelimit gate opened ({d.Outcome}) in a write where the kernel did not enter balance_dirty_pages");
        if (d.Trace is BalanceDirtyPagesRecord r)
        {
            _tracedModelOnly++;
            Mismatch(now, $"model throttled (pause {r.Pause} ms) where the kernel did not enter balance_dirty_pages");
        }
    }

    private void Note(SimTime now, in ThrottleDecision d)
    {
        if (d.RatelimitUpdate is BdiDirtyRatelimitRecord u)
        {
            _ratelimitPredicted++;
            Mismatch(now, $"model re-estimated dirty_ratelimit in balance_dirty_pages ({u}); recorded updates so far: {_ratelimitRecorded}");
        }
    }

    private void Compare(RecordedPass pass, in ThrottleDecision d, bool kickRecorded)
    {
        GlobalDirtyState gds = pass.Gds;
        BalanceDirtyPages? bdp = pass.Bdp;
        SimTime t = gds.Header.Timestamp;
        GlobalDirtyStateRecord state = d.DirtyState.GetValueOrDefault();
        if (bdp is not BalanceDirtyPages b)
        {
            if (d.Trace is BalanceDirtyPagesRecord only)
            {
                _tracedModelOnly++;
                Mismatch(t, $"model throttled (pause {only.Pause} ms, period {only.Period} ms) where the kernel ran free");
            }

            return;
        }

        _compared++;
        bool all = true;
        all &= Field("thresh", t, (long)gds.DirtyThresh, state.DirtyThresh, WritebackCheck.CountTolerance);
        all &= Field("bg_thresh", t, (long)gds.BackgroundThresh, state.BackgroundThresh, WritebackCheck.CountTolerance);
        all &= Field("dirty_limit", t, (long)gds.DirtyLimit, state.DirtyLimit, WritebackCheck.CountTolerance);

        if (d.Trace is BalanceDirtyPagesRecord r)
        {
            all &= Field("limit", t, (long)b.Limit, r.Limit, WritebackCheck.CountTolerance);
            all &= Field("setpoint", t, (long)b.Setpoint, r.Setpoint, WritebackCheck.CountTolerance);
            Field("wb_setpoint", t, (long)b.WbSetpoint, r.WbSetpoint, WritebackCheck.CountTolerance);
            all &= Field("pause", t, b.Pause, r.Pause, WritebackCheck.PauseTolerance, 1000.0 / _config.Hz);
            Field("period", t, (long)b.Period, r.Period, WritebackCheck.PauseTolerance, 1000.0 / _config.Hz);
            Field("think", t, b.Think, r.Think, 0, 1000.0 / _config.Hz);
            Field("task_ratelimit", t, (long)b.TaskRatelimit, r.TaskRatelimit, WritebackCheck.CountTolerance);
            Field("dirty_ratelimit", t, (long)b.DirtyRatelimit, r.DirtyRatelimit, 0);
            Field("dirtied", t, b.Dirtied, r.Dirtied, 0);
            Field("dirtied_pause", t, b.DirtiedPause, r.DirtiedPause, 0);

            _sleepCompared++;
            if ((b.Pause > 0) == d.Sleeps)
            {
                _sleepAgreed++;
            }
            else
            {
                Mismatch(t, $"sleep: kernel {(b.Pause > 0 ? "slept" : "did not sleep")}, model {(d.Sleeps ? "slept" : "did not")} (pause {b.Pause} vs {r.Pause} ms)");
            }

            if (d.Sleeps && pass.Wake is SimTime woke)
            {
                double errUs = (woke - d.WakeAt).TotalNanoseconds / 1000.0;
                _wakeErrorsUs.Add(errUs);
                if (errUs < 0 || errUs >= 1e6 / _config.Hz)
                {
                    Mismatch(t, $"woke at {woke}, the model's timer fired at {d.WakeAt} (informative)");
                }
            }
        }
        else
        {
            // The model ran free: compare what the tracepoint would have printed for the global domain.
            DomainLimits l = d.Limits.GetValueOrDefault();
            long limit = _config.Is618 ? l.Limit : state.DirtyLimit;
            all &= Field("limit", t, (long)b.Limit, limit, WritebackCheck.CountTolerance);
            all &= Field("setpoint", t, (long)b.Setpoint, PageWriteback.Setpoint(l.Freerun, limit), WritebackCheck.CountTolerance);
            all &= Field("pause", t, b.Pause, 0, WritebackCheck.PauseTolerance, 1000.0 / _config.Hz);
            _sleepCompared++;
            if (b.Pause <= 0)
            {
                _sleepAgreed++;
            }

            Mismatch(t, $"model ran free (dirty {l.Dirty} ≤ freerun {l.Freerun}) where the kernel throttled (dirty {b.Dirty}, pause {b.Pause} ms)");
        }

        _kickCompared++;
        if (kickRecorded == d.StartBackgroundWriteback)
        {
            _kickAgreed++;
        }
        else
        {
            Mismatch(t, $"background writeback kick: kernel {kickRecorded}, model {d.StartBackgroundWriteback} (nr_dirty {gds.NrDirty}, bg_thresh {gds.BackgroundThresh}; informative)");
        }

        if (all)
        {
            _agreed++;
        }
    }

    private bool Field(string field, SimTime t, long recorded, long modelled, double rel, double abs = 0)
    {
        bool ok = _fields[field].Add(recorded, modelled, rel, abs);
        if (!ok)
        {
            Mismatch(t, $"{field}: recorded {recorded}, modelled {modelled}{(Array.IndexOf(RequiredFields, field) >= 0 ? string.Empty : " (informative field)")}");
        }

        return ok;
    }

    private void Mismatch(SimTime t, string text)
    {
        if (_mismatches.Count < WritebackCheck.MaxMismatches)
        {
            _mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"{t}: {text}"));
        }
    }

    /// <summary>A write syscall of one task, with the writeback events it produced.</summary>
    private sealed class WriteWindow
    {
        public bool Open { get; set; }

        public long Pos { get; set; } = -1;

        public uint Fd { get; set; }

        public List<RecordedPass> Passes { get; } = [];

        public int WakeBackground { get; set; }

        public void Reset(uint fd, long pos)
        {
            Open = true;
            Fd = fd;
            Pos = pos;
            Passes.Clear();
            WakeBackground = 0;
        }
    }

    private enum ActionKind
    {
        Writepages,
        InodeWritebackEnd,
        FlusherRunning,
        FlusherDone,
        RestoreBandwidth,
        TaskExit,
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
