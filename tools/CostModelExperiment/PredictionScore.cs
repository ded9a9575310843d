using System.Globalization;
using KernelSim.Replay.Calibration;
using KernelSim.Simulation;

namespace KernelSim.CostModelExperiment;

/// <summary>
/// How well one model predicted the per-write latencies of a capture: the error of each write's point
/// prediction, and the error of the predicted distribution's percentiles (what a what-if answer reports). All in
/// ns; percentiles by linear interpolation between order statistics.
/// </summary>
/// <remarks>
/// The predicted distribution is what a replay would produce: each write's point prediction plus a residual drawn
/// (seeded) from the model's own training residuals. Without that draw a point model's p99 is just its largest
/// typical prediction, and no model could reproduce a tail made of noise.
/// </remarks>
/// <param name="Model">"linear" or "learned".</param>
/// <param name="Count">Writes predicted.</param>
/// <param name="MeanAbsoluteError">Mean of |predicted − observed| over the writes.</param>
/// <param name="AbsoluteErrorP50">Median of |predicted − observed|.</param>
/// <param name="AbsoluteErrorP99">99th percentile of |predicted − observed|.</param>
/// <param name="ObservedP50">Median observed latency.</param>
/// <param name="PredictedP50">Median of the predicted distribution (point predictions plus drawn residuals).</param>
/// <param name="ObservedP99">99th percentile of observed latency.</param>
/// <param name="PredictedP99">99th percentile of the predicted distribution.</param>
public sealed record PredictionScore(
    string Model,
    int Count,
    double MeanAbsoluteError,
    double AbsoluteErrorP50,
    double AbsoluteErrorP99,
    double ObservedP50,
    double PredictedP50,
    double ObservedP99,
    double PredictedP99)
{
    /// <summary>Predicted minus observed median (signed).</summary>
    public double P50Error => PredictedP50 - ObservedP50;

    /// <summary>Predicted minus observed 99th percentile (signed).</summary>
    public double P99Error => PredictedP99 - ObservedP99;

    /// <summary>Scores point predictions against observations (same order, same length); the distribution adds seeded residual draws.</summary>
    internal static PredictionScore Of(string model, ReadOnlySpan<double> predicted, ReadOnlySpan<double> observed, ResidualQuantiles residuals, ulong seed)
    {
        int n = observed.Length;
        var abs = new double[n];
        var p = new double[n];
        var random = new DeterministicRandom(seed);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            abs[i] = Math.Abs(predicted[i] - observed[i]);
            sum += abs[i];
            p[i] = Math.Max(predicted[i] + residuals.Sample(random.NextDouble()), 0);
        }

        double[] o = observed.ToArray();
        Array.Sort(abs);
        Array.Sort(p);
        Array.Sort(o);
        return new PredictionScore(
            model,
            n,
            n > 0 ? sum / n : double.NaN,
            Quantiles.OfSorted(abs, 0.5),
            Quantiles.OfSorted(abs, 0.99),
            Quantiles.OfSorted(o, 0.5),
            Quantiles.OfSorted(p, 0.5),
            Quantiles.OfSorted(o, 0.99),
            Quantiles.OfSorted(p, 0.99));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Model,-8} n={Count} MAE={MeanAbsoluteError / 1e3:F2}us |err| p50={AbsoluteErrorP50 / 1e3:F2}us p99={AbsoluteErrorP99 / 1e3:F2}us; p50 {PredictedP50 / 1e3:F2} vs {ObservedP50 / 1e3:F2}us, p99 {PredictedP99 / 1e3:F2} vs {ObservedP99 / 1e3:F2}us");
}
