using KernelSim.Time;

namespace KernelSim.Models.Signals;

/// <summary>What a stop policy does to a container.</summary>
/// <param name="TimeToStop">From the stop signal until the container's PID 1 has exited (what docker stop waits for).</param>
/// <param name="NeededKill">True when the grace period ran out and SIGKILL from the host ended it.</param>
/// <param name="Timeline">Every signal and exit, in order.</param>
/// <param name="ExitSignals">For each process, the signal that killed it (0 = it exited by itself).</param>
/// <param name="ZombiesBeforeTeardown">Processes that had exited but were never reaped by their parent before PID 1 died (the kernel reaps them in the namespace teardown).</param>
public sealed record StopOutcome(
    SimDuration TimeToStop,
    bool NeededKill,
    IReadOnlyList<StopEvent> Timeline,
    IReadOnlyDictionary<string, int> ExitSignals,
    IReadOnlyList<string> ZombiesBeforeTeardown)
{
    /// <summary>Per process, in tree order: whether it got the stop signal and what ended it.</summary>
    public IReadOnlyList<StopProcessOutcome> Processes { get; init; } = [];
}
