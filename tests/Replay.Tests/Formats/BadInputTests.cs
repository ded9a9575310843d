using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Formats;

public class BadInputTests
{
    private const string Good = "            bash-2250    [001] .....    91.516306: sched_wakeup: comm=a pid=1 prio=120 target_cpu=001\n";

    [Fact]
    public void Read_MalformedLine_Strict_ThrowsWithLineOffsetTextAndExpectation()
    {
        string text = Good + "this is not a trace line\n" + Good;
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "bad.txt");
        Assert.True(r.Read());
        TraceFormatException ex = Assert.Throws<TraceFormatException>(() => r.Read());
        Assert.Equal("bad.txt", ex.SourceName);
        Assert.Equal(2, ex.Line);
        Assert.Equal(Good.Length, ex.ByteOffset);
        Assert.Equal("this is not a trace line", ex.OffendingText);
        Assert.Contains("COMM-PID [CPU]", ex.Expected, StringComparison.Ordinal);
        Assert.Contains("bad.txt:2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MalformedLines_Lenient_SkippedCountedDescribed()
    {
        string text = Good + "garbage one\n" + "  a-1 [000] ..... notatime: x: y\n" + Good;
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "bad.txt", new TraceReaderOptions { Lenient = true });
        Assert.Equal(2, Fixtures.ReadAll(r).Count);
        Assert.Equal(2, r.Diagnostics.MalformedLines);
        Assert.Equal([2L, 3L], r.Diagnostics.Issues.Select(i => i.Line));
        Assert.Contains("timestamp", r.Diagnostics.Issues[1].Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedLastLine_LenientReportedStrictRefused()
    {
        string text = Good + Good[..40];
        using (TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "cut.txt", new TraceReaderOptions { Lenient = true }))
        {
            Assert.Single(Fixtures.ReadAll(r));
            Assert.True(r.Diagnostics.TruncatedLastLine);
            Assert.True(r.Diagnostics.Truncated);
        }

        using TraceReader strict = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "cut.txt");
        Assert.True(strict.Read());
        TraceFormatException ex = Assert.Throws<TraceFormatException>(() => strict.Read());
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Read_LastLineWithoutNewline_StillAnEvent()
    {
        Assert.Single(Fixtures.ReadAll(Good.TrimEnd('\n')));
    }

    [Fact]
    public void Read_OverlongLine_ReportedNotBuffered()
    {
        string text = Good + new string('x', 5000) + "\n" + Good;
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "long.txt", new TraceReaderOptions { Lenient = true, MaxLineLength = 1000 });
        Assert.Equal(2, Fixtures.ReadAll(r).Count);
        Assert.Equal(1, r.Diagnostics.MalformedLines);
    }

    [Theory]
    [InlineData("ftrace-tgid.txt")]
    [InlineData("ftrace-lost.txt")]
    [InlineData("trace-cmd-report-lost.txt")]
    [InlineData("perf-script-lost.txt")]
    [InlineData("ftrace-syscalls.txt")]
    public void Read_EveryByteBoundary_SameEventsAndDiagnostics(string sample)
    {
        byte[] data = File.ReadAllBytes(Fixtures.Sample(sample));
        data = data[..Math.Min(data.Length, 3000)];
        int cut = Array.LastIndexOf(data, (byte)'\n') + 1;
        data = data[..cut];
        List<RawEventRecord> expected = Read(new MemoryStream(data));
        Assert.NotEmpty(expected);
        for (int split = 1; split < data.Length; split++)
        {
            int s = split;
            var chunked = new ChunkedStream(data, call => call == 0 ? s : int.MaxValue);
            Assert.Equal(expected, Read(chunked));
        }

        Assert.Equal(expected, Read(new ChunkedStream(data, _ => 1)));
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Read_MutatedTrace_OnlyTraceFormatExceptionOrDiagnostics() =>
        Prop.ForAll(
            Gen.Zip(Gen.Choose(0, 2999), Gen.Zip(Gen.Choose(0, 255), Gen.Choose(0, 3))).Select(t => (t.Item1, t.Item2.Item1, t.Item2.Item2)).ArrayOf().ToArbitrary(),
            mutations =>
            {
                byte[] data = File.ReadAllBytes(Fixtures.Sample("ftrace-irqinfo.txt"))[..3000];
                var list = data.ToList();
                foreach ((int pos, int value, int kind) in mutations)
                {
                    int p = Math.Min(pos, list.Count - 1);
                    if (p < 0)
                    {
                        break;
                    }

                    switch (kind)
                    {
                        case 0: list[p] = (byte)value; break;
                        case 1: list.RemoveAt(p); break;
                        case 2: list.Insert(p, (byte)value); break;
                        default: list.RemoveRange(p, list.Count - p); break;
                    }
                }

                byte[] mutated = list.ToArray();
                bool lenientOk;
                using (TraceReader lenient = TraceReader.FromStream(new MemoryStream(mutated), "m", new TraceReaderOptions { Lenient = true, Format = TraceFormat.FtraceText }))
                {
                    while (lenient.Read())
                    {
                        _ = lenient.Current.ToRecord();
                    }

                    lenientOk = true;
                }

                bool strictOk;
                try
                {
                    using TraceReader strict = TraceReader.FromStream(new MemoryStream(mutated), "m");
                    while (strict.Read())
                    {
                        _ = strict.Current.ToRecord();
                    }

                    strictOk = true;
                }
                catch (TraceFormatException)
                {
                    strictOk = true;
                }

                return (lenientOk && strictOk).Label("lenient never throws; strict throws only TraceFormatException");
            });

    private static List<RawEventRecord> Read(Stream s)
    {
        using TraceReader r = TraceReader.FromStream(s, "split");
        List<RawEventRecord> events = Fixtures.ReadAll(r);
        // Fold the diagnostics into the compared list so a split that changes them fails too.
        events.Add(new RawEventRecord(default, r.Diagnostics.HeaderCpuCount ?? -1, (int)r.Diagnostics.LostEvents, (int)r.Diagnostics.LostEventMarkers, r.Format.ToString(), "diag", "diag", r.Diagnostics.NonEventLines.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Empty, r.Diagnostics.BufferStartedMarkers, r.Diagnostics.MalformedLines));
        return events;
    }
}
