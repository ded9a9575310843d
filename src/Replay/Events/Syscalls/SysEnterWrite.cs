using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// syscalls:sys_enter_write — entry to write(2).
/// </summary>
/// <remarks>
/// Kernel: fs/read_write.c <c>SYSCALL_DEFINE3(write)</c> → <c>ksys_write</c>; fields per
/// events/syscalls/sys_enter_write/format. Emitted by kernel/trace/trace_syscalls.c <c>ftrace_syscall_enter</c>.
/// ftrace prints "sys_write(fd: 1, buf: 0x..., count: 0x64)" (single-digit values in decimal, the rest as 0x-hex),
/// which the reader turns into this event with payload "fd: 1, buf: 0x..., count: 0x64"; trace-cmd and perf print
/// every value as 0x-hex padded to 8 digits ("0x00000003") and trace-cmd -R prints "name=0x00000003" pairs. The
/// <c>__syscall_nr</c> field is implied by the event and not kept.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Fd"><c>fd</c>: the file descriptor.</param>
/// <param name="Buf"><c>buf</c>: user buffer address.</param>
/// <param name="Count"><c>count</c>: bytes requested.</param>
public readonly record struct SysEnterWrite(
    EventHeader Header,
    uint Fd,
    ulong Buf,
    ulong Count) : ITraceEvent<SysEnterWrite>
{
    /// <inheritdoc />
    public static string EventName => "syscalls:sys_enter_write";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SysEnterWrite value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sys_enter_write"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetUInt32("fd"u8, out uint fd)
            && r.TryGetUInt64("buf"u8, out ulong buf)
            && r.TryGetUInt64("count"u8, out ulong count))
        {
            value = new SysEnterWrite(EventHeader.From(e), fd, buf, count);
            return true;
        }

        return false;
    }
}
