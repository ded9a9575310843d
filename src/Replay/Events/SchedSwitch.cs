using System.Text;
using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// sched:sched_switch — a CPU switches from one task to another.
/// </summary>
/// <remarks>Kernel: kernel/sched/core.c <c>__schedule</c>; fields per events/sched/sched_switch/format.
/// Reads both the raw tracefs text (prev_comm=... ==> next_comm=...) and trace-cmd's
/// pretty form ("bash:14161 [120] S ==> bash:14163 [120]").</remarks>
/// <param name="Header">Context columns.</param>
/// <param name="PrevComm">prev_comm.</param>
/// <param name="PrevPid">prev_pid.</param>
/// <param name="PrevPrio">prev_prio.</param>
/// <param name="PrevState">prev_state as printed ("R", "S", "D", "R+", "X", "I"...).</param>
/// <param name="NextComm">next_comm.</param>
/// <param name="NextPid">next_pid.</param>
/// <param name="NextPrio">next_prio.</param>
public readonly record struct SchedSwitch(
    EventHeader Header,
    string PrevComm,
    int PrevPid,
    int PrevPrio,
    string PrevState,
    string NextComm,
    int NextPid,
    int NextPrio) : ITraceEvent<SchedSwitch>
{
    /// <inheritdoc />
    public static string EventName => "sched:sched_switch";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SchedSwitch value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sched_switch"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetString("prev_comm"u8, out string prevComm)
            && r.TryGetInt32("prev_pid"u8, out int prevPid)
            && r.TryGetInt32("prev_prio"u8, out int prevPrio)
            && r.TryGetString("prev_state"u8, out string prevState)
            && r.TryGetString("next_comm"u8, out string nextComm)
            && r.TryGetInt32("next_pid"u8, out int nextPid)
            && r.TryGetInt32("next_prio"u8, out int nextPrio))
        {
            value = new SchedSwitch(EventHeader.From(e), prevComm, prevPid, prevPrio, prevState, nextComm, nextPid, nextPrio);
            return true;
        }

        return TryDecodePretty(e, out value);
    }

    // trace-cmd: "prevcomm:prevpid [prevprio] STATE ==> nextcomm:nextpid [nextprio]"
    private static bool TryDecodePretty(in RawEvent e, out SchedSwitch value)
    {
        value = default;
        ReadOnlySpan<byte> p = e.Payload;
        int arrow = p.IndexOf(" ==> "u8);
        if (arrow < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> left = p[..arrow];
        ReadOnlySpan<byte> right = p[(arrow + 5)..];
        int stateSpace = left.LastIndexOf((byte)' ');
        if (stateSpace < 0
            || !TryTask(left[..stateSpace], out string prevComm, out int prevPid, out int prevPrio)
            || !TryTask(right, out string nextComm, out int nextPid, out int nextPrio))
        {
            return false;
        }

        value = new SchedSwitch(EventHeader.From(e), prevComm, prevPid, prevPrio, Encoding.UTF8.GetString(left[(stateSpace + 1)..]), nextComm, nextPid, nextPrio);
        return true;
    }

    private static bool TryTask(ReadOnlySpan<byte> s, out string comm, out int pid, out int prio)
    {
        comm = string.Empty;
        pid = 0;
        prio = 0;
        int open = s.LastIndexOf(" ["u8);
        if (open < 0 || s[^1] != (byte)']')
        {
            return false;
        }

        ReadOnlySpan<byte> task = s[..open];
        int colon = task.LastIndexOf((byte)':');
        if (colon < 0
            || !PayloadReader.TryParseInt64(task[(colon + 1)..], out long p)
            || !PayloadReader.TryParseInt64(s[(open + 2)..^1], out long pr))
        {
            return false;
        }

        comm = Encoding.UTF8.GetString(task[..colon]);
        pid = (int)p;
        prio = (int)pr;
        return true;
    }
}
