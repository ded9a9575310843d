namespace KernelSim.Models.Signals;

/// <summary>One send of a <see cref="SignalScenario"/>.</summary>
/// <param name="Kind">Which system call or kernel path.</param>
/// <param name="SenderIndex">The sending process (index; ignored for host, OOM and fault sends).</param>
/// <param name="TargetIndex">The target process (index); -1 means kill(-1) (Kill and HostKill only).</param>
/// <param name="Sig">The signal.</param>
public sealed record ScenarioSend(ScenarioSendKind Kind, int SenderIndex, int TargetIndex, int Sig);
