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
        (int client, int server) = FindPair(ev) ?? throw new InvalidDataException($"{source}: no UDP ping-pong found (needs sys_enter_sendto and sys_exit_recvfrom of two tasks and the net events)");
        var trips = new List<NetTripStages>();
        var polls = new Dictionary<(int, int), int>();
        int softirqs = 0, inKsoftirqd = 0, softirqsTotal = 0;
        var hopVotes = new Dictionary<int, int>();
        bool loopback = false;
        int cpu = -1;
        var sendTimes = new List<long>();
        int clientSwitches = 0, clientSwitchesRunnable = 0;

        foreach (NetEvent e in ev)
        {
            if (e.Kind == NetEventKind.SoftirqEntry)
            {
                softirqsTotal++;
            }
            else if (e.Kind == NetEventKind.Switch && e.Pid == client && e.A != client)
            {
                clientSwitches++;
                clientSwitchesRunnable += e.B;
            }
        }

        for (int i = 0; i < ev.Count; i++)
        {
            if (ev[i].Kind != NetEventKind.SendEnter || ev[i].Pid != client)
            {
                continue;
            }

            sendTimes.Add(ev[i].Ns);
            int c = ev[i].Cpu;
            cpu = cpu < 0 ? c : cpu;
            int j = Next(ev, i + 1, ev.Count, x => x.Kind == NetEventKind.RecvExit && x.Pid == client);
            if (j < 0)
            {
                break;
            }

            int nextSend = Next(ev, i + 1, j, x => x.Kind == NetEventKind.SendEnter && x.Pid == client);
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

        var gaps = new List<long>(sendTimes.Count);
        for (int k = 1; k < sendTimes.Count; k++)
        {
            gaps.Add(sendTimes[k] - sendTimes[k - 1]);
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
            ClientPid = client,
            ServerPid = server,
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
        };
    }

    // One packet, from the sender's sys_enter_sendto at i to the peer's sys_exit_recvfrom (returned in peerRecvExit).
    private static NetDirectionStages? ParseDirection(List<NetEvent> ev, int i, int end, int cpu, int sender, int peer, out int peerRecvExit, out int hops, out bool loopback)
    {
        peerRecvExit = -1;
        hops = 0;
        loopback = false;
        int q0 = Next(ev, i + 1, end, x => x.Cpu == cpu && x.Kind == NetEventKind.DevQueue && x.Pid == sender);
        if (q0 < 0)
        {
            return null;
        }

        loopback = ev[q0].B == 1;
        int se = Next(ev, q0 + 1, end, x => x.Cpu == cpu && x.Kind is NetEventKind.SoftirqEntry or NetEventKind.SendExit);
        if (se < 0 || ev[se].Kind != NetEventKind.SoftirqEntry || ev[se].InKsoftirqd)
        {
            return null;
        }

        var queues = new List<int> { q0 };
        var receives = new List<int>();
        int k = se + 1;
        int poll = -1;
        while (k <= end)
        {
            int r = Next(ev, k, end, x => x.Cpu == cpu && x.Kind is NetEventKind.ReceiveSkb or NetEventKind.NapiPoll or NetEventKind.SoftirqExit);
            if (r < 0 || ev[r].Kind != NetEventKind.ReceiveSkb)
            {
                return null;
            }

            receives.Add(r);
            int after = Next(ev, r + 1, end, x => x.Cpu == cpu && x.Kind is NetEventKind.DevQueue or NetEventKind.NapiPoll or NetEventKind.ReceiveSkb or NetEventKind.SoftirqExit);
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

            if (ev[after].Kind != NetEventKind.NapiPoll)
            {
                return null;
            }

            poll = after;
            break;
        }

        if (poll < 0 || queues.Count != receives.Count)
        {
            return null;
        }

        int sx = Next(ev, poll + 1, end, x => x.Cpu == cpu && (x.Kind is NetEventKind.SendExit or NetEventKind.SoftirqEntry or NetEventKind.DevQueue));
        if (sx < 0 || ev[sx].Kind != NetEventKind.SendExit || ev[sx].Pid != sender)
        {
            return null;
        }

        int rx = Next(ev, sx + 1, end + 1, x => x.Kind == NetEventKind.RecvExit && x.Pid == peer);
        if (rx < 0)
        {
            return null;
        }

        hops = receives.Count;
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
            // path runs from that receive to the peer's recvfrom return on its CPU, while the sender's softirq exit and
            // syscall return go on in parallel (kernel/sched/core.c ttwu_queue_wakelist). Only events on the critical
            // path are counted: the sender's up to its napi_poll, the peer CPU's up to the recvfrom return; the return
            // and wake stages stay 0 (off the critical path).
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

        peerRecvExit = rx;
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

    private static int Next(List<NetEvent> ev, int from, int toExclusive, Func<NetEvent, bool> match)
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
    private static void MarkStalls(List<NetTripStages> trips)
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

    private static long MaxGapOn(List<NetEvent> ev, int from, int to, int cpu)
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

    private static int CountOn(List<NetEvent> ev, int from, int toExclusive, int cpu)
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
