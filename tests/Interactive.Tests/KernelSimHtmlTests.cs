using KernelSim.Models.Memcg;
using KernelSim.Replay.WhatIf;
using KernelSim.Statistics;
using KernelSim.Time;
using Microsoft.DotNet.Interactive.Formatting;

namespace KernelSim.Interactive.Tests;

public sealed class KernelSimHtmlTests
{
    private static WritePrediction Prediction(long limitMiB, params long[] latenciesNs) => new(
        new WriteProposal { LimitBytes = limitMiB << 20 },
        new MemcgConfig { LimitBytes = limitMiB << 20 },
        LatencyDistribution.FromNanoseconds(latenciesNs),
        ThroughputBytesPerSecond: 100 << 20,
        new TimeBreakdown(SimDuration.FromMicroseconds(30), SimDuration.FromMicroseconds(10), SimDuration.Zero, SimDuration.Zero, SimDuration.Zero, SimDuration.Zero),
        new MemcgCounters { ReclaimEpisodes = 7, MaxUsagePages = 1024 },
        [new MemcgSample(SimTime.FromNanoseconds(1_000_000_000), 100, 40, 10, 5, 0), new MemcgSample(SimTime.FromNanoseconds(1_500_000_000), 200, 60, 20, 8, 2)],
        new WritePathCosts());

    [Fact]
    public void Distribution_WithSamples_ShowsNearestRankPercentilesAndACdf()
    {
        string html = KernelSimHtml.Distribution(LatencyDistribution.FromNanoseconds([1000, 2000, 3000, 50_000]));

        Assert.Contains("class=\"ksim-table\"", html, StringComparison.Ordinal);
        Assert.Contains("<td>2.0 &#181;s</td>", html, StringComparison.Ordinal); // p50 of four: the 2nd (nearest rank)
        Assert.Contains("<td>50.0 &#181;s</td>", html, StringComparison.Ordinal); // max
        Assert.Contains("<svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Distribution_Empty_ShowsDashesAndNoChart()
    {
        string html = KernelSimHtml.Distribution(LatencyDistribution.FromNanoseconds([]));

        Assert.Contains("<td>-</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Prediction_ShowsLimitBreakdownSharesAndCounters()
    {
        string html = KernelSimHtml.Prediction(Prediction(256, 5000, 6000, 7000));

        Assert.Contains("v1 limit 256M", html, StringComparison.Ordinal);
        Assert.Contains("<td>75.0%</td>", html, StringComparison.Ordinal); // copy 30 of 40 µs
        Assert.Contains("<td>25.0%</td>", html, StringComparison.Ordinal); // reclaim 10 of 40 µs
        Assert.Contains("<td>7</td>", html, StringComparison.Ordinal);     // reclaim episodes
        Assert.Contains("time since the first sample (s)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_OneRowPerLimit_InOrder_WithAChart()
    {
        string html = KernelSimHtml.Sweep([Prediction(128, 9000), Prediction(1024, 7000), Prediction(64, 12_000) with { Proposal = new WriteProposal { Unlimited = true } }]);

        int i128 = html.IndexOf("<td>128M</td>", StringComparison.Ordinal);
        int i1g = html.IndexOf("<td>1G</td>", StringComparison.Ordinal);
        int iMax = html.IndexOf("<td>max</td>", StringComparison.Ordinal);
        Assert.True(i128 > 0 && i1g > i128 && iMax > i1g, html);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_CountsInsidePoints_MissesInBold_TextEscaped()
    {
        ValidationPoint[] points =
        [
            new("a<b>.trace.gz", "seq64k", "128M", "p99", 45_600, 64_300, 66_000, Inside: false),
            new("c.trace.gz", "seq64k", "1G", "p50", 7_400, 7_300, 7_300, Inside: true),
        ];

        string html = KernelSimHtml.Validation(points);

        Assert.Contains("1 of 2 points inside the measured range widened by 25% on each side", html, StringComparison.Ordinal);
        Assert.Contains("<b>miss</b>", html, StringComparison.Ordinal);
        Assert.Contains("a&lt;b&gt;.trace.gz", html, StringComparison.Ordinal);
        Assert.Contains("-29%", html, StringComparison.Ordinal); // 45.6 against the range's low end 64.3
    }

    [Fact]
    public void Register_MakesPredictionsSweepsAndValidationsRenderAsKernelSimTables()
    {
        KernelSimFormatters.Register();

        Assert.Contains("ksim-table", Formatter.ToDisplayString(Prediction(128, 9000), HtmlFormatter.MimeType), StringComparison.Ordinal);
        Assert.Contains("Sweep:", Formatter.ToDisplayString(new List<WritePrediction> { Prediction(128, 9000) }, HtmlFormatter.MimeType), StringComparison.Ordinal);
        Assert.Contains("Validation:", Formatter.ToDisplayString(new[] { new ValidationPoint("c", "w", "1G", "p50", 1, 1, 1, true) }, HtmlFormatter.MimeType), StringComparison.Ordinal);
        Assert.Contains("Latency distribution", Formatter.ToDisplayString(LatencyDistribution.FromNanoseconds([1]), HtmlFormatter.MimeType), StringComparison.Ordinal);
    }
}
