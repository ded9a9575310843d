using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// block records. TP_printk is positional: "254,0 RM 4096 () 29097992 + 8 be,0,4 [ip]"; trace-cmd report prints the
/// ioprio class as a number ("0x2,0,4") because it cannot resolve IOPRIO_CLASS_*, and trace-cmd report -R prints
/// dev=266338304 (the kernel dev_t) and ioprio=16388. Lines from CAPTURES.md capture A and
/// traces/samples/ftrace-clock-counter.txt.
/// </summary>
public class BlockTests
{
    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [BlockRqIssue.EventName] = Entry<BlockRqIssue>(),
        [BlockRqComplete.EventName] = Entry<BlockRqComplete>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { BlockRqIssue.EventName, "254,0 RM 4096 () 29097992 + 8 be,0,4 [ip]", "254,0 RM 4096 () 29097992 + 8 be,0,4", "block_rq_insert" },
        { BlockRqComplete.EventName, "254,0 RM () 29097992 + 8 be,0,4 [0]", "254,0 RM () 29097992 + be,0,4 [0]", "block_rq_issue" },
    };

    [Theory]
    [InlineData("254,0 RM 4096 () 29097992 + 8 be,0,4 [ip]")] // ftrace, capture A: ip-11684 [000] 658.788438
    [InlineData("254,0 RM 4096 () 29097992 + 8 0x2,0,4 [ip]")] // trace-cmd report
    [InlineData("      254,0 RM 4096 () 29097992 + 8 0x2,0,4 [ip]")] // trace-cmd report read as ftrace text (padding kept)
    [InlineData("dev=266338304 sector=29097992 nr_sector=8 bytes=4096 ioprio=16388 rwbs=RM comm=ip cmd=")] // trace-cmd report -R
    public void BlockRqIssue_RealPayload_ReadsEveryField(string payload)
    {
        BlockRqIssue e = Decode<BlockRqIssue>(payload);
        Assert.Equal(new BlockRqIssue(Header, new DeviceNumber(254, 0), 29097992, 8, 4096, 16388, "RM", "ip", ""), e);
        Assert.Equal(IoprioClass.BestEffort, e.IoprioClass);
        Assert.Equal(4, e.IoprioLevel);
    }

    [Fact]
    public void BlockRqIssue_CommWithSpaces_KeepsWholeComm() =>
        // traces/samples/ftrace-clock-counter.txt: .NET TP Worker-9040 [001] ..... 310: block_rq_issue: ...
        Assert.Equal(
            new BlockRqIssue(Header, new DeviceNumber(254, 0), 24188320, 16, 8192, 16388, "RA", ".NET TP Worker", ""),
            Decode<BlockRqIssue>("254,0 RA 8192 () 24188320 + 16 be,0,4 [.NET TP Worker]"));

    [Fact]
    public void BlockRqIssue_FlushWithoutClass_ReadsNoneClass()
    {
        // traces/samples/ftrace-clock-counter.txt: kworker/1:1H-44 [001] ..... 282: block_rq_issue: (a cache flush)
        BlockRqIssue e = Decode<BlockRqIssue>("254,0 FF 0 () 0 + 0 none,0,0 [kworker/1:1H]");
        Assert.Equal(new BlockRqIssue(Header, new DeviceNumber(254, 0), 0, 0, 0, 0, "FF", "kworker/1:1H", ""), e);
        Assert.Equal(IoprioClass.None, e.IoprioClass);
    }

    [Theory]
    [InlineData("254,0 RM () 29097992 + 8 be,0,4 [0]")] // ftrace, capture A: <idle>-0 [001] 658.788697
    [InlineData("254,0 RM () 29097992 + 8 0x2,0,4 [0]")] // trace-cmd report
    [InlineData("dev=266338304 sector=29097992 nr_sector=8 error=0 ioprio=16388 rwbs=RM cmd=")] // trace-cmd report -R
    public void BlockRqComplete_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new BlockRqComplete(Header, new DeviceNumber(254, 0), 29097992, 8, 0, 16388, "RM", ""), Decode<BlockRqComplete>(payload));

    [Fact]
    public void BlockRqComplete_FlushCompletion_ReadsAllOnesSector() =>
        // traces/samples/ftrace-clock-counter.txt: .NET Tiered Com-8951 [001] ..s.. 283: block_rq_complete: (sector (sector_t)-1)
        Assert.Equal(
            new BlockRqComplete(Header, new DeviceNumber(254, 0), ulong.MaxValue, 0, 0, 0, "FF", ""),
            Decode<BlockRqComplete>("254,0 FF () 18446744073709551615 + 0 none,0,0 [0]"));

    [Fact]
    public void BlockRqComplete_SyntheticError_ReadsNegativeErrno() =>
        // synthetic (print fmt "... [%d]" with error -5): no failing device on the host.
        Assert.Equal(-5, Decode<BlockRqComplete>("254,0 W () 8 + 8 be,0,4 [-5]").Error);

    [Theory]
    [InlineData("254,0 RM 4096 (29097992 + 8 be,0,4 [ip]")]
    [InlineData("254,0 RM 4096 () 29097992 - 8 be,0,4 [ip]")]
    [InlineData("254,0 RM 4096 () 29097992 + 8 xx,0,4 [ip]")]
    [InlineData("254 RM 4096 () 29097992 + 8 be,0,4 [ip]")]
    public void BlockRqIssue_MalformedText_ReturnsFalse(string payload) =>
        Assert.False(TryDecode<BlockRqIssue>("block", "block_rq_issue", payload, out _));
}
