using KernelSim.Replay.Capture;
using KernelSim.Units;

namespace KernelSim.Replay.WhatIf;

/// <summary>One (workload, limit, operation, percentile) of the corpus ground truth and what the model predicts for it.</summary>
/// <param name="Workload">Workload name (traces/capture/measure-corpus --list).</param>
/// <param name="Capture">The capture the prediction was made from.</param>
/// <param name="Limit">Limit ("128M", "max").</param>
/// <param name="Op">Operation measured (write, read, fsync, fdatasync, txn, set, req).</param>
/// <param name="Percentile">"p50", "p90", "p99" or "p99.9".</param>
/// <param name="PredictedNs">The prediction, or null where the model predicts nothing for this operation.</param>
/// <param name="MeasuredMinNs">Smallest measured value over the repetitions.</param>
/// <param name="MeasuredMaxNs">Largest measured value over the repetitions.</param>
/// <param name="Inside">The prediction lies inside [min × 0.75, max × 1.25].</param>
/// <param name="LimitMatters">The measured band at this limit does not overlap the band without a limit.</param>
public sealed record CorpusPoint(string Workload, string Capture, string Limit, string Op, string Percentile, long? PredictedNs, long MeasuredMinNs, long MeasuredMaxNs, bool Inside, bool LimitMatters)
{
    /// <summary>
    /// True when <see cref="Op"/> is an application request (a transaction, a command, a benchmark event: anything but
    /// write, read, fsync and fdatasync), predicted by <see cref="RequestWhatIf"/> from the capture's request boundaries.
    /// </summary>
    public bool Request { get; init; }
}

/// <summary>One (workload, limit, request operation) throughput of the corpus ground truth and the prediction.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="Capture">The capture the prediction was made from.</param>
/// <param name="Limit">Limit ("128M", "max").</param>
/// <param name="Op">The request operation (txn, set, req).</param>
/// <param name="PredictedPerSecond">Predicted requests per second, or null when the capture bounds no requests.</param>
/// <param name="MeasuredMinPerSecond">Smallest measured rate over the repetitions (count / seconds of the CSV).</param>
/// <param name="MeasuredMaxPerSecond">Largest.</param>
/// <param name="Inside">The prediction lies inside [min × 0.75, max × 1.25].</param>
/// <param name="LimitMatters">The measured band at this limit does not overlap the band without a limit.</param>
public sealed record CorpusThroughputPoint(string Workload, string Capture, string Limit, string Op, double? PredictedPerSecond, double MeasuredMinPerSecond, double MeasuredMaxPerSecond, bool Inside, bool LimitMatters);

/// <summary>What <see cref="CorpusValidation.Evaluate(string, string, string?)"/> found: latency points (calls and requests) and request throughput points.</summary>
/// <param name="Points">Every measured latency point.</param>
/// <param name="Throughput">Every measured request throughput.</param>
public sealed record CorpusResult(IReadOnlyList<CorpusPoint> Points, IReadOnlyList<CorpusThroughputPoint> Throughput);

/// <summary>
/// The memory what-if against the corpus of foreign workloads (traces/corpus, one capture per workload made by
/// traces/capture/measure-corpus; untraced ground truth in traces/groundtruth/corpus-latency.csv). Nothing in the
/// model was fitted on these workloads; its two global constants (<see cref="WriteModelConstants"/>) were measured on the
/// fio fixtures, and tools/Lowo chooses them leave-one-workload-out instead. Writes, reads and fsync/fdatasync are the
/// replay's own predictions; application requests (transactions, commands, benchmark events) are predicted by
/// <see cref="RequestWhatIf"/>: sysbench's events ("req") one per file call, the others from the capture's request
/// boundaries (trace markers, else socket exchanges); a capture without boundaries leaves them unpredicted (listed
/// with no prediction, counted as misses).
/// </summary>
public static class CorpusValidation
{
    private static readonly string[] Percentiles = ["p50", "p90", "p99", "p99.9"];

    /// <summary>Predicts every measured point of every corpus workload that has a capture in <paramref name="corpusDir"/>.</summary>
    /// <param name="corpusDir">Folder of the corpus captures (NAME-memcgLIMIT.trace.gz).</param>
    /// <param name="groundTruthCsv">corpus-latency.csv.</param>
    /// <param name="host">Only rows measured on this host id (null: all rows).</param>
    public static IReadOnlyList<CorpusPoint> Run(string corpusDir, string groundTruthCsv, string? host = null) => Evaluate(corpusDir, groundTruthCsv, host).Points;

    /// <summary>
    /// True for a ground-truth operation that is an application request rather than a call (anything but write, read,
    /// fsync and fdatasync).
    /// </summary>
    public static bool IsRequestOp(string op) => op is not ("write" or "read" or "fsync" or "fdatasync");

    /// <summary>How a ground-truth request operation's requests are found: sysbench's events ("req") are its file calls.</summary>
    public static RequestGrouping GroupingFor(string op) => op == "req" ? RequestGrouping.FileOps : RequestGrouping.Auto;

    /// <summary>Predicts every measured point (latency of calls and requests, request throughput) of every corpus workload that has a capture in <paramref name="corpusDir"/>.</summary>
    /// <param name="corpusDir">Folder of the corpus captures (NAME-memcgLIMIT.trace.gz).</param>
    /// <param name="groundTruthCsv">corpus-latency.csv.</param>
    /// <param name="host">Only rows measured on this host id (null: all rows).</param>
    public static CorpusResult Evaluate(string corpusDir, string groundTruthCsv, string? host = null) =>
        Evaluate(corpusDir, groundTruthCsv, host, new Formats.TraceReaderOptions { Lenient = true }, null);

    /// <summary>As <see cref="Evaluate(string, string, string?)"/>, reading the captures with <paramref name="options"/>; what each read met goes to <paramref name="reads"/>.</summary>
    internal static CorpusResult Evaluate(string corpusDir, string groundTruthCsv, string? host, Formats.TraceReaderOptions options, ICollection<CaptureRead>? reads)
    {
        // One capture in memory at a time; the points come out in capture order.
        Dictionary<(string Workload, string Op, string Limit), List<long[]>> measured = ReadMeasured(groundTruthCsv, host, out var rates);
        var points = new List<CorpusPoint>();
        var throughput = new List<CorpusThroughputPoint>();
        foreach (string path in CaptureManifest.FindCaptures(corpusDir, "*-memcg*"))
        {
            if (LoadCapture(path, measured, options, reads) is LoadedCapture c)
            {
                points.AddRange(PredictCapture(c, measured, rates, WriteModelConstants.Defaults, throughput));
            }
        }

        return new CorpusResult(points, throughput);
    }

    /// <summary>
    /// The corpus read once for many validation runs: the ground truth, and every capture extracted and calibrated
    /// (nothing of which depends on <see cref="WriteModelConstants"/>). Holds every capture's workload in memory.
    /// </summary>
    internal static LoadedCorpus Load(string corpusDir, string groundTruthCsv, string? host = null)
    {
        Dictionary<(string Workload, string Op, string Limit), List<long[]>> measured = ReadMeasured(groundTruthCsv, host, out var rates);
        var captures = new List<LoadedCapture>();
        foreach (string path in CaptureManifest.FindCaptures(corpusDir, "*-memcg*"))
        {
            if (LoadCapture(path, measured, new Formats.TraceReaderOptions { Lenient = true }, null) is LoadedCapture c)
            {
                captures.Add(c);
            }
        }

        return new LoadedCorpus(measured, captures) { Rates = rates };
    }

    /// <summary>
    /// <see cref="Run"/>'s points from a loaded corpus with the model's constants set to <paramref name="constants"/>
    /// (<see cref="WriteModelConstants.Defaults"/>: the same points as <see cref="Run"/>). Captures replay in parallel;
    /// the points come out in capture order whatever the thread count.
    /// </summary>
    internal static IReadOnlyList<CorpusPoint> Predict(LoadedCorpus corpus, WriteModelConstants constants)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(constants);
        var perCapture = new List<CorpusPoint>[corpus.Captures.Count];
        Parallel.For(0, perCapture.Length, i => perCapture[i] = PredictCapture(corpus.Captures[i], corpus.Measured, corpus.Rates, constants, null));
        var points = new List<CorpusPoint>();
        foreach (List<CorpusPoint> p in perCapture)
        {
            points.AddRange(p);
        }

        return points;
    }

    // (workload, op, limit) -> each repetition's [p50, p90, p99, p99.9]
    private static Dictionary<(string Workload, string Op, string Limit), List<long[]>> ReadMeasured(string groundTruthCsv, string? host, out Dictionary<(string Workload, string Op, string Limit), List<double>> rates)
    {
        // (workload, op, limit) -> each repetition's [p50, p90, p99, p99.9], and requests per second for request ops
        var measured = new Dictionary<(string Workload, string Op, string Limit), List<long[]>>();
        rates = [];
        GroundTruthCsv t = GroundTruthCsv.Read(groundTruthCsv, "a measure-corpus CSV", "workload", "limit", "op", "count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "seconds", "host");
        foreach ((int Line, string[] Fields) row in t.Rows)
        {
            if ((host is not null && t.Text(row, "host") != host) || t.Int64(row, "count") <= 0)
            {
                continue;
            }

            var key = (t.Text(row, "workload"), t.Text(row, "op"), t.Text(row, "limit"));
            if (!measured.TryGetValue(key, out List<long[]>? list))
            {
                list = [];
                measured.Add(key, list);
            }

            list.Add([t.Int64(row, "p50_ns"), t.Int64(row, "p90_ns"), t.Int64(row, "p99_ns"), t.Int64(row, "p999_ns")]);
            if (IsRequestOp(key.Item2))
            {
                if (!rates.TryGetValue(key, out List<double>? r))
                {
                    r = [];
                    rates.Add(key, r);
                }

                r.Add(t.Int64(row, "count") / t.Number(row, "seconds"));
            }
        }

        return measured;
    }

    // Extracts and calibrates one capture, or null when its workload has no ground truth.
    private static LoadedCapture? LoadCapture(string path, Dictionary<(string Workload, string Op, string Limit), List<long[]>> measured, Formats.TraceReaderOptions options, ICollection<CaptureRead>? reads)
    {
        string baseName = Path.GetFileName(CaptureManifest.CaptureBase(path));
        int cut = baseName.LastIndexOf("-memcg", StringComparison.Ordinal);
        string workload = baseName[..cut];
        var keys = measured.Keys.Where(k => k.Workload == workload).OrderBy(k => k.Op, StringComparer.Ordinal).ThenBy(k => LimitOrder(k.Limit)).ToList();
        if (keys.Count == 0)
        {
            return null;
        }

        var limits = keys.Select(k => k.Limit).Distinct().OrderBy(LimitOrder).ToList();
        WriteReplay replay = WriteReplay.Load(path, options);
        if (replay.Workload.Diagnostics.Reader is Formats.TraceDiagnostics d)
        {
            reads?.Add(new CaptureRead(Path.GetFileName(path), d));
        }

        CaptureConfig capture = CaptureConfig.ForTrace(path);
        var proposals = limits.Select(l => l == "max" ? new WriteProposal { Unlimited = true } : new WriteProposal { LimitBytes = Bytes.Parse(l).Value }).ToList();
        return new LoadedCapture(path, workload, keys, limits, replay, capture, proposals);
    }

    // Every point of one capture; request throughput points go to `throughput` when given (the LOWO tool scores latency only).
    private static List<CorpusPoint> PredictCapture(
        LoadedCapture c,
        Dictionary<(string Workload, string Op, string Limit), List<long[]>> measured,
        Dictionary<(string Workload, string Op, string Limit), List<double>> rates,
        WriteModelConstants constants,
        List<CorpusThroughputPoint>? throughput)
    {
        var points = new List<CorpusPoint>();
        constants = constants.For(c.Capture);
        IReadOnlyList<WritePrediction> predictions = WriteWhatIf.Sweep(c.Replay.Workload, constants.CostsFor(c.Replay), c.Capture, c.Proposals, constants.TracingCostPerEvent);
        foreach ((string _, string op, string limit) in c.Keys)
        {
            List<long[]> reps = measured[(c.Workload, op, limit)];
            measured.TryGetValue((c.Workload, op, "max"), out List<long[]>? unlimited);
            WritePrediction p = predictions[c.Limits.IndexOf(limit)];
            bool request = IsRequestOp(op);
            RequestPrediction? rp = request ? RequestWhatIf.Predict(c.Replay.Workload, p, GroupingFor(op)) : null;
            Statistics.LatencyDistribution? d = op switch
            {
                "write" => p.Latency,
                "read" => p.Reads.Latency,
                "fsync" => p.Fsync,
                "fdatasync" => p.Fdatasync,
                _ => rp?.Latency,
            };
            bool predicts = d is not null && d.Count > 0;
            long[] predicted = predicts ? [d!.P50.TotalNanoseconds, d.P90.TotalNanoseconds, d.P99.TotalNanoseconds, d.P999.TotalNanoseconds] : [];
            if (throughput is not null && request && rates.TryGetValue((c.Workload, op, limit), out List<double>? measuredRates))
            {
                throughput.Add(RatePoint(c.Workload, Path.GetFileName(c.Path), limit, op, rp?.PredictedPerSecond, measuredRates, limit == "max" ? null : rates.GetValueOrDefault((c.Workload, op, "max"))));
            }

            for (int k = 0; k < Percentiles.Length; k++)
            {
                long min = reps.Min(r => r[k]);
                long max = reps.Max(r => r[k]);
                bool inside = predicts && predicted[k] >= min * (1 - WriteValidation.Widening) && predicted[k] <= max * (1 + WriteValidation.Widening);
                bool matters = false;
                if (unlimited is not null && limit != "max")
                {
                    double uMin = unlimited.Min(r => r[k]) * (1 - WriteValidation.Widening), uMax = unlimited.Max(r => r[k]) * (1 + WriteValidation.Widening);
                    matters = min * (1 - WriteValidation.Widening) > uMax || max * (1 + WriteValidation.Widening) < uMin;
                }

                points.Add(new CorpusPoint(c.Workload, Path.GetFileName(c.Path), limit, op, Percentiles[k], predicts ? predicted[k] : null, min, max, inside, matters) { Request = request });
            }
        }

        return points;
    }

    private static CorpusThroughputPoint RatePoint(string workload, string capture, string limit, string op, double? predicted, List<double> reps, List<double>? unlimited)
    {
        double min = reps.Min(), max = reps.Max();
        bool inside = predicted is double v && v >= min * (1 - WriteValidation.Widening) && v <= max * (1 + WriteValidation.Widening);
        bool matters = false;
        if (unlimited is not null)
        {
            double uMin = unlimited.Min() * (1 - WriteValidation.Widening), uMax = unlimited.Max() * (1 + WriteValidation.Widening);
            matters = min * (1 - WriteValidation.Widening) > uMax || max * (1 + WriteValidation.Widening) < uMin;
        }

        return new CorpusThroughputPoint(workload, capture, limit, op, predicted, min, max, inside, matters);
    }

    /// <summary>The ground truth and every loaded capture of a corpus (<see cref="Load"/>).</summary>
    internal sealed record LoadedCorpus(Dictionary<(string Workload, string Op, string Limit), List<long[]>> Measured, IReadOnlyList<LoadedCapture> Captures)
    {
        /// <summary>Measured requests per second of the request operations (per repetition).</summary>
        public Dictionary<(string Workload, string Op, string Limit), List<double>> Rates { get; init; } = [];
    }

    /// <summary>One capture extracted and calibrated, with the ground-truth keys and the limits it is predicted at.</summary>
    internal sealed record LoadedCapture(string Path, string Workload, List<(string Workload, string Op, string Limit)> Keys, List<string> Limits, WriteReplay Replay, CaptureConfig Capture, List<WriteProposal> Proposals);

    private static long LimitOrder(string limit) => limit == "max" ? long.MaxValue : Bytes.TryParse(limit, out Bytes b) ? b.Value : long.MaxValue - 1;
}
