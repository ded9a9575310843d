namespace KernelSim.Models.Net;

/// <summary>Costs of the non-network part of a UDP ping-pong on one CPU (both tasks pinned to it).</summary>
public sealed record PingPongCosts
{
    /// <summary>Return from the send syscall after the synchronous softirq (the woken peer waits for it: the switch happens at syscall exit).</summary>
    public long SendReturnNs { get; init; } = 1_000;

    /// <summary>From the switch to the woken task to its recvfrom returning (sched_switch, recvfrom exit).</summary>
    public long WakeupNs { get; init; } = 3_000;

    /// <summary>Server's work between receiving a request and sending the reply.</summary>
    public long TurnaroundNs { get; init; } = 1_000;

    /// <summary>
    /// Extra wait of a task woken from the other CPU (an RPS target delivered the packet): the wakeup IPI to this,
    /// by then idle, CPU and its idle exit (kernel/sched/core.c ttwu_queue_wakelist), ns.
    /// </summary>
    public long CrossCpuWakeNs { get; init; } = 20_000;
}

/// <summary>Round-trip times of a paced request/response on one CPU, optionally with a background flow on the same CPU.</summary>
/// <param name="RttNs">Round-trip time per completed request (client send to client receive), in request order.</param>
/// <param name="Lost">Requests or replies dropped.</param>
/// <param name="Rx">The receive-path outcome (all packets: requests, replies, background).</param>
public sealed record PingPongResult(IReadOnlyList<long> RttNs, int Lost, NetRxResult Rx)
{
    /// <summary>net_rx_action passes (counted even when the per-pass records were not kept).</summary>
    public long PassCount { get; init; }

    /// <summary>napi_poll calls (counted even when the per-poll records were not kept).</summary>
    public long PollCount { get; init; }

    /// <summary>Packets taken by all napi_poll calls.</summary>
    public long PollWork { get; init; }
}

/// <summary>
/// A closed-loop UDP ping-pong (sockperf ping-pong, both ends pinned to one CPU) over a topology: the client sends,
/// the reply path runs in the same CPU's softirqs, the server is woken, turns around and replies the same way.
/// The background flow's packets are sent by another task on the CPU, interleaved in time order.
/// </summary>
public static class NetPingPong
{
    /// <summary>Runs <paramref name="requests"/> round trips paced every <paramref name="intervalNs"/>.</summary>
    /// <param name="sim">The receive-path simulation (config, topology, stage costs); replies take the same chain back.</param>
    /// <param name="costs">Ping-pong costs outside the network path.</param>
    /// <param name="requests">Number of requests.</param>
    /// <param name="intervalNs">Pacing interval of the client (a late round trip delays the next send).</param>
    /// <param name="backgroundPps">Background packets per second on the same CPU and path (0 for none), evenly spaced.</param>
    /// <param name="record">Keep every net_rx_action pass and napi_poll in <see cref="PingPongResult.Rx"/> (false: counters only, faster).</param>
    public static PingPongResult Run(NetRxSimulation sim, PingPongCosts costs, int requests, long intervalNs, long backgroundPps = 0, bool record = true)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentOutOfRangeException.ThrowIfNegative(requests);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalNs);
        ArgumentOutOfRangeException.ThrowIfNegative(backgroundPps);
        NetRxCpu cpu = sim.NewCpu(record);
        long bgGap = backgroundPps > 0 ? Math.Max(1, 1_000_000_000L / backgroundPps) : long.MaxValue;
        long nextBg = backgroundPps > 0 ? 0 : long.MaxValue;
        var rtts = new List<long>(requests);
        int lost = 0;
        long nextRequest = 0;

        void BackgroundUntil(long t)
        {
            while (nextBg <= t)
            {
                cpu.Transmit(new NetSend(nextBg, Measured: false));
                nextBg += bgGap;
            }
        }

        for (int k = 0; k < requests; k++)
        {
            BackgroundUntil(nextRequest);
            long start = Math.Max(nextRequest, cpu.Now);
            int req = cpu.Transmit(new NetSend(start));
            long d1 = cpu.DrainUntilDelivered(req);
            cpu.Occupy(cpu.Now, costs.SendReturnNs);
            if (d1 < 0)
            {
                lost++;
                nextRequest = start + intervalNs;
                continue;
            }

            // server: woken by the delivery, runs once the client's syscall has returned (same CPU)
            d1 += cpu.DeliveredRemotely(req) ? costs.CrossCpuWakeNs : 0;
            BackgroundUntil(Math.Max(d1, cpu.Now));
            long serverSend = cpu.Occupy(Math.Max(d1, cpu.Now), costs.WakeupNs + costs.TurnaroundNs);
            int rep = cpu.Transmit(new NetSend(serverSend));
            long d2 = cpu.DrainUntilDelivered(rep);
            cpu.Occupy(cpu.Now, costs.SendReturnNs);
            if (d2 < 0)
            {
                lost++;
                nextRequest = start + intervalNs;
                continue;
            }

            d2 += cpu.DeliveredRemotely(rep) ? costs.CrossCpuWakeNs : 0;
            BackgroundUntil(Math.Max(d2, cpu.Now));
            long end = cpu.Occupy(Math.Max(d2, cpu.Now), costs.WakeupNs);
            rtts.Add(end - start);
            nextRequest = start + intervalNs;
        }

        cpu.Drain();
        return new PingPongResult(rtts, lost, cpu.Result()) { PassCount = cpu.PassCount, PollCount = cpu.PollCount, PollWork = cpu.PollWork };
    }

    /// <summary>
    /// Replays captured round trips: round trip <c>k</c> starts at <c>k * intervalNs</c> (or when the CPU is free) and
    /// takes its own stage costs through the receive-path model; the background flow (if any) interleaves on the same
    /// CPU and path, and <paramref name="contention"/> (if any) makes each woken task wait for the CPU as the fair
    /// scheduler would behind CPU-bound tasks.
    /// </summary>
    /// <param name="sim">The receive-path simulation (its topology must have as many hops as the trips' costs).</param>
    /// <param name="trips">Round trips in order.</param>
    /// <param name="intervalNs">Pacing interval of the client.</param>
    /// <param name="backgroundPps">Background packets per second on the same CPU and path (0 for none), evenly spaced.</param>
    /// <param name="contention">CPU-bound tasks sharing the CPU under the fair scheduler, or null.</param>
    /// <param name="record">Keep every net_rx_action pass and napi_poll in the result (false: counters only).</param>
    /// <param name="crossCpuWakeNs">Extra wait of a task woken by a delivery on the other CPU (RPS), see <see cref="PingPongCosts.CrossCpuWakeNs"/>.</param>
    internal static PingPongResult Replay(NetRxSimulation sim, IReadOnlyList<NetRoundTrip> trips, long intervalNs, long backgroundPps = 0, ICpuContention? contention = null, bool record = true, long crossCpuWakeNs = 0)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(trips);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalNs);
        ArgumentOutOfRangeException.ThrowIfNegative(backgroundPps);
        NetRxCpu cpu = sim.NewCpu(record);
        long bgGap = backgroundPps > 0 ? Math.Max(1, 1_000_000_000L / backgroundPps) : long.MaxValue;
        long nextBg = backgroundPps > 0 ? 0 : long.MaxValue;
        var rtts = new List<long>(trips.Count);
        int lost = 0;

        void BackgroundUntil(long t)
        {
            while (nextBg <= t)
            {
                cpu.Transmit(new NetSend(nextBg, Measured: false));
                nextBg += bgGap;
            }
        }

        for (int k = 0; k < trips.Count; k++)
        {
            NetRoundTrip trip = trips[k];
            long due = k * intervalNs;
            BackgroundUntil(due);
            long start = Math.Max(due, cpu.Now);
            if (contention is not null)
            {
                // the client sends when it holds the CPU (sockperf takes its timestamp just before sendto)
                start = contention.ClientRunsAt(start, due);
                cpu.Occupy(start, 0);
            }

            int req = cpu.Transmit(new NetSend(start), trip.Request);
            long d1 = cpu.DrainUntilDelivered(req);
            long t1 = cpu.Occupy(cpu.Now, trip.RequestReturnNs);
            if (d1 < 0)
            {
                lost++;
                continue;
            }

            // server: woken by the delivery, runs once the client's syscall has returned (same CPU); a delivery on the
            // RPS target wakes it from there, across CPUs
            d1 += cpu.DeliveredRemotely(req) ? crossCpuWakeNs : 0;
            long serverRuns = Math.Max(d1, t1);
            if (contention is not null)
            {
                serverRuns = contention.Wakeup(FairShareContention.Server, d1, t1);
                cpu.Occupy(serverRuns, 0);
            }

            BackgroundUntil(serverRuns);
            long serverSend = cpu.Occupy(Math.Max(serverRuns, cpu.Now), trip.ServerWakeNs + trip.TurnaroundNs);
            int rep = cpu.Transmit(new NetSend(serverSend), trip.Reply);
            long d2 = cpu.DrainUntilDelivered(rep);
            long t2 = cpu.Occupy(cpu.Now, trip.ReplyReturnNs);
            if (d2 < 0)
            {
                lost++;
                continue;
            }

            d2 += cpu.DeliveredRemotely(rep) ? crossCpuWakeNs : 0;
            long clientRuns = Math.Max(d2, t2);
            if (contention is not null)
            {
                clientRuns = contention.ServerSleepsClientWaits(d2, t2);
                cpu.Occupy(clientRuns, 0);
            }

            BackgroundUntil(clientRuns);
            long end = cpu.Occupy(Math.Max(clientRuns, cpu.Now), trip.ClientWakeNs + Math.Max(0, trip.ResidualNs));
            contention?.Ran(end);
            rtts.Add(Math.Max(0, end - start + Math.Min(0, trip.ResidualNs)));
        }

        cpu.Drain();
        return new PingPongResult(rtts, lost, cpu.Result()) { PassCount = cpu.PassCount, PollCount = cpu.PollCount, PollWork = cpu.PollWork };
    }
}
