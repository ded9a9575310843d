namespace KernelSim.Replay.Check;

/// <summary>
/// How well one model, replayed under the configuration a trace was captured with, reproduces what
/// the kernel recorded in that trace (the conformance check behind <c>ksim check</c>).
/// </summary>
/// <param name="Model">The model's key in <c>ksim check --json</c> output ("memcg", "writeback", ...).</param>
/// <param name="Compared">Number of recorded decisions or figures compared.</param>
/// <param name="Agreed">How many of those agreed within the stated tolerance.</param>
/// <param name="Figures">Named figures (recorded vs modelled values, errors, tolerances), JSON-friendly numbers.</param>
/// <param name="Mismatches">Human-readable descriptions of disagreements (the first ones, bounded).</param>
public sealed record ModelCheckResult(
    string Model,
    long Compared,
    long Agreed,
    IReadOnlyDictionary<string, double> Figures,
    IReadOnlyList<string> Mismatches)
{
    /// <summary>
    /// Results that were not compared because the trace cannot decide them (for example a signal result the
    /// namespace-init guard explains in a trace without fork/exec events), each saying which events would decide
    /// it; not disagreements.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when every compared item agreed.</summary>
    public bool AllAgree => Compared == Agreed;
}
