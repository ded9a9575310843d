using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// syscalls:sys_enter_read — entry to read(2).
/// </summary>
/// <remarks>
/// Kernel: fs/read_write.c <c>SYSCALL_DEFINE3(read)</c> → <c>ksys_read</c>; fields per
/// events/syscalls/sys_enter_read/format. Emitted by kernel/trace/trace_syscalls.c <c>ftrace_syscall_enter</c>.
/// ftrace prints "sys_read(fd: 3, buf: 0x..., count: 0x340)" (single-digit values in decimal, the rest as 0x-hex),
/// which the reader turns into this event with payload "fd: 3, buf: 0x..., count: 0x340"; trace-cmd and perf print
/// every value as 0x-hex padded to 8 digits ("0x00000003") and trace-cmd -R prints "name=0x00000003" pairs. The
/// <c>__syscall_nr</c> field is implied by the event and not kept.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Fd"><c>fd</c>: the file descriptor.</param>
/// <param name="Buf"><c>buf</c>: user buffer address.</param>
/// <param name="Count"><c>count</c>: bytes requested.</param>
public readonly record struct SysEnterRead(
    EventHeader Header,
    uint Fd,
    ulong Buf,
    ulong Count) : ITraceEvent<SysEnterRead>
{
    /// <inheritdoc />
    public static string EventName => "syscalls:sys_enter_read";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SysEnterRead value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sys_enter_read"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetUInt32("fd"u8, out uint fd)
            && r.TryGetUInt64("buf"u8, out ulong buf)
            && r.TryGetUInt64("count"u8, out ulong count))
        {
            value = new SysEnterRead(EventHeader.From(e), fd, buf, count);
            return true;
        }

        return false;
    }
}
