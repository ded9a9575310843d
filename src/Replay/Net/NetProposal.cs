namespace KernelSim.Replay.Net;

/// <summary>A proposed network configuration for <see cref="NetWhatIf"/>; null members keep what the capture had.</summary>
public sealed record NetProposal
{
    /// <summary>Topology: loopback, veth or veth-bridge (null: as captured).</summary>
    public string? Topology { get; init; }

    /// <summary>net.core.netdev_budget.</summary>
    public int? NetdevBudget { get; init; }

    /// <summary>net.core.dev_weight.</summary>
    public int? DevWeight { get; init; }

    /// <summary>net.core.netdev_max_backlog.</summary>
    public int? Backlog { get; init; }

    /// <summary>Background flood on the same path and CPU, packets per second (0: none).</summary>
    public long LoadPps { get; init; }

    /// <summary>CPU-bound tasks a saturating flood puts on the CPU (null: the sender only); for studies of the scheduler model.</summary>
    internal int? CpuBoundTasks { get; init; }

    /// <summary>UDP payload per message, bytes (null: as captured).</summary>
    public int? MessageBytes { get; init; }
}
