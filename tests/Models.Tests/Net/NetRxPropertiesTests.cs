using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Net;

namespace KernelSim.Models.Tests.Net;

/// <summary>The receive-path properties of issue 5, over random configs, costs, chains and send schedules.</summary>
public sealed class NetRxPropertiesTests
{
    /// <summary>A random case: config with small limits, costs, a chain of 1-4 hops and a send schedule with bursts.</summary>
    internal sealed record Case(NetRxConfig Config, NetStageCosts Costs, NetTopology Topology, NetSend[] Sends);

    private static Gen<VethNapi?> Napi() =>
        Gen.Frequency(
            (2, Gen.Constant<VethNapi?>(null)),
            (1, from ring in Gen.Choose(1, 12)
                from weight in Gen.Choose(1, 10)
                from gro in Gen.Choose(1, 4)
                from poll in Gen.Choose(0, 2_000)
                from groNs in Gen.Choose(0, 500)
                select (VethNapi?)new VethNapi { RingSize = ring, Weight = weight, GroSegments = gro, PollNs = poll, GroNs = groNs }));

    // a third of the hops are veth in NAPI mode (small rings, so that they fill), a fifth steer to the other CPU (RPS)
    private static Gen<NetHop> Hop() =>
        from kind in Gen.Elements(NetHopKind.Loopback, NetHopKind.Veth)
        from x in Gen.Choose(0, 5_000)
        from r in Gen.Choose(0, 50_000)
        from napi in Napi()
        from rps in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new NetHop(kind.ToString(), kind, x, r) { Napi = kind == NetHopKind.Veth ? napi : null, Rps = rps };

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
        from ipi in Gen.Choose(0, 50_000)
        select new NetStageCosts { SendPathNs = send, SoftirqEntryNs = entry, NapiPollNs = poll, KsoftirqdDelayNs = ksd, RpsIpiNs = ipi };

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
         select new Case(cfg, costs, new NetTopology("random", hops.Select((h, i) => h with { Name = h.Name + i }).ToArray()), sends)).ToArbitrary();

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

    /// <summary>
    /// Every poll takes at most its quota (dev_weight for the backlog, the ring's weight for a veth NAPI) and a
    /// net_rx_action pass stops once it has used its budget (checked after each poll, as the kernel does); the backlog
    /// and every ring stay within their sizes; every packet is delivered or counted as a drop where it was refused.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property SoftirqPass_NeverExceedsBudget() =>
        Prop.ForAll(Cases(), c =>
        {
            NetRxResult r = Run(c);
            int maxWeight = c.Topology.Hops.Select(h => h.Napi?.Weight ?? 0).Append(c.Config.DevWeight).Max();
            int maxRing = c.Topology.Hops.Select(h => h.Kind == NetHopKind.Veth ? h.Napi?.RingSize ?? 0 : 0).Max();
            var weights = c.Topology.Hops.Where(h => h.Kind == NetHopKind.Veth && h.Napi is not null).ToDictionary(h => h.Name, h => h.Napi!.Weight);
            bool polls = r.Polls.All(p => p.Work <= p.Budget && p.Budget == (p.Device == NapiPollRecord.Backlog ? c.Config.DevWeight : weights[p.Device]));
            bool passes = r.Passes.All(p => p.Work <= c.Config.NetdevBudget + maxWeight - 1);
            bool backlog = r.MaxInputLength <= c.Config.BacklogCapacity;
            bool ring = r.MaxRingLength <= maxRing;
            bool accounting = r.Processed == r.Polls.Where(p => p.Device == NapiPollRecord.Backlog).Sum(p => (long)p.Work);
            bool drops = r.Packets.Count(p => p.DroppedAtHop >= 0) == r.Dropped + r.RingDrops
                         && r.Packets.All(p => (p.DroppedAtHop >= 0) != (p.DeliveredNs >= 0));
            return (polls && passes && backlog && ring && accounting && drops)
                .Label($"polls {polls} passes {passes} backlog {backlog} ring {ring} accounting {accounting} drops {drops}");
        });

    /// <summary>One veth NAPI hop (ring, veth_poll, GRO runs): packets are delivered in the order they were sent (the ring is FIFO), whatever ring size, weight and GRO merging.</summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property VethRing_IsFifo() =>
        Prop.ForAll(
            (from c in Cases().Generator from napi in Napi() from rps in Gen.Elements(false, true) select (c, napi: napi ?? new VethNapi(), rps)).ToArbitrary(),
            x =>
            {
                Case c = x.c with { Topology = new NetTopology("ring", [new NetHop("veth", NetHopKind.Veth, 100, 1_000) { Napi = x.napi, Rps = x.rps }]) };
                NetRxResult r = Run(c);
                var delivered = r.Packets.Where(p => p.DeliveredNs >= 0).OrderBy(p => c.Sends[p.Index].AtNs).ThenBy(p => p.Index).Select(p => p.DeliveredNs).ToList();
                bool fifo = delivered.Zip(delivered.Skip(1)).All(p => p.First <= p.Second);
                return (fifo && r.Dropped == 0 && r.MaxRingLength <= x.napi.RingSize).Label($"fifo {fifo}, backlog drops {r.Dropped}, max ring {r.MaxRingLength}");
            });

    /// <summary>
    /// Inserting a hop anywhere in the chain never makes a packet arrive earlier, as long as nothing is dropped
    /// (a drop frees the CPU for the packets behind it, so with drops a longer chain can deliver the others sooner)
    /// and every hop takes the backlog path on the sender's CPU. RPS moves receive work off the sender's CPU, which can
    /// let the packets behind go sooner (that is what RPS is for); a veth NAPI hop batches packets (a poll of up to its
    /// weight, GRO runs paying the stack once), so the hops after it need fewer polls and passes — FsCheck found that
    /// (replay seed (14404904818144930493,725658762720577289,68): an inserted NAPI hop with GRO runs of 4 delivered
    /// packets 1-5 earlier). Both are what the modes are for, not a defect, so they are left out here. So is a run that
    /// handed work to ksoftirqd (__do_softirq past MAX_SOFTIRQ_TIME or its restarts, kernel/softirq.c): which packet the
    /// handoff falls before moves with the per-packet cost, so a longer chain can process a packet before the handoff
    /// that otherwise waited for ksoftirqd - FsCheck found that too (replay seed (2345401163716094653,5310155358728178659):
    /// dev_weight 2, a veth hop of 29 us receive cost, packet 33 earlier, one ksoftirqd wake-up in each run).
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property AddingHop_NeverLowersLatency() =>
        Prop.ForAll(
            (from c in Cases().Generator from hop in Hop() from pos in Gen.Choose(0, 100) select (c, hop, pos)).ToArbitrary(),
            x =>
            {
                (Case c, NetHop hop, int pos) = x;
                static NetHop Local(NetHop h) => h with { Rps = false, Napi = null };
                c = c with { Config = c.Config with { NetdevMaxBacklog = 1000 }, Topology = new NetTopology("local", c.Topology.Hops.Select(Local).ToArray()) };
                hop = Local(hop);
                NetRxResult a = Run(c);
                NetRxResult b = Run(c with { Topology = c.Topology.WithHop(pos % (c.Topology.Hops.Count + 1), hop) });
                var worse = a.Packets.Zip(b.Packets)
                    .Where(p => p.Second.DeliveredNs < p.First.DeliveredNs)
                    .Select(p => p.First.Index)
                    .ToList();
                bool deferred = a.KsoftirqdWakeups > 0 || b.KsoftirqdWakeups > 0;
                return (deferred || (a.Dropped == 0 && b.Dropped == 0 && worse.Count == 0)).Label($"drops {a.Dropped}/{b.Dropped}; packets earlier with the extra hop: {string.Join(",", worse.Take(5))}; ksoftirqd {a.KsoftirqdWakeups}/{b.KsoftirqdWakeups}");
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
                    && a.KsoftirqdWakeups == b.KsoftirqdWakeups && a.RingDrops == b.RingDrops && a.RpsIpis == b.RpsIpis).Label("two runs differ");
        });
}
