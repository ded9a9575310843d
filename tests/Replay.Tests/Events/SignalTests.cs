using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// signal records. signal_generate prints grp= and res= for the fields group and result (trace-cmd report -R prints
/// group= and result=); signal_deliver prints sa_handler and sa_flags in hex without 0x. Lines from
/// traces/samples/ftrace-signal.txt, ftrace-comm-odd.txt, trace-cmd-report*.txt, perf-script.txt and CAPTURES.md
/// capture A (all five results).
/// </summary>
public class SignalTests
{
    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [SignalGenerate.EventName] = Entry<SignalGenerate>(),
        [SignalDeliver.EventName] = Entry<SignalDeliver>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { SignalGenerate.EventName, "sig=10 errno=0 code=0 comm=python3 pid=9612 grp=1 res=0", "sig=10 errno=0 code=0 comm=python3 pid=9612 grp=1", "signal_deliver" },
        { SignalDeliver.EventName, "sig=10 errno=0 code=0 sa_handler=678ec0 sa_flags=c000000", "sig=10 errno=0 code=0 sa_flags=c000000", "signal_generate" },
    };

    [Theory]
    [InlineData("sig=10 errno=0 code=0 comm=python3 pid=9612 grp=1 res=0")] // samples/trace-cmd-report.txt: python3-9611 [000] 559.858887
    [InlineData("sig=10 errno=0 code=0 comm=python3 pid=9612 group=1 result=0")] // samples/trace-cmd-report-raw.txt, same event
    public void SignalGenerate_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SignalGenerate(Header, 10, 0, 0, "python3", 9612, 1, TraceSignalResult.Delivered), Decode<SignalGenerate>(payload));

    [Theory]
    // capture A (ksimev workload), ftrace: kill(self, SIGWINCH) with SIG_DFL
    [InlineData("sig=28 errno=0 code=0 comm=ksimev pid=11693 grp=1 res=1", 28, 0, "ksimev", 11693, 1, TraceSignalResult.Ignored)]
    // capture A: a second SIGUSR2 while the first is blocked and pending
    [InlineData("sig=12 errno=0 code=0 comm=ksimev pid=11693 grp=1 res=2", 12, 0, "ksimev", 11693, 1, TraceSignalResult.AlreadyPending)]
    // capture A: rt_sigqueueinfo(SIGRTMIN) with RLIMIT_SIGPENDING 0
    [InlineData("sig=34 errno=0 code=-1 comm=ksimev-child pid=11734 grp=1 res=3", 34, -1, "ksimev-child", 11734, 1, TraceSignalResult.OverflowFail)]
    // capture A: rt_sigqueueinfo(SIGUSR1) with RLIMIT_SIGPENDING 0
    [InlineData("sig=10 errno=0 code=-1 comm=ksimev-child pid=11734 grp=1 res=4", 10, -1, "ksimev-child", 11734, 1, TraceSignalResult.LoseInfo)]
    // samples/ftrace-signal.txt: python3-12480 [000] 697.764967 (tgkill: thread-directed, SI_TKILL)
    [InlineData("sig=10 errno=0 code=-6 comm=python3 pid=12481 grp=0 res=4", 10, -6, "python3", 12481, 0, TraceSignalResult.LoseInfo)]
    public void SignalGenerate_EachResult_MapsToTraceSignalResult(string payload, int sig, int code, string comm, int pid, int group, TraceSignalResult result) =>
        Assert.Equal(new SignalGenerate(Header, sig, 0, code, comm, pid, group, result), Decode<SignalGenerate>(payload));

    [Theory]
    [InlineData("sig=10 errno=0 code=0 comm=w [1] x:y pid=9451 grp=1 res=0", "w [1] x:y")] // samples/ftrace-comm-odd.txt 554.485058
    [InlineData("sig=10 errno=0 code=0 comm=trailing  pid=9449 grp=1 res=0", "trailing ")] // samples/ftrace-comm-odd.txt 554.462309
    [InlineData("sig=10 errno=0 code=0 comm=my worker-1/x pid=9447 grp=1 res=0", "my worker-1/x")] // samples/ftrace-comm-odd.txt 554.439720
    public void SignalGenerate_OddComm_KeepsCommExactly(string payload, string comm) =>
        Assert.Equal(comm, Decode<SignalGenerate>(payload).Comm);

    [Fact]
    public void SignalGenerate_PerfScriptPayload_ReadsEveryField() =>
        // samples/perf-script.txt: sleep  9897 [000] 585.244700: signal:signal_generate: (SIGCHLD to the shell)
        Assert.Equal(
            new SignalGenerate(Header, 17, 0, 1, "bash", 9894, 1, TraceSignalResult.Delivered),
            Decode<SignalGenerate>("sig=17 errno=0 code=1 comm=bash pid=9894 grp=1 res=0"));

    [Theory]
    [InlineData("sig=10 errno=0 code=0 sa_handler=678ec0 sa_flags=c000000", 10, 0, 0x678ec0UL, 0xc000000UL)] // samples/ftrace-signal.txt 698.065174
    [InlineData("sig=17 errno=0 code=1 sa_handler=55620194be40 sa_flags=14000000", 17, 1, 0x55620194be40UL, 0x14000000UL)] // samples/trace-cmd-report.txt 560.115644
    [InlineData("sig=9 errno=0 code=0 sa_handler=0 sa_flags=0", 9, 0, 0UL, 0UL)] // samples/ftrace-signal.txt 698.170801 (SIGTERM turned SIGKILL)
    public void SignalDeliver_RealPayload_ReadsEveryField(string payload, int sig, int code, ulong handler, ulong flags) =>
        Assert.Equal(new SignalDeliver(Header, sig, 0, code, handler, flags), Decode<SignalDeliver>(payload));
}
