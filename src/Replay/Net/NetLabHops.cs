namespace KernelSim.Replay.Net;

/// <summary>
/// What a hop kind costs beyond loopback on the lab VM, net of tracing: used for the stages a capture cannot show
/// (a loopback capture has no veth transmit and no bridge). Means over the regular round trips of the committed pinned
/// 64 B captures, calibrated with <see cref="NetCalibration.DefaultOverheadPerEventNs"/>:
/// veth − loopback (net-veth-udp64-pinned vs net-loopback-udp64-pinned) and the bridge's middle hop
/// (net-veth-bridge-udp64-pinned). NetCalibrationTests.LabHops_AreTheCommittedCapturesMeans recomputes them.
/// </summary>
internal static class NetLabHops
{
    /// <summary>The send path to a veth over the one to lo (route output to an Ethernet device, neighbour output), ns.</summary>
    public const long VethSendOverLoopbackNs = 290;

    /// <summary>veth_xmit (scrub, eth_type_trans, namespace switch) over loopback_xmit, first hop, ns.</summary>
    public const long VethXmitOverLoopbackNs = 0;

    /// <summary>Receive on the far side of a veth (route lookup again after the scrub, netfilter in the other namespace) over lo's, ns.</summary>
    public const long VethReceiveOverLoopbackNs = 284;

    /// <summary>A bridge's receive and forward decision (br_handle_frame → br_forward) on the middle hop, ns.</summary>
    public const long BridgeForwardNs = 894;

    /// <summary>The transmit from the bridge to the next veth inside the softirq, through the next receive, ns.</summary>
    public const long BridgeXmitNs = 195;

    /// <summary>
    /// veth NAPI mode (GRO on) over the backlog path, the sender's path before the transmit, ns: stage means of the
    /// pinned 64 B GRO capture (net-variants/net-veth-gro-udp64-pinned) minus the plain one (net-veth-udp64-pinned),
    /// netted like them. -31 ns: no difference beyond run-to-run noise, as expected (the path is the same).
    /// </summary>
    public const long VethNapiSendOverBacklogNs = -31;

    /// <summary>veth NAPI mode over the backlog path, the first transmit (veth_xdp_rx onto the ring and __veth_xdp_flush instead of enqueue_to_backlog), ns; same captures.</summary>
    public const long VethNapiXmitOverBacklogNs = 89;

    /// <summary>
    /// veth NAPI mode over the backlog path, the receive, ns: softirq entry to the first netif_receive_skb (~283 ns:
    /// veth_poll, napi_gro_receive with the UDP GRO socket lookup, the GRO flush at napi_complete_done, all before
    /// netif_receive_skb fires) plus the delivery after it (~14 ns); same captures.
    /// </summary>
    public const long VethNapiReceiveOverBacklogNs = 296;

    /// <summary>
    /// A wakeup across CPUs over one on the same CPU: the wakeup IPI to the idle vCPU and its idle exit
    /// (kernel/sched/core.c ttwu_queue_wakelist), ns. The unpinned capture's (veth-udp-pingpong64) last-receive span,
    /// which runs from the receive to the peer's recvfrom return on its CPU, minus the pinned veth capture's last
    /// receive and its switch to the woken task with recvfrom return (net-veth-udp64-pinned).
    /// </summary>
    public const long CrossCpuWakeNs = 23_912;

    /// <summary>
    /// RPS hand-off to the other CPU: from the IPI sent inside the sender's NET_RX (net_rps_send_ipi) to the target's
    /// NET_RX softirq_entry, ns: p50 15 µs traced over the 4,621 RPS IPIs of net-variants/net-veth-rps-udp64-pinned
    /// (traces/capture/net-ipi-latency; p10 13, p90 17 µs), less its ~4 traced events at ~276 ns. Shorter than
    /// <see cref="CrossCpuWakeNs"/>: the target's softirq runs on irq exit from idle, without leaving the idle loop
    /// (no tick restart, no switch); in the same capture the wakeup IPI back takes 13 µs to its entry, and the woken
    /// task's recvfrom returns ~14 µs after that.
    /// </summary>
    public const long RpsIpiNs = 14_000;

    /// <summary>
    /// Late sends (the client had waited for the CPU and sent at once on getting it) whose client then ran without a
    /// long wait, in which one flood cycle (the flooder sends one packet through the whole path in its own softirq, the
    /// flood's receiver preempts it, reads and sleeps) ran between the server's reply and the client: 306 of 681 (45%),
    /// in four sched-only captures of the pinned ping-pong under a pinned flood on loopback (2), veth and veth+bridge
    /// (traces/net-variants/flood-sched; traces/capture/flood-sched-capture and flood-sched-sequences; per capture
    /// 40-50%: the share does not depend on the path). After sends made while the client ran: 2 of 1,848.
    /// </summary>
    public const double FloodOneCycleShare = 306.0 / 681;

    /// <summary>As <see cref="FloodOneCycleShare"/> for two flood cycles: 68 of 681 (10%; per capture 8-11%).</summary>
    public const double FloodTwoCycleShare = 68.0 / 681;

    /// <summary>
    /// Silent stalls of the vCPU (no traced event for at least 8 µs inside a round trip whose events are otherwise 3-6
    /// µs apart: the host did not run the guest), per second of round-trip time: pooled over the committed pinned
    /// captures (NetPingPongExtractor marks them; recomputed by NetCalibrationTests). The VM's, not the guest kernel's:
    /// a capture's own count is small (10-17 in 1,410 round trips) and decides its p99 by itself, so a prediction strips
    /// the capture's stalls and lays this pooled process over the predicted round trips instead.
    /// </summary>
    public const double VmStallsPerSecond = 417.7; // 77 stalls in 0.1843 s of traced round trips, six captures

    /// <summary>The pooled stall durations' deciles (p5, p15 ... p95), ns; see <see cref="VmStallsPerSecond"/>.</summary>
    internal static readonly long[] VmStallDecilesNs = [6_000, 9_000, 12_000, 14_000, 16_000, 18_000, 20_000, 23_000, 23_000, 30_000];

    /// <summary>
    /// Copy cost per byte of payload, per copy (user to skb on send, skb to user on receive), ns. Not calibrated:
    /// the ground truth shows no measurable 64 vs 1400 B difference (-1.0 to +0.4 µs, within the runs' spread), so this
    /// is a memcpy-speed assumption (~20 GB/s), small by design.
    /// </summary>
    public const double CopyNsPerByte = 0.05;

    /// <summary>
    /// Recomputes (one-cycle, two-cycle, late sends counted) from the per-round-trip classes in
    /// <paramref name="floodSchedDir"/> (flood-sched-*.csv written by flood-sched-sequences: index, rtt_us, class, late;
    /// null if there are none): late sends whose class is 0, 1 or 2.
    /// </summary>
    internal static (int One, int Two, int Counted)? MeasureFloodCycles(string floodSchedDir)
    {
        if (!Directory.Exists(floodSchedDir))
        {
            return null;
        }

        int one = 0, two = 0, counted = 0;
        string[] files = Directory.GetFiles(floodSchedDir, "flood-sched-*.csv");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            var t = KernelSim.Replay.WhatIf.GroundTruthCsv.Read(file, "a flood-sched-sequences CSV", "index", "rtt_us", "class", "late");
            foreach ((int Line, string[] Fields) row in t.Rows)
            {
                string late = t.Text(row, "late"), cls = t.Text(row, "class");
                if (late is not ("0" or "1"))
                {
                    throw new FormatException($"{file}: line {row.Line}: late is '{late}', expected 0 or 1");
                }

                if (late == "0")
                {
                    continue;
                }

                switch (cls)
                {
                    case "0": counted++; break;
                    case "1": counted++; one++; break;
                    case "2": counted++; two++; break;
                    case "long": break;
                    default: throw new FormatException($"{file}: line {row.Line}: unknown class '{cls}' (expected 0, 1, 2 or long)");
                }
            }
        }

        return files.Length == 0 ? null : (one, two, counted);
    }

    /// <summary>Recomputes the NAPI-mode deltas (send, first transmit, receive) from the GRO capture in <paramref name="variantsDir"/> and the plain veth one in <paramref name="tracesDir"/> (null if either is missing).</summary>
    internal static (long Send, long Xmit, long Receive)? MeasureNapi(string tracesDir, string variantsDir)
    {
        IReadOnlyList<string> plain = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, "net-veth-udp64-pinned");
        IReadOnlyList<string> gro = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(variantsDir, "net-veth-gro-udp64-pinned");
        if (plain.Count == 0 || gro.Count == 0)
        {
            return null;
        }

        NetStageMeans a = NetCalibration.FromFile(plain[0]).Means, b = NetCalibration.FromFile(gro[0]).Means;
        return (b.SendNs - a.SendNs, b.Xmit0Ns - a.Xmit0Ns, (b.EntryNs - a.EntryNs) + (b.ReceiveLastNs - a.ReceiveLastNs));
    }

    /// <summary>Recomputes <see cref="CrossCpuWakeNs"/> from the unpinned veth capture and the pinned one in <paramref name="tracesDir"/> (null if either is missing).</summary>
    internal static long? MeasureCrossCpuWake(string tracesDir)
    {
        IReadOnlyList<string> pinned = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, "net-veth-udp64-pinned");
        IReadOnlyList<string> unpinned = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, "veth-udp-pingpong64");
        if (pinned.Count == 0 || unpinned.Count == 0)
        {
            return null;
        }

        NetStageMeans p = NetCalibration.FromFile(pinned[0]).Means, u = NetCalibration.FromFile(unpinned[0]).Means;
        return u.ReceiveLastNs - p.ReceiveLastNs - p.ServerWakeNs;
    }

    /// <summary>Recomputes the hop constants from the pinned 64 B captures in <paramref name="tracesDir"/> (null where a capture is missing).</summary>
    internal static (long? SendDelta, long? XmitDelta, long? ReceiveDelta, long? BridgeForward, long? BridgeXmit) Measure(string tracesDir)
    {
        NetStageMeans? Means(string topo)
        {
            IReadOnlyList<string> f = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, $"net-{topo}-udp64-pinned");
            return f.Count == 0 ? null : NetCalibration.FromFile(f[0]).Means;
        }

        NetStageMeans? lo = Means("loopback"), veth = Means("veth"), br = Means("veth-bridge");
        return (
            lo is null || veth is null ? null : veth.SendNs - lo.SendNs,
            lo is null || veth is null ? null : veth.Xmit0Ns - lo.Xmit0Ns,
            lo is null || veth is null ? null : veth.ReceiveLastNs - lo.ReceiveLastNs,
            br?.BridgeForwardNs,
            br?.BridgeXmitNs);
    }

    /// <summary>
    /// Recomputes the VM stall process from the pinned captures in <paramref name="tracesDir"/> (net profile, one CPU):
    /// stalls per second of traced round-trip time, and the stall durations' deciles (p5, p15 ... p95), ns.
    /// </summary>
    internal static (double PerSecond, long[] DecilesNs, int Stalls, double ExposureSeconds)? MeasureVmStalls(string tracesDir)
    {
        var stalls = new List<long>();
        double exposureNs = 0;
        foreach (string path in NetValidation.NetCaptures(tracesDir))
        {
            NetCalibration c = NetCalibration.FromFile(path);
            if (c.Trace.CrossCpu)
            {
                continue;
            }

            foreach (NetTripStages t in c.Trace.Trips)
            {
                exposureNs += t.RttNs;
                if (t.StallNs > 0)
                {
                    stalls.Add(t.StallNs);
                }
            }
        }

        if (stalls.Count == 0 || exposureNs <= 0)
        {
            return null;
        }

        stalls.Sort();
        var deciles = new long[10];
        for (int d = 0; d < 10; d++)
        {
            deciles[d] = stalls[Math.Min(stalls.Count - 1, (int)(((d * 10) + 5) / 100.0 * stalls.Count))];
        }

        return (stalls.Count / (exposureNs / 1e9), deciles, stalls.Count, exposureNs / 1e9);
    }
}
