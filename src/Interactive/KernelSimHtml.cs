using System.Globalization;
using System.Text;
using KernelSim.Replay.Net;
using KernelSim.Replay.WhatIf;
using KernelSim.Statistics;
using KernelSim.Units;
using static KernelSim.Interactive.HtmlText;

namespace KernelSim.Interactive;

/// <summary>
/// HTML renderings of KernelSim results: tidy tables with a small inline SVG chart where one helps. The kernel
/// extension registers them as the notebook formatters; they are plain functions of the value, usable anywhere
/// HTML is wanted (a report, a rollout review).
/// </summary>
public static class KernelSimHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The limit a write prediction answers, as a user writes it ("256M", "max").</summary>
    /// <param name="prediction">The prediction.</param>
    public static string LimitLabel(WritePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Proposal.Unlimited)
        {
            return "max";
        }

        long? limit = prediction.Proposal.LimitBytes ?? prediction.Config.LimitBytes;
        return limit is long l ? Bytes.FromBytes(l).ToString() : "max";
    }

    /// <summary>A latency distribution: count, min, p50, p90, p99, p99.9, max and mean, and its CDF.</summary>
    /// <param name="distribution">The distribution.</param>
    public static string Distribution(LatencyDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        var sb = new StringBuilder("<div class=\"ksim\">");
        OpenTable(sb, "Latency distribution", "count", "min", "p50", "p90", "p99", "p99.9", "max", "mean");
        if (distribution.Count == 0)
        {
            Row(sb, "0", "-", "-", "-", "-", "-", "-", "-");
        }
        else
        {
            Row(sb, Number(distribution.Count), Duration(distribution.Min.TotalNanoseconds), Duration(distribution.P50.TotalNanoseconds),
                Duration(distribution.P90.TotalNanoseconds), Duration(distribution.P99.TotalNanoseconds), Duration(distribution.P999.TotalNanoseconds),
                Duration(distribution.Max.TotalNanoseconds), Duration(distribution.Mean.TotalNanoseconds));
        }

        CloseTable(sb);
        if (distribution.Count > 1)
        {
            IReadOnlyList<CdfPoint> cdf = distribution.Cdf(200);
            sb.Append(SvgChart.Lines("CDF", "latency (log scale)", "fraction ≤ x",
                [new SvgChart.Series("CDF", cdf.Select(p => (double)Math.Max(1, p.Value.TotalNanoseconds)).ToList(), cdf.Select(p => p.Fraction).ToList())],
                logX: true, logY: false, yFormat: v => v.ToString("0.00", Inv), xFormat: v => Duration((long)v)));
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>A write prediction: the proposal, the latency percentiles, where the time went, the memcg counters, and the working set over time.</summary>
    /// <param name="prediction">The prediction.</param>
    public static string Prediction(WritePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        LatencyDistribution l = prediction.Latency;
        var sb = new StringBuilder("<div class=\"ksim\">");
        OpenTable(sb, $"Predicted write() latency, memcg {prediction.Config}", "writes", "p50", "p90", "p99", "p99.9", "max", "mean", "throughput");
        Row(sb, Number(l.Count), D(l, 50), D(l, 90), D(l, 99), D(l, 99.9), l.Count == 0 ? "-" : Duration(l.Max.TotalNanoseconds),
            l.Count == 0 ? "-" : Duration(l.Mean.TotalNanoseconds), Mib((long)prediction.ThroughputBytesPerSecond) + "/s");
        CloseTable(sb);

        TimeBreakdown b = prediction.Breakdown;
        long total = Math.Max(1, b.Total.TotalNanoseconds);
        OpenTable(sb, "Where the time goes (summed over the writes)", "cause", "time", "share");
        foreach ((string name, long ns) in BreakdownParts(b))
        {
            Row(sb, name, Duration(ns), Percent(ns / (double)total));
        }

        RawRow(sb, "<b>total</b>", "<b>" + Escape(Duration(b.Total.TotalNanoseconds)) + "</b>", "100%");
        CloseTable(sb);

        var c = prediction.Counters;
        long page = prediction.Config.Kernel.PageSize.Value;
        long maxWs = prediction.WorkingSet.Count == 0 ? 0 : prediction.WorkingSet.Max(s => s.WorkingSetPages);
        OpenTable(sb, "memcg counters", "reclaim episodes", "reclaim stall", "pages scanned / reclaimed", "failcnt", "writeback throttles", "OOM", "max usage", "max working set");
        Row(sb, Number(c.ReclaimEpisodes), Duration(c.ReclaimStall.TotalNanoseconds), $"{Number(c.Scanned)} / {Number(c.Reclaimed)}", Number(c.Failcnt),
            Number(c.WritebackThrottles), Number(c.OomEvents), Mib(c.MaxUsagePages * page), Mib(maxWs * page));
        CloseTable(sb);

        if (prediction.WorkingSet.Count > 1)
        {
            long t0 = prediction.WorkingSet[0].Time.TotalNanoseconds;
            var t = prediction.WorkingSet.Select(s => (s.Time.TotalNanoseconds - t0) / 1e9).ToList();
            sb.Append(SvgChart.Lines("Usage and working set over time", "time since the first sample (s)", "MiB",
                [
                    new SvgChart.Series("usage", t, prediction.WorkingSet.Select(s => s.UsagePages * page / 1048576.0).ToList()),
                    new SvgChart.Series("working set", t, prediction.WorkingSet.Select(s => s.WorkingSetPages * page / 1048576.0).ToList()),
                    new SvgChart.Series("dirty", t, prediction.WorkingSet.Select(s => s.DirtyPages * page / 1048576.0).ToList()),
                ],
                logX: false, logY: false, xLabels: null, yFormat: v => v.ToString("0", Inv), xFormat: v => v.ToString("0.00", Inv)));
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>A sweep (one prediction per proposed limit): a row per limit and p50/p99 against the limit.</summary>
    /// <param name="sweep">Predictions, in the order of the proposals.</param>
    public static string Sweep(IEnumerable<WritePrediction> sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var list = sweep.ToList();
        var sb = new StringBuilder("<div class=\"ksim\">");
        OpenTable(sb, "Sweep: predicted write() latency by memory limit", "limit", "writes", "p50", "p90", "p99", "p99.9", "max", "reclaim episodes", "reclaim + wait share", "throttles", "OOM");
        foreach (WritePrediction p in list)
        {
            LatencyDistribution l = p.Latency;
            TimeBreakdown b = p.Breakdown;
            double share = (b.Reclaim + b.WritebackWait + b.Throttle).TotalNanoseconds / (double)Math.Max(1, b.Total.TotalNanoseconds);
            Row(sb, LimitLabel(p), Number(l.Count), D(l, 50), D(l, 90), D(l, 99), D(l, 99.9), l.Count == 0 ? "-" : Duration(l.Max.TotalNanoseconds),
                Number(p.Counters.ReclaimEpisodes), Percent(share), Number(p.Counters.WritebackThrottles), Number(p.Counters.OomEvents));
        }

        CloseTable(sb);
        if (list.Count > 1)
        {
            var x = Enumerable.Range(0, list.Count).Select(i => (double)i).ToList();
            sb.Append(SvgChart.Lines("p50 and p99 against the limit", "memory limit", "latency (µs, log scale)",
                [
                    new SvgChart.Series("p50", x, list.Select(p => p.Latency.Count == 0 ? 0 : p.Latency.P50.TotalNanoseconds / 1e3).ToList()),
                    new SvgChart.Series("p99", x, list.Select(p => p.Latency.Count == 0 ? 0 : p.Latency.P99.TotalNanoseconds / 1e3).ToList()),
                ],
                logX: false, logY: true, xLabels: list.Select(LimitLabel).ToList(), yFormat: v => v.ToString("G3", Inv)));
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>A write validation: every (capture, workload, limit, percentile) point, predicted against the measured range, misses in bold.</summary>
    /// <param name="points">The points (<see cref="WriteValidation.Run"/>).</param>
    public static string Validation(IEnumerable<ValidationPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToList();
        var sb = new StringBuilder("<div class=\"ksim\">");
        int inside = list.Count(p => p.Inside);
        OpenTable(sb, $"Validation: {inside} of {list.Count} points inside the measured range widened by {WriteValidation.Widening * 100:0}% on each side",
            "capture", "workload", "limit", "percentile", "predicted", "measured (min-max)", "error vs range", "inside");
        foreach (ValidationPoint p in list)
        {
            string inCell = p.Inside ? "yes" : "<b>miss</b>";
            RawRow(sb, Escape(p.Capture), Escape(p.Workload), Escape(p.Limit), Escape(p.Percentile), Escape(Duration(p.PredictedNs)),
                Escape($"{Duration(p.MeasuredMinNs)} - {Duration(p.MeasuredMaxNs)}"), Escape(p.RelativeError == 0 ? "0" : Signed(p.RelativeError)), inCell);
        }

        CloseTable(sb);
        return sb.Append("</div>").ToString();
    }

    /// <summary>A network prediction: the round-trip distribution and what the receive path did.</summary>
    /// <param name="prediction">The prediction.</param>
    public static string NetPrediction(NetPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        LatencyDistribution l = prediction.Latency;
        var sb = new StringBuilder("<div class=\"ksim\">");
        string load = prediction.LoadPps == 0 ? "idle" : prediction.LoadPps == NetWhatIf.MaxLoad ? "flood (max)" : $"{Number(prediction.LoadPps)} pkt/s";
        OpenTable(sb, $"Predicted UDP round trip, {prediction.Topology}, {prediction.MessageBytes} B, {load}", "round trips", "p50", "p90", "p99", "p99.9", "max", "mean", "lost");
        Row(sb, Number(l.Count), D(l, 50), D(l, 90), D(l, 99), D(l, 99.9), l.Count == 0 ? "-" : Duration(l.Max.TotalNanoseconds),
            l.Count == 0 ? "-" : Duration(l.Mean.TotalNanoseconds), Number(prediction.Lost));
        CloseTable(sb);
        OpenTable(sb, "Receive path", "NET_RX softirqs", "napi polls", "packets polled", "backlog drops", "time_squeeze", "ksoftirqd", "netdev_budget", "dev_weight", "backlog max", "idle round trip", "flood capacity");
        Row(sb, Number(prediction.NetRxPasses), Number(prediction.NapiPolls), Number(prediction.NapiPollWork), Number(prediction.BacklogDrops),
            Number(prediction.TimeSqueeze), Number(prediction.KsoftirqdWakeups), Number(prediction.Config.NetdevBudget), Number(prediction.Config.DevWeight),
            Number(prediction.Config.NetdevMaxBacklog), Duration(prediction.IdleRoundTripNs), Number(prediction.FloodCapacityPps) + " pkt/s");
        CloseTable(sb);
        return sb.Append("</div>").ToString();
    }

    /// <summary>A network validation: every predicted round-trip percentile against the measured median and range.</summary>
    /// <param name="points">The points (<see cref="NetValidation.Run"/>).</param>
    public static string NetValidation(IEnumerable<NetValidationPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToList();
        var sb = new StringBuilder("<div class=\"ksim\">");
        OpenTable(sb, $"Network validation: {list.Count(p => p.Inside)} of {list.Count} points within {Replay.Net.NetValidation.Tolerance * 100:0}% of the measured median",
            "capture", "topology", "size", "load", "percentile", "predicted", "measured median (range)", "error", "inside");
        foreach (NetValidationPoint p in list)
        {
            RawRow(sb, Escape(p.Capture), Escape(p.Topology), Escape(p.MessageBytes.ToString(Inv)), Escape(p.Load), Escape(p.Percentile), Escape(Duration(p.PredictedNs)),
                Escape($"{Duration(p.MeasuredNs)} ({Duration(p.MeasuredMinNs)} - {Duration(p.MeasuredMaxNs)}, {p.Repetitions} runs)"), Escape(Signed(p.Error)), p.Inside ? "yes" : "<b>miss</b>");
        }

        CloseTable(sb);
        return sb.Append("</div>").ToString();
    }

    private static IEnumerable<(string Name, long Ns)> BreakdownParts(TimeBreakdown b) =>
    [
        ("copy (own CPU work)", b.Copy.TotalNanoseconds),
        ("reclaim", b.Reclaim.TotalNanoseconds),
        ("writeback wait", b.WritebackWait.TotalNanoseconds),
        ("reclaim throttle", b.Throttle.TotalNanoseconds),
        ("dirty pause", b.DirtyPause.TotalNanoseconds),
        ("memory.high penalty", b.HighPenalty.TotalNanoseconds),
    ];

    private static string D(LatencyDistribution l, double p) => l.Count == 0 ? "-" : Duration(l.Percentile(p).TotalNanoseconds);
}
