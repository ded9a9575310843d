using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// sched:sched_process_fork — a task creates a child (process or thread).
/// </summary>
/// <remarks>
/// Kernel: kernel/fork.c <c>kernel_clone</c>; fields per events/sched/sched_process_fork/format. Printed keys
/// differ from the fields: comm= and pid= are parent_comm and parent_pid (trace-cmd -R prints the field names).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="ParentComm"><c>parent_comm</c> (printed comm).</param>
/// <param name="ParentPid"><c>parent_pid</c> (printed pid).</param>
/// <param name="ChildComm"><c>child_comm</c>.</param>
/// <param name="ChildPid"><c>child_pid</c>.</param>
public readonly record struct SchedProcessFork(
    EventHeader Header,
    string ParentComm,
    int ParentPid,
    string ChildComm,
    int ChildPid) : ITraceEvent<SchedProcessFork>
{
    /// <inheritdoc />
    public static string EventName => "sched:sched_process_fork";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SchedProcessFork value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sched_process_fork"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if ((r.TryGetString("comm"u8, out string parentComm) || r.TryGetString("parent_comm"u8, out parentComm))
            && (r.TryGetInt32("pid"u8, out int parentPid) || r.TryGetInt32("parent_pid"u8, out parentPid))
            && r.TryGetString("child_comm"u8, out string childComm)
            && r.TryGetInt32("child_pid"u8, out int childPid))
        {
            value = new SchedProcessFork(EventHeader.From(e), parentComm, parentPid, childComm, childPid);
            return true;
        }

        return false;
    }
}
