using System.IO.Compression;
using SharpCompress.Compressors.Xz;

namespace KernelSim.Fuzz;

/// <summary>The seed inputs: committed traces (small ones), samples, manifests, stop scenarios and tests/bad-inputs.</summary>
internal static class Seeds
{
    /// <summary>Decompressed seeds are cut to this many bytes so one input stays cheap.</summary>
    public const int MaxPlainSeed = 24 * 1024;

    private const long MaxSeedFile = 64 * 1024;

    public static IEnumerable<string> TraceFiles(string root)
    {
        string traces = Path.Combine(root, "traces");
        IEnumerable<string> samples = Directory.GetFiles(Path.Combine(traces, "samples"))
            .Where(f => !f.EndsWith(".dat", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal));
        IEnumerable<string> captures = Directory.GetFiles(traces, "*.trace.*")
            .Concat(Directory.GetFiles(Path.Combine(root, "tests", "bad-inputs"), "*.trace.gz", SearchOption.AllDirectories));
        return samples.Concat(captures).Where(f => new FileInfo(f).Length <= MaxSeedFile).Order(StringComparer.Ordinal);
    }

    public static IEnumerable<string> ManifestFiles(string root) =>
        Directory.GetFiles(Path.Combine(root, "traces"), "*.manifest.json")
            .Concat(Directory.GetFiles(Path.Combine(root, "tests", "bad-inputs"), "*.manifest.json", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> ScenarioFiles(string root) =>
        Directory.GetFiles(Path.Combine(root, "traces", "stop"))
            .Concat(Directory.GetFiles(Path.Combine(root, "tests", "bad-inputs", "stop")))
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public static byte[] Decompress(string path)
    {
        using FileStream f = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(f, CompressionMode.Decompress)
            : path.EndsWith(".zst", StringComparison.Ordinal) ? new ZstdSharp.DecompressionStream(f)
            : new XZStream(f);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    public static byte[] Zstd(byte[] data)
    {
        using var c = new ZstdSharp.Compressor(1);
        return c.Wrap(data).ToArray();
    }
}
