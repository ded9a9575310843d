namespace KernelSim.Models.Signals;

/// <summary>The outcome of a send system call: its errno and every <c>signal_generate</c> it fired.</summary>
/// <param name="Errno">0 on success, else a positive errno (<see cref="Signals.Errno"/>).</param>
/// <param name="Results">One record per generated signal, in order (empty for errors and signal 0).</param>
public sealed record SendResult(int Errno, IReadOnlyList<SignalLogEntry> Results);
