using System.Reflection;
using System.Security.Cryptography;
using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Commands;

/// <summary>The capture shipped inside ksim, used when a command is given no trace.</summary>
/// <remarks>
/// The embedded files are written to the per-user cache (<c>$XDG_CACHE_HOME/ksim</c> or
/// <c>~/.cache/ksim</c>, created 0700), never to a folder shared between users, and a file already
/// there is used only if its SHA-256 equals the embedded resource's; otherwise it is rewritten
/// through a new temp file and an atomic rename.
/// </remarks>
internal static class DefaultTrace
{
    /// <summary>Name the default capture is shown under.</summary>
    public const string Name = "fio-seq64k-memcg128M.trace.gz";

    /// <summary>Name the default net capture is shown under.</summary>
    public const string NetName = "net-loopback-udp64-pinned.trace.gz";

    /// <summary>Writes the embedded capture and its manifest to the per-user cache (when not already there) and returns the trace.</summary>
    public static FileInfo Extract() => Extract(Folder());

    /// <summary>As <see cref="Extract()"/>, into <paramref name="dir"/> (tests).</summary>
    internal static FileInfo Extract(string dir)
    {
        string trace = Path.Combine(dir, Name);
        Write("default.trace.gz", trace);
        Write("default.manifest.json", Path.Combine(dir, "fio-seq64k-memcg128M.manifest.json"));
        return new FileInfo(trace);
    }

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

    // The per-user, per-version cache folder the embedded captures are written to.
    private static string Folder()
    {
        string dir = Path.Combine(UserDirectories.Cache(), "default-" + typeof(DefaultTrace).Assembly.GetName().Version);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Write(string resource, string path)
    {
        byte[] content;
        using (Stream s = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"ksim was built without its embedded {resource}"))
        {
            content = new byte[s.Length];
            s.ReadExactly(content);
        }

        if (HasContent(path, content))
        {
            return;
        }

        string tmp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Path.GetRandomFileName() + ".tmp");
        try
        {
            using (FileStream fs = UserDirectories.CreateNew(tmp))
            {
                fs.Write(content);
            }

            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    private static bool HasContent(string path, byte[] content)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != content.Length)
        {
            return false;
        }

        using FileStream fs = info.OpenRead();
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(fs, actual);
        return actual.SequenceEqual(SHA256.HashData(content));
    }
}
