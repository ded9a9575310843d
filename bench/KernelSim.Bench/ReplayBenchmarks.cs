using BenchmarkDotNet.Attributes;
using KernelSim.Models.Memcg;
using KernelSim.Replay.WhatIf;
using KernelSim.Units;

namespace KernelSim.Bench;

/// <summary>
/// Write-path replay speed on the largest committed capture: one simulation at a tight limit (page-events per
/// second, single thread) and a parallel sweep of 8 limits (the workload and calibration loaded once).
/// </summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private WriteReplay _replay = null!;
    private CaptureConfig _capture = null!;
    private WriteProposal[] _limits = [];

    /// <summary>Page-events of the single 64M replay: pages written + scanned + written back (printed in setup).</summary>
    public static long PageEvents { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        string path = KernelSim.Replay.Capture.CaptureManifest.FindCaptures(Path.Combine(RealTrace.RepoRoot(), "traces"), "fio-rand4k-memcg128M").Single();
        _replay = WriteReplay.Load(path);
        _capture = CaptureConfig.ForTrace(path);
        _limits = new[] { "64M", "128M", "256M", "512M", "1G", "2G", "4G" }
            .Select(l => new WriteProposal { LimitBytes = Bytes.Parse(l).Value })
            .Append(new WriteProposal { Unlimited = true })
            .ToArray();
        WritePrediction p = Replay64M();
        long written = 0;
        foreach (KernelSim.Replay.Workload.FileOp op in _replay.Workload.Ops)
        {
            written += op.PagesWritten;
        }

        PageEvents = written + p.Counters.Scanned + p.Counters.PagesWrittenBack;
        Console.WriteLine($"// page-events per 64M replay: {PageEvents} (written {written}, scanned {p.Counters.Scanned}, written back {p.Counters.PagesWrittenBack})");
    }

    [Benchmark(Description = "replay rand4k-128M capture at 64M (1 thread)")]
    public WritePrediction Replay64M() => WriteWhatIf.Predict(_replay.Workload, _replay.Costs, _capture, _limits[0]);

    [Benchmark(Description = "sweep 8 limits (parallel)")]
    public IReadOnlyList<WritePrediction> Sweep8() => WriteWhatIf.Sweep(_replay.Workload, _replay.Costs, _capture, _limits);
}
