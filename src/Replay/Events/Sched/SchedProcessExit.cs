using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// sched:sched_process_exit — a task exits.
/// </summary>
/// <remarks>
/// Kernel: kernel/exit.c <c>do_exit</c>; fields per events/sched/sched_process_exit/format. group_dead prints as
/// true/false (trace-cmd -R: 1/0).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Comm"><c>comm</c>.</param>
/// <param name="Pid"><c>pid</c>: the exiting thread.</param>
/// <param name="Prio"><c>prio</c>: kernel priority (120 = nice 0).</param>
/// <param name="GroupDead"><c>group_dead</c>: the last thread of its thread group.</param>
public readonly record struct SchedProcessExit(
    EventHeader Header,
    string Comm,
    int Pid,
    int Prio,
    bool GroupDead) : ITraceEvent<SchedProcessExit>
{
    /// <inheritdoc />
    public static string EventName => "sched:sched_process_exit";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SchedProcessExit value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sched_process_exit"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetString("comm"u8, out string comm)
            && r.TryGetInt32("pid"u8, out int pid)
            && r.TryGetInt32("prio"u8, out int prio)
            && r.TryGetBool("group_dead"u8, out bool groupDead))
        {
            value = new SchedProcessExit(EventHeader.From(e), comm, pid, prio, groupDead);
            return true;
        }

        return false;
    }
}
