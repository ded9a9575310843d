using DuckDB.NET.Data;
using FsCheck;
using FsCheck.Fluent;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Store;
using KernelSim.Replay.Tests.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Store;

public class ParquetTraceStoreTests
{
    public static TheoryData<string> Samples()
    {
        var d = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "traces", "samples"), "*.txt").Order(StringComparer.Ordinal))
        {
            d.Add(Path.GetFileName(f));
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task RoundTrip_RealSample_TextEventsParquetEvents_IsIdentity(string name)
    {
        List<RawEventRecord> expected = Fixtures.ReadAllFile(Fixtures.Sample(name));
        var ms = new MemoryStream();
        using (TraceReader r = TraceReader.Open(Fixtures.Sample(name)))
        {
            Assert.Equal(expected.Count, await ParquetTraceStore.WriteAsync(r, ms));
        }

        ms.Position = 0;
        var back = new List<RawEventRecord>();
        await foreach (RawEventRecord e in ParquetTraceStore.ReadAsync(ms, name))
        {
            back.Add(e);
        }

        Assert.Equal(expected, back);
    }

    [FsCheck.Xunit.Property(MaxTest = 30)]
    public Property RoundTrip_ArbitraryRecords_IsIdentity() =>
        Prop.ForAll(GenRecord().ListOf().ToArbitrary(), records =>
        {
            var ms = new MemoryStream();
            ParquetTraceStore.WriteAsync(records, ms).GetAwaiter().GetResult();
            ms.Position = 0;
            var back = new List<RawEventRecord>();
            IAsyncEnumerator<RawEventRecord> it = ParquetTraceStore.ReadAsync(ms, "p").GetAsyncEnumerator();
            while (it.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                back.Add(it.Current);
            }

            return back.SequenceEqual(records).Label("ReadAsync(WriteAsync(xs)) == xs");
        });

    [Fact]
    public async Task RoundTrip_ManyRowGroups_KeepsOrder()
    {
        var records = Enumerable.Range(0, (ParquetTraceStore.RowGroupSize * 2) + 17)
            .Select(i => new RawEventRecord(SimTime.FromNanoseconds(i), i % 2, i, -1, "c", "s", "n", "p=" + i, "", i + 1, i * 10L))
            .ToList();
        var ms = new MemoryStream();
        await ParquetTraceStore.WriteAsync(records, ms);
        ms.Position = 0;
        int k = 0;
        await foreach (RawEventRecord e in ParquetTraceStore.ReadAsync(ms, "many"))
        {
            Assert.Equal(records[k++], e);
        }

        Assert.Equal(records.Count, k);
    }

    [Fact]
    public async Task WriteFromReader_ManyRowGroupsFromAFile_SameEventsInOrder()
    {
        // Three row groups and a bit, read from a regular file: the read-ahead thread and the two row groups
        // in flight (one parsed while the other is encoded) must keep every event and its order.
        string dir = Directory.CreateTempSubdirectory("ksim-pipeline").FullName;
        try
        {
            string path = Path.Combine(dir, "t.txt");
            var text = new System.Text.StringBuilder();
            int n = (ParquetTraceStore.RowGroupSize * 3) + 5;
            for (int i = 0; i < n; i++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"          task{i % 7}-{100 + (i % 5)}     [00{i % 2}] d..2. {1000 + (i / 1000)}.{i % 1000:D6}: sched_switch: prev_comm=a{i} prev_pid={i}\n");
            }

            await File.WriteAllTextAsync(path, text.ToString());
            List<RawEventRecord> expected;
            using (TraceReader direct = TraceReader.FromStream(new MemoryStream(await File.ReadAllBytesAsync(path)), path))
            {
                expected = Fixtures.ReadAll(direct); // no read-ahead: a MemoryStream is not a file
            }

            var ms = new MemoryStream();
            using (TraceReader r = TraceReader.Open(path))
            {
                Assert.Equal(n, await ParquetTraceStore.WriteAsync(r, ms));
            }

            ms.Position = 0;
            int k = 0;
            await foreach (RawEventRecord e in ParquetTraceStore.ReadAsync(ms, "pipeline"))
            {
                Assert.Equal(expected[k++], e);
            }

            Assert.Equal(n, k);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task DuckDb_ReadsKernelSimParquet_SameCountsPerEvent()
    {
        string dir = Directory.CreateTempSubdirectory("ksim-duck").FullName;
        string path = Path.Combine(dir, "t.parquet");
        try
        {
            Dictionary<string, long> expected;
            await using (FileStream fs = File.Create(path))
            {
                using TraceReader r = TraceReader.Open(Fixtures.Sample("ftrace-irqinfo.txt"));
                await ParquetTraceStore.WriteAsync(r, fs);
            }

            expected = Fixtures.ReadAllFile(Fixtures.Sample("ftrace-irqinfo.txt")).GroupBy(e => e.FullName).ToDictionary(g => g.Key, g => (long)g.Count());
            var actual = new Dictionary<string, long>();
            using (var conn = new DuckDBConnection("Data Source=:memory:"))
            {
                conn.Open();
                using DuckDBCommand cmd = conn.CreateCommand();
                cmd.CommandText = $"SELECT event, count(*) FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}') GROUP BY event";
                using System.Data.Common.DbDataReader rd = cmd.ExecuteReader();
                while (rd.Read())
                {
                    actual[rd.GetString(0)] = Convert.ToInt64(rd.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
            Assert.True(expected.Count > 1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Summarize_MatchesTheTextReader()
    {
        var ms = new MemoryStream();
        long lost;
        using (TraceReader r = TraceReader.Open(Fixtures.Sample("ftrace-lost.txt")))
        {
            await ParquetTraceStore.WriteAsync(r, ms);
            lost = r.Diagnostics.LostEvents;
        }

        ms.Position = 0;
        StoredTraceSummary s = await ParquetTraceStore.SummarizeAsync(ms, "lost");
        List<RawEventRecord> events = Fixtures.ReadAllFile(Fixtures.Sample("ftrace-lost.txt"));
        Assert.Equal(events.Count, s.TotalEvents);
        Assert.Equal(lost, s.LostEvents);
        Assert.Equal(events.Min(e => e.Timestamp), s.First);
        Assert.Equal(events.Max(e => e.Timestamp), s.Last);
    }

    [Fact]
    public async Task Read_NotKernelSimParquet_TraceFormatException()
    {
        var ms = new MemoryStream("PAR1 not really"u8.ToArray());
        TraceFormatException ex = await Assert.ThrowsAsync<TraceFormatException>(async () =>
        {
            await foreach (RawEventRecord _ in ParquetTraceStore.ReadAsync(ms, "x"))
            {
            }
        });
        Assert.Equal("x", ex.SourceName);
        Assert.Contains("Parquet", ex.Expected, StringComparison.Ordinal);
    }

    private static Gen<RawEventRecord> GenRecord()
    {
        Gen<string> text = Gen.Elements("", "bash", "my worker-1/x", "kworker/u8:2-events_unbound", "<...>", "naïve ✓", "a=b c=d");
        return Gen.Zip(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 63)), Gen.Zip(Gen.Choose(-1, 100000), Gen.Zip(text, text)))
            .Select(t => new RawEventRecord(
                SimTime.FromNanoseconds((long)t.Item1.Item1 * 1000),
                t.Item1.Item2,
                t.Item2.Item1 < 0 ? 0 : t.Item2.Item1,
                t.Item2.Item1,
                t.Item2.Item2.Item1,
                "sched",
                "sched_switch",
                t.Item2.Item2.Item2,
                "d..2.",
                t.Item1.Item1 % 1000,
                t.Item1.Item1));
    }
}
