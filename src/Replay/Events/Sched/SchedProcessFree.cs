using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// sched:sched_process_free — a dead task's task_struct is released (after an RCU grace period).
/// </summary>
/// <remarks>
/// Kernel: kernel/exit.c <c>delayed_put_task_struct</c>; fields per events/sched/sched_process_free/format.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Comm"><c>comm</c>.</param>
/// <param name="Pid"><c>pid</c>.</param>
/// <param name="Prio"><c>prio</c>.</param>
public readonly record struct SchedProcessFree(
    EventHeader Header,
    string Comm,
    int Pid,
    int Prio) : ITraceEvent<SchedProcessFree>
{
    /// <inheritdoc />
    public static string EventName => "sched:sched_process_free";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SchedProcessFree value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sched_process_free"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetString("comm"u8, out string comm)
            && r.TryGetInt32("pid"u8, out int pid)
            && r.TryGetInt32("prio"u8, out int prio))
        {
            value = new SchedProcessFree(EventHeader.From(e), comm, pid, prio);
            return true;
        }

        return false;
    }
}
