using System.Globalization;
using KernelSim.CostModelExperiment;
using KernelSim.Replay.Tests.Workload;
using Xunit.Abstractions;

using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Tests.CostModelExperiment;

/// <summary>
/// The linear calibration and the learned model, each trained on one memory limit of a workload and asked to
/// predict the writes of the other limit. Only properties that must hold are asserted; the figures are printed.
/// </summary>
public class CalibrationComparisonTests(ITestOutputHelper output)
{
    [Fact]
    public void Compare_Seq64k128MTo1G_ScoresBothModelsAndNamesTheBetter()
    {
        CalibrationComparison r = CalibrationComparison.Compare(Captures.Workload("fio-seq64k-memcg128M"), Captures.Workload("fio-seq64k-memcg1G"));
        output.WriteLine(r.ToString());

        int writes = Captures.Workload("fio-seq64k-memcg1G").Ops.Count(o => o.Kind == FileOpKind.Write && o.PageCacheFile && o.Returned > 0);
        foreach (PredictionScore s in new[] { r.Linear, r.Learned })
        {
            Assert.Equal(writes, s.Count);
            Assert.True(double.IsFinite(s.MeanAbsoluteError) && s.MeanAbsoluteError > 0);
            Assert.True(double.IsFinite(s.AbsoluteErrorP50) && double.IsFinite(s.AbsoluteErrorP99));
            Assert.True(s.AbsoluteErrorP50 <= s.AbsoluteErrorP99);
            Assert.True(double.IsFinite(s.P50Error) && double.IsFinite(s.P99Error));
        }

        Assert.Contains(r.Better, new[] { "linear", "learned" });
        Assert.Equal(r.Better == "linear" ? r.Linear : r.Learned, new[] { r.Linear, r.Learned }.MinBy(s => s.MeanAbsoluteError));
        Assert.Contains(r.BetterAtP99, new[] { "linear", "learned" });
        Assert.True(r.LearnedTrainingCount > 8000);
    }

    [Fact]
    public void Compare_SameInputsTwice_IdenticalScores()
    {
        // Seeded MLContext and single-threaded FastTree: the learned model is reproducible, as are the residual draws.
        CalibrationComparison a = CalibrationComparison.Compare(Captures.Workload("fio-seq64k-memcg128M"), Captures.Workload("fio-seq64k-memcg1G"), seed: 5);
        CalibrationComparison b = CalibrationComparison.Compare(Captures.Workload("fio-seq64k-memcg128M"), Captures.Workload("fio-seq64k-memcg1G"), seed: 5);
        Assert.Equal(a.Linear, b.Linear);
        Assert.Equal(a.Learned, b.Learned);
    }

    [Fact]
    public void Compare_FromTracePaths_SameAsFromWorkloads()
    {
        CalibrationComparison fromPaths = CalibrationComparison.Compare(Captures.TracePath("fio-seq64k-memcg128M"), Captures.TracePath("fio-seq64k-memcg1G"));
        CalibrationComparison fromWorkloads = CalibrationComparison.Compare(Captures.Workload("fio-seq64k-memcg128M"), Captures.Workload("fio-seq64k-memcg1G"));
        Assert.Equal(fromWorkloads.Linear, fromPaths.Linear);
        Assert.Equal(fromWorkloads.Learned, fromPaths.Learned);
    }

    [Fact]
    public void Compare_EveryWorkloadBothDirections_PrintsTheTable()
    {
        output.WriteLine("train -> test | model | MAE us | |err| p50 us | |err| p99 us | p50 pred/obs us | p99 pred/obs us");
        foreach (string workload in new[] { "seq64k", "seq4k", "rand4k" })
        {
            foreach ((string train, string test) in new[] { ("128M", "1G"), ("1G", "128M") })
            {
                CalibrationComparison r = CalibrationComparison.Compare(
                    Captures.Workload($"fio-{workload}-memcg{train}"),
                    Captures.Workload($"fio-{workload}-memcg{test}"));
                foreach (PredictionScore s in new[] { r.Linear, r.Learned })
                {
                    Assert.True(double.IsFinite(s.MeanAbsoluteError));
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{workload} {train}->{test} | {s.Model} | {s.MeanAbsoluteError / 1e3:F2} | {s.AbsoluteErrorP50 / 1e3:F2} | {s.AbsoluteErrorP99 / 1e3:F2} | {s.PredictedP50 / 1e3:F2}/{s.ObservedP50 / 1e3:F2} | {s.PredictedP99 / 1e3:F2}/{s.ObservedP99 / 1e3:F2}"));
                }

                output.WriteLine($"{workload} {train}->{test} | better per write: {r.Better}; at p99: {r.BetterAtP99}");
            }
        }
    }
}
