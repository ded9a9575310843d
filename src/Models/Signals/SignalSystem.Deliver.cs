namespace KernelSim.Models.Signals;

/// <summary>Delivery: each thread's pass through get_signal, handlers and their return.</summary>
public sealed partial class SignalSystem
{
    /// <summary>
    /// One step: every live thread, in creation order, acts once — notifies its parent of a stop/continue,
    /// dies from a group exit, stops, dequeues one signal and acts on it, or returns from its innermost handler.
    /// </summary>
    /// <remarks>Kernel: kernel/signal.c <c>get_signal</c>, <c>dequeue_signal</c>, <c>do_signal_stop</c>; arch <c>handle_signal</c> / <c>sigreturn</c>.</remarks>
    /// <returns>True when anything happened.</returns>
    public bool Tick()
    {
        bool any = false;
        var threads = new List<SimTask>(_tasks.Count);
        foreach (ThreadGroup g in _groups)
        {
            if (g.IsAlive)
            {
                threads.AddRange(g.Threads);
            }
        }

        threads.Sort(static (a, b) => a.Created.CompareTo(b.Created));
        foreach (SimTask t in threads)
        {
            if (!t.Dead && t.Group.IsAlive)
            {
                any |= Step(t);
            }
        }

        return any;
    }

    /// <summary>Repeats <see cref="Tick"/> until nothing happens (handlers have returned, stops settled, the dead exited).</summary>
    /// <param name="maxSteps">A bound against a scenario that never settles.</param>
    /// <returns>The number of steps that did something.</returns>
    public int RunUntilQuiet(int maxSteps = 10_000)
    {
        int steps = 0;
        while (steps < maxSteps && Tick())
        {
            steps++;
        }

        return steps;
    }

    /// <summary>
    /// Replays a recorded <c>signal_deliver</c>: removes <paramref name="sig"/> from the thread's pending sets as
    /// dequeue_signal would (own queue first), without acting on it; a group exit's SIGKILL clears all pending.
    /// </summary>
    internal void DequeueRecorded(int tid, int sig)
    {
        if (!_tasks.TryGetValue(tid, out SimTask? t))
        {
            return;
        }

        if (sig == SignalNumbers.SIGKILL && t.Group.GroupExit)
        {
            FlushAll(t.Pending);
            FlushAll(t.Group.Shared);
            return;
        }

        if (!Collect(t.Pending, sig, out _, out _))
        {
            Collect(t.Group.Shared, sig, out _, out _);
        }
    }

    private bool Step(SimTask t)
    {
        ThreadGroup g = t.Group;
        if (g.PendingCldNotify != 0 && !g.GroupExit)
        {
            int why = g.PendingCldNotify;
            g.PendingCldNotify = 0;
            NotifyParentCldStop(g, why);
            return true;
        }

        if (g.GroupExit || (t.Pending.Has(SignalNumbers.SIGKILL)))
        {
            Append(SignalLogKind.Deliver, SignalNumbers.SIGKILL, 0, t.Tid, SignalNumbers.SI_USER, 0, false, SignalGenerateResult.Delivered);
            if (!g.GroupExit)
            {
                StartGroupExit(g, SignalNumbers.SIGKILL, 0);
            }

            DoGroupExitNow(g);
            return true;
        }

        if (g.State == ProcessLifeState.Stopped)
        {
            return false;
        }

        int sig = NextSignal(t);
        if (sig == 0)
        {
            if (t.Frames.Count > 0)
            {
                t.Blocked = t.Frames[^1];
                t.Frames.RemoveAt(t.Frames.Count - 1);
                Append(SignalLogKind.HandlerReturn, 0, 0, t.Tid, 0, 0, false, SignalGenerateResult.Delivered);
                return true;
            }

            return false;
        }

        if (!Collect(t.Pending, sig, out int code, out int siPid))
        {
            Collect(g.Shared, sig, out code, out siPid);
        }

        Append(SignalLogKind.Deliver, sig, 0, t.Tid, code, siPid, false, SignalGenerateResult.Delivered);
        SigAction a = g.Actions[sig];
        switch (a.Handler)
        {
            case SigHandlerKind.Ignore:
                return true;
            case SigHandlerKind.Handler:
                g.HandlerRuns[sig]++;
                g.LastSiPid[sig] = siPid;
                t.Frames.Add(t.Blocked);
                t.Blocked |= a.Mask | ((a.Flags & SaFlags.NoDefer) != 0 ? 0 : SignalNumbers.Bit(sig));
                t.Blocked &= ~SignalNumbers.Mask(SignalNumbers.SIGKILL, SignalNumbers.SIGSTOP);
                if ((a.Flags & SaFlags.ResetHand) != 0)
                {
                    g.Actions[sig] = SigAction.Default;
                }

                return true;
        }

        // SIG_DFL
        if (SignalNumbers.IsDefaultIgnored(sig))
        {
            return true;
        }

        if (g.Unkillable && !SignalNumbers.IsKernelOnly(sig))
        {
            return true;
        }

        if (SignalNumbers.IsStop(sig))
        {
            if (sig != SignalNumbers.SIGSTOP && IsPgrpOrphaned(g.Pgid, null))
            {
                return true;
            }

            DoSignalStop(g, sig);
            return true;
        }

        g.Core = SignalNumbers.IsCoreDump(sig);
        StartGroupExit(g, sig, 0);
        DoGroupExitNow(g);
        return true;
    }

    /// <summary>The next signal to dequeue: synchronous faults first, then the lowest number; own set before the shared one.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>next_signal</c>, <c>dequeue_signal</c>.</remarks>
    private static int NextSignal(SimTask t)
    {
        int s = Lowest(t.Pending.Signal & ~t.Blocked);
        return s != 0 ? s : Lowest(t.Group.Shared.Signal & ~t.Blocked);
    }

    private static int Lowest(ulong set)
    {
        if (set == 0)
        {
            return 0;
        }

        ulong sync = set & SignalNumbers.Mask(SignalNumbers.SIGSEGV, SignalNumbers.SIGBUS, SignalNumbers.SIGILL, SignalNumbers.SIGTRAP, SignalNumbers.SIGFPE, SignalNumbers.SIGSYS);
        ulong pick = sync != 0 ? sync : set;
        return System.Numerics.BitOperations.TrailingZeroCount(pick) + 1;
    }

    /// <summary>Takes the first queued siginfo of <paramref name="sig"/>; the bit stays while more are queued.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>collect_signal</c> (no sigqueue: SI_USER with si_pid 0).</remarks>
    private bool Collect(SigPending p, int sig, out int code, out int siPid)
    {
        code = SignalNumbers.SI_USER;
        siPid = 0;
        if (!p.Has(sig))
        {
            return false;
        }

        int first = -1, more = 0;
        for (int i = 0; i < p.Queue.Count; i++)
        {
            if (p.Queue[i].Sig == sig)
            {
                if (first < 0)
                {
                    first = i;
                }
                else
                {
                    more++;
                }
            }
        }

        if (first >= 0)
        {
            QueuedSignal q = p.Queue[first];
            code = q.Code;
            siPid = q.SiPid;
            Uncount(q);
            p.Queue.RemoveAt(first);
        }

        if (more == 0)
        {
            p.Signal &= ~SignalNumbers.Bit(sig);
        }

        return true;
    }

    /// <remarks>Kernel: kernel/signal.c <c>do_signal_stop</c>, <c>do_notify_parent_cldstop</c>.</remarks>
    private void DoSignalStop(ThreadGroup g, int sig)
    {
        g.StopPending = false;
        g.State = ProcessLifeState.Stopped;
        g.ExitCode = sig;
        Append(SignalLogKind.Stop, sig, 0, g.Tgid, 0, 0, false, SignalGenerateResult.Delivered);
        NotifyParentCldStop(g, SignalNumbers.CLD_STOPPED);
    }

    private void NotifyParentCldStop(ThreadGroup g, int why)
    {
        ThreadGroup? parent = g.Parent;
        if (parent is null || !parent.IsAlive || !Options.GenerateExitSignals)
        {
            return;
        }

        SigAction a = parent.Actions[SignalNumbers.SIGCHLD];
        if (a.Handler == SigHandlerKind.Ignore || (a.Flags & SaFlags.NoCldStop) != 0)
        {
            return;
        }

        SendSignalLocked(g.Leader, parent.Leader, SignalNumbers.SIGCHLD, InfoKind.Info, why, group: true);
    }
}
