using System.Text.RegularExpressions;
using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Formats;

/// <summary>Every real sample in traces/samples reads strictly, in the format it is.</summary>
public class SampleFilesTests
{
    public static TheoryData<string, TraceFormat> Samples()
    {
        var data = new TheoryData<string, TraceFormat>();
        foreach (string f in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "traces", "samples"), "*.txt").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(f);
            TraceFormat expected = name.StartsWith("perf-", StringComparison.Ordinal) ? TraceFormat.PerfScript
                : name.StartsWith("trace-cmd", StringComparison.Ordinal) ? TraceFormat.TraceCmdReport
                : TraceFormat.FtraceText;
            data.Add(name, expected);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Read_RealSample_StrictNoMalformedLines_DetectsFormat(string name, TraceFormat format)
    {
        using TraceReader r = TraceReader.Open(Fixtures.Sample(name));
        List<RawEventRecord> events = Fixtures.ReadAll(r);
        Assert.Equal(format, r.Format);
        Assert.NotEmpty(events);
        Assert.Equal(0, r.Diagnostics.MalformedLines);
        Assert.All(events, e => Assert.NotEqual(string.Empty, e.Name));

        // Every line of the file is accounted for: an event, a marker, a header/comment line, or blank.
        string[] lines = File.ReadAllLines(Fixtures.Sample(name));
        long blank = lines.Count(l => l.Trim().Length == 0);
        long accounted = events.Count + r.Diagnostics.NonEventLines + r.Diagnostics.LostEventMarkers + r.Diagnostics.BufferStartedMarkers + blank;
        Assert.Equal(lines.Length, accounted);
    }

    [Fact]
    public void Read_FtraceLostSample_SumsEveryLostMarker()
    {
        string path = Fixtures.Sample("ftrace-lost.txt");
        long expected = Regex.Matches(File.ReadAllText(path), @"\[LOST (\d+) EVENTS\]").Sum(m => long.Parse(m.Groups[1].Value));
        using TraceReader r = TraceReader.Open(path);
        Fixtures.ReadAll(r);
        Assert.True(expected > 0);
        Assert.Equal(expected, r.Diagnostics.LostEvents);
    }

    [Fact]
    public void Read_PerfLostSample_SumsPerfRecordLost()
    {
        string path = Fixtures.Sample("perf-script-lost.txt");
        long expected = Regex.Matches(File.ReadAllText(path), @"PERF_RECORD_LOST lost (\d+)").Sum(m => long.Parse(m.Groups[1].Value));
        using TraceReader r = TraceReader.Open(path);
        Fixtures.ReadAll(r);
        Assert.True(expected > 0);
        Assert.Equal(expected, r.Diagnostics.LostEvents);
    }

    [Fact]
    public void Read_TraceCmdLostSample_SumsDroppedMarkers_AndCountsUncounted()
    {
        string path = Fixtures.Sample("trace-cmd-report-lost.txt");
        string text = File.ReadAllText(path);
        long expected = Regex.Matches(text, @"CPU:\d+ \[(\d+) EVENTS DROPPED\]").Sum(m => long.Parse(m.Groups[1].Value));
        int uncounted = Regex.Count(text, @"CPU:\d+ \[EVENTS DROPPED\]");
        using TraceReader r = TraceReader.Open(path);
        Fixtures.ReadAll(r);
        Assert.Equal(TraceFormat.TraceCmdReport, r.Format);
        Assert.True(expected > 0);
        Assert.Equal(expected, r.Diagnostics.LostEvents);
        Assert.Equal(uncounted, r.Diagnostics.LostMarkersWithoutCount);
    }

    [Fact]
    public void Read_TraceCmdReport_StripsInstancePrefix()
    {
        List<RawEventRecord> e = Fixtures.ReadAllFile(Fixtures.Sample("trace-cmd-report.txt"));
        Assert.DoesNotContain(e, x => x.Comm.Contains(':', StringComparison.Ordinal) && x.Comm.StartsWith("kss", StringComparison.Ordinal));
        Assert.Contains(e, x => x.FullName == "sched:sched_process_fork");
    }

    [Fact]
    public void Read_PerfScript_SubsystemFromTheLine()
    {
        List<RawEventRecord> e = Fixtures.ReadAllFile(Fixtures.Sample("perf-script.txt"));
        Assert.All(e, x => Assert.NotEqual(string.Empty, x.System));
    }

    [Theory]
    [InlineData("ftrace-noirqinfo.txt.xz")]
    [InlineData("ftrace-noirqinfo.txt.zst")]
    public void Read_Compressed_SameEventsAsPlain(string compressed)
    {
        List<RawEventRecord> plain = Fixtures.ReadAllFile(Fixtures.Sample("ftrace-noirqinfo.txt"));
        using TraceReader r = TraceReader.Open(Fixtures.Sample(compressed));
        List<RawEventRecord> other = Fixtures.ReadAll(r);
        Assert.Equal(plain, other);
        Assert.Equal(compressed.EndsWith(".xz", StringComparison.Ordinal) ? "xz" : "zstd", r.Compression);
    }

    [Fact]
    public void Read_Gzip_SameEventsAsPlain()
    {
        byte[] plainBytes = File.ReadAllBytes(Fixtures.Sample("ftrace-irqinfo.txt"));
        var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(plainBytes);
        }

        ms.Position = 0;
        using TraceReader r = TraceReader.FromStream(ms, "gz");
        Assert.Equal(Fixtures.ReadAllFile(Fixtures.Sample("ftrace-irqinfo.txt")), Fixtures.ReadAll(r));
        Assert.Equal("gzip", r.Compression);
    }
}

public class BinaryTraceTests
{
    [RequiresToolFact("trace-cmd")]
    public void Open_TraceDat_ReadThroughTraceCmdReport()
    {
        using KernelSim.Replay.Formats.TraceReader r = KernelSim.Replay.Formats.TraceReader.Open(Fixtures.Sample("trace-cmd-mixed.dat"));
        List<KernelSim.Tracing.RawEventRecord> events = Fixtures.ReadAll(r);
        Assert.Equal(KernelSim.Replay.Formats.TraceFormat.TraceCmdReport, r.Format);
        Assert.NotEmpty(events);
        Assert.Equal(0, r.Diagnostics.MalformedLines);
    }

    [Fact]
    public void Open_TraceDat_ExternalToolsDisabled_ClearError()
    {
        var ex = Assert.Throws<KernelSim.Replay.Formats.TraceFormatException>(() =>
            KernelSim.Replay.Formats.TraceReader.Open(Fixtures.Sample("trace-cmd-mixed.dat"), new KernelSim.Replay.Formats.TraceReaderOptions { AllowExternalTools = false }));
        Assert.Contains("trace.dat", ex.Expected, StringComparison.Ordinal);
    }
}
