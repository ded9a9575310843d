using KernelSim.Replay.Net;

namespace KernelSim.Replay.Tests.Net;

/// <summary>
/// Counts of the flood-sched classes: late sends by class, the long waits pooled (ventiles, ns), and on-time sends per
/// state (after return, after wait, spinning) with their long waits' counts and ventiles.
/// </summary>
internal sealed record FloodOutcomes(int One, int Two, int LateImmediate, int Late, int LateLong, long[] WaitVentilesNs, int[] OnTime, int[] OnTimeLong, long[][] OnTimeWaitVentilesNs);

/// <summary>
/// Recomputes the lab constants of <see cref="NetLabHops"/> from the committed captures (traces/net-*-udp64-pinned,
/// traces/net-variants): lab lookups by capture file name that only the tests need, kept out of the shipped library.
/// </summary>
internal static class NetLabMeasurements
{
    /// <summary>
    /// Recomputes the flood's scheduling outcomes from the per-round-trip classes in <paramref name="floodSchedDir"/>
    /// (flood-sched-*.csv written by flood-sched-sequences: index, rtt_us, class 0/1/2/long, late 0/1; null if there
    /// are none): the late sends by class; the on-time sends by the round trip before (late: after return; long: after
    /// wait; else spinning; the first of a capture is not counted) with their long waits; each wait being the round trip
    /// less the median of its capture's class-0 round trips, rounded to the µs, summarised as ventiles (0, 5 ... 100%).
    /// </summary>
    internal static FloodOutcomes? MeasureFloodOutcomes(string floodSchedDir)
    {
        if (!Directory.Exists(floodSchedDir))
        {
            return null;
        }

        int one = 0, two = 0, lateImmediate = 0, late = 0, lateLong = 0;
        var all = new List<long>();
        var onTime = new int[3];
        var waits = new[] { new List<long>(), new List<long>(), new List<long>() };
        string[] files = Directory.GetFiles(floodSchedDir, "flood-sched-*.csv");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            List<(double Rtt, string Class, bool Late)> rows = ReadFloodSched(file);
            var immediate = new List<double>();
            foreach ((double rtt, string cls, bool _) in rows)
            {
                if (cls == "0")
                {
                    immediate.Add(rtt);
                }
            }

            if (immediate.Count == 0)
            {
                throw new FormatException($"{file}: no round trip of class 0, so no base to measure the long waits from");
            }

            immediate.Sort();
            double baseUs = immediate[immediate.Count / 2];
            for (int i = 0; i < rows.Count; i++)
            {
                (double rtt, string cls, bool isLate) = rows[i];
                bool isLong = cls == "long";
                long wait = (long)Math.Round(Math.Max(0, rtt - baseUs)) * 1000;
                if (isLong)
                {
                    all.Add(wait);
                }

                if (isLate)
                {
                    late++;
                    lateLong += isLong ? 1 : 0;
                    lateImmediate += isLong ? 0 : 1;
                    one += cls == "1" ? 1 : 0;
                    two += cls == "2" ? 1 : 0;
                }
                else if (i > 0)
                {
                    int state = rows[i - 1].Class == "long" ? 1 : rows[i - 1].Late ? 0 : 2;
                    onTime[state]++;
                    if (isLong)
                    {
                        waits[state].Add(wait);
                    }
                }
            }
        }

        if (files.Length == 0 || all.Count < 2 || waits.Any(w => w.Count < 2))
        {
            return null;
        }

        return new FloodOutcomes(one, two, lateImmediate, late, lateLong, Ventiles(all), onTime, [.. waits.Select(w => w.Count)], [.. waits.Select(Ventiles)]);
    }

    /// <summary>
    /// The median wait per unit of the client's run before it (W/R) in each sockperf full log (flood-sched-*.full.csv.gz)
    /// of <paramref name="floodSchedDir"/>, keyed by the file's name (null if the folder is missing); see
    /// <see cref="WaitPerRun"/>.
    /// </summary>
    internal static SortedDictionary<string, (int Count, double MedianRatio)>? MeasureFloodPayback(string floodSchedDir)
    {
        if (!Directory.Exists(floodSchedDir))
        {
            return null;
        }

        var result = new SortedDictionary<string, (int, double)>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(floodSchedDir, "flood-sched-*.full.csv.gz"))
        {
            List<double> ratios = WaitPerRun(SockperfReport.TryReadFullLog(file)!);
            result[Path.GetFileName(file)] = (ratios.Count, ratios.Count == 0 ? double.NaN : ratios[ratios.Count / 2]);
        }

        return result;
    }

    /// <summary>
    /// From a ping-pong's sockperf (tx, rx) times under a flood: for each round trip sent on time (not within 5 µs of
    /// the previous receive) that waited (over 100 µs), the round trip over the client's run since the end of the last
    /// round trip over 100 µs (on time or not), for runs of 0.2-1.2 ms; sorted.
    /// </summary>
    internal static List<double> WaitPerRun(List<(long Tx, long Rx)> rows)
    {
        var ratios = new List<double>();
        long lastBack = -1;
        for (int i = 0; i < rows.Count; i++)
        {
            long rtt = rows[i].Rx - rows[i].Tx;
            bool behind = i > 0 && rows[i].Tx - rows[i - 1].Rx < 5_000;
            long ran = rows[i].Tx - lastBack;
            if (!behind && lastBack >= 0 && rtt > 100_000 && ran >= 200_000 && ran < 1_200_000)
            {
                ratios.Add(rtt / (double)ran);
            }

            lastBack = rtt > 100_000 ? rows[i].Rx : lastBack;
        }

        ratios.Sort();
        return ratios;
    }

    // one flood-sched-sequences CSV: (round trip µs, class 0/1/2/long, late) per row, checked
    private static List<(double Rtt, string Class, bool Late)> ReadFloodSched(string file)
    {
        var t = KernelSim.Replay.WhatIf.GroundTruthCsv.Read(file, "a flood-sched-sequences CSV", "index", "rtt_us", "class", "late");
        var rows = new List<(double, string, bool)>();
        foreach ((int Line, string[] Fields) row in t.Rows)
        {
            string lateText = t.Text(row, "late"), cls = t.Text(row, "class");
            if (lateText is not ("0" or "1"))
            {
                throw new FormatException($"{file}: line {row.Line}: late is '{lateText}', expected 0 or 1");
            }

            if (cls is not ("0" or "1" or "2" or "long"))
            {
                throw new FormatException($"{file}: line {row.Line}: unknown class '{cls}' (expected 0, 1, 2 or long)");
            }

            rows.Add((t.Number(row, "rtt_us"), cls, lateText == "1"));
        }

        return rows;
    }

    private static long[] Ventiles(List<long> values)
    {
        values.Sort();
        var q = new long[21];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = values[(int)Math.Round(i / 20.0 * (values.Count - 1))];
        }

        return q;
    }

    /// <summary>Recomputes the NAPI-mode deltas (send, first transmit, receive) from the GRO capture in <paramref name="variantsDir"/> and the plain veth one in <paramref name="tracesDir"/> (null if either is missing).</summary>
    internal static (long Send, long Xmit, long Receive)? MeasureNapi(string tracesDir, string variantsDir)
    {
        IReadOnlyList<string> plain = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, "net-veth-udp64-pinned");
        IReadOnlyList<string> gro = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(variantsDir, "net-veth-gro-udp64-pinned");
        if (plain.Count == 0 || gro.Count == 0)
        {
            return null;
        }

        NetStageMeans a = NetCalibration.FromFile(plain[0]).Means, b = NetCalibration.FromFile(gro[0]).Means;
        return (b.SendNs - a.SendNs, b.Xmit0Ns - a.Xmit0Ns, (b.EntryNs - a.EntryNs) + (b.ReceiveLastNs - a.ReceiveLastNs));
    }

    /// <summary>Recomputes <see cref="NetLabHops.CrossCpuWakeNs"/> from the unpinned veth capture and the pinned one in <paramref name="tracesDir"/> (null if either is missing).</summary>
    internal static long? MeasureCrossCpuWake(string tracesDir)
    {
        IReadOnlyList<string> pinned = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, "net-veth-udp64-pinned");
        IReadOnlyList<string> unpinned = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, "veth-udp-pingpong64");
        if (pinned.Count == 0 || unpinned.Count == 0)
        {
            return null;
        }

        NetStageMeans p = NetCalibration.FromFile(pinned[0]).Means, u = NetCalibration.FromFile(unpinned[0]).Means;
        return u.ReceiveLastNs - p.ReceiveLastNs - p.ServerWakeNs;
    }

    /// <summary>Recomputes the hop constants from the pinned 64 B captures in <paramref name="tracesDir"/> (null where a capture is missing).</summary>
    internal static (long? SendDelta, long? XmitDelta, long? ReceiveDelta, long? BridgeForward, long? BridgeXmit) Measure(string tracesDir)
    {
        NetStageMeans? Means(string topo)
        {
            IReadOnlyList<string> f = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, $"net-{topo}-udp64-pinned");
            return f.Count == 0 ? null : NetCalibration.FromFile(f[0]).Means;
        }

        NetStageMeans? lo = Means("loopback"), veth = Means("veth"), br = Means("veth-bridge");
        return (
            lo is null || veth is null ? null : veth.SendNs - lo.SendNs,
            lo is null || veth is null ? null : veth.Xmit0Ns - lo.Xmit0Ns,
            lo is null || veth is null ? null : veth.ReceiveLastNs - lo.ReceiveLastNs,
            br?.BridgeForwardNs,
            br?.BridgeXmitNs);
    }

    /// <summary>
    /// Recomputes the VM stall process from the pinned captures in <paramref name="tracesDir"/> (net profile, one CPU):
    /// stalls per second of traced round-trip time, and the stall durations' deciles (p5, p15 ... p95), ns.
    /// </summary>
    internal static (double PerSecond, long[] DecilesNs, int Stalls, double ExposureSeconds)? MeasureVmStalls(string tracesDir)
    {
        var stalls = new List<long>();
        double exposureNs = 0;
        foreach (string path in NetValidation.NetCaptures(tracesDir))
        {
            NetCalibration c = NetCalibration.FromFile(path);
            if (c.Trace.CrossCpu)
            {
                continue;
            }

            foreach (NetTripStages t in c.Trace.Trips)
            {
                exposureNs += t.RttNs;
                if (t.StallNs > 0)
                {
                    stalls.Add(t.StallNs);
                }
            }
        }

        if (stalls.Count == 0 || exposureNs <= 0)
        {
            return null;
        }

        stalls.Sort();
        var deciles = new long[10];
        for (int d = 0; d < 10; d++)
        {
            deciles[d] = stalls[Math.Min(stalls.Count - 1, (int)(((d * 10) + 5) / 100.0 * stalls.Count))];
        }

        return (stalls.Count / (exposureNs / 1e9), deciles, stalls.Count, exposureNs / 1e9);
    }
}
