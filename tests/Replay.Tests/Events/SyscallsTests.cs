using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// syscalls:sys_enter_* / sys_exit_* records. Payload shapes: ftrace prints "sys_write(fd: 3, buf: 0x7f.., count: 0x64)"
/// and "sys_write -> 0x64", which the reader hands over as "fd: 3, buf: 0x7f.., count: 0x64" and "0x64"
/// (single-digit values decimal, others 0x-hex); trace-cmd report and perf script print "fd: 0x00000003, ...";
/// trace-cmd report -R prints "__syscall_nr=1 fd=0x00000003 ...". Lines from CAPTURES.md capture A (the ksimev
/// python workload) unless noted.
/// </summary>
public class SyscallsTests
{
    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [SysEnterWrite.EventName] = Entry<SysEnterWrite>(),
        [SysExitWrite.EventName] = Entry<SysExitWrite>(),
        [SysEnterPwrite64.EventName] = Entry<SysEnterPwrite64>(),
        [SysExitPwrite64.EventName] = Entry<SysExitPwrite64>(),
        [SysEnterRead.EventName] = Entry<SysEnterRead>(),
        [SysExitRead.EventName] = Entry<SysExitRead>(),
        [SysEnterPread64.EventName] = Entry<SysEnterPread64>(),
        [SysExitPread64.EventName] = Entry<SysExitPread64>(),
        [SysEnterFsync.EventName] = Entry<SysEnterFsync>(),
        [SysExitFsync.EventName] = Entry<SysExitFsync>(),
        [SysEnterFdatasync.EventName] = Entry<SysEnterFdatasync>(),
        [SysExitFdatasync.EventName] = Entry<SysExitFdatasync>(),
        [SysEnterOpenat.EventName] = Entry<SysEnterOpenat>(),
        [SysExitOpenat.EventName] = Entry<SysExitOpenat>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { SysEnterWrite.EventName, "fd: 3, buf: 0x7fbbae49c7a0, count: 0x64", "fd: 3, buf: 0x7fbbae49c7a0", "sys_enter_read" },
        { SysExitWrite.EventName, "0x64", "__syscall_nr=1", "sys_exit_read" },
        { SysEnterPwrite64.EventName, "fd: 3, buf: 0x55fac94f5a50, count: 0x2000, pos: 0x10000", "fd: 3, buf: 0x55fac94f5a50, count: 0x2000", "sys_enter_pread64" },
        { SysExitPwrite64.EventName, "0x2000", "__syscall_nr=18", "sys_exit_pread64" },
        { SysEnterRead.EventName, "fd: 3, buf: 0x7fbbae2f20f0, count: 0x64", "buf: 0x7fbbae2f20f0, count: 0x64", "sys_enter_write" },
        { SysExitRead.EventName, "0x64", "", "sys_exit_write" },
        { SysEnterPread64.EventName, "fd: 3, buf: 0x55fac94f5a50, count: 0x1000, pos: 0x10000", "fd: 3, count: 0x1000, pos: 0x10000", "sys_enter_pwrite64" },
        { SysExitPread64.EventName, "0x1000", "__syscall_nr=17", "sys_exit_pwrite64" },
        { SysEnterFsync.EventName, "fd: 3", "", "sys_enter_fdatasync" },
        { SysExitFsync.EventName, "0x0", "", "sys_exit_fdatasync" },
        { SysEnterFdatasync.EventName, "fd: 3", "fd: ", "sys_enter_fsync" },
        { SysExitFdatasync.EventName, "0x0", "__syscall_nr=75", "sys_exit_fsync" },
        { SysEnterOpenat.EventName, "dfd: 0xffffff9c, filename: 0x7fbbae0bde50, flags: 0x80242, mode: 0x1a4", "dfd: 0xffffff9c, filename: 0x7fbbae0bde50, mode: 0x1a4", "sys_enter_open" },
        { SysExitOpenat.EventName, "0x3", "ret=", "sys_exit_open" },
    };

    [Theory]
    [InlineData("fd: 3, buf: 0x7fbbae49c7a0, count: 0x64")] // ftrace: sys_write(fd: 3, buf: 0x7fbbae49c7a0, count: 0x64)
    [InlineData("fd: 0x00000003, buf: 0x7fbbae49c7a0, count: 0x00000064")] // trace-cmd report
    [InlineData("__syscall_nr=1 fd=0x00000003 buf=0x7fbbae49c7a0 count=0x00000064")] // trace-cmd report -R
    public void SysEnterWrite_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SysEnterWrite(Header, 3, 0x7fbbae49c7a0, 0x64), Decode<SysEnterWrite>(payload));

    [Fact]
    public void SysEnterWrite_FtraceSmallValues_ReadAsDecimal() =>
        // ftrace: sys_write(fd: 3, buf: 1, count: 0xa) — a write from address 1, which fails with EFAULT.
        Assert.Equal(new SysEnterWrite(Header, 3, 1, 10), Decode<SysEnterWrite>("fd: 3, buf: 1, count: 0xa"));

    [Fact]
    public void SysEnterWrite_FtraceLargeFd_ReadAsHex() =>
        // ftrace: sys_write(fd: 0x3039, buf: 0x7fbbaed51fd0, count: 1) — fd 12345 is not open (EBADF).
        Assert.Equal(new SysEnterWrite(Header, 12345, 0x7fbbaed51fd0, 1), Decode<SysEnterWrite>("fd: 0x3039, buf: 0x7fbbaed51fd0, count: 1"));

    [Fact]
    public void SysEnterWrite_PerfScriptPayload_ReadsEveryField() =>
        // traces/samples/perf-script.txt: python3  9894 [001] 585.255926: syscalls:sys_enter_write: fd: 0x00000003, buf: 0x317f0bc0, count: 0x00001000
        Assert.Equal(new SysEnterWrite(Header, 3, 0x317f0bc0, 0x1000), Decode<SysEnterWrite>("fd: 0x00000003, buf: 0x317f0bc0, count: 0x00001000"));

    [Theory]
    [InlineData("0x64", 100)] // ftrace "sys_write -> 0x64" (reader-normalised), trace-cmd, perf
    [InlineData("__syscall_nr=1 ret=0x64", 100)] // trace-cmd report -R
    [InlineData("0xfffffffffffffff2", -14)] // ftrace: sys_write -> 0xfffffffffffffff2 (EFAULT, buf 1)
    [InlineData("0xfffffffffffffff7", -9)] // ftrace: sys_write -> 0xfffffffffffffff7 (EBADF, fd 12345)
    public void SysExitWrite_RealPayload_ReadsRet(string payload, long ret) =>
        Assert.Equal(new SysExitWrite(Header, ret), Decode<SysExitWrite>(payload));

    [Theory]
    [InlineData("fd: 3, buf: 0x55fac94f5a50, count: 0x2000, pos: 0x10000")] // ftrace
    [InlineData("fd: 0x00000003, buf: 0x55fac94f5a50, count: 0x00002000, pos: 0x00010000")] // trace-cmd report
    [InlineData("__syscall_nr=18 fd=0x00000003 buf=0x55fac94f5a50 count=0x00002000 pos=0x00010000")] // trace-cmd report -R
    public void SysEnterPwrite64_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SysEnterPwrite64(Header, 3, 0x55fac94f5a50, 0x2000, 0x10000), Decode<SysEnterPwrite64>(payload));

    [Theory]
    [InlineData("0x2000")]
    [InlineData("__syscall_nr=18 ret=0x2000")]
    public void SysExitPwrite64_RealPayload_ReadsRet(string payload) =>
        Assert.Equal(new SysExitPwrite64(Header, 0x2000), Decode<SysExitPwrite64>(payload));

    [Theory]
    [InlineData("fd: 3, buf: 0x7fbbae2f20f0, count: 0x64")] // ftrace
    [InlineData("fd: 0x00000003, buf: 0x7fbbae2f20f0, count: 0x00000064")] // trace-cmd report
    public void SysEnterRead_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SysEnterRead(Header, 3, 0x7fbbae2f20f0, 0x64), Decode<SysEnterRead>(payload));

    [Theory]
    [InlineData("0x64", 100)]
    [InlineData("0x0", 0)] // end of file: traces/samples/ftrace-syscalls.txt-style "sys_read -> 0x0"
    public void SysExitRead_RealPayload_ReadsRet(string payload, long ret) =>
        Assert.Equal(new SysExitRead(Header, ret), Decode<SysExitRead>(payload));

    [Theory]
    [InlineData("fd: 3, buf: 0x55fac94f5a50, count: 0x1000, pos: 0x10000")] // ftrace
    [InlineData("fd: 0x00000003, buf: 0x55fac94f5a50, count: 0x00001000, pos: 0x00010000")] // trace-cmd report
    public void SysEnterPread64_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SysEnterPread64(Header, 3, 0x55fac94f5a50, 0x1000, 0x10000), Decode<SysEnterPread64>(payload));

    [Fact]
    public void SysExitPread64_RealPayload_ReadsRet() =>
        Assert.Equal(new SysExitPread64(Header, 0x1000), Decode<SysExitPread64>("0x1000"));

    [Theory]
    [InlineData("fd: 3")] // ftrace: sys_fsync(fd: 3)
    [InlineData("fd: 0x00000003")] // trace-cmd report
    public void SysEnterFsync_RealPayload_ReadsFd(string payload) =>
        Assert.Equal(new SysEnterFsync(Header, 3), Decode<SysEnterFsync>(payload));

    [Fact]
    public void SysExitFsync_RealPayload_ReadsRet() =>
        Assert.Equal(new SysExitFsync(Header, 0), Decode<SysExitFsync>("0x0"));

    [Theory]
    [InlineData("fd: 3")]
    [InlineData("fd: 0x00000003")]
    public void SysEnterFdatasync_RealPayload_ReadsFd(string payload) =>
        Assert.Equal(new SysEnterFdatasync(Header, 3), Decode<SysEnterFdatasync>(payload));

    [Fact]
    public void SysExitFdatasync_RealPayload_ReadsRet() =>
        Assert.Equal(new SysExitFdatasync(Header, 0), Decode<SysExitFdatasync>("0x0"));

    [Theory]
    [InlineData("dfd: 0xffffff9c, filename: 0x7fbbae0bde50, flags: 0x80242, mode: 0x1a4")] // ftrace: os.open(O_RDWR|O_CREAT|O_TRUNC, 0o644)
    [InlineData("dfd: 0xffffff9c, filename: 0x7fbbae0bde50, flags: 0x00080242, mode: 0x000001a4")] // trace-cmd report
    [InlineData("__syscall_nr=257 dfd=0xffffff9c filename=0x7fbbae0bde50 flags=0x00080242 mode=0x000001a4")] // trace-cmd report -R
    public void SysEnterOpenat_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new SysEnterOpenat(Header, -100, 0x7fbbae0bde50, 0x80242, 0x1a4), Decode<SysEnterOpenat>(payload));

    [Fact]
    public void SysEnterOpenat_FtraceZeroMode_ReadsZero() =>
        // ftrace: sys_openat(dfd: 0xffffff9c, filename: 0x7fbbae0bde50, flags: 0x80000, mode: 0)
        Assert.Equal(new SysEnterOpenat(Header, -100, 0x7fbbae0bde50, 0x80000, 0), Decode<SysEnterOpenat>("dfd: 0xffffff9c, filename: 0x7fbbae0bde50, flags: 0x80000, mode: 0"));

    [Theory]
    [InlineData("0x3", 3)] // ftrace: sys_openat -> 0x3
    [InlineData("0xfffffffffffffffe", -2)] // ftrace: sys_openat -> 0xfffffffffffffffe (ENOENT)
    [InlineData("__syscall_nr=257 ret=0x3", 3)] // trace-cmd report -R
    public void SysExitOpenat_RealPayload_ReadsRet(string payload, long ret) =>
        Assert.Equal(new SysExitOpenat(Header, ret), Decode<SysExitOpenat>(payload));
}
