namespace KernelSim.Models.Net;

/// <summary>
/// Deterministic model of the veth/loopback receive path on the sender's CPU (and, with RPS, one other CPU): the sending task transmits the first
/// hop, enqueues on its CPU's backlog, and (at local_bh_enable) runs NET_RX synchronously; net_rx_action polls the
/// backlog NAPI with dev_weight quota under netdev_budget and the jiffies time limit; later hops are transmitted
/// from inside the softirq and appended to the same backlog; leftover work is re-raised, restarted by
/// handle_softirqs or handed to ksoftirqd. A veth hop in NAPI mode (<see cref="NetHop.Napi"/>) goes through its ring
/// and veth_poll instead of the backlog; an RPS hop (<see cref="NetHop.Rps"/>) is received by the other CPU after
/// an IPI. Time advances only by the configured costs.
/// </summary>
public sealed class NetRxSimulation
{
    private readonly NetRxConfig _config;
    private readonly NetTopology _topology;
    private readonly NetStageCosts _costs;

    /// <summary>Creates a simulation of one topology.</summary>
    /// <param name="config">Sysctls and kernel constants.</param>
    /// <param name="topology">The hop chain (at least one hop).</param>
    /// <param name="costs">Costs of the stages outside the hops (send path, softirq entry, poll, ksoftirqd delay).</param>
    public NetRxSimulation(NetRxConfig config, NetTopology topology, NetStageCosts costs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(costs);
        config.Validate();
        costs.Validate();
        if (topology.Hops.Count == 0 || topology.Hops.Any(h => h.XmitNs < 0 || h.ReceiveNs < 0))
        {
            throw new ArgumentException("a topology needs at least one hop and non-negative hop costs", nameof(topology));
        }

        foreach (NetHop hop in topology.Hops)
        {
            hop.Napi?.Validate();
        }

        _config = config;
        _topology = topology;
        _costs = costs;
    }

    /// <summary>Runs the sends (processed in time order, ties in list order) and returns what happened.</summary>
    /// <param name="sends">Packets the sending task(s) on this CPU transmit.</param>
    public NetRxResult Run(IReadOnlyList<NetSend> sends) => Run(sends, record: true);

    /// <summary>As <see cref="Run(IReadOnlyList{NetSend})"/>; without <paramref name="record"/> only the counters are kept (bounded memory for long runs).</summary>
    internal NetRxResult Run(IReadOnlyList<NetSend> sends, bool record)
    {
        ArgumentNullException.ThrowIfNull(sends);
        NetRxCpu cpu = NewCpu(record);
        bool ordered = true;
        for (int i = 1; i < sends.Count && ordered; i++)
        {
            ordered = sends[i].AtNs >= sends[i - 1].AtNs;
        }

        if (ordered)
        {
            for (int i = 0; i < sends.Count; i++)
            {
                cpu.Transmit(sends[i], i);
            }
        }
        else
        {
            foreach (int i in Enumerable.Range(0, sends.Count).OrderBy(i => sends[i].AtNs).ThenBy(i => i))
            {
                cpu.Transmit(sends[i], i);
            }
        }

        cpu.Drain();
        return cpu.Result(sends.Count);
    }

    /// <summary>A fresh CPU to drive step by step (for closed-loop workloads such as a ping-pong).</summary>
    public NetRxCpu NewCpu() => new(_config, _topology, _costs);

    /// <summary>A fresh CPU; <paramref name="record"/> false keeps only counters, not the per-pass and per-poll records (faster, for long runs).</summary>
    /// <param name="record">Whether to keep every pass and poll.</param>
    internal NetRxCpu NewCpu(bool record) => new(_config, _topology, _costs, record);

    /// <summary>The hop chain.</summary>
    public NetTopology Topology => _topology;

    /// <summary>The sysctls and constants.</summary>
    public NetRxConfig Config => _config;

    /// <summary>The stage costs outside the hops.</summary>
    public NetStageCosts Costs => _costs;
}
