namespace KernelSim.Replay.Calibration;

/// <summary>One coefficient of a <see cref="LinearFit"/>: its estimate, or why the data could not give one.</summary>
/// <param name="Name">The term ("per_call", "per_added_page", ...).</param>
/// <param name="Estimate">The least-squares estimate (response units per unit of the feature), or null when not identified.</param>
/// <param name="StandardError">Its standard error under the usual OLS assumptions (homoscedastic, independent residuals), or null.</param>
/// <param name="NotIdentifiedBecause">Why there is no estimate (the feature did not vary enough in the sample, or was collinear), or null.</param>
public sealed record FitTerm(string Name, double? Estimate, double? StandardError, string? NotIdentifiedBecause)
{
    /// <summary>True when the sample identified this coefficient.</summary>
    public bool IsIdentified => Estimate.HasValue;
}
