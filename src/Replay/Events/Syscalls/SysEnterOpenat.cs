using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// syscalls:sys_enter_openat — entry to openat(2).
/// </summary>
/// <remarks>
/// Kernel: fs/open.c <c>SYSCALL_DEFINE4(openat)</c> → <c>do_sys_open</c>; fields per
/// events/syscalls/sys_enter_openat/format. Emitted by kernel/trace/trace_syscalls.c <c>ftrace_syscall_enter</c>.
/// ftrace prints "sys_openat(dfd: 0xffffff9c, filename: 0x7f..., flags: 0x80000, mode: 0)" (single-digit values in
/// decimal, the rest as 0x-hex), which the reader turns into this event with payload "dfd: 0xffffff9c, filename:
/// 0x7f..., flags: 0x80000, mode: 0"; trace-cmd and perf print every value as 0x-hex padded to 8 digits
/// ("0x00000003") and trace-cmd -R prints "name=0x00000003" pairs. The <c>__syscall_nr</c> field is implied by the
/// event and not kept.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Dfd"><c>dfd</c>: directory fd the path is relative to (-100 = AT_FDCWD, printed
/// 0xffffff9c).</param>
/// <param name="FilenamePtr"><c>filename</c>: the user address of the path (the tracepoint records the pointer, not
/// the string).</param>
/// <param name="Flags"><c>flags</c>: open flags (O_*).</param>
/// <param name="Mode"><c>mode</c>: creation mode (umode_t).</param>
public readonly record struct SysEnterOpenat(
    EventHeader Header,
    int Dfd,
    ulong FilenamePtr,
    int Flags,
    ushort Mode) : ITraceEvent<SysEnterOpenat>
{
    /// <inheritdoc />
    public static string EventName => "syscalls:sys_enter_openat";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SysEnterOpenat value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sys_enter_openat"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("dfd"u8, out int dfd)
            && r.TryGetUInt64("filename"u8, out ulong filenamePtr)
            && r.TryGetInt32("flags"u8, out int flags)
            && r.TryGetUInt16("mode"u8, out ushort mode))
        {
            value = new SysEnterOpenat(EventHeader.From(e), dfd, filenamePtr, flags, mode);
            return true;
        }

        return false;
    }
}
