using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// syscalls:sys_enter_pread64 — entry to pread64(2).
/// </summary>
/// <remarks>
/// Kernel: fs/read_write.c <c>SYSCALL_DEFINE4(pread64)</c> → <c>ksys_pread64</c>; fields per
/// events/syscalls/sys_enter_pread64/format. Emitted by kernel/trace/trace_syscalls.c <c>ftrace_syscall_enter</c>.
/// ftrace prints "sys_pread64(fd: 3, buf: 0x..., count: 0x1000, pos: 0x10000)" (single-digit values in decimal, the
/// rest as 0x-hex), which the reader turns into this event with payload "fd: 3, buf: 0x..., count: 0x1000, pos:
/// 0x10000"; trace-cmd and perf print every value as 0x-hex padded to 8 digits ("0x00000003") and trace-cmd -R
/// prints "name=0x00000003" pairs. The <c>__syscall_nr</c> field is implied by the event and not kept.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Fd"><c>fd</c>: the file descriptor.</param>
/// <param name="Buf"><c>buf</c>: user buffer address.</param>
/// <param name="Count"><c>count</c>: bytes requested.</param>
/// <param name="Pos"><c>pos</c>: file offset.</param>
public readonly record struct SysEnterPread64(
    EventHeader Header,
    uint Fd,
    ulong Buf,
    ulong Count,
    long Pos) : ITraceEvent<SysEnterPread64>
{
    /// <inheritdoc />
    public static string EventName => "syscalls:sys_enter_pread64";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SysEnterPread64 value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sys_enter_pread64"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetUInt32("fd"u8, out uint fd)
            && r.TryGetUInt64("buf"u8, out ulong buf)
            && r.TryGetUInt64("count"u8, out ulong count)
            && r.TryGetInt64("pos"u8, out long pos))
        {
            value = new SysEnterPread64(EventHeader.From(e), fd, buf, count, pos);
            return true;
        }

        return false;
    }
}
