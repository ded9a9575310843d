using System.Text;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Tests.Formats;

/// <summary>Parse work stays linear in the line length, whatever the line holds (issue 17, quadratic-1line.txt).</summary>
public class LineParserTests
{
    private const string Event = "            bash-2250    [001] .....    91.516306: sched_wakeup: comm=a pid=1 prio=120 target_cpu=001";

    private static string Repeat(string unit, int bytes) => new StringBuilder(bytes + unit.Length).Insert(0, unit, (bytes / unit.Length) + 1).ToString();

    /// <summary>Lines built so that a rescanning parser looks back to the start from every "[N]".</summary>
    public static TheoryData<string, string> WorstCases => new()
    {
        { "close-paren before every cpu (the repro)", Repeat(")[0] ", 1 << 20) },
        { "one open paren then close-paren cpus", "(" + Repeat(")[0] ", 1 << 20) },
        { "tgid-like columns", Repeat("(1)[0] ", 1 << 20) },
        { "pid-like runs", Repeat("a-1[0]x ", 1 << 20) },
        { "digits and slashes (perf ids)", Repeat("1/1/1 [0]x ", 1 << 20) },
        { "spaces before cpus", Repeat("          [0] ", 1 << 20) },
    };

    [Theory]
    [MemberData(nameof(WorstCases))]
    public void Parse_WorstCaseLine_WorkLinearInLength(string name, string text)
    {
        byte[] line = Encoding.ASCII.GetBytes(text);
        foreach (TraceFormat f in new[] { TraceFormat.FtraceText, TraceFormat.TraceCmdReport, TraceFormat.PerfScript })
        {
            var p = default(ParsedLine);
            LineParser.Parse(line, f, ref p);
            Assert.True(p.Examined <= (2L * line.Length) + 64, $"{name} ({f}): examined {p.Examined} bytes of a {line.Length}-byte line");
        }
    }

    [Theory]
    [MemberData(nameof(WorstCases))]
    public void Parse_WorstCasePrefixThenEvent_FindsTheEventInLinearWork(string name, string text)
    {
        byte[] line = Encoding.ASCII.GetBytes(text + Event);
        var p = default(ParsedLine);
        LineParser.Parse(line, TraceFormat.FtraceText, ref p);
        Assert.True(p.Examined <= (2L * line.Length) + 64, $"{name}: examined {p.Examined} bytes of a {line.Length}-byte line");
        Assert.Equal(LineKind.Event, p.Kind);
        Assert.Equal("sched_wakeup", Encoding.ASCII.GetString(p.EventToken));
        if (!name.StartsWith("pid-like", StringComparison.Ordinal))
        {
            Assert.Equal(2250, p.Pid);
            Assert.Equal(1, p.Cpu);
        }
    }

    [Fact]
    public void Parse_TgidColumn_StillRead()
    {
        byte[] line = "          <idle>-0       (-------) [001] d..2.  1.000000: sched_switch: x"u8.ToArray();
        var p = default(ParsedLine);
        LineParser.Parse(line, TraceFormat.FtraceText, ref p);
        Assert.Equal(LineKind.Event, p.Kind);
        Assert.Equal(-1, p.Tgid);
        line = "            bash-2250    (   2250) [001] .....    91.516306: sched_wakeup: x"u8.ToArray();
        LineParser.Parse(line, TraceFormat.FtraceText, ref p);
        Assert.Equal(2250, p.Tgid);
    }
}
