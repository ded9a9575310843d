using KernelSim.Replay.WhatIf;

namespace KernelSim.Cli.Commands;

/// <summary>PNG plots (ScottPlot, headless).</summary>
internal static class Plots
{
    private static readonly double[] Mantissas = [1.0, 2.0, 5.0];

    /// <summary>p50 and p99 write latency (µs, log scale) against the memory limit (MiB, log2 scale).</summary>
    public static void LatencyVsLimit(IReadOnlyList<WritePrediction> results, string path, string title, IReadOnlyList<(double LimitMiB, double P50Us, double P99Us)>? measured = null)
    {
        var plot = new ScottPlot.Plot();
        var limited = results.Where(r => r.Config.LimitBytes is not null).ToList();
        double[] xs = limited.Select(r => Math.Log2(r.Config.LimitBytes!.Value / 1048576.0)).ToArray();
        double[] p50 = limited.Select(r => Math.Log10(Math.Max(r.Latency.P50.TotalNanoseconds / 1000.0, 0.01))).ToArray();
        double[] p99 = limited.Select(r => Math.Log10(Math.Max(r.Latency.P99.TotalNanoseconds / 1000.0, 0.01))).ToArray();
        var s50 = plot.Add.Scatter(xs, p50);
        s50.LegendText = "predicted p50";
        var s99 = plot.Add.Scatter(xs, p99);
        s99.LegendText = "predicted p99";
        if (measured is { Count: > 0 })
        {
            var m50 = plot.Add.ScatterPoints(measured.Select(m => Math.Log2(m.LimitMiB)).ToArray(), measured.Select(m => Math.Log10(m.P50Us)).ToArray());
            m50.LegendText = "measured p50";
            var m99 = plot.Add.ScatterPoints(measured.Select(m => Math.Log2(m.LimitMiB)).ToArray(), measured.Select(m => Math.Log10(m.P99Us)).ToArray());
            m99.LegendText = "measured p99";
        }

        plot.Axes.Bottom.Label.Text = "memory limit (MiB, log2)";
        plot.Axes.Left.Label.Text = "write latency (µs, log10)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            xs.Select(x => new ScottPlot.Tick(x, Math.Round(Math.Pow(2, x)).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        // 1-2-5 ticks per decade, labelled in µs.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(-1, 6).SelectMany(e => Mantissas.Select(m => m * Math.Pow(10, e)))
                .Select(v => new ScottPlot.Tick(Math.Log10(v), v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        plot.Title(title);
        plot.ShowLegend();
        plot.SavePng(path, 800, 500);
    }
}
