namespace KernelSim.Models.Signals;

/// <summary>The outcome of <see cref="SignalSystem.Fork"/>.</summary>
/// <param name="Errno">0 on success, else a positive errno (ENOMEM, EINVAL, ENOSPC).</param>
/// <param name="Pid">The new task's host (init-namespace) pid; 0 on failure.</param>
public readonly record struct ForkResult(int Errno, int Pid)
{
    /// <summary>True when the fork succeeded.</summary>
    public bool Succeeded => Errno == 0;
}
