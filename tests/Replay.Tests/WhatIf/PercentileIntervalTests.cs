using KernelSim.Replay.WhatIf;
using KernelSim.Statistics;

namespace KernelSim.Replay.Tests.WhatIf;

public class PercentileIntervalTests
{
    private static LatencyDistribution Uniform(int n, long step) =>
        LatencyDistribution.FromNanoseconds(Enumerable.Range(1, n).Select(i => i * step).ToArray());

    [Fact]
    public void For_NoModelError_OrderStatisticInterval()
    {
        // 10,000 samples 1..10,000 us: the 95% rank interval of p50 is 5000 -/+ 1.96*50 = ranks 4902..5098.
        LatencyDistribution d = Uniform(10_000, 1000);
        IReadOnlyList<PercentileInterval> iv = PercentileInterval.For(d, selfReplay: null, observed: d);
        PercentileInterval p50 = iv.Single(i => i.Percentile == 50);
        Assert.Equal(0, p50.ModelError);
        Assert.InRange(p50.Low.TotalNanoseconds, 4_900_000, 4_903_000);
        Assert.InRange(p50.High.TotalNanoseconds, 5_097_000, 5_100_000);
        Assert.All(iv, i => Assert.InRange(i.Estimate.TotalNanoseconds, i.Low.TotalNanoseconds, i.High.TotalNanoseconds));
    }

    [Fact]
    public void For_ModelMissesItsOwnCapture_IntervalWidenedByThatError()
    {
        LatencyDistribution predicted = Uniform(10_000, 1000);
        LatencyDistribution observed = Uniform(10_000, 1000);
        // The self replay is 20% slow everywhere (before the tracing overhead it adds back).
        LatencyDistribution self = LatencyDistribution.FromNanoseconds(Enumerable.Range(1, 10_000).Select(i => (long)(i * 1200) - 840).ToArray());
        PercentileInterval p90 = PercentileInterval.For(predicted, self, observed).Single(i => i.Percentile == 90);
        Assert.InRange(p90.ModelError, 0.199, 0.201);
        Assert.True(p90.High.TotalNanoseconds >= 9_000_000 * 1.19);
        Assert.True(p90.Low.TotalNanoseconds <= 9_000_000 / 1.19);
    }

    [Fact]
    public void For_TooFewWritesAboveTheTail_NoModelErrorClaimed()
    {
        // 500 writes: p99.9 has fewer than 10 above it, so the capture says nothing about the model's error there.
        LatencyDistribution d = Uniform(500, 1000);
        LatencyDistribution self = Uniform(500, 2000);
        PercentileInterval p999 = PercentileInterval.For(d, self, d).Single(i => i.Percentile == 99.9);
        Assert.Equal(0, p999.ModelError);
    }
}
