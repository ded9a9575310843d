namespace KernelSim.Replay.Events;

/// <summary>Reads the return value of a sys_exit_* event in the shapes the tracers print.</summary>
/// <remarks>Kernel: kernel/trace/trace_syscalls.c <c>print_syscall_exit</c> ("0x%lx"); the reader already turns
/// ftrace's "sys_write -> 0x64" into a sys_exit_write event with payload "0x64".</remarks>
internal static class SyscallText
{
    /// <summary>"0x64" (ftrace, trace-cmd, perf) or "__syscall_nr=1 ret=0x64" (trace-cmd -R).</summary>
    public static bool TryGetRet(ReadOnlySpan<byte> payload, out long ret)
    {
        var r = new PayloadReader(payload);
        return r.TryGetInt64("ret"u8, out ret) || PayloadReader.TryParseInt64(payload, out ret);
    }
}
