using System.Globalization;
using System.Text;
using KernelSim.Replay.Net;
using KernelSim.Replay.Tests.Events;

namespace KernelSim.Replay.Tests.Net;

/// <summary>
/// Request/response extraction from captures of any service (issue 14): TCP over read/write with epoll readiness,
/// several flows, concurrent requests on several sockets, packet mode without syscalls, the refusal; small synthetic
/// ftrace snippets written here, and the committed redis capture (traces/net-services).
/// </summary>
public sealed class NetServiceExtractionTests : IDisposable
{
    private static readonly string Services = Path.Combine(RepoPaths.Root, "traces", "net-services");
    private readonly string _dir = Directory.CreateTempSubdirectory("ksim-netsvc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Extract_TcpOverReadWriteWithEpoll_OneFlow_SplitsEveryRoundTrip()
    {
        var f = new Snippet();
        for (int k = 0; k < 12; k++)
        {
            f.Exchange(client: 100, clientFd: 5, server: 200, serverFd: 7, skb: 0x100 + (k * 4));
        }

        NetPingPongTrace t = Extract(f);
        Assert.Equal(NetExtractionMode.PingPong, t.Mode);
        Assert.Equal((100, 200), (t.ClientPid, t.ServerPid));
        Assert.Equal(12, t.Trips.Count);
        Assert.All(t.Trips, trip => Assert.True(trip.Regular, "every round trip split into stages"));
        Assert.Equal("loopback", t.Topology);
        Assert.Equal(1, t.Hops);

        // the request's stages: the client's write to its return, the server's epoll return and read (its wake stage)
        NetDirectionStages rq = t.Trips[0].Request!;
        Assert.Equal(Snippet.Us(1), rq.SendNs);
        Assert.False(rq.CrossCpu);
        Assert.True(rq.WakeNs > 0);
        Assert.True(t.Trips[0].TurnaroundNs > 0);
    }

    [Fact]
    public void ReadEvents_WritesToFilesAndEmptyReads_AreNotRequestsOrResponses()
    {
        var f = new Snippet();
        f.Exchange(client: 100, clientFd: 5, server: 200, serverFd: 7, skb: 0x100);
        string path = f.Write(_dir);
        List<NetEvent> ev = NetTraceEvents.Read(path, out _);

        // the client's write to fd 1 (no transmit) and the server's EAGAIN read are Other
        Assert.Equal(2, ev.Count(e => e.Kind == NetEventKind.SendEnter));
        Assert.Equal(2, ev.Count(e => e.Kind == NetEventKind.RecvExit));
        Assert.Contains(ev, e => e.Kind == NetEventKind.RecvExit && e.Pid == 200 && e.Fd == 7 && e.A == 0x24);
        Assert.DoesNotContain(ev, e => e.Kind is NetEventKind.SendEnter or NetEventKind.SendExit && e.Fd == 1);
        Assert.Contains(ev, e => e.Kind == NetEventKind.PollExit);
    }

    [Fact]
    public void Extract_TwoClientsAndTwoServerThreads_FindsTwoFlows()
    {
        var f = new Snippet();
        for (int k = 0; k < 12; k++)
        {
            f.Exchange(client: 100, clientFd: 5, server: 200, serverFd: 7, skb: 0x1000 + (k * 4));
            f.Exchange(client: 101, clientFd: 5, server: 201, serverFd: 9, skb: 0x2000 + (k * 4));
        }

        NetPingPongTrace t = Extract(f);
        Assert.Equal(NetExtractionMode.Flows, t.Mode);
        Assert.Equal(2, t.Flows);
        Assert.Equal(24, t.Trips.Count);
        Assert.All(t.Trips, trip => Assert.True(trip.Regular));
        Assert.True(t.Trips.Zip(t.Trips.Skip(1)).All(p => p.First.StartNs <= p.Second.StartNs), "in time order");
    }

    [Fact]
    public void Extract_ConcurrentRequestsOnTwoSockets_MatchesEachResponseToItsSocket()
    {
        var f = new Snippet();
        for (int k = 0; k < 12; k++)
        {
            f.TwoInFlight(client: 100, server: 200, skb: 0x3000 + (k * 8));
        }

        NetPingPongTrace t = Extract(f);
        Assert.Equal(NetExtractionMode.Flows, t.Mode);
        Assert.Equal(24, t.Trips.Count);

        // each request ends at the read of its own socket: fd 6's read returns 2 µs after fd 5's (the next enter and
        // exit), although fd 6's request went out later; matching by task alone would end both at fd 5's read
        for (int k = 0; k < 24; k += 2)
        {
            NetTripStages a = t.Trips[k], b = t.Trips[k + 1];
            Assert.True(b.StartNs > a.StartNs);
            Assert.Equal(Snippet.Us(2), b.StartNs + b.RttNs - (a.StartNs + a.RttNs));
        }
    }

    [Fact]
    public void Extract_NoSyscallEvents_FindsRequestsFromPacketsAndWakeups()
    {
        var f = new Snippet();
        for (int k = 0; k < 12; k++)
        {
            f.Exchange(client: 100, clientFd: 5, server: 200, serverFd: 7, skb: 0x100 + (k * 4));
        }

        NetPingPongTrace t = Extract(f.Without(": sys_"));
        Assert.Equal(NetExtractionMode.Packets, t.Mode);
        Assert.Equal((100, 200), (t.ClientPid, t.ServerPid));
        Assert.Equal(12, t.Trips.Count);
        Assert.All(t.Trips, trip => Assert.True(trip.Regular));
        Assert.All(t.Trips, trip => Assert.Equal(0, trip.Request!.SendNs));
    }

    [Fact]
    public void Extract_MissingEvents_RefusedWithTheListOfWhatIsMissing()
    {
        var f = new Snippet();
        for (int k = 0; k < 12; k++)
        {
            f.Exchange(client: 100, clientFd: 5, server: 200, serverFd: 7, skb: 0x100 + (k * 4));
        }

        string path = f.Without(": sys_").Without("sched_wakeup").Without("netif_receive_skb").Write(_dir);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => NetPingPongExtractor.Extract(path));
        Assert.Contains("no request/response found", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing events: net:netif_receive_skb, sched:sched_wakeup", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("net:net_dev_queue", ex.Message.Split("(with")[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_AllEventsButNoAnsweredSends_SaysWhyNothingMatched()
    {
        var f = new Snippet();
        f.Exchange(client: 100, clientFd: 5, server: 200, serverFd: 7, skb: 0x100);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => NetPingPongExtractor.Extract(f.Write(_dir)));
        Assert.Contains("no two tasks answered each other at least 10 times", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_CommittedRedisCapture_OneTcpFlowOnLoopback()
    {
        NetCalibration c = NetCalibration.FromFile(Path.Combine(Services, "redis-get-rr-loopback.trace.gz"));
        NetPingPongTrace t = c.Trace;
        Assert.Equal(NetExtractionMode.PingPong, t.Mode);
        Assert.Equal("loopback", t.Topology);
        Assert.InRange(t.Trips.Count, 3190, 3210); // rr-client: 200 warm-up and 3,000 timed requests
        Assert.True(c.RegularTrips >= 0.99 * t.Trips.Count, $"{c.RegularTrips} of {t.Trips.Count} regular");
        Assert.False(t.CrossCpu);
    }

    [Fact]
    public void Extract_CommittedRedisCaptureWithoutItsSyscalls_PacketModeFindsTheSameRequests()
    {
        string path = Path.Combine(Services, "redis-get-rr-loopback.trace.gz");
        List<NetEvent> all = NetTraceEvents.Read(path, out _);
        NetPingPongTrace withSyscalls = NetPingPongExtractor.Extract(all, path);
        List<NetEvent> packets = all.Where(e => e.Kind is not (NetEventKind.SendEnter or NetEventKind.SendExit or NetEventKind.RecvEnter or NetEventKind.RecvExit or NetEventKind.PollEnter or NetEventKind.PollExit or NetEventKind.Other)).ToList();
        NetPingPongTrace t = NetPingPongExtractor.Extract(packets, path);
        Assert.Equal(NetExtractionMode.Packets, t.Mode);
        Assert.InRange(t.Trips.Count, withSyscalls.Trips.Count - 10, withSyscalls.Trips.Count + 10);

        // transmit to switch-in is shorter than send entry to receive return, by the syscalls on both ends
        double Median(NetPingPongTrace x) => x.Trips.Select(r => (double)r.RttNs).Order().ElementAt(x.Trips.Count / 2);
        Assert.InRange(Median(t), 0.3 * Median(withSyscalls), Median(withSyscalls));
    }

    [Fact]
    public void Extract_CommittedRedisBenchmarkWithFourConnections_WalksTheFlowPerSocket()
    {
        // redis-benchmark -c 4: one client thread keeps four requests in flight on four sockets (epoll)
        string path = Path.Combine(Services, "redis-bench-c4-loopback.trace.gz");
        List<NetEvent> ev = NetTraceEvents.Read(path, out Dictionary<int, string> comms);
        int client = comms.Single(c => c.Value == "redis-benchmark").Key;
        Assert.Equal(4, ev.Where(e => e.Kind == NetEventKind.SendEnter && e.Pid == client).Select(e => e.Fd).Distinct().Count());

        NetPingPongTrace t = NetPingPongExtractor.Extract(ev, path);
        Assert.Equal(NetExtractionMode.Flows, t.Mode);
        Assert.Equal(client, t.ClientPid);
        Assert.InRange(t.Trips.Count, 1995, 2010); // -n 2000
        Assert.All(t.Trips, trip => Assert.True(trip.RttNs > 0));

        // with four in flight each request waits behind the others: its round trip is longer than one connection's
        NetPingPongTrace one = NetPingPongExtractor.Extract(Path.Combine(Services, "redis-get-rr-loopback.trace.gz"));
        static long Median(NetPingPongTrace x) => x.Trips.Select(r => r.RttNs).Order().ElementAt(x.Trips.Count / 2);
        Assert.True(Median(t) > 2 * Median(one), $"{Median(t)} vs {Median(one)} ns");
    }

    [Theory]
    [InlineData("veth")]
    [InlineData("veth-bridge")]
    public void Predict_CommittedRedisCapture_LongerPathIsSlowerAtTheMedian(string topology)
    {
        NetCalibration c = NetCalibration.FromFile(Path.Combine(Services, "redis-get-rr-loopback.trace.gz"));
        NetPrediction lo = NetWhatIf.Predict(c, new NetProposal { Topology = "loopback" });
        NetPrediction p = NetWhatIf.Predict(c, new NetProposal { Topology = topology });
        Assert.True(p.Latency.P50 > lo.Latency.P50, $"{topology} p50 {p.Latency.P50} vs loopback {lo.Latency.P50}");
        Assert.Equal(lo.Latency.Count, p.Latency.Count);
    }

    private NetPingPongTrace Extract(Snippet f) => NetPingPongExtractor.Extract(f.Write(_dir));

    /// <summary>ftrace text as tracefs prints it, 1 µs between events, everything on CPU 1 (pinned).</summary>
    private sealed class Snippet
    {
        private readonly List<string> _lines = [];
        private long _us = 5_000_000;

        public static long Us(int n) => n * 1000L;

        public void Exchange(int client, int clientFd, int server, int serverFd, int skb)
        {
            // request: the client writes, the softirq runs at bh enable and wakes the server; the receive also sends an ACK
            E(client, $"sys_write(fd: {clientFd}, buf: 0x1, count: 0x24)");
            Packet(client, skb, wake: server, ack: skb + 1);
            E(client, "sys_write -> 0x24");
            E(client, "sys_write(fd: 1, buf: 0x2, count: 0x10)"); // a terminal: no transmit
            E(client, "sys_write -> 0x10");
            E(client, "sys_epoll_wait(epfd: 3, events: 0x1, maxevents: 0x10, timeout: 0x64)");
            Switch(client, server);
            E(server, "sys_epoll_wait -> 0x1");
            E(server, $"sys_read(fd: {serverFd}, buf: 0x3, count: 0x4000)");
            E(server, "sys_read -> 0x24");
            E(server, $"sys_read(fd: {serverFd}, buf: 0x3, count: 0x4000)");
            E(server, "sys_read -> 0xfffffffffffffff5"); // EAGAIN
            E(server, $"sys_write(fd: {serverFd}, buf: 0x4, count: 5)");
            Packet(server, skb + 2, wake: client, ack: 0);
            E(server, "sys_write -> 0x5");
            E(server, "sys_epoll_wait(epfd: 6, events: 0x1, maxevents: 0x10, timeout: 0x64)");
            Switch(server, client);
            E(client, "sys_epoll_wait -> 0x1");
            E(client, $"sys_read(fd: {clientFd}, buf: 0x5, count: 0x4000)");
            E(client, "sys_read -> 0x5");
            _us += 50; // think time
        }

        // two requests in flight on fds 5 and 6 (server fds 7 and 8), answered in order
        public void TwoInFlight(int client, int server, int skb)
        {
            E(client, "sys_write(fd: 5, buf: 0x1, count: 0x24)");
            Packet(client, skb, wake: server, ack: 0);
            E(client, "sys_write -> 0x24");
            E(client, "sys_write(fd: 6, buf: 0x1, count: 0x24)");
            Packet(client, skb + 1, wake: 0, ack: 0); // the server is runnable already
            E(client, "sys_write -> 0x24");
            E(client, "sys_epoll_wait(epfd: 3, events: 0x1, maxevents: 0x10, timeout: 0x64)");
            Switch(client, server);
            E(server, "sys_epoll_wait -> 0x2");
            E(server, "sys_read(fd: 7, buf: 0x3, count: 0x4000)");
            E(server, "sys_read -> 0x24");
            E(server, "sys_write(fd: 7, buf: 0x4, count: 5)");
            Packet(server, skb + 2, wake: client, ack: 0);
            E(server, "sys_write -> 0x5");
            E(server, "sys_read(fd: 8, buf: 0x3, count: 0x4000)");
            E(server, "sys_read -> 0x24");
            E(server, "sys_write(fd: 8, buf: 0x4, count: 5)");
            Packet(server, skb + 3, wake: 0, ack: 0);
            E(server, "sys_write -> 0x5");
            E(server, "sys_epoll_wait(epfd: 6, events: 0x1, maxevents: 0x10, timeout: 0x64)");
            Switch(server, client);
            E(client, "sys_epoll_wait -> 0x2");
            E(client, "sys_read(fd: 5, buf: 0x5, count: 0x4000)");
            E(client, "sys_read -> 0x5");
            E(client, "sys_read(fd: 6, buf: 0x5, count: 0x4000)");
            E(client, "sys_read -> 0x5");
            _us += 50;
        }

        public Snippet Without(string text)
        {
            var s = new Snippet();
            s._lines.AddRange(_lines.Where(l => !l.Contains(text, StringComparison.Ordinal)));
            return s;
        }

        public string Write(string dir)
        {
            string path = Path.Combine(dir, $"snippet-{Guid.NewGuid():N}.trace");
            var b = new StringBuilder("# tracer: nop\n#\n");
            foreach (string l in _lines)
            {
                b.Append(l).Append('\n');
            }

            File.WriteAllText(path, b.ToString());
            return path;
        }

        private void Packet(int pid, int skb, int wake, int ack)
        {
            string a = skb.ToString("x16", CultureInfo.InvariantCulture);
            E(pid, $"net_dev_queue: dev=lo skbaddr={a} len=102", "b....");
            E(pid, "softirq_raise: vec=3 [action=NET_RX]", "D..1.");
            E(pid, "softirq_entry: vec=3 [action=NET_RX]", "..s1.");
            E(pid, $"netif_receive_skb: dev=lo skbaddr={a} len=88", "..s1.");
            if (wake > 0)
            {
                E(pid, $"sched_wakeup: comm=t{wake} pid={wake} prio=120 target_cpu=001", "dNs8.");
            }

            int work = 1;
            if (ack > 0)
            {
                string k = ack.ToString("x16", CultureInfo.InvariantCulture);
                E(pid, $"net_dev_queue: dev=lo skbaddr={k} len=66", "b.s1.");
                E(pid, $"netif_receive_skb: dev=lo skbaddr={k} len=52", "..s1.");
                work = 2;
            }

            E(pid, $"napi_poll: napi poll on napi struct 00000000c63ee68e for device (no_device) work {work} budget 64", ".Ns1.");
            E(pid, "softirq_exit: vec=3 [action=NET_RX]", ".Ns1.");
        }

        private void Switch(int from, int to) =>
            E(from, $"sched_switch: prev_comm=t{from} prev_pid={from} prev_prio=120 prev_state=S ==> next_comm=t{to} next_pid={to} next_prio=120", "d..2.");

        private void E(int pid, string text, string flags = ".....")
        {
            _us++;
            _lines.Add(string.Create(CultureInfo.InvariantCulture, $"{"t" + pid,16}-{pid,-7} [001] {flags} {_us / 1_000_000}.{_us % 1_000_000:D6}: {text}"));
        }
    }
}
