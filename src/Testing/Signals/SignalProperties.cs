using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Signals;
using static KernelSim.Models.Signals.SignalNumbers;

namespace KernelSim.Testing.Signals;

/// <summary>
/// The signal-semantics properties KernelSim checks, shipped so users can run them (and write their own the
/// same way) over <see cref="SignalArbitraries"/>: <c>Check.QuickThrowOnFailure(SignalProperties.Init_SigkillFromAncestorNamespace_AlwaysKills())</c>.
/// </summary>
public static class SignalProperties
{
    private static readonly int[] Legacy = [SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGTERM, SIGALRM, SIGWINCH];

    /// <summary>Index of the namespace init each scenario process lives under (nearest ancestor-or-self with CLONE_NEWPID).</summary>
    private static int NamespaceInitOf(SignalScenario s, int i)
    {
        for (int j = i; j >= 0; j = s.Processes[j].ParentIndex)
        {
            if (s.Processes[j].NewPidNamespace)
            {
                return j;
            }
        }

        return 0;
    }

    /// <summary>A namespace init with default dispositions never dies from signals sent from inside its namespace (sig_task_ignored, SIGNAL_UNKILLABLE).</summary>
    public static Property Init_DefaultDispositionSignalsFromInside_NeverKill() =>
        Prop.ForAll(SignalArbitraries.Scenario(), s =>
        {
            // init keeps SIG_DFL everywhere; every send comes from a process of its namespace (or a nested one).
            var procs = s.Processes.ToArray();
            procs[0] = procs[0] with { Ignored = 0, Handled = 0 };
            var sends = s.Sends.Where(x => x.Kind is ScenarioSendKind.Kill or ScenarioSendKind.Sigqueue).ToArray();
            var scenario = new SignalScenario(procs, sends);
            ScenarioRun run = scenario.Run();
            return run.System.IsAlive(run.Pids[0]).Label($"init died: {run.System.GetProcess(run.Pids[0])}");
        });

    /// <summary>SIGKILL from an ancestor namespace always kills a namespace init (the force rule of send_signal_locked).</summary>
    public static Property Init_SigkillFromAncestorNamespace_AlwaysKills() =>
        Prop.ForAll(SignalArbitraries.Scenario(), s =>
        {
            var sends = s.Sends.Append(new ScenarioSend(ScenarioSendKind.HostKill, 0, 0, SIGKILL)).ToArray();
            ScenarioRun run = (s with { Sends = sends }).Run();
            return (!run.System.IsAlive(run.Pids[0])).Label("init survived the host's SIGKILL");
        });

    /// <summary>A legacy (non-RT) signal sent several times while blocked is delivered once after unblocking (coalescing).</summary>
    public static Property Legacy_PendingWhileBlocked_DeliveredOnce() =>
        Prop.ForAll(
            (from tree in SignalArbitraries.ProcessTrees() from sig in Gen.Elements(Legacy) from times in Gen.Choose(1, 6) from pick in Gen.Choose(0, 100) select (tree, sig, times, pick)).ToArbitrary(),
            c =>
        {
            (ScenarioProcess[] tree, int sig, int times, int pick) = c;
            ScenarioRun run = new SignalScenario(tree, []).Run();
            SignalSystem sys = run.System;
            int target = run.Pids[pick % run.Pids.Count];
            if (target == 0)
            {
                return true.Label("fork failed");
            }

            sys.SetDisposition(target, sig, SigAction.Handle);
            sys.Block(target, sig);
            var results = new List<SignalGenerateResult>();
            for (int i = 0; i < times; i++)
            {
                results.AddRange(sys.Kill(run.HostPid, target, sig).Results.Select(r => r.Result));
                sys.RunUntilQuiet();
            }

            sys.Unblock(target, sig);
            sys.RunUntilQuiet();
            bool shape = results[0] == SignalGenerateResult.Delivered && results.Skip(1).All(r => r == SignalGenerateResult.AlreadyPending);
            return (shape && sys.HandlerRuns(target, sig) == 1).Label($"results {string.Join(",", results)}, handler runs {sys.HandlerRuns(target, sig)}");
        });

    /// <summary>Real-time signals queue one entry per send up to RLIMIT_SIGPENDING; beyond it sigqueue fails (OVERFLOW_FAIL) and each queued one is delivered.</summary>
    public static Property RealTime_QueueUpToRlimit_ThenOverflow() =>
        Prop.ForAll(Gen.Choose(1, 12).ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), Gen.Choose(SIGRTMIN, SIGRTMAX).ToArbitrary(), (limit, n, sig) =>
        {
            var sys = new SignalSystem();
            int host = sys.Fork(SignalSystem.InitPid).Pid;
            int target = sys.Fork(host).Pid;
            sys.SetUid(target, 1000);
            sys.SetRlimitSigpending(target, limit);
            sys.SetDisposition(target, sig, SigAction.Handle);
            sys.Block(target, sig);
            var results = new List<SignalGenerateResult>();
            for (int i = 0; i < n; i++)
            {
                results.Add(sys.Sigqueue(host, target, sig).Results.Single().Result);
            }

            sys.Unblock(target, sig);
            sys.RunUntilQuiet();
            int queued = Math.Min(n, limit);
            bool shape = results.Take(queued).All(r => r == SignalGenerateResult.Delivered) && results.Skip(queued).All(r => r == SignalGenerateResult.OverflowFail);
            return (shape && sys.HandlerRuns(target, sig) == queued && sys.QueuedSignals(1000) == 0)
                .Label($"limit {limit} n {n}: {string.Join(",", results)}; runs {sys.HandlerRuns(target, sig)}");
        });

    /// <summary>After a namespace init exits, no process of that namespace survives (zap_pid_ns_processes).</summary>
    public static Property Namespace_AfterInitExits_NoMemberSurvives() =>
        Prop.ForAll(SignalArbitraries.Scenario(), Gen.Elements(ScenarioSendKind.HostKill, ScenarioSendKind.OomKill, ScenarioSendKind.Fault).ToArbitrary(), (s, how) =>
        {
            var sends = s.Sends.Append(new ScenarioSend(how, 0, 0, how == ScenarioSendKind.Fault ? SIGSEGV : SIGKILL)).ToArray();
            var scenario = s with { Sends = sends };
            ScenarioRun run = scenario.Run();
            for (int i = 0; i < run.Pids.Count; i++)
            {
                int init = run.Pids[NamespaceInitOf(scenario, i)];
                if (run.Pids[i] != 0 && init != 0 && !run.System.IsAlive(init) && run.System.IsAlive(run.Pids[i]))
                {
                    return false.Label($"process {i} (pid {run.Pids[i]}) survives its dead namespace init {init}");
                }
            }

            bool stopped = run.System.GetProcess(run.Pids[0]).State == ProcessLifeState.Stopped;
            return (how == ScenarioSendKind.Fault && stopped || !run.System.IsAlive(run.Pids[0])).Label("the root init survived");
        });

    /// <summary>Replay is deterministic: the same scenario run twice gives the same log.</summary>
    public static Property Replay_SameScenarioTwice_SameLog() =>
        Prop.ForAll(SignalArbitraries.Scenario(), s =>
        {
            ScenarioRun a = s.Run();
            ScenarioRun b = s.Run();
            return a.System.Log.SequenceEqual(b.System.Log).Label($"logs differ ({a.System.Log.Count} vs {b.System.Log.Count} entries)");
        });
}
