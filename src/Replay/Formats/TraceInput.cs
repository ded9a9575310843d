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

    /// <summary>
    /// The decompressed stream and, when an external tool produced the text, its format, the tool and
    /// the spooled copy of piped binary input it reads (deleted with the reader).
    /// </summary>
    internal readonly record struct Opened(Stream Stream, TraceFormat ImpliedFormat, string? Compression, ToolRun? Tool, SourceStream? Source);

    /// <summary>True if the first bytes are the Parquet magic "PAR1".</summary>
    public static bool IsParquetHead(ReadOnlySpan<byte> head) => head.StartsWith("PAR1"u8);

    /// <summary>Opens a file, a FIFO or a character device such as <c>/dev/stdin</c>; never seeks.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="TraceFormatException">The path is a directory, Parquet, or a binary trace that cannot be read.</exception>
    public static Opened OpenFile(string path, TraceReaderOptions options)
    {
        if (Directory.Exists(path))
        {
            throw new TraceFormatException(path, 0, "(a directory)", "a trace file, not a directory", null);
        }

        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Open(new SourceStream(fs), path, options);
    }

    /// <summary>Sniffs <paramref name="source"/> from its buffered head (no seeking) and opens it.</summary>
    public static Opened Open(SourceStream source, string sourceName, TraceReaderOptions options)
    {
        ReadOnlySpan<byte> head = source.Head;
        if (head.StartsWith(TraceDatMagic) || head.StartsWith(PerfDataMagic))
        {
            bool isDat = head.StartsWith(TraceDatMagic);
            string tool = isDat ? "trace-cmd" : "perf";
            if (!options.AllowExternalTools)
            {
                source.Dispose();
                throw new TraceFormatException(sourceName, 0, 0, isDat ? "trace.dat magic" : "PERFILE2", $"a text trace (binary {(isDat ? "trace.dat" : "perf.data")} needs {tool}; external tools are disabled)");
            }

            return OpenBinary(source, sourceName, isDat);
        }

        if (IsParquetHead(head))
        {
            source.Dispose();
            throw new TraceFormatException(sourceName, 0, "PAR1", "a text trace (this is a Parquet file: read it with `ksim info` or ParquetTraceStore)", null);
        }

        if (head.StartsWith(GzipMagic))
        {
            return Decompressed(new GZipStream(source, CompressionMode.Decompress), "gzip", source, sourceName);
        }

        if (head.StartsWith(ZstdMagic))
        {
            return Decompressed(new ZstdSharp.DecompressionStream(source), "zstd", source, sourceName);
        }

        if (head.StartsWith(XzMagic))
        {
            // XZStream reads its stream header in the constructor: a damaged header fails here.
            Stream xz;
            try
            {
                xz = new SharpCompress.Compressors.Xz.XZStream(source);
            }
            catch (SharpCompress.Common.SharpCompressException ex)
            {
                source.Dispose();
                throw new TraceFormatException(sourceName, source.Consumed, ex.Message, "a valid xz stream header", ex);
            }

            return Decompressed(xz, "xz", source, sourceName);
        }

        return new Opened(source, TraceFormat.Auto, null, null, source);
    }

    /// <summary>Copies a non-seekable input to a new owner-only file in the per-user temp folder.</summary>
    /// <returns>The open copy, positioned at 0; it deletes itself when closed.</returns>
    public static FileStream SpoolToTemp(Stream input, string suffix)
    {
        string path = Path.Combine(UserDirectories.Temp(), "spool-" + Path.GetRandomFileName() + suffix);
        FileStream copy = UserDirectories.CreateNew(path, FileAccess.ReadWrite, FileOptions.DeleteOnClose);
        try
        {
            input.CopyTo(copy);
            copy.Position = 0;
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    private static Opened Decompressed(Stream decoder, string compression, SourceStream source, string sourceName) =>
        new(new DecompressedStream(decoder, source, compression, sourceName), TraceFormat.Auto, compression, null, source);

    private static Opened OpenBinary(SourceStream source, string sourceName, bool isDat)
    {
        if (source.Inner is FileStream { CanSeek: true } fs)
        {
            string path = fs.Name;
            source.Dispose();
            return RunTool(path, sourceName, isDat, spool: null);
        }

        // trace-cmd and perf seek in their input: give them a file.
        FileStream spool;
        using (source)
        {
            spool = SpoolToTemp(source, isDat ? ".dat" : ".data");
        }

        return RunTool(spool.Name, sourceName, isDat, spool);
    }

    private static Opened RunTool(string path, string sourceName, bool isDat, FileStream? spool)
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
            spool?.Dispose();
            throw new TraceFormatException(
                sourceName, 0, 0, isDat ? "trace.dat magic" : "PERFILE2",
                $"a text trace: this is a binary {(isDat ? "trace.dat" : "perf.data")}; install {psi.FileName} or convert it with `{(isDat ? "trace-cmd report -i FILE" : "perf script -i FILE")}` ({ex.Message})");
        }

        var run = new ToolRun(p, isDat ? "trace-cmd report" : "perf script", isDat ? "trace.dat" : "perf.data", spool);
        return new Opened(p.StandardOutput.BaseStream, isDat ? TraceFormat.TraceCmdReport : TraceFormat.PerfScript, null, run, null);
    }
}
