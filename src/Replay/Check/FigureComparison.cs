using System.Globalization;

namespace KernelSim.Replay.Check;

/// <summary>
/// The recorded-vs-modelled bookkeeping the conformance checks share: each compared figure adds
/// <c>NAME_recorded</c>, <c>NAME_model</c> and <c>NAME_rel_error</c>, counts as agreed within its tolerance and
/// otherwise adds a readable mismatch.
/// </summary>
internal sealed class FigureComparison
{
    private long _compared;
    private long _agreed;

    /// <summary>Every figure so far (JSON-friendly numbers).</summary>
    public SortedDictionary<string, double> Figures { get; } = new(StringComparer.Ordinal);

    /// <summary>The disagreements so far, and any notes a check adds.</summary>
    public List<string> Mismatches { get; } = [];

    /// <summary>Compares one figure; a recorded 0 agrees only with a modelled 0.</summary>
    public void Compare(string name, double recorded, double modelled, double tolerance, string unit)
    {
        Figures[name + "_recorded"] = recorded;
        Figures[name + "_model"] = modelled;
        double err = recorded == 0 ? (modelled == 0 ? 0 : 1) : Math.Abs(modelled - recorded) / Math.Abs(recorded);
        Figures[name + "_rel_error"] = Math.Round(err, 4);
        _compared++;
        if (err <= tolerance)
        {
            _agreed++;
        }
        else
        {
            Mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: recorded {recorded:0.###} {unit}, model {modelled:0.###} {unit} ({err:P0} off, tolerance {tolerance:P0})"));
        }
    }

    /// <summary>The result under the model's key.</summary>
    public ModelCheckResult Result(string model) => new(model, _compared, _agreed, Figures, Mismatches);
}
