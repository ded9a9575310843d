using System.Reflection;

namespace KernelSim.Cli.Commands;

/// <summary>The capture shipped inside ksim, used when a command is given no trace.</summary>
internal static class DefaultTrace
{
    /// <summary>Name the default capture is shown under.</summary>
    public const string Name = "fio-seq64k-memcg128M.trace.gz";

    /// <summary>Writes the embedded capture and its manifest to a per-user temp folder (once) and returns the trace.</summary>
    public static FileInfo Extract()
    {
        string dir = Folder();
        string trace = Path.Combine(dir, Name);
        Write("default.trace.gz", trace);
        Write("default.manifest.json", Path.Combine(dir, "fio-seq64k-memcg128M.manifest.json"));
        return new FileInfo(trace);
    }

    /// <summary>Name the default net capture is shown under.</summary>
    public const string NetName = "net-loopback-udp64-pinned.trace.gz";

    /// <summary>Writes the embedded net capture (pinned loopback ping-pong), its manifest and sockperf's log to the same folder and returns the trace.</summary>
    public static FileInfo ExtractNet()
    {
        string dir = Folder();
        string trace = Path.Combine(dir, NetName);
        Write("net.trace.gz", trace);
        Write("net.manifest.json", Path.Combine(dir, "net-loopback-udp64-pinned.manifest.json"));
        Write("net.sockperf-full.csv", Path.Combine(dir, "net-loopback-udp64-pinned.sockperf-full.csv"));
        return new FileInfo(trace);
    }

    // The per-user, per-version temp folder the embedded captures are written to.
    private static string Folder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ksim-default-" + typeof(DefaultTrace).Assembly.GetName().Version);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Write(string resource, string path)
    {
        using Stream s = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"ksim was built without its embedded {resource}");
        if (File.Exists(path) && new FileInfo(path).Length == s.Length)
        {
            return;
        }

        string tmp = path + "." + Environment.ProcessId + ".tmp";
        using (FileStream fs = File.Create(tmp))
        {
            s.CopyTo(fs);
        }

        File.Move(tmp, path, overwrite: true);
    }
}
