using KernelSim.Replay.Calibration;
using KernelSim.Replay.Tests.Workload;
using KernelSim.Replay.Workload;
using Xunit.Abstractions;

namespace KernelSim.Replay.Tests.Calibration;

/// <summary><see cref="WriteCalibrator"/> on the committed fio captures.</summary>
public class WriteCalibratorTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Captures.FioTheory), MemberType = typeof(Captures))]
    public void Fit_Capture_ReportsEachFitWithItsGoodness(string name)
    {
        WriteWorkload w = Captures.Workload(name);
        WriteCalibration c = WriteCalibrator.Fit(w);
        output.WriteLine(c.ToString());

        // Base cost: the per-call term is always identified (the mean base cost, when nothing else varies).
        Assert.True(c.BaseCost.Estimate(WriteCalibration.PerCall) > 0);
        Assert.True(c.BaseCost.Count > 1000);
        Assert.False(double.IsNaN(c.BaseCost.RSquared));
        Assert.True(c.BaseCost.ResidualStandardDeviation > 0);
        Assert.Equal(c.BaseCost.Count, c.BaseResiduals.Count);
        Assert.True(c.BaseResiduals.At(0.5) <= c.BaseResiduals.At(0.999));

        // Within one capture every write has the same size and adds the same pages, so the split is not identified
        // (the notes say so); no committed capture writes over already-cached pages.
        Assert.False(c.BaseCost.Term(WriteCalibration.PerCachedPage).IsIdentified);
        Assert.Contains(c.Notes, n => n.StartsWith(WriteCalibration.PerAddedPage + " not identified", StringComparison.Ordinal));

        // Reclaim: where writes reclaimed (the 128M captures) both costs are positive and explain most of the
        // reclaim CPU time; elsewhere they are reported as not identified.
        bool reclaimed = w.Ops.Any(o => o.Positional && o.ReclaimEpisodes > 0);
        Assert.Equal(reclaimed, c.ReclaimCost.Term(WriteCalibration.PerEpisode).IsIdentified);
        if (reclaimed)
        {
            Assert.True(c.ReclaimCost.Estimate(WriteCalibration.PerEpisode) > 0);
            Assert.True(c.ReclaimCost.Estimate(WriteCalibration.PerUnreclaimedPage) > 0);
            Assert.InRange(c.ReclaimCost.RSquared, 0.5, 1);
        }

        Assert.True(c.DeviceBytesPerSecond > 100e6);
    }

    [Theory]
    [InlineData("fio-seq4k-memcg1G", "fio-seq64k-memcg1G")]
    [InlineData("fio-seq4k-memcg128M", "fio-seq64k-memcg128M")]
    public void Fit_PooledWriteSizes_SeparatesPerCallAndPerPageCosts(string small, string large)
    {
        // 4 KiB writes add 1 page, 64 KiB writes add 16: pooled, the two costs separate.
        WriteCalibration c = WriteCalibrator.Fit([Captures.Workload(small), Captures.Workload(large)]);
        output.WriteLine(c.ToString());

        FitTerm perCall = c.BaseCost.Term(WriteCalibration.PerCall);
        FitTerm perPage = c.BaseCost.Term(WriteCalibration.PerAddedPage);
        Assert.True(perCall.Estimate > 0);
        Assert.True(perPage.Estimate > 0);
        Assert.True(perPage.Estimate > 4 * perPage.StandardError, "the per-page cost is clearly above zero");

        // A 64 KiB write costs about per_call + 16 per_added_page: the pooled fit reproduces each capture's mean.
        double mean64k = Captures.Workload(large).Ops.Where(o => o.Positional && o.ReclaimEpisodes == 0 && o.ThrottleStall == default).Average(o => o.Observed.TotalNanoseconds);
        Assert.InRange(c.BaseCost.Predict([16, 0, 0]), mean64k * 0.9, mean64k * 1.1);
        Assert.False(c.BaseCost.Term(WriteCalibration.PerCachedPage).IsIdentified);
    }

    [Fact]
    public void PredictNanoseconds_ReclaimingWrite_AddsReclaimCostAndMeasuredWaits()
    {
        WriteWorkload w = Captures.Workload("fio-seq64k-memcg128M");
        WriteCalibration c = WriteCalibrator.Fit(w);
        FileOp plain = w.Ops.First(o => o.Positional && o.ReclaimEpisodes == 0 && o.DeviceWritesInFlight == 0);
        FileOp throttled = w.Ops.First(o => o.Positional && o.ThrottleStall > default(KernelSim.Time.SimDuration));

        Assert.Equal(c.BaseCost.Estimate(WriteCalibration.PerCall)!.Value, c.PredictNanoseconds(plain), 6);
        double expected = c.BaseCost.Predict([throttled.PagesAdded, throttled.PagesCached, throttled.DeviceWritesInFlight > 0 ? 1 : 0])
            + c.ReclaimCost.Predict([throttled.ReclaimEpisodes, Math.Max(0, throttled.ReclaimScanned - throttled.ReclaimReclaimed)])
            + throttled.ReclaimOffCpu.TotalNanoseconds;
        Assert.Equal(expected, c.PredictNanoseconds(throttled), 6);
        Assert.True(c.PredictNanoseconds(throttled) > 0.5 * throttled.Observed.TotalNanoseconds);
    }
}
