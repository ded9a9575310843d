namespace KernelSim.Replay.Net;

/// <summary>
/// Finds the UDP ping-pong in a net capture and splits every round trip into the stages the receive-path model is
/// made of (see <see cref="NetDirectionStages"/>): on the pinned path the sender's send syscall transmits, raises
/// NET_RX and runs the softirq itself at local_bh_enable (kernel/softirq.c __local_bh_enable_ip), every later hop is
/// transmitted from inside that softirq, the last hop wakes the peer, and the switch happens at syscall exit.
/// </summary>
internal static class NetPingPongExtractor
{
    /// <summary>Reads and splits a capture.</summary>
    /// <exception cref="InvalidDataException">The trace holds no ping-pong (no task that sends and then receives).</exception>
    public static NetPingPongTrace Extract(string tracePath)
    {
        List<NetEvent> ev = NetTraceEvents.Read(tracePath, out _);
        return Extract(ev, tracePath);
    }

    internal static NetPingPongTrace Extract(List<NetEvent> ev, string source)
    {
        // One client and one server (sockperf's ping-pong, a service with one connection): the original extraction,
        // unchanged. Several request/response flows: the same walk per flow, matched by socket (fd) and skb. No
        // syscall events at all: requests and responses from the packets and the receivers' wakeups.
        if (NetServiceFlows.Missing(ev).Count > 0)
        {
            throw new InvalidDataException(NetServiceFlows.Refusal(ev, source));
        }

        List<NetFlow> flows = NetServiceFlows.Find(ev, packets: false);
        if (FindPair(ev) is { } pair && flows.Count <= 1 && SendFds(ev, pair.Client) <= 1)
        {
            return Extract(ev, source, [new NetFlow(pair.Client, pair.Server)], NetExtractionMode.PingPong);
        }

        if (flows.Count > 0)
        {
            return Extract(ev, source, flows, NetExtractionMode.Flows);
        }

        if (!NetServiceFlows.HasSyscalls(ev) && NetServiceFlows.Find(ev, packets: true) is { Count: > 0 } packetFlows)
        {
            return NetServiceFlows.ExtractPackets(ev, source, packetFlows);
        }

        throw new InvalidDataException(NetServiceFlows.Refusal(ev, source));
    }

    private static NetPingPongTrace Extract(List<NetEvent> ev, string source, List<NetFlow> flowList, NetExtractionMode mode)
    {
        bool byFlow = mode == NetExtractionMode.Flows;
        var serverOf = new Dictionary<int, int>();
        foreach (NetFlow f in flowList)
        {
            serverOf.TryAdd(f.Client, f.Server);
        }

        int client = flowList[0].Client, server = flowList[0].Server;
        var trips = new List<NetTripStages>();
        var polls = new Dictionary<(int, int), int>();
        int softirqs = 0, inKsoftirqd = 0, softirqsTotal = 0;
        var hopVotes = new Dictionary<int, int>();
        bool loopback = false;
        int cpu = -1;
        var sendTimes = new Dictionary<int, List<long>>();
        int clientSwitches = 0, clientSwitchesRunnable = 0;

        foreach (NetEvent e in ev)
        {
            if (e.Kind == NetEventKind.SoftirqEntry)
            {
                softirqsTotal++;
            }
            else if (e.Kind == NetEventKind.Switch && serverOf.ContainsKey(e.Pid) && e.A != e.Pid)
            {
                clientSwitches++;
                clientSwitchesRunnable += e.B;
            }
        }

        var done = new HashSet<int>();
        for (int i = 0; i < ev.Count; i++)
        {
            if (ev[i].Kind != NetEventKind.SendEnter || done.Contains(ev[i].Pid) || !serverOf.TryGetValue(ev[i].Pid, out server))
            {
                continue;
            }

            client = ev[i].Pid;
            int fd = ev[i].Fd;
            if (!sendTimes.TryGetValue(client, out List<long>? times))
            {
                sendTimes[client] = times = [];
            }

            times.Add(ev[i].Ns);
            int c = ev[i].Cpu;
            cpu = cpu < 0 ? c : cpu;
            int j = Next(ev, i + 1, ev.Count, x => x.Kind == NetEventKind.RecvExit && x.Pid == client && (!byFlow || x.Fd == fd));
            if (j < 0)
            {
                done.Add(client);
                continue;
            }

            int nextSend = Next(ev, i + 1, j, x => x.Kind == NetEventKind.SendEnter && x.Pid == client && (!byFlow || x.Fd == fd));
            if (nextSend >= 0)
            {
                continue; // a send without its reply (lost, or not a ping-pong step)
            }

            int events = CountOn(ev, i, j, c);
            long maxGap = MaxGapOn(ev, i, j, c);
            var tripPolls = new List<(int, int)>(2);
            int tripSoftirqs = 0, tripKsoftirqd = 0;
            for (int k = i; k <= j; k++)
            {
                // every CPU: unpinned, the reply's softirq runs on the server's CPU
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

            NetDirectionStages? req = ParseDirection(ev, i, j, c, client, server, out int serverRecvExit, out int hopsReq, out bool lo);
            NetDirectionStages? rep = null;
            long turnaround = 0;
            int turnaroundEvents = 0;
            if (req is not null)
            {
                loopback |= lo;
                int serverSend = Next(ev, serverRecvExit + 1, j, x => x.Kind == NetEventKind.SendEnter && x.Pid == server);
                if (serverSend >= 0)
                {
                    int sc = ev[serverSend].Cpu;
                    turnaround = ev[serverSend].Ns - ev[serverRecvExit].Ns;
                    turnaroundEvents = CountOn(ev, serverRecvExit, serverSend, sc);
                    rep = ParseDirection(ev, serverSend, j, sc, server, client, out int clientRecvExit, out int hopsRep, out _);
                    if (rep is not null && (clientRecvExit != j || hopsRep != hopsReq))
                    {
                        rep = null;
                    }
                }

                if (rep is not null)
                {
                    hopVotes[hopsReq] = hopVotes.GetValueOrDefault(hopsReq) + 1;
                }
            }

            if (rep is not null && req!.CrossCpu)
            {
                events = req.TotalEvents + turnaroundEvents + rep.TotalEvents; // the critical path's
            }

            trips.Add(new NetTripStages
            {
                StartNs = ev[i].Ns,
                RttNs = ev[j].Ns - ev[i].Ns,
                Events = events,
                Request = rep is null ? null : req,
                Reply = rep,
                TurnaroundNs = turnaround,
                TurnaroundEvents = turnaroundEvents,
                Softirqs = tripSoftirqs,
                SoftirqsInKsoftirqd = tripKsoftirqd,
                Polls = tripPolls,
                MaxGapNs = rep is not null && req!.CrossCpu ? 0 : maxGap,
            });
        }

        if (trips.Count == 0)
        {
            throw new InvalidDataException($"{source}: the ping-pong's client (pid {client}) never got a reply");
        }

        if (byFlow)
        {
            trips.Sort((a, b) => a.StartNs.CompareTo(b.StartNs)); // flows walked one after the other
        }

        int hops = 1;
        int best = -1;
        foreach ((int h, int n) in hopVotes)
        {
            if (n > best || (n == best && h < hops))
            {
                (hops, best) = (h, n);
            }
        }

        // round trips with another hop count than the usual one are not regular
        for (int t = 0; t < trips.Count; t++)
        {
            if (trips[t].Request is { } r && r.XmitNs.Length != hops)
            {
                trips[t] = new NetTripStages { StartNs = trips[t].StartNs, RttNs = trips[t].RttNs, Events = trips[t].Events, Softirqs = trips[t].Softirqs, SoftirqsInKsoftirqd = trips[t].SoftirqsInKsoftirqd, Polls = trips[t].Polls, MaxGapNs = trips[t].MaxGapNs };
            }
        }

        MarkStalls(trips);

        var gaps = new List<long>();
        foreach (List<long> times in sendTimes.Values)
        {
            for (int k = 1; k < times.Count; k++)
            {
                gaps.Add(times[k] - times[k - 1]);
            }
        }

        gaps.Sort();
        int cross = 0, pinned = 0;
        foreach (NetTripStages t in trips)
        {
            if (t.Request is { } r)
            {
                cross += r.CrossCpu ? 1 : 0;
                pinned += r.CrossCpu ? 0 : 1;
            }
        }

        return new NetPingPongTrace
        {
            CrossCpu = cross > pinned,
            Source = source,
            ClientPid = flowList[0].Client,
            ServerPid = flowList[0].Server,
            Cpu = cpu,
            Hops = hops,
            Loopback = loopback,
            Trips = trips,
            NapiPolls = polls,
            NetRxSoftirqs = softirqs,
            NetRxInKsoftirqd = inKsoftirqd,
            NetRxSoftirqsTotal = softirqsTotal,
            IntervalNs = gaps.Count > 0 ? gaps[gaps.Count / 2] : 500_000,
            ClientRunnableShare = clientSwitches == 0 ? 0 : (double)clientSwitchesRunnable / clientSwitches,
            Mode = mode,
            Flows = flowList.Count,
        };
    }

    // One packet, from the sender's sys_enter_sendto at i to the peer's sys_exit_recvfrom (returned in peerRecvExit).
    // One packet, from the sender's send-syscall entry at i to the peer's receive-syscall return (returned in
    // peerRecvExit). Hops are the same skb's (skbaddr) net_dev_queue/netif_receive_skb; another skb's in the same
    // softirq (a TCP ACK the receive sent) belongs to the stage it falls in.
    private static NetDirectionStages? ParseDirection(List<NetEvent> ev, int i, int end, int cpu, int sender, int peer, out int peerRecvExit, out int hops, out bool loopback)
    {
        peerRecvExit = -1;
        hops = 0;
        loopback = false;
        int q0 = Next(ev, i + 1, end, x => x.Cpu == cpu && x.Kind == NetEventKind.DevQueue && x.Pid == sender);
        return q0 < 0 ? null : ParseFollowingSkb(ev, i, q0, end, cpu, sender, peer, out peerRecvExit, out hops, out loopback);
    }

    // How many sockets (fds) a task sent on: more than one means concurrent requests on several connections.
    private static int SendFds(List<NetEvent> ev, int pid)
    {
        var fds = new HashSet<int>();
        foreach (NetEvent e in ev)
        {
            if (e.Kind == NetEventKind.SendEnter && e.Pid == pid)
            {
                fds.Add(e.Fd);
            }
        }

        return fds.Count;
    }

    // ParseDirection for one skb followed through its hops (service flows): the sender's syscall entry i, its
    // net_dev_queue q0, and the peer's receive-syscall return.
    private static NetDirectionStages? ParseFollowingSkb(List<NetEvent> ev, int i, int q0, int end, int cpu, int sender, int peer, out int peerRecvExit, out int hops, out bool loopback)
    {
        peerRecvExit = -1;
        hops = 0;
        loopback = ev[q0].B == 1;
        int se = Next(ev, q0 + 1, end, x => x.Cpu == cpu && x.Kind is NetEventKind.SoftirqEntry or NetEventKind.SendExit);
        if (se < 0 || ev[se].Kind != NetEventKind.SoftirqEntry || ev[se].InKsoftirqd)
        {
            return null;
        }

        if (FollowSkb(ev, q0, se, end, cpu) is not { } path)
        {
            return null;
        }

        int sx = Next(ev, path.Poll + 1, end, x => x.Cpu == cpu && (x.Kind is NetEventKind.SendExit or NetEventKind.SoftirqEntry or NetEventKind.DevQueue));
        if (sx < 0 || ev[sx].Kind != NetEventKind.SendExit || ev[sx].Pid != sender)
        {
            return null;
        }

        int rx = Next(ev, sx + 1, end + 1, x => x.Kind == NetEventKind.RecvExit && x.Pid == peer);
        if (rx < 0)
        {
            return null;
        }

        hops = path.Receives.Count;
        peerRecvExit = rx;
        return Build(ev, i, q0, se, path.Queues, path.Receives, path.Poll, sx, rx, cpu);
    }

    /// <summary>
    /// The hops of the skb transmitted at <paramref name="q0"/> inside the NET_RX softirq entered at <paramref name="se"/>:
    /// its netif_receive_skb per hop, its net_dev_queue per forward (the same skbaddr: veth and the bridge pass the skb
    /// on, drivers/net/veth.c veth_xmit, net/bridge/br_forward.c), up to the napi_poll that ends the backlog poll.
    /// Another skb's events in between (an ACK the receive sent) stay inside the stage they fall in.
    /// </summary>
    internal static (List<int> Queues, List<int> Receives, int Poll)? FollowSkb(List<NetEvent> ev, int q0, int se, int end, int cpu)
    {
        long skb = ev[q0].Skb;
        bool Same(long x) => skb == 0 || x == 0 || x == skb;
        var queues = new List<int> { q0 };
        var receives = new List<int>();
        int k = se + 1;
        while (k <= end)
        {
            int r = Next(ev, k, end, x => x.Cpu == cpu && ((x.Kind == NetEventKind.ReceiveSkb && Same(x.Skb)) || x.Kind is NetEventKind.NapiPoll or NetEventKind.SoftirqExit));
            if (r < 0 || ev[r].Kind != NetEventKind.ReceiveSkb)
            {
                return null;
            }

            receives.Add(r);
            int after = Next(ev, r + 1, end, x => x.Cpu == cpu && ((x.Kind is NetEventKind.DevQueue or NetEventKind.ReceiveSkb && Same(x.Skb)) || x.Kind is NetEventKind.NapiPoll or NetEventKind.SoftirqExit));
            if (after < 0)
            {
                return null;
            }

            if (ev[after].Kind == NetEventKind.DevQueue)
            {
                queues.Add(after);
                k = after + 1;
                continue;
            }

            return ev[after].Kind == NetEventKind.NapiPoll && queues.Count == receives.Count ? (queues, receives, after) : null;
        }

        return null;
    }

    /// <summary>
    /// One direction's stages from its boundary events: the send's start <paramref name="i"/> (the syscall entry, or the
    /// net_dev_queue itself when the capture has no syscalls: then the send stage is empty), the hops, the napi_poll,
    /// the sender's end <paramref name="sx"/> (syscall exit or softirq exit) and the peer's <paramref name="rx"/> (its
    /// receive-syscall return, or its switch-in). Same stage rules as the ping-pong's.
    /// </summary>
    internal static NetDirectionStages Build(List<NetEvent> ev, int i, int q0, int se, List<int> queues, List<int> receives, int poll, int sx, int rx, int cpu)
    {
        int hops = receives.Count;
        int peerCpu = ev[rx].Cpu;
        bool crossCpu = peerCpu != cpu;
        var d = new NetDirectionStages(hops)
        {
            CrossCpu = crossCpu,
            SendNs = ev[q0].Ns - ev[i].Ns,
            SendEvents = CountOn(ev, i, q0, cpu),
            EntryNs = ev[receives[0]].Ns - ev[se].Ns,
            EntryEvents = CountOn(ev, se, receives[0], cpu),
        };
        d.XmitNs[0] = ev[se].Ns - ev[q0].Ns;
        d.XmitEvents[0] = CountOn(ev, q0, se, cpu);
        for (int h = 0; h < hops; h++)
        {
            if (h > 0)
            {
                d.XmitNs[h] = ev[receives[h]].Ns - ev[queues[h]].Ns;
                d.XmitEvents[h] = CountOn(ev, queues[h], receives[h], cpu);
            }

            int stop = h + 1 < hops ? queues[h + 1] : poll;
            d.ReceiveNs[h] = ev[stop].Ns - ev[receives[h]].Ns;
            d.ReceiveEvents[h] = CountOn(ev, receives[h], stop, cpu);
        }

        int last = hops - 1;
        if (crossCpu)
        {
            // The peer sleeps on another CPU: the last receive queues its wakeup there and sends an IPI; the critical
            // path runs from that receive to the peer's return on its CPU, while the sender's softirq exit and syscall
            // return go on in parallel (kernel/sched/core.c ttwu_queue_wakelist). Only events on the critical path are
            // counted: the sender's up to its napi_poll, the peer CPU's up to its return; the return and wake stages
            // stay 0 (off the critical path).
            d.ReceiveNs[last] = ev[rx].Ns - ev[receives[last]].Ns;
            d.ReceiveEvents[last] += CountOn(ev, receives[last], rx, peerCpu);
        }
        else
        {
            d.ReturnNs = ev[sx].Ns - ev[poll].Ns;
            d.ReturnEvents = CountOn(ev, poll, sx, cpu);
            d.WakeNs = ev[rx].Ns - ev[sx].Ns;
            d.WakeEvents = CountOn(ev, sx, rx, cpu);
        }

        return d;
    }

    // The ping-pong pair: the client is the task whose send is answered (its own next recvfrom return) fastest; the
    // server is the task whose recvfrom returns first after the client's sends.
    private static (int Client, int Server)? FindPair(List<NetEvent> ev)
    {
        var lastSend = new Dictionary<int, long>();
        var answered = new Dictionary<int, List<long>>();
        foreach (NetEvent e in ev)
        {
            if (e.Kind == NetEventKind.SendEnter)
            {
                lastSend[e.Pid] = e.Ns;
            }
            else if (e.Kind == NetEventKind.RecvExit && lastSend.Remove(e.Pid, out long s))
            {
                if (!answered.TryGetValue(e.Pid, out List<long>? l))
                {
                    answered[e.Pid] = l = [];
                }

                l.Add(e.Ns - s);
            }
        }

        int client = -1;
        long bestMedian = long.MaxValue;
        foreach ((int pid, List<long> l) in answered)
        {
            if (l.Count < 10)
            {
                continue;
            }

            l.Sort();
            long m = l[l.Count / 2];
            if (m < bestMedian || (m == bestMedian && pid < client))
            {
                (client, bestMedian) = (pid, m);
            }
        }

        if (client < 0)
        {
            return null;
        }

        var votes = new Dictionary<int, int>();
        bool armed = false;
        foreach (NetEvent e in ev)
        {
            if (e.Kind == NetEventKind.SendEnter && e.Pid == client)
            {
                armed = true;
            }
            else if (armed && e.Kind == NetEventKind.RecvExit && e.Pid != client)
            {
                votes[e.Pid] = votes.GetValueOrDefault(e.Pid) + 1;
                armed = false;
            }
        }

        int server = -1, most = 0;
        foreach ((int pid, int n) in votes)
        {
            if (n > most || (n == most && pid < server))
            {
                (server, most) = (pid, n);
            }
        }

        return server < 0 ? null : (client, server);
    }

    internal static int Next(List<NetEvent> ev, int from, int toExclusive, Func<NetEvent, bool> match)
    {
        for (int k = from; k < toExclusive && k < ev.Count; k++)
        {
            if (match(ev[k]))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>A gap between consecutive events on the round trip's CPU at least this long is a stall candidate, ns (the body's longest gaps are 3-6 µs in the committed pinned captures).</summary>
    internal const long StallGapNs = 8_000;

    // Marks each round trip's silent stall: its longest gap beyond the median longest gap of all round trips.
    internal static void MarkStalls(List<NetTripStages> trips)
    {
        var gaps = new List<long>(trips.Count);
        foreach (NetTripStages t in trips)
        {
            if (t.MaxGapNs > 0)
            {
                gaps.Add(t.MaxGapNs);
            }
        }

        if (gaps.Count == 0)
        {
            return;
        }

        gaps.Sort();
        long usual = gaps[gaps.Count / 2];
        foreach (NetTripStages t in trips)
        {
            t.StallNs = t.MaxGapNs >= StallGapNs ? t.MaxGapNs - usual : 0;
        }
    }

    internal static long MaxGapOn(List<NetEvent> ev, int from, int to, int cpu)
    {
        long max = 0, prev = -1;
        for (int k = from; k <= to; k++)
        {
            if (ev[k].Cpu != cpu)
            {
                continue;
            }

            if (prev >= 0)
            {
                max = Math.Max(max, ev[k].Ns - prev);
            }

            prev = ev[k].Ns;
        }

        return max;
    }

    internal static int CountOn(List<NetEvent> ev, int from, int toExclusive, int cpu)
    {
        int n = 0;
        for (int k = from; k < toExclusive; k++)
        {
            if (ev[k].Cpu == cpu)
            {
                n++;
            }
        }

        return n;
    }
}
