using KernelSim.Time;

namespace KernelSim.Models.Signals;

/// <summary>What a predicted container stop did to one process.</summary>
/// <param name="Name">The process.</param>
/// <param name="StopSignal">What became of the stop signal sent to it: "handled", "ignored", "default action" (it killed or was meant to kill it), or "not sent" (neither the runtime nor a forwarding parent sent it).</param>
/// <param name="EndedBy">What ended it.</param>
/// <param name="ExitCode">Its exit code when it exited by itself, else 0.</param>
/// <param name="Signal">The signal that killed it, else 0.</param>
/// <param name="At">When it ended (since the stop signal was sent); null while running.</param>
public sealed record StopProcessOutcome(string Name, string StopSignal, StopEnd EndedBy, int ExitCode, int Signal, SimDuration? At);
