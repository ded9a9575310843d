using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// writeback:writeback_wake_background — a dirtier over the background threshold kicks the flusher.
/// </summary>
/// <remarks>
/// Kernel: fs/fs-writeback.c <c>wb_start_background_writeback</c>; fields per
/// events/writeback/writeback_wake_background/format. Printed "bdi %s: cgroup_ino=%lu" (trace-cmd -R: name=).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Name"><c>name</c>: the bdi name ("254:0").</param>
/// <param name="CgroupIno"><c>cgroup_ino</c>: inode of the memcg owning the wb (the root, 1, on cgroup v1).</param>
public readonly record struct WritebackWakeBackground(
    EventHeader Header,
    string Name,
    ulong CgroupIno) : ITraceEvent<WritebackWakeBackground>
{
    /// <inheritdoc />
    public static string EventName => "writeback:writeback_wake_background";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out WritebackWakeBackground value)
    {
        value = default;
        if (!e.Name.SequenceEqual("writeback_wake_background"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (WritebackSymbols.TryGetBdi(r, "name"u8, out string name)
            && r.TryGetUInt64("cgroup_ino"u8, out ulong cgroupIno))
        {
            value = new WritebackWakeBackground(EventHeader.From(e), name, cgroupIno);
            return true;
        }

        return false;
    }
}
