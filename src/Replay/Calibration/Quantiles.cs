namespace KernelSim.Replay.Calibration;

/// <summary>Quantiles of a sorted sample by linear interpolation between order statistics (Hyndman-Fan type 7, R's default).</summary>
internal static class Quantiles
{
    /// <summary>The <paramref name="p"/>-quantile (0 ≤ p ≤ 1) of an ascending array; NaN when empty.</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        double h = (sorted.Length - 1) * Math.Clamp(p, 0, 1);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
