using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using KernelSim.Replay.Formats;

namespace KernelSim.Bench;

/// <summary>
/// bench entry point.
///   dotnet run -c Release -- [BenchmarkDotNet args]      BenchmarkDotNet suites (ParseBenchmarks)
///   dotnet run -c Release -- throughput FILE             stream FILE once, print MB/s, events/s and peak RSS
///   dotnet run -c Release -- synth FILE SIZE             write a synthetic ftrace text trace of SIZE bytes
///   dotnet run -c Release -- phases TRACE [LIMIT] [RUNS] time whatif memory's and a sweep's phases (Stopwatch)
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "throughput")
        {
            return Throughput(args[1]);
        }

        if (args.Length >= 3 && args[0] == "synth")
        {
            SyntheticTrace.WriteFile(args[1], KernelSim.Units.Bytes.Parse(args[2]).Value);
            return 0;
        }

        if (args.Length >= 2 && args[0] == "phases")
        {
            return PhaseTimer.Run(args[1], args.Length >= 3 ? args[2] : "128M", args.Length >= 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 6);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int Throughput(string path)
    {
        var sw = Stopwatch.StartNew();
        using TraceReader r = TraceReader.Open(path);
        long events = 0;
        while (r.Read())
        {
            events++;
        }

        sw.Stop();
        double s = sw.Elapsed.TotalSeconds;
        long bytes = r.BytesRead;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {bytes / 1e6:F1} MB decompressed, {events} events in {s:F2} s = {bytes / 1e6 / s:F0} MB/s, {events / s / 1e6:F2} M events/s, peak RSS {self.PeakWorkingSet64 / 1e6:F0} MB"));
        return 0;
    }
}
