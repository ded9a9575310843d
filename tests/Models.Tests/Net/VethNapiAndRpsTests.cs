using KernelSim.Models.Net;

namespace KernelSim.Models.Tests.Net;

/// <summary>Worked examples of veth NAPI mode (ring, veth_poll) and RPS to the other CPU.</summary>
public sealed class VethNapiAndRpsTests
{
    private static readonly NetStageCosts Costs = new() { SendPathNs = 1_000, SoftirqEntryNs = 100, NapiPollNs = 50, RpsIpiNs = 14_000 };

    private static NetTopology Veth(VethNapi? napi = null, bool rps = false) =>
        new("veth", [new NetHop("kmA", NetHopKind.Veth, 200, 1_500) { Napi = napi, Rps = rps }]);

    [Fact]
    public void Napi_OnePacket_GoesThroughTheRingAndVethPoll_NotTheBacklog()
    {
        var napi = new VethNapi { PollNs = 70, GroNs = 30 };
        NetRxResult r = new NetRxSimulation(new NetRxConfig(), Veth(napi), Costs).Run([new NetSend(0)]);
        Assert.Equal(1_000 + 200 + 100 + 70 + 30 + 1_500, r.Packets[0].DeliveredNs);
        NapiPollRecord poll = Assert.Single(r.Polls);
        Assert.Equal(("kmA", 1, VethNapi.NapiPollWeight), (poll.Device, poll.Work, poll.Budget));
        Assert.Equal(0, r.Processed); // softnet_stat processed counts the backlog only
        Assert.Equal(1, r.MaxRingLength);
    }

    [Fact]
    public void Napi_Burst_TheSendersOwnSoftirqKeepsTheRingShort()
    {
        // 300 sends at once from one task: __veth_xdp_flush schedules the NAPI on the sender's CPU and its
        // local_bh_enable runs veth_poll right after each transmit, so the 256-entry ring never holds more than one
        NetRxResult r = new NetRxSimulation(new NetRxConfig(), Veth(new VethNapi()), Costs).Run(Enumerable.Range(0, 300).Select(_ => new NetSend(0)).ToArray());
        Assert.Equal((0L, 1, 300), (r.RingDrops, r.MaxRingLength, r.Polls.Count));
        Assert.All(r.Packets, p => Assert.True(p.DeliveredNs > 0));
    }

    [Fact]
    public void Napi_FedFromABacklogPollOfSeveral_FillsTheRing_AndDropsTheExcess()
    {
        // lo → veth (NAPI, ring 2, weight 1) with netdev_budget 1 and one softirq run per transmit: each pass polls one
        // NAPI and squeezes, so the backlog and the ring take turns; the backlog poll forwards everything it holds at
        // once (quota 64) onto the ring, which takes 2 and refuses the rest
        var chain = new NetTopology("lo→veth", [new NetHop("lo", NetHopKind.Loopback, 0, 0), new NetHop("kmA", NetHopKind.Veth, 0, 100) { Napi = new VethNapi { RingSize = 2, Weight = 1 } }]);
        var cfg = new NetRxConfig { NetdevBudget = 1, MaxSoftirqRestart = 1 };
        NetRxResult r = new NetRxSimulation(cfg, chain, Costs with { KsoftirqdDelayNs = 10_000_000 }).Run(Enumerable.Range(0, 20).Select(_ => new NetSend(0)).ToArray());
        Assert.True(r.RingDrops > 0, $"ring drops {r.RingDrops}, max ring {r.MaxRingLength}");
        Assert.Equal(2, r.MaxRingLength);
        Assert.Equal(20, r.Packets.Count(p => p.DeliveredNs >= 0) + r.RingDrops + r.Dropped);
        Assert.All(r.Packets.Where(p => p.DroppedAtHop >= 0), p => Assert.Equal(1, p.DroppedAtHop));
    }

    [Fact]
    public void Rps_HandsTheReceiveToTheOtherCpu_AfterTheIpi()
    {
        NetRxResult r = new NetRxSimulation(new NetRxConfig(), Veth(rps: true), Costs).Run([new NetSend(0)]);
        // sender: send path, transmit, its NET_RX (entry only: nothing to poll, the IPI goes out at its end);
        // target: IPI, its NET_RX entry, the backlog poll, the receive
        Assert.Equal(1_000 + 200 + 100 + 14_000 + 100 + 50 + 1_500, r.Packets[0].DeliveredNs);
        Assert.Equal(1, r.RpsIpis);
        Assert.Equal([0, 1], r.Passes.Select(p => p.Cpu));
        Assert.Equal([0, 1], r.Passes.Select(p => p.Work));
        Assert.Equal(1, Assert.Single(r.Polls).Cpu);
    }

    [Fact]
    public void Rps_PingPong_PaysTheIpiAndTheCrossCpuWakeEachWay()
    {
        var pp = new PingPongCosts { SendReturnNs = 300, WakeupNs = 1_700, TurnaroundNs = 500, CrossCpuWakeNs = 24_000 };
        var local = NetPingPong.Run(new NetRxSimulation(new NetRxConfig(), Veth(), Costs), pp, 10, 1_000_000);
        var rps = NetPingPong.Run(new NetRxSimulation(new NetRxConfig(), Veth(rps: true), Costs), pp, 10, 1_000_000);
        // each direction: + IPI + the target's entry (the receive moves, the sender's entry stays) + the cross-CPU wake,
        // and the sender's syscall return no longer delays the woken task (it runs meanwhile, on its own CPU)
        long perDirection = 14_000 + 100 + 24_000 - pp.SendReturnNs;
        Assert.Equal(local.RttNs[5] + (2 * perDirection), rps.RttNs[5]);
        Assert.Equal(20, rps.Rx.RpsIpis);
    }

    [Fact]
    public void Validate_RejectsOutOfRangeNapiSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetRxSimulation(new NetRxConfig(), Veth(new VethNapi { RingSize = 0 }), Costs));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetRxSimulation(new NetRxConfig(), Veth(new VethNapi { GroSegments = 0 }), Costs));
    }
}
