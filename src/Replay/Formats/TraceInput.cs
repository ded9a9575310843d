using System.Diagnostics;
using System.IO.Compression;

namespace KernelSim.Replay.Formats;

/// <summary>
/// Opens a trace source: sniffs gzip, zstd and xz by magic bytes and decompresses transparently;
/// recognises binary trace.dat and perf.data and, when allowed and installed, reads them through
/// <c>trace-cmd report</c> / <c>perf script</c>.
/// </summary>
internal static class TraceInput
{
    private static ReadOnlySpan<byte> GzipMagic => [0x1f, 0x8b];

    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xb5, 0x2f, 0xfd];

    private static ReadOnlySpan<byte> XzMagic => [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

    private static ReadOnlySpan<byte> TraceDatMagic => [0x17, 0x08, 0x44, (byte)'t', (byte)'r', (byte)'a', (byte)'c', (byte)'i', (byte)'n', (byte)'g'];

    private static ReadOnlySpan<byte> PerfDataMagic => "PERFILE2"u8;

    /// <summary>The decompressed stream and, when an external tool produced the text, its format.</summary>
    internal readonly record struct Opened(Stream Stream, TraceFormat ImpliedFormat, string? Compression, Process? Tool);

    public static Opened OpenFile(string path, TraceReaderOptions options)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> head = stackalloc byte[16];
        int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        fs.Position = 0;
        head = head[..n];
        if (head.StartsWith(TraceDatMagic) || head.StartsWith(PerfDataMagic))
        {
            bool isDat = head.StartsWith(TraceDatMagic);
            fs.Dispose();
            string tool = isDat ? "trace-cmd" : "perf";
            if (!options.AllowExternalTools)
            {
                throw new TraceFormatException(path, 0, 0, isDat ? "trace.dat magic" : "PERFILE2", $"a text trace (binary {(isDat ? "trace.dat" : "perf.data")} needs {tool}; external tools are disabled)");
            }

            return RunTool(path, isDat);
        }

        return Wrap(fs, path);
    }

    public static Opened Wrap(Stream raw, string sourceName)
    {
        Stream s = raw.CanSeek ? raw : new BufferedStream(raw, 1 << 16);
        Span<byte> head = stackalloc byte[8];
        long start = s.CanSeek ? s.Position : 0;
        int n;
        if (s.CanSeek)
        {
            n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            s.Position = start;
        }
        else
        {
            var peek = new PeekStream(s, 8);
            n = peek.Peek(head);
            s = peek;
        }

        head = head[..n];
        if (head.StartsWith(GzipMagic))
        {
            return new Opened(new GZipStream(s, CompressionMode.Decompress), TraceFormat.Auto, "gzip", null);
        }

        if (head.StartsWith(ZstdMagic))
        {
            return new Opened(new ZstdSharp.DecompressionStream(s), TraceFormat.Auto, "zstd", null);
        }

        if (head.StartsWith(XzMagic))
        {
            return new Opened(new SharpCompress.Compressors.Xz.XZStream(s), TraceFormat.Auto, "xz", null);
        }

        _ = sourceName;
        return new Opened(s, TraceFormat.Auto, null, null);
    }

    private static Opened RunTool(string path, bool isDat)
    {
        var psi = new ProcessStartInfo(isDat ? "trace-cmd" : "perf")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (isDat)
        {
            psi.ArgumentList.Add("report");
            psi.ArgumentList.Add("-i");
            psi.ArgumentList.Add(path);
        }
        else
        {
            psi.ArgumentList.Add("script");
            psi.ArgumentList.Add("--show-lost-events");
            psi.ArgumentList.Add("-i");
            psi.ArgumentList.Add(path);
        }

        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException("process did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new TraceFormatException(
                path, 0, 0, isDat ? "trace.dat magic" : "PERFILE2",
                $"a text trace: this is a binary {(isDat ? "trace.dat" : "perf.data")}; install {psi.FileName} or convert it with `{(isDat ? "trace-cmd report -i FILE" : "perf script -i FILE")}` ({ex.Message})");
        }

        // Drain stderr so the tool never blocks on a full pipe.
        p.ErrorDataReceived += static (_, _) => { };
        p.BeginErrorReadLine();
        return new Opened(p.StandardOutput.BaseStream, isDat ? TraceFormat.TraceCmdReport : TraceFormat.PerfScript, null, p);
    }

    /// <summary>A forward-only stream that lets the first bytes be looked at before reading.</summary>
    private sealed class PeekStream(Stream inner, int capacity) : Stream
    {
        private readonly byte[] _peeked = new byte[capacity];
        private int _peekedCount;
        private int _peekedPos;

        public int Peek(Span<byte> destination)
        {
            _peekedCount = inner.ReadAtLeast(_peeked, _peeked.Length, throwOnEndOfStream: false);
            int n = Math.Min(_peekedCount, destination.Length);
            _peeked.AsSpan(0, n).CopyTo(destination);
            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_peekedPos < _peekedCount)
            {
                int n = Math.Min(buffer.Length, _peekedCount - _peekedPos);
                _peeked.AsSpan(_peekedPos, n).CopyTo(buffer);
                _peekedPos += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
