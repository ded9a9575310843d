using System.Text;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Tests.Workload;

/// <summary>
/// A small hand-written ftrace text with requests of every kind, whose answers the tests work out by hand: an
/// application (pid 100) bracketing two requests with trace markers, one written with write(2) and one without a
/// traced call, plus a stray end marker; a server (pid 200) answering a request read with read(2) on fd 7 after writing
/// a file it read on fd 5 (a file: not a request), one read with recvfrom and answered with sendto on fd 9, a read on
/// fd 1 (a standard stream) and one on fd 8 that is never answered.
/// </summary>
internal static class RequestTrace
{
    public static readonly string Text = string.Join('\n',
        "# tracer: nop",
        "             app-100     [000] ..... 10.000000: sys_openat -> 0x3",
        "             app-100     [000] ..... 10.000010: sys_write(fd: 4, buf: 0x1, count: 0x13)",
        "             app-100     [000] ...1. 10.000011: tracing_mark_write: ksim-request-begin",
        "             app-100     [000] ..... 10.000012: sys_write -> 0x13",
        "             app-100     [000] ..... 10.000020: sys_pwrite64(fd: 3, buf: 0x1, count: 0x1000, pos: 0)",
        "             app-100     [000] ..... 10.000021: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x100 ofs=0 order=0",
        "             app-100     [000] ..... 10.000030: sys_pwrite64 -> 0x1000",
        "             app-100     [000] ..... 10.000040: sys_write(fd: 4, buf: 0x1, count: 0x11)",
        "             app-100     [000] ...1. 10.000041: tracing_mark_write: ksim-request-end",
        "             app-100     [000] ..... 10.000042: sys_write -> 0x11",
        "             app-100     [000] ...1. 10.000050: tracing_mark_write: ksim-request-begin",
        "             app-100     [000] ..... 10.000060: sys_fsync(fd: 3)",
        "             app-100     [000] ..... 10.000070: sys_fsync -> 0x0",
        "             app-100     [000] ...1. 10.000080: tracing_mark_write: ksim-request-end",
        "             app-100     [000] ...1. 10.000090: tracing_mark_write: ksim-request-end",
        "             app-100     [000] ..... 10.000100: sys_pwrite64(fd: 3, buf: 0x1, count: 0x1000, pos: 0x1000)",
        "             app-100     [000] ..... 10.000101: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x101 ofs=4096 order=0",
        "             app-100     [000] ..... 10.000110: sys_pwrite64 -> 0x1000",
        "             srv-200     [001] ..... 10.000200: sys_openat -> 0x5",
        "             srv-200     [001] ..... 10.000210: sys_read(fd: 7, buf: 0x1, count: 0x4000)",
        "             srv-200     [001] ..... 10.000211: sys_read -> 0x20",
        "             srv-200     [001] ..... 10.000212: sys_read(fd: 5, buf: 0x1, count: 0x100)",
        "             srv-200     [001] ..... 10.000213: sys_read -> 0x100",
        "             srv-200     [001] ..... 10.000220: sys_write(fd: 5, buf: 0x1, count: 0x100)",
        "             srv-200     [001] ..... 10.000221: mm_filemap_add_to_page_cache: dev 254:0 ino 3b pfn=0x200 ofs=0 order=0",
        "             srv-200     [001] ..... 10.000230: sys_write -> 0x100",
        "             srv-200     [001] ..... 10.000240: sys_write(fd: 7, buf: 0x1, count: 0x5)",
        "             srv-200     [001] ..... 10.000245: sys_write -> 0x5",
        "             srv-200     [001] ..... 10.000250: sys_recvfrom(fd: 9, ubuf: 0x1, size: 0x2000, flags: 0x0, addr: 0x0, addr_len: 0x0)",
        "             srv-200     [001] ..... 10.000251: sys_recvfrom -> 0x40",
        "             srv-200     [001] ..... 10.000260: sys_sendto(fd: 9, buff: 0x1, len: 0x10, flags: 0x0, addr: 0x0, addr_len: 0x0)",
        "             srv-200     [001] ..... 10.000262: sys_sendto -> 0x10",
        "             srv-200     [001] ..... 10.000270: sys_read(fd: 1, buf: 0x1, count: 0x10)",
        "             srv-200     [001] ..... 10.000271: sys_read -> 0x5",
        "             srv-200     [001] ..... 10.000280: sys_read(fd: 8, buf: 0x1, count: 0x10)",
        "             srv-200     [001] ..... 10.000281: sys_read -> 0x10",
        string.Empty);

    public static WriteWorkload Extract(string text)
    {
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "requests", new TraceReaderOptions());
        return WorkloadExtractor.Extract(r);
    }
}
