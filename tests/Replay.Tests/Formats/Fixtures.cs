using System.Text;
using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Formats;

/// <summary>Finds committed fixtures and reads traces into owned records.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Sim.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Sim.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Root.Value;

    public static string Sample(string name) => Path.Combine(RepoRoot, "traces", "samples", name);

    public static string Trace(string name) => Path.Combine(RepoRoot, "traces", name);

    public static List<RawEventRecord> ReadAll(TraceReader reader)
    {
        var list = new List<RawEventRecord>();
        while (reader.Read())
        {
            list.Add(reader.Current.ToRecord());
        }

        return list;
    }

    public static List<RawEventRecord> ReadAll(string text, TraceReaderOptions? options = null)
    {
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test", options);
        return ReadAll(r);
    }

    public static List<RawEventRecord> ReadAllFile(string path, TraceReaderOptions? options = null)
    {
        using TraceReader r = TraceReader.Open(path, options);
        return ReadAll(r);
    }
}

/// <summary>A stream that hands out its bytes in chunks of given sizes, to test resumption across buffer boundaries.</summary>
internal sealed class ChunkedStream(byte[] data, Func<int, int> chunkSize) : Stream
{
    private int _pos;
    private int _call;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, chunkSize(_call++)), data.Length - _pos);
        Array.Copy(data, _pos, buffer, offset, n);
        _pos += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
