using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Net;

namespace KernelSim.Models.Tests.Net;

/// <summary>The receive-path properties of issue 5, over random configs, costs, chains and send schedules.</summary>
public sealed class NetRxPropertiesTests
{
    /// <summary>A random case: config with small limits, costs, a chain of 1-4 hops and a send schedule with bursts.</summary>
    internal sealed record Case(NetRxConfig Config, NetStageCosts Costs, NetTopology Topology, NetSend[] Sends);

    private static Gen<NetHop> Hop() =>
        from kind in Gen.Elements(NetHopKind.Loopback, NetHopKind.Veth)
        from x in Gen.Choose(0, 5_000)
        from r in Gen.Choose(0, 50_000)
        select new NetHop(kind.ToString(), kind, x, r);

    private static Gen<NetRxConfig> Config() =>
        from backlog in Gen.Choose(0, 8)
        from budget in Gen.Choose(1, 400)
        from usecs in Gen.Choose(0, 9_000)
        from weight in Gen.Choose(1, 80)
        from hz in Gen.Elements(100, 250, 1000)
        from restart in Gen.Choose(1, 10)
        select new NetRxConfig { NetdevMaxBacklog = backlog, NetdevBudget = budget, NetdevBudgetUsecs = usecs, DevWeight = weight, Hz = hz, MaxSoftirqRestart = restart };

    private static Gen<NetStageCosts> Costs() =>
        from send in Gen.Choose(0, 5_000)
        from entry in Gen.Choose(0, 2_000)
        from poll in Gen.Choose(0, 1_000)
        from ksd in Gen.Choose(0, 3_000_000)
        select new NetStageCosts { SendPathNs = send, SoftirqEntryNs = entry, NapiPollNs = poll, KsoftirqdDelayNs = ksd };

    private static Gen<NetSend[]> Sends() =>
        from n in Gen.Choose(1, 300)
        from gaps in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(0, 200_000))), n)
        from bg in Gen.ArrayOf(Gen.Elements(true, false), n)
        select gaps.Select((g, i) => (g, i)).Aggregate(
            (t: 0L, list: new List<NetSend>()),
            (acc, x) => { long t = acc.t + x.g; acc.list.Add(new NetSend(t, bg[x.i])); return (t, acc.list); }).list.ToArray();

    internal static Arbitrary<Case> Cases() =>
        (from cfg in Config()
         from costs in Costs()
         from hops in Gen.ArrayOf(Hop(), 1).SelectMany(first => Gen.ArrayOf(Hop()).Select(rest => first.Concat(rest.Take(3)).ToArray()))
         from sends in Sends()
         select new Case(cfg, costs, new NetTopology("random", hops), sends)).ToArbitrary();

    private static NetRxResult Run(Case c) => new NetRxSimulation(c.Config, c.Topology, c.Costs).Run(c.Sends);

    /// <summary>Per-CPU backlog order is FIFO, whatever the interleaving of enqueues and takes.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Backlog_IsFifo() =>
        Prop.ForAll(
            (from max in Gen.Choose(0, 10) from ops in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(true)), (2, Gen.Constant(false)))) select (max, ops)).ToArbitrary(),
            c =>
            {
                var b = new SoftnetBacklog<int>(c.max);
                var accepted = new List<int>();
                var taken = new List<int>();
                int next = 0;
                foreach (bool enqueue in c.ops)
                {
                    if (enqueue)
                    {
                        int v = next++;
                        if (b.Enqueue(v) != BacklogEnqueueResult.Dropped)
                        {
                            accepted.Add(v);
                        }
                    }
                    else if (b.TryTakeNext(out int v))
                    {
                        taken.Add(v);
                    }
                }

                while (b.TryTakeNext(out int v))
                {
                    taken.Add(v);
                }

                return taken.SequenceEqual(accepted).Label($"taken [{string.Join(",", taken)}] accepted [{string.Join(",", accepted)}]");
            });

    /// <summary>input_pkt_queue never holds more than netdev_max_backlog + 1, and every refused packet is counted as a drop.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Backlog_NeverExceedsMax_ExcessCountedAsDrops() =>
        Prop.ForAll(
            (from max in Gen.Choose(0, 10) from ops in Gen.ArrayOf(Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))) select (max, ops)).ToArbitrary(),
            c =>
            {
                var b = new SoftnetBacklog<int>(c.max);
                int offered = 0, refused = 0, acceptedTotal = 0, takenTotal = 0;
                foreach (bool enqueue in c.ops)
                {
                    if (enqueue)
                    {
                        offered++;
                        if (b.Enqueue(offered) == BacklogEnqueueResult.Dropped)
                        {
                            refused++;
                        }
                        else
                        {
                            acceptedTotal++;
                        }
                    }
                    else if (b.TryTakeNext(out _))
                    {
                        takenTotal++;
                    }

                    if (b.InputLength > c.max + 1)
                    {
                        return false.Label($"input length {b.InputLength} > {c.max + 1}");
                    }
                }

                return (b.Dropped == refused && acceptedTotal == takenTotal + b.InputLength + b.ProcessLength)
                    .Label($"dropped {b.Dropped} refused {refused}");
            });

    /// <summary>Every poll takes at most its quota and a net_rx_action pass stops once it has used its budget (checked after each poll, as the kernel does).</summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property SoftirqPass_NeverExceedsBudget() =>
        Prop.ForAll(Cases(), c =>
        {
            NetRxResult r = Run(c);
            bool polls = r.Polls.All(p => p.Work <= p.Budget && p.Budget == c.Config.DevWeight);
            bool passes = r.Passes.All(p => p.Work <= Math.Min(c.Config.NetdevBudget + c.Config.DevWeight - 1, c.Config.DevWeight * 1L + c.Config.NetdevBudget));
            bool backlog = r.MaxInputLength <= c.Config.BacklogCapacity;
            bool accounting = r.Processed == r.Polls.Sum(p => (long)p.Work);
            return (polls && passes && backlog && accounting).Label($"polls {polls} passes {passes} backlog {backlog} accounting {accounting}");
        });

    /// <summary>
    /// Inserting a hop anywhere in the chain never makes a packet arrive earlier, as long as nothing is dropped
    /// (a drop frees the CPU for the packets behind it, so with drops a longer chain can deliver the others sooner).
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property AddingHop_NeverLowersLatency() =>
        Prop.ForAll(
            (from c in Cases().Generator from hop in Hop() from pos in Gen.Choose(0, 100) select (c, hop, pos)).ToArbitrary(),
            x =>
            {
                (Case c, NetHop hop, int pos) = x;
                c = c with { Config = c.Config with { NetdevMaxBacklog = 1000 } };
                NetRxResult a = Run(c);
                NetRxResult b = Run(c with { Topology = c.Topology.WithHop(pos % (c.Topology.Hops.Count + 1), hop) });
                var worse = a.Packets.Zip(b.Packets)
                    .Where(p => p.Second.DeliveredNs < p.First.DeliveredNs)
                    .Select(p => p.First.Index)
                    .ToList();
                return (a.Dropped == 0 && b.Dropped == 0 && worse.Count == 0).Label($"drops {a.Dropped}/{b.Dropped}; packets earlier with the extra hop: {string.Join(",", worse.Take(5))}");
            });

    /// <summary>Replaying the same case twice gives the same packets, passes, polls and counters.</summary>
    [FsCheck.Xunit.Property(MaxTest = 100)]
    public Property Replay_IsDeterministic() =>
        Prop.ForAll(Cases(), c =>
        {
            NetRxResult a = Run(c);
            NetRxResult b = Run(c);
            return (a.Packets.SequenceEqual(b.Packets) && a.Passes.SequenceEqual(b.Passes) && a.Polls.SequenceEqual(b.Polls)
                    && a.Processed == b.Processed && a.Dropped == b.Dropped && a.TimeSqueeze == b.TimeSqueeze
                    && a.KsoftirqdWakeups == b.KsoftirqdWakeups).Label("two runs differ");
        });
}
