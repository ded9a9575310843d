namespace KernelSim.Replay.Net;

/// <summary>
/// The stages of one direction of a captured ping-pong round trip (one packet), as traced: durations in ns and the
/// number of traced events on the CPU inside each stage (the tracing overhead the stage carries).
/// </summary>
/// <remarks>
/// Stage boundaries are events; a stage runs from its first event (included) to the next stage's first event
/// (excluded), so the stages of a round trip add up to it exactly and every event is counted once.
/// </remarks>
internal sealed class NetDirectionStages
{
    public NetDirectionStages(int hops)
    {
        XmitNs = new long[hops];
        XmitEvents = new int[hops];
        ReceiveNs = new long[hops];
        ReceiveEvents = new int[hops];
    }

    /// <summary>The peer slept on another CPU: the last receive runs to the peer's recvfrom return there (IPI, idle exit, switch) and the return and wake stages are 0 (off the critical path).</summary>
    public bool CrossCpu { get; init; }

    /// <summary>sys_enter_sendto to the first net_dev_queue (socket, UDP, IP output, the copy from user).</summary>
    public long SendNs { get; set; }

    public int SendEvents { get; set; }

    /// <summary>Per hop: net_dev_queue to the softirq_entry (hop 0: transmit, enqueue, raise, local_bh_enable) or to the hop's netif_receive_skb (later hops, inside the softirq).</summary>
    public long[] XmitNs { get; }

    public int[] XmitEvents { get; }

    /// <summary>softirq_entry to the first netif_receive_skb (handle_softirqs, net_rx_action, the poll's start).</summary>
    public long EntryNs { get; set; }

    public int EntryEvents { get; set; }

    /// <summary>Per hop: netif_receive_skb to the next hop's net_dev_queue (bridge forward) or to the napi_poll (last hop: IP, UDP, socket queue, the wakeup).</summary>
    public long[] ReceiveNs { get; }

    public int[] ReceiveEvents { get; }

    /// <summary>napi_poll to the sender's sys_exit_sendto (softirq exit, syscall exit).</summary>
    public long ReturnNs { get; set; }

    public int ReturnEvents { get; set; }

    /// <summary>sys_exit_sendto to the peer's sys_exit_recvfrom (the switch to the woken peer and its recvfrom return).</summary>
    public long WakeNs { get; set; }

    public int WakeEvents { get; set; }

    /// <summary>The sum of the stages.</summary>
    public long TotalNs
    {
        get
        {
            long t = SendNs + EntryNs + ReturnNs + WakeNs;
            for (int h = 0; h < XmitNs.Length; h++)
            {
                t += XmitNs[h] + ReceiveNs[h];
            }

            return t;
        }
    }

    /// <summary>Events in all stages.</summary>
    public int TotalEvents
    {
        get
        {
            int n = SendEvents + EntryEvents + ReturnEvents + WakeEvents;
            for (int h = 0; h < XmitEvents.Length; h++)
            {
                n += XmitEvents[h] + ReceiveEvents[h];
            }

            return n;
        }
    }
}

/// <summary>One captured round trip: client sendto entry to client recvfrom return.</summary>
internal sealed class NetTripStages
{
    /// <summary>Client sys_enter_sendto time.</summary>
    public long StartNs { get; init; }

    /// <summary>Client sys_exit_recvfrom time minus <see cref="StartNs"/>.</summary>
    public long RttNs { get; init; }

    /// <summary>Traced events on the CPU during the round trip.</summary>
    public int Events { get; init; }

    /// <summary>Request and reply stages, or null when the round trip did not follow the pinned one-CPU pattern (another CPU, ksoftirqd, an extra softirq).</summary>
    public NetDirectionStages? Request { get; init; }

    public NetDirectionStages? Reply { get; init; }

    /// <summary>Server recvfrom return to its sendto (user time), ns.</summary>
    public long TurnaroundNs { get; init; }

    public int TurnaroundEvents { get; init; }

    /// <summary>NET_RX softirqs on the CPU during the round trip.</summary>
    public int Softirqs { get; init; }

    /// <summary>Of those, in ksoftirqd.</summary>
    public int SoftirqsInKsoftirqd { get; init; }

    /// <summary>napi_poll (work, budget) during the round trip.</summary>
    public IReadOnlyList<(int Work, int Budget)> Polls { get; init; } = [];

    /// <summary>The longest time between two consecutive events on the round trip's CPU (round trips on one CPU; 0 for one that crossed CPUs), ns.</summary>
    public long MaxGapNs { get; init; }

    /// <summary>
    /// A silent stall inside the round trip, ns: its longest event gap beyond the capture's usual longest gap, when that
    /// gap is at least <see cref="NetPingPongExtractor.StallGapNs"/> (0 otherwise). Nothing ran on the guest's CPU that
    /// the trace shows: the vCPU was not running (host preemption) - the VM's, not the guest kernel's.
    /// </summary>
    public long StallNs { get; set; }

    /// <summary>Whether the stages are known.</summary>
    public bool Regular => Request is not null && Reply is not null;
}

/// <summary>
/// A sockperf-style UDP ping-pong found in a net capture: the client and server, the hop chain the packets took,
/// every round trip split into stages, and what the NET_RX softirq did (napi_poll work/budget, softirq counts).
/// </summary>
internal sealed record NetPingPongTrace
{
    /// <summary>This ping-pong restricted to some of its round trips (napi_poll and softirq counts scaled to them).</summary>
    public NetPingPongTrace WithTrips(IReadOnlyList<NetTripStages> trips)
    {
        var polls = new Dictionary<(int Work, int Budget), int>();
        int softirqs = 0, ksoftirqd = 0;
        foreach (NetTripStages t in trips)
        {
            softirqs += t.Softirqs;
            ksoftirqd += t.SoftirqsInKsoftirqd;
            foreach ((int Work, int Budget) p in t.Polls)
            {
                polls[p] = polls.GetValueOrDefault(p) + 1;
            }
        }

        return this with { Trips = trips, NapiPolls = polls, NetRxSoftirqs = softirqs, NetRxInKsoftirqd = ksoftirqd };
    }

    public required string Source { get; init; }

    public required int ClientPid { get; init; }

    public required int ServerPid { get; init; }

    public required int Cpu { get; init; }

    /// <summary>Hops per packet (netif_receive_skb per NET_RX softirq of the regular round trips).</summary>
    public required int Hops { get; init; }

    /// <summary>Whether most round trips crossed CPUs (client and server not pinned together).</summary>
    public bool CrossCpu { get; init; }

    /// <summary>Whether the first hop transmits on lo.</summary>
    public required bool Loopback { get; init; }

    /// <summary>Topology name inferred from the hops: loopback, veth, veth-bridge (or "N-hop").</summary>
    public string Topology => Hops switch
    {
        1 when Loopback => "loopback",
        1 => "veth",
        2 when !Loopback => "veth-bridge",
        _ => Hops + "-hop",
    };

    public required IReadOnlyList<NetTripStages> Trips { get; init; }

    /// <summary>napi_poll (work, budget) counts inside the round trips.</summary>
    public required IReadOnlyDictionary<(int Work, int Budget), int> NapiPolls { get; init; }

    /// <summary>NET_RX softirq_entry events inside the round trips.</summary>
    public required int NetRxSoftirqs { get; init; }

    /// <summary>Of those, how many ran in ksoftirqd.</summary>
    public required int NetRxInKsoftirqd { get; init; }

    /// <summary>NET_RX softirq_entry events in the whole trace (all CPUs).</summary>
    public required int NetRxSoftirqsTotal { get; init; }

    /// <summary>Median gap between successive client sends (the pacing), ns.</summary>
    public required long IntervalNs { get; init; }

    /// <summary>Share of the client's switches away from the CPU in state R (busy-polling between requests rather than sleeping).</summary>
    public required double ClientRunnableShare { get; init; }

    /// <summary>How the requests and responses were found.</summary>
    public NetExtractionMode Mode { get; init; } = NetExtractionMode.PingPong;

    /// <summary>Request/response flows (client task, server task) the round trips come from.</summary>
    public int Flows { get; init; } = 1;

}

/// <summary>How <see cref="NetPingPongExtractor"/> found the requests and responses of a capture.</summary>
internal enum NetExtractionMode
{
    /// <summary>One client and one server task exchanging over send and receive syscalls (sockperf's ping-pong; a service with one connection).</summary>
    PingPong,

    /// <summary>Several client/server flows, each matched by socket (the fd of the client's send and receive) and by the skb of each packet.</summary>
    Flows,

    /// <summary>No syscall events: a request is a packet a task transmits in process context, its receiver the task its last receive wakes; the round trip runs from the request's net_dev_queue to the client's switch-in after the reply woke it.</summary>
    Packets,
}

/// <summary>A request/response flow: the task that sent first (the client) and the task it talks to.</summary>
/// <param name="Client">Client task (pid as traced: the thread).</param>
/// <param name="Server">Server task.</param>
internal readonly record struct NetFlow(int Client, int Server);
