using System.IO.Compression;

namespace KernelSim.Bench;

/// <summary>Loads the largest committed capture under traces/ into memory, decompressed.</summary>
internal static class RealTrace
{
    public static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Sim.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? Directory.GetCurrentDirectory();
    }

    public static string LargestPath()
    {
        string traces = Path.Combine(RepoRoot(), "traces");
        string[] candidates = Directory.GetFiles(traces, "*.trace.gz");
        if (candidates.Length == 0)
        {
            candidates = Directory.GetFiles(Path.Combine(traces, "samples"), "*.txt");
        }

        return candidates.OrderByDescending(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).First();
    }

    public static byte[] LoadLargest()
    {
        string path = LargestPath();
        using FileStream fs = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(fs, CompressionMode.Decompress) : fs;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
