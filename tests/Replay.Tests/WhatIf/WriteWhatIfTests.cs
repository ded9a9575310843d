using KernelSim.Replay.Check;
using KernelSim.Replay.Tests.Formats;
using KernelSim.Replay.WhatIf;
using KernelSim.Units;

namespace KernelSim.Replay.Tests.WhatIf;

/// <summary>The write what-if on the committed captures, against the kernel's own records and the measured ground truth.</summary>
public class WriteWhatIfTests
{
    private static readonly Lazy<WriteReplay> Seq64k1G = new(() => WriteReplay.Load(Fixtures.Trace("fio-seq64k-memcg1G.trace.gz")));
    private static readonly Lazy<WriteReplay> Seq64k128M = new(() => WriteReplay.Load(Fixtures.Trace("fio-seq64k-memcg128M.trace.gz")));

    private static WriteProposal Limit(string size) => size == "max" ? new WriteProposal { Unlimited = true } : new WriteProposal { LimitBytes = Bytes.Parse(size).Value };

    [Fact]
    public void Sweep_ParallelEqualsSequential()
    {
        WriteReplay r = Seq64k1G.Value;
        CaptureConfig c = CaptureConfig.ForTrace(r.Source);
        WriteProposal[] proposals = new[] { "64M", "128M", "256M", "512M", "1G", "2G", "4G", "max" }.Select(Limit).ToArray();
        IReadOnlyList<WritePrediction> parallel = WriteWhatIf.Sweep(r.Workload, r.Costs, c, proposals);
        for (int i = 0; i < proposals.Length; i++)
        {
            WritePrediction one = WriteWhatIf.Predict(r.Workload, r.Costs, c, proposals[i]);
            Assert.Equal(one.Latency.SortedNanoseconds.ToArray(), parallel[i].Latency.SortedNanoseconds.ToArray());
            Assert.Equal(one.Counters, parallel[i].Counters);
        }
    }

    [Fact]
    public void Predict_AsCaptured_MedianWithinTenPercentOfTheUntracedRun()
    {
        // The capture's untraced twin (same limit, same workload) is the ground truth for "as captured".
        WriteReplay r = Seq64k1G.Value;
        WritePrediction p = WriteWhatIf.Predict(r.Workload, r.Costs, CaptureConfig.ForTrace(r.Source), new WriteProposal());
        double measured = FioP50(Fixtures.Trace("fio-seq64k-memcg1G.untraced.fio.json"));
        Assert.InRange(p.Latency.P50.TotalNanoseconds, measured * 0.9, measured * 1.1);
        Assert.Equal(0, p.Counters.ReclaimEpisodes);
    }

    [Fact]
    public void Predict_From1GCapture_PutsTheKneeBetween512MAnd1G()
    {
        // Measured (traces/groundtruth): seq64k p99 is 10-18 us at 1G and 50-57 us at 512M. The model puts the knee
        // there (reclaim starts between the two) but under-predicts its height (README: 512M p99 35 vs 50-57 us).
        WriteReplay r = Seq64k1G.Value;
        CaptureConfig c = CaptureConfig.ForTrace(r.Source);
        IReadOnlyList<WritePrediction> s = WriteWhatIf.Sweep(r.Workload, r.Costs, c, [Limit("512M"), Limit("1G")]);
        Assert.True(s[0].Latency.P99.TotalNanoseconds > 1.25 * s[1].Latency.P99.TotalNanoseconds, $"512M p99 {s[0].Latency.P99} vs 1G p99 {s[1].Latency.P99}");
        Assert.True(s[0].Counters.ReclaimEpisodes > 0);
        Assert.Equal(0, s[1].Counters.ReclaimEpisodes);
    }

    [Fact]
    public void Predict_TighterLimit_NeverFewerReclaimEpisodes()
    {
        WriteReplay r = Seq64k1G.Value;
        CaptureConfig c = CaptureConfig.ForTrace(r.Source);
        IReadOnlyList<WritePrediction> s = WriteWhatIf.Sweep(r.Workload, r.Costs, c, new[] { "64M", "128M", "256M", "512M", "1G" }.Select(Limit).ToArray());
        for (int i = 1; i < s.Count; i++)
        {
            Assert.True(s[i].Counters.ReclaimEpisodes <= s[i - 1].Counters.ReclaimEpisodes);
        }
    }

    [Fact]
    public void Predict_BreakdownAddsUpToTheLatencies()
    {
        WriteReplay r = Seq64k128M.Value;
        WritePrediction p = WriteWhatIf.Predict(r.Workload, r.Costs, CaptureConfig.ForTrace(r.Source), new WriteProposal());
        long sum = p.Latency.SortedNanoseconds.ToArray().Sum();
        long parts = p.Breakdown.Total.TotalNanoseconds;
        // Latency also holds serialisation behind other threads' work; it never falls short of the parts.
        Assert.True(sum >= parts, $"latencies {sum} < parts {parts}");
        Assert.True(parts >= sum * 0.95, $"parts {parts} explain < 95% of {sum}");
        Assert.True(p.Breakdown.Reclaim.TotalNanoseconds > 0);
    }

    [Theory]
    [InlineData("fio-seq64k-memcg128M")]
    [InlineData("fio-seq4k-memcg128M")]
    [InlineData("fio-rand4k-memcg128M")]
    public void MemcgCheck_128MCaptures_EveryFigureAgrees(string capture)
    {
        // Episodes within 20%, stall within 25%, end memory.stat (cache, dirty, inactive_file, active_file) within
        // 10%: the conformance bar, on every committed capture that reclaimed.
        string path = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(Path.Combine(Fixtures.RepoRoot, "traces"), capture).Single();
        ModelCheckResult r = MemcgCheck.Run(path);
        Assert.Equal("memcg", r.Model);
        Assert.Equal(6, r.Compared);
        Assert.True(r.Agreed == r.Compared, string.Join("; ", r.Mismatches));
    }

    [Fact]
    public void MemcgCheck_DdCapture_EveryFigureAgrees()
    {
        // Not fio: dd bs=1M count=512 conv=fsync under 256M (traces/dd-1M-memcg256M), a workload the model was not
        // developed on: episodes 265 = 265, stall 23.5 vs 30.3 ms, end stat within 1 MiB.
        string path = Path.Combine(Fixtures.RepoRoot, "traces", "dd-1M-memcg256M.trace.gz");
        ModelCheckResult r = MemcgCheck.Run(path);
        Assert.Equal(6, r.Compared);
        Assert.True(r.Agreed == r.Compared, string.Join("; ", r.Mismatches));
    }

    [Fact]
    public void Validate_AtLeastEightyPercentOfMeasuredPointsInsideTheBand()
    {
        // The aim is 90%; 97 of 108 (89.8%) were inside when this was written (README lists every miss and its
        // cause); this pins that level so a regression shows. Points: 3 workloads x 6 limits x p50/p90/p99, each
        // from a 128M and a 1G capture.
        IReadOnlyList<ValidationPoint> points = WriteValidation.Run(Path.Combine(Fixtures.RepoRoot, "traces"), Path.Combine(Fixtures.RepoRoot, "traces", "groundtruth", "write-latency.csv"));
        Assert.Equal(108, points.Count);
        double inside = points.Count(p => p.Inside) / (double)points.Count;
        Assert.True(inside >= 0.88, $"only {inside:P0} inside");
    }

    private static double FioP50(string path)
    {
        string text = File.ReadAllText(path);
        using var doc = System.Text.Json.JsonDocument.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..]);
        return doc.RootElement.GetProperty("jobs")[0].GetProperty("write").GetProperty("clat_ns").GetProperty("percentile").GetProperty("50.000000").GetDouble();
    }
}

public class DirtyThrottleWhatIfTests
{
    [Fact]
    public void Predict_DirtyBytes32M_FromThe1GCapture_MatchesTheMeasuredPauseTail()
    {
        // Ground truth: fio-seq64k-dirtybytes32M.untraced.fio.json (vm.dirty_bytes 32M, unlimited memcg):
        // p99.9 = 14.09 ms, max = 14.20 ms (balance_dirty_pages pauses of ~3-4 jiffies).
        string path = Fixtures.Trace("fio-seq64k-memcg1G.trace.gz");
        WriteReplay r = WriteReplay.Load(path);
        WritePrediction p = WriteWhatIf.Predict(r.Workload, r.Costs, CaptureConfig.ForTrace(path), new WriteProposal { Unlimited = true, DirtyBytes = 32L << 20, DirtyBackgroundBytes = 16L << 20 });
        Assert.InRange(p.Latency.P999.TotalNanoseconds, 14_090_000 * 0.75, 14_090_000 * 1.25);
        Assert.True(p.Breakdown.DirtyPause.TotalNanoseconds > 0);
        WritePrediction none = WriteWhatIf.Predict(r.Workload, r.Costs, CaptureConfig.ForTrace(path), new WriteProposal { Unlimited = true });
        Assert.Equal(0, none.Breakdown.DirtyPause.TotalNanoseconds);
    }
}

public class StopScenarioFromTraceTests
{
    [Fact]
    public void Build_PidnsCapture_TreeUnderTheNamespaceInit_AndItsStopNeedsSigkill()
    {
        // pidns-signals: unshare (host pid 12992) is PID 1 of the namespace; bash children under it.
        IReadOnlyList<KernelSim.Models.Signals.StopProcessSpec> tree = StopScenarioFromTrace.Build(Fixtures.Trace("pidns-signals.trace.gz"), 12992);
        Assert.Single(tree, p => p.Parent is null);
        Assert.Equal("unshare-12992", tree.Single(p => p.Parent is null).Name);
        Assert.True(tree.Count > 5);
        KernelSim.Models.Signals.StopOutcome o = KernelSim.Models.Signals.ContainerStop.Predict(tree, KernelSim.Models.Signals.StopPolicy.DockerDefault);
        Assert.True(o.NeededKill);
        Assert.All(o.ExitSignals.Values, s => Assert.Equal(KernelSim.Models.Signals.SignalNumbers.SIGKILL, s));
    }

    [Fact]
    public void Build_UnknownRoot_TraceFormatException() =>
        Assert.Throws<KernelSim.Replay.Formats.TraceFormatException>(() => StopScenarioFromTrace.Build(Fixtures.Trace("pidns-signals.trace.gz"), 999_999));
}
