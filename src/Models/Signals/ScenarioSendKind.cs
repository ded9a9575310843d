namespace KernelSim.Models.Signals;

/// <summary>How a <see cref="ScenarioSend"/> sends.</summary>
public enum ScenarioSendKind
{
    /// <summary>kill() from the sender process.</summary>
    Kill = 0,

    /// <summary>sigqueue() from the sender process.</summary>
    Sigqueue = 1,

    /// <summary>kill() from the host process outside every namespace of the scenario (the container runtime).</summary>
    HostKill = 2,

    /// <summary>The OOM killer's SIGKILL (the signal number is ignored).</summary>
    OomKill = 3,

    /// <summary>A synchronous fault (force_sig) in the target.</summary>
    Fault = 4,
}
