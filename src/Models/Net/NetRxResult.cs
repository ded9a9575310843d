namespace KernelSim.Models.Net;

/// <summary>A packet the sender transmits at <paramref name="AtNs"/>.</summary>
/// <param name="AtNs">Time the sending task enters the transmit (ns from the start of the run).</param>
/// <param name="Measured">Whether the packet is part of the measured flow (false: background load).</param>
public readonly record struct NetSend(long AtNs, bool Measured = true);

/// <summary>What happened to one sent packet.</summary>
/// <param name="Index">Index in the send list.</param>
/// <param name="SentNs">Time the transmit started (after waiting for the CPU).</param>
/// <param name="DeliveredNs">Time the last hop finished delivering to the socket, or -1 if dropped.</param>
/// <param name="Measured">Copied from the send.</param>
/// <param name="DroppedAtHop">Hop whose backlog enqueue dropped it, or -1.</param>
public readonly record struct NetPacketOutcome(int Index, long SentNs, long DeliveredNs, bool Measured, int DroppedAtHop)
{
    /// <summary>One-way latency from the send request to delivery (ns), or -1 if dropped.</summary>
    public long LatencyNs(long requestedNs) => DeliveredNs < 0 ? -1 : DeliveredNs - requestedNs;
}

/// <summary>One napi_poll of the backlog NAPI, as napi:napi_poll records it.</summary>
/// <param name="AtNs">Start of the poll.</param>
/// <param name="Work">Packets processed.</param>
/// <param name="Budget">The quota passed (the NAPI's weight).</param>
/// <param name="Device">napi_poll's dev_name: "(no_device)" for the backlog, the hop's name for a veth NAPI.</param>
/// <param name="Cpu">0: the sender's CPU; 1: the RPS target.</param>
public readonly record struct NapiPollRecord(long AtNs, int Work, int Budget, string Device = NapiPollRecord.Backlog, int Cpu = 0)
{
    /// <summary>The dev_name napi_poll records for the backlog NAPI.</summary>
    public const string Backlog = "(no_device)";
}

/// <summary>One net_rx_action pass.</summary>
/// <param name="StartNs">Entry time.</param>
/// <param name="EndNs">Exit time.</param>
/// <param name="Work">Packets taken in the pass (sum of its polls' work).</param>
/// <param name="Squeezed">Whether it stopped on budget or time (time_squeeze).</param>
/// <param name="InKsoftirqd">Whether it ran in ksoftirqd rather than in the sender's context.</param>
/// <param name="Cpu">0: the sender's CPU; 1: the RPS target (raised there by the IPI, on irq exit).</param>
public readonly record struct NetRxPass(long StartNs, long EndNs, int Work, bool Squeezed, bool InKsoftirqd, int Cpu = 0);

/// <summary>The outcome of <see cref="NetRxSimulation.Run(IReadOnlyList{NetSend})"/>.</summary>
/// <param name="Packets">Per-packet outcomes, in send order.</param>
/// <param name="Passes">net_rx_action passes in time order.</param>
/// <param name="Polls">napi_poll calls in time order.</param>
/// <param name="Processed">softnet_stat processed delta (both CPUs' backlogs).</param>
/// <param name="Dropped">softnet_stat dropped delta (both CPUs' backlogs).</param>
/// <param name="TimeSqueeze">softnet_stat time_squeeze delta (both CPUs).</param>
/// <param name="KsoftirqdWakeups">Times handle_softirqs handed off to ksoftirqd.</param>
/// <param name="MaxInputLength">Largest input_pkt_queue length seen (either CPU).</param>
public sealed record NetRxResult(
    IReadOnlyList<NetPacketOutcome> Packets,
    IReadOnlyList<NetRxPass> Passes,
    IReadOnlyList<NapiPollRecord> Polls,
    long Processed,
    long Dropped,
    long TimeSqueeze,
    long KsoftirqdWakeups,
    int MaxInputLength)
{
    /// <summary>Transmits dropped because a veth NAPI ring was full (the veth's tx_dropped; not in softnet_stat).</summary>
    public long RingDrops { get; init; }

    /// <summary>Largest veth NAPI ring occupancy seen.</summary>
    public int MaxRingLength { get; init; }

    /// <summary>RPS IPIs sent to the other CPU (its softnet_stat received_rps).</summary>
    public long RpsIpis { get; init; }
}
