using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Net;

namespace KernelSim.Models.Tests.Net;

/// <summary>The measured-outcome model of the ping-pong under a CPU-bound flood.</summary>
public sealed class MeasuredFloodContentionTests
{
    private const long Interval = 1_300_000;

    private static readonly long[] Waits = [100_000, 500_000, 900_000, 1_300_000, 1_700_000, 2_100_000];

    private static NetRoundTrip Trip() =>
        new(new NetPacketCosts(1_400, [100], [1_300]), new NetPacketCosts(1_400, [100], [1_300]), 300, 1_700, 500, 300, 2_800, 0);

    private static NetRxSimulation Sim() =>
        new(new NetRxConfig(), new NetTopology("lo", [new NetHop("lo", NetHopKind.Loopback, 100, 1_300)]), new NetStageCosts { SendPathNs = 1_400, SoftirqEntryNs = 150, NapiPollNs = 0 });

    private static MeasuredFloodContention Model(double onTime = 0.6, double late = 0.02, double one = 0.45, double two = 0.10, long[]? waits = null)
    {
        var o = new FloodOnTimeOutcome(onTime, waits ?? Waits);
        return new(o, o, o, waits ?? Waits, cpus: 2) { FloodCycleNs = 5_000, LongShareAfterLate = late, OneCycleShare = one, TwoCycleShare = two };
    }

    // each round trip: its latency and whether the model counted its send late
    private static List<(long Rtt, bool Late)> Run(MeasuredFloodContention c, int n)
    {
        NetRoundTrip[] trips = Enumerable.Repeat(Trip(), n).ToArray();
        var recording = new Recording(c);
        PingPongResult r = NetPingPong.Replay(Sim(), trips, Interval, contention: recording);
        Assert.Equal(r.RttNs.Count, recording.Late.Count);
        return r.RttNs.Zip(recording.Late).ToList();
    }

    // passes every call through and notes the model's late flag at each send
    private sealed class Recording(MeasuredFloodContention inner) : ICpuContention
    {
        public List<bool> Late { get; } = [];

        public int CpuBoundTasks => inner.CpuBoundTasks;

        public long SliceNs => inner.SliceNs;

        public long ClientRunsAt(long dueNs, long scheduledNs)
        {
            long t = inner.ClientRunsAt(dueNs, scheduledNs);
            Late.Add(inner.LastSendLate);
            return t;
        }

        public long Wakeup(int who, long wakeNs, long burstEndNs) => inner.Wakeup(who, wakeNs, burstEndNs);

        public long ServerSleepsClientWaits(long deliveredNs, long serverSleepsNs) => inner.ServerSleepsClientWaits(deliveredNs, serverSleepsNs);

        public void Ran(long endNs) => inner.Ran(endNs);
    }

    private static long Idle() => NetPingPong.Replay(Sim(), [Trip()], Interval).RttNs[0];

    [Fact]
    public void Shares_AreMet_ByHowTheClientSent()
    {
        var rs = Run(Model(), 20_000);
        long idle = Idle();
        var onTime = rs.Where(r => !r.Late).ToList();
        var late = rs.Where(r => r.Late).ToList();
        Assert.InRange(onTime.Count(r => r.Rtt > idle + 50_000) / (double)onTime.Count, 0.59, 0.61);
        Assert.InRange(late.Count(r => r.Rtt > idle + 50_000) / (double)late.Count, 0.01, 0.03);
        var immediate = late.Where(r => r.Rtt < idle + 50_000).ToList();
        Assert.InRange(immediate.Count(r => r.Rtt == idle + 5_000) / (double)immediate.Count, 0.44, 0.46);
        Assert.InRange(immediate.Count(r => r.Rtt == idle + 10_000) / (double)immediate.Count, 0.09, 0.11);

        // sent on time: no flood cycle; all round trips either idle, idle plus cycles, or idle plus a wait from the table
        Assert.All(onTime.Where(r => r.Rtt < idle + 50_000), r => Assert.Equal(idle, r.Rtt));
        Assert.All(rs.Where(r => r.Rtt > idle + 50_000), r => Assert.InRange(r.Rtt - idle, Waits[0], Waits[^1]));
    }

    [Fact]
    public void Waits_FollowTheQuantiles()
    {
        long idle = Idle();
        var waits = Run(Model(onTime: 1, late: 1), 10_000).Select(r => r.Rtt - idle).Order().ToList();
        // five equal steps between the six quantiles: the median lies halfway, 1.1 ms
        Assert.InRange(waits[waits.Count / 2], 1_080_000, 1_120_000);
        Assert.InRange(waits[waits.Count / 5], 480_000, 520_000);
    }

    [Fact]
    public void AWaitPastTheNextSend_MakesItLate_AndTheChainSetsTheLateShare()
    {
        // every wait is one and a half intervals: after each waiting round trip the next send is late, and late sends
        // never wait
        long[] longWaits = [3 * Interval / 2, 3 * Interval / 2];
        var rs = Run(Model(onTime: 1, late: 0, one: 0, two: 0, waits: longWaits), 1_000);
        long idle = Idle();
        for (int i = 0; i < rs.Count - 1; i++)
        {
            bool waited = rs[i].Rtt > idle + 50_000;
            Assert.Equal(waited, rs[i + 1].Late);
            Assert.Equal(!waited, rs[i + 1].Rtt > idle + 50_000);
        }

        // short waits never make a send late: every round trip is sent on time
        var shortOnes = Run(Model(onTime: 1, late: 0, waits: [100_000, 200_000]), 500);
        Assert.All(shortOnes, r => Assert.False(r.Late));
    }

    [Fact]
    public void OnTimeSends_TakeTheStateOfTheRoundTripBefore()
    {
        // distinct shares per state and waits of 0.1-2 ms (some end before the next send, some after it, making it
        // late): every state occurs, and each state's on-time sends wait in its own share
        long[] waits = [100_000, 2_000_000];
        var afterReturn = new FloodOnTimeOutcome(0.8, waits);
        var afterWait = new FloodOnTimeOutcome(0.5, waits);
        var spinning = new FloodOnTimeOutcome(0.2, waits);
        var c = new MeasuredFloodContention(afterReturn, afterWait, spinning, waits, 2) { LongShareAfterLate = 0 };
        var rs = Run(c, 6_000);
        long idle = Idle();
        var byState = new Dictionary<string, (int N, int Waited)>();
        for (int i = 1; i < rs.Count; i++)
        {
            if (rs[i].Late)
            {
                continue;
            }

            bool prevWaited = rs[i - 1].Rtt > idle + 50_000;
            string state = prevWaited ? "afterWait" : rs[i - 1].Late ? "afterReturn" : "spinning";
            var (n, w) = byState.GetValueOrDefault(state);
            byState[state] = (n + 1, w + (rs[i].Rtt > idle + 50_000 ? 1 : 0));
        }

        Assert.Equal(3, byState.Count);
        Assert.InRange(byState["afterReturn"].Waited / (double)byState["afterReturn"].N, 0.75, 0.85);
        Assert.InRange(byState["afterWait"].Waited / (double)byState["afterWait"].N, 0.45, 0.55);
        Assert.InRange(byState["spinning"].Waited / (double)byState["spinning"].N, 0.15, 0.25);
    }

    [Fact]
    public void NoState_Waits_WhenNoShareSaysSo()
    {
        var never = new FloodOnTimeOutcome(0, Waits);
        var d = new MeasuredFloodContention(never, never, never, Waits, 2);
        long idle = Idle();
        Assert.All(Run(d, 200), r => Assert.Equal(idle, r.Rtt));
    }

    [Fact]
    public void WaitScale_AppliesToEveryStateButAfterReturn()
    {
        var spinning = new FloodOnTimeOutcome(1, [2_000_000, 2_000_000]);
        var afterReturn = new FloodOnTimeOutcome(1, [700_000, 700_000]);
        var c = new MeasuredFloodContention(afterReturn, new FloodOnTimeOutcome(1, [300_000, 300_000]), spinning, [100_000, 100_000], 2) { WaitScale = 0.5 };

        // on time, spinning: its 2 ms wait scaled to 1 ms
        Assert.Equal(0, c.ClientRunsAt(0, 0));
        Assert.Equal(10_000 + 1_000_000, c.ServerSleepsClientWaits(5_000, 10_000));

        // due at 0.5 ms, it has the CPU at 1.01 ms: late (no cycles, no wait)
        Assert.Equal(1_010_000, c.ClientRunsAt(500_000, 500_000));
        Assert.True(c.LastSendLate);
        Assert.Equal(1_020_000, c.ServerSleepsClientWaits(1_015_000, 1_020_000));

        // on time after the late round trip: its 0.7 ms wait is not scaled
        Assert.Equal(2_000_000, c.ClientRunsAt(2_000_000, 2_000_000));
        Assert.False(c.LastSendLate);
        Assert.Equal(2_010_000 + 700_000, c.ServerSleepsClientWaits(2_005_000, 2_010_000));
    }

    [Fact]
    public void BadQuantiles_Throw()
    {
        var ok = new FloodOnTimeOutcome(0.5, [1, 2]);
        Assert.Throws<ArgumentException>(() => new MeasuredFloodContention(ok, ok, ok, [5], 2));
        Assert.Throws<ArgumentException>(() => new MeasuredFloodContention(ok, ok, ok, [5, 3], 2));
        Assert.Throws<ArgumentException>(() => new MeasuredFloodContention(new FloodOnTimeOutcome(0.5, [-1, 3]), ok, ok, [1, 2], 2));
        Assert.Throws<ArgumentException>(() => new MeasuredFloodContention(new FloodOnTimeOutcome(1.5, [1, 3]), ok, ok, [1, 2], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MeasuredFloodContention(ok, ok, ok, [1, 2], 2) { WaitScale = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MeasuredFloodContention(ok, ok, ok, [1, 2], 2) { OneCycleShare = 1.2 });
    }

    /// <summary>Deterministic, never faster than idle, and each round trip at most idle plus the longest wait.</summary>
    [FsCheck.Xunit.Property(MaxTest = 50)]
    public Property Replay_IsDeterministic_AndBounded() =>
        Prop.ForAll(
            (from n in Gen.Choose(1, 300)
             from onTime in Gen.Choose(0, 100)
             from late in Gen.Choose(0, 100)
             from one in Gen.Choose(0, 50)
             from two in Gen.Choose(0, 50)
             select (n, onTime / 100.0, late / 100.0, one / 100.0, two / 100.0)).ToArbitrary(),
            c =>
            {
                List<(long Rtt, bool Late)> a = Run(Model(c.Item2, c.Item3, c.Item4, c.Item5), c.n);
                List<(long Rtt, bool Late)> b = Run(Model(c.Item2, c.Item3, c.Item4, c.Item5), c.n);
                long idle = Idle();
                return (a.SequenceEqual(b) && a.All(r => r.Rtt >= idle && r.Rtt <= idle + Waits[^1])).Label($"idle {idle}");
            });
}
