using KernelSim.Statistics;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>A predicted percentile with the interval it should be read with.</summary>
/// <param name="Percentile">The percentile (50, 90, 99, 99.9).</param>
/// <param name="Estimate">The prediction.</param>
/// <param name="Low">Lower end.</param>
/// <param name="High">Upper end.</param>
/// <param name="ModelError">How far the model, replaying the capture as captured, was from what the trace recorded at this percentile (relative; 0 when the trace has too few writes to tell).</param>
public sealed record PercentileInterval(double Percentile, SimDuration Estimate, SimDuration Low, SimDuration High, double ModelError)
{
    /// <summary>The percentiles a write what-if reports.</summary>
    public static readonly double[] Reported = [50, 90, 99, 99.9];

    // Two-sided 95% normal quantile.
    private const double Z95 = 1.959964;

    /// <summary>
    /// Intervals for a prediction: the distribution-free 95% interval of the percentile from the predicted sample's
    /// order statistics (ranks n·q ∓ z·√(n·q·(1−q)): how much the percentile of this many operations moves by
    /// chance), widened on each side by the model's own error at that percentile on the capture (the replay as
    /// captured against the trace, tracing overhead added back): a model that misses its own capture by 30% at p99
    /// cannot claim less for a proposal.
    /// </summary>
    /// <param name="predicted">The proposal's prediction.</param>
    /// <param name="selfReplay">The capture replayed as captured with traced costs (null: no model-error term).</param>
    /// <param name="observed">The trace's own latencies (with tracing overhead).</param>
    public static IReadOnlyList<PercentileInterval> For(LatencyDistribution predicted, LatencyDistribution? selfReplay, LatencyDistribution observed) =>
        For(predicted, selfReplay, observed, DefaultTracedFrameOffset);

    /// <summary>
    /// The default of <see cref="WriteTrust.TracedFrameOffset"/>: three traced events of the lab default cost put back, its
    /// default crossing taken off (for a capture without the kit's syscall probe).
    /// </summary>
    public static readonly SimDuration DefaultTracedFrameOffset =
        SimDuration.FromNanoseconds((3 * WriteReplay.TracingCostPerEvent.TotalNanoseconds) - new KernelSim.Models.Memcg.WritePathCosts().SyscallCrossing.TotalNanoseconds);

    /// <summary>Intervals as <see cref="For(LatencyDistribution, LatencyDistribution?, LatencyDistribution)"/>, with the self replay moved into the trace's frame by <paramref name="tracedFrameOffset"/> (<see cref="WriteTrust.TracedFrameOffset"/>).</summary>
    /// <param name="predicted">The proposal's prediction.</param>
    /// <param name="selfReplay">The capture replayed as captured with traced costs (null: no model-error term).</param>
    /// <param name="observed">The trace's own latencies (with tracing overhead).</param>
    /// <param name="tracedFrameOffset">Added to the self replay's percentiles before they are compared with the trace's.</param>
    public static IReadOnlyList<PercentileInterval> For(LatencyDistribution predicted, LatencyDistribution? selfReplay, LatencyDistribution observed, SimDuration tracedFrameOffset)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(observed);
        var result = new List<PercentileInterval>(Reported.Length);
        if (predicted.Count == 0)
        {
            return result;
        }

        ReadOnlySpan<long> sorted = predicted.SortedNanoseconds;
        int n = sorted.Length;
        double perWriteTracing = tracedFrameOffset.TotalNanoseconds;
        foreach (double pct in Reported)
        {
            double q = pct / 100;
            double half = Z95 * Math.Sqrt(n * q * (1 - q));
            int lo = (int)Math.Clamp(Math.Floor((n * q) - half) - 1, 0, n - 1);
            int hi = (int)Math.Clamp(Math.Ceiling((n * q) + half) - 1, 0, n - 1);
            double err = 0;
            if (selfReplay is { Count: > 0 } s && observed.Count > 0 && observed.Count * (1 - q) >= 10)
            {
                // Only where the trace holds at least ten writes above the percentile: fewer say nothing about it.
                double rec = observed.Percentile(pct).TotalNanoseconds;
                double mod = s.Percentile(pct).TotalNanoseconds + perWriteTracing;
                err = rec > 0 ? Math.Abs(mod - rec) / rec : 0;
            }

            long low = (long)Math.Floor(sorted[lo] / (1 + err));
            long high = (long)Math.Ceiling(sorted[hi] * (1 + err));
            result.Add(new PercentileInterval(pct, predicted.Percentile(pct), SimDuration.FromNanoseconds(low), SimDuration.FromNanoseconds(high), Math.Round(err, 4)));
        }

        return result;
    }
}
