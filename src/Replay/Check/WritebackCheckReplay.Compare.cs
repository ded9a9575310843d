using System.Globalization;
using KernelSim.Models.Writeback;
using KernelSim.Replay.Events;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Check;

/// <summary>Each write replayed through the model and each balance_dirty_pages pass compared field by field with the kernel's.</summary>
internal sealed partial class WritebackCheckReplay
{
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
}
