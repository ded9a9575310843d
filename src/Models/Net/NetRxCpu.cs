namespace KernelSim.Models.Net;

/// <summary>
/// One CPU of the receive-path model, driven step by step: <see cref="Transmit(NetSend, int)"/> a packet from a task on this
/// CPU, <see cref="Occupy"/> it with other work, <see cref="Drain"/> deferred softirq work. Created by
/// <see cref="NetRxSimulation.NewCpu()"/>; <see cref="NetRxSimulation.Run"/> is the open-loop driver.
/// </summary>
public sealed class NetRxCpu
{
    private readonly NetRxConfig _cfg;
    private readonly IReadOnlyList<NetHop> _hops;
    private readonly NetStageCosts _costs;
    private readonly SoftnetBacklog<Skb> _backlog;
    private readonly List<long> _sent = [];
    private readonly List<long> _delivered = [];
    private readonly List<int> _droppedAt = [];
    private readonly List<bool> _measured = [];
    private readonly List<int> _index = [];
    private readonly List<NetRxPass> _passes = [];
    private readonly List<NapiPollRecord> _polls = [];
    private readonly List<NetPacketCosts?> _packetCosts = [];
    private readonly bool _record;
    private bool _pending;
    private bool _inNetRxAction;
    private long _ksoftirqdAt = -1;
    private long _timeSqueeze;
    private long _wakeups;
    private int _maxInput;
    private long _passCount;
    private long _pollCount;
    private long _pollWork;

    internal NetRxCpu(NetRxConfig config, NetTopology topology, NetStageCosts costs, bool record = true)
    {
        _cfg = config;
        _hops = topology.Hops;
        _costs = costs;
        _record = record;
        _backlog = new SoftnetBacklog<Skb>(_cfg.NetdevMaxBacklog);
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
        _index.Add(index < 0 ? id : index);
        _packetCosts.Add(costs);
        t += costs?.SendPathNs ?? _costs.SendPathNs;
        t = XmitHop(t, new Skb(id, 0));
        if (_pending)
        {
            // kernel/softirq.c __local_bh_enable_ip → do_softirq in the sender's own context
            t = HandleSoftirqs(t, inKsoftirqd: false);
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

        return new NetRxResult(packets, _passes.ToArray(), _polls.ToArray(), _backlog.Processed, _backlog.Dropped, _timeSqueeze, _wakeups, _maxInput);
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
        Now = _pending ? HandleSoftirqs(t0, inKsoftirqd: true) : t0;
        if (_pending && _ksoftirqdAt < 0)
        {
            _ksoftirqdAt = Now; // still pending: ksoftirqd keeps running, interleaved with senders
        }
    }

    private long Jiffy(long t) => t / _cfg.JiffyNs;

    // drivers/net/veth.c veth_xmit / drivers/net/loopback.c loopback_xmit → net/core/dev.c enqueue_to_backlog
    private long XmitHop(long t, Skb skb)
    {
        NetPacketCosts? own = _packetCosts[skb.Packet];
        t += own is null ? _hops[skb.Hop].XmitNs : own.XmitNs[skb.Hop];
        switch (_backlog.Enqueue(skb))
        {
            case BacklogEnqueueResult.Dropped:
                _droppedAt[skb.Packet] = skb.Hop;
                break;
            case BacklogEnqueueResult.QueuedAndScheduled:
                // net/core/dev.c napi_schedule_rps: raise NET_RX unless net_rx_action is running
                if (!_inNetRxAction)
                {
                    _pending = true;
                }

                break;
        }

        _maxInput = Math.Max(_maxInput, _backlog.InputLength);
        return t;
    }

    // kernel/softirq.c handle_softirqs: restart while pending, within MAX_SOFTIRQ_TIME and MAX_SOFTIRQ_RESTART
    private long HandleSoftirqs(long t, bool inKsoftirqd)
    {
        long end = Jiffy(t) + _cfg.MaxSoftirqJiffies;
        int restarts = _cfg.MaxSoftirqRestart;
        while (true)
        {
            _pending = false;
            t = NetRxAction(t, inKsoftirqd);
            if (!_pending)
            {
                return t;
            }

            if (Jiffy(t) < end && --restarts > 0)
            {
                continue;
            }

            // kernel/softirq.c wakeup_softirqd
            if (!inKsoftirqd && _ksoftirqdAt < 0)
            {
                _ksoftirqdAt = t + _costs.KsoftirqdDelayNs;
                _wakeups++;
            }

            return t;
        }
    }

    // net/core/dev.c net_rx_action with the backlog as the only NAPI on this CPU
    private long NetRxAction(long t, bool inKsoftirqd)
    {
        long start = t;
        t += _costs.SoftirqEntryNs;
        long timeLimit = Jiffy(start) + _cfg.BudgetJiffies;
        int budget = _cfg.NetdevBudget;
        int work = 0;
        bool squeezed = false;
        _inNetRxAction = true;
        while (_backlog.Scheduled)
        {
            long pollAt = t;
            t += _costs.NapiPollNs;
            int w = ProcessBacklog(ref t, _cfg.DevWeight);
            _pollCount++;
            _pollWork += w;
            if (_record)
            {
                _polls.Add(new NapiPollRecord(pollAt, w, _cfg.DevWeight));
            }

            budget -= w;
            work += w;
            if (budget <= 0 || Jiffy(t) >= timeLimit)
            {
                // net/core/dev.c net_rx_action: window exhausted, time_squeeze++
                _timeSqueeze++;
                squeezed = true;
                break;
            }

            if (w == _cfg.DevWeight)
            {
                break; // net/core/dev.c napi_poll: a full quota goes on repoll, which ends this pass
            }
        }

        _inNetRxAction = false;
        if (_backlog.Scheduled)
        {
            _pending = true; // poll list not empty: re-raise NET_RX
        }

        _passCount++;
        if (_record)
        {
            _passes.Add(new NetRxPass(start, t, work, squeezed, inKsoftirqd));
        }

        return t;
    }

    // net/core/dev.c process_backlog: up to quota packets through __netif_receive_skb
    private int ProcessBacklog(ref long t, int quota)
    {
        int work = 0;
        while (_backlog.TryTakeNext(out Skb skb))
        {
            NetPacketCosts? own = _packetCosts[skb.Packet];
            t += own is null ? _hops[skb.Hop].ReceiveNs : own.ReceiveNs[skb.Hop];
            if (skb.Hop + 1 < _hops.Count)
            {
                // net/bridge/br_forward.c br_forward → the next device's transmit, inside this softirq
                t = XmitHop(t, skb with { Hop = skb.Hop + 1 });
            }
            else
            {
                _delivered[skb.Packet] = t;
            }

            if (++work >= quota)
            {
                break;
            }
        }

        return work;
    }

    private readonly record struct Skb(int Packet, int Hop);
}
