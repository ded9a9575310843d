namespace KernelSim.Models.Signals;

/// <summary>
/// A process tree and a sequence of sends, replayable on a fresh <see cref="SignalSystem"/> — what
/// <c>KernelSim.Testing.Signals.SignalArbitraries</c> generates and what a property runs.
/// </summary>
/// <param name="Processes">The processes, parents before children.</param>
/// <param name="Sends">The sends, in order; the system settles (<see cref="SignalSystem.RunUntilQuiet"/>) after each. A send
/// whose sender is dead or stopped, or whose target it cannot see, is not made.</param>
public sealed record SignalScenario(IReadOnlyList<ScenarioProcess> Processes, IReadOnlyList<ScenarioSend> Sends)
{
    /// <summary>Builds the tree on a fresh system, runs the sends and settles after each.</summary>
    /// <param name="options">System options (kernel defaults when null).</param>
    /// <returns>The run.</returns>
    public ScenarioRun Run(SignalSystemOptions? options = null)
    {
        var sys = new SignalSystem(options);
        int host = sys.Fork(SignalSystem.InitPid, comm: "runtime").Pid;
        int[] pids = new int[Processes.Count];
        for (int i = 0; i < Processes.Count; i++)
        {
            ScenarioProcess p = Processes[i];
            int parent = p.ParentIndex < 0 || p.ParentIndex >= i ? host : pids[p.ParentIndex];
            if (parent == 0 || !sys.IsAlive(parent))
            {
                continue;
            }

            ForkResult f = sys.Fork(parent, p.NewPidNamespace ? CloneFlags.NewPid : CloneFlags.None, "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!f.Succeeded)
            {
                continue;
            }

            pids[i] = f.Pid;
            for (int s = 1; s <= SignalNumbers.SIGRTMAX; s++)
            {
                if (SignalNumbers.IsKernelOnly(s))
                {
                    continue;
                }

                ulong bit = SignalNumbers.Bit(s);
                if ((p.Handled & bit) != 0)
                {
                    sys.SetDisposition(f.Pid, s, SigAction.Handle);
                }
                else if ((p.Ignored & bit) != 0)
                {
                    sys.SetDisposition(f.Pid, s, SigAction.Ignore);
                }
                else
                {
                    sys.SetDisposition(f.Pid, s, SigAction.Default);
                }
            }

            sys.SetBlocked(f.Pid, p.Blocked);
        }

        var sends = new List<SendResult?>(Sends.Count);
        var starts = new List<int>(Sends.Count);
        foreach (ScenarioSend s in Sends)
        {
            starts.Add(sys.Log.Count);
            sends.Add(Send(sys, host, pids, s));
            sys.RunUntilQuiet();
        }

        return new ScenarioRun(sys, host, pids, sends, starts);
    }

    private static SendResult? Send(SignalSystem sys, int host, int[] pids, ScenarioSend s)
    {
        int target = s.TargetIndex >= 0 && s.TargetIndex < pids.Length ? pids[s.TargetIndex] : 0;
        int sender = s.Kind == ScenarioSendKind.HostKill ? host : s.SenderIndex >= 0 && s.SenderIndex < pids.Length ? pids[s.SenderIndex] : 0;
        SendResult? none = null;
        switch (s.Kind)
        {
            case ScenarioSendKind.OomKill:
                return target != 0 && sys.IsAlive(target) ? sys.OomKill(target) : none;
            case ScenarioSendKind.Fault:
                // A stopped thread does not run, so it cannot fault.
                return target != 0 && sys.IsAlive(target) && sys.GetProcess(target).State == ProcessLifeState.Running ? sys.ForceSig(target, s.Sig) : none;
        }

        // A dead or stopped process makes no system calls.
        if (sender == 0 || !sys.IsAlive(sender) || sys.GetProcess(sender).State != ProcessLifeState.Running)
        {
            return none;
        }

        if (s.TargetIndex < 0)
        {
            return sys.Kill(sender, -1, s.Sig);
        }

        int seen = target == 0 ? 0 : sys.PidAsSeenBy(sender, target);
        if (seen == 0)
        {
            return none;
        }

        return s.Kind == ScenarioSendKind.Sigqueue ? sys.Sigqueue(sender, seen, s.Sig) : sys.Kill(sender, seen, s.Sig);
    }
}
