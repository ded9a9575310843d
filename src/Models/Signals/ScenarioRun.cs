namespace KernelSim.Models.Signals;

/// <summary>The result of <see cref="SignalScenario.Run"/>: the settled system, the pids, and each send's outcome.</summary>
/// <param name="System">The system after the last send settled.</param>
/// <param name="HostPid">The host process that plays the container runtime (parent of process 0).</param>
/// <param name="Pids">Host pid of each scenario process (0 when its fork failed).</param>
/// <param name="Sends">The outcome of each send; null when it was not made (the sender dead or stopped, the target
/// invisible to it, or a fault in a process that cannot run).</param>
/// <param name="SendLogStarts">For each send, the index in <see cref="SignalSystem.Log"/> where its entries (the send and
/// what followed until the next one) begin.</param>
public sealed record ScenarioRun(SignalSystem System, int HostPid, IReadOnlyList<int> Pids, IReadOnlyList<SendResult?> Sends, IReadOnlyList<int> SendLogStarts);
