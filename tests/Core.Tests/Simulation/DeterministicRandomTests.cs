using FsCheck;
using FsCheck.Fluent;
using KernelSim.Simulation;

namespace KernelSim.Core.Tests.Simulation;

public class DeterministicRandomTests
{
    [FsCheck.Xunit.Property]
    public Property SameSeed_SameStream() =>
        Prop.ForAll(ArbMap.Default.ArbFor<ulong>(), seed =>
        {
            var a = new DeterministicRandom(seed);
            var b = new DeterministicRandom(seed);
            return Enumerable.Range(0, 64).All(_ => a.NextUInt64() == b.NextUInt64());
        }).Label("two streams from one seed agree");

    [FsCheck.Xunit.Property]
    public Property NextInt32_StaysInRange() =>
        Prop.ForAll(ArbMap.Default.ArbFor<ulong>(), Gen.Choose(1, 1000).ToArbitrary(), (seed, max) =>
        {
            var r = new DeterministicRandom(seed);
            return Enumerable.Range(0, 100).All(_ => r.NextInt32(max) is int v && v >= 0 && v < max);
        }).Label("0 <= NextInt32(n) < n");

    [Fact]
    public void NextInt32_IsRoughlyUniform_ChiSquare()
    {
        var r = new DeterministicRandom(12345);
        int[] buckets = new int[10];
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            buckets[r.NextInt32(10)]++;
        }

        double expected = n / 10.0;
        double chi2 = buckets.Sum(b => (b - expected) * (b - expected) / expected);
        // 9 degrees of freedom: P(chi2 > 27.88) = 0.001.
        Assert.True(chi2 < 27.88, $"chi2 = {chi2}");
    }

    [Fact]
    public void NextExponential_MeanMatches()
    {
        var r = new DeterministicRandom(99);
        double mean = Enumerable.Range(0, 200_000).Select(_ => r.NextExponential(3.0)).Average();
        Assert.InRange(mean, 2.95, 3.05);
    }
}
