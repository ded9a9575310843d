using KernelSim.Replay.Tests.Formats;
using KernelSim.Replay.WhatIf;

namespace KernelSim.Replay.Tests.WhatIf;

/// <summary>The corpus validation on two committed corpus captures against the committed ground truth.</summary>
public class CorpusValidationTests
{
    private static readonly string GroundTruth = Path.Combine(Fixtures.RepoRoot, "traces", "groundtruth", "corpus-latency.csv");

    private static readonly Lazy<IReadOnlyList<CorpusPoint>> Points = new(() => InTwoCaptureCorpus(dir => CorpusValidation.Run(dir, GroundTruth)));

    private static readonly Lazy<CorpusValidation.LoadedCorpus> Loaded = new(() => InTwoCaptureCorpus(dir => CorpusValidation.Load(dir, GroundTruth)));

    private static T InTwoCaptureCorpus<T>(Func<string, T> run)
    {
        // Two workloads (the README's dd example, and dd with fsync, whose one fsync is measured and predicted).
        string dir = Directory.CreateTempSubdirectory("ksim-corpus-").FullName;
        foreach (string name in new[] { "dd-1M-nofsync-memcg256M", "dd-64k-fsync-memcg256M" })
        {
            foreach (string ext in new[] { ".trace.gz", ".manifest.json" })
            {
                File.Copy(Path.Combine(Fixtures.RepoRoot, "traces", "corpus", name + ext), Path.Combine(dir, name + ext));
            }
        }

        try
        {
            return run(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Predict_AtTheDefaultConstants_GivesRunsPoints()
    {
        Assert.Equal(Points.Value, CorpusValidation.Predict(Loaded.Value, WriteModelConstants.Defaults));
    }

    [Fact]
    public void Predict_WithOtherConstants_ProbedCapturesKeepTheirHostsOwn()
    {
        // Every corpus manifest carries the kit's syscall probe (host.syscall): a capture is replayed net of its own host's
        // tracing cost and crossing, whatever constants a validation run passes (the LOWO tool's grid included).
        Assert.All(Loaded.Value.Captures, c => Assert.NotNull(c.Capture.SyscallCrossingNs));
        var slower = new WriteModelConstants(KernelSim.Time.SimDuration.Zero, KernelSim.Time.SimDuration.FromNanoseconds(1530));
        Assert.Equal(Points.Value, CorpusValidation.Predict(Loaded.Value, slower));
    }

    [Fact]
    public void ConstantsFor_AProbedCaptureTakesItsHostsFigures_AnUnprobedOneKeepsTheGivenOnes()
    {
        var given = new WriteModelConstants(KernelSim.Time.SimDuration.FromNanoseconds(111), KernelSim.Time.SimDuration.FromNanoseconds(222));
        Assert.Equal(given, given.For(new CaptureConfig()));
        WriteModelConstants probed = given.For(new CaptureConfig { TracingNsPerEvent = 248, SyscallCrossingNs = 1316 });
        Assert.Equal(248, probed.TracingCostPerEvent.TotalNanoseconds);
        Assert.Equal(1316, probed.SyscallCrossing.TotalNanoseconds);
    }

    [Fact]
    public void Run_EveryMeasuredPointListed_FourPercentilesPerLimitAndOperation()
    {
        IReadOnlyList<CorpusPoint> p = Points.Value;
        // dd-1M-nofsync: write at 6 limits; dd-64k-fsync: write and fsync at 6 limits; 4 percentiles each.
        Assert.Equal(6 * 4, p.Count(x => x.Workload == "dd-1M-nofsync"));
        Assert.Equal(2 * 6 * 4, p.Count(x => x.Workload == "dd-64k-fsync"));
    }

    [Fact]
    public void Run_Fsync_PredictedPerLimit_OneCallSoEveryPercentileIsIt()
    {
        // dd conv=fsync makes one fsync at the end: each limit's four percentiles are that one call's predicted latency.
        var fsync = Points.Value.Where(x => x.Op == "fsync").ToList();
        Assert.Equal(6 * 4, fsync.Count);
        Assert.All(fsync, x => Assert.NotNull(x.PredictedNs));
        foreach (IGrouping<string, CorpusPoint> limit in fsync.GroupBy(x => x.Limit))
        {
            Assert.Single(limit.Select(x => x.PredictedNs).Distinct());
        }
    }

    [Fact]
    public void Run_InsideIsTheWidenedBand_AndTheLimitMattersOnlyBelowMax()
    {
        foreach (CorpusPoint x in Points.Value.Where(x => x.PredictedNs is not null))
        {
            bool band = x.PredictedNs >= x.MeasuredMinNs * 0.75 && x.PredictedNs <= x.MeasuredMaxNs * 1.25;
            Assert.Equal(band, x.Inside);
        }

        Assert.DoesNotContain(Points.Value, x => x.Limit == "max" && x.LimitMatters);
        // The README example's tail at 64M (p99 10-12 ms measured) is far from its unlimited tail (2-4 ms).
        Assert.Contains(Points.Value, x => x.Workload == "dd-1M-nofsync" && x.Limit == "64M" && x.Percentile == "p99" && x.LimitMatters);
    }

    [Fact]
    public void Run_WriteAndCallPoints_AreNotRequests()
    {
        Assert.All(Points.Value, x => Assert.False(x.Request));
    }
}

/// <summary>
/// Request points of the corpus validation on the committed PostgreSQL capture (traces/corpus/pgbench-tpcb-memcg256M:
/// each transaction one recvfrom/sendto exchange on a backend's socket) against the committed ground truth.
/// </summary>
public class CorpusValidationRequestTests
{
    private static readonly Lazy<CorpusResult> Result = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("ksim-corpus-").FullName;
        // The capture is .trace.gz or .trace.xz (large captures are committed xz-compressed).
        string corpus = Path.Combine(Fixtures.RepoRoot, "traces", "corpus");
        foreach (string file in Directory.GetFiles(corpus, "pgbench-tpcb-memcg256M.*"))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        try
        {
            return CorpusValidation.Evaluate(dir, Path.Combine(Fixtures.RepoRoot, "traces", "groundtruth", "corpus-latency.csv"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    });

    [Fact]
    public void Evaluate_Transactions_ArePredictedRequestPointsAtEveryLimit()
    {
        var txn = Result.Value.Points.Where(x => x.Op == "txn").ToList();
        Assert.Equal(6 * 4, txn.Count);
        Assert.All(txn, x => Assert.True(x.Request));
        Assert.All(txn, x => Assert.NotNull(x.PredictedNs));
        foreach (CorpusPoint x in txn)
        {
            bool band = x.PredictedNs >= x.MeasuredMinNs * 0.75 && x.PredictedNs <= x.MeasuredMaxNs * 1.25;
            Assert.Equal(band, x.Inside);
        }

        // The server's calls are scored as calls, apart from the transactions.
        Assert.Contains(Result.Value.Points, x => x.Op == "write" && !x.Request && x.PredictedNs is not null);
    }

    [Fact]
    public void Evaluate_Throughput_OnePointPerLimit_PredictedAndWithinTheBandRule()
    {
        IReadOnlyList<CorpusThroughputPoint> t = Result.Value.Throughput;
        Assert.Equal(["64M", "128M", "256M", "512M", "1G", "max"], t.Select(x => x.Limit));
        Assert.All(t, x => Assert.Equal("txn", x.Op));
        foreach (CorpusThroughputPoint x in t)
        {
            double v = Assert.NotNull(x.PredictedPerSecond);
            Assert.InRange(v, 1, 1e6);
            Assert.Equal(v >= x.MeasuredMinPerSecond * 0.75 && v <= x.MeasuredMaxPerSecond * 1.25, x.Inside);
        }

        Assert.DoesNotContain(t, x => x.Limit == "max" && x.LimitMatters);
    }
}
