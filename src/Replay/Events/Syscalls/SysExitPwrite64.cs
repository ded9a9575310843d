using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// syscalls:sys_exit_pwrite64 — return from pwrite64(2).
/// </summary>
/// <remarks>
/// Kernel: fs/read_write.c <c>SYSCALL_DEFINE4(pwrite64)</c> → <c>ksys_pwrite64</c>; fields per
/// events/syscalls/sys_exit_pwrite64/format. Emitted by kernel/trace/trace_syscalls.c <c>ftrace_syscall_exit</c>.
/// ftrace prints "sys_pwrite64 -> 0x64", which the reader turns into this event with payload "0x64"; trace-cmd and
/// perf print "0x64", trace-cmd -R "__syscall_nr=1 ret=0x64". A negative errno prints as its 64-bit pattern
/// (0xfffffffffffffff2 is -14, EFAULT).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Ret"><c>ret</c>: the return value (bytes, a new fd, 0, or -errno).</param>
public readonly record struct SysExitPwrite64(
    EventHeader Header,
    long Ret) : ITraceEvent<SysExitPwrite64>
{
    /// <inheritdoc />
    public static string EventName => "syscalls:sys_exit_pwrite64";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SysExitPwrite64 value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sys_exit_pwrite64"u8))
        {
            return false;
        }

        if (SyscallText.TryGetRet(e.Payload, out long ret))
        {
            value = new SysExitPwrite64(EventHeader.From(e), ret);
            return true;
        }

        return false;
    }
}
