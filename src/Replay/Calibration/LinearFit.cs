using System.Globalization;

namespace KernelSim.Replay.Calibration;

/// <summary>
/// An ordinary least-squares fit of one cost (the response) on a few features, with the goodness-of-fit
/// figures a reader needs to judge it: sample size, R², residual spread, and per-term standard errors.
/// Terms the sample could not identify (a feature that barely varied, or was collinear with others) carry no
/// estimate and say why, instead of an arbitrary number.
/// </summary>
/// <param name="Response">What was fitted, with its unit ("write latency, ns").</param>
/// <param name="Terms">The coefficients; the intercept, if the model has one, comes first.</param>
/// <param name="HasIntercept">True when <see cref="Terms"/>[0] is an intercept.</param>
/// <param name="Count">Samples used.</param>
/// <param name="RSquared">1 − SSE/SST with SST about the mean (also for models without intercept, where it can be negative); NaN without samples.</param>
/// <param name="ResidualStandardDeviation">sqrt(SSE / (n − p)), response units; NaN when n ≤ p.</param>
/// <param name="ResidualP05">5th percentile of the residuals (observed − fitted).</param>
/// <param name="ResidualP95">95th percentile of the residuals.</param>
public sealed record LinearFit(
    string Response,
    IReadOnlyList<FitTerm> Terms,
    bool HasIntercept,
    int Count,
    double RSquared,
    double ResidualStandardDeviation,
    double ResidualP05,
    double ResidualP95)
{
    /// <summary>The term called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such term.</exception>
    public FitTerm Term(string name)
    {
        foreach (FitTerm t in Terms)
        {
            if (t.Name == name)
            {
                return t;
            }
        }

        throw new KeyNotFoundException($"The fit of {Response} has no term '{name}'.");
    }

    /// <summary>The estimate of term <paramref name="name"/>, or null when the sample did not identify it.</summary>
    /// <exception cref="KeyNotFoundException">There is no such term.</exception>
    public double? Estimate(string name) => Term(name).Estimate;

    /// <summary>
    /// The fitted response for feature values <paramref name="features"/>, given in the order of the non-intercept
    /// terms. Unidentified terms contribute nothing (their effect over the sample is in the intercept).
    /// </summary>
    /// <exception cref="ArgumentException">The number of features does not match the terms.</exception>
    public double Predict(ReadOnlySpan<double> features)
    {
        int offset = HasIntercept ? 1 : 0;
        if (features.Length != Terms.Count - offset)
        {
            throw new ArgumentException($"Expected {Terms.Count - offset} feature values, got {features.Length}.", nameof(features));
        }

        double y = HasIntercept ? Terms[0].Estimate ?? 0 : 0;
        for (int i = 0; i < features.Length; i++)
        {
            y += (Terms[i + offset].Estimate ?? 0) * features[i];
        }

        return y;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (FitTerm t in Terms)
        {
            parts.Add(t.Estimate is double v
                ? string.Create(CultureInfo.InvariantCulture, $"{t.Name}={v:G4}±{t.StandardError ?? double.NaN:G2}")
                : $"{t.Name}=n/a");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Response}: {string.Join(", ", parts)} (n={Count}, R²={RSquared:F3}, residual sd={ResidualStandardDeviation:G3}, p5..p95={ResidualP05:G3}..{ResidualP95:G3})");
    }
}
