using System.Diagnostics;
using System.Globalization;
using KernelSim.Replay.Formats;

namespace KernelSim.Fuzz;

/// <summary>
/// ksim-fuzz: seeded mutation of seed inputs over one surface, in-process, classifying each outcome as accepted,
/// a clean rejection (<see cref="TraceFormatException"/>, <see cref="ArgumentException"/> or
/// <see cref="FormatException"/> with a message) or a FAILURE (any other exception, a hang past the per-input
/// budget, memory growth past the bound). Input i of a surface is a pure function of (seed, surface, i), so a
/// failure replays with <c>--start i --count 1</c>.
/// </summary>
internal static class Program
{
    private static long _inputStartTicks;
    private static volatile bool _busy;

    private static int Main(string[] args)
    {
        string surfaceName = Arg(args, "--surface") ?? "trace";
        long start = long.Parse(Arg(args, "--start") ?? "0", CultureInfo.InvariantCulture);
        long count = long.Parse(Arg(args, "--count") ?? "10000", CultureInfo.InvariantCulture);
        int seed = int.Parse(Arg(args, "--seed") ?? "17", CultureInfo.InvariantCulture);
        int budgetMs = int.Parse(Arg(args, "--budget-ms") ?? "5000", CultureInfo.InvariantCulture);
        long memBound = long.Parse(Arg(args, "--mem-mb") ?? "1024", CultureInfo.InvariantCulture) * 1024 * 1024;
        string root = Arg(args, "--root") ?? FindRoot();
        string failures = Arg(args, "--failures") ?? Path.Combine(Path.GetTempPath(), "ksim-fuzz-failures");
        string scratch = Directory.CreateTempSubdirectory("ksim-fuzz-").FullName;
        Directory.CreateDirectory(failures);

        Surface surface = surfaceName switch
        {
            "trace" => new TraceSurface(root),
            "parquet" => new ParquetSurface(root),
            "manifest" => new ManifestSurface(root),
            "scenario" => new ScenarioSurface(root),
            "options" => new OptionSurface(),
            _ => throw new ArgumentException($"--surface '{surfaceName}': expected trace, parquet, manifest, scenario or options"),
        };
        int surfaceId = Array.IndexOf(new[] { "trace", "parquet", "manifest", "scenario", "options" }, surfaceName);

        long accepted = 0, rejected = 0, failed = 0, current = -1;
        byte[] currentInput = [];
        string currentExt = "";
        var classes = new SortedDictionary<string, (long Count, long Example)>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();

        // Watchdog: a hang (or a heap past the bound) inside a library call cannot be interrupted; record it and stop.
        var watchdog = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(50);
                long ms = (Stopwatch.GetTimestamp() - Interlocked.Read(ref _inputStartTicks)) * 1000 / Stopwatch.Frequency;
                string? why = _busy && ms > budgetMs ? $"hang: input ran past {budgetMs} ms"
                    : Environment.WorkingSet > memBound * 2 ? $"memory: working set {Environment.WorkingSet >> 20} MiB"
                    : null;
                if (why is not null)
                {
                    string file = Save(failures, surfaceName, current, currentExt, currentInput);
                    Console.WriteLine($"FAILURE {surfaceName} #{current}: {why} ({file})");
                    Report(surfaceName, start, current - start, accepted, rejected, failed + 1, clock.Elapsed, classes);
                    Environment.Exit(3);
                }
            }
        }) { IsBackground = true };
        watchdog.Start();

        for (long i = start; i < start + count; i++)
        {
            current = i;
            var rng = new Random(InputSeed(seed, surfaceId, i));
            currentInput = surface.Make(rng, out currentExt);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            Interlocked.Exchange(ref _inputStartTicks, Stopwatch.GetTimestamp());
            _busy = true;
            string? failure = null;
            string detail = "";
            try
            {
                surface.Consume(currentInput, currentExt, scratch);
                accepted++;
            }
            catch (Exception ex) when (ex is TraceFormatException or ArgumentException or FormatException && ex.Message.Length > 0)
            {
                rejected++;
            }
#pragma warning disable CA1031 // the fuzzer's job is to catch and classify everything else
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex.GetType().Name + " at " + FirstFrame(ex);
                detail = ex.Message.Length > 160 ? ex.Message[..160] : ex.Message;
            }

            _busy = false;
            long grew = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (failure is null && grew > memBound)
            {
                failure = $"memory: {grew >> 20} MiB allocated for a {currentInput.Length}-byte input";
            }

            if (failure is not null)
            {
                failed++;
                if (!classes.TryGetValue(failure, out (long Count, long Example) c))
                {
                    c = (0, i);
                    Console.WriteLine($"FAILURE {surfaceName} #{i}: {failure}: \"{detail}\" ({Save(failures, surfaceName, i, currentExt, currentInput)})");
                }

                classes[failure] = (c.Count + 1, c.Example);
            }
        }

        Report(surfaceName, start, count, accepted, rejected, failed, clock.Elapsed, classes);
        Directory.Delete(scratch, recursive: true);
        return failed == 0 ? 0 : 1;
    }

    private static void Report(string surface, long start, long inputs, long accepted, long rejected, long failed, TimeSpan elapsed, SortedDictionary<string, (long Count, long Example)> classes)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{surface} [{start}, {start + inputs}): inputs {inputs}, accepted {accepted}, rejected {rejected}, failures {failed}, {inputs / Math.Max(elapsed.TotalSeconds, 1e-9):0} inputs/s, {elapsed.TotalSeconds:0.0} s"));
        foreach ((string key, (long n, long example)) in classes)
        {
            Console.WriteLine($"  class {n}x (first #{example}): {key}");
        }
    }

    private static string Save(string dir, string surface, long index, string ext, byte[] input)
    {
        string path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"{surface}-{index}{ext}"));
        File.WriteAllBytes(path, input);
        return path;
    }

    private static string FirstFrame(Exception ex)
    {
        string[] frames = (ex.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return frames.FirstOrDefault(f => f.Contains("KernelSim.", StringComparison.Ordinal) && !f.Contains("KernelSim.Fuzz", StringComparison.Ordinal))
            ?? frames.FirstOrDefault() ?? "?";
    }

    // SplitMix64 of (seed, surface, index): input i is reproducible alone and independent of the slice it ran in.
    private static int InputSeed(int seed, int surface, long index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 40) ^ ((ulong)(uint)surface << 34) ^ (ulong)index) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRoot()
    {
        for (string? d = AppContext.BaseDirectory; d is not null; d = Path.GetDirectoryName(d))
        {
            if (File.Exists(Path.Combine(d, "Sim.sln")))
            {
                return d;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
