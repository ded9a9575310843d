using KernelSim.Models.Net;

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
    /// flood's receiver preempts it, reads and sleeps) ran between the server's reply and the client: 689 of 1,478
    /// (47%), in nine sched-only captures of the pinned ping-pong under a pinned flood, three each on loopback, veth and
    /// veth+bridge (traces/net-variants/flood-sched; traces/capture/flood-sched-capture and flood-sched-sequences; per
    /// capture 40-53%: the share does not depend on the path).
    /// </summary>
    public const double FloodOneCycleShare = 689.0 / 1478;

    /// <summary>As <see cref="FloodOneCycleShare"/> for two flood cycles: 123 of 1,478 (8%).</summary>
    public const double FloodTwoCycleShare = 123.0 / 1478;

    /// <summary>As the late shares, for round trips sent late whose client then waited long: 33 of 1,511 (2%).</summary>
    public const double FloodLongShareAfterLate = 33.0 / 1511;

    /// <summary>
    /// The long waits' ventiles (0, 5 ... 100%), all states pooled (used after late sends), ns: each long round trip of
    /// the same captures less the median of its capture's class-0 round trips (2,663 waits; p50 1.27 ms, max 5.47 ms).
    /// </summary>
    internal static readonly long[] FloodWaitVentilesNs =
    [
        23_000, 123_000, 259_000, 405_000, 527_000, 641_000, 761_000, 862_000, 993_000, 1_144_000, 1_270_000,
        1_406_000, 1_534_000, 1_695_000, 1_827_000, 1_981_000, 2_176_000, 2_506_000, 3_101_000, 4_152_000, 5_465_000,
    ];

    /// <summary>
    /// Sent on time after a late round trip (the client came back from a wait, sent at once, then spun a full
    /// interval): 821 of 1,391 waited long (59%; per capture 56-64%), waits' ventiles (p50 1.60 ms) - the same captures.
    /// </summary>
    internal static readonly FloodOnTimeOutcome FloodAfterReturn = new(
        821.0 / 1391,
        [
            23_000, 340_000, 534_000, 701_000, 831_000, 952_000, 1_067_000, 1_205_000, 1_371_000, 1_490_000, 1_599_000,
            1_774_000, 1_907_000, 2_056_000, 2_250_000, 2_438_000, 2_677_000, 2_922_000, 3_472_000, 4_259_000, 5_194_000,
        ]);

    /// <summary>Sent on time after a long wait that ended before it was due: 1,259 of 1,289 waited long again (98%), p50 1.18 ms.</summary>
    internal static readonly FloodOnTimeOutcome FloodAfterWait = new(
        1259.0 / 1289,
        [
            31_000, 142_000, 241_000, 364_000, 480_000, 590_000, 689_000, 793_000, 891_000, 1_027_000, 1_176_000,
            1_285_000, 1_433_000, 1_605_000, 1_773_000, 1_936_000, 2_114_000, 2_574_000, 3_291_000, 4_273_000, 5_465_000,
        ]);

    /// <summary>Sent on time after an on-time round trip that did not wait: 548 of 1,575 waited long (35%; per capture 33-39%), p50 1.08 ms.</summary>
    internal static readonly FloodOnTimeOutcome FloodSpinning = new(
        548.0 / 1575,
        [
            24_000, 117_000, 227_000, 322_000, 423_000, 527_000, 615_000, 717_000, 839_000, 950_000, 1_083_000,
            1_210_000, 1_344_000, 1_430_000, 1_539_000, 1_677_000, 1_780_000, 1_898_000, 1_992_000, 2_199_000, 5_428_000,
        ]);

    /// <summary>
    /// The payback factor (<see cref="NetWhatIf.FloodPayback"/>) averaged over the paths of the nine sched captures the
    /// waits come from (three each on loopback, veth and veth+bridge), each from the committed pinned 64 B capture of
    /// that path (recomputed by NetCalibrationTests). A prediction scales the measured waits by its own path's factor
    /// over this one.
    /// </summary>
    public const double FloodSchedPayback = 1.8093;

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
}
