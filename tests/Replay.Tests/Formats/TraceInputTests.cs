using System.IO.Compression;
using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Formats;

/// <summary>Opening inputs: damaged and truncated compression, pipes, directories, binary look-alikes (issue 17).</summary>
public class TraceInputTests
{
    private static readonly TraceReaderOptions Lenient = new() { Lenient = true };

    private static string Bad(string name) => Path.Combine(Fixtures.RepoRoot, "traces", "samples", "bad", name);

    private static byte[] Plain => File.ReadAllBytes(Fixtures.Sample("ftrace-noirqinfo.txt"));

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    private static byte[] Compressed(string kind) => kind switch
    {
        "gzip" => Gzip(Plain),
        "zstd" => File.ReadAllBytes(Fixtures.Sample("ftrace-noirqinfo.txt.zst")),
        "xz" => File.ReadAllBytes(Fixtures.Sample("ftrace-noirqinfo.txt.xz")),
        _ => Plain,
    };

    private static (List<RawEventRecord> Events, TraceDiagnostics Diagnostics) ReadAll(Stream s, TraceReaderOptions options)
    {
        using TraceReader r = TraceReader.FromStream(s, "input", options with { Format = TraceFormat.FtraceText });
        return (Fixtures.ReadAll(r), r.Diagnostics);
    }

    [Theory]
    [InlineData("corrupt.gz", "valid gzip data")]
    [InlineData("corrupthdr.xz", "valid xz data")]
    public void Open_DamagedCompressedInput_TraceFormatExceptionWithOffset(string file, string expected)
    {
        foreach (TraceReaderOptions o in new[] { TraceReaderOptions.Default, Lenient })
        {
            TraceFormatException ex = Assert.Throws<TraceFormatException>(() =>
            {
                using TraceReader r = TraceReader.Open(Bad(file), o);
                Fixtures.ReadAll(r);
            });
            Assert.Equal(Bad(file), ex.SourceName);
            Assert.Contains(expected, ex.Expected, StringComparison.Ordinal);
            Assert.InRange(ex.ByteOffset, 1, new FileInfo(Bad(file)).Length);
            Assert.NotNull(ex.InnerException);
        }
    }

    [Theory]
    [InlineData("truncated.gz", true)]
    [InlineData("truncated.zst", false)]
    [InlineData("truncated.xz", false)]
    public void Read_TruncatedCompressedRepro_LenientFlagsStrictThrows(string file, bool hasEventsBeforeCut)
    {
        using (TraceReader r = TraceReader.Open(Bad(file), Lenient))
        {
            Assert.Equal(hasEventsBeforeCut, Fixtures.ReadAll(r).Count > 0);
            Assert.True(r.Diagnostics.Truncated);
            Assert.Contains("ends", r.Diagnostics.Truncation, StringComparison.Ordinal);
            Assert.Contains(r.Diagnostics.Warnings(), w => w.Contains("truncated", StringComparison.Ordinal));
        }

        TraceFormatException ex = Assert.Throws<TraceFormatException>(() =>
        {
            using TraceReader r = TraceReader.Open(Bad(file));
            Fixtures.ReadAll(r);
        });
        Assert.Contains("complete", ex.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    [InlineData("xz")]
    public void Read_CompressedCutAtEveryLength_NeverSilentlyShorter(string kind)
    {
        byte[] data = Compressed(kind);
        (List<RawEventRecord> full, TraceDiagnostics fullDiag) = ReadAll(new MemoryStream(data), Lenient);
        Assert.False(fullDiag.Truncated);
        Assert.NotEmpty(full);
        for (int cut = 1; cut < data.Length; cut++)
        {
            try
            {
                (List<RawEventRecord> part, TraceDiagnostics d) = ReadAll(new MemoryStream(data[..cut]), Lenient);
                Assert.True(d.Truncated, $"{kind} cut at {cut} of {data.Length}: read as a complete trace of {part.Count} events");
                Assert.True(part.Count <= full.Count); // a cut inside the trailer loses no event but is still reported
            }
            catch (TraceFormatException ex)
            {
                // A cut that leaves a damaged-looking stream is reported as such: also not silent.
                Assert.Equal("input", ex.SourceName);
            }
        }
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("gzip")]
    [InlineData("zstd")]
    [InlineData("xz")]
    public void FromStream_NonSeekableInSmallChunks_SameAsSeekable(string kind)
    {
        byte[] data = Compressed(kind);
        (List<RawEventRecord> expected, _) = ReadAll(new MemoryStream(data), TraceReaderOptions.Default);
        foreach (int chunk in new[] { 1, 7, 4096 })
        {
            (List<RawEventRecord> piped, TraceDiagnostics d) = ReadAll(new ChunkedStream(data, _ => chunk), TraceReaderOptions.Default);
            Assert.Equal(expected, piped);
            Assert.False(d.Truncated);
        }
    }

    [Fact]
    public void Open_Directory_TraceFormatExceptionSaysDirectory()
    {
        TraceFormatException ex = Assert.Throws<TraceFormatException>(() => TraceReader.Open(Path.Combine(Fixtures.RepoRoot, "traces")));
        Assert.Contains("not a directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TextCutMidLine_LenientFlagsStrictThrows()
    {
        byte[] data = Plain;
        int lastNl = Array.LastIndexOf(data, (byte)'\n', data.Length - 2);
        byte[] cut = data[..(lastNl + 30)];
        (_, TraceDiagnostics d) = ReadAll(new MemoryStream(cut), Lenient);
        Assert.True(d.TruncatedLastLine);
        Assert.True(d.Truncated);
        TraceFormatException ex = Assert.Throws<TraceFormatException>(() => ReadAll(new MemoryStream(cut), TraceReaderOptions.Default));
        Assert.Contains("complete last line", ex.Expected, StringComparison.Ordinal);
    }

    [RequiresToolFact("perf")]
    public void Open_FakePerfData_TraceFormatExceptionQuotesPerf()
    {
        TraceFormatException ex = Assert.Throws<TraceFormatException>(() =>
        {
            using TraceReader r = TraceReader.Open(Bad("fake.perf"), Lenient);
            Fixtures.ReadAll(r);
        });
        Assert.Contains("perf script", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_UserHzOutOfRange_ThrowsNamingArgumentAndRange()
    {
        foreach (int hz in new[] { 0, -100, TraceReaderOptions.MaxUserHz + 1 })
        {
            ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TraceReaderOptions { UserHz = hz });
            Assert.Equal("UserHz", ex.ParamName);
            Assert.Contains("between 1 and 1000000", ex.Message, StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new TraceReaderOptions { TscTicksPerSecond = 0 });
    }

    [Fact]
    public async Task SummarizeFileAsync_Fifo_TextAndParquet()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string dir = Directory.CreateTempSubdirectory("ksim-fifo").FullName;
        try
        {
            string pq = Path.Combine(dir, "x.parquet");
            using (TraceReader r = TraceReader.Open(Fixtures.Sample("ftrace-noirqinfo.txt")))
            {
                await using FileStream fs = File.Create(pq);
                await KernelSim.Replay.Store.ParquetTraceStore.WriteAsync(r, fs);
            }

            foreach ((byte[] bytes, string format) in new[] { (Compressed("gzip"), "ftrace"), (Compressed("xz"), "ftrace"), (File.ReadAllBytes(pq), "parquet") })
            {
                string fifo = Path.Combine(dir, "fifo-" + format);
                using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo))
                {
                    await mk.WaitForExitAsync();
                }

                Task writer = Task.Run(async () =>
                {
                    await using FileStream w = new(fifo, FileMode.Open, FileAccess.Write);
                    await w.WriteAsync(bytes);
                });
                TraceSummary s = await TraceInspector.SummarizeFileAsync(fifo, Lenient);
                await writer;
                Assert.Equal(format, s.Format);
                Assert.True(s.TotalEvents > 0);
                Assert.False(s.Truncated);
                File.Delete(fifo);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
