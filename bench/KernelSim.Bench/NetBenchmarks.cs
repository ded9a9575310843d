using BenchmarkDotNet.Attributes;
using KernelSim.Models.Net;

namespace KernelSim.Bench;

/// <summary>NET_RX model speed: simulated packets per second through each topology (one core).</summary>
[MemoryDiagnoser]
public class NetBenchmarks
{
    private const int Packets = 100_000;
    private NetSend[] _sends = [];

    /// <summary>The hop chain.</summary>
    [Params("loopback", "veth", "veth-bridge")]
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
        return new NetRxSimulation(new NetRxConfig(), NetTopology.Named(Topology, stage), stage).Run(_sends);
    }
}
