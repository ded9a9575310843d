using System.Globalization;
using KernelSim.Replay.Capture;

namespace KernelSim.Replay.Net;

/// <summary>One predicted vs measured round-trip percentile.</summary>
/// <param name="Capture">The capture predicted from (base name).</param>
/// <param name="Topology">Topology predicted.</param>
/// <param name="MessageBytes">Message size.</param>
/// <param name="Load">idle or flood.</param>
/// <param name="Percentile">p50 or p99.</param>
/// <param name="PredictedNs">Prediction.</param>
/// <param name="MeasuredNs">Median of the measured repetitions.</param>
/// <param name="MeasuredMinNs">Smallest repetition.</param>
/// <param name="MeasuredMaxNs">Largest repetition.</param>
/// <param name="Repetitions">Measured repetitions.</param>
/// <param name="Inside">Within 25% of the median of the repetitions.</param>
public sealed record NetValidationPoint(
    string Capture,
    string Topology,
    int MessageBytes,
    string Load,
    string Percentile,
    long PredictedNs,
    long MeasuredNs,
    long MeasuredMinNs,
    long MeasuredMaxNs,
    int Repetitions,
    bool Inside)
{
    /// <summary>Relative error against the median of the repetitions.</summary>
    public double Error => MeasuredNs == 0 ? 0 : (PredictedNs - MeasuredNs) / (double)MeasuredNs;
}

/// <summary>
/// Every ground-truth point (traces/groundtruth/net-latency.csv, untraced sockperf round trips) predicted from every
/// committed net capture of the same pinning: each topology at each measured size, idle, and (pinned only) under the
/// flood (sockperf --mps=max on the same CPU and path). An unpinned capture predicts the unpinned idle points.
/// </summary>
public static class NetValidation
{
    /// <summary>The relative error a point may have and still count as inside.</summary>
    public const double Tolerance = 0.25;

    /// <summary>Runs the comparison.</summary>
    /// <param name="tracesDir">Folder with the net captures.</param>
    /// <param name="groundTruthCsv">The measured round trips.</param>
    public static IReadOnlyList<NetValidationPoint> Run(string tracesDir, string groundTruthCsv) =>
        Run(tracesDir, groundTruthCsv, Formats.TraceReaderOptions.Default with { Lenient = true }, null);

    /// <summary>As <see cref="Run(string, string)"/>, reading the captures with <paramref name="options"/>; what each read met goes to <paramref name="reads"/>.</summary>
    internal static IReadOnlyList<NetValidationPoint> Run(string tracesDir, string groundTruthCsv, Formats.TraceReaderOptions options, ICollection<CaptureRead>? reads)
    {
        IReadOnlyList<GroundTruthRow> truth = ReadGroundTruth(groundTruthCsv);
        var points = new List<NetValidationPoint>();
        foreach (string path in NetCaptures(tracesDir))
        {
            NetCalibration cal = NetCalibration.FromFile(path, NetCalibration.DefaultOverheadPerEventNs, options);
            if (cal.Reader is Formats.TraceDiagnostics d)
            {
                reads?.Add(new CaptureRead(Path.GetFileName(path), d));
            }

            string name = Path.GetFileName(CaptureManifest.CaptureBase(path));
            bool pinned = !cal.Trace.CrossCpu;
            foreach (IGrouping<(string Topology, int Size, string Load), GroundTruthRow> g in truth
                         .Where(r => r.Pinned == pinned && (pinned || r.Load == "idle") && Known(r.Topology))
                         .GroupBy(r => (r.Topology, r.Size, r.Load))
                         .OrderBy(g => g.Key.Load == "flood" ? 1 : 0).ThenBy(g => g.Key.Topology, StringComparer.Ordinal).ThenBy(g => g.Key.Size))
            {
                (string topology, bool gro, bool rps) = Variant(g.Key.Topology);
                NetPrediction p = NetWhatIf.Predict(cal, new NetProposal
                {
                    Topology = topology,
                    MessageBytes = g.Key.Size,
                    LoadPps = g.Key.Load == "flood" ? NetWhatIf.MaxLoad : 0,
                    VethGro = gro,
                    Rps = rps,
                });
                points.Add(Point(name, g.Key, "p50", p.Latency.P50.TotalNanoseconds, g.Select(r => r.P50Ns).ToList()));
                points.Add(Point(name, g.Key, "p99", p.Latency.P99.TotalNanoseconds, g.Select(r => r.P99Ns).ToList()));
            }
        }

        return points;
    }

    /// <summary>
    /// A ground-truth topology label: a named topology, optionally followed by the variants measure-net appends
    /// (<c>+gro</c>: veth NAPI mode, <c>+rps</c>: RPS to the other CPU), e.g. <c>veth+gro</c>.
    /// </summary>
    internal static (string Topology, bool Gro, bool Rps) Variant(string label)
    {
        string[] parts = label.Split('+');
        bool gro = false, rps = false;
        for (int i = 1; i < parts.Length; i++)
        {
            gro |= parts[i] == "gro";
            rps |= parts[i] == "rps";
        }

        return (parts[0], gro, rps);
    }

    private static bool Known(string label)
    {
        string[] parts = label.Split('+');
        return NetWhatIf.Topologies.Contains(parts[0]) && parts.Skip(1).All(v => v is "gro" or "rps") && !(parts[0] == "loopback" && parts.Length > 1);
    }

    /// <summary>The captures of the net profile in <paramref name="tracesDir"/> (manifest profile "net"), in ordinal order.</summary>
    internal static IReadOnlyList<string> NetCaptures(string tracesDir)
    {
        var list = new List<string>();
        foreach (string path in CaptureManifest.FindCaptures(tracesDir))
        {
            using CaptureManifest? m = CaptureManifest.TryLoadFor(path);
            if (m?.GetString("profile") == "net")
            {
                list.Add(path);
            }
        }

        return list;
    }

    /// <summary>
    /// The tracing overhead per event: least squares through the origin of (traced sockperf p50 − untraced p50 median)
    /// on the median traced events per round trip, over the pinned 64 B captures that have a sockperf report and
    /// ground truth. Returns the fit and each capture's own ratio.
    /// </summary>
    /// <param name="tracesDir">Folder with the net captures.</param>
    /// <param name="groundTruthCsv">The measured round trips.</param>
    internal static (double PerEventNs, IReadOnlyList<(string Capture, double Events, long Traced, long Untraced)> Pairs) FitOverheadPerEvent(string tracesDir, string groundTruthCsv)
    {
        IReadOnlyList<GroundTruthRow> truth = ReadGroundTruth(groundTruthCsv);
        var pairs = new List<(string, double, long, long)>();
        double sxy = 0, sxx = 0;
        foreach (string path in CaptureManifest.FindCaptures(tracesDir, "net-*-udp64-pinned"))
        {
            string basePath = CaptureManifest.CaptureBase(path);
            long? traced = SockperfReport.TryReadPercentileNs(basePath + ".sockperf.txt", "50.000");
            NetCalibration cal = NetCalibration.FromFile(path, 0);
            List<long> untraced = truth.Where(r => r.Pinned && r.Load == "idle" && r.Size == 64 && r.Topology == cal.Trace.Topology).Select(r => r.P50Ns).ToList();
            if (traced is null || untraced.Count == 0)
            {
                continue;
            }

            var events = cal.Trace.Trips.Select(t => t.Events).Order().ToList();
            double n = events[events.Count / 2];
            long u = Median(untraced);
            pairs.Add((Path.GetFileName(basePath), n, traced.Value, u));
            sxy += n * (traced.Value - u);
            sxx += n * n;
        }

        return (sxx == 0 ? 0 : sxy / sxx, pairs);
    }

    private static NetValidationPoint Point(string capture, (string Topology, int Size, string Load) key, string pct, long predicted, List<long> measured)
    {
        long med = Median(measured);
        bool inside = med > 0 && Math.Abs(predicted - med) <= Tolerance * med;
        return new NetValidationPoint(capture, key.Topology, key.Size, key.Load, pct, predicted, med, measured.Min(), measured.Max(), measured.Count, inside);
    }

    private static long Median(List<long> v)
    {
        var s = v.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    internal sealed record GroundTruthRow(string Topology, int Size, bool Pinned, string Load, long P50Ns, long P99Ns);

    internal static IReadOnlyList<GroundTruthRow> ReadGroundTruth(string csv)
    {
        var rows = new List<GroundTruthRow>();
        var t = KernelSim.Replay.WhatIf.GroundTruthCsv.Read(csv, "a measure-net CSV", "topology", "msg_size", "pinned", "load", "p50_ns", "p99_ns");
        foreach ((int Line, string[] Fields) row in t.Rows)
        {
            rows.Add(new GroundTruthRow(
                t.Text(row, "topology"),
                (int)t.Int64(row, "msg_size"),
                t.Text(row, "pinned") == "1",
                t.Text(row, "load"),
                t.Int64(row, "p50_ns"),
                t.Int64(row, "p99_ns")));
        }

        return rows;
    }
}
