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
public sealed record CorpusPoint(string Workload, string Capture, string Limit, string Op, string Percentile, long? PredictedNs, long MeasuredMinNs, long MeasuredMaxNs, bool Inside, bool LimitMatters);

/// <summary>
/// The write what-if against the corpus of foreign workloads (traces/corpus, one capture per workload made by
/// traces/capture/measure-corpus; untraced ground truth in traces/groundtruth/corpus-latency.csv). Nothing in the
/// model was fitted on these workloads: every figure here is held out. Operations the model does not predict
/// (reads, fsync, application transactions) are listed with no prediction and count as misses.
/// </summary>
public static class CorpusValidation
{
    private static readonly string[] Percentiles = ["p50", "p90", "p99", "p99.9"];

    /// <summary>Predicts every measured point of every corpus workload that has a capture in <paramref name="corpusDir"/>.</summary>
    /// <param name="corpusDir">Folder of the corpus captures (NAME-memcgLIMIT.trace.gz).</param>
    /// <param name="groundTruthCsv">corpus-latency.csv.</param>
    /// <param name="host">Only rows measured on this host id (null: all rows).</param>
    public static IReadOnlyList<CorpusPoint> Run(string corpusDir, string groundTruthCsv, string? host = null) =>
        Run(corpusDir, groundTruthCsv, host, new Formats.TraceReaderOptions { Lenient = true }, null);

    /// <summary>As <see cref="Run(string, string, string?)"/>, reading the captures with <paramref name="options"/>; what each read met goes to <paramref name="reads"/>.</summary>
    internal static IReadOnlyList<CorpusPoint> Run(string corpusDir, string groundTruthCsv, string? host, Formats.TraceReaderOptions options, ICollection<CaptureRead>? reads)
    {
        // (workload, op, limit) -> each repetition's [p50, p90, p99, p99.9]
        var measured = new Dictionary<(string Workload, string Op, string Limit), List<long[]>>();
        GroundTruthCsv t = GroundTruthCsv.Read(groundTruthCsv, "a measure-corpus CSV", "workload", "limit", "op", "count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "host");
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
        }

        var points = new List<CorpusPoint>();
        foreach (string path in CaptureManifest.FindCaptures(corpusDir, "*-memcg*"))
        {
            string baseName = Path.GetFileName(CaptureManifest.CaptureBase(path));
            int cut = baseName.LastIndexOf("-memcg", StringComparison.Ordinal);
            string workload = baseName[..cut];
            var keys = measured.Keys.Where(k => k.Workload == workload).OrderBy(k => k.Op, StringComparer.Ordinal).ThenBy(k => LimitOrder(k.Limit)).ToList();
            if (keys.Count == 0)
            {
                continue;
            }

            var limits = keys.Select(k => k.Limit).Distinct().OrderBy(LimitOrder).ToList();
            WriteReplay replay = WriteReplay.Load(path, options);
            if (replay.Workload.Diagnostics.Reader is Formats.TraceDiagnostics d)
            {
                reads?.Add(new CaptureRead(Path.GetFileName(path), d));
            }
            CaptureConfig capture = CaptureConfig.ForTrace(path);
            var proposals = limits.Select(l => l == "max" ? new WriteProposal { Unlimited = true } : new WriteProposal { LimitBytes = Bytes.Parse(l).Value }).ToList();
            IReadOnlyList<WritePrediction> predictions = WriteWhatIf.Sweep(replay.Workload, replay.Costs, capture, proposals);
            foreach ((string _, string op, string limit) in keys)
            {
                List<long[]> reps = measured[(workload, op, limit)];
                measured.TryGetValue((workload, op, "max"), out List<long[]>? unlimited);
                WritePrediction p = predictions[limits.IndexOf(limit)];
                bool predicts = op == "write" && p.Latency.Count > 0;
                long[] predicted = predicts ? [p.Latency.P50.TotalNanoseconds, p.Latency.P90.TotalNanoseconds, p.Latency.P99.TotalNanoseconds, p.Latency.P999.TotalNanoseconds] : [];
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

                    points.Add(new CorpusPoint(workload, Path.GetFileName(path), limit, op, Percentiles[k], predicts ? predicted[k] : null, min, max, inside, matters));
                }
            }
        }

        return points;
    }

    private static long LimitOrder(string limit) => limit == "max" ? long.MaxValue : Bytes.TryParse(limit, out Bytes b) ? b.Value : long.MaxValue - 1;
}
