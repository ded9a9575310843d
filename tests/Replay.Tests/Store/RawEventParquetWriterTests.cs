using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Store;
using KernelSim.Replay.Tests.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Store;

/// <summary>
/// The parallel row-group writer behind <c>ksim convert</c> against Parquet.Net's own writer: for the same events
/// and metadata the two files must be equal byte for byte (the writer's documented promise: `ksim convert` output did
/// not change when it was made parallel, and a Parquet.Net upgrade that writes differently fails here).
/// </summary>
public class RawEventParquetWriterTests
{
    private static readonly KeyValuePair<string, string>[] LayoutOnly = [new("ksim.layout", ParquetTraceStore.LayoutTag)];

    public static TheoryData<string> Samples() => ParquetTraceStoreTests.Samples();

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Write_RealSample_SameBytesAsParquetNet(string name) =>
        await AssertSameAsParquetNetAsync(await File.ReadAllBytesAsync(Fixtures.Sample(name)));

    [Fact]
    public async Task Write_CommittedCapture_SameBytesAsParquetNet() =>
        await AssertSameAsParquetNetAsync(Gunzip(Fixtures.Trace("fio-seq64k-memcg128M.trace.gz")));

    [Fact]
    public async Task Write_NonAsciiAndInvalidUtf8_SameBytesAsParquetNet()
    {
        // Payloads and task names with 2-, 3- and 4-byte UTF-8 (4-byte ones sort differently as UTF-16 than as
        // bytes), invalid bytes (replaced by U+FFFD as .NET strings) and empty values.
        string[] odd = ["h\u00e9llo", "\ue000pua", "\U0001F600emoji", "\ufffd", "", "zz", "\u007f"];
        var text = new MemoryStream();
        for (int i = 0; i < 5000; i++)
        {
            string comm = i % 7 == 0 ? "t" + odd[i % odd.Length] : "task" + (i % 3).ToString(CultureInfo.InvariantCulture);
            WriteLine(text, Encoding.UTF8.GetBytes(comm), i, Encoding.UTF8.GetBytes("x=" + odd[(i / 3) % odd.Length]));
            if (i % 11 == 0)
            {
                WriteLine(text, "bad"u8, i, [(byte)'y', (byte)'=', 0xFF, 0xFE, 0xC3]);
            }
        }

        await AssertSameAsParquetNetAsync(text.ToArray());
    }

    [Fact]
    public async Task Write_NoEvents_SameBytesAsParquetNet() =>
        await AssertSameAsParquetNetAsync("# tracer: nop\n#\n"u8.ToArray());

    [Fact]
    public async Task Write_ExactlyOneRowGroupAndSeveral_SameBytesAsParquetNet()
    {
        foreach (int n in new[] { ParquetTraceStore.RowGroupSize, (ParquetTraceStore.RowGroupSize * 3) + 1 })
        {
            var text = new MemoryStream();
            for (int i = 0; i < n; i++)
            {
                WriteLine(text, "fio"u8, i, Encoding.ASCII.GetBytes("ofs=" + (i * 4096).ToString(CultureInfo.InvariantCulture)));
            }

            await AssertSameAsParquetNetAsync(text.ToArray());
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public Property Write_ArbitraryPayloadBytes_SameBytesAsParquetNet() =>
        Prop.ForAll(
            Gen.ListOf(Gen.ArrayOf(Gen.Choose(1, 255).Select(b => (byte)b)).Select(p => p.Where(b => b is not (byte)'\n' and not (byte)'\r').ToArray())).ToArbitrary(),
            payloads =>
            {
                var text = new MemoryStream();
                int i = 0;
                foreach (byte[] p in payloads)
                {
                    WriteLine(text, i % 2 == 0 ? "a"u8 : "b\u00e9"u8, i, p);
                    i++;
                }

                (byte[] mine, byte[] reference) = BothAsync(text.ToArray()).GetAwaiter().GetResult();
                return mine.AsSpan().SequenceEqual(reference).Label("RawEventParquetWriter == Parquet.Net");
            });

    private static void WriteLine(MemoryStream text, ReadOnlySpan<byte> comm, int i, ReadOnlySpan<byte> payload)
    {
        text.Write("   "u8);
        text.Write(comm);
        text.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"-{100 + (i % 9)}  [00{i % 2}] d..{i % 3}. {1000 + (i / 100000)}.{i % 100000:D6}: {(i % 5 == 0 ? "sched_switch" : "mm_filemap_add_to_page_cache")}: ")));
        text.Write(payload);
        text.WriteByte((byte)'\n');
    }

    private static async Task AssertSameAsParquetNetAsync(byte[] trace)
    {
        (byte[] mine, byte[] reference) = await BothAsync(trace);
        Assert.Equal(reference.Length, mine.Length);
        Assert.True(reference.AsSpan().SequenceEqual(mine), "the parallel writer's file differs from Parquet.Net's");
    }

    private static async Task<(byte[] Mine, byte[] Reference)> BothAsync(byte[] trace)
    {
        var options = new TraceReaderOptions { Lenient = true };
        List<RawEventRecord> records;
        using (TraceReader r = TraceReader.FromStream(new MemoryStream(trace), "t", options))
        {
            records = Fixtures.ReadAll(r);
        }

        var reference = new MemoryStream();
        await ParquetTraceStore.WriteAsync(records, reference); // Parquet.Net's ParquetWriter, metadata: the layout tag
        var mine = new MemoryStream();
        using (TraceReader r = TraceReader.FromStream(new MemoryStream(trace), "t", options))
        {
            long n = await RawEventParquetWriter.WriteAsync(r, mine, () => LayoutOnly, null, CancellationToken.None);
            Assert.Equal(records.Count, n);
        }

        return (mine.ToArray(), reference.ToArray());
    }

    private static byte[] Gunzip(string path)
    {
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
