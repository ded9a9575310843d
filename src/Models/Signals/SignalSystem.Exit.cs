namespace KernelSim.Models.Signals;

/// <summary>Exit, zombies, reaping, reparenting and namespace teardown.</summary>
public sealed partial class SignalSystem
{
    /// <summary>exit_group(): the process exits with <paramref name="code"/> (all its threads).</summary>
    /// <remarks>Kernel: kernel/exit.c <c>do_group_exit</c>, <c>do_exit</c>, <c>exit_notify</c>.</remarks>
    /// <param name="pid">Any thread of the process.</param>
    /// <param name="code">Exit code (low 8 bits kept).</param>
    public void ExitGroup(int pid, int code)
    {
        ThreadGroup g = LiveTask(pid).Group;
        if (g == _root.ChildReaper)
        {
            throw new InvalidOperationException("the host init exiting panics the kernel (Attempted to kill init!)");
        }

        StartGroupExit(g, 0, code & 0xff);
        g.Threads.ForEach(static t => t.Pending.Signal &= ~SignalNumbers.Bit(SignalNumbers.SIGKILL));
        DoGroupExitNow(g);
    }

    /// <summary>wait(): reaps one zombie child (the oldest) of the process.</summary>
    /// <remarks>Kernel: kernel/exit.c <c>do_wait</c>, <c>wait_task_zombie</c>, <c>release_task</c>.</remarks>
    /// <param name="parentPid">The waiting process.</param>
    /// <returns>The reaped child's host pid; 0 when children exist but none is a zombie; -ECHILD when it has no children.</returns>
    public int Reap(int parentPid)
    {
        ThreadGroup g = AnyTask(parentPid).Group;
        if (g.Children.Count == 0)
        {
            return -Errno.ECHILD;
        }

        foreach (ThreadGroup c in g.Children)
        {
            if (c.State == ProcessLifeState.Zombie)
            {
                Release(c);
                return c.Tgid;
            }
        }

        return 0;
    }

    /// <summary>Replays a recorded <c>sched_process_exit</c> with group_dead: the process exits now (code unknown: 0 unless a group exit is pending).</summary>
    internal void ExitRecorded(int pid)
    {
        if (!_tasks.TryGetValue(pid, out SimTask? t) || !t.Group.IsAlive || t.Group == _root.ChildReaper)
        {
            return;
        }

        ThreadGroup g = t.Group;
        if (!g.GroupExit)
        {
            StartGroupExit(g, 0, 0);
        }

        DoGroupExitNow(g);
    }

    /// <summary>Every thread of a group that is exiting dies now; then the exit is announced.</summary>
    private void DoGroupExitNow(ThreadGroup g)
    {
        if (!g.IsAlive)
        {
            return;
        }

        foreach (SimTask t in g.Threads)
        {
            t.Dead = true;
            t.Frames.Clear();
            FlushAll(t.Pending);
            if (t != g.Leader)
            {
                UnhashPids(t);
            }
        }

        g.Threads.Clear();
        FlushAll(g.Shared);
        g.State = ProcessLifeState.Zombie;
        Append(SignalLogKind.Exit, g.TermSignal, 0, g.Tgid, g.ExitCode, 0, false, SignalGenerateResult.Delivered);
        ExitNotify(g);
    }

    /// <remarks>Kernel: kernel/exit.c <c>exit_notify</c>, <c>forget_original_parent</c>, <c>find_child_reaper</c>, <c>reparent_leader</c>, <c>kill_orphaned_pgrp</c>.</remarks>
    private void ExitNotify(ThreadGroup g)
    {
        PidNamespace ns = g.Ns;
        if (ns.ChildReaper == g && ns.Level > 0)
        {
            ZapPidNsProcesses(ns, g);
        }

        ThreadGroup reaper = FindNewReaper(g);
        foreach (ThreadGroup child in g.Children.ToArray())
        {
            g.Children.Remove(child);
            child.Parent = reaper;
            reaper.Children.Add(child);
            child.ExitSignal = SignalNumbers.SIGCHLD;
            if (child.State == ProcessLifeState.Zombie)
            {
                NotifyParentExit(child);
            }

            KillOrphanedPgrp(child, g);
        }

        KillOrphanedPgrp(g, null);
        NotifyParentExit(g);
    }

    /// <summary>Kills everything left in a namespace whose init died, and waits for it.</summary>
    /// <remarks>Kernel: kernel/pid_namespace.c <c>zap_pid_ns_processes</c>.</remarks>
    private void ZapPidNsProcesses(PidNamespace ns, ThreadGroup init)
    {
        ns.AllocationDisabled = true;
        init.Actions[SignalNumbers.SIGCHLD] = SigAction.Ignore;
        if (!Options.GenerateExitSignals)
        {
            // Replay: the trace carries the SIGKILLs and the exits.
            return;
        }

        var nrs = new List<int>(ns.Tasks.Keys);
        nrs.Sort();
        foreach (int nr in nrs)
        {
            // Zombies get it too (and ignore it); only a task with SIGKILL already pending is skipped.
            if (nr < 2 || !ns.Tasks.TryGetValue(nr, out SimTask? t) || t.Pending.Has(SignalNumbers.SIGKILL))
            {
                continue;
            }

            SendSignalLocked(init.Leader, t, SignalNumbers.SIGKILL, InfoKind.Priv, SignalNumbers.SI_KERNEL, group: true);
        }

        foreach (ThreadGroup victim in _groups.ToArray())
        {
            if (victim.IsAlive && victim.GroupExit && ns.Contains(victim.Ns))
            {
                DoGroupExitNow(victim);
            }
        }

        // kernel_wait4 until ECHILD: the reaper collects every zombie child left.
        foreach (ThreadGroup c in init.Children.ToArray())
        {
            if (c.State == ProcessLifeState.Zombie)
            {
                Release(c);
            }
        }
    }

    /// <remarks>Kernel: kernel/exit.c <c>find_new_reaper</c> (a live sibling thread does not apply: whole groups exit here).</remarks>
    private ThreadGroup FindNewReaper(ThreadGroup father)
    {
        int level = father.Ns.Level;
        for (ThreadGroup? r = father.Parent; r is not null && r.Ns.Level == level; r = r.Parent)
        {
            if (r == _root.ChildReaper)
            {
                break;
            }

            if (r.IsChildSubreaper && r.IsAlive)
            {
                return r;
            }
        }

        for (PidNamespace? n = father.Ns; n is not null; n = n.Parent)
        {
            if (n.ChildReaper is { } cr && (cr.IsAlive || cr == father.Ns.ChildReaper))
            {
                return cr;
            }
        }

        return _root.ChildReaper!;
    }

    /// <summary>SIGCHLD (or the thread's exit_signal) to the parent; auto-reap when the parent ignores SIGCHLD or set SA_NOCLDWAIT.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>do_notify_parent</c>.</remarks>
    private void NotifyParentExit(ThreadGroup child)
    {
        ThreadGroup? parent = child.Parent;
        if (parent is null)
        {
            child.State = ProcessLifeState.Zombie;
            return;
        }

        int why = child.TermSignal == 0 ? SignalNumbers.CLD_EXITED : child.Core ? SignalNumbers.CLD_DUMPED : SignalNumbers.CLD_KILLED;
        SigAction a = parent.Actions[SignalNumbers.SIGCHLD];
        bool ignore = a.Handler == SigHandlerKind.Ignore;
        bool autoreap = ignore || (a.Flags & SaFlags.NoCldWait) != 0;
        if (!ignore && Options.GenerateExitSignals && child.ExitSignal > 0)
        {
            SendSignalLocked(child.Leader, parent.Leader, child.ExitSignal, InfoKind.Info, why, group: true);
        }

        if (autoreap)
        {
            Release(child);
        }
    }

    private void Release(ThreadGroup g)
    {
        g.State = ProcessLifeState.Reaped;
        g.Parent?.Children.Remove(g);
        _groups.Remove(g);
        UnhashPids(g.Leader);

        Append(SignalLogKind.Reap, 0, 0, g.Tgid, g.ExitCode, 0, false, SignalGenerateResult.Delivered);
    }

    /// <summary>A process group is orphaned when no member has a parent in another group of the same session.</summary>
    /// <remarks>Kernel: kernel/exit.c <c>will_become_orphaned_pgrp</c>.</remarks>
    private bool IsPgrpOrphaned(int pgid, ThreadGroup? ignored)
    {
        foreach (ThreadGroup g in _groups)
        {
            if (g.Pgid != pgid || g == ignored || !g.IsAlive)
            {
                continue;
            }

            ThreadGroup? p = g.Parent;
            if (p is null || p == _root.ChildReaper)
            {
                continue;
            }

            if (p.Pgid != pgid && p.Sid == g.Sid)
            {
                return false;
            }
        }

        return true;
    }

    /// <remarks>Kernel: kernel/exit.c <c>kill_orphaned_pgrp</c>, <c>has_stopped_jobs</c>.</remarks>
    private void KillOrphanedPgrp(ThreadGroup tsk, ThreadGroup? parent)
    {
        ThreadGroup? ignored = tsk;
        if (parent is null)
        {
            parent = tsk.Parent;
        }
        else
        {
            ignored = null;
        }

        if (parent is null || parent.Pgid == tsk.Pgid || parent.Sid != tsk.Sid || !IsPgrpOrphaned(tsk.Pgid, ignored))
        {
            return;
        }

        bool stopped = false;
        foreach (ThreadGroup g in _groups)
        {
            stopped |= g.Pgid == tsk.Pgid && g.State == ProcessLifeState.Stopped;
        }

        if (stopped)
        {
            var sink = new List<SignalLogEntry>();
            KillPgrp(null, tsk.Pgid, SignalNumbers.SIGHUP, InfoKind.Priv, sink);
            KillPgrp(null, tsk.Pgid, SignalNumbers.SIGCONT, InfoKind.Priv, sink);
        }
    }

    /// <summary>Replays a recorded <c>sched_process_fork</c> (host pids); <paramref name="namespaceInit"/> makes the child PID 1 of a new namespace.</summary>
    internal void ForkRecorded(int parentPid, int childPid, string comm, bool namespaceInit)
    {
        EnsureProcess(parentPid, comm);
        if (_tasks.TryGetValue(childPid, out SimTask? old) && !old.Dead && old.Group.IsAlive)
        {
            return;
        }

        _tasks.Remove(childPid);
        ForkCore(parentPid, namespaceInit ? CloneFlags.NewPid : CloneFlags.None, comm, childPid);
    }

    /// <summary>A process seen in a trace before its fork: created as a child of the host init.</summary>
    internal void EnsureProcess(int pid, string comm)
    {
        if (pid <= 1 || (_tasks.TryGetValue(pid, out SimTask? t) && !t.Dead && t.Group.IsAlive))
        {
            return;
        }

        _tasks.Remove(pid);
        ForkCore(InitPid, CloneFlags.None, comm, pid);
    }

    /// <summary>Replays a recorded exec: handlers reset.</summary>
    internal void ExecRecorded(int pid, string comm)
    {
        if (_tasks.TryGetValue(pid, out SimTask? t) && !t.Dead && t.Group.IsAlive)
        {
            Exec(pid, comm);
        }
    }

    /// <summary>Replay inference: the process has a handler for <paramref name="sig"/> (seen in a signal_deliver's sa_handler).</summary>
    internal void SetRecordedDisposition(int pid, int sig, SigAction action)
    {
        if (_tasks.TryGetValue(pid, out SimTask? t) && t.Group.IsAlive && !SignalNumbers.IsKernelOnly(sig))
        {
            t.Group.Actions[sig] = action;
        }
    }

    /// <summary>Replay: the process is condemned by a signal (group exit with a terminating signal) — its exit will be CLD_KILLED.</summary>
    internal bool IsDyingFromSignal(int pid) =>
        _tasks.TryGetValue(pid, out SimTask? t) && t.Group.GroupExit && t.Group.TermSignal != 0;

    /// <summary>Replay inference: the thread blocks <paramref name="sig"/>.</summary>
    internal void BlockRecorded(int tid, int sig)
    {
        if (_tasks.TryGetValue(tid, out SimTask? t) && !SignalNumbers.IsKernelOnly(sig))
        {
            t.Blocked |= SignalNumbers.Bit(sig);
        }
    }

    /// <summary>Replay resync: drop a pending signal the trace shows was consumed without a signal_deliver.</summary>
    internal void ClearPendingRecorded(int tid, int sig)
    {
        if (_tasks.TryGetValue(tid, out SimTask? t))
        {
            FlushMask(t.Pending, SignalNumbers.Bit(sig));
            FlushMask(t.Group.Shared, SignalNumbers.Bit(sig));
        }
    }

    /// <summary>Replay inference: the target's user is at its RLIMIT_SIGPENDING (an allocation failed in the kernel).</summary>
    internal void SaturateRlimitRecorded(int tid)
    {
        if (_tasks.TryGetValue(tid, out SimTask? t))
        {
            t.Group.RlimitSigpending = _ucountSigpending.GetValueOrDefault(t.Group.Uid);
        }
    }

    /// <summary>Replay: whether the process is a namespace init (SIGNAL_UNKILLABLE).</summary>
    internal bool IsUnkillableRecorded(int pid) => _tasks.TryGetValue(pid, out SimTask? t) && t.Group.Unkillable;

    /// <summary>Replay: the pid has been seen (alive, zombie or reaped).</summary>
    internal bool KnowsRecorded(int pid) => _tasks.ContainsKey(pid);

    /// <summary>Frees a task's pid numbers at every level (<c>free_pid</c>): it no longer resolves.</summary>
    private static void UnhashPids(SimTask l)
    {
        for (PidNamespace? n = l.Ns; n is not null; n = n.Parent)
        {
            if (n.Tasks.TryGetValue(l.Nrs[n.Level], out SimTask? cur) && cur == l)
            {
                n.Tasks.Remove(l.Nrs[n.Level]);
            }
        }
    }
}
