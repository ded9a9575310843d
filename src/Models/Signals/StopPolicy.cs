using KernelSim.Time;

namespace KernelSim.Models.Signals;

/// <summary>How the runtime stops a container: a signal to its PID 1, a grace period, then SIGKILL from the host (docker stop, Kubernetes).</summary>
/// <param name="Signal">The stop signal (SIGTERM by default).</param>
/// <param name="Grace">How long to wait before SIGKILL (docker stop: 10 s; Kubernetes: terminationGracePeriodSeconds, 30 s).</param>
public sealed record StopPolicy(int Signal, SimDuration Grace)
{
    /// <summary>docker stop's default: SIGTERM, then SIGKILL after 10 s.</summary>
    public static StopPolicy DockerDefault { get; } = new(SignalNumbers.SIGTERM, SimDuration.FromSeconds(10));
}
