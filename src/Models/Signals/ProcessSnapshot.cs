namespace KernelSim.Models.Signals;

/// <summary>A read-only view of one process (thread group) at the time of the query.</summary>
/// <param name="Pid">The thread group id (host pid of the leader).</param>
/// <param name="ParentPid">The current parent's host pid (0 for the host init).</param>
/// <param name="Comm">Command name.</param>
/// <param name="State">Running, stopped, zombie or reaped.</param>
/// <param name="ExitCode">Exit code of a normal exit (0..255), when exited.</param>
/// <param name="TermSignal">The signal that killed it (0 if it exited normally or is alive).</param>
/// <param name="CoreDumped">Killed by a core-dumping default action.</param>
/// <param name="NamespaceLevel">Level of its PID namespace (0 = host).</param>
/// <param name="NamespacePids">Its pid at each level, host (level 0) first.</param>
/// <param name="IsNamespaceInit">It is the child reaper (PID 1) of its namespace.</param>
/// <param name="Threads">Number of live threads.</param>
public sealed record ProcessSnapshot(
    int Pid,
    int ParentPid,
    string Comm,
    ProcessLifeState State,
    int ExitCode,
    int TermSignal,
    bool CoreDumped,
    int NamespaceLevel,
    IReadOnlyList<int> NamespacePids,
    bool IsNamespaceInit,
    int Threads)
{
    /// <summary>True while running or stopped.</summary>
    public bool IsAlive => State is ProcessLifeState.Running or ProcessLifeState.Stopped;
}
