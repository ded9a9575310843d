using KernelSim.Models.Net;

namespace KernelSim.Models.Tests.Net;

/// <summary>Worked examples of the receive-path model.</summary>
public sealed class NetRxSimulationTests
{
    [Fact]
    public void Defaults_MatchThisKernel()
    {
        var cfg = new NetRxConfig();
        Assert.Equal(2, cfg.BudgetJiffies);     // usecs_to_jiffies(8000) at HZ 250
        Assert.Equal(1, cfg.MaxSoftirqJiffies); // msecs_to_jiffies(2) at HZ 250
        Assert.Equal(1001, cfg.BacklogCapacity);
        Assert.Equal(4_000_000, cfg.JiffyNs);
    }

    [Fact]
    public void SinglePacket_OnIdlePath_CostsTheSumOfItsStages()
    {
        var costs = new NetStageCosts();
        NetTopology t = NetTopology.Named("veth-bridge", costs);
        NetRxResult r = new NetRxSimulation(new NetRxConfig(), t, costs).Run([new NetSend(1_000)]);
        long expected = costs.SendPathNs + costs.VethXmitNs + costs.SoftirqEntryNs + costs.NapiPollNs
                        + costs.BridgeForwardNs + costs.VethXmitNs + costs.LocalDeliverNs + costs.ScrubbedInputNs;
        Assert.Equal(expected, r.Packets[0].LatencyNs(1_000));
        Assert.Single(r.Passes);              // the forward is appended to the running pass
        Assert.Equal(2, r.Polls[0].Work);     // both hops in one process_backlog poll
        Assert.Equal(0, r.Dropped);
    }

    [Fact]
    public void NamedTopologies_AreOrderedByCost()
    {
        var costs = new NetStageCosts();
        long Latency(string name) =>
            new NetRxSimulation(new NetRxConfig(), NetTopology.Named(name, costs), costs).Run([new NetSend(0)]).Packets[0].DeliveredNs;
        Assert.True(Latency("loopback") <= Latency("veth"));
        Assert.True(Latency("veth") < Latency("veth-bridge"));
        Assert.Throws<ArgumentException>(() => NetTopology.Named("macvlan", costs));
    }

    [Fact]
    public void Backlog_DropsBeyondMaxPlusOne()
    {
        var b = new SoftnetBacklog<int>(2);
        Assert.Equal(BacklogEnqueueResult.QueuedAndScheduled, b.Enqueue(1));
        Assert.Equal(BacklogEnqueueResult.Queued, b.Enqueue(2));
        Assert.Equal(BacklogEnqueueResult.Queued, b.Enqueue(3));
        Assert.Equal(BacklogEnqueueResult.Dropped, b.Enqueue(4));
        Assert.Equal(1, b.Dropped);
        Assert.True(b.TryTakeNext(out int first));
        Assert.Equal(1, first);
        Assert.Equal(0, b.InputLength);       // spliced into process_queue
        Assert.Equal(BacklogEnqueueResult.Queued, b.Enqueue(5)); // NAPI still scheduled: no new raise
    }

    [Fact]
    public void LongChain_FullQuota_RepollsAndRestarts()
    {
        // a 100-hop chain with weight 8: each pass takes one full quota, re-raises, and handle_softirqs restarts
        var costs = new NetStageCosts { KsoftirqdDelayNs = 0 };
        var hops = Enumerable.Range(0, 100).Select(i => new NetHop($"h{i}", NetHopKind.Veth, 10, 10)).ToArray();
        var cfg = new NetRxConfig { DevWeight = 8 };
        NetRxResult r = new NetRxSimulation(cfg, new NetTopology("chain", hops), costs).Run([new NetSend(0)]);
        Assert.True(r.Packets[0].DeliveredNs > 0);
        Assert.All(r.Passes.SkipLast(1), p => Assert.Equal(8, p.Work));
        Assert.Equal(1, r.KsoftirqdWakeups);  // 13 passes > MAX_SOFTIRQ_RESTART (10): the rest runs in ksoftirqd
        Assert.Equal(100, r.Processed);
        Assert.Contains(r.Passes, p => p.InKsoftirqd);
    }
}
