namespace KernelSim.Models.Signals;

/// <summary>Configuration of a <see cref="SignalSystem"/> (kernel defaults, host values from KERNEL-NOTES).</summary>
public sealed record SignalSystemOptions
{
    /// <summary><c>RLIMIT_SIGPENDING</c> given to the host init and inherited by its descendants (host: 96365).</summary>
    public long RlimitSigpending { get; init; } = 96365;

    /// <summary><c>MAX_PID_NS_LEVEL</c>: deepest nesting of PID namespaces (kernel/pid_namespace.c).</summary>
    public int MaxPidNsLevel { get; init; } = 32;

    /// <summary>
    /// When false, exits neither notify the parent with SIGCHLD nor zap a dead init's namespace with SIGKILLs:
    /// a trace replay feeds those signals itself (they are in the trace). State changes (zombies, reparenting,
    /// pid allocation disabled, the reaper's SIGCHLD set to SIG_IGN) still happen.
    /// </summary>
    public bool GenerateExitSignals { get; init; } = true;
}
