using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using KernelSim.Replay.Tests.Formats;
using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Tests.Workload;

/// <summary>The committed fio captures, each extracted once per test run and shared by the tests that read it.</summary>
internal static class Captures
{
    /// <summary>Every fio capture in traces/ (traced runs: x.trace.gz with x.fio.json beside it).</summary>
    public static readonly string[] Fio =
    [
        "fio-seq64k-memcg128M",
        "fio-seq64k-memcg1G",
        "fio-seq4k-memcg128M",
        "fio-seq4k-memcg1G",
        "fio-rand4k-memcg128M",
        "fio-rand4k-memcg1G",
        "fio-seq64k-dirtybytes32M",
    ];

    private static readonly ConcurrentDictionary<string, Lazy<WriteWorkload>> Cache = new(StringComparer.Ordinal);

    public static TheoryData<string> FioTheory()
    {
        var d = new TheoryData<string>();
        foreach (string name in Fio)
        {
            d.Add(name);
        }

        return d;
    }

    public static string TracePath(string name) => KernelSim.Replay.Capture.CaptureManifest.FindCaptures(Path.Combine(Fixtures.RepoRoot, "traces"), name).Single();

    public static WriteWorkload Workload(string name) =>
        Cache.GetOrAdd(name, n => new Lazy<WriteWorkload>(() => WorkloadExtractor.Extract(TracePath(n)))).Value;

    /// <summary>The write section of fio's own JSON report of the traced run (x.fio.json).</summary>
    public static JsonElement FioWrite(string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Trace(name + ".fio.json")));
        return doc.RootElement.GetProperty("jobs")[0].GetProperty("write").Clone();
    }

    /// <summary>Lines of the trace text that contain <paramref name="needle"/> (a plain scan, independent of the reader).</summary>
    public static long CountLines(string name, string needle)
    {
        string path = TracePath(name);
        using Stream file = File.OpenRead(path);
        using Stream raw = path.EndsWith(".xz", StringComparison.Ordinal)
            ? new SharpCompress.Compressors.Xz.XZStream(file)
            : new GZipStream(file, CompressionMode.Decompress);
        using var text = new StreamReader(raw);
        long n = 0;
        while (text.ReadLine() is string line)
        {
            if (line.Contains(needle, StringComparison.Ordinal))
            {
                n++;
            }
        }

        return n;
    }
}
