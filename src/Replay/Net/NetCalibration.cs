using System.Globalization;
using System.Text.RegularExpressions;
using KernelSim.Models.Net;
using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Net;

/// <summary>Mean stage costs of a capture's regular round trips (ns, net of tracing when calibrated so).</summary>
/// <param name="SendNs">Send syscall entry to the first transmit (both directions).</param>
/// <param name="Xmit0Ns">First hop's transmit in process context, through local_bh_enable.</param>
/// <param name="EntryNs">softirq_entry to the first receive.</param>
/// <param name="ReceiveLastNs">Last hop's receive: IP/UDP delivery and the wakeup.</param>
/// <param name="BridgeForwardNs">A middle hop's receive: the bridge's forward decision (0 if the capture has none).</param>
/// <param name="BridgeXmitNs">A middle hop's transmit from inside the softirq to the next receive (0 if none).</param>
/// <param name="RequestReturnNs">Request: napi_poll to the client's sendto return.</param>
/// <param name="ServerWakeNs">Client's sendto return to the server's recvfrom return.</param>
/// <param name="TurnaroundNs">Server user time.</param>
/// <param name="ReplyReturnNs">Reply: napi_poll to the server's sendto return.</param>
/// <param name="ClientWakeNs">Server's sendto return to the client's recvfrom return.</param>
internal sealed record NetStageMeans(
    long SendNs,
    long Xmit0Ns,
    long EntryNs,
    long ReceiveLastNs,
    long BridgeForwardNs,
    long BridgeXmitNs,
    long RequestReturnNs,
    long ServerWakeNs,
    long TurnaroundNs,
    long ReplyReturnNs,
    long ClientWakeNs)
{
    /// <summary>The idle round trip these means add up to, for a chain of <paramref name="hops"/> hops.</summary>
    public long RoundTripNs(int hops) =>
        (2 * (SendNs + Xmit0Ns + EntryNs + ReceiveLastNs + ((hops - 1) * (BridgeForwardNs + BridgeXmitNs))))
        + RequestReturnNs + ServerWakeNs + TurnaroundNs + ReplyReturnNs + ClientWakeNs;
}

/// <summary>
/// Per-packet costs calibrated from a net capture: every round trip keeps its own stage costs (net of the tracing
/// overhead: traced events in the stage times <see cref="OverheadPerEventNs"/>), the way the write path keeps each
/// write's own captured cost; round trips that did not follow the pinned pattern take the stage means and keep their
/// total as a residual.
/// </summary>
internal sealed record NetCalibration
{
    /// <summary>
    /// Tracing overhead per traced event on the path, ns: least squares through the origin of (traced sockperf p50 −
    /// untraced p50) against traced events per round trip, over the three pinned 64 B captures and their untraced
    /// ground truth (loopback 32, veth 32, veth-bridge 46 events per round trip; over the eight untraced runs of each -
    /// three of 3 s, five of 10 s - the fit is 275.8 ns, each pair alone gives 284, 285 and 267 ns; over the first three
    /// alone it was 249 ns). Recomputed from the committed files by
    /// NetCalibrationTests.DefaultOverhead_IsTheFitOfTheCommittedPairs; the write path measured ~280 ns per event.
    /// </summary>
    public const long DefaultOverheadPerEventNs = 276;

    /// <summary>sockperf's own time inside its round trip but outside the two syscalls, when the capture has no sockperf report.</summary>
    public const long DefaultClientUserNs = 600;

    public required NetPingPongTrace Trace { get; init; }

    public required long OverheadPerEventNs { get; init; }

    /// <summary>
    /// Whether the capture's manifest records its host (host_facts, ksim-capture since issue 14). Such a capture keeps
    /// its own silent vCPU stalls in a prediction; the others (the lab VM's committed captures) take the pooled lab
    /// stall process instead (<see cref="NetWhatIf"/>, NetLabHops.VmStallsPerSecond).
    /// </summary>
    public bool RecordsItsHost { get; init; }

    /// <summary>Where <see cref="OverheadPerEventNs"/> came from (the default, the capture's manifest, or the caller).</summary>
    public string OverheadSource { get; init; } = "given";

    /// <summary>The client's own time inside its measured round trip outside sendto/recvfrom (sockperf report mean minus the traced syscall-to-syscall mean).</summary>
    public required long ClientUserNs { get; init; }

    /// <summary>Where <see cref="ClientUserNs"/> came from.</summary>
    public required string ClientUserSource { get; init; }

    /// <summary>Message size the capture was made with (sockperf -m), bytes.</summary>
    public required int MessageBytes { get; init; }

    /// <summary>The receive-path sysctls and HZ the capture ran with (manifest; kernel defaults where it has none).</summary>
    public NetRxConfig CapturedConfig { get; init; } = new();

    /// <summary>Online CPUs of the capture's host (manifest; 2 if unknown).</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>What reading the capture met besides its events (malformed lines skipped, lost events, truncation); null when not calibrated from a file.</summary>
    public TraceDiagnostics? Reader { get; init; }

    /// <summary>Per round trip, in order (stages net of tracing).</summary>
    public required IReadOnlyList<NetRoundTrip> Trips { get; init; }

    /// <summary>Mean stages over the regular round trips (net of tracing).</summary>
    public required NetStageMeans Means { get; init; }

    /// <summary>Mean stages as traced (not netted).</summary>
    public required NetStageMeans TracedMeans { get; init; }

    /// <summary>Round trips whose stages were split (the rest take the means).</summary>
    public required int RegularTrips { get; init; }

    /// <summary>Mean traced events per round trip.</summary>
    public required double EventsPerTrip { get; init; }

    /// <summary>Round trip <paramref name="i"/>'s calibrated stages added up (with its residual), ns.</summary>
    public long TripTotalNs(int i) => NetWhatIf.TotalNs(Trips[i], Means.EntryNs);

    /// <summary>
    /// Calibrates from a capture file (its sockperf report and manifest beside it, when present), read leniently. With
    /// the default overhead, a manifest that carries this host's own (host.net_tracing_overhead, net-overhead-probe)
    /// replaces it.
    /// </summary>
    public static NetCalibration FromFile(string tracePath, long overheadPerEventNs = DefaultOverheadPerEventNs) =>
        FromFile(tracePath, overheadPerEventNs, TraceReaderOptions.Default with { Lenient = true });

    /// <summary>Calibrates from a capture file read with <paramref name="options"/> (strict: the first malformed line throws).</summary>
    /// <exception cref="TraceFormatException">A malformed line in strict mode.</exception>
    internal static NetCalibration FromFile(string tracePath, long overheadPerEventNs, TraceReaderOptions options)
    {
        List<NetEvent> events = NetTraceEvents.Read(tracePath, options, out _, out TraceDiagnostics reader);
        NetPingPongTrace t = NetPingPongExtractor.Extract(events, tracePath);
        string basePath = CaptureManifest.CaptureBase(tracePath);
        int msg = 64;
        var config = new NetRxConfig();
        int cpus = 2;
        bool recordsHost = false;
        string overheadSource = overheadPerEventNs == DefaultOverheadPerEventNs ? "default: fitted on the lab VM's pinned sockperf pairs" : "given";
        using (CaptureManifest? m = CaptureManifest.TryLoadFor(tracePath))
        {
            if (m is not null && overheadPerEventNs == DefaultOverheadPerEventNs && m.GetInt64("host.net_tracing_overhead.ns_per_event") is long probed and > 0 and < 10_000)
            {
                // this host's own cost, measured by traces/capture/net-overhead-probe next to the capture
                overheadPerEventNs = probed;
                overheadSource = "manifest: host.net_tracing_overhead (net-overhead-probe on the capture's host)";
            }

            recordsHost = m?.Document.RootElement.TryGetProperty("host_facts", out System.Text.Json.JsonElement facts) == true && facts.ValueKind == System.Text.Json.JsonValueKind.Object;
            if (m is not null)
            {
                int Get(string key, int fallback) => m.GetInt64(key) is long v and > 0 and < int.MaxValue ? (int)v : fallback;
                config = new NetRxConfig
                {
                    NetdevBudget = Get("sysctl.net.core.netdev_budget", config.NetdevBudget),
                    NetdevBudgetUsecs = Get("sysctl.net.core.netdev_budget_usecs", config.NetdevBudgetUsecs),
                    DevWeight = Get("sysctl.net.core.dev_weight", config.DevWeight),
                    NetdevMaxBacklog = Get("sysctl.net.core.netdev_max_backlog", config.NetdevMaxBacklog),
                    Hz = m.Hz ?? config.Hz,
                };
                cpus = Get("host.cpus", cpus);
            }

            if (m?.Document.RootElement.TryGetProperty("command", out System.Text.Json.JsonElement cmd) == true && cmd.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                string? prev = null;
                foreach (System.Text.Json.JsonElement a in cmd.EnumerateArray())
                {
                    string? s = a.GetString();
                    if (prev is "-m" or "--msg-size" && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                    {
                        msg = v;
                    }

                    prev = s;
                }
            }
        }

        // sockperf's per-message log (CLOCK_MONOTONIC, the capture's trace clock): keep the round trips of its measured
        // window (not the warm-up) and learn its own time around the two syscalls, message by message
        List<(long Tx, long Rx)>? log = SockperfReport.TryReadFullLog(basePath + ".sockperf-full.csv");
        long? userNs = null;
        string userSource = "default (no sockperf log beside the trace)";
        if (log is { Count: > 0 })
        {
            long lo = log[0].Tx, hi = log[^1].Rx;
            var kept = new List<NetTripStages>();
            double diff = 0;
            int matched = 0, k = 0;
            foreach (NetTripStages trip in t.Trips)
            {
                if (trip.StartNs < lo - 2_000 || trip.StartNs > hi)
                {
                    continue;
                }

                kept.Add(trip);
                while (k + 1 < log.Count && log[k + 1].Tx <= trip.StartNs + 2_000)
                {
                    k++;
                }

                long d = trip.StartNs - log[k].Tx;
                if (d is >= -2_000 and <= 2_000)
                {
                    diff += (log[k].Rx - log[k].Tx) - trip.RttNs;
                    matched++;
                }
            }

            if (kept.Count > 0)
            {
                t = t.WithTrips(kept);
            }

            if (matched > 0)
            {
                userNs = Math.Max(0, (long)Math.Round(diff / matched));
                userSource = string.Create(CultureInfo.InvariantCulture, $"sockperf log: its round trip minus the traced sendto-to-recvfrom one, mean of {matched} messages");
            }
        }

        if (userNs is null && t.Mode == NetExtractionMode.Packets)
        {
            // packet mode: the round trip ends at the client's switch-in, before any user time of the client
            userNs = 0;
            userSource = "0: packet mode (no syscalls in the capture; the round trip runs from the request's first transmit to the client's switch-in)";
        }

        NetCalibration c = Calibrate(t, overheadPerEventNs, userNs ?? DefaultClientUserNs, msg);
        return c with { ClientUserSource = userSource, CapturedConfig = config, Cpus = cpus, Reader = reader, OverheadSource = overheadSource, RecordsItsHost = recordsHost };
    }

    /// <summary>Calibrates from an extracted ping-pong.</summary>
    /// <param name="t">The ping-pong.</param>
    /// <param name="overheadPerEventNs">Tracing overhead per event (0: keep traced costs).</param>
    /// <param name="clientUserNs">The client's own time inside its measured round trip, outside the syscalls.</param>
    /// <param name="messageBytes">Message size.</param>
    public static NetCalibration Calibrate(NetPingPongTrace t, long overheadPerEventNs, long clientUserNs, int messageBytes)
    {
        int hops = t.Hops;
        NetStageMeans traced = StageMeans(t, 0);
        NetStageMeans netted = StageMeans(t, overheadPerEventNs);
        var trips = new List<NetRoundTrip>(t.Trips.Count);
        int regular = 0;
        double events = 0;
        foreach (NetTripStages s in t.Trips)
        {
            events += s.Events;
            long rttNetted = s.RttNs - (overheadPerEventNs * s.Events);
            if (s.Request is { } rq && s.Reply is { } rp && rq.CrossCpu == t.CrossCpu && rp.CrossCpu == t.CrossCpu)
            {
                regular++;
                long deficit = 0;
                NetPacketCosts req = Packet(rq, netted, overheadPerEventNs, ref deficit);
                NetPacketCosts rep = Packet(rp, netted, overheadPerEventNs, ref deficit);
                trips.Add(new NetRoundTrip(
                    req,
                    rep,
                    Net(rq.ReturnNs, rq.ReturnEvents, overheadPerEventNs, ref deficit),
                    Net(rq.WakeNs, rq.WakeEvents, overheadPerEventNs, ref deficit),
                    Net(s.TurnaroundNs, s.TurnaroundEvents, overheadPerEventNs, ref deficit),
                    Net(rp.ReturnNs, rp.ReturnEvents, overheadPerEventNs, ref deficit),
                    Net(rp.WakeNs, rp.WakeEvents, overheadPerEventNs, ref deficit),
                    deficit));
            }
            else
            {
                NetRoundTrip m = FromMeans(netted, hops);
                long residual = rttNetted - netted.RoundTripNs(hops);
                trips.Add(m with { ResidualNs = residual });
            }
        }

        return new NetCalibration
        {
            Trace = t,
            OverheadPerEventNs = overheadPerEventNs,
            ClientUserNs = clientUserNs,
            ClientUserSource = "given",
            MessageBytes = messageBytes,
            Trips = trips,
            Means = netted,
            TracedMeans = traced,
            RegularTrips = regular,
            EventsPerTrip = t.Trips.Count == 0 ? 0 : events / t.Trips.Count,
        };
    }

    /// <summary>A round trip made of the stage means.</summary>
    internal static NetRoundTrip FromMeans(NetStageMeans m, int hops)
    {
        NetPacketCosts P()
        {
            var x = new long[hops];
            var r = new long[hops];
            x[0] = m.Xmit0Ns;
            for (int h = 0; h < hops; h++)
            {
                if (h > 0)
                {
                    x[h] = m.BridgeXmitNs;
                }

                r[h] = h + 1 < hops ? m.BridgeForwardNs : m.ReceiveLastNs;
            }

            return new NetPacketCosts(m.SendNs, x, r);
        }

        return new NetRoundTrip(P(), P(), m.RequestReturnNs, m.ServerWakeNs, m.TurnaroundNs, m.ReplyReturnNs, m.ClientWakeNs, 0);
    }

    // The softirq entry has one cost per pass in the model (the mean); each packet's own deviation from it rides on
    // its first hop's transmit, so the packet's total stays what was measured.
    private static NetPacketCosts Packet(NetDirectionStages d, NetStageMeans means, long o, ref long deficit)
    {
        int hops = d.XmitNs.Length;
        var x = new long[hops];
        var r = new long[hops];
        long entry = d.EntryNs - (o * d.EntryEvents);
        for (int h = 0; h < hops; h++)
        {
            x[h] = Net(d.XmitNs[h] + (h == 0 ? entry - means.EntryNs : 0), d.XmitEvents[h], o, ref deficit);
            r[h] = Net(d.ReceiveNs[h], d.ReceiveEvents[h], o, ref deficit);
        }

        return new NetPacketCosts(Net(d.SendNs, d.SendEvents, o, ref deficit), x, r);
    }

    // A stage net of its events' tracing cost; what would go negative (µs timestamps) is carried as a deficit.
    private static long Net(long ns, int events, long o, ref long deficit)
    {
        long v = ns - (o * events);
        if (v < 0)
        {
            deficit += v;
            return 0;
        }

        return v;
    }

    private static NetStageMeans StageMeans(NetPingPongTrace t, long o)
    {
        double send = 0, x0 = 0, entry = 0, recvLast = 0, bf = 0, bx = 0, rqRet = 0, srvWake = 0, turn = 0, rpRet = 0, cliWake = 0;
        int n = 0, mid = 0;
        foreach (NetTripStages s in t.Trips)
        {
            if (s.Request is not { } rq || s.Reply is not { } rp || rq.CrossCpu != t.CrossCpu || rp.CrossCpu != t.CrossCpu)
            {
                continue;
            }

            n++;
            int hops = rq.XmitNs.Length;
            foreach (NetDirectionStages d in (ReadOnlySpan<NetDirectionStages>)[rq, rp])
            {
                send += (d.SendNs - (o * d.SendEvents)) / 2.0;
                x0 += (d.XmitNs[0] - (o * d.XmitEvents[0])) / 2.0;
                entry += (d.EntryNs - (o * d.EntryEvents)) / 2.0;
                recvLast += (d.ReceiveNs[hops - 1] - (o * d.ReceiveEvents[hops - 1])) / 2.0;
                for (int h = 0; h + 1 < hops; h++)
                {
                    bf += d.ReceiveNs[h] - (o * d.ReceiveEvents[h]);
                    bx += d.XmitNs[h + 1] - (o * d.XmitEvents[h + 1]);
                    mid++;
                }
            }

            rqRet += rq.ReturnNs - (o * rq.ReturnEvents);
            srvWake += rq.WakeNs - (o * rq.WakeEvents);
            turn += s.TurnaroundNs - (o * s.TurnaroundEvents);
            rpRet += rp.ReturnNs - (o * rp.ReturnEvents);
            cliWake += rp.WakeNs - (o * rp.WakeEvents);
        }

        if (n == 0)
        {
            throw new InvalidDataException($"{t.Source}: no round trip could be split into stages; cannot calibrate");
        }

        long M(double v, int count) => count == 0 ? 0 : Math.Max(0, (long)Math.Round(v / count));
        return new NetStageMeans(M(send, n), M(x0, n), M(entry, n), M(recvLast, n), M(bf, mid), M(bx, mid), M(rqRet, n), M(srvWake, n), M(turn, n), M(rpRet, n), M(cliWake, n));
    }
}

/// <summary>Reads the figures of a sockperf client report (round trip when run with --full-rtt).</summary>
internal static partial class SockperfReport
{
    /// <summary>The avg-rtt / avg-latency of the report in ns, or null.</summary>
    public static long? TryReadMeanNs(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            Match m = AvgRegex().Match(line);
            if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double us))
            {
                return (long)Math.Round(us * 1000);
            }
        }

        return null;
    }

    /// <summary>A percentile line ("percentile 50.000 = 19.810") or the max, in ns, or null.</summary>
    public static long? TryReadPercentileNs(string path, string percentile)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            int i = line.IndexOf("percentile " + percentile + " =", StringComparison.Ordinal);
            if (i >= 0 && double.TryParse(line[(line.IndexOf('=', i) + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double us))
            {
                return (long)Math.Round(us * 1000);
            }
        }

        return null;
    }

    /// <summary>The (txTime, rxTime) rows of a sockperf --full-log CSV (gzip-compressed if it ends in .gz), ns, or null.</summary>
    public static List<(long Tx, long Rx)>? TryReadFullLog(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var rows = new List<(long, long)>();
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            string[] f = line.Split(',');
            if (f.Length >= 3 && int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                && decimal.TryParse(f[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal tx)
                && decimal.TryParse(f[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal rx))
            {
                rows.Add(((long)(tx * 1_000_000_000m), (long)(rx * 1_000_000_000m)));
            }
        }

        return rows;
    }

    [GeneratedRegex(@"avg-(?:rtt|latency)=([0-9.]+)")]
    private static partial Regex AvgRegex();
}
