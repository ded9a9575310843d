namespace KernelSim.Models.Signals;

/// <summary>One process of a <see cref="SignalScenario"/>: where it hangs in the tree and its signal setup.</summary>
/// <param name="ParentIndex">Index of its parent among the scenario's processes (always smaller), or -1 for the root,
/// a child of the host process that plays the container runtime.</param>
/// <param name="NewPidNamespace">Created with CLONE_NEWPID: PID 1 of a new namespace nested in its parent's.</param>
/// <param name="Ignored">Signals set to SIG_IGN (bit <c>sig - 1</c>; SIGKILL/SIGSTOP bits are dropped).</param>
/// <param name="Handled">Signals with a handler (applied after <paramref name="Ignored"/>).</param>
/// <param name="Blocked">The blocked mask.</param>
public sealed record ScenarioProcess(int ParentIndex, bool NewPidNamespace, ulong Ignored = 0, ulong Handled = 0, ulong Blocked = 0);
