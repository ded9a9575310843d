using System.Globalization;

namespace KernelSim.Lowo;

/// <summary>One axis of the grid: FROM, FROM + STEP, ... up to TO (nanoseconds).</summary>
internal readonly record struct Axis(long From, long To, long Step)
{
    /// <summary>Parses FROM:TO:STEP (non-negative, STEP positive, FROM at most TO).</summary>
    /// <exception cref="FormatException">Not three such integers.</exception>
    public static Axis Parse(string text, string name)
    {
        string[] parts = text.Split(':');
        if (parts.Length == 3
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long from)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long to)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long step)
            && step > 0 && from <= to)
        {
            return new Axis(from, to, step);
        }

        throw new FormatException($"{name} '{text}': expected FROM:TO:STEP in nanoseconds (0 <= FROM <= TO, STEP > 0), e.g. 0:480:40");
    }

    /// <summary>The axis's values, ascending.</summary>
    public long[] Values()
    {
        var v = new List<long>();
        for (long x = From; x <= To; x += Step)
        {
            v.Add(x);
        }

        return [.. v];
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{From}-{To} ns step {Step} ({Values().Length} values)");
}
