using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Net;

namespace KernelSim.Models.Tests.Net;

/// <summary>The EEVDF contention model and the per-round-trip replay driver.</summary>
public sealed class FairShareContentionTests
{
    private static NetRoundTrip Trip(long send, long xmit, long recv, long residual = 0) =>
        new(new NetPacketCosts(send, [xmit], [recv]), new NetPacketCosts(send, [xmit], [recv]), 300, 1_700, 500, 300, 2_800, residual);

    private static NetRxSimulation Sim() =>
        new(new NetRxConfig(), new NetTopology("lo", [new NetHop("lo", NetHopKind.Loopback, 100, 1_300)]), new NetStageCosts { SendPathNs = 1_400, SoftirqEntryNs = 150, NapiPollNs = 0 });

    [Theory]
    [InlineData(1, 750_000)]
    [InlineData(2, 1_500_000)]
    [InlineData(4, 2_250_000)]
    [InlineData(64, 3_000_000)]
    public void BaseSlice_ScalesWithLog2OfTheCpus_UpToEight(int cpus, long slice) =>
        Assert.Equal(slice, FairShareContention.BaseSliceNs(cpus));

    [Fact]
    public void Replay_Idle_EachRoundTripIsItsStagesAddedUp()
    {
        NetRoundTrip[] trips = [Trip(1_400, 100, 1_300), Trip(2_000, 300, 1_000, residual: 700), Trip(1_000, 0, 900, residual: -400)];
        PingPongResult r = NetPingPong.Replay(Sim(), trips, 1_300_000);
        for (int i = 0; i < trips.Length; i++)
        {
            NetRoundTrip t = trips[i];
            long expected = (2 * (t.Request.SendPathNs + t.Request.XmitNs[0] + 150 + t.Request.ReceiveNs[0])) + t.RequestReturnNs + t.ServerWakeNs + t.TurnaroundNs + t.ReplyReturnNs + t.ClientWakeNs + t.ResidualNs;
            Assert.Equal(expected, r.RttNs[i]);
        }

        Assert.Equal(6, r.PassCount);
        Assert.Equal(6, r.PollWork);
    }

    [Fact]
    public void Replay_NoCpuBoundTask_NeverWaits()
    {
        NetRoundTrip[] trips = Enumerable.Repeat(Trip(1_400, 100, 1_300), 500).ToArray();
        PingPongResult idle = NetPingPong.Replay(Sim(), trips, 1_300_000);
        PingPongResult none = NetPingPong.Replay(Sim(), trips, 1_300_000, contention: new FairShareContention(0, 2, 250, clientBusyPolls: true));
        Assert.Equal(idle.RttNs, none.RttNs);
    }

    [Fact]
    public void Replay_OneCpuBoundTask_SomeWakeupsWaitASliceToATick_MostDoNot()
    {
        NetRoundTrip[] trips = Enumerable.Repeat(Trip(1_400, 100, 1_300), 2_000).ToArray();
        var c = new FairShareContention(1, 2, 250, clientBusyPolls: true);
        PingPongResult r = NetPingPong.Replay(Sim(), trips, 1_300_000, contention: c);
        long idle = NetPingPong.Replay(Sim(), trips[..1], 1_300_000).RttNs[0];
        int slow = r.RttNs.Count(x => x > idle + 100_000);
        Assert.InRange(slow, 100, 1_000); // a minority of round trips
        Assert.All(r.RttNs, x => Assert.True(x >= idle));

        // a waiting task runs at the latest at the tick after the running task's slice: two such waits per round trip
        Assert.True(r.RttNs.Max() <= idle + (2 * (c.SliceNs + 4_000_000)));
    }

    /// <summary>Replay under contention is deterministic and never faster than idle, whatever the costs and CPU-bound tasks.</summary>
    [FsCheck.Xunit.Property(MaxTest = 50)]
    public Property Replay_UnderContention_DeterministicAndNeverFaster() =>
        Prop.ForAll(
            (from n in Gen.Choose(1, 200)
             from hogs in Gen.Choose(0, 3)
             from send in Gen.Choose(0, 5_000)
             from recv in Gen.Choose(0, 5_000)
             from interval in Gen.Choose(20_000, 3_000_000)
             from busy in Gen.Elements(true, false)
             select (n, hogs, send, recv, interval, busy)).ToArbitrary(),
            c =>
            {
                NetRoundTrip[] trips = Enumerable.Repeat(Trip(c.send, 100, c.recv), c.n).ToArray();
                PingPongResult a = NetPingPong.Replay(Sim(), trips, c.interval, contention: new FairShareContention(c.hogs, 2, 250, c.busy));
                PingPongResult b = NetPingPong.Replay(Sim(), trips, c.interval, contention: new FairShareContention(c.hogs, 2, 250, c.busy));
                long idle = NetPingPong.Replay(Sim(), trips[..1], c.interval).RttNs[0];
                return (a.RttNs.SequenceEqual(b.RttNs) && a.RttNs.All(x => x >= idle)).Label($"deterministic and >= idle {idle}");
            });

    [Fact]
    public void FloodCycles_FollowOnlyLateSends_InTheGivenShares_EachAddingItsCost()
    {
        NetRoundTrip[] trips = Enumerable.Repeat(Trip(1_400, 100, 1_300), 3_000).ToArray();
        PingPongResult plain = NetPingPong.Replay(Sim(), trips, 1_300_000, contention: new FairShareContention(1, 2, 250, clientBusyPolls: true));
        var c = new FairShareContention(1, 2, 250, clientBusyPolls: true) { FloodCycleNs = 5_000, FloodOneCycleShare = 0.45, FloodTwoCycleShare = 0.10 };
        PingPongResult r = NetPingPong.Replay(Sim(), trips, 1_300_000, contention: c);
        long idle = NetPingPong.Replay(Sim(), trips[..1], 1_300_000).RttNs[0];
        int zero = r.RttNs.Count(x => x == idle), one = r.RttNs.Count(x => x == idle + 5_000), two = r.RttNs.Count(x => x == idle + 10_000);
        int plainImmediate = plain.RttNs.Count(x => x == idle);

        // some round trips get one or two cycles, in about the given ratio; only late sends do, so fewer than the
        // shares of all immediate picks
        Assert.True(one > 20 && two > 3, $"one {one}, two {two}");
        Assert.InRange(two / (double)one, 0.15, 0.30);
        Assert.True(one + two < 0.55 * (zero + one + two), $"{one + two} of {zero + one + two}");
        Assert.Equal(0, plain.RttNs.Count(x => x == idle + 5_000));
        Assert.True(plainImmediate > 0);
    }

    [Fact]
    public void FloodCycles_NoCpuBoundTask_NeverRun()
    {
        NetRoundTrip[] trips = Enumerable.Repeat(Trip(1_400, 100, 1_300), 300).ToArray();
        PingPongResult idle = NetPingPong.Replay(Sim(), trips, 1_300_000);
        var c = new FairShareContention(0, 2, 250, clientBusyPolls: true) { FloodCycleNs = 5_000, FloodOneCycleShare = 0.5, FloodTwoCycleShare = 0.1 };
        Assert.Equal(idle.RttNs, NetPingPong.Replay(Sim(), trips, 1_300_000, contention: c).RttNs);
    }
}
