namespace KernelSim.Models.Signals;

/// <summary>
/// A deterministic model of Linux signal semantics: processes and threads, parents, process groups and
/// sessions, nested PID namespaces, dispositions, masks and pending sets; signal generation with the
/// kernel's five outcomes, delivery, default actions, exit, reaping, reparenting and namespace teardown.
/// </summary>
/// <remarks>
/// Follows kernel/signal.c, kernel/exit.c, kernel/fork.c and kernel/pid_namespace.c of Linux 6.18. All pids
/// in the API are host (init-namespace) pids, as tracepoints show them, except the target of the send calls,
/// which is read in the sender's namespace as the system calls do. Generation is synchronous; delivery
/// happens in <see cref="Tick"/> (each live thread acts once, in creation order), so a test sends, then
/// calls <see cref="RunUntilQuiet"/>. Nothing depends on wall time or hashing order.
/// </remarks>
public sealed partial class SignalSystem
{
    private readonly PidNamespace _root = new(null);
    private readonly Dictionary<int, SimTask> _tasks = [];
    private readonly List<ThreadGroup> _groups = [];
    private readonly Dictionary<int, ThreadGroup> _allGroups = [];
    private readonly Dictionary<int, long> _ucountSigpending = [];
    private readonly List<SignalLogEntry> _log = [];
    private long _created;

    /// <summary>Creates a system with the host init (pid 1, "init") and nothing else.</summary>
    /// <param name="options">Limits and replay switches; kernel defaults when null.</param>
    public SignalSystem(SignalSystemOptions? options = null)
    {
        Options = options ?? new SignalSystemOptions();
        ThreadGroup init = NewGroup(null, _root, 1, "init");
        init.RlimitSigpending = Options.RlimitSigpending;
        init.Pgid = 1;
        init.Sid = 1;
        init.Unkillable = true;
        _root.ChildReaper = init;
    }

    /// <summary>The options this system was created with.</summary>
    public SignalSystemOptions Options { get; }

    /// <summary>The host init's pid (1).</summary>
    public static int InitPid => 1;

    /// <summary>Everything that happened, in order.</summary>
    public IReadOnlyList<SignalLogEntry> Log => _log;

    /// <summary>
    /// fork()/clone(): creates a process (or a thread with <see cref="CloneFlags.Thread"/>) as a child of
    /// <paramref name="parentPid"/>. It inherits dispositions, the blocked mask, process group, session, uid and
    /// RLIMIT_SIGPENDING; pending signals are not inherited. The first process of a new namespace is its init.
    /// </summary>
    /// <remarks>Kernel: kernel/fork.c <c>copy_process</c>, kernel/pid.c <c>alloc_pid</c>, kernel/pid_namespace.c <c>create_pid_namespace</c>.</remarks>
    /// <param name="parentPid">The calling thread (host pid).</param>
    /// <param name="flags">CLONE_NEWPID, CLONE_THREAD, CLONE_PARENT.</param>
    /// <param name="comm">The child's name (default: the parent's).</param>
    /// <returns>The new pid, or ENOMEM (namespace init dead), EINVAL (CLONE_PARENT from an init, CLONE_THREAD with CLONE_NEWPID), ENOSPC (nesting).</returns>
    public ForkResult Fork(int parentPid, CloneFlags flags = CloneFlags.None, string? comm = null) => ForkCore(parentPid, flags, comm, 0);

    /// <summary>unshare(CLONE_NEWPID): the caller's next child is PID 1 of a new namespace; later children join it.</summary>
    /// <remarks>Kernel: kernel/nsproxy.c <c>unshare_nsproxy_namespaces</c> (pid_ns_for_children).</remarks>
    /// <param name="pid">The calling process.</param>
    /// <returns>0, or ENOSPC when nesting would exceed <see cref="SignalSystemOptions.MaxPidNsLevel"/>.</returns>
    public int UnsharePidNamespace(int pid)
    {
        ThreadGroup g = LiveTask(pid).Group;
        if (g.Ns.Level + 1 > Options.MaxPidNsLevel)
        {
            return Errno.ENOSPC;
        }

        g.NsForChildren = new PidNamespace(g.Ns);
        return 0;
    }

    /// <summary>execve(): handlers reset to SIG_DFL (ignored signals stay ignored), other threads die; mask and pending kept.</summary>
    /// <remarks>Kernel: fs/exec.c <c>de_thread</c>, kernel/signal.c <c>flush_signal_handlers</c>.</remarks>
    /// <param name="pid">The calling thread.</param>
    /// <param name="comm">The new name.</param>
    public void Exec(int pid, string comm)
    {
        SimTask t = LiveTask(pid);
        ThreadGroup g = t.Group;
        for (int i = g.Threads.Count - 1; i >= 0; i--)
        {
            SimTask other = g.Threads[i];
            if (other != t && other != g.Leader)
            {
                RemoveThread(other);
            }
        }

        for (int s = 1; s <= SignalNumbers.SIGRTMAX; s++)
        {
            if (g.Actions[s].Handler == SigHandlerKind.Handler)
            {
                g.Actions[s] = SigAction.Default;
            }
            else
            {
                g.Actions[s] = g.Actions[s] with { Flags = SaFlags.None, Mask = 0 };
            }
        }

        t.Frames.Clear();
        g.Comm = comm;
    }

    /// <summary>sigaction(): sets a disposition. Setting SIG_IGN (or SIG_DFL of a default-ignored signal) discards it from every pending set.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>do_sigaction</c>.</remarks>
    /// <param name="pid">Any thread of the process.</param>
    /// <param name="sig">1..64 except SIGKILL and SIGSTOP.</param>
    /// <param name="action">The new disposition.</param>
    /// <returns>0 or EINVAL.</returns>
    public int SetDisposition(int pid, int sig, SigAction action)
    {
        ThreadGroup g = LiveTask(pid).Group;
        if (!SignalNumbers.IsValid(sig) || SignalNumbers.IsKernelOnly(sig))
        {
            return Errno.EINVAL;
        }

        g.Actions[sig] = action;
        if (action.Handler == SigHandlerKind.Ignore || (action.Handler == SigHandlerKind.Default && SignalNumbers.IsDefaultIgnored(sig)))
        {
            ulong bit = SignalNumbers.Bit(sig);
            FlushMask(g.Shared, bit);
            foreach (SimTask t in g.Threads)
            {
                FlushMask(t.Pending, bit);
            }
        }

        return 0;
    }

    /// <summary>The current disposition of <paramref name="sig"/> in <paramref name="pid"/>'s process.</summary>
    /// <param name="pid">Any thread of the process.</param>
    /// <param name="sig">1..64.</param>
    /// <returns>The action.</returns>
    public SigAction GetDisposition(int pid, int sig) => AnyTask(pid).Group.Actions[CheckSig(sig)];

    /// <summary>sigprocmask(SIG_SETMASK): SIGKILL and SIGSTOP are silently kept unblocked.</summary>
    /// <param name="tid">The thread.</param>
    /// <param name="mask">The new blocked mask (bit <c>sig - 1</c>).</param>
    public void SetBlocked(int tid, ulong mask) =>
        LiveTask(tid).Blocked = mask & ~SignalNumbers.Mask(SignalNumbers.SIGKILL, SignalNumbers.SIGSTOP);

    /// <summary>sigprocmask(SIG_BLOCK) of one signal.</summary>
    /// <param name="tid">The thread.</param>
    /// <param name="sig">The signal.</param>
    public void Block(int tid, int sig) => SetBlocked(tid, LiveTask(tid).Blocked | SignalNumbers.Bit(CheckSig(sig)));

    /// <summary>sigprocmask(SIG_UNBLOCK) of one signal.</summary>
    /// <param name="tid">The thread.</param>
    /// <param name="sig">The signal.</param>
    public void Unblock(int tid, int sig) => SetBlocked(tid, LiveTask(tid).Blocked & ~SignalNumbers.Bit(CheckSig(sig)));

    /// <summary>The thread's blocked mask.</summary>
    /// <param name="tid">The thread.</param>
    /// <returns>The mask (bit <c>sig - 1</c>).</returns>
    public ulong GetBlocked(int tid) => AnyTask(tid).Blocked;

    /// <summary>prctl(PR_SET_CHILD_SUBREAPER).</summary>
    /// <param name="pid">The process.</param>
    /// <param name="enabled">Whether orphaned descendants are reparented to it.</param>
    public void SetChildSubreaper(int pid, bool enabled) => LiveTask(pid).Group.IsChildSubreaper = enabled;

    /// <summary>setrlimit(RLIMIT_SIGPENDING) (inherited by later children).</summary>
    /// <param name="pid">The process.</param>
    /// <param name="limit">Maximum queued signals of the process's user.</param>
    public void SetRlimitSigpending(int pid, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        LiveTask(pid).Group.RlimitSigpending = limit;
    }

    /// <summary>Sets the process's real uid (permission checks, the per-user RLIMIT_SIGPENDING count).</summary>
    /// <param name="pid">The process.</param>
    /// <param name="uid">The uid (0 = root).</param>
    public void SetUid(int pid, int uid) => LiveTask(pid).Group.Uid = uid;

    /// <summary>setpgid(pid, pgid) (host pids; 0 means the process's own pid).</summary>
    /// <param name="pid">The process.</param>
    /// <param name="pgid">The group to join or create.</param>
    /// <returns>0, or EPERM when the group is in another session or the process leads a session.</returns>
    public int SetProcessGroup(int pid, int pgid)
    {
        ThreadGroup g = LiveTask(pid).Group;
        int target = pgid == 0 ? g.Tgid : pgid;
        if (g.Sid == g.Tgid)
        {
            return Errno.EPERM;
        }

        if (target != g.Tgid)
        {
            bool exists = false;
            foreach (ThreadGroup o in _groups)
            {
                if (o.Pgid == target && o.Sid == g.Sid)
                {
                    exists = true;
                    break;
                }
            }

            if (!exists)
            {
                return Errno.EPERM;
            }
        }

        g.Pgid = target;
        return 0;
    }

    /// <summary>setsid(): a new session and process group led by the caller.</summary>
    /// <param name="pid">The process.</param>
    /// <returns>0, or EPERM when it already leads a process group.</returns>
    public int SetSession(int pid)
    {
        ThreadGroup g = LiveTask(pid).Group;
        if (g.Pgid == g.Tgid)
        {
            return Errno.EPERM;
        }

        g.Pgid = g.Tgid;
        g.Sid = g.Tgid;
        return 0;
    }

    /// <summary>A view of a process (also after it was reaped).</summary>
    /// <param name="pid">Any thread of the process (host pid).</param>
    /// <returns>The snapshot.</returns>
    public ProcessSnapshot GetProcess(int pid)
    {
        ThreadGroup g = AnyTask(pid).Group;
        return new ProcessSnapshot(
            g.Tgid,
            g.Parent?.Tgid ?? 0,
            g.Comm,
            g.State,
            g.ExitCode,
            g.TermSignal,
            g.Core,
            g.Ns.Level,
            g.Leader.Nrs,
            g.Ns.ChildReaper == g,
            g.IsAlive ? g.Threads.Count : 0);
    }

    /// <summary>True while the process is running or stopped.</summary>
    /// <param name="pid">Host pid.</param>
    /// <returns>Whether it is alive.</returns>
    public bool IsAlive(int pid) => _tasks.TryGetValue(pid, out SimTask? t) && !t.Dead && t.Group.IsAlive;

    /// <summary>Processes not yet reaped, in creation order (the kernel's task list order).</summary>
    /// <returns>Their host pids.</returns>
    public IReadOnlyList<int> Processes()
    {
        var list = new List<int>(_groups.Count);
        foreach (ThreadGroup g in _groups)
        {
            list.Add(g.Tgid);
        }

        return list;
    }

    /// <summary>The pid of <paramref name="pid"/> as <paramref name="observerPid"/> sees it (<c>task_pid_nr_ns</c>); 0 when invisible.</summary>
    /// <param name="observerPid">The observing thread.</param>
    /// <param name="pid">The observed thread.</param>
    /// <returns>The number in the observer's namespace, or 0.</returns>
    public int PidAsSeenBy(int observerPid, int pid) => AnyTask(pid).NrIn(AnyTask(observerPid).Ns);

    /// <summary>getppid(): the parent's pid in the caller's namespace (0 when the parent is outside it).</summary>
    /// <param name="pid">The caller.</param>
    /// <returns>The parent's tgid as the caller sees it.</returns>
    public int GetPpid(int pid)
    {
        SimTask t = AnyTask(pid);
        return t.Group.Parent is { } p ? p.Leader.NrIn(t.Ns) : 0;
    }

    /// <summary>How many times a handler for <paramref name="sig"/> was entered in the process.</summary>
    /// <param name="pid">The process.</param>
    /// <param name="sig">The signal.</param>
    /// <returns>The count.</returns>
    public int HandlerRuns(int pid, int sig) => AnyTask(pid).Group.HandlerRuns[CheckSig(sig)];

    /// <summary>si_pid of the last delivery of <paramref name="sig"/> to a handler of the process.</summary>
    /// <param name="pid">The process.</param>
    /// <param name="sig">The signal.</param>
    /// <returns>si_pid as the receiver saw it.</returns>
    public int LastHandlerSiPid(int pid, int sig) => AnyTask(pid).Group.LastSiPid[CheckSig(sig)];

    /// <summary>Pending signals of a thread: its own set and its process's shared set.</summary>
    /// <param name="tid">The thread.</param>
    /// <returns>The union mask.</returns>
    public ulong PendingSignals(int tid)
    {
        SimTask t = AnyTask(tid);
        return t.Pending.Signal | t.Group.Shared.Signal;
    }

    /// <summary>Queued siginfos counted against RLIMIT_SIGPENDING for a user.</summary>
    /// <param name="uid">The user.</param>
    /// <returns>The count.</returns>
    public long QueuedSignals(int uid) => _ucountSigpending.GetValueOrDefault(uid);

    private static int CheckSig(int sig)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sig, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sig, SignalNumbers.SIGRTMAX);
        return sig;
    }

    private SimTask AnyTask(int pid) =>
        _tasks.TryGetValue(pid, out SimTask? t) ? t : throw new ArgumentException($"no task with host pid {pid}", nameof(pid));

    private SimTask LiveTask(int pid)
    {
        SimTask t = AnyTask(pid);
        return t.Dead || !t.Group.IsAlive ? throw new ArgumentException($"task {pid} has exited", nameof(pid)) : t;
    }

    private ThreadGroup NewGroup(ThreadGroup? parent, PidNamespace ns, int hostPid, string comm)
    {
        var g = new ThreadGroup(_created++) { Parent = parent, Comm = comm, NsForChildren = ns };
        SimTask t = NewTask(g, ns, hostPid);
        g.Leader = t;
        _groups.Add(g);
        _allGroups[t.Tid] = g;
        parent?.Children.Add(g);
        return g;
    }

    private SimTask NewTask(ThreadGroup g, PidNamespace ns, int hostPid)
    {
        int[] nrs = new int[ns.Level + 1];
        for (PidNamespace? n = ns; n is not null; n = n.Parent)
        {
            int nr = n.Level == 0 && hostPid > 0 ? hostPid : n.LastPid + 1;
            while (n.Tasks.ContainsKey(nr))
            {
                nr++;
            }

            n.LastPid = Math.Max(n.LastPid, nr);
            nrs[n.Level] = nr;
        }

        var t = new SimTask(nrs[0], nrs, ns, g, _created++);
        for (PidNamespace? n = ns; n is not null; n = n.Parent)
        {
            n.Tasks[nrs[n.Level]] = t;
        }

        _tasks[t.Tid] = t;
        g.Threads.Add(t);
        return t;
    }

    private ForkResult ForkCore(int parentPid, CloneFlags flags, string? comm, int hostPid)
    {
        SimTask parent = LiveTask(parentPid);
        ThreadGroup pg = parent.Group;
        if ((flags & CloneFlags.Thread) != 0)
        {
            if ((flags & CloneFlags.NewPid) != 0)
            {
                return new ForkResult(Errno.EINVAL, 0);
            }

            SimTask th = NewTask(pg, pg.Ns, hostPid);
            th.Blocked = parent.Blocked;
            return new ForkResult(0, th.Tid);
        }

        if ((flags & CloneFlags.Parent) != 0 && pg.Unkillable)
        {
            return new ForkResult(Errno.EINVAL, 0);
        }

        PidNamespace ns = pg.NsForChildren;
        if ((flags & CloneFlags.NewPid) != 0)
        {
            if (ns.Level + 1 > Options.MaxPidNsLevel)
            {
                return new ForkResult(Errno.ENOSPC, 0);
            }

            ns = new PidNamespace(ns);
        }

        if (ns.AllocationDisabled)
        {
            return new ForkResult(Errno.ENOMEM, 0);
        }

        ThreadGroup realParent = (flags & CloneFlags.Parent) != 0 && pg.Parent is not null ? pg.Parent : pg;
        ThreadGroup g = NewGroup(realParent, ns, hostPid, comm ?? pg.Comm);
        Array.Copy(pg.Actions, g.Actions, pg.Actions.Length);
        g.Leader.Blocked = parent.Blocked;
        g.Pgid = pg.Pgid;
        g.Sid = pg.Sid;
        g.Uid = pg.Uid;
        g.RlimitSigpending = pg.RlimitSigpending;
        if (ns.ChildReaper is null)
        {
            ns.ChildReaper = g;
            g.Unkillable = true;
        }

        return new ForkResult(0, g.Tgid);
    }

    private void RemoveThread(SimTask t)
    {
        UnhashPids(t);
        t.Dead = true;
        t.Group.Threads.Remove(t);
        FlushAll(t.Pending);
    }

    private void FlushMask(SigPending p, ulong mask)
    {
        p.Signal &= ~mask;
        for (int i = p.Queue.Count - 1; i >= 0; i--)
        {
            if ((SignalNumbers.Bit(p.Queue[i].Sig) & mask) != 0)
            {
                Uncount(p.Queue[i]);
                p.Queue.RemoveAt(i);
            }
        }
    }

    private void FlushAll(SigPending p) => FlushMask(p, ulong.MaxValue);

    private void Uncount(QueuedSignal q)
    {
        if (q.Counted)
        {
            _ucountSigpending[q.Uid] = _ucountSigpending.GetValueOrDefault(q.Uid) - 1;
        }
    }

    private SignalLogEntry Append(SignalLogKind kind, int sig, int sender, int target, int code, int siPid, bool group, SignalGenerateResult result)
    {
        var e = new SignalLogEntry(_log.Count, kind, sig, sender, target, code, siPid, group, result);
        _log.Add(e);
        return e;
    }
}
