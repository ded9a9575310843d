using System.Text;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Tests.Workload;

/// <summary>read(2)/pread64(2) extraction on a small hand-written trace: a miss (pages added, off the CPU for the device),
/// a hit, and a socket read that never touches the page cache.</summary>
public class ReadExtractionTests
{
    private static readonly string Text = string.Join('\n',
        "# tracer: nop",
        "             app-100     [000] ..... 10.000000: sys_openat -> 0x3",
        "             app-100     [000] ..... 10.000010: sys_pread64(fd: 3, buf: 0x7f0000, count: 0x4000, pos: 0x10000)",
        "             app-100     [000] ..... 10.000012: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x100 ofs=65536 order=0",
        "             app-100     [000] ..... 10.000013: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x101 ofs=69632 order=0",
        "             app-100     [000] ..... 10.000013: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x102 ofs=73728 order=0",
        "             app-100     [000] ..... 10.000014: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x103 ofs=77824 order=0",
        "             app-100     [000] ..... 10.000016: block_rq_issue: 254,0 RA 16384 () 9000 + 32 be,0,4 [app]",
        "             app-100     [000] d..2. 10.000020: sched_switch: prev_comm=app prev_pid=100 prev_prio=120 prev_state=D ==> next_comm=swapper/0 next_pid=0 next_prio=120",
        "          <idle>-0       [000] ..s1. 10.000050: block_rq_complete: 254,0 RA () 9000 + 32 be,0,4 [0]",
        "             app-100     [000] ..... 10.000062: sys_pread64 -> 0x4000",
        "             app-100     [000] ..... 10.000100: sys_pread64(fd: 3, buf: 0x7f0000, count: 0x1000, pos: 0x10000)",
        "             app-100     [000] ..... 10.000103: sys_pread64 -> 0x1000",
        "             app-100     [000] ..... 10.000200: sys_read(fd: 7, buf: 0x7f0000, count: 0x100)",
        "             app-100     [000] ..... 10.000204: sys_read -> 0x20",
        string.Empty);

    [Fact]
    public void Extract_Reads_MissHitAndSocket()
    {
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(Text)), "synthetic");
        WriteWorkload w = WorkloadExtractor.Extract(r);
        FileOp[] reads = w.Ops.Where(o => o.Kind == FileOpKind.Read).ToArray();
        Assert.Equal(3, reads.Length);

        // The miss: 4 pages in 4 folios, off the CPU from the switch (20 us) to its next event (its exit at 62 us).
        Assert.True(reads[0].Positional);
        Assert.Equal(0x10000, reads[0].Offset);
        Assert.Equal(0x4000, reads[0].Bytes);
        Assert.Equal(4, reads[0].PagesAdded);
        Assert.Equal(4, reads[0].FoliosAdded);
        Assert.Equal(42_000, reads[0].CallOffCpu.TotalNanoseconds);
        Assert.Equal(52_000, reads[0].Observed.TotalNanoseconds);
        Assert.True(reads[0].PageCacheFile);

        // The hit on the same file: nothing added, never off the CPU, same file key.
        Assert.Equal(0, reads[1].PagesAdded);
        Assert.Equal(0, reads[1].CallOffCpu.TotalNanoseconds);
        Assert.True(reads[1].PageCacheFile);
        Assert.Equal(reads[0].FileKey, reads[1].FileKey);

        // The read of fd 7 (never opened in the trace, never adding a page): not a page-cache file.
        Assert.False(reads[2].Positional);
        Assert.False(reads[2].PageCacheFile);
        Assert.Equal(0x20, reads[2].Returned);
    }

    [Fact]
    public void Extract_FadviseRandom_MarksLaterReadsOfThatFile()
    {
        string text = string.Join('\n',
            "# tracer: nop",
            "             app-100     [000] ..... 10.000000: sys_openat -> 0x3",
            "             app-100     [000] ..... 10.000010: sys_pread64(fd: 3, buf: 0x7f0000, count: 0x1000, pos: 0x0)",
            "             app-100     [000] ..... 10.000012: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x100 ofs=0 order=0",
            "             app-100     [000] ..... 10.000020: sys_pread64 -> 0x1000",
            "             app-100     [000] ..... 10.000030: sys_fadvise64(fd: 0x00000003, offset: 0x00000000, len: 0x00000000, advice: 0x00000001)",
            "             app-100     [000] ..... 10.000031: sys_fadvise64 -> 0x0",
            "             app-100     [000] ..... 10.000040: sys_pread64(fd: 3, buf: 0x7f0000, count: 0x1000, pos: 0x8000)",
            "             app-100     [000] ..... 10.000042: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x101 ofs=32768 order=0",
            "             app-100     [000] ..... 10.000050: sys_pread64 -> 0x1000",
            string.Empty);
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "synthetic");
        FileOp[] reads = WorkloadExtractor.Extract(r).Ops.Where(o => o.Kind == FileOpKind.Read).ToArray();
        Assert.Equal(2, reads.Length);
        Assert.False(reads[0].RandomAccess);
        Assert.True(reads[1].RandomAccess);
    }

    [Fact]
    public void Extract_PagesOfAWorkloadFileAddedByAnotherProcess_AreThatFilesFill_TheWorkloadsOwnStayAnonymous()
    {
        // Another program (no calls, no shared comm; no manifest, so no tree to check) adds pages of the file the workload
        // will read: a fill of that file at its place. The workload thread's own adds outside its calls (faults on a
        // mapping of the same file and of a library, ino 99) stay anonymous fills.
        string text = string.Join('\n',
            "# tracer: nop",
            "          loader-200     [001] ..... 9.000000: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x200 ofs=65536 order=0",
            "          loader-200     [001] ..... 9.000001: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x201 ofs=69632 order=0",
            "          loader-200     [001] ..... 9.000002: mm_filemap_add_to_page_cache: dev 254:0 ino 77 pfn=0x204 ofs=0 order=0",
            "             app-100     [000] ..... 9.000003: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x203 ofs=81920 order=0",
            "             app-100     [000] ..... 9.000004: mm_filemap_add_to_page_cache: dev 254:0 ino 99 pfn=0x202 ofs=0 order=0",
            "             app-100     [000] ..... 10.000000: sys_openat -> 0x3",
            "             app-100     [000] ..... 10.000010: sys_pread64(fd: 3, buf: 0x7f0000, count: 0x1000, pos: 0x20000)",
            "             app-100     [000] ..... 10.000012: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x100 ofs=131072 order=0",
            "             app-100     [000] ..... 10.000020: sys_pread64 -> 0x1000",
            string.Empty);
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "synthetic");
        WriteWorkload w = WorkloadExtractor.Extract(r);
        FileOp read = Assert.Single(w.Ops, o => o.Kind == FileOpKind.Read);
        CacheFill keyed = Assert.Single(w.CacheFills, f => f.FileKey is not null);
        Assert.Equal(read.FileKey, keyed.FileKey);
        Assert.Equal(200, keyed.Pid);
        Assert.Equal(16, keyed.FirstPage);
        Assert.Equal(2, keyed.Pages);
        CacheFill own = Assert.Single(w.CacheFills, f => f.FileKey is null);
        Assert.Equal(100, own.Pid);
        Assert.Equal(2, own.Pages);
        Assert.Equal(2, w.Diagnostics.FileDataFillPages);
    }

    [Fact]
    public void Extract_AThreadsFdItNeverOpened_IsItsCreatorsFile()
    {
        // The main thread opens fd 3 and writes it; a thread it created (no tgid column in the text) fdatasyncs fd 3, as
        // redis's bio thread does the AOF: the same file. Then the main thread opens fd 3 anew; the helper follows.
        string text = string.Join('\n',
            "# tracer: nop",
            "    redis-server-100     [000] ..... 9.000000: sched_process_fork: comm=redis-server pid=100 child_comm=redis-server child_pid=101",
            "    redis-server-100     [000] ..... 10.000000: sys_openat -> 0x3",
            "    redis-server-100     [000] ..... 10.000010: sys_write(fd: 3, buf: 0x7f0000, count: 0x1000)",
            "    redis-server-100     [000] ..... 10.000012: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x100 ofs=0 order=0",
            "    redis-server-100     [000] ..... 10.000020: sys_write -> 0x1000",
            "  bio_aof_fsync-101     [001] ..... 10.000030: sys_fdatasync(fd: 3)",
            "  bio_aof_fsync-101     [001] ..... 10.000090: sys_fdatasync -> 0x0",
            "    redis-server-100     [000] ..... 10.000100: sys_openat -> 0x3",
            "    redis-server-100     [000] ..... 10.000110: sys_write(fd: 3, buf: 0x7f0000, count: 0x1000)",
            "    redis-server-100     [000] ..... 10.000112: mm_filemap_add_to_page_cache: dev 254:0 ino 2b pfn=0x101 ofs=0 order=0",
            "    redis-server-100     [000] ..... 10.000120: sys_write -> 0x1000",
            "  bio_aof_fsync-101     [001] ..... 10.000130: sys_fdatasync(fd: 3)",
            "  bio_aof_fsync-101     [001] ..... 10.000190: sys_fdatasync -> 0x0",
            string.Empty);
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "synthetic");
        WriteWorkload w = WorkloadExtractor.Extract(r);
        FileOp[] writes = w.Ops.Where(o => o.Kind == FileOpKind.Write).ToArray();
        FileOp[] syncs = w.Ops.Where(o => o.Kind == FileOpKind.Fdatasync).ToArray();
        Assert.Equal(2, writes.Length);
        Assert.Equal(2, syncs.Length);
        Assert.NotEqual(writes[0].FileKey, writes[1].FileKey);
        Assert.Equal(writes[0].FileKey, syncs[0].FileKey);
        Assert.Equal(writes[1].FileKey, syncs[1].FileKey);
    }

    [Fact]
    public void Extract_VectoredCalls_AreWritesAndReadsOfWhatTheyReturned()
    {
        // PostgreSQL writes its WAL with pwritev: the byte count is the return value, the offset pos_l.
        string text = string.Join('\n',
            "# tracer: nop",
            "        postgres-100     [000] ..... 10.000000: sys_openat -> 0x5",
            "        postgres-100     [000] ..... 10.000010: sys_pwritev(fd: 5, vec: 0x7f0000, vlen: 2, pos_l: 0x4000, pos_h: 0)",
            "        postgres-100     [000] ..... 10.000012: mm_filemap_add_to_page_cache: dev 254:0 ino 3c pfn=0x100 ofs=16384 order=0",
            "        postgres-100     [000] ..... 10.000013: mm_filemap_add_to_page_cache: dev 254:0 ino 3c pfn=0x101 ofs=20480 order=0",
            "        postgres-100     [000] ..... 10.000020: sys_pwritev -> 0x2000",
            "        postgres-100     [000] ..... 10.000030: sys_writev(fd: 5, vec: 0x7f0000, vlen: 1)",
            "        postgres-100     [000] ..... 10.000035: sys_writev -> 0x200",
            "        postgres-100     [000] ..... 10.000040: sys_preadv(fd: 5, vec: 0x7f0000, vlen: 1, pos_l: 0x4000, pos_h: 0)",
            "        postgres-100     [000] ..... 10.000042: sys_preadv -> 0x1000",
            string.Empty);
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "synthetic");
        WriteWorkload w = WorkloadExtractor.Extract(r);
        FileOp[] writes = w.Ops.Where(o => o.Kind == FileOpKind.Write).ToArray();
        Assert.Equal(2, writes.Length);
        Assert.True(writes[0].Positional);
        Assert.Equal(0x4000, writes[0].Offset);
        Assert.Equal(0x2000, writes[0].Bytes);
        Assert.Equal(2, writes[0].PagesAdded);
        Assert.True(writes[0].PageCacheFile);
        Assert.False(writes[1].Positional);
        Assert.Equal(0x200, writes[1].Bytes);
        FileOp read = Assert.Single(w.Ops, o => o.Kind == FileOpKind.Read);
        Assert.Equal(0x1000, read.Bytes);
        Assert.Equal(0x4000, read.Offset);
        Assert.Equal(writes[0].FileKey, read.FileKey);
    }
}
