using KernelSim.Replay.Tests.Formats;
using KernelSim.Replay.WhatIf;

namespace KernelSim.Replay.Tests.WhatIf;

/// <summary>The corpus validation on two committed corpus captures against the committed ground truth.</summary>
public class CorpusValidationTests
{
    private static readonly Lazy<IReadOnlyList<CorpusPoint>> Points = new(() =>
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
            return CorpusValidation.Run(dir, Path.Combine(Fixtures.RepoRoot, "traces", "groundtruth", "corpus-latency.csv"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    });

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
}
