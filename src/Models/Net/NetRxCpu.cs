namespace KernelSim.Models.Net;

/// <summary>
/// One CPU of the receive-path model, driven step by step: <see cref="Transmit(NetSend, int)"/> a packet from a task on this
/// CPU, <see cref="Occupy"/> it with other work, <see cref="Drain"/> deferred softirq work. Created by
/// <see cref="NetRxSimulation.NewCpu()"/>; <see cref="NetRxSimulation.Run(IReadOnlyList{NetSend})"/> is the open-loop driver.
/// </summary>
public sealed class NetRxCpu
{
    private const int BacklogNapi = -1;
    private readonly NetRxConfig _cfg;
    private readonly IReadOnlyList<NetHop> _hops;
    private readonly NetStageCosts _costs;
    private readonly Softnet _home;
    private readonly Softnet _remote;
    private readonly VethRing?[] _rings;
    private readonly List<long> _sent = [];
    private readonly List<long> _delivered = [];
    private readonly List<int> _droppedAt = [];
    private readonly List<bool> _measured = [];
    private readonly List<bool> _remoteDelivery = [];
    private readonly List<int> _index = [];
    private readonly List<NetRxPass> _passes = [];
    private readonly List<NapiPollRecord> _polls = [];
    private readonly List<NetPacketCosts?> _packetCosts = [];
    private readonly bool _record;
    private long _ksoftirqdAt = -1;
    private long _wakeups;
    private int _maxInput;
    private long _passCount;
    private long _pollCount;
    private long _pollWork;
    private long _ringDrops;
    private int _maxRing;
    private long _rpsIpis;

    internal NetRxCpu(NetRxConfig config, NetTopology topology, NetStageCosts costs, bool record = true)
    {
        _cfg = config;
        _hops = topology.Hops;
        _costs = costs;
        _record = record;
        _home = new Softnet(0, _cfg.NetdevMaxBacklog);
        _remote = new Softnet(1, _cfg.NetdevMaxBacklog);
        _rings = new VethRing?[_hops.Count];
        for (int h = 0; h < _hops.Count; h++)
        {
            if (_hops[h] is { Kind: NetHopKind.Veth, Napi: { } napi })
            {
                _rings[h] = new VethRing(napi, _hops[h].Name, h);
            }
        }
    }

    /// <summary>net_rx_action passes run so far (counted even when the per-pass records are not kept).</summary>
    public long PassCount => _passCount;

    /// <summary>napi_poll calls so far (counted even when the per-poll records are not kept).</summary>
    public long PollCount => _pollCount;

    /// <summary>Packets taken by all napi_poll calls so far.</summary>
    public long PollWork => _pollWork;

    /// <summary>Time (ns) at which the CPU is next free.</summary>
    public long Now { get; private set; }

    /// <summary>Number of packets transmitted so far (packet ids are 0..Count-1).</summary>
    public int Count => _sent.Count;

    /// <summary>Delivery time of packet <paramref name="id"/>, or -1 if it was dropped or is still queued.</summary>
    /// <param name="id">Packet id returned by <see cref="Transmit(NetSend, int)"/>.</param>
    public long DeliveredNs(int id) => _delivered[id];

    /// <summary>Whether packet <paramref name="id"/> was delivered by the other CPU's NET_RX (an RPS hop on its path).</summary>
    /// <param name="id">Packet id.</param>
    public bool DeliveredRemotely(int id) => _remoteDelivery[id];

    /// <summary>Whether packet <paramref name="id"/> was dropped.</summary>
    /// <param name="id">Packet id.</param>
    public bool IsDropped(int id) => _droppedAt[id] >= 0;

    /// <summary>
    /// A task on this CPU sends a packet at <paramref name="send"/>.AtNs (or when the CPU is free): deferred
    /// ksoftirqd work due by then runs first, then the send path, the first hop's transmit and, at
    /// local_bh_enable, the pending NET_RX softirq. Returns the packet id.
    /// </summary>
    /// <param name="send">The send.</param>
    /// <param name="index">Caller's index recorded in the outcome (default: the packet id).</param>
    public int Transmit(NetSend send, int index = -1) => Transmit(send, null, index);

    /// <summary>As <see cref="Transmit(NetSend, int)"/>, with this packet's own stage costs (a replayed packet) instead of the topology's.</summary>
    internal int Transmit(NetSend send, NetPacketCosts? costs, int index = -1)
    {
        RunKsoftirqdUntil(send.AtNs);
        int id = _sent.Count;
        long t = Math.Max(send.AtNs, Now);
        _sent.Add(t);
        _delivered.Add(-1);
        _droppedAt.Add(-1);
        _measured.Add(send.Measured);
        _remoteDelivery.Add(false);
        _index.Add(index < 0 ? id : index);
        _packetCosts.Add(costs);
        t += costs?.SendPathNs ?? _costs.SendPathNs;
        t = XmitHop(_home, t, new Skb(id, 0));
        if (_home.Pending)
        {
            // kernel/softirq.c __local_bh_enable_ip → do_softirq in the sender's own context
            t = HandleSoftirqs(_home, t, inKsoftirqd: false);
        }

        Now = t;
        return id;
    }

    /// <summary>Keeps the CPU busy with other work (syscall exit, a context switch) for <paramref name="durationNs"/> from <paramref name="atNs"/> or when free.</summary>
    /// <param name="atNs">Earliest start.</param>
    /// <param name="durationNs">Duration (non-negative).</param>
    public long Occupy(long atNs, long durationNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(durationNs);
        RunKsoftirqdUntil(atNs);
        Now = Math.Max(atNs, Now) + durationNs;
        return Now;
    }

    /// <summary>Runs ksoftirqd until no softirq work is deferred.</summary>
    public void Drain() => RunKsoftirqdUntil(long.MaxValue);

    /// <summary>Runs deferred work until packet <paramref name="id"/> is delivered or nothing is deferred; returns its delivery time or -1.</summary>
    /// <param name="id">Packet id.</param>
    public long DrainUntilDelivered(int id)
    {
        while (_delivered[id] < 0 && _droppedAt[id] < 0 && _ksoftirqdAt >= 0)
        {
            RunKsoftirqdOnce();
        }

        return _delivered[id];
    }

    /// <summary>The outcome so far.</summary>
    /// <param name="count">How many packets to report (default all).</param>
    public NetRxResult Result(int count = -1)
    {
        int n = count < 0 ? _sent.Count : count;
        var packets = new NetPacketOutcome[n];
        for (int id = 0; id < _sent.Count; id++)
        {
            int i = _index[id];
            if (i < n)
            {
                packets[i] = new NetPacketOutcome(i, _sent[id], _delivered[id], _measured[id], _droppedAt[id]);
            }
        }

        return new NetRxResult(
            packets,
            _passes.ToArray(),
            _polls.ToArray(),
            _home.Backlog.Processed + _remote.Backlog.Processed,
            _home.Backlog.Dropped + _remote.Backlog.Dropped,
            _home.TimeSqueeze + _remote.TimeSqueeze,
            _wakeups,
            _maxInput)
        {
            RingDrops = _ringDrops,
            MaxRingLength = _maxRing,
            RpsIpis = _rpsIpis,
        };
    }

    private void RunKsoftirqdUntil(long t)
    {
        while (_ksoftirqdAt >= 0 && _ksoftirqdAt <= t)
        {
            RunKsoftirqdOnce();
        }
    }

    // kernel/softirq.c run_ksoftirqd: the thread runs the pending vectors when scheduled
    private void RunKsoftirqdOnce()
    {
        long t0 = Math.Max(_ksoftirqdAt, Now);
        _ksoftirqdAt = -1;
        Now = _home.Pending ? HandleSoftirqs(_home, t0, inKsoftirqd: true) : t0;
        if (_home.Pending && _ksoftirqdAt < 0)
        {
            _ksoftirqdAt = Now; // still pending: ksoftirqd keeps running, interleaved with senders
        }
    }

    private long Jiffy(long t) => t / _cfg.JiffyNs;

    // drivers/net/veth.c veth_xmit / drivers/net/loopback.c loopback_xmit → net/core/dev.c enqueue_to_backlog
    private long XmitHop(Softnet sd, long t, Skb skb)
    {
        NetPacketCosts? own = _packetCosts[skb.Packet];
        t += own is null ? _hops[skb.Hop].XmitNs : own.XmitNs[skb.Hop];
        if (_rings[skb.Hop] is { } ring)
        {
            VethXdpRx(sd, ring, skb);
            return t;
        }

        // net/core/dev.c get_rps_cpu: the receiving end's rps_cpus name the other CPU (on that CPU, it is local)
        Softnet target = _hops[skb.Hop].Rps ? _remote : sd;
        switch (target.Backlog.Enqueue(skb))
        {
            case BacklogEnqueueResult.Dropped:
                _droppedAt[skb.Packet] = skb.Hop;
                break;
            case BacklogEnqueueResult.QueuedAndScheduled when target == sd:
                // net/core/dev.c napi_schedule_rps, local: onto poll_list, raise NET_RX unless net_rx_action is running
                Schedule(sd, BacklogNapi);
                break;
            case BacklogEnqueueResult.QueuedAndScheduled:
                // net/core/dev.c napi_schedule_rps, remote: onto this CPU's rps_ipi_list; the IPI goes out at the end
                // of this CPU's net_rx_action (raised here unless it is already running)
                sd.RpsIpiWaiting = true;
                if (!sd.InNetRxAction)
                {
                    sd.Pending = true;
                }

                break;
        }

        _maxInput = Math.Max(_maxInput, target.Backlog.InputLength);
        return t;
    }

    // drivers/net/veth.c veth_xdp_rx (ptr_ring_produce; full ring: NETDEV_TX_BUSY, dropped under noqueue) and
    // __veth_xdp_flush (napi_schedule on the transmitting CPU unless the NAPI is already scheduled)
    private void VethXdpRx(Softnet sd, VethRing ring, Skb skb)
    {
        if (ring.Queue.Count >= ring.Options.RingSize)
        {
            _ringDrops++;
            _droppedAt[skb.Packet] = skb.Hop;
            return;
        }

        ring.Queue.Enqueue(skb);
        _maxRing = Math.Max(_maxRing, ring.Queue.Count);
        if (!ring.Scheduled)
        {
            ring.Scheduled = true;
            Schedule(sd, skb.Hop);
        }
    }

    // net/core/dev.c ____napi_schedule: append to this CPU's poll_list; raise NET_RX unless net_rx_action is running
    private static void Schedule(Softnet sd, int napi)
    {
        sd.PollList.Enqueue(napi);
        if (!sd.InNetRxAction)
        {
            sd.Pending = true;
        }
    }

    // kernel/softirq.c handle_softirqs: restart while pending, within MAX_SOFTIRQ_TIME and MAX_SOFTIRQ_RESTART
    private long HandleSoftirqs(Softnet sd, long t, bool inKsoftirqd)
    {
        long end = Jiffy(t) + _cfg.MaxSoftirqJiffies;
        int restarts = _cfg.MaxSoftirqRestart;
        while (true)
        {
            sd.Pending = false;
            t = NetRxAction(sd, t, inKsoftirqd);
            if (!sd.Pending)
            {
                return t;
            }

            if (Jiffy(t) < end && --restarts > 0)
            {
                continue;
            }

            // kernel/softirq.c wakeup_softirqd
            if (sd == _remote)
            {
                // the RPS target runs nothing else: its ksoftirqd runs at once, after the switch
                _wakeups++;
                t += _costs.KsoftirqdDelayNs;
                inKsoftirqd = true;
                end = Jiffy(t) + _cfg.MaxSoftirqJiffies;
                restarts = _cfg.MaxSoftirqRestart;
                continue;
            }

            if (!inKsoftirqd && _ksoftirqdAt < 0)
            {
                _ksoftirqdAt = t + _costs.KsoftirqdDelayNs;
                _wakeups++;
            }

            return t;
        }
    }

    // net/core/dev.c net_rx_action: poll what is on the poll_list (NAPIs scheduled meanwhile join when the list runs
    // out, a full-quota NAPI goes on repoll, which ends the pass), then send the pending RPS IPIs
    private long NetRxAction(Softnet sd, long t, bool inKsoftirqd)
    {
        long start = t;
        t += _costs.SoftirqEntryNs;
        long timeLimit = Jiffy(start) + _cfg.BudgetJiffies;
        int budget = _cfg.NetdevBudget;
        int work = 0;
        bool squeezed = false;
        sd.InNetRxAction = true;
        Queue<int> list = sd.List, repoll = sd.Repoll;
        Splice(sd.PollList, list);
        while (true)
        {
            if (list.Count == 0)
            {
                if (repoll.Count == 0 && sd.PollList.Count > 0)
                {
                    Splice(sd.PollList, list); // scheduled while the pass ran: net_rx_action goes back to start
                    continue;
                }

                break;
            }

            int napi = list.Dequeue();
            int w = napi == BacklogNapi ? PollBacklog(sd, ref t) : VethPoll(sd, _rings[napi]!, ref t);
            if (w == (napi == BacklogNapi ? _cfg.DevWeight : _rings[napi]!.Options.Weight))
            {
                repoll.Enqueue(napi); // net/core/dev.c napi_poll: the whole quota used, poll again later
            }

            budget -= w;
            work += w;
            if (budget <= 0 || Jiffy(t) >= timeLimit)
            {
                // net/core/dev.c net_rx_action: window exhausted, time_squeeze++
                sd.TimeSqueeze++;
                squeezed = true;
                break;
            }
        }

        // what is left, then what was scheduled meanwhile, then the repoll list become the poll_list again
        Splice(sd.PollList, list);
        Splice(repoll, list);
        Splice(list, sd.PollList);
        sd.InNetRxAction = false;
        if (sd.PollList.Count > 0)
        {
            sd.Pending = true; // poll list not empty: re-raise NET_RX
        }

        _passCount++;
        if (_record)
        {
            _passes.Add(new NetRxPass(start, t, work, squeezed, inKsoftirqd, sd.Cpu));
        }

        if (sd.RpsIpiWaiting)
        {
            // net/core/dev.c net_rps_send_ipi; the target's rps_trigger_softirq puts its backlog on its poll_list
            sd.RpsIpiWaiting = false;
            _rpsIpis++;
            RunRemote(t + _costs.RpsIpiNs);
        }

        return t;
    }

    // The RPS target CPU (otherwise idle in this model) runs its NET_RX from the IPI on: it takes its backlog and
    // whatever later hops its own softirq transmits, to the end.
    private void RunRemote(long at)
    {
        Softnet r = _remote;
        r.PollList.Enqueue(BacklogNapi);
        r.Pending = true;
        r.Now = HandleSoftirqs(r, Math.Max(at, r.Now), inKsoftirqd: false);
    }

    private static void Splice(Queue<int> from, Queue<int> to)
    {
        while (from.Count > 0)
        {
            to.Enqueue(from.Dequeue());
        }
    }

    // net/core/dev.c process_backlog: up to quota packets through __netif_receive_skb
    private int PollBacklog(Softnet sd, ref long t)
    {
        long pollAt = t;
        t += _costs.NapiPollNs;
        int quota = _cfg.DevWeight;
        int work = 0;
        while (sd.Backlog.TryTakeNext(out Skb skb))
        {
            NetPacketCosts? own = _packetCosts[skb.Packet];
            t += own is null ? _hops[skb.Hop].ReceiveNs : own.ReceiveNs[skb.Hop];
            t = Received(sd, t, skb);
            if (++work >= quota)
            {
                break;
            }
        }

        CountPoll(pollAt, work, quota, NapiPollRecord.Backlog, sd.Cpu);
        return work;
    }

    // drivers/net/veth.c veth_poll → veth_xdp_rcv: up to weight ring entries through napi_gro_receive (GRO merges
    // runs of GroSegments; the stack's receive is paid once per merged skb), then napi_complete_done when under
    // the weight, and a fresh schedule if the ring filled again meanwhile
    private int VethPoll(Softnet sd, VethRing ring, ref long t)
    {
        long pollAt = t;
        VethNapi o = ring.Options;
        t += o.PollNs;
        int work = 0;
        while (work < o.Weight && ring.Queue.Count > 0)
        {
            int merged = Math.Min(Math.Min(o.GroSegments, o.Weight - work), ring.Queue.Count);
            Skb head = ring.Queue.Peek();
            NetPacketCosts? own = _packetCosts[head.Packet];
            t += (merged * o.GroNs) + (own is null ? _hops[head.Hop].ReceiveNs : own.ReceiveNs[head.Hop]);
            for (int i = 0; i < merged; i++)
            {
                t = Received(sd, t, ring.Queue.Dequeue());
            }

            work += merged;
        }

        if (work < o.Weight)
        {
            ring.Scheduled = false;
            if (ring.Queue.Count > 0)
            {
                ring.Scheduled = true;
                Schedule(sd, ring.Hop);
            }
        }

        CountPoll(pollAt, work, o.Weight, ring.Name, sd.Cpu);
        return work;
    }

    // after a hop's receive: forward to the next hop from inside this softirq (net/bridge/br_forward.c br_forward),
    // or deliver to the socket
    private long Received(Softnet sd, long t, Skb skb)
    {
        if (skb.Hop + 1 < _hops.Count)
        {
            return XmitHop(sd, t, skb with { Hop = skb.Hop + 1 });
        }

        _delivered[skb.Packet] = t;
        _remoteDelivery[skb.Packet] = sd == _remote;
        return t;
    }

    private void CountPoll(long at, int work, int budget, string device, int cpu)
    {
        _pollCount++;
        _pollWork += work;
        if (_record)
        {
            _polls.Add(new NapiPollRecord(at, work, budget, device, cpu));
        }
    }

    private readonly record struct Skb(int Packet, int Hop);

    // one CPU's softnet_data: backlog, poll_list (NAPI ids: -1 the backlog, h the ring of hop h), the pending NET_RX bit
    private sealed class Softnet(int cpu, int maxBacklog)
    {
        public int Cpu { get; } = cpu;

        public SoftnetBacklog<Skb> Backlog { get; } = new(maxBacklog);

        public Queue<int> PollList { get; } = new();

        public Queue<int> List { get; } = new();

        public Queue<int> Repoll { get; } = new();

        public bool Pending { get; set; }

        public bool InNetRxAction { get; set; }

        public bool RpsIpiWaiting { get; set; }

        public long TimeSqueeze { get; set; }

        public long Now { get; set; }
    }

    // one veth rx queue in NAPI mode: its ptr_ring and its NAPI's SCHED bit
    private sealed class VethRing(VethNapi options, string name, int hop)
    {
        public int Hop { get; } = hop;

        public VethNapi Options { get; } = options;

        public string Name { get; } = name;

        public Queue<Skb> Queue { get; } = new(Math.Min(options.RingSize, 1024));

        public bool Scheduled { get; set; }
    }
}
