using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// syscalls:sys_enter_fsync — entry to fsync(2).
/// </summary>
/// <remarks>
/// Kernel: fs/sync.c <c>SYSCALL_DEFINE1(fsync)</c> → <c>do_fsync</c>; fields per
/// events/syscalls/sys_enter_fsync/format. Emitted by kernel/trace/trace_syscalls.c <c>ftrace_syscall_enter</c>.
/// ftrace prints "sys_fsync(fd: 3)" (single-digit values in decimal, the rest as 0x-hex), which the reader turns
/// into this event with payload "fd: 3"; trace-cmd and perf print every value as 0x-hex padded to 8 digits
/// ("0x00000003") and trace-cmd -R prints "name=0x00000003" pairs. The <c>__syscall_nr</c> field is implied by the
/// event and not kept.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Fd"><c>fd</c>: the file descriptor.</param>
public readonly record struct SysEnterFsync(
    EventHeader Header,
    uint Fd) : ITraceEvent<SysEnterFsync>
{
    /// <inheritdoc />
    public static string EventName => "syscalls:sys_enter_fsync";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SysEnterFsync value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sys_enter_fsync"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetUInt32("fd"u8, out uint fd))
        {
            value = new SysEnterFsync(EventHeader.From(e), fd);
            return true;
        }

        return false;
    }
}
