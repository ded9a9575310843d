using System.CommandLine;
using System.Text;
using KernelSim.Cli.Commands;
using KernelSim.Models.Signals;
using KernelSim.Replay;
using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Store;
using KernelSim.Replay.WhatIf;
using KernelSim.Tracing;

namespace KernelSim.Fuzz;

/// <summary>One input surface: makes a mutated input from its seeds and feeds it to the library in-process.</summary>
internal abstract class Surface(string name)
{
    public string Name { get; } = name;

    /// <summary>The input for one (seeded) draw; <paramref name="ext"/> is the file extension the input needs.</summary>
    public abstract byte[] Make(Random rng, out string ext);

    /// <summary>Feeds the input; returns normally when accepted, throws when rejected (or on a failure).</summary>
    public abstract void Consume(byte[] input, string ext, string scratch);

    protected static byte[] Pick(IReadOnlyList<byte[]> seeds, Random rng) => seeds[rng.Next(seeds.Count)];
}

/// <summary>Traces plain and gzip/zstd/xz compressed: mutated compressed bytes, or a mutated text recompressed.</summary>
internal sealed class TraceSurface : Surface
{
    private readonly List<(byte[] Bytes, string Codec)> _compressed = [];
    private readonly List<byte[]> _plain = [];

    public TraceSurface(string root) : base("trace")
    {
        foreach (string f in Seeds.TraceFiles(root))
        {
            byte[] bytes = File.ReadAllBytes(f);
            string codec = f.EndsWith(".gz", StringComparison.Ordinal) ? "gzip" : f.EndsWith(".zst", StringComparison.Ordinal) ? "zstd" : f.EndsWith(".xz", StringComparison.Ordinal) ? "xz" : "plain";
            if (codec != "plain")
            {
                _compressed.Add((bytes, codec));
            }

            byte[] text = codec == "plain" ? bytes : Seeds.Decompress(f);
            _plain.Add(text.Length > Seeds.MaxPlainSeed ? text[..Seeds.MaxPlainSeed] : text);
        }
    }

    public override byte[] Make(Random rng, out string ext)
    {
        ext = ".trace";
        switch (rng.Next(4))
        {
            case 0: // the compressed stream itself damaged
                return Mutator.Mutate(_compressed[rng.Next(_compressed.Count)].Bytes, rng);
            case 1:
                return Seeds.Gzip(Mutator.Mutate(Pick(_plain, rng), rng));
            case 2:
                return Seeds.Zstd(Mutator.Mutate(Pick(_plain, rng), rng));
            default:
                return Mutator.Mutate(Pick(_plain, rng), rng);
        }
    }

    public override void Consume(byte[] input, string ext, string scratch)
    {
        // Lenient (the default) and strict both; external tools off: a mutated trace.dat must not start trace-cmd.
        bool strict = (input.Length & 1) == 1;
        var o = TraceReaderOptions.Default with { Lenient = !strict, AllowExternalTools = false };
        using TraceReader r = TraceReader.FromStream(new MemoryStream(input, writable: false), "fuzz", o);
        _ = TraceInspector.Summarize(r);
    }
}

/// <summary>Parquet files written by the same code as <c>ksim convert</c>, plus the committed bad ones.</summary>
internal sealed class ParquetSurface : Surface
{
    private readonly List<byte[]> _seeds = [];

    public ParquetSurface(string root) : base("parquet")
    {
        foreach (string name in new[] { "ftrace-writeback.txt", "ftrace-signal.txt", "ftrace-net.txt", "ftrace-vmscan.txt", "perf-script.txt", "trace-cmd-report.txt" })
        {
            using TraceReader r = TraceReader.Open(Path.Combine(root, "traces", "samples", name), TraceReaderOptions.Default with { AllowExternalTools = false });
            using var ms = new MemoryStream();
            ParquetTraceStore.WriteAsync(r, ms).GetAwaiter().GetResult();
            _seeds.Add(ms.ToArray());
        }

        foreach (string f in Directory.GetFiles(Path.Combine(root, "tests", "bad-inputs"), "*.parquet"))
        {
            _seeds.Add(File.ReadAllBytes(f));
        }
    }

    public override byte[] Make(Random rng, out string ext)
    {
        ext = ".parquet";
        byte[] seed = Pick(_seeds, rng);
        // Half the draws damage only the footer (the last 1 KiB): that is where the structure lives.
        if (rng.Next(2) == 0 && seed.Length > 1024)
        {
            int cut = seed.Length - 1024;
            return [.. seed[..cut], .. Mutator.Mutate(seed[cut..], rng)];
        }

        return Mutator.Mutate(seed, rng);
    }

    public override void Consume(byte[] input, string ext, string scratch)
    {
        _ = ParquetTraceStore.SummarizeAsync(new MemoryStream(input, writable: false), "fuzz").GetAwaiter().GetResult();
        IAsyncEnumerator<RawEventRecord> e = ParquetTraceStore.ReadAsync(new MemoryStream(input, writable: false), "fuzz").GetAsyncEnumerator();
        try
        {
            while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
            }
        }
        finally
        {
            e.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

/// <summary>Capture manifests (JSON), loaded and applied to reader options.</summary>
internal sealed class ManifestSurface(string root) : Surface("manifest")
{
    private readonly List<byte[]> _seeds = Seeds.ManifestFiles(root).Select(File.ReadAllBytes).ToList();

    public override byte[] Make(Random rng, out string ext)
    {
        ext = ".manifest.json";
        return Mutator.Mutate(Pick(_seeds, rng), rng);
    }

    public override void Consume(byte[] input, string ext, string scratch)
    {
        string path = Path.Combine(scratch, "m" + ext);
        File.WriteAllBytes(path, input);
        using CaptureManifest m = CaptureManifest.Load(path);
        _ = m.ApplyTo(TraceReaderOptions.Default);
        _ = m.GetInt64("host.cpus");
        _ = m.GetString("trace.clock");
    }
}

/// <summary>whatif stop scenarios (JSON and YAML), loaded and predicted.</summary>
internal sealed class ScenarioSurface : Surface
{
    private readonly List<(byte[] Bytes, string Ext)> _seeds = [];

    public ScenarioSurface(string root) : base("scenario")
    {
        foreach (string f in Seeds.ScenarioFiles(root))
        {
            _seeds.Add((File.ReadAllBytes(f), Path.GetExtension(f)));
        }
    }

    public override byte[] Make(Random rng, out string ext)
    {
        (byte[] bytes, ext) = _seeds[rng.Next(_seeds.Count)];
        return Mutator.Mutate(bytes, rng);
    }

    public override void Consume(byte[] input, string ext, string scratch)
    {
        string path = Path.Combine(scratch, "s" + ext);
        File.WriteAllBytes(path, input);
        (IReadOnlyList<StopProcessSpec> processes, StopPolicy policy) = StopScenarioFile.Load(path);
        _ = ContainerStop.Predict(processes, policy);
    }
}

/// <summary>
/// CLI option strings: the size, limit, duration and signal parsers, the shared reader options (--user-hz,
/// --tsc-hz, --clock, --format) and whole argument vectors through the System.CommandLine tree (parse only).
/// </summary>
internal sealed class OptionSurface : Surface
{
    private static readonly string[] Sizes = ["256M", "1G", "128M", "64k", "32MiB", "4096", "1.5G", "max", "unlimited", "-1", "0", "8T", "2E"];
    private static readonly string[] Durations = ["10s", "500ms", "0s", "86400s", "1", "250ms"];
    private static readonly string[] Signals = ["TERM", "SIGKILL", "9", "INT", "RTMIN+3", "SIGRTMAX-1", "usr1", "64"];
    private static readonly string[] Ints = ["100", "250", "1000", "1000000", "0", "-5", "2900000000", "3000000000"];
    private static readonly string[][] Lines =
    [
        ["info", "traces/fio-seq64k-memcg128M.trace.gz", "--json", "--user-hz", "100"],
        ["info", "t.txt", "--clock", "x86-tsc", "--tsc-hz", "2900000000", "--format", "PerfScript"],
        ["whatif", "memory", "t.gz", "--memory-limit", "128M", "--memory-high", "96M", "--cgroup", "v1", "--dirty-bytes", "32M"],
        ["whatif", "stop", "--scenario", "s.yaml", "--grace", "10s", "--signal", "TERM"],
        ["sweep", "memory", "t.gz", "--limits", "64M,128M,256M", "--plot", "/tmp/knee.png"],
        ["whatif", "net", "t.gz", "--topology", "veth-bridge", "--load", "max"],
        ["convert", "t.txt.gz", "-o", "/tmp/t.parquet", "--strict"],
        ["check", "t.gz", "--json"],
        ["validate", "--json"],
    ];

    private readonly RootCommand _root = KernelSim.Cli.Program.BuildRoot();
    private readonly CommonOptions _common = new();
    private readonly Command _commonHost = new("fuzz");

    public OptionSurface() : base("options") => _common.AddTo(_commonHost);

    public override byte[] Make(Random rng, out string ext)
    {
        ext = ".args";
        int kind = rng.Next(6);
        string[] args = kind switch
        {
            0 => ["size", Mut(Sizes[rng.Next(Sizes.Length)], rng)],
            1 => ["proposal", Mut(Sizes[rng.Next(Sizes.Length)], rng), Mut(Sizes[rng.Next(Sizes.Length)], rng), Mut(rng.Next(2) == 0 ? "v1" : "2", rng), Mut(Sizes[rng.Next(Sizes.Length)], rng), Mut(Sizes[rng.Next(Sizes.Length)], rng)],
            2 => ["duration", Mut(Durations[rng.Next(Durations.Length)], rng)],
            3 => ["signal", Mut(Signals[rng.Next(Signals.Length)], rng)],
            4 => ["common", "--user-hz", Mut(Ints[rng.Next(Ints.Length)], rng), "--tsc-hz", Mut(Ints[rng.Next(Ints.Length)], rng), "--clock", Mut(rng.Next(2) == 0 ? "uptime" : "x86-tsc", rng), "--format", Mut("FtraceText", rng)],
            _ => ["line", .. Lines[rng.Next(Lines.Length)].Select(a => rng.Next(3) == 0 ? Mutator.MutateText(a, rng) : a)],
        };
        return Encoding.UTF8.GetBytes(string.Join('\n', args.Select(a => a.Replace('\n', ' '))));
    }

    public override void Consume(byte[] input, string ext, string scratch)
    {
        string[] a = Encoding.UTF8.GetString(input).Split('\n');
        switch (a[0])
        {
            case "size":
                _ = WhatIfMemoryCommand.ParseLimit(a[1], "--memory-limit");
                _ = KernelSim.Units.Bytes.Parse(a[1]);
                break;
            case "proposal":
                _ = WhatIfMemoryCommand.ParseProposal(new WhatIfMemoryOptions { MemoryLimit = a[1], MemoryHigh = a[2], Cgroup = a[3], DirtyBytes = a[4], ParentLimit = a[5], MemoryMin = a[5], MemoryLow = a[5], Anon = a[5], Kernel = "6.1" });
                break;
            case "duration":
                _ = WhatIfStopCommand.ParseDuration(a[1]);
                break;
            case "signal":
                _ = StopScenarioFile.ParseSignal(a[1]);
                break;
            case "common":
                {
                    ParseResult r = _commonHost.Parse(a[1..]);
                    if (r.Errors.Count > 0)
                    {
                        throw new FormatException(r.Errors[0].Message);
                    }

                    if (_common.Problem(r) is string problem)
                    {
                        throw new FormatException(problem);
                    }

                    _ = _common.Build(r);
                    break;
                }

            default:
                {
                    ParseResult r = _root.Parse(a[1..]);
                    if (r.Errors.Count > 0)
                    {
                        throw new FormatException(r.Errors[0].Message);
                    }

                    break;
                }
        }
    }

    private static string Mut(string s, Random rng) => rng.Next(4) == 0 ? s : Mutator.MutateText(s, rng);
}
