using KernelSim.Models.Net;
using KernelSim.Statistics;

namespace KernelSim.Replay.Net;

/// <summary>A predicted round-trip latency distribution and what the receive path did.</summary>
/// <param name="Topology">The topology predicted.</param>
/// <param name="Config">The receive-path settings used.</param>
/// <param name="MessageBytes">Payload per message.</param>
/// <param name="LoadPps">Background flood, packets per second.</param>
/// <param name="Latency">Round trips (client send to client receive, as sockperf measures them), ns.</param>
/// <param name="Lost">Requests or replies dropped.</param>
/// <param name="NetRxPasses">net_rx_action passes (NET_RX softirqs).</param>
/// <param name="NapiPolls">napi_poll calls.</param>
/// <param name="NapiPollWork">Packets taken by all polls.</param>
/// <param name="BacklogDrops">softnet_stat dropped.</param>
/// <param name="TimeSqueeze">softnet_stat time_squeeze.</param>
/// <param name="KsoftirqdWakeups">Hand-offs to ksoftirqd.</param>
/// <param name="CpuBoundTasks">CPU-bound tasks the flood puts on the CPU (0: the flood, if any, leaves idle time).</param>
/// <param name="SliceNs">The scheduler's base slice those tasks run with, ns.</param>
/// <param name="IdleRoundTripNs">The mean stages of the target topology added up (no residual, no load), ns.</param>
/// <param name="FloodCapacityPps">Packets per second one CPU can push through the path (the sender's send, the path, the receiver's recvfrom); a load at or above it makes the flood CPU-bound.</param>
public sealed record NetPrediction(
    string Topology,
    NetRxConfig Config,
    int MessageBytes,
    long LoadPps,
    LatencyDistribution Latency,
    int Lost,
    long NetRxPasses,
    long NapiPolls,
    long NapiPollWork,
    long BacklogDrops,
    long TimeSqueeze,
    long KsoftirqdWakeups,
    int CpuBoundTasks,
    long SliceNs,
    long IdleRoundTripNs,
    long FloodCapacityPps)
{
    /// <summary>Whether veth ran in NAPI mode (GRO on).</summary>
    public bool VethGro { get; init; }

    /// <summary>Whether the veth ends steered to the other CPU (RPS).</summary>
    public bool Rps { get; init; }

    /// <summary>Transmits dropped at a full veth ring (NAPI mode).</summary>
    public long RingDrops { get; init; }

    /// <summary>RPS IPIs sent.</summary>
    public long RpsIpis { get; init; }

    /// <summary>Under a CPU-bound flood: the flood's time per unit of the client's run that a wait repays on the path (0 without one).</summary>
    internal double FloodPayback { get; init; }

    /// <summary>Under a CPU-bound flood: the factor on the measured waits (1 without one).</summary>
    internal double FloodWaitScale { get; init; } = 1;
}

/// <summary>
/// The network what-if: the captured ping-pong's round trips, each with its own calibrated stage costs (net of tracing),
/// rebuilt for the proposed topology (hops a capture cannot show take the lab's hop costs, <see cref="NetLabHops"/>)
/// and message size, and replayed through the receive-path model under the proposed sysctls, with a background flood
/// on the same CPU if asked.
/// </summary>
public static class NetWhatIf
{
    /// <summary>Predicts from a capture file.</summary>
    /// <param name="tracePath">A net capture of a pinned UDP ping-pong (sockperf), its manifest and sockperf report beside it.</param>
    /// <param name="proposal">The proposal.</param>
    /// <exception cref="InvalidDataException">The trace holds no usable ping-pong.</exception>
    /// <exception cref="ArgumentException">A proposal value is out of range.</exception>
    public static NetPrediction Predict(string tracePath, NetProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(tracePath);
        return Predict(NetCalibration.FromFile(tracePath), proposal);
    }

    /// <summary>A <see cref="NetProposal.LoadPps"/> that stands for "as fast as the sender can" (sockperf --mps=max).</summary>
    public const long MaxLoad = long.MaxValue;

    /// <summary>The topology names the what-if knows.</summary>
    public static IReadOnlyList<string> Topologies => NetTopology.Names;

    internal static NetPrediction Predict(NetCalibration cal, NetProposal proposal, bool addClientUser = true) =>
        Replay(cal, proposal, addClientUser, record: false).Prediction;

    /// <summary>The prediction and the model's own run (with every pass and poll when <paramref name="record"/>).</summary>
    internal static (NetPrediction Prediction, PingPongResult Run) Replay(NetCalibration cal, NetProposal proposal, bool addClientUser, bool record)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        string topology = proposal.Topology ?? cal.Trace.Topology;
        (int hops, bool lo) = topology switch
        {
            "loopback" => (1, true),
            "veth" => (1, false),
            "veth-bridge" => (2, false),
            _ when topology == cal.Trace.Topology => (cal.Trace.Hops, cal.Trace.Loopback),
            _ => throw new ArgumentException($"unknown topology '{topology}' (known: {string.Join(", ", NetTopology.Names)})", nameof(proposal)),
        };
        bool gro = proposal.VethGro ?? false;
        bool rps = proposal.Rps ?? false;
        if ((gro || rps) && lo)
        {
            throw new ArgumentException("veth GRO (NAPI mode) and RPS apply to veth topologies, not loopback", nameof(proposal));
        }

        if (gro && rps)
        {
            // RPS after GRO happens in netif_receive_skb_list_internal, on the merged skbs; not modelled
            throw new ArgumentException("veth GRO (NAPI mode) together with RPS is not modelled", nameof(proposal));
        }

        if (rps && (cal.Trace.CrossCpu || proposal.LoadPps > 0))
        {
            throw new ArgumentException("RPS is modelled for a pinned capture without a flood", nameof(proposal));
        }

        int msg = proposal.MessageBytes ?? cal.MessageBytes;
        if (msg is < 1 or > 65507)
        {
            throw new ArgumentException($"message size {msg} out of range 1..65507 (UDP payload)", nameof(proposal));
        }

        NetRxConfig captured = cal.CapturedConfig;
        var config = captured with
        {
            NetdevBudget = proposal.NetdevBudget ?? captured.NetdevBudget,
            DevWeight = proposal.DevWeight ?? captured.DevWeight,
            NetdevMaxBacklog = proposal.Backlog ?? captured.NetdevMaxBacklog,
        };
        if (proposal.LoadPps < 0)
        {
            throw new ArgumentException("load must be >= 0 packets per second", nameof(proposal));
        }

        if (proposal.LoadPps > 0 && cal.Trace.CrossCpu)
        {
            throw new ArgumentException("a flood is modelled on one CPU only; this capture's client and server ran on different CPUs", nameof(proposal));
        }

        try
        {
            config.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException("netdev_budget, dev_weight must be >= 1 and the backlog >= 0", nameof(proposal), ex);
        }

        NetStageMeans m = cal.Means;
        long extraBytes = msg - cal.MessageBytes;
        long copy = (long)Math.Round(extraBytes * NetLabHops.CopyNsPerByte);
        long user = addClientUser ? cal.ClientUserNs : 0;
        var trips = new List<NetRoundTrip>(cal.Trips.Count);
        foreach (NetRoundTrip t in cal.Trips)
        {
            trips.Add(Napi(Retarget(t, cal.Trace, hops, lo, copy, user), gro));
        }

        if (cal.OverheadPerEventNs > 0 && !cal.Trace.CrossCpu && !cal.RecordsItsHost)
        {
            // a prediction (untraced): the capture's own vCPU stalls out, the pooled stall process over the predicted
            // trips. That process was measured on the lab VM, whose captures do not record their host; a capture that
            // records its host (host_facts) keeps its own stalls: they are its host's (LAB-NOTES: no constant measured
            // on one VM decides a prediction for another).
            VmStalls(trips, cal, m.EntryNs);
        }

        NetRoundTrip meanTrip = Napi(Retarget(NetCalibration.FromMeans(m, cal.Trace.Hops), cal.Trace, hops, lo, copy, user), gro);
        // ksoftirqd, woken at syscall exit like the ping-pong's peer, runs after a switch (the calibrated wake stage)
        var stage = new NetStageCosts { SendPathNs = m.SendNs, SoftirqEntryNs = m.EntryNs, NapiPollNs = 0, KsoftirqdDelayNs = m.ServerWakeNs, RpsIpiNs = NetLabHops.RpsIpiNs };
        var chain = new NetHop[hops];
        for (int h = 0; h < hops; h++)
        {
            chain[h] = new NetHop(h == 0 ? (lo ? "lo" : "veth") : "br→veth", lo ? NetHopKind.Loopback : NetHopKind.Veth, meanTrip.Request.XmitNs[h], meanTrip.Request.ReceiveNs[h])
            {
                // only the socket's own skb is GRO-eligible while the sender has TSO (veth default): a bridge-forwarded
                // one is not and takes the backlog (drivers/net/veth.c veth_skb_is_eligible_for_gro)
                Napi = gro && h == 0 ? new VethNapi() : null,
                // every veth end steers to the other CPU; from there on the path is local to it (get_rps_cpu)
                Rps = rps && h == 0,
            };
        }

        var sim = new NetRxSimulation(config, new NetTopology(topology, chain), stage);

        // A flood saturates the CPU when its sender's per-packet work (the send syscall, the whole path in its own
        // softirq, the receiver's recvfrom) adds up to more than the CPU has: the sender never sleeps (one CPU-bound
        // task); the receiver, on an equal share of the CPU, drains faster than the sender fills and keeps sleeping.
        long floodSenderNs = meanTrip.Request.SendPathNs + RequestPathNs(meanTrip) + m.EntryNs + meanTrip.RequestReturnNs + cal.ClientUserNs;
        long perPacket = floodSenderNs + m.ServerWakeNs;
        long capacityPps = 1_000_000_000L / Math.Max(1, perPacket);
        bool saturates = proposal.LoadPps > 0 && proposal.LoadPps >= capacityPps;
        // One flood (the measured case): the scheduler's outcomes as measured (MeasuredFloodContention), its waits scaled
        // by the path's payback factor (FloodPayback) except after a late round trip; more CPU-bound tasks: the vruntime
        // model, which gets the tail but not the share of round trips that wait (see its remarks).
        int cpuBound = proposal.CpuBoundTasks ?? 1;
        long interval = Math.Max(1, cal.Trace.IntervalNs);
        long crossWake = rps ? NetLabHops.CrossCpuWakeNs : 0;
        ICpuContention? contention = null;
        double payback = 0, waitScale = 1;
        if (saturates && cpuBound == 1)
        {
            payback = FloodPayback(floodSenderNs, m.ServerWakeNs);
            waitScale = payback / NetLabHops.FloodSchedPayback;
            contention = new MeasuredFloodContention(NetLabHops.FloodAfterReturn, NetLabHops.FloodAfterWait, NetLabHops.FloodSpinning, NetLabHops.FloodWaitVentilesNs, cal.Cpus)
            {
                // one flood cycle: the flooder's packet through the path in its own softirq, then its receiver's read
                FloodCycleNs = perPacket,
                LongShareAfterLate = NetLabHops.FloodLongShareAfterLate,
                OneCycleShare = NetLabHops.FloodOneCycleShare,
                TwoCycleShare = NetLabHops.FloodTwoCycleShare,
                WaitScale = waitScale,
            };
        }
        else if (saturates)
        {
            contention = new FairShareContention(cpuBoundTasks: cpuBound, cpus: cal.Cpus, hz: config.Hz, clientBusyPolls: cal.Trace.ClientRunnableShare >= 0.5)
            {
                FloodCycleNs = perPacket,
                FloodOneCycleShare = NetLabHops.FloodOneCycleShare,
                FloodTwoCycleShare = NetLabHops.FloodTwoCycleShare,
            };
        }

        NetRxResult? floodRx = null;
        PingPongResult r = NetPingPong.Replay(sim, trips, interval, saturates ? 0 : proposal.LoadPps, contention, record, crossWake);
        if (saturates)
        {
            // the flood's own packets on the path, open loop at what the CPU allows, for the softirq figures
            var flood = new NetSend[Math.Min(200_000, (int)Math.Min(int.MaxValue, capacityPps))];
            for (int i = 0; i < flood.Length; i++)
            {
                flood[i] = new NetSend(i * (long)perPacket, Measured: false);
            }

            floodRx = sim.Run(flood, record);
        }
        var rtts = new long[r.RttNs.Count];
        for (int i = 0; i < rtts.Length; i++)
        {
            rtts[i] = r.RttNs[i];
        }

        NetRxResult rx = r.Rx;
        long drops = rx.Dropped + (floodRx?.Dropped ?? 0);
        long squeeze = rx.TimeSqueeze + (floodRx?.TimeSqueeze ?? 0);
        long ksoftirqd = rx.KsoftirqdWakeups + (floodRx?.KsoftirqdWakeups ?? 0);
        var prediction = new NetPrediction(
            topology,
            config,
            msg,
            proposal.LoadPps,
            LatencyDistribution.FromNanoseconds(rtts),
            r.Lost,
            r.PassCount,
            r.PollCount,
            r.PollWork,
            drops,
            squeeze,
            ksoftirqd,
            contention?.CpuBoundTasks ?? 0,
            contention?.SliceNs ?? FairShareContention.BaseSliceNs(2),
            TotalNs(meanTrip, m.EntryNs),
            capacityPps)
        {
            VethGro = gro,
            Rps = rps,
            RingDrops = rx.RingDrops + (floodRx?.RingDrops ?? 0),
            RpsIpis = rx.RpsIpis,
            FloodPayback = payback,
            FloodWaitScale = waitScale,
        };
        return (prediction, r);
    }

    // Replaces each round trip's silent vCPU stall (marked by the extractor) by the pooled VM stall process
    // (NetLabHops.VmStallsPerSecond): stalls arrive evenly in round-trip time, each taking the next decile of the pooled
    // durations in a fixed interleaved order; deterministic.
    internal static (long RemovedNs, long AddedNs, int Added, double ExposureNs) VmStalls(List<NetRoundTrip> trips, NetCalibration cal, long entryNs)
    {
        long removed = 0, added = 0;
        ReadOnlySpan<int> order = [5, 0, 8, 3, 6, 1, 9, 4, 7, 2];
        double gapNs = NetLabHops.VmStallsPerSecond > 0 ? 1e9 / NetLabHops.VmStallsPerSecond : double.PositiveInfinity;
        double next = gapNs / 2;
        double exposure = 0;
        int k = 0;
        for (int i = 0; i < trips.Count; i++)
        {
            NetRoundTrip t = trips[i];
            long own = i < cal.Trace.Trips.Count ? cal.Trace.Trips[i].StallNs : 0;
            long residual = t.ResidualNs - own;
            removed += own;
            exposure += Math.Max(0, TotalNs(t, entryNs) - own);
            while (exposure >= next)
            {
                long stall = NetLabHops.VmStallDecilesNs[order[k++ % order.Length]];
                residual += stall;
                added += stall;
                next += gapNs;
            }

            trips[i] = t with { ResidualNs = residual };
        }

        return (removed, added, k, exposure);
    }

    /// <summary>What <see cref="VmStalls"/> does to a capture's own round trips (a copy; for tests and reports).</summary>
    internal static (long RemovedNs, long AddedNs, int Added, double ExposureNs) VmStallsOf(NetCalibration cal) =>
        VmStalls(new List<NetRoundTrip>(cal.Trips), cal, cal.Means.EntryNs);

    internal static long TotalNs(NetRoundTrip t, long entryNs)
    {
        long s = t.Request.SendPathNs + t.Reply.SendPathNs + (2 * entryNs) + t.RequestReturnNs + t.ServerWakeNs + t.TurnaroundNs + t.ReplyReturnNs + t.ClientWakeNs + t.ResidualNs;
        for (int h = 0; h < t.Request.XmitNs.Length; h++)
        {
            s += t.Request.XmitNs[h] + t.Request.ReceiveNs[h] + t.Reply.XmitNs[h] + t.Reply.ReceiveNs[h];
        }

        return s;
    }

    /// <summary>
    /// How long the client waits for the flood per unit of time it ran since its last wait: in the sched captures and the
    /// untraced full logs a wait is proportional to the client's run since it last came back (W ≈ c·R for runs of
    /// 0.2-1.2 ms), the fair scheduler making it repay its run (kernel/sched/fair.c: the client's lag, avg_vruntime -
    /// vruntime, falls while it runs and rises while the others do; it is picked again once eligible). While it repays,
    /// the flood's sender and receiver run in turn: c = 1 + 2r/s, where s is the sender's work per packet (the send
    /// syscall, the whole path in its own softirq, its user loop) and r the receiver's wakeup (switch in and recvfrom
    /// return), counted twice for its way back to sleep (recvfrom entry, switch out). A longer path on the sender's
    /// side (the bridge) gives a smaller c: shorter, more frequent waits. The sched captures' median W/R for R of
    /// 0.2-1.2 ms: loopback 1.98, veth 1.87, veth+bridge 1.71; this gives 1.97 / 1.80 / 1.66 (NetCalibrationTests).
    /// </summary>
    internal static double FloodPayback(long senderNs, long receiverWakeNs) => 1 + (2.0 * receiverWakeNs / senderNs);

    private static long RequestPathNs(NetRoundTrip t)
    {
        long s = 0;
        for (int h = 0; h < t.Request.XmitNs.Length; h++)
        {
            s += t.Request.XmitNs[h] + t.Request.ReceiveNs[h];
        }

        return s;
    }

    // veth NAPI mode on the first hop (the socket's skb): the transmit puts it on the ring instead of the backlog and
    // the receive goes through veth_poll and GRO instead of process_backlog (NetLabHops, from the lab's GRO capture)
    private static NetRoundTrip Napi(NetRoundTrip t, bool gro)
    {
        if (!gro)
        {
            return t;
        }

        static NetPacketCosts P(NetPacketCosts c)
        {
            long[] x = (long[])c.XmitNs.Clone();
            long[] r = (long[])c.ReceiveNs.Clone();
            x[0] = Math.Max(0, x[0] + NetLabHops.VethNapiXmitOverBacklogNs);
            r[0] = Math.Max(0, r[0] + NetLabHops.VethNapiReceiveOverBacklogNs);
            return c with { SendPathNs = Math.Max(0, c.SendPathNs + NetLabHops.VethNapiSendOverBacklogNs), XmitNs = x, ReceiveNs = r };
        }

        return t with { Request = P(t.Request), Reply = P(t.Reply) };
    }

    // The captured round trip on another chain: shared stages keep their captured values; the send path, the first
    // transmit and the last receive move by the veth-over-lo differences; middle (bridge) hops are the capture's own when it has them,
    // else the lab's; extra payload adds a copy on each send and each receive.
    internal static NetRoundTrip Retarget(NetRoundTrip t, NetPingPongTrace captured, int hops, bool lo, long copyNs, long clientUserNs)
    {
        long dx = (lo ? 0 : NetLabHops.VethXmitOverLoopbackNs) - (captured.Loopback ? 0 : NetLabHops.VethXmitOverLoopbackNs);
        long dr = (lo ? 0 : NetLabHops.VethReceiveOverLoopbackNs) - (captured.Loopback ? 0 : NetLabHops.VethReceiveOverLoopbackNs);
        long ds = (lo ? 0 : NetLabHops.VethSendOverLoopbackNs) - (captured.Loopback ? 0 : NetLabHops.VethSendOverLoopbackNs);
        NetPacketCosts P(NetPacketCosts c)
        {
            int have = c.XmitNs.Length;
            var x = new long[hops];
            var r = new long[hops];
            x[0] = Math.Max(0, c.XmitNs[0] + dx);
            r[hops - 1] = Math.Max(0, c.ReceiveNs[have - 1] + dr);
            for (int h = 0; h + 1 < hops; h++)
            {
                r[h] = h + 1 < have ? c.ReceiveNs[h] : NetLabHops.BridgeForwardNs;
                x[h + 1] = h + 1 < have ? c.XmitNs[h + 1] : NetLabHops.BridgeXmitNs;
            }

            return new NetPacketCosts(Math.Max(0, c.SendPathNs + copyNs + ds), x, r);
        }

        return t with
        {
            Request = P(t.Request),
            Reply = P(t.Reply),
            ServerWakeNs = Math.Max(0, t.ServerWakeNs + copyNs),
            ClientWakeNs = Math.Max(0, t.ClientWakeNs + copyNs + clientUserNs),
        };
    }
}
