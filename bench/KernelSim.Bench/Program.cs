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
///   dotnet run -c Release -- parse FILE [RUNS]           parse FILE from memory RUNS times (no I/O, one thread): MB/s and CPU time per run
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "throughput")
        {
            return Throughput(args[1]);
        }

        if (args.Length >= 2 && args[0] == "parse")
        {
            return ParseFromMemory(args[1], args.Length >= 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);
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

    /// <summary>
    /// The parser alone: the decompressed file is held in memory and read RUNS times through <see cref="TraceReader.FromStream"/>
    /// (no read-ahead thread, no disk), so wall time is one core's parsing. The thread's CPU time is printed beside the wall
    /// time: on a machine shared with other work it is the steadier figure.
    /// </summary>
    private static int ParseFromMemory(string path, int runs)
    {
        using (TraceReader probe = TraceReader.Open(path))
        {
            if (probe.Compression is not null)
            {
                Console.Error.WriteLine($"{path}: parse takes an uncompressed trace ({probe.Compression} given)");
                return 2;
            }
        }

        byte[] data = File.ReadAllBytes(path);
        for (int run = 1; run <= runs; run++)
        {
            TimeSpan cpu0 = CurrentThreadCpu();
            var sw = Stopwatch.StartNew();
            long events = 0;
            using (TraceReader r = TraceReader.FromStream(new MemoryStream(data, writable: false), path))
            {
                while (r.Read())
                {
                    events++;
                }
            }

            sw.Stop();
            double s = sw.Elapsed.TotalSeconds;
            double c = (CurrentThreadCpu() - cpu0).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: {data.Length / 1e6:F0} MB, {events} events in {s:F3} s wall = {data.Length / 1e6 / s:F0} MB/s; thread CPU {c:F3} s = {data.Length / 1e6 / c:F0} MB/s"));
        }

        return 0;
    }

    // The calling thread's user+system time (Linux: /proc/thread-self/stat fields 14 and 15, in clock ticks of 1/100 s).
    private static TimeSpan CurrentThreadCpu()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
