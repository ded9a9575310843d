using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// syscalls:sys_exit_read — return from read(2).
/// </summary>
/// <remarks>
/// Kernel: fs/read_write.c <c>SYSCALL_DEFINE3(read)</c> → <c>ksys_read</c>; fields per
/// events/syscalls/sys_exit_read/format. Emitted by kernel/trace/trace_syscalls.c <c>ftrace_syscall_exit</c>.
/// ftrace prints "sys_read -> 0x64", which the reader turns into this event with payload "0x64"; trace-cmd and perf
/// print "0x64", trace-cmd -R "__syscall_nr=1 ret=0x64". A negative errno prints as its 64-bit pattern
/// (0xfffffffffffffff2 is -14, EFAULT).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Ret"><c>ret</c>: the return value (bytes, a new fd, 0, or -errno).</param>
public readonly record struct SysExitRead(
    EventHeader Header,
    long Ret) : ITraceEvent<SysExitRead>
{
    /// <inheritdoc />
    public static string EventName => "syscalls:sys_exit_read";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SysExitRead value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sys_exit_read"u8))
        {
            return false;
        }

        if (SyscallText.TryGetRet(e.Payload, out long ret))
        {
            value = new SysExitRead(EventHeader.From(e), ret);
            return true;
        }

        return false;
    }
}
