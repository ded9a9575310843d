using KernelSim.Replay.Calibration;
using KernelSim.Simulation;

namespace KernelSim.Replay.Tests.Calibration;

/// <summary>The least-squares core on data with known answers, including the cases it must refuse to split.</summary>
public class LeastSquaresTests
{
    [Fact]
    public void Fit_ExactPlane_RecoversCoefficients()
    {
        // y = 2500 + 350 a + 40 b, on a grid where a and b vary independently.
        var a = new List<double>();
        var b = new List<double>();
        var y = new List<double>();
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                a.Add(i % 17);
                b.Add(j * 5 + (i % 2));
                y.Add(2500 + (350 * a[^1]) + (40 * b[^1]));
            }
        }

        LinearFit fit = LeastSquares.Fit("y", "c", ["a", "b"], [[.. a], [.. b]], [.. y]);
        Assert.Equal(2500, fit.Estimate("c")!.Value, 6);
        Assert.Equal(350, fit.Estimate("a")!.Value, 6);
        Assert.Equal(40, fit.Estimate("b")!.Value, 6);
        Assert.Equal(1, fit.RSquared, 9);
        Assert.Equal(120, fit.Count);
        Assert.Equal(2500 + 350 * 2 + 40 * 3, fit.Predict([2, 3]), 6);
    }

    [Fact]
    public void Fit_NoisyLine_TruthWithinFourStandardErrors()
    {
        var random = new DeterministicRandom(7);
        int n = 2000;
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = random.NextInt32(64);
            y[i] = 1000 + (25 * x[i]) + ((random.NextDouble() - 0.5) * 400);
        }

        LinearFit fit = LeastSquares.Fit("y", "c", ["x"], [x], y);
        FitTerm c = fit.Term("c");
        FitTerm slope = fit.Term("x");
        Assert.InRange(c.Estimate!.Value, 1000 - (4 * c.StandardError!.Value), 1000 + (4 * c.StandardError!.Value));
        Assert.InRange(slope.Estimate!.Value, 25 - (4 * slope.StandardError!.Value), 25 + (4 * slope.StandardError!.Value));

        // Uniform noise of width 400 has standard deviation 400/sqrt(12) = 115.5.
        Assert.InRange(fit.ResidualStandardDeviation, 105, 126);
        Assert.True(fit.ResidualP05 < 0 && fit.ResidualP95 > 0);
    }

    [Fact]
    public void Fit_FeatureConstantInTheSample_NotIdentifiedAndSaysWhy()
    {
        double[] pages = Enumerable.Repeat(16.0, 100).ToArray();
        double[] y = Enumerable.Range(0, 100).Select(i => 8000.0 + (i % 7)).ToArray();
        LinearFit fit = LeastSquares.Fit("latency", "per_call", ["per_page"], [pages], y);

        FitTerm perPage = fit.Term("per_page");
        Assert.False(perPage.IsIdentified);
        Assert.Contains("every one of the 100 samples had per_page = 16", perPage.NotIdentifiedBecause, StringComparison.Ordinal);
        Assert.Equal(y.Average(), fit.Estimate("per_call")!.Value, 6);
        Assert.Equal(fit.Estimate("per_call")!.Value, fit.Predict([16]), 9);
    }

    [Fact]
    public void Fit_FeatureVaryingInTwoSamples_NotIdentified()
    {
        // Two odd writes must not decide a per-page cost for thousands of identical ones.
        double[] pages = Enumerable.Repeat(16.0, 1000).ToArray();
        pages[3] = 1;
        pages[500] = 1;
        double[] y = pages.Select(p => 2000 + (400 * p)).ToArray();
        LinearFit fit = LeastSquares.Fit("latency", "per_call", ["per_page"], [pages], y);
        Assert.False(fit.Term("per_page").IsIdentified);
        Assert.Contains("only 2 of 1000 samples", fit.Term("per_page").NotIdentifiedBecause, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_CollinearFeature_DroppedAndTheOtherKept()
    {
        double[] a = Enumerable.Range(0, 200).Select(i => (double)(i % 10)).ToArray();
        double[] b = a.Select(v => 2 * v).ToArray();
        double[] y = a.Select(v => 100 + (3 * v)).ToArray();
        LinearFit fit = LeastSquares.Fit("y", "c", ["a", "b"], [a, b], y);
        Assert.Equal(3, fit.Estimate("a")!.Value, 6);
        Assert.False(fit.Term("b").IsIdentified);
        Assert.Contains("linear combination", fit.Term("b").NotIdentifiedBecause, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_ThroughTheOrigin_ConstantNonZeroFeatureIsIdentified()
    {
        // Without an intercept a feature that is always 1 (one reclaim episode per write) is itself the constant.
        double[] episodes = Enumerable.Repeat(1.0, 100).ToArray();
        double[] scanned = Enumerable.Range(0, 100).Select(i => 32.0 + (i % 5 * 32)).ToArray();
        double[] y = scanned.Select(s => 12_000 + (100 * s)).ToArray();
        LinearFit fit = LeastSquares.Fit("t", null, ["per_episode", "per_scanned"], [episodes, scanned], y);
        Assert.Equal(12_000, fit.Estimate("per_episode")!.Value, 6);
        Assert.Equal(100, fit.Estimate("per_scanned")!.Value, 6);
        Assert.False(fit.HasIntercept);
    }

    [Fact]
    public void Fit_NoSamples_NothingIdentified()
    {
        LinearFit fit = LeastSquares.Fit("t", null, ["per_episode", "per_scanned"], [[], []], []);
        Assert.Equal(0, fit.Count);
        Assert.All(fit.Terms, t => Assert.False(t.IsIdentified));
        Assert.True(double.IsNaN(fit.RSquared));
    }

    [Fact]
    public void ResidualQuantiles_Sample_IsTheInverseEmpiricalCdf()
    {
        double[] residuals = Enumerable.Range(0, 1001).Select(i => (double)(i - 500)).Reverse().ToArray();
        ResidualQuantiles q = ResidualQuantiles.FromResiduals(residuals);
        Assert.Equal(1001, q.Count);
        Assert.Equal(-500, q.Sample(0));
        Assert.Equal(500, q.Sample(1));
        Assert.Equal(0, q.Sample(0.5), 9);
        Assert.Equal(499, q.At(0.999), 9);
        double previous = double.NegativeInfinity;
        for (double u = 0; u <= 1; u += 0.0005)
        {
            double v = q.Sample(u);
            Assert.True(v >= previous);
            previous = v;
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => q.Sample(1.5));
    }
}
