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

    /// <summary>
    /// veth in NAPI mode: GRO (with rx-udp-gro-forwarding) on every veth end, so a UDP socket's skb goes onto the peer's
    /// ring and veth_poll delivers it (drivers/net/veth.c). Null or false: the backlog path, as the committed captures.
    /// </summary>
    public bool? VethGro { get; init; }

    /// <summary>RPS on every veth end, to the CPU the ping-pong is not pinned to (net/core/dev.c get_rps_cpu). Null or false: none.</summary>
    public bool? Rps { get; init; }

    /// <summary>UDP payload per message, bytes (null: as captured).</summary>
    public int? MessageBytes { get; init; }
}
