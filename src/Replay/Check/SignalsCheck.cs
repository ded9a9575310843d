using System.Globalization;
using KernelSim.Models.Signals;
using KernelSim.Replay.Capture;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Check;

/// <summary>
/// Conformance of the signals model with a capture: rebuilds the process tree from
/// <c>sched_process_fork/exec/exit</c>, predicts the result code of every <c>signal_generate</c> before reading
/// it, and predicts for every process exit whether a signal killed it.
/// </summary>
/// <remarks>
/// Dispositions, masks and limits are not in a trace; the check infers what the trace itself proves
/// (each inference is used only for events after the evidence, so no event predicts itself):
/// <list type="bullet">
/// <item>a handler for (pid, exec generation, signal) when any <c>signal_deliver</c> of it shows <c>sa_handler</c> &gt; 1
/// (the kernel prints the disposition at delivery; the handler may be installed before the first delivery);</item>
/// <item>a namespace init: the target of a kill(1, ...) from another task (<c>syscalls:sys_enter_kill</c>), or the
/// first child of an <c>unshare</c> process (util-linux <c>unshare --pid --fork</c>);</item>
/// <item>a pending signal stays pending until the target's <c>signal_deliver</c> of it (coalescing);</item>
/// <item>after a mismatch the model follows the kernel: a recorded IGNORED means SIG_IGN, a recorded DELIVERED of a
/// default-ignored signal means it was blocked, a recorded OVERFLOW_FAIL/LOSE_INFO means the user is at its
/// RLIMIT_SIGPENDING.</item>
/// </list>
/// </remarks>
public static class SignalsCheck
{
    private const int MaxMismatches = 50;

    /// <summary>Runs the check on a capture (its manifest, when present, sets the reader options).</summary>
    /// <param name="tracePath">The trace.</param>
    /// <returns>The result, key "signals".</returns>
    public static ModelCheckResult Run(string tracePath)
    {
        ArgumentNullException.ThrowIfNull(tracePath);
        TraceReaderOptions o = TraceReaderOptions.Default with { Lenient = true };
        using (CaptureManifest? manifest = CaptureManifest.TryLoadFor(tracePath))
        {
            if (manifest is not null)
            {
                o = manifest.ApplyTo(o);
            }
        }

        var evidence = new Evidence();
        using (TraceReader survey = TraceReader.Open(tracePath, o))
        {
            while (survey.Read())
            {
                evidence.Survey(survey.Current);
            }
        }

        var replay = new Replay(evidence);
        using (TraceReader reader = TraceReader.Open(tracePath, o))
        {
            while (reader.Read())
            {
                replay.Feed(reader.Current);
            }
        }

        return replay.Result();
    }

    /// <summary>What the first pass learns: handlers seen at delivery, namespace inits.</summary>
    private sealed class Evidence
    {
        private readonly Dictionary<int, int> _execGen = [];
        private readonly Dictionary<int, int> _lastKillTo1 = [];
        private readonly HashSet<int> _unshare = [];

        public Dictionary<(int Pid, int Gen), ulong> Handlers { get; } = [];

        public HashSet<int> NamespaceInits { get; } = [];

        /// <summary><c>sched_process_fork</c> and <c>sched_process_exec</c> events: without any, the trace cannot show which task is a namespace init.</summary>
        public long ForkExecEvents { get; private set; }

        public void Survey(in RawEvent e)
        {
            if (SignalDeliver.TryDecode(e, out SignalDeliver d))
            {
                if (d.SaHandler > 1 && d.Sig is > 0 and <= SignalNumbers.SIGRTMAX)
                {
                    var key = (e.Pid, _execGen.GetValueOrDefault(e.Pid));
                    Handlers[key] = Handlers.GetValueOrDefault(key) | SignalNumbers.Bit(d.Sig);
                }
            }
            else if (e.Name.SequenceEqual("sched_process_exec"u8))
            {
                ForkExecEvents++;
                _execGen[e.Pid] = _execGen.GetValueOrDefault(e.Pid) + 1;
                var r = new PayloadReader(e.Payload);
                if (r.TryGetString("filename"u8, out string file) && file.EndsWith("/unshare", StringComparison.Ordinal))
                {
                    _unshare.Add(e.Pid);
                }
            }
            else if (SchedProcessFork.TryDecode(e, out SchedProcessFork f))
            {
                ForkExecEvents++;
                if (_unshare.Remove(f.ParentPid))
                {
                    NamespaceInits.Add(f.ChildPid);
                }

                _execGen.Remove(f.ChildPid);
            }
            else if (e.Name.SequenceEqual("sys_enter_kill"u8))
            {
                var r = new PayloadReader(e.Payload);
                if (r.TryGetInt32("pid"u8, out int pid) && pid == 1)
                {
                    _lastKillTo1[e.Pid] = 1;
                }
                else
                {
                    _lastKillTo1.Remove(e.Pid);
                }
            }
            else if (SignalGenerate.TryDecode(e, out SignalGenerate g))
            {
                if (_lastKillTo1.Remove(e.Pid) && g.Pid != 1 && g.Pid != e.Pid)
                {
                    NamespaceInits.Add(g.Pid);
                }
            }
        }
    }

    /// <summary>The second pass: drives the model event by event and compares.</summary>
    private sealed class Replay(Evidence evidence)
    {
        private readonly SignalSystem _sys = new(new SignalSystemOptions { GenerateExitSignals = false });
        private readonly Dictionary<int, int> _execGen = [];
        private readonly Dictionary<int, int> _lastDeliver = [];
        private readonly List<string> _mismatches = [];
        private readonly List<string> _undecidable = [];
        private readonly long[] _byResult = new long[5];
        private readonly long[] _agreedByResult = new long[5];
        private long _generates;
        private long _generatesAgreed;
        private long _generatesUndecidable;
        private long _exits;
        private long _exitsAgreed;
        private long _inferredIgnore;
        private long _inferredBlocked;
        private long _inferredRlimit;

        public void Feed(in RawEvent e)
        {
            if (SchedProcessFork.TryDecode(e, out SchedProcessFork f))
            {
                Ensure(f.ParentPid);
                _sys.ForkRecorded(f.ParentPid, f.ChildPid, f.ChildComm, evidence.NamespaceInits.Contains(f.ChildPid));
                _execGen.Remove(f.ChildPid);
                ApplyHandlers(f.ChildPid);
            }
            else if (e.Name.SequenceEqual("sched_process_exec"u8))
            {
                Ensure(e.Pid);
                var r = new PayloadReader(e.Payload);
                string comm = r.TryGetString("filename"u8, out string file) ? Path.GetFileName(file) : "?";
                _sys.ExecRecorded(e.Pid, comm);
                _execGen[e.Pid] = _execGen.GetValueOrDefault(e.Pid) + 1;
                ApplyHandlers(e.Pid);
            }
            else if (SignalGenerate.TryDecode(e, out SignalGenerate g))
            {
                Generate(g);
            }
            else if (SignalDeliver.TryDecode(e, out SignalDeliver d))
            {
                Ensure(e.Pid);
                _sys.DequeueRecorded(e.Pid, d.Sig);
                _lastDeliver[e.Pid] = d.SaHandler == 0 && IsFatalDefault(d.Sig) ? d.Sig : 0;
            }
            else if (SchedProcessExit.TryDecode(e, out SchedProcessExit x) && x.GroupDead)
            {
                Exit(x);
            }
        }

        public ModelCheckResult Result()
        {
            var figures = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["generate_compared"] = _generates,
                ["generate_agreed"] = _generatesAgreed,
                ["generate_undecidable"] = _generatesUndecidable,
                ["exit_compared"] = _exits,
                ["exit_agreed"] = _exitsAgreed,
                ["inferred_namespace_inits"] = evidence.NamespaceInits.Count,
                ["inferred_handler_sets"] = evidence.Handlers.Count,
                ["inferred_sig_ign_after_mismatch"] = _inferredIgnore,
                ["inferred_blocked_after_mismatch"] = _inferredBlocked,
                ["inferred_rlimit_after_mismatch"] = _inferredRlimit,
            };
            string[] names = ["delivered", "ignored", "already_pending", "overflow_fail", "lose_info"];
            for (int i = 0; i < names.Length; i++)
            {
                figures["recorded_" + names[i]] = _byResult[i];
                figures["agreed_" + names[i]] = _agreedByResult[i];
            }

            var notes = new List<string>();
            if (_generatesUndecidable > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{_generatesUndecidable} signal_generate result(s) undecidable (not compared): the kernel recorded IGNORED for a default-action signal, which the namespace-init guard explains if the target is a PID-namespace init (SIGNAL_UNKILLABLE), but the trace has no sched:sched_process_fork or sched:sched_process_exec events to show which task is an init; capture with sched:sched_process_fork, sched:sched_process_exec and syscalls:sys_enter_kill enabled to decide"));
                notes.AddRange(_undecidable);
            }

            return new ModelCheckResult("signals", _generates + _exits, _generatesAgreed + _exitsAgreed, figures, _mismatches) { Notes = notes };
        }

        private static bool IsFatalDefault(int sig) =>
            SignalNumbers.IsValid(sig) && !SignalNumbers.IsDefaultIgnored(sig) && !SignalNumbers.IsStop(sig);

        private void Ensure(int pid)
        {
            if (pid > 1 && !_sys.KnowsRecorded(pid))
            {
                _sys.EnsureProcess(pid, "?");
                ApplyHandlers(pid);
            }
        }

        private void ApplyHandlers(int pid)
        {
            if (!evidence.Handlers.TryGetValue((pid, _execGen.GetValueOrDefault(pid)), out ulong mask))
            {
                return;
            }

            for (int s = 1; s <= SignalNumbers.SIGRTMAX; s++)
            {
                if ((mask & SignalNumbers.Bit(s)) != 0)
                {
                    _sys.SetRecordedDisposition(pid, s, SigAction.Handle);
                }
            }
        }

        private void Generate(SignalGenerate g)
        {
            if (!SignalNumbers.IsValid(g.Sig) || g.Pid <= 0)
            {
                return;
            }

            Ensure(g.Pid);
            if (g.Header.Pid > 1)
            {
                Ensure(g.Header.Pid);
            }

            var recorded = (SignalGenerateResult)(int)g.Result;
            SignalGenerateResult predicted = _sys.PredictRecorded(g.Header.Pid, g.Pid, g.Sig, g.Code, g.Group != 0);
            if (predicted != recorded && InitGuardUndecidable(g, recorded))
            {
                // The kernel ignored it: nothing was queued, so the model does not generate it either (a SIGKILL the
                // model would deliver would otherwise leave it believing the target dying).
                return;
            }

            _generates++;
            int ri = Math.Clamp((int)recorded, 0, 4);
            _byResult[ri]++;
            if (predicted == recorded)
            {
                _generatesAgreed++;
                _agreedByResult[ri]++;
            }
            else
            {
                Resync(g, recorded, predicted);
            }

            _sys.GenerateRecorded(g.Header.Pid, g.Pid, g.Sig, g.Code, g.Group != 0);
        }

        /// <summary>
        /// A recorded IGNORED of a signal the target has no known handler for is what the namespace-init guard
        /// (<c>sig_task_ignored</c>: SIGNAL_UNKILLABLE and SIG_DFL) produces; when the trace has no fork/exec events it
        /// cannot show who is an init, so the result is counted as undecidable rather than as a disagreement.
        /// </summary>
        /// <remarks>kernel/signal.c, sig_task_ignored (Linux 6.1).</remarks>
        private bool InitGuardUndecidable(SignalGenerate g, SignalGenerateResult recorded)
        {
            if (recorded != SignalGenerateResult.Ignored || evidence.ForkExecEvents > 0 || _sys.IsUnkillableRecorded(g.Pid)
                || (evidence.Handlers.TryGetValue((g.Pid, _execGen.GetValueOrDefault(g.Pid)), out ulong handled) && (handled & SignalNumbers.Bit(g.Sig)) != 0))
            {
                return false;
            }

            _generatesUndecidable++;
            if (!SignalNumbers.IsKernelOnly(g.Sig))
            {
                // Follow the kernel for later events, as after a mismatch (an init or a SIG_IGN: both ignore it).
                _sys.SetRecordedDisposition(g.Pid, g.Sig, SigAction.Ignore);
            }

            if (_undecidable.Count < MaxMismatches)
            {
                _undecidable.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{g.Header.Timestamp.TotalNanoseconds / 1e9:0.000000} signal_generate sig={g.Sig} code={g.Code} {g.Header.Pid}->{g.Pid} ({g.Comm}): recorded Ignored; namespace init or SIG_IGN cannot be told apart without sched_process_fork/exec events"));
            }

            return true;
        }

        /// <summary>After a mismatch, make the model state follow what the kernel did.</summary>
        private void Resync(SignalGenerate g, SignalGenerateResult recorded, SignalGenerateResult predicted)
        {
            string why;
            switch (recorded)
            {
                case SignalGenerateResult.Ignored when !SignalNumbers.IsKernelOnly(g.Sig) && !_sys.IsUnkillableRecorded(g.Pid):
                    _sys.SetRecordedDisposition(g.Pid, g.Sig, SigAction.Ignore);
                    _inferredIgnore++;
                    why = "the target ignores it (SIG_IGN set without a trace event, e.g. `trap '' SIG` or signal(SIG_IGN) before exec); learnt for later events";
                    break;
                case SignalGenerateResult.Delivered or SignalGenerateResult.LoseInfo when predicted == SignalGenerateResult.AlreadyPending:
                    _sys.ClearPendingRecorded(g.Pid, g.Sig);
                    why = "the earlier instance was consumed without a signal_deliver (sigwait/signalfd); pending cleared";
                    break;
                case SignalGenerateResult.Delivered or SignalGenerateResult.AlreadyPending when predicted == SignalGenerateResult.Ignored:
                    _sys.BlockRecorded(g.Pid, g.Sig);
                    _inferredBlocked++;
                    why = "the target blocks it (a blocked signal is never ignored); learnt for later events";
                    break;
                case SignalGenerateResult.OverflowFail or SignalGenerateResult.LoseInfo:
                    _sys.SaturateRlimitRecorded(g.Pid);
                    _inferredRlimit++;
                    why = "the target's user is at RLIMIT_SIGPENDING (the limit and other processes' queued signals are not in the trace); learnt for later events";
                    break;
                default:
                    why = "unexplained";
                    break;
            }

            if (_mismatches.Count < MaxMismatches)
            {
                _mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{g.Header.Timestamp.TotalNanoseconds / 1e9:0.000000} signal_generate sig={g.Sig} code={g.Code} {g.Header.Pid}->{g.Pid} ({g.Comm}) grp={g.Group}: recorded {recorded}, model {predicted}: {why}"));
            }
        }

        private void Exit(SchedProcessExit x)
        {
            if (x.Pid <= 1)
            {
                return;
            }

            Ensure(x.Pid);
            bool predictedKilled = _sys.IsDyingFromSignal(x.Pid);
            bool recordedKilled = _lastDeliver.TryGetValue(x.Pid, out int sig) && sig != 0;
            _exits++;
            if (predictedKilled == recordedKilled)
            {
                _exitsAgreed++;
            }
            else if (_mismatches.Count < MaxMismatches)
            {
                _mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{x.Header.Timestamp.TotalNanoseconds / 1e9:0.000000} sched_process_exit {x.Pid} ({x.Comm}): recorded {(recordedKilled ? "killed by a signal" : "exited")}, model {(predictedKilled ? "killed by a signal" : "exited")}"));
            }

            _sys.ExitRecorded(x.Pid);
            _lastDeliver.Remove(x.Pid);
        }
    }
}
