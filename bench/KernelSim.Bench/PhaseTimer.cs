using System.Diagnostics;
using System.Globalization;
using KernelSim.Models.Memcg;
using KernelSim.Replay.Calibration;
using KernelSim.Replay.WhatIf;
using KernelSim.Replay.Workload;
using KernelSim.Units;

namespace KernelSim.Bench;

/// <summary>
/// <c>phases TRACE [LIMIT] [RUNS]</c>: the work of <c>ksim whatif memory TRACE --memory-limit LIMIT</c> and of an
/// 8-limit sweep, phase by phase with a Stopwatch, in one process. The first run is cold (JIT included: run it with
/// <c>DOTNET_TieredCompilation=0</c>, as ksim's runtimeconfig does, to see what the CLI pays); the later runs are warm.
/// Each phase runs alone (no overlap), so the sum is what a sequential CLI pays; the CLI may overlap some of them.
/// </summary>
internal static class PhaseTimer
{
    private static readonly string[] SweepLimits = ["64M", "128M", "256M", "384M", "512M", "768M", "1G", "max"];

    public static int Run(string path, string limit, int runs)
    {
        var proposal = new WriteProposal { LimitBytes = Bytes.Parse(limit).Value };
        var sweep = new WriteProposal[SweepLimits.Length];
        for (int i = 0; i < sweep.Length; i++)
        {
            sweep[i] = SweepLimits[i] == "max" ? new WriteProposal { Unlimited = true } : new WriteProposal { LimitBytes = Bytes.Parse(SweepLimits[i]).Value };
        }

        var names = new List<string>();
        var table = new List<double[]>();
        for (int run = 0; run < runs; run++)
        {
            var times = new List<(string Name, double Ms)>();
            var sw = Stopwatch.StartNew();
            double Lap()
            {
                double ms = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                return ms;
            }

            CaptureConfig capture = CaptureConfig.ForTrace(path);
            times.Add(("capture config (manifest)", Lap()));
            WriteWorkload workload = WorkloadExtractor.Extract(path, KernelSim.Replay.Formats.TraceReaderOptions.Default with { Lenient = true });
            times.Add(("extract (parse + workload)", Lap()));
            WriteCalibration calibration = WriteCalibrator.Fit(workload);
            times.Add(("calibrate (fit)", Lap()));
            WriteReplay replay = WriteReplay.Load(path, KernelSim.Replay.Formats.TraceReaderOptions.Default with { Lenient = true });
            double load = Lap();
            times.Add(("  WriteReplay.Load (extract + fit + costs)", load));
            WritePrediction baseline = WriteWhatIf.Predict(replay.Workload, replay.Costs, capture, new WriteProposal());
            times.Add(("simulate baseline", Lap()));
            WritePrediction predicted = WriteWhatIf.Predict(replay.Workload, replay.Costs, capture, proposal);
            times.Add(("simulate proposal " + limit, Lap()));
            var pids = new HashSet<int>();
            foreach (FileOp op in replay.Workload.Ops)
            {
                pids.Add(op.Pid);
            }

            CpuActivity activity = CpuActivity.Measure(path, pids);
            times.Add(("trust: CpuActivity.Measure (2nd parse)", Lap()));
            WriteTrust trust = WriteTrust.Assess(replay, capture, activity.Switches > 0 ? activity : null);
            times.Add(("trust: self replay + compare", Lap()));
            IReadOnlyList<PercentileInterval> intervals = PercentileInterval.For(predicted.Latency, trust.SelfReplay, replay.Observed);
            times.Add(("intervals", Lap()));
            IReadOnlyList<WritePrediction> swept = WriteWhatIf.Sweep(replay.Workload, replay.Costs, capture, sweep);
            times.Add(("sweep 8 limits (parallel)", Lap()));
            GC.KeepAlive(calibration);
            GC.KeepAlive(baseline);
            GC.KeepAlive(intervals);
            GC.KeepAlive(swept);
            if (run == 0)
            {
                foreach ((string n, _) in times)
                {
                    names.Add(n);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(path)}: {replay.Workload.Ops.Count} ops, {Written(replay.Workload) / 1048576.0:F0} MiB written; proposal p99 {predicted.Latency.P99.TotalNanoseconds} ns; trust ok {trust.Ok}"));
            }

            var row = new double[times.Count];
            for (int i = 0; i < times.Count; i++)
            {
                row[i] = times[i].Ms;
            }

            table.Add(row);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"phase",-44} {"cold ms",9} {"warm ms (min-max of " + (runs - 1) + ")",24}"));
        for (int i = 0; i < names.Count; i++)
        {
            double min = double.MaxValue, max = 0;
            for (int r = 1; r < table.Count; r++)
            {
                min = Math.Min(min, table[r][i]);
                max = Math.Max(max, table[r][i]);
            }

            string warm = table.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"{min:F1}-{max:F1}") : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{names[i],-44} {table[0][i],9:F1} {warm,24}"));
        }

        return 0;
    }

    private static long Written(WriteWorkload w)
    {
        long bytes = 0;
        foreach (FileOp op in w.Ops)
        {
            if (op.Kind == FileOpKind.Write)
            {
                bytes += Math.Max(0, op.Bytes);
            }
        }

        return bytes;
    }
}
