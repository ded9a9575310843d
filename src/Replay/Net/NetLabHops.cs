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
    public const long VethXmitOverLoopbackNs = 39;

    /// <summary>Receive on the far side of a veth (route lookup again after the scrub, netfilter in the other namespace) over lo's, ns.</summary>
    public const long VethReceiveOverLoopbackNs = 284;

    /// <summary>A bridge's receive and forward decision (br_handle_frame → br_forward) on the middle hop, ns.</summary>
    public const long BridgeForwardNs = 921;

    /// <summary>The transmit from the bridge to the next veth inside the softirq, through the next receive, ns.</summary>
    public const long BridgeXmitNs = 357;

    /// <summary>
    /// Copy cost per byte of payload, per copy (user to skb on send, skb to user on receive), ns. Not calibrated:
    /// the ground truth shows no measurable 64 vs 1400 B difference (-1.0 to +0.4 µs, within the runs' spread), so this
    /// is a memcpy-speed assumption (~20 GB/s), small by design.
    /// </summary>
    public const double CopyNsPerByte = 0.05;

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
}
