using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// irq:softirq_* records: "vec=3 [action=NET_RX]" (ftrace, trace-cmd report) and "vec=3" (trace-cmd report -R).
/// Lines from traces/samples/ftrace-net.txt and CAPTURES.md capture A.
/// </summary>
public class IrqTests
{
    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [SoftirqRaise.EventName] = Entry<SoftirqRaise>(),
        [SoftirqEntry.EventName] = Entry<SoftirqEntry>(),
        [SoftirqExit.EventName] = Entry<SoftirqExit>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { SoftirqRaise.EventName, "vec=3 [action=NET_RX]", "[action=NET_RX]", "softirq_entry" },
        { SoftirqEntry.EventName, "vec=3 [action=NET_RX]", "vec= [action=NET_RX]", "softirq_exit" },
        { SoftirqExit.EventName, "vec=3 [action=NET_RX]", "", "softirq_raise" },
    };

    [Theory]
    [InlineData("vec=3 [action=NET_RX]", 3u, SoftirqVector.NetRx)] // samples/ftrace-net.txt: python3-12073 [001] D..1. 677.159242
    [InlineData("vec=9 [action=RCU]", 9u, SoftirqVector.Rcu)] // capture A: capA.sh-11682 [001] d.h1. 658.786767
    [InlineData("vec=9", 9u, SoftirqVector.Rcu)] // trace-cmd report -R
    public void SoftirqRaise_RealPayload_ReadsVecAndAction(string payload, uint vec, SoftirqVector action)
    {
        SoftirqRaise e = Decode<SoftirqRaise>(payload);
        Assert.Equal(new SoftirqRaise(Header, vec), e);
        Assert.Equal(action, e.Action);
    }

    [Theory]
    [InlineData("vec=3 [action=NET_RX]", 3u, SoftirqVector.NetRx)] // samples/ftrace-net.txt: 677.159246
    [InlineData("vec=7 [action=SCHED]", 7u, SoftirqVector.Sched)] // capture A: capA.sh-11682 [001] ..s1. 658.786777
    [InlineData("vec=7", 7u, SoftirqVector.Sched)] // trace-cmd report -R
    public void SoftirqEntry_RealPayload_ReadsVecAndAction(string payload, uint vec, SoftirqVector action)
    {
        SoftirqEntry e = Decode<SoftirqEntry>(payload);
        Assert.Equal(new SoftirqEntry(Header, vec), e);
        Assert.Equal(action, e.Action);
    }

    [Theory]
    [InlineData("vec=3 [action=NET_RX]", 3u, SoftirqVector.NetRx)] // samples/ftrace-net.txt: 677.159283
    [InlineData("vec=4 [action=BLOCK]", 4u, SoftirqVector.Block)] // capture A: <idle>-0 [001] .Ns1. 658.788709
    [InlineData("vec=4", 4u, SoftirqVector.Block)] // trace-cmd report -R
    public void SoftirqExit_RealPayload_ReadsVecAndAction(string payload, uint vec, SoftirqVector action)
    {
        SoftirqExit e = Decode<SoftirqExit>(payload);
        Assert.Equal(new SoftirqExit(Header, vec), e);
        Assert.Equal(action, e.Action);
    }
}
