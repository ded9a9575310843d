using FsCheck;
using FsCheck.Fluent;
using KernelSim.Statistics;
using KernelSim.Time;

namespace KernelSim.Core.Tests.Statistics;

public class LatencyDistributionTests
{
    [Fact]
    public void Percentiles_NearestRank_OneToOneThousand()
    {
        long[] samples = Enumerable.Range(1, 1000).Select(i => (long)i).Reverse().ToArray();
        var d = LatencyDistribution.FromNanoseconds(samples);
        Assert.Equal(500, d.P50.TotalNanoseconds);
        Assert.Equal(900, d.P90.TotalNanoseconds);
        Assert.Equal(990, d.P99.TotalNanoseconds);
        Assert.Equal(999, d.P999.TotalNanoseconds);
        Assert.Equal(1000, d.Max.TotalNanoseconds);
        Assert.Equal(1, d.Min.TotalNanoseconds);
        Assert.Equal(501, d.Mean.TotalNanoseconds); // 500.5 rounds away from zero
    }

    [Fact]
    public void Percentiles_HundredSamples_P999IsTheMaximum()
    {
        var d = LatencyDistribution.FromNanoseconds(Enumerable.Range(1, 100).Select(i => (long)i).ToArray());
        Assert.Equal(100, d.P999.TotalNanoseconds);
        Assert.Equal(99, d.P99.TotalNanoseconds);
    }

    [Fact]
    public void StandardDeviation_MatchesSampleFormula()
    {
        var d = LatencyDistribution.FromNanoseconds([2, 4, 4, 4, 5, 5, 7, 9]);
        Assert.Equal(Math.Sqrt(32.0 / 7.0), d.StandardDeviationNanoseconds, 9);
    }

    [Fact]
    public void Empty_PercentileThrows() =>
        Assert.Throws<InvalidOperationException>(() => LatencyDistribution.FromNanoseconds([]).P50);

    [Fact]
    public void Negative_Throws() =>
        Assert.Throws<ArgumentException>(() => LatencyDistribution.FromNanoseconds([1, -1]));

    [FsCheck.Xunit.Property]
    public Property Percentile_IsAnObservedSample_AndMonotone() =>
        Prop.ForAll(Gen.NonEmptyListOf(Gen.Choose(0, 1_000_000).Select(i => (long)i)).ToArbitrary(), list =>
        {
            var d = LatencyDistribution.FromNanoseconds(list.ToArray());
            double[] ps = [1, 10, 50, 90, 99, 99.9, 100];
            long[] v = ps.Select(p => d.Percentile(p).TotalNanoseconds).ToArray();
            bool observed = v.All(x => list.Contains(x));
            bool monotone = v.Zip(v.Skip(1)).All(t => t.First <= t.Second);
            bool rankOk = ps.Zip(v).All(t => list.Count(x => x <= t.Second) >= Math.Ceiling(t.First / 100 * list.Count - 1e-9));
            return (observed && monotone && rankOk).Label("percentiles observed, monotone, rank-correct");
        });

    [FsCheck.Xunit.Property]
    public Property Cdf_IsMonotoneAndEndsAtOne() =>
        Prop.ForAll(Gen.NonEmptyListOf(Gen.Choose(0, 1000).Select(i => (long)i)).ToArbitrary(), list =>
        {
            var d = LatencyDistribution.FromNanoseconds(list.ToArray());
            IReadOnlyList<CdfPoint> cdf = d.Cdf(50);
            bool monotone = cdf.Zip(cdf.Skip(1)).All(t => t.First.Value < t.Second.Value && t.First.Fraction < t.Second.Fraction);
            bool exact = cdf.All(p => Math.Abs(p.Fraction - d.CumulativeFraction(p.Value)) < 1e-12);
            return (monotone && exact && cdf[^1].Fraction == 1.0 && cdf[0].Value == d.Min).Label("CDF monotone, exact, ends at 1");
        });
}
