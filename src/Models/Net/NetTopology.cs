namespace KernelSim.Models.Net;

/// <summary>
/// A packet path as a chain of hops, each one backlog enqueue (or, for a veth in NAPI mode, a ring entry) and one
/// receive, on the sender's CPU unless a hop steers to the other CPU with RPS.
/// The named topologies are the ones measure-net times: loopback, veth and veth-bridge.
/// </summary>
/// <param name="Name">Topology name.</param>
/// <param name="Hops">Hops in path order; the last one delivers to the socket.</param>
public sealed record NetTopology(string Name, IReadOnlyList<NetHop> Hops)
{
    /// <summary>The names <see cref="Named"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["loopback", "veth", "veth-bridge"];

    /// <summary>Builds a named topology from per-stage costs.</summary>
    /// <param name="name">loopback, veth or veth-bridge.</param>
    /// <param name="costs">Per-stage costs.</param>
    public static NetTopology Named(string name, NetStageCosts costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        return name switch
        {
            // lo keeps the dst, so delivery skips the route lookup (drivers/net/loopback.c loopback_xmit)
            "loopback" => new(name, [new NetHop("lo", NetHopKind.Loopback, costs.LoopbackXmitNs, costs.LocalDeliverNs)]),
            // the scrub drops dst/conntrack: the receiving namespace routes again (net/core/dev.c __dev_forward_skb)
            "veth" => new(name, [new NetHop("veth", NetHopKind.Veth, costs.VethXmitNs, costs.LocalDeliverNs + costs.ScrubbedInputNs)]),
            // veth → bridge port (br_handle_frame, br_forward) → veth transmit inside the softirq → peer delivers
            "veth-bridge" =>
                new(name,
                [
                    new NetHop("veth→br", NetHopKind.Veth, costs.VethXmitNs, costs.BridgeForwardNs),
                    new NetHop("br→veth", NetHopKind.Veth, costs.VethXmitNs, costs.LocalDeliverNs + costs.ScrubbedInputNs),
                ]),
            _ => throw new ArgumentException($"unknown topology '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
        };
    }

    /// <summary>This chain with one more hop inserted at <paramref name="index"/> (0..Hops.Count).</summary>
    /// <param name="index">Position of the new hop.</param>
    /// <param name="hop">The hop.</param>
    public NetTopology WithHop(int index, NetHop hop)
    {
        var list = Hops.ToList();
        list.Insert(index, hop);
        return this with { Name = Name + "+" + hop.Name, Hops = list };
    }
}

/// <summary>Per-stage costs (ns) the named topologies are built from; calibrated from a trace, or set by hand.</summary>
public sealed record NetStageCosts
{
    /// <summary>loopback_xmit through enqueue_to_backlog.</summary>
    public long LoopbackXmitNs { get; init; } = 1_000;

    /// <summary>veth_xmit through enqueue_to_backlog, including the scrub and eth_type_trans.</summary>
    public long VethXmitNs { get; init; } = 1_200;

    /// <summary>IP input and UDP delivery to the socket (the last hop's receive).</summary>
    public long LocalDeliverNs { get; init; } = 1_500;

    /// <summary>Extra input work after a namespace crossing (route lookup, conntrack) that lo skips.</summary>
    public long ScrubbedInputNs { get; init; } = 300;

    /// <summary>Bridge receive and forward decision (br_handle_frame → br_forward).</summary>
    public long BridgeForwardNs { get; init; } = 1_000;

    /// <summary>Sender's path from the send syscall to the first device transmit (socket, UDP, IP output).</summary>
    public long SendPathNs { get; init; } = 2_000;

    /// <summary>Entering net_rx_action from handle_softirqs (softirq_entry to the first poll).</summary>
    public long SoftirqEntryNs { get; init; } = 300;

    /// <summary>Fixed cost of one napi_poll of the backlog, besides its packets.</summary>
    public long NapiPollNs { get; init; } = 100;

    /// <summary>Scheduling delay from wakeup_softirqd to ksoftirqd running.</summary>
    public long KsoftirqdDelayNs { get; init; } = 1_000_000;

    /// <summary>
    /// RPS hand-off: from the end of the sender's net_rx_action (net_rps_send_ipi) to the target CPU entering its
    /// NET_RX (IPI delivery, the idle vCPU's exit, rps_trigger_softirq, irq exit), ns.
    /// </summary>
    public long RpsIpiNs { get; init; } = 20_000;

    /// <summary>Throws if a cost is negative.</summary>
    public void Validate()
    {
        long[] all = [LoopbackXmitNs, VethXmitNs, LocalDeliverNs, ScrubbedInputNs, BridgeForwardNs, SendPathNs, SoftirqEntryNs, NapiPollNs, KsoftirqdDelayNs, RpsIpiNs];
        if (all.Any(c => c < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(NetStageCosts), this, "costs must be non-negative");
        }
    }
}
