using KernelSim.Models.Net;

namespace KernelSim.Models.Tests.Net;

/// <summary>The closed-loop ping-pong driver.</summary>
public sealed class NetPingPongTests
{
    private static PingPongResult Run(string topology, long backgroundPps = 0)
    {
        var stage = new NetStageCosts();
        var sim = new NetRxSimulation(new NetRxConfig(), NetTopology.Named(topology, stage), stage);
        return NetPingPong.Run(sim, new PingPongCosts(), 500, 1_300_000, backgroundPps);
    }

    [Fact]
    public void IdleRtt_IsTwoOneWayPathsPlusTheTaskWork()
    {
        var stage = new NetStageCosts();
        var pp = new PingPongCosts();
        PingPongResult r = Run("veth");
        long oneWay = stage.SendPathNs + stage.VethXmitNs + stage.SoftirqEntryNs + stage.NapiPollNs + stage.LocalDeliverNs + stage.ScrubbedInputNs;
        long expected = (2 * oneWay) + (2 * pp.SendReturnNs) + (2 * pp.WakeupNs) + pp.TurnaroundNs;
        Assert.All(r.RttNs, rtt => Assert.Equal(expected, rtt));
        Assert.Equal(0, r.Lost);
        Assert.Equal(1000, r.Rx.Processed);
    }

    [Fact]
    public void Topologies_AreOrdered_AndTheBridgeAddsTwoHops()
    {
        var stage = new NetStageCosts();
        long lo = Run("loopback").RttNs[0], veth = Run("veth").RttNs[0], br = Run("veth-bridge").RttNs[0];
        Assert.True(lo <= veth && veth < br);
        Assert.Equal(2 * (stage.VethXmitNs + stage.BridgeForwardNs), br - veth);
    }

    [Fact]
    public void BackgroundFlow_OnTheSameCpu_RaisesTheTail()
    {
        PingPongResult idle = Run("veth-bridge");
        PingPongResult loaded = Run("veth-bridge", backgroundPps: 100_000);
        Assert.True(loaded.RttNs.Max() > idle.RttNs.Max());
        Assert.Equal(Run("veth-bridge", 100_000).RttNs, loaded.RttNs); // deterministic
    }
}
