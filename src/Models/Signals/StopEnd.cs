namespace KernelSim.Models.Signals;

/// <summary>What ended a process during a predicted container stop.</summary>
public enum StopEnd
{
    /// <summary>It was still running when the prediction ended (not expected: PID 1's exit tears the namespace down).</summary>
    Running = 0,

    /// <summary>It exited by itself (exit_group), e.g. after handling the stop signal.</summary>
    OwnExit,

    /// <summary>The stop signal's default action killed it.</summary>
    StopSignal,

    /// <summary>The runtime's SIGKILL to PID 1 when the grace period ran out.</summary>
    GraceKill,

    /// <summary>The SIGKILL zap_pid_ns_processes sends every process left when PID 1 of the namespace exits.</summary>
    TeardownKill,

    /// <summary>Another signal killed it.</summary>
    OtherSignal,
}
