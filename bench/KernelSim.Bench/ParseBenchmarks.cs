using BenchmarkDotNet.Attributes;
using KernelSim.Replay.Formats;

namespace KernelSim.Bench;

/// <summary>Single-threaded parse throughput of the ftrace text reader (bytes in memory, no disk).</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private byte[] _synthetic = [];
    private byte[] _real = [];

    /// <summary>Size of the synthetic trace.</summary>
    [Params(64L << 20)]
    public long SyntheticBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _synthetic = SyntheticTrace.Build(SyntheticBytes);
        _real = RealTrace.LoadLargest();
    }

    [Benchmark(Description = "synthetic ftrace text")]
    public long Synthetic() => Count(_synthetic);

    [Benchmark(Description = "real capture (decompressed)")]
    public long Real() => Count(_real);

    internal static long Count(byte[] data)
    {
        using TraceReader r = TraceReader.FromStream(new MemoryStream(data, writable: false), "bench");
        long n = 0;
        while (r.Read())
        {
            n += r.Current.Payload.Length > 0 ? 1 : 0;
        }

        return n;
    }
}
