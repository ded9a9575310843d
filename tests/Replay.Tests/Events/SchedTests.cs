using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// sched records (sched_switch has its own decoder from the first commit). sched_process_fork prints comm= and pid=
/// for parent_comm and parent_pid; sched_process_exit prints group_dead as true/false; trace-cmd's sched plugin
/// prints sched_wakeup as "python3:9611 [120] CPU:000". Lines from traces/samples (trace-cmd-report*.txt,
/// ftrace-comm-odd.txt, ftrace-signal.txt) and CAPTURES.md capture A.
/// </summary>
public class SchedTests
{
    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [SchedProcessFork.EventName] = Entry<SchedProcessFork>(),
        [SchedProcessExit.EventName] = Entry<SchedProcessExit>(),
        [SchedProcessFree.EventName] = Entry<SchedProcessFree>(),
        [SchedWakeup.EventName] = Entry<SchedWakeup>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { SchedProcessFork.EventName, "comm=bash pid=9606 child_comm=bash child_pid=9611", "comm=bash pid=9606 child_comm=bash", "sched_process_exec" },
        { SchedProcessExit.EventName, "comm=python3 pid=9612 prio=120 group_dead=true", "comm=python3 pid=9612 prio=120", "sched_process_free" },
        { SchedProcessFree.EventName, "comm=mkdir pid=11683 prio=120", "comm=mkdir prio=120", "sched_process_exit" },
        { SchedWakeup.EventName, "comm=python3 pid=9611 prio=120 target_cpu=000", "comm=python3 pid=9611 prio=120", "sched_wakeup_new" },
    };

    [Theory]
    [InlineData("comm=bash pid=9606 child_comm=bash child_pid=9611")] // samples/trace-cmd-report.txt: bash-9606 [000] 559.785269 (and ftrace)
    [InlineData("parent_comm=bash parent_pid=9606 child_comm=bash child_pid=9611")] // samples/trace-cmd-report-raw.txt
    public void SchedProcessFork_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SchedProcessFork(Header, "bash", 9606, "bash", 9611), Decode<SchedProcessFork>(payload));

    [Theory]
    [InlineData("comm=python3 pid=9612 prio=120 group_dead=true", "python3", 9612, true)] // samples/trace-cmd-report.txt 560.110834
    [InlineData("comm=python3 pid=9612 prio=120 group_dead=1", "python3", 9612, true)] // samples/trace-cmd-report-raw.txt
    [InlineData("comm=.NET TP Gate pid=9076 prio=120 group_dead=false", ".NET TP Gate", 9076, false)] // samples/ftrace-clock-mono.txt 539.275080 (a thread)
    [InlineData("comm=w [1] x:y pid=9451 prio=120 group_dead=true", "w [1] x:y", 9451, true)] // samples/ftrace-comm-odd.txt 554.495213
    public void SchedProcessExit_RealPayload_ReadsEveryField(string payload, string comm, int pid, bool groupDead) =>
        Assert.Equal(new SchedProcessExit(Header, comm, pid, 120, groupDead), Decode<SchedProcessExit>(payload));

    [Fact]
    public void SchedProcessExit_GroupDeadNotABool_ReturnsFalse() =>
        Assert.False(TryDecode<SchedProcessExit>("sched", "sched_process_exit", "comm=python3 pid=9612 prio=120 group_dead=2", out _));

    [Fact]
    public void SchedProcessFree_RealPayload_ReadsEveryField() =>
        // capture A: <idle>-0 [000] ..s1. 658.786806 (same text in trace-cmd report and report -R)
        Assert.Equal(new SchedProcessFree(Header, "mkdir", 11683, 120), Decode<SchedProcessFree>("comm=mkdir pid=11683 prio=120"));

    [Theory]
    [InlineData("comm=python3 pid=9611 prio=120 target_cpu=000")] // samples/trace-cmd-report-raw.txt 559.806556 (ftrace prints the same)
    [InlineData("python3:9611 [120] CPU:000")] // samples/trace-cmd-report.txt, trace-cmd's sched plugin
    public void SchedWakeup_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SchedWakeup(Header, "python3", 9611, 120, 0), Decode<SchedWakeup>(payload));

    [Theory]
    [InlineData("comm=kworker/u8:2 pid=35 prio=120 target_cpu=001", 1)] // samples/ftrace-comm-odd.txt 554.478842
    [InlineData("kworker/u8:2:35 [120] CPU:000", 0)] // trace-cmd report, capture A: <idle>-0 [000] 658.795048
    public void SchedWakeup_CommWithColon_SplitsAtLastColon(string payload, int cpu) =>
        Assert.Equal(new SchedWakeup(Header, "kworker/u8:2", 35, 120, cpu), Decode<SchedWakeup>(payload));

    [Theory]
    [InlineData("python3:9611 [120]")]
    [InlineData("python3 [120] CPU:000")]
    [InlineData("python3:9611 [x] CPU:000")]
    public void SchedWakeup_MalformedPrettyText_ReturnsFalse(string payload) =>
        Assert.False(TryDecode<SchedWakeup>("sched", "sched_wakeup", payload, out _));
}
