using System.Text;

namespace KernelSim.Replay.Net;

/// <summary>
/// Request/response flows of any service in a net capture (issue 14): who talks to whom, found from the packets each
/// task transmits and the task their delivery wakes; the round trips of a capture without syscall events; and the
/// refusal that names what a capture lacks.
/// </summary>
/// <remarks>
/// On the pinned path the sender transmits, raises NET_RX and runs the softirq itself when it re-enables bottom halves
/// (kernel/softirq.c __local_bh_enable_ip); the last hop's receive queues the data on the peer's socket and wakes it
/// from there (net/core/sock.c sock_def_readable, kernel/sched/core.c try_to_wake_up), so the sched_wakeup inside the
/// sender's softirq names the receiver. A receiver that is already running (busy polling) is not woken: with syscall
/// events its next receive-syscall return names it instead.
/// </remarks>
internal static class NetServiceFlows
{
    /// <summary>Exchanges each way a pair needs before it counts as a request/response flow.</summary>
    internal const int MinExchanges = 10;

    // Events on the sender's CPU searched for the receiver's wakeup after a process-context transmit.
    private const int WakeSearchEvents = 400;

    /// <summary>A packet a task transmitted in process context, and the task its delivery woke (-1 if none seen) with the index of that wakeup (or of the sender's switch to it when nobody was woken).</summary>
    internal readonly record struct PacketSend(int Index, int Sender, int Receiver, int WakeIndex);

    /// <summary>Whether the capture has any send or receive syscall event.</summary>
    public static bool HasSyscalls(List<NetEvent> ev)
    {
        foreach (NetEvent e in ev)
        {
            if (e.Kind is NetEventKind.SendEnter or NetEventKind.RecvExit or NetEventKind.SendExit or NetEventKind.RecvEnter)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The flows: pairs of tasks that each sent the other at least <see cref="MinExchanges"/> packets; the client is the one
    /// that sent first. One flow per client (its busiest), ordered by client pid.
    /// </summary>
    /// <param name="ev">The capture's events.</param>
    /// <param name="packets">Find senders from process-context net_dev_queue events (no syscalls) instead of send syscalls.</param>
    public static List<NetFlow> Find(List<NetEvent> ev, bool packets)
    {
        List<PacketSend> sends = packets ? PacketSends(ev) : SyscallSends(ev);
        var count = new Dictionary<(int From, int To), int>();
        var first = new Dictionary<(int From, int To), long>();
        foreach (PacketSend s in sends)
        {
            if (s.Receiver < 0 || s.Receiver == s.Sender)
            {
                continue;
            }

            (int, int) key = (s.Sender, s.Receiver);
            count[key] = count.GetValueOrDefault(key) + 1;
            first.TryAdd(key, ev[s.Index].Ns);
        }

        var best = new Dictionary<int, (int Server, int Exchanges)>();
        foreach (((int from, int to), int n) in count)
        {
            if (from > to || !count.TryGetValue((to, from), out int back))
            {
                continue; // each unordered pair once
            }

            int exchanges = Math.Min(n, back);
            if (exchanges < MinExchanges)
            {
                continue;
            }

            (int client, int server) = first[(from, to)] <= first[(to, from)] ? (from, to) : (to, from);
            if (!best.TryGetValue(client, out (int Server, int Exchanges) b) || exchanges > b.Exchanges || (exchanges == b.Exchanges && server < b.Server))
            {
                best[client] = (server, exchanges);
            }
        }

        var flows = new List<NetFlow>(best.Count);
        foreach ((int client, (int server, _)) in best)
        {
            flows.Add(new NetFlow(client, server));
        }

        flows.Sort((a, b) => a.Client.CompareTo(b.Client));
        return flows;
    }

    // Send syscalls that transmitted (a net_dev_queue of the sender on its CPU before its exit), with the receiver:
    // the task woken in the softirq, else the next task to return from a receive syscall.
    private static List<PacketSend> SyscallSends(List<NetEvent> ev)
    {
        var sends = new List<PacketSend>();
        for (int i = 0; i < ev.Count; i++)
        {
            NetEvent e = ev[i];
            if (e.Kind != NetEventKind.SendEnter)
            {
                continue;
            }

            int q = -1, receiver = -1, wake = -1, exit = -1;
            for (int k = i + 1; k < ev.Count; k++)
            {
                NetEvent x = ev[k];
                if (x.Cpu != e.Cpu)
                {
                    continue;
                }

                if (x.Kind == NetEventKind.SendExit && x.Pid == e.Pid)
                {
                    exit = k;
                    break;
                }

                if (x.Kind == NetEventKind.DevQueue && x.Pid == e.Pid && q < 0)
                {
                    q = k;
                }
                else if (x.Kind == NetEventKind.Wakeup && q >= 0 && receiver < 0 && x.A != e.Pid && x.A > 0)
                {
                    (receiver, wake) = (x.A, k);
                }
            }

            if (q < 0 || exit < 0)
            {
                continue;
            }

            if (receiver < 0)
            {
                int r = NetPingPongExtractor.Next(ev, exit + 1, Math.Min(ev.Count, exit + 2000), x => x.Kind == NetEventKind.RecvExit && x.Pid != e.Pid);
                receiver = r < 0 ? -1 : ev[r].Pid;
            }

            sends.Add(new PacketSend(q, e.Pid, receiver, wake));
        }

        return sends;
    }

    /// <summary>Process-context transmits (not in a NET_RX softirq on that CPU, not ksoftirqd) and the task each one woke.</summary>
    internal static List<PacketSend> PacketSends(List<NetEvent> ev)
    {
        var inSoftirq = new Dictionary<int, bool>();
        var sends = new List<PacketSend>();
        for (int i = 0; i < ev.Count; i++)
        {
            NetEvent e = ev[i];
            if (e.Kind == NetEventKind.SoftirqEntry)
            {
                inSoftirq[e.Cpu] = true;
            }
            else if (e.Kind == NetEventKind.SoftirqExit)
            {
                inSoftirq[e.Cpu] = false;
            }
            else if (e.Kind == NetEventKind.DevQueue && !e.InKsoftirqd && e.Pid > 0 && !inSoftirq.GetValueOrDefault(e.Cpu))
            {
                int receiver = -1, wake = -1, seen = 0;
                bool entered = false, exited = false;
                for (int k = i + 1; k < ev.Count && seen < WakeSearchEvents; k++)
                {
                    NetEvent x = ev[k];
                    if (x.Cpu != e.Cpu)
                    {
                        continue;
                    }

                    seen++;
                    if (x.Kind == NetEventKind.SoftirqEntry)
                    {
                        entered = true;
                    }
                    else if (x.Kind == NetEventKind.SoftirqExit && entered)
                    {
                        exited = true;
                    }
                    else if (x.Kind == NetEventKind.DevQueue && exited && x.Pid == e.Pid)
                    {
                        break; // the sender's next packet
                    }
                    else if (x.Kind == NetEventKind.Wakeup && entered && !exited && x.A != e.Pid && x.A > 0)
                    {
                        (receiver, wake) = (x.A, k);
                        break;
                    }
                    else if (x.Kind == NetEventKind.Switch)
                    {
                        // nobody woken (the receiver was runnable, e.g. preempted by the sender's own wakeup): when the
                        // sender goes off the CPU next, the task switched in is the one it was talking to
                        if (x.Pid == e.Pid && x.A != e.Pid && x.A > 0)
                        {
                            (receiver, wake) = (x.A, k);
                        }

                        break;
                    }
                }

                sends.Add(new PacketSend(i, e.Pid, receiver, wake));
            }
        }

        return sends;
    }

    /// <summary>
    /// Round trips from a capture without syscall events: a request is a client's process-context transmit that woke
    /// the server, its response the server's next transmit that woke the client; the round trip ends when the client
    /// is switched in. The send syscall before the first net_dev_queue and the receive syscall's return after the
    /// switch are not in the capture and not in the round trip.
    /// </summary>
    public static NetPingPongTrace ExtractPackets(List<NetEvent> ev, string source, List<NetFlow> flows)
    {
        List<PacketSend> sends = PacketSends(ev);
        var serverOf = new Dictionary<int, int>();
        foreach (NetFlow f in flows)
        {
            serverOf.TryAdd(f.Client, f.Server);
        }

        var trips = new List<NetTripStages>();
        var hopVotes = new Dictionary<int, int>();
        var sendTimes = new Dictionary<int, List<long>>();
        var polls = new Dictionary<(int, int), int>();
        int softirqs = 0, inKsoftirqd = 0, softirqsTotal = 0;
        bool loopback = false;
        int cpu = -1;
        foreach (NetEvent e in ev)
        {
            softirqsTotal += e.Kind == NetEventKind.SoftirqEntry ? 1 : 0;
        }

        for (int s = 0; s < sends.Count; s++)
        {
            PacketSend rq = sends[s];
            if (!serverOf.TryGetValue(rq.Sender, out int server) || rq.Receiver != server || rq.WakeIndex < 0)
            {
                continue;
            }

            int client = rq.Sender;
            if (!sendTimes.TryGetValue(client, out List<long>? times))
            {
                sendTimes[client] = times = [];
            }

            times.Add(ev[rq.Index].Ns);
            int reply = -1;
            for (int r = s + 1; r < sends.Count && r < s + 10_000; r++)
            {
                if (sends[r].Sender == client && sends[r].Receiver == server)
                {
                    break; // another request before the response
                }

                if (sends[r].Sender == server && sends[r].Receiver == client && sends[r].WakeIndex >= 0)
                {
                    reply = r;
                    break;
                }
            }

            if (reply < 0)
            {
                continue;
            }

            PacketSend rp = sends[reply];
            int clientIn = NetPingPongExtractor.Next(ev, rp.WakeIndex, ev.Count, x => x.Kind == NetEventKind.Switch && x.A == client);
            if (clientIn < 0)
            {
                continue;
            }

            int c = ev[rq.Index].Cpu;
            cpu = cpu < 0 ? c : cpu;
            int serverIn = NetPingPongExtractor.Next(ev, rq.WakeIndex, rp.Index, x => x.Kind == NetEventKind.Switch && x.A == server);
            NetDirectionStages? req = serverIn < 0 ? null : Direction(ev, rq.Index, serverIn, out bool lo);
            NetDirectionStages? rep = req is null ? null : Direction(ev, rp.Index, clientIn, out _);
            if (rep is not null && rep.XmitNs.Length != req!.XmitNs.Length)
            {
                rep = null;
            }

            int tripSoftirqs = 0, tripKsoftirqd = 0;
            var tripPolls = new List<(int, int)>(2);
            for (int k = rq.Index; k <= clientIn; k++)
            {
                if (ev[k].Kind == NetEventKind.NapiPoll)
                {
                    polls[(ev[k].A, ev[k].B)] = polls.GetValueOrDefault((ev[k].A, ev[k].B)) + 1;
                    tripPolls.Add((ev[k].A, ev[k].B));
                }
                else if (ev[k].Kind == NetEventKind.SoftirqEntry)
                {
                    softirqs++;
                    tripSoftirqs++;
                    inKsoftirqd += ev[k].InKsoftirqd ? 1 : 0;
                    tripKsoftirqd += ev[k].InKsoftirqd ? 1 : 0;
                }
            }

            long turnaround = 0;
            int turnaroundEvents = 0;
            if (rep is not null)
            {
                loopback |= ev[rq.Index].B == 1;
                hopVotes[req!.XmitNs.Length] = hopVotes.GetValueOrDefault(req.XmitNs.Length) + 1;
                turnaround = ev[rp.Index].Ns - ev[serverIn].Ns;
                turnaroundEvents = NetPingPongExtractor.CountOn(ev, serverIn, rp.Index, ev[rp.Index].Cpu);
            }

            bool cross = rep is not null && req!.CrossCpu;
            int events = cross ? req!.TotalEvents + turnaroundEvents + rep!.TotalEvents : NetPingPongExtractor.CountOn(ev, rq.Index, clientIn, c);
            trips.Add(new NetTripStages
            {
                StartNs = ev[rq.Index].Ns,
                RttNs = ev[clientIn].Ns - ev[rq.Index].Ns,
                Events = events,
                Request = rep is null ? null : req,
                Reply = rep,
                TurnaroundNs = turnaround,
                TurnaroundEvents = turnaroundEvents,
                Softirqs = tripSoftirqs,
                SoftirqsInKsoftirqd = tripKsoftirqd,
                Polls = tripPolls,
                MaxGapNs = cross ? 0 : NetPingPongExtractor.MaxGapOn(ev, rq.Index, clientIn, c),
            });
        }

        if (trips.Count == 0)
        {
            throw new InvalidDataException($"{source}: no request got a response that woke its client (packet mode: net_dev_queue in process context, the receiver's sched_wakeup and sched_switch)");
        }

        int hops = 1, most = -1;
        foreach ((int h, int n) in hopVotes)
        {
            if (n > most || (n == most && h < hops))
            {
                (hops, most) = (h, n);
            }
        }

        int crossTrips = 0, pinnedTrips = 0;
        for (int t = 0; t < trips.Count; t++)
        {
            if (trips[t].Request is { } r && r.XmitNs.Length != hops)
            {
                NetTripStages o = trips[t];
                trips[t] = new NetTripStages { StartNs = o.StartNs, RttNs = o.RttNs, Events = o.Events, Softirqs = o.Softirqs, SoftirqsInKsoftirqd = o.SoftirqsInKsoftirqd, Polls = o.Polls, MaxGapNs = o.MaxGapNs };
            }
            else if (trips[t].Request is { } q)
            {
                crossTrips += q.CrossCpu ? 1 : 0;
                pinnedTrips += q.CrossCpu ? 0 : 1;
            }
        }

        trips.Sort((a, b) => a.StartNs.CompareTo(b.StartNs));
        NetPingPongExtractor.MarkStalls(trips);
        var gaps = new List<long>();
        foreach (List<long> times in sendTimes.Values)
        {
            for (int k = 1; k < times.Count; k++)
            {
                gaps.Add(times[k] - times[k - 1]);
            }
        }

        gaps.Sort();
        return new NetPingPongTrace
        {
            CrossCpu = crossTrips > pinnedTrips,
            Source = source,
            ClientPid = flows[0].Client,
            ServerPid = flows[0].Server,
            Cpu = cpu,
            Hops = hops,
            Loopback = loopback,
            Trips = trips,
            NapiPolls = polls,
            NetRxSoftirqs = softirqs,
            NetRxInKsoftirqd = inKsoftirqd,
            NetRxSoftirqsTotal = softirqsTotal,
            IntervalNs = gaps.Count > 0 ? gaps[gaps.Count / 2] : 500_000,
            ClientRunnableShare = 0,
            Mode = NetExtractionMode.Packets,
            Flows = flows.Count,
        };
    }

    // One packet of packet mode: from its net_dev_queue q0 through its hops to the receiver's switch-in at ready; the
    // sender's side ends at the softirq's exit (there is no syscall exit to see).
    private static NetDirectionStages? Direction(List<NetEvent> ev, int q0, int ready, out bool loopback)
    {
        int cpu = ev[q0].Cpu;
        loopback = ev[q0].B == 1;
        int se = NetPingPongExtractor.Next(ev, q0 + 1, ready, x => x.Cpu == cpu && x.Kind is NetEventKind.SoftirqEntry or NetEventKind.SoftirqExit);
        if (se < 0 || ev[se].Kind != NetEventKind.SoftirqEntry || ev[se].InKsoftirqd)
        {
            return null;
        }

        if (NetPingPongExtractor.FollowSkb(ev, q0, se, ready, cpu) is not { } path)
        {
            return null;
        }

        int sx = NetPingPongExtractor.Next(ev, path.Poll + 1, ready + 1, x => x.Cpu == cpu && x.Kind == NetEventKind.SoftirqExit);
        if (sx < 0 || sx > ready)
        {
            return null;
        }

        return NetPingPongExtractor.Build(ev, q0, q0, se, path.Queues, path.Receives, path.Poll, sx, ready, cpu);
    }

    /// <summary>The message of a capture that holds no usable request/response: what it lacks, or why nothing matched.</summary>
    public static string Refusal(List<NetEvent> ev, string source)
    {
        List<string> missing = Missing(ev);
        bool syscalls = HasSyscalls(ev);
        var text = new StringBuilder();
        text.Append(source).Append(": no request/response found");
        if (missing.Count > 0)
        {
            text.Append("; missing events: ").Append(string.Join(", ", missing));
            text.Append(" (with syscalls: a send and a receive of the service, any of sendto/sendmsg/sendmmsg/write/writev and recvfrom/recvmsg/recvmmsg/read/readv, plus the net events; without syscalls: the net events, sched_wakeup and sched_switch; traces/capture/capture-net --server/--client records them)");
        }
        else
        {
            text.Append(syscalls
                ? "; no two tasks answered each other at least " + MinExchanges + " times over sockets (a send that transmitted, answered by a receive on the same fd)"
                : "; no two tasks woke each other with packets at least " + MinExchanges + " times each way (no syscall events in the capture: packet mode)");
        }

        return text.ToString();
    }

    /// <summary>The events the extraction needs that the capture does not have (tracepoint names; empty when it has them all).</summary>
    public static List<string> Missing(List<NetEvent> ev)
    {
        var have = new HashSet<NetEventKind>();
        foreach (NetEvent e in ev)
        {
            have.Add(e.Kind);
        }

        var missing = new List<string>();
        void Need(NetEventKind k, string name)
        {
            if (!have.Contains(k))
            {
                missing.Add(name);
            }
        }

        Need(NetEventKind.DevQueue, "net:net_dev_queue");
        Need(NetEventKind.ReceiveSkb, "net:netif_receive_skb");
        Need(NetEventKind.NapiPoll, "napi:napi_poll");
        Need(NetEventKind.SoftirqEntry, "irq:softirq_entry (NET_RX)");
        Need(NetEventKind.SoftirqExit, "irq:softirq_exit (NET_RX)");
        Need(NetEventKind.Switch, "sched:sched_switch");
        bool syscalls = HasSyscalls(ev);
        if (!syscalls)
        {
            Need(NetEventKind.Wakeup, "sched:sched_wakeup");
        }

        return missing;
    }
}
