using System.Globalization;
using KernelSim.Models.Net;
using KernelSim.Replay.Net;

namespace KernelSim.Replay.Check;

/// <summary>
/// Conformance of the receive-path model with a net capture: the captured ping-pong's round trips, each with its own
/// traced stage costs (tracing overhead left in, since the comparison is with the traced run), replayed through the
/// model under the topology and sysctls the capture was made with. Compared with what the kernel recorded: the
/// round-trip distribution (p50 and p99 within 15%), every napi_poll's (work, budget), the number of NET_RX softirqs
/// and how many ran in ksoftirqd.
/// </summary>
/// <remarks>
/// The round trips are replayed from their own stage costs, so the latency comparison checks the model's structure
/// (the sender runs its own NET_RX softirq, later hops are transmitted inside it, the woken peer runs at the sender's
/// syscall exit) rather than predicting: a model that put the softirq in ksoftirqd, added a poll per hop or a wakeup
/// per packet would miss. Predictions are checked against untraced measurements by <c>ksim validate</c>. A capture whose
/// client and server ran on different CPUs (unpinned) is replayed with the cross-CPU critical path (the last receive
/// runs to the peer's recvfrom return on its CPU: IPI, idle exit, switch).
/// </remarks>
public static class NetCheck
{
    /// <summary>Relative tolerance on the round-trip percentiles.</summary>
    public const double LatencyTolerance = 0.15;

    /// <summary>Relative tolerance on napi_poll and softirq counts (a round trip that did not follow the pattern replays as the usual one).</summary>
    public const double CountTolerance = 0.01;

    /// <summary>Runs the check on a capture.</summary>
    /// <param name="tracePath">A net capture of a pinned UDP ping-pong.</param>
    /// <returns>The result, key "net".</returns>
    /// <exception cref="InvalidDataException">The trace holds no usable ping-pong.</exception>
    public static ModelCheckResult Run(string tracePath)
    {
        ArgumentNullException.ThrowIfNull(tracePath);
        NetCalibration cal = NetCalibration.FromFile(tracePath, overheadPerEventNs: 0);
        (NetPrediction p, PingPongResult run) = NetWhatIf.Replay(cal, new NetProposal(), addClientUser: false, record: true);
        var check = new FigureComparison();
        SortedDictionary<string, double> figures = check.Figures;
        List<string> mismatches = check.Mismatches;

        var traced = new long[cal.Trace.Trips.Count];
        for (int i = 0; i < traced.Length; i++)
        {
            traced[i] = cal.Trace.Trips[i].RttNs;
        }

        var recorded = KernelSim.Statistics.LatencyDistribution.FromNanoseconds(traced);
        figures["round_trips"] = traced.Length;
        figures["round_trips_regular"] = cal.RegularTrips;
        figures["hops"] = cal.Trace.Hops;
        check.Compare("rtt_p50_us", recorded.P50.TotalNanoseconds / 1000.0, p.Latency.P50.TotalNanoseconds / 1000.0, LatencyTolerance, "µs");
        check.Compare("rtt_p99_us", recorded.P99.TotalNanoseconds / 1000.0, p.Latency.P99.TotalNanoseconds / 1000.0, LatencyTolerance, "µs");
        check.Compare("net_rx_softirqs", cal.Trace.NetRxSoftirqs, p.NetRxPasses, CountTolerance, "");
        long modelKsoftirqd = 0;
        foreach (NetRxPass pass in run.Rx.Passes)
        {
            modelKsoftirqd += pass.InKsoftirqd ? 1 : 0;
        }

        check.Compare("net_rx_in_ksoftirqd", cal.Trace.NetRxInKsoftirqd, modelKsoftirqd, CountTolerance, "");
        var modelPolls = new SortedDictionary<(int Work, int Budget), int>();
        foreach (NapiPollRecord poll in run.Rx.Polls)
        {
            modelPolls[(poll.Work, poll.Budget)] = modelPolls.GetValueOrDefault((poll.Work, poll.Budget)) + 1;
        }

        var keys = new SortedSet<(int Work, int Budget)>(modelPolls.Keys);
        keys.UnionWith(cal.Trace.NapiPolls.Keys);
        foreach ((int work, int budget) in keys)
        {
            check.Compare(
                string.Create(CultureInfo.InvariantCulture, $"napi_poll_work{work}_budget{budget}"),
                cal.Trace.NapiPolls.GetValueOrDefault((work, budget)),
                modelPolls.GetValueOrDefault((work, budget)),
                CountTolerance,
                "polls");
        }

        if (cal.RegularTrips * 2 < traced.Length)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                $"only {cal.RegularTrips} of {traced.Length} round trips could be split into stages (pinned together, or each task on its own idle CPU): the others were replayed from their totals"));
        }

        return check.Result("net");
    }
}
