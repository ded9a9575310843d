using System.Globalization;
using KernelSim.Units;

namespace KernelSim.Replay.WhatIf;

/// <summary>One (capture, workload, limit, percentile) comparison of a prediction with measurements.</summary>
/// <param name="Capture">Capture the prediction was made from.</param>
/// <param name="Workload">fio workload name (seq64k, seq4k, rand4k).</param>
/// <param name="Limit">Limit predicted ("128M", "max").</param>
/// <param name="Percentile">"p50", "p90" or "p99".</param>
/// <param name="PredictedNs">Predicted latency.</param>
/// <param name="MeasuredMinNs">Smallest measured value over the repetitions.</param>
/// <param name="MeasuredMaxNs">Largest measured value over the repetitions.</param>
/// <param name="Inside">True when the prediction lies inside [min × 0.75, max × 1.25].</param>
public sealed record ValidationPoint(string Capture, string Workload, string Limit, string Percentile, long PredictedNs, long MeasuredMinNs, long MeasuredMaxNs, bool Inside)
{
    /// <summary>Relative error against the nearest end of the measured range (0 when inside the raw range).</summary>
    public double RelativeError => PredictedNs < MeasuredMinNs ? (PredictedNs - MeasuredMinNs) / (double)MeasuredMinNs
        : PredictedNs > MeasuredMaxNs ? (PredictedNs - MeasuredMaxNs) / (double)MeasuredMaxNs : 0;
}

/// <summary>
/// Predicts every measured ground-truth point (traces/groundtruth/write-latency.csv: fio clat
/// percentiles per workload, limit and repetition) from each capture of the same workload, and says
/// whether each prediction lies inside the measured range widened by 25% on each side.
/// </summary>
public static class WriteValidation
{
    /// <summary>The band: measured min × (1 - 0.25) to measured max × (1 + 0.25).</summary>
    public const double Widening = 0.25;

    /// <summary>Runs the validation for every capture <c>fio-WORKLOAD-memcgLIMIT.trace.gz</c> (or .xz, .zst) in <paramref name="tracesDir"/>.</summary>
    /// <param name="tracesDir">Folder of captures (traces/).</param>
    /// <param name="groundTruthCsv">The measurements (write-latency.csv).</param>
    public static IReadOnlyList<ValidationPoint> Run(string tracesDir, string groundTruthCsv) => Run(tracesDir, groundTruthCsv, Formats.TraceReaderOptions.Default, null);

    /// <summary>As <see cref="Run(string, string)"/>, reading the captures with <paramref name="options"/>; what each read met goes to <paramref name="reads"/>.</summary>
    internal static IReadOnlyList<ValidationPoint> Run(string tracesDir, string groundTruthCsv, Formats.TraceReaderOptions options, ICollection<CaptureRead>? reads)
    {
        Dictionary<(string Workload, string Limit), List<long[]>> measured = ReadGroundTruth(groundTruthCsv);
        var points = new List<ValidationPoint>();
        foreach (string path in KernelSim.Replay.Capture.CaptureManifest.FindCaptures(tracesDir, "fio-*-memcg*"))
        {
            string name = Path.GetFileName(path);
            string[] parts = Path.GetFileName(KernelSim.Replay.Capture.CaptureManifest.CaptureBase(path)).Split('-');
            if (parts.Length != 3)
            {
                continue;
            }

            string workload = parts[1];
            var limits = measured.Keys.Where(k => k.Workload == workload).Select(k => k.Limit).ToList();
            if (limits.Count == 0)
            {
                continue;
            }

            WriteReplay replay = WriteReplay.Load(path, options);
            if (replay.Workload.Diagnostics.Reader is Formats.TraceDiagnostics d)
            {
                reads?.Add(new CaptureRead(name, d));
            }
            CaptureConfig capture = CaptureConfig.ForTrace(path);
            var proposals = limits.Select(l => l == "max" ? new WriteProposal { Unlimited = true } : new WriteProposal { LimitBytes = Bytes.Parse(l).Value }).ToList();
            IReadOnlyList<WritePrediction> predictions = WriteWhatIf.Sweep(replay.Workload, replay.Costs, capture, proposals);
            for (int i = 0; i < limits.Count; i++)
            {
                List<long[]> reps = measured[(workload, limits[i])];
                WritePrediction p = predictions[i];
                long[] predicted = [p.Latency.P50.TotalNanoseconds, p.Latency.P90.TotalNanoseconds, p.Latency.P99.TotalNanoseconds];
                string[] names = ["p50", "p90", "p99"];
                for (int k = 0; k < 3; k++)
                {
                    long min = reps.Min(r => r[k]);
                    long max = reps.Max(r => r[k]);
                    bool inside = predicted[k] >= min * (1 - Widening) && predicted[k] <= max * (1 + Widening);
                    points.Add(new ValidationPoint(name, workload, limits[i], names[k], predicted[k], min, max, inside));
                }
            }
        }

        return points;
    }

    /// <summary>(workload, limit) -> each repetition's [p50, p90, p99] in ns, from a measure-writes CSV.</summary>
    internal static Dictionary<(string, string), List<long[]>> ReadGroundTruth(string csv)
    {
        var result = new Dictionary<(string, string), List<long[]>>();
        GroundTruthCsv t = GroundTruthCsv.Read(csv, "a measure-writes CSV", "workload", "limit", "p50_ns", "p90_ns", "p99_ns");
        foreach ((int Line, string[] Fields) row in t.Rows)
        {
            var key = (t.Text(row, "workload"), t.Text(row, "limit"));
            if (!result.TryGetValue(key, out List<long[]>? list))
            {
                list = [];
                result.Add(key, list);
            }

            list.Add([t.Int64(row, "p50_ns"), t.Int64(row, "p90_ns"), t.Int64(row, "p99_ns")]);
        }

        return result;
    }
}
