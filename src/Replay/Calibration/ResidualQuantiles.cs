using System.Globalization;

namespace KernelSim.Replay.Calibration;

/// <summary>
/// The empirical distribution of a fit's residuals (observed − fitted), kept as quantiles rather than samples,
/// so a replay can add a deterministic, seeded draw of the non-modelled variation (the base-cost tail of writes
/// that met no reclaim) to each modelled operation.
/// </summary>
/// <param name="Levels">Probability levels in ascending order, from 0 to 1 inclusive.</param>
/// <param name="Values">The residual at each level, in the fit's response unit (ns); ascending.</param>
/// <param name="Count">Samples the quantiles were computed from.</param>
public sealed record ResidualQuantiles(IReadOnlyList<double> Levels, IReadOnlyList<double> Values, int Count)
{
    /// <summary>
    /// The levels kept: every percent, plus 0.1 %, 0.5 %, 99.5 %, 99.9 %, 99.95 % and 99.99 %, so the tail a
    /// latency SLO reads (p99.9) is represented by a stored point rather than an interpolation.
    /// </summary>
    public static IReadOnlyList<double> StandardLevels { get; } = BuildLevels();

    /// <summary>An empty distribution (no samples): <see cref="Sample"/> returns 0.</summary>
    public static ResidualQuantiles Empty { get; } = new([0.0, 1.0], [0.0, 0.0], 0);

    /// <summary>
    /// The inverse CDF at <paramref name="u"/> (0 ≤ u ≤ 1), interpolating linearly between stored levels.
    /// Feed it a seeded uniform draw to sample a residual.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="u"/> is outside [0, 1].</exception>
    public double Sample(double u)
    {
        if (!(u >= 0 && u <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(u), u, "A probability must be in [0, 1].");
        }

        int hi = 1;
        while (hi < Levels.Count - 1 && Levels[hi] < u)
        {
            hi++;
        }

        int lo = hi - 1;
        double span = Levels[hi] - Levels[lo];
        double t = span > 0 ? (u - Levels[lo]) / span : 0;
        return Values[lo] + (t * (Values[hi] - Values[lo]));
    }

    /// <summary>The residual at a stored level (e.g. 0.999), or the interpolated value between stored levels.</summary>
    public double At(double level) => Sample(level);

    /// <summary>Builds the quantiles of <paramref name="residuals"/> (sorted in place) at <see cref="StandardLevels"/>.</summary>
    internal static ResidualQuantiles FromResiduals(double[] residuals)
    {
        if (residuals.Length == 0)
        {
            return Empty;
        }

        Array.Sort(residuals);
        var values = new double[StandardLevels.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Quantiles.OfSorted(residuals, StandardLevels[i]);
        }

        return new ResidualQuantiles(StandardLevels, values, residuals.Length);
    }

    /// <inheritdoc />
    public override string ToString() => Count == 0
        ? "no residuals"
        : string.Create(CultureInfo.InvariantCulture, $"n={Count} p1={At(0.01):F0} p50={At(0.5):F0} p90={At(0.9):F0} p99={At(0.99):F0} p99.9={At(0.999):F0} max={At(1):F0}");

    private static double[] BuildLevels()
    {
        var levels = new SortedSet<double> { 0.001, 0.005, 0.995, 0.999, 0.9995, 0.9999 };
        for (int i = 0; i <= 100; i++)
        {
            levels.Add(i / 100.0);
        }

        return [.. levels];
    }
}
