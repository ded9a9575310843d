using System.Globalization;
using KernelSim.Time;

namespace KernelSim.Statistics;

/// <summary>
/// An exact latency distribution over integer-nanosecond samples: count, mean, standard deviation,
/// percentiles by the nearest-rank method (every percentile is a sample that was observed), and CDF points.
/// </summary>
/// <remarks>
/// Nearest rank: the p-th percentile is the smallest sample x such that at least p% of samples are
/// &lt;= x (rank = ceil(p/100 * n)). It never interpolates, so p99.9 of a 1000-sample run is the
/// largest sample, as a latency SLO reader expects. Mean and standard deviation come from
/// MathNet.Numerics' numerically stable single-pass estimator.
/// </remarks>
public sealed class LatencyDistribution
{
    private readonly long[] _sorted;

    private LatencyDistribution(long[] sorted)
    {
        _sorted = sorted;
        if (sorted.Length > 0)
        {
            var (mean, sd) = MathNet.Numerics.Statistics.Statistics.MeanStandardDeviation(ToDoubles(sorted));
            Mean = SimDuration.FromNanoseconds((long)Math.Round(mean, MidpointRounding.AwayFromZero));
            StandardDeviationNanoseconds = sorted.Length > 1 ? sd : 0.0;
        }
    }

    /// <summary>Builds a distribution from samples in nanoseconds (the input is copied, not modified).</summary>
    /// <exception cref="ArgumentException">A sample is negative.</exception>
    public static LatencyDistribution FromNanoseconds(ReadOnlySpan<long> samples)
    {
        long[] copy = samples.ToArray();
        foreach (long s in copy)
        {
            if (s < 0)
            {
                throw new ArgumentException($"Latency samples must not be negative (found {s} ns).", nameof(samples));
            }
        }

        Array.Sort(copy);
        return new LatencyDistribution(copy);
    }

    /// <summary>Builds a distribution from durations.</summary>
    public static LatencyDistribution FromDurations(IEnumerable<SimDuration> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var list = new List<long>();
        foreach (SimDuration d in samples)
        {
            list.Add(d.TotalNanoseconds);
        }

        return FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
    }

    /// <summary>Number of samples.</summary>
    public int Count => _sorted.Length;

    /// <summary>Arithmetic mean (rounded to a nanosecond); zero when empty.</summary>
    public SimDuration Mean { get; }

    /// <summary>Sample standard deviation in nanoseconds; zero with fewer than two samples.</summary>
    public double StandardDeviationNanoseconds { get; }

    /// <summary>Smallest sample.</summary>
    public SimDuration Min => At(0);

    /// <summary>Largest sample.</summary>
    public SimDuration Max => At(_sorted.Length - 1);

    /// <summary>Median (nearest rank).</summary>
    public SimDuration P50 => Percentile(50);

    /// <summary>90th percentile (nearest rank).</summary>
    public SimDuration P90 => Percentile(90);

    /// <summary>99th percentile (nearest rank).</summary>
    public SimDuration P99 => Percentile(99);

    /// <summary>99.9th percentile (nearest rank).</summary>
    public SimDuration P999 => Percentile(99.9);

    /// <summary>The samples in ascending order.</summary>
    public ReadOnlySpan<long> SortedNanoseconds => _sorted;

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0 &lt; p &lt;= 100).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside (0, 100].</exception>
    /// <exception cref="InvalidOperationException">The distribution is empty.</exception>
    public SimDuration Percentile(double p)
    {
        if (!(p > 0 && p <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A percentile must be in (0, 100].");
        }

        // Decimal avoids 99.9/100*1000 = 999.0000000000001 rounding up to rank 1000.
        decimal exact = (decimal)p / 100m * _sorted.Length;
        long rank = (long)Math.Ceiling(exact);
        return At((int)Math.Max(rank - 1, 0));
    }

    /// <summary>Fraction of samples &lt;= <paramref name="value"/> (the empirical CDF).</summary>
    public double CumulativeFraction(SimDuration value)
    {
        if (_sorted.Length == 0)
        {
            return 0;
        }

        int idx = Array.BinarySearch(_sorted, value.TotalNanoseconds);
        if (idx < 0)
        {
            idx = ~idx;
        }
        else
        {
            while (idx < _sorted.Length && _sorted[idx] == value.TotalNanoseconds)
            {
                idx++;
            }
        }

        return (double)idx / _sorted.Length;
    }

    /// <summary>
    /// Up to <paramref name="maxPoints"/> points of the empirical CDF (value, fraction &lt;= value),
    /// always including the minimum and the maximum; suitable for plotting.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPoints"/> is less than 2.</exception>
    public IReadOnlyList<CdfPoint> Cdf(int maxPoints = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        var points = new List<CdfPoint>();
        int n = _sorted.Length;
        if (n == 0)
        {
            return points;
        }

        int steps = Math.Min(maxPoints, n);
        int lastIndex = -1;
        for (int i = 1; i <= steps; i++)
        {
            int idx = (int)(((long)i * n + steps - 1) / steps) - 1;
            // Move to the last occurrence of an equal value so the fraction is the true CDF.
            while (idx + 1 < n && _sorted[idx + 1] == _sorted[idx])
            {
                idx++;
            }

            if (idx == lastIndex)
            {
                continue;
            }

            if (lastIndex < 0 && idx > 0 && _sorted[0] != _sorted[idx])
            {
                int first = 0;
                while (first + 1 < n && _sorted[first + 1] == _sorted[0])
                {
                    first++;
                }

                points.Add(new CdfPoint(SimDuration.FromNanoseconds(_sorted[0]), (double)(first + 1) / n));
            }

            points.Add(new CdfPoint(SimDuration.FromNanoseconds(_sorted[idx]), (double)(idx + 1) / n));
            lastIndex = idx;
        }

        return points;
    }

    /// <inheritdoc />
    public override string ToString() => Count == 0
        ? "empty"
        : string.Create(CultureInfo.InvariantCulture, $"n={Count} p50={P50} p90={P90} p99={P99} p99.9={P999} max={Max} mean={Mean}");

    private SimDuration At(int index)
    {
        if (_sorted.Length == 0)
        {
            throw new InvalidOperationException("The distribution has no samples.");
        }

        return SimDuration.FromNanoseconds(_sorted[index]);
    }

    private static IEnumerable<double> ToDoubles(long[] values)
    {
        foreach (long v in values)
        {
            yield return v;
        }
    }
}
