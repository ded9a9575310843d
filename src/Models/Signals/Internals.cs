namespace KernelSim.Models.Signals;

/// <summary>A queued siginfo (<c>struct sigqueue</c>).</summary>
/// <remarks>Kernel: kernel/signal.c <c>__sigqueue_alloc</c>; Counted: it holds one RLIMIT_SIGPENDING ucount.</remarks>
internal readonly record struct QueuedSignal(int Sig, int Code, int SiPid, bool Counted, int Uid);

/// <summary>A pending set and its queue (<c>struct sigpending</c>).</summary>
internal sealed class SigPending
{
    public ulong Signal { get; set; }

    public List<QueuedSignal> Queue { get; } = [];

    public bool Has(int sig) => (Signal & SignalNumbers.Bit(sig)) != 0;
}

/// <summary>A PID namespace (<c>struct pid_namespace</c>).</summary>
/// <remarks>Kernel: kernel/pid_namespace.c, kernel/pid.c <c>alloc_pid</c>, <c>disable_pid_allocation</c>.</remarks>
internal sealed class PidNamespace(PidNamespace? parent)
{
    public PidNamespace? Parent { get; } = parent;

    public int Level { get; } = parent is null ? 0 : parent.Level + 1;

    public int LastPid { get; set; }

    public ThreadGroup? ChildReaper { get; set; }

    /// <summary><c>PIDNS_ADDING</c> cleared: later forks fail with ENOMEM.</summary>
    public bool AllocationDisabled { get; set; }

    public Dictionary<int, SimTask> Tasks { get; } = [];

    public bool Contains(PidNamespace ns)
    {
        for (PidNamespace? n = ns; n is not null; n = n.Parent)
        {
            if (n == this)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A thread (<c>struct task_struct</c>, the per-thread part).</summary>
internal sealed class SimTask(int tid, int[] nrs, PidNamespace ns, ThreadGroup group, long created)
{
    public int Tid { get; } = tid;

    /// <summary>pid at each level, host first (<c>struct pid.numbers</c>).</summary>
    public int[] Nrs { get; } = nrs;

    /// <summary>Active PID namespace (<c>task_active_pid_ns</c>).</summary>
    public PidNamespace Ns { get; } = ns;

    public ThreadGroup Group { get; } = group;

    public long Created { get; } = created;

    public ulong Blocked { get; set; }

    public SigPending Pending { get; } = new();

    public bool Dead { get; set; }

    /// <summary>Saved masks of handlers running (innermost last).</summary>
    public List<ulong> Frames { get; } = [];

    /// <summary>pid of this task as seen in <paramref name="ns"/> (<c>task_pid_nr_ns</c>); 0 if invisible there.</summary>
    public int NrIn(PidNamespace ns) => ns.Level <= Ns.Level && ns.Contains(Ns) ? Nrs[ns.Level] : 0;
}

/// <summary>A process: thread group with its <c>signal_struct</c> and <c>sighand_struct</c>.</summary>
internal sealed class ThreadGroup
{
    public ThreadGroup(long created)
    {
        Created = created;
    }

    public long Created { get; }

    public SimTask Leader { get; set; } = null!;

    public List<SimTask> Threads { get; } = [];

    public SigAction[] Actions { get; } = new SigAction[SignalNumbers.SIGRTMAX + 1];

    public SigPending Shared { get; } = new();

    public ThreadGroup? Parent { get; set; }

    public List<ThreadGroup> Children { get; } = [];

    public int Pgid { get; set; }

    public int Sid { get; set; }

    public string Comm { get; set; } = "";

    /// <summary><c>SIGNAL_UNKILLABLE</c>.</summary>
    public bool Unkillable { get; set; }

    /// <summary><c>SIGNAL_GROUP_EXIT</c>.</summary>
    public bool GroupExit { get; set; }

    public bool IsChildSubreaper { get; set; }

    public ProcessLifeState State { get; set; }

    /// <summary>A stop signal is being acted on (<c>JOBCTL_STOP_PENDING</c> on the group).</summary>
    public bool StopPending { get; set; }

    /// <summary><c>SIGNAL_CLD_CONTINUED</c>/<c>SIGNAL_CLD_STOPPED</c> waiting for get_signal to notify the parent.</summary>
    public int PendingCldNotify { get; set; }

    public int ExitSignal { get; set; } = SignalNumbers.SIGCHLD;

    public int Uid { get; set; }

    public long RlimitSigpending { get; set; }

    public PidNamespace NsForChildren { get; set; } = null!;

    public int[] HandlerRuns { get; } = new int[SignalNumbers.SIGRTMAX + 1];

    public int[] LastSiPid { get; } = new int[SignalNumbers.SIGRTMAX + 1];

    public int ExitCode { get; set; }

    public int TermSignal { get; set; }

    public bool Core { get; set; }

    public int Tgid => Leader.Tid;

    public PidNamespace Ns => Leader.Ns;

    public bool IsAlive => State is ProcessLifeState.Running or ProcessLifeState.Stopped;
}
