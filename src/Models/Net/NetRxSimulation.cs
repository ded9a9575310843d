namespace KernelSim.Models.Net;

/// <summary>
/// Deterministic single-CPU model of the non-NAPI veth/loopback receive path: the sending task transmits the first
/// hop, enqueues on its CPU's backlog, and (at local_bh_enable) runs NET_RX synchronously; net_rx_action polls the
/// backlog NAPI with dev_weight quota under netdev_budget and the jiffies time limit; later hops are transmitted
/// from inside the softirq and appended to the same backlog; leftover work is re-raised, restarted by
/// handle_softirqs or handed to ksoftirqd. Time advances only by the configured costs.
/// </summary>
public sealed class NetRxSimulation
{
    private readonly NetRxConfig _config;
    private readonly NetTopology _topology;
    private readonly NetStageCosts _costs;

    /// <summary>Creates a simulation of one topology.</summary>
    /// <param name="config">Sysctls and kernel constants.</param>
    /// <param name="topology">The hop chain (at least one hop).</param>
    /// <param name="costs">Costs of the stages outside the hops (send path, softirq entry, poll, ksoftirqd delay).</param>
    public NetRxSimulation(NetRxConfig config, NetTopology topology, NetStageCosts costs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(costs);
        config.Validate();
        costs.Validate();
        if (topology.Hops.Count == 0 || topology.Hops.Any(h => h.XmitNs < 0 || h.ReceiveNs < 0))
        {
            throw new ArgumentException("a topology needs at least one hop and non-negative hop costs", nameof(topology));
        }

        _config = config;
        _topology = topology;
        _costs = costs;
    }

    /// <summary>Runs the sends (processed in time order, ties in list order) and returns what happened.</summary>
    /// <param name="sends">Packets the sending task(s) on this CPU transmit.</param>
    public NetRxResult Run(IReadOnlyList<NetSend> sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        return new Runner(this, sends).Run();
    }

    private readonly record struct Skb(int Packet, int Hop);

    private sealed class Runner
    {
        private readonly NetRxConfig _cfg;
        private readonly IReadOnlyList<NetHop> _hops;
        private readonly NetStageCosts _costs;
        private readonly IReadOnlyList<NetSend> _sends;
        private readonly SoftnetBacklog<Skb> _backlog;
        private readonly long[] _sent;
        private readonly long[] _delivered;
        private readonly int[] _droppedAt;
        private readonly List<NetRxPass> _passes = [];
        private readonly List<NapiPollRecord> _polls = [];
        private bool _pending;
        private bool _inNetRxAction;
        private long _ksoftirqdAt = -1;
        private long _timeSqueeze;
        private long _wakeups;
        private int _maxInput;

        public Runner(NetRxSimulation sim, IReadOnlyList<NetSend> sends)
        {
            _cfg = sim._config;
            _hops = sim._topology.Hops;
            _costs = sim._costs;
            _sends = sends;
            _backlog = new SoftnetBacklog<Skb>(_cfg.NetdevMaxBacklog);
            _sent = new long[sends.Count];
            _delivered = new long[sends.Count];
            _droppedAt = new int[sends.Count];
            Array.Fill(_delivered, -1L);
            Array.Fill(_droppedAt, -1);
        }

        private long Jiffy(long t) => t / _cfg.JiffyNs;

        public NetRxResult Run()
        {
            int[] order = Enumerable.Range(0, _sends.Count).OrderBy(i => _sends[i].AtNs).ThenBy(i => i).ToArray();
            long now = 0;
            int next = 0;
            while (next < order.Length || _ksoftirqdAt >= 0)
            {
                long nextSend = next < order.Length ? _sends[order[next]].AtNs : long.MaxValue;
                if (_ksoftirqdAt >= 0 && _ksoftirqdAt <= nextSend)
                {
                    // kernel/softirq.c run_ksoftirqd: the thread runs the pending vectors when scheduled
                    long t0 = Math.Max(_ksoftirqdAt, now);
                    _ksoftirqdAt = -1;
                    now = _pending ? HandleSoftirqs(t0, inKsoftirqd: true) : t0;
                    if (_pending && _ksoftirqdAt < 0)
                    {
                        _ksoftirqdAt = now; // still pending: ksoftirqd keeps running, interleaved with senders
                    }

                    continue;
                }

                int i = order[next++];
                long t = Math.Max(_sends[i].AtNs, now);
                _sent[i] = t;
                t += _costs.SendPathNs;
                t = Transmit(t, new Skb(i, 0));
                if (_pending)
                {
                    // kernel/softirq.c __local_bh_enable_ip → do_softirq in the sender's own context
                    t = HandleSoftirqs(t, inKsoftirqd: false);
                }

                now = t;
            }

            var packets = new NetPacketOutcome[_sends.Count];
            for (int i = 0; i < packets.Length; i++)
            {
                packets[i] = new NetPacketOutcome(i, _sent[i], _delivered[i], _sends[i].Measured, _droppedAt[i]);
            }

            return new NetRxResult(packets, _passes, _polls, _backlog.Processed, _backlog.Dropped, _timeSqueeze, _wakeups, _maxInput);
        }

        // drivers/net/veth.c veth_xmit / drivers/net/loopback.c loopback_xmit → net/core/dev.c enqueue_to_backlog
        private long Transmit(long t, Skb skb)
        {
            t += _hops[skb.Hop].XmitNs;
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
                _polls.Add(new NapiPollRecord(pollAt, w, _cfg.DevWeight));
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

            _passes.Add(new NetRxPass(start, t, work, squeezed, inKsoftirqd));
            return t;
        }

        // net/core/dev.c process_backlog: up to quota packets through __netif_receive_skb
        private int ProcessBacklog(ref long t, int quota)
        {
            int work = 0;
            while (_backlog.TryTakeNext(out Skb skb))
            {
                NetHop hop = _hops[skb.Hop];
                t += hop.ReceiveNs;
                if (skb.Hop + 1 < _hops.Count)
                {
                    // net/bridge/br_forward.c br_forward → the next device's transmit, inside this softirq
                    t = Transmit(t, skb with { Hop = skb.Hop + 1 });
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
    }
}
