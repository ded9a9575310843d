using BenchmarkDotNet.Attributes;
using KernelSim.Models.Net;

namespace KernelSim.Bench;

/// <summary>NET_RX model speed: simulated packets per second through each topology (one core).</summary>
[MemoryDiagnoser]
public class NetBenchmarks
{
    private const int Packets = 100_000;
    private NetSend[] _sends = [];

    /// <summary>The hop chain: the named ones, veth in NAPI mode (veth-napi) and veth with RPS to the other CPU (veth-rps).</summary>
    [Params("loopback", "veth", "veth-bridge", "veth-napi", "veth-rps")]
    public string Topology { get; set; } = "loopback";

    [GlobalSetup]
    public void Setup()
    {
        _sends = new NetSend[Packets];
        for (int i = 0; i < Packets; i++)
        {
            _sends[i] = new NetSend(i * 2_000L);
        }
    }

    /// <summary>100,000 packets, one every 2 µs (a 500 kpps stream), through the backlog and NET_RX softirq.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public NetRxResult Stream()
    {
        var stage = new NetStageCosts();
        return new NetRxSimulation(new NetRxConfig(), Chain(Topology, stage), stage).Run(_sends);
    }

    private static NetTopology Chain(string name, NetStageCosts stage)
    {
        NetTopology veth = NetTopology.Named("veth", stage);
        return name switch
        {
            "veth-napi" => veth with { Hops = [veth.Hops[0] with { Napi = new VethNapi() }] },
            "veth-rps" => veth with { Hops = [veth.Hops[0] with { Rps = true }] },
            _ => NetTopology.Named(name, stage),
        };
    }
}

/// <summary>
/// The closed-loop ping-pong drivers: simulated packets per second (two per round trip) through the request/response
/// model, with the synthetic per-topology costs and with the calibrated round trips of a committed capture.
/// </summary>
[MemoryDiagnoser]
public class NetPingPongBenchmarks
{
    private const int RoundTrips = 50_000;
    private KernelSim.Replay.Net.NetCalibration? _bridge;

    /// <summary>The hop chain.</summary>
    [Params("loopback", "veth-bridge")]
    public string Topology { get; set; } = "loopback";

    /// <summary>Keep every pass and poll record (true) or only counters (false).</summary>
    [Params(true, false)]
    public bool Record { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string capture = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(Path.Combine(RealTrace.RepoRoot(), "traces"), "net-veth-bridge-udp64-pinned").Single();
        _bridge = KernelSim.Replay.Net.NetCalibration.FromFile(capture);
    }

    /// <summary>50,000 round trips (100,000 packets) paced every 1.3 ms, both tasks on one CPU.</summary>
    [Benchmark(OperationsPerInvoke = 2 * RoundTrips)]
    public PingPongResult PingPong()
    {
        var stage = new NetStageCosts();
        var sim = new NetRxSimulation(new NetRxConfig(), NetTopology.Named(Topology, stage), stage);
        return NetPingPong.Run(sim, new PingPongCosts(), RoundTrips, 1_300_000, record: Record);
    }

    /// <summary>The what-if's replay of the captured veth-bridge round trips (1411, 2822 packets) on this topology, calibration excluded.</summary>
    [Benchmark(OperationsPerInvoke = 2 * 1411)]
    public KernelSim.Replay.Net.NetPrediction WhatIfReplay() =>
        KernelSim.Replay.Net.NetWhatIf.Predict(_bridge!, new KernelSim.Replay.Net.NetProposal { Topology = Topology });

    /// <summary>The same replay under a CPU-bound flood (the measured scheduler chain, MeasuredFloodContention), the flood's own open-loop packets for the softirq figures included.</summary>
    [Benchmark(OperationsPerInvoke = 2 * 1411)]
    public KernelSim.Replay.Net.NetPrediction WhatIfReplayFlood() =>
        KernelSim.Replay.Net.NetWhatIf.Predict(_bridge!, new KernelSim.Replay.Net.NetProposal { Topology = Topology, LoadPps = KernelSim.Replay.Net.NetWhatIf.MaxLoad });
}
