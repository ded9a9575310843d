using System.Globalization;
using System.Text;
using System.Text.Json;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Tests.Formats;
using KernelSim.Replay.Workload;
using KernelSim.Time;
using Xunit.Abstractions;

namespace KernelSim.Replay.Tests.Workload;

/// <summary>
/// <see cref="WorkloadExtractor"/> on the committed fio captures, checked against what fio itself reported for
/// the same run (x.fio.json) and against plain counts of the trace text; and on small hand-written traces with
/// known answers.
/// </summary>
public class WorkloadExtractorTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Captures.FioTheory), MemberType = typeof(Captures))]
    public void Extract_FioCapture_PwriteCountEqualsFioTotalIos(string name)
    {
        WriteWorkload w = Captures.Workload(name);
        long totalIos = Captures.FioWrite(name).GetProperty("total_ios").GetInt64();

        // fio's psync engine issues every measured I/O as one pwrite64. Its plain write(2) calls are not I/Os of
        // the job: the file layout of --overwrite=1 (rand4k: 65536 x 4 KiB before the job starts), the JSON
        // report and a 1-byte notification on a pipe. Those stay in the workload (they load the page cache too).
        long pwrites = w.Ops.Count(o => o.Kind == FileOpKind.Write && o.Positional);
        Assert.Equal(totalIos, pwrites);
        Assert.All(w.Ops.Where(o => o.Positional), o => Assert.Equal(o.Bytes, o.Returned));
        Assert.Equal(0, w.Diagnostics.ExitsWithoutEnter);
        Assert.Equal(0, w.Diagnostics.EntersWithoutExit);
        Assert.Equal(0, w.Diagnostics.UnfinishedAtEnd);
        Assert.Equal(0, w.Diagnostics.UndecodedEvents);
    }

    [Theory]
    [MemberData(nameof(Captures.FioTheory), MemberType = typeof(Captures))]
    public void Extract_FioCapture_LatencyIsFioClatMinusTheUserKernelCrossing(string name)
    {
        WriteWorkload w = Captures.Workload(name);
        JsonElement clat = Captures.FioWrite(name).GetProperty("clat_ns");
        long[] ours = w.Ops.Where(o => o.Kind == FileOpKind.Write && o.Positional).Select(o => o.Observed.TotalNanoseconds).Order().ToArray();

        // fio's clat runs from just before pwrite64 is called to just after it returns, in user space: it contains
        // the syscall (sys_enter to sys_exit, what the trace measures) plus the user/kernel crossing and fio's own
        // clock reads. So the trace's mean must be below fio's, by a small constant (~0.5 us on these VMs).
        double fioMean = clat.GetProperty("mean").GetDouble();
        double ourMean = ours.Average();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: n={ours.Length}, mean {ourMean:F0} ns (fio clat {fioMean:F0}, {fioMean - ourMean:F0} ns higher)"));
        Assert.Equal(clat.GetProperty("N").GetInt64(), ours.Length);
        Assert.InRange(fioMean - ourMean, 0, 1_500);

        // Percentiles: ftrace prints microseconds, so each sample is off by up to 1 us either way; fio reports
        // percentiles from a log-linear histogram (64 buckets per doubling, about 1.6 % wide). Within those
        // resolutions and the ~0.5 us crossing, ours sit at or just below fio's.
        foreach (string p in new[] { "50.000000", "90.000000", "99.000000", "99.900000" })
        {
            double fio = clat.GetProperty("percentile").GetProperty(p).GetDouble();
            double level = double.Parse(p, CultureInfo.InvariantCulture);
            long rank = (long)Math.Ceiling(level / 100 * ours.Length);
            long mine = ours[Math.Max(rank - 1, 0)];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  p{level:G4}: trace {mine} ns, fio clat {fio} ns"));
            Assert.InRange(mine, (fio * 0.98) - 2_000, (fio * 1.02) + 1_000);
        }
    }

    [Theory]
    [MemberData(nameof(Captures.FioTheory), MemberType = typeof(Captures))]
    public void Extract_FioCapture_ReclaimEpisodesEqualReclaimBeginEvents(string name)
    {
        WriteWorkload w = Captures.Workload(name);
        long begins = Captures.CountLines(name, "mm_vmscan_memcg_reclaim_begin:");
        Assert.Equal(begins, w.Reclaim.MemcgEpisodes);
        Assert.Equal(0, w.Diagnostics.ReclaimEndsWithoutBegin);
        Assert.Equal(0, w.Diagnostics.ReclaimBeginsWithoutEnd);

        // Episodes inside file calls are a subset of all episodes (faults and other tasks reclaim too).
        Assert.InRange(w.Ops.Sum(o => (long)o.ReclaimEpisodes), 0, w.Reclaim.MemcgEpisodes + w.Reclaim.DirectEpisodes);
        Assert.All(w.Ops, o =>
        {
            Assert.True(o.ReclaimStall <= o.Observed, "reclaim inside a call cannot outlast the call");
            Assert.True(o.ThrottleStall <= o.ReclaimStall || o.ReclaimEpisodes == 0, "throttling happens inside reclaim");
            Assert.True(o.ReclaimOffCpu <= o.ReclaimStall, "off-CPU time inside reclaim is part of it");
        });
    }

    [Theory]
    [InlineData("fio-seq64k-memcg128M", 131072)]
    [InlineData("fio-seq4k-memcg1G", 65536)]
    [InlineData("fio-rand4k-memcg128M", 65536)]
    public void Extract_FioCapture_EveryPageOfTheMeasuredWritesIsAddedOnce(string name, long filePages)
    {
        // The files are new (seq) or invalidated by fio after the layout (rand4k, invalidate=1), so every page the
        // job writes is added to the page cache exactly once, inside the pwrite64 that writes it.
        WriteWorkload w = Captures.Workload(name);
        FileOp[] pwrites = w.Ops.Where(o => o.Kind == FileOpKind.Write && o.Positional).ToArray();
        Assert.Equal(filePages, pwrites.Sum(o => (long)o.PagesAdded));
        Assert.Equal(filePages, pwrites.Sum(o => o.PagesWritten));
        Assert.All(pwrites, o => Assert.True(o.PageCacheFile));
        Assert.Single(pwrites.Select(o => o.FileKey).Distinct());
    }

    [Fact]
    public void Extract_RandOverwrite_LayoutAndJobShareTheFileKey()
    {
        // fio lays the file out with write(2) in its main process and overwrites it with pwrite64 in the job
        // process: two processes, two fds, one inode, so one key.
        WriteWorkload w = Captures.Workload("fio-rand4k-memcg128M");
        FileOp[] job = w.Ops.Where(o => o.Kind == FileOpKind.Write && o.Positional).ToArray();
        FileOp[] layout = w.Ops.Where(o => o.Kind == FileOpKind.Write && !o.Positional && o.Fd == job[0].Fd).ToArray();
        Assert.Equal(65536, layout.Length);
        Assert.NotEqual(layout[0].Pid, job[0].Pid);
        Assert.Single(layout.Concat(job).Select(o => o.FileKey).Distinct());
        Assert.True(layout.Max(o => o.Start) < job.Min(o => o.Start));
    }

    [Fact]
    public void Extract_SameTraceTwice_IdenticalWorkloads()
    {
        string path = Captures.TracePath("fio-seq64k-memcg128M");
        WriteWorkload a = WorkloadExtractor.Extract(path);
        WriteWorkload b = WorkloadExtractor.Extract(path);
        Assert.Equal(a.Ops, b.Ops);
        Assert.Equal(a.Reclaim, b.Reclaim);
        Assert.Equal(a.Device.Requests, b.Device.Requests);
        Assert.Equal((a.Device.WriteRequests, a.Device.WriteBytes, a.Device.BusyTime, a.Device.MeanServiceTime, a.Device.Requeues), (b.Device.WriteRequests, b.Device.WriteBytes, b.Device.BusyTime, b.Device.MeanServiceTime, b.Device.Requeues));
        Assert.Equal((a.First, a.Last), (b.First, b.Last));
    }

    [Fact]
    public void Extract_Ops_AreInStartOrderPerThreadAndOverall()
    {
        WriteWorkload w = Captures.Workload("fio-rand4k-memcg128M");
        for (int i = 1; i < w.Ops.Count; i++)
        {
            Assert.True(w.Ops[i - 1].Start <= w.Ops[i].Start, $"op {i} starts before op {i - 1}");
        }
    }

    [Theory]
    [InlineData("pidns-signals.trace.gz")]
    [InlineData("veth-udp-pingpong64.trace.gz")]
    public void Extract_TraceWithoutFileWriteSyscalls_EmptyWithAClearNote(string trace)
    {
        WriteWorkload w = WorkloadExtractor.Extract(Fixtures.Trace(trace));
        Assert.Empty(w.Ops);
        Assert.Equal(TracedEventGroups.None, w.Diagnostics.EventGroupsSeen & TracedEventGroups.Syscalls);
        string note = Assert.Single(w.Diagnostics.Notes, n => n.Contains("no write, pwrite64, fsync or fdatasync syscall events", StringComparison.Ordinal));
        output.WriteLine(note);
    }

    [Fact]
    public void Extract_SyntheticTrace_KnownAnswers()
    {
        WriteWorkload w = ExtractText(Synthetic.Text);
        WorkloadDiagnostics d = w.Diagnostics;

        // The trace starts inside a pwrite64 of thread 100 and ends inside another one.
        Assert.Equal(1, d.ExitsWithoutEnter);
        Assert.Equal(1, d.UnfinishedAtEnd);
        Assert.Equal(0, d.EntersWithoutExit);
        Assert.Equal(5, w.Ops.Count);

        FileOp w1 = w.Ops[0];
        Assert.Equal((FileOpKind.Write, 100, 3, false), (w1.Kind, w1.Pid, w1.Fd, w1.Positional));
        Assert.Equal((0L, 4096L, 4096L), (w1.Offset, w1.Bytes, w1.Returned));
        Assert.Equal(SimTime.FromMicroseconds(10_001_000), w1.Start);
        Assert.Equal(SimDuration.FromMicroseconds(10), w1.Observed);
        Assert.Equal(SimDuration.Zero, w1.ThinkBefore);
        Assert.Equal(1, w1.PagesAdded);
        Assert.True(w1.PageCacheFile);

        // Running offset of write(2); an order-1 folio is two pages; a page of another inode does not count.
        FileOp w2 = w.Ops[1];
        Assert.Equal((4096L, 8192L), (w2.Offset, w2.Bytes));
        Assert.Equal(SimDuration.FromMicroseconds(5), w2.ThinkBefore);
        Assert.Equal(SimDuration.FromMicroseconds(15), w2.Observed);
        Assert.Equal(2, w2.PagesAdded);
        Assert.Equal(0, w2.PagesCached);
        Assert.Equal(w1.FileKey, w2.FileKey);
        Assert.Equal(1, d.PagesAddedToOtherFiles);

        // Thread 200: a pwrite64 with one memcg reclaim episode that throttles. usec_delayed says 4000 us (whole
        // jiffies); the thread was off the CPU from its sched_switch to the throttle event: 1000 us.
        FileOp p = w.Ops[2];
        Assert.Equal((FileOpKind.Write, 200, 5, true), (p.Kind, p.Pid, p.Fd, p.Positional));
        Assert.Equal(0x10000, p.Offset);
        Assert.Equal(SimDuration.FromMicroseconds(1030), p.Observed);
        Assert.Equal(SimDuration.Zero, p.ThinkBefore);
        Assert.Equal(1, p.ReclaimEpisodes);
        Assert.Equal(SimDuration.FromMicroseconds(1019), p.ReclaimStall);
        Assert.Equal((48L, 46L), (p.ReclaimScanned, p.ReclaimReclaimed));
        Assert.Equal(SimDuration.FromMicroseconds(1000), p.ThrottleStall);
        Assert.Equal(SimDuration.FromMicroseconds(1000), p.ReclaimOffCpu);
        Assert.Equal(1, p.PagesAdded);
        Assert.Equal(SimDuration.FromMicroseconds(11), p.BaseCost);
        Assert.NotEqual(w1.FileKey, p.FileKey);

        // Thread 300 writes to its stdout while a block write is in flight and events are lost.
        FileOp t = w.Ops[3];
        Assert.Equal((300, 1, 5L), (t.Pid, t.Fd, t.Returned));
        Assert.Equal(1, t.DeviceWritesInFlight);
        Assert.True(t.Incomplete);
        Assert.False(t.PageCacheFile);
        Assert.Equal(1, d.OpsDuringLoss);

        FileOp f = w.Ops[4];
        Assert.Equal((FileOpKind.Fsync, 100, 3), (f.Kind, f.Pid, f.Fd));
        Assert.Equal(SimDuration.FromMicroseconds(1970), f.ThinkBefore);
        Assert.Equal(SimDuration.FromMicroseconds(500), f.Observed);
        Assert.Equal(w1.FileKey, f.FileKey);

        // Block: one write request, requeued once, timed from its last issue; a read is ignored; a completion
        // of a request issued before the trace is counted.
        Assert.Equal(1, w.Device.WriteRequests);
        Assert.Equal(4096, w.Device.WriteBytes);
        Assert.Equal(1, w.Device.Requeues);
        Assert.Equal(SimDuration.FromMicroseconds(100), w.Device.MeanServiceTime);
        Assert.Equal(SimDuration.FromMicroseconds(200), w.Device.BusyTime);
        Assert.Equal(1, d.BlockCompletesWithoutIssue);
        Assert.Equal(new DeviceRequest(SimTime.FromMicroseconds(10_002_200), 4096, SimDuration.FromMicroseconds(100), 0), Assert.Single(w.Device.Requests));

        // The chunk at 10.001022 found 2 dirty pages none under writeback (the flusher woken); the next plain data
        // write was issued at 10.002100: a flusher start delay of 1,078 us.
        Assert.Equal(new ReclaimActivity(1, 0, SimDuration.FromMicroseconds(1019), 48, 46, 2, 0, 1, SimDuration.FromMicroseconds(4000)) { FlusherStartDelay = SimDuration.FromMicroseconds(1078), FlusherStartSamples = 1 }, w.Reclaim);
        Assert.Equal(
            TracedEventGroups.Syscalls | TracedEventGroups.PageCache | TracedEventGroups.Reclaim | TracedEventGroups.ReclaimThrottle | TracedEventGroups.Block | TracedEventGroups.Scheduler,
            d.EventGroupsSeen);
        Assert.Contains(d.Notes, n => n.Contains("lost events", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_SyntheticTraceCutMidLine_KeepsWhatCompletedAndReportsTheRest()
    {
        string text = Synthetic.Text;
        // Cut inside the timestamp of the fsync's exit line: the capture ended while that line was being written.
        // Lenient: a strict reader refuses a cut input (issue 17).
        int cut = text.IndexOf("10.003500: sys_fsync -> 0x0", StringComparison.Ordinal) + 7;
        WriteWorkload w = ExtractText(text[..cut], lenient: true);
        Assert.Throws<TraceFormatException>(() => ExtractText(text[..cut]));

        Assert.True(w.Diagnostics.Reader!.TruncatedLastLine);
        Assert.Equal(4, w.Ops.Count);
        Assert.Equal(1, w.Diagnostics.UnfinishedAtEnd);
        Assert.Contains(w.Diagnostics.Notes, n => n.Contains("still open when the trace ended", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_RealTraceWithLostEventMarkers_FlagsCallsOpenAcrossALoss()
    {
        // traces/samples/ftrace-lost.txt: trace_pipe of two dd's copying 1-byte blocks from /dev/zero to /dev/null, with two
        // "CPU:N [LOST M EVENTS]" lines. Calls cut by a loss lose their enter or exit; nothing throws.
        WriteWorkload w = WorkloadExtractor.Extract(Fixtures.Sample("ftrace-lost.txt"));
        WorkloadDiagnostics d = w.Diagnostics;
        output.WriteLine($"ops={w.Ops.Count} exitsWithoutEnter={d.ExitsWithoutEnter} entersWithoutExit={d.EntersWithoutExit} incomplete={d.OpsDuringLoss} notes={string.Join(" | ", d.Notes)}");
        Assert.Equal(2, d.Reader!.LostEventMarkers);
        Assert.NotEmpty(w.Ops);
        Assert.All(w.Ops, o => Assert.True(o.Kind is FileOpKind.Write or FileOpKind.Read, $"{o.Kind}"));
        Assert.Contains(w.Ops, o => o.Kind == FileOpKind.Write);
        Assert.All(w.Ops.Where(o => o.Kind == FileOpKind.Read), o => Assert.False(o.PageCacheFile));
        Assert.Contains(d.Notes, n => n.Contains("lost events", StringComparison.Ordinal));
        Assert.Equal(d.OpsDuringLoss, w.Ops.Count(o => o.Incomplete));
    }

    [Fact]
    public void Extract_Dup2OntoStdout_NewFdSharesTheFileAndItsOffset()
    {
        // dd of=F: open returns 4, dup2(4, 1), close(4); writes go to fd 1 from offset 0 of F.
        WriteWorkload w = ExtractText(RedirectedDd(withDup: true));
        Assert.Equal(3, w.Ops.Count);
        Assert.Equal(0, w.Ops[1].Offset);
        Assert.Equal(8192, w.Ops[2].Offset);
        Assert.NotEqual(w.Ops[0].FileKey, w.Ops[1].FileKey);
        Assert.Equal(w.Ops[1].FileKey, w.Ops[2].FileKey);
        Assert.Equal(0, w.Diagnostics.RebasedOffsets);
    }

    [Fact]
    public void Extract_FdRedirectedWithoutATracedDup_OffsetFromWhereTheCacheGrows()
    {
        // The same without the openat/dup2 events (a capture made before the kit traced dup2): fd 1 wrote 5 bytes to a
        // file with no page cache, so its running offset (5) is another file's; the first page added says where.
        WriteWorkload w = ExtractText(RedirectedDd(withDup: false));
        Assert.Equal(3, w.Ops.Count);
        Assert.Equal(0, w.Ops[1].Offset);
        Assert.Equal(8192, w.Ops[2].Offset);
        Assert.Equal(1, w.Diagnostics.RebasedOffsets);
    }

    // A shell redirection writes 5 bytes on fd 1, then dd writes two 8 KiB chunks of its output file on fd 1.
    private static string RedirectedDd(bool withDup)
    {
        string[] dup =
        [
            "              dd-50      [000] ..... 1.000010: sys_openat -> 0x4",
            "              dd-50      [000] ..... 1.000011: sys_dup2(oldfd: 0x4, newfd: 0x1)",
            "              dd-50      [000] ..... 1.000012: sys_dup2 -> 0x1",
        ];
        return string.Join('\n', new[]
        {
            "# tracer: nop",
            "              dd-50      [000] ..... 1.000000: sys_write(fd: 1, buf: 0x1, count: 0x5)",
            "              dd-50      [000] ..... 1.000001: sys_write -> 0x5",
        }.Concat(withDup ? dup : []).Concat(
        [
            "              dd-50      [000] ..... 1.000020: sys_write(fd: 1, buf: 0x1, count: 0x2000)",
            "              dd-50      [000] ..... 1.000021: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x100 ofs=0 order=1",
            "              dd-50      [000] ..... 1.000030: sys_write -> 0x2000",
            "              dd-50      [000] ..... 1.000040: sys_write(fd: 1, buf: 0x1, count: 0x2000)",
            "              dd-50      [000] ..... 1.000041: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x102 ofs=8192 order=1",
            "              dd-50      [000] ..... 1.000050: sys_write -> 0x2000",
            string.Empty,
        ]));
    }

    private static WriteWorkload ExtractText(string text, bool lenient = false)
    {
        using TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "synthetic", new TraceReaderOptions { Lenient = lenient });
        return WorkloadExtractor.Extract(r);
    }

    /// <summary>A small ftrace text (tracefs layout, microsecond timestamps) whose answers are worked out by hand in the test.</summary>
    private static class Synthetic
    {
        public static readonly string Text = string.Join('\n',
            "# tracer: nop",
            "#",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "#              | |         |   |||||     |         |",
            "             fio-100     [000] ..... 10.000100: sys_pwrite64 -> 0x1000",
            "             fio-100     [000] ..... 10.000200: sys_openat -> 0x3",
            "             fio-100     [000] ..... 10.001000: sys_write(fd: 3, buf: 0x7f0000, count: 0x1000)",
            "             fio-100     [000] ..... 10.001002: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x100 ofs=0 order=0",
            "             fio-100     [000] ..... 10.001010: sys_write -> 0x1000",
            "             fio-100     [000] ..... 10.001015: sys_write(fd: 3, buf: 0x7f0000, count: 0x2000)",
            "             fio-100     [000] ..... 10.001016: mm_filemap_add_to_page_cache: dev 254:0 ino 99 pfn=0x101 ofs=0 order=0",
            "             fio-100     [000] ..... 10.001017: mm_filemap_add_to_page_cache: dev 254:0 ino 2a pfn=0x102 ofs=4096 order=1",
            "             fio-200     [001] ..... 10.001020: sys_pwrite64(fd: 5, buf: 0x7f0000, count: 0x1000, pos: 0x10000)",
            "             fio-200     [001] ..... 10.001021: mm_vmscan_memcg_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE",
            "             fio-200     [001] ..... 10.001022: mm_vmscan_lru_shrink_inactive: nid=0 nr_scanned=32 nr_reclaimed=30 nr_dirty=2 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 nr_activate_file=2 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC",
            "             fio-200     [001] d..2. 10.001025: sched_switch: prev_comm=fio prev_pid=200 prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120",
            "             fio-100     [000] ..... 10.001030: sys_write -> 0x2000",
            "             fio-200     [001] ..... 10.002025: mm_vmscan_throttled: nid=0 usec_timeout=100000 usect_delayed=4000 reason=VMSCAN_THROTTLE_WRITEBACK",
            "             fio-200     [001] ..... 10.002030: mm_vmscan_lru_shrink_inactive: nid=0 nr_scanned=16 nr_reclaimed=16 nr_dirty=0 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 nr_activate_file=0 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC",
            "             fio-200     [001] ..... 10.002040: mm_vmscan_memcg_reclaim_end: nr_reclaimed=46",
            "             fio-200     [001] ..... 10.002041: mm_filemap_add_to_page_cache: dev 254:0 ino 2b pfn=0x103 ofs=65536 order=0",
            "             fio-200     [001] ..... 10.002050: sys_pwrite64 -> 0x1000",
            "    kworker/0:1H-44      [000] ..... 10.002100: block_rq_issue: 254,0 W 4096 () 1000 + 8 be,0,4 [kworker/0:1H]",
            "    kworker/0:1H-44      [000] ..... 10.002110: block_rq_issue: 254,0 RA 4096 () 9000 + 8 be,0,4 [kworker/0:1H]",
            "             cat-300     [001] ..... 10.002150: sys_write(fd: 1, buf: 0x7f0000, count: 5)",
            "CPU:1 [LOST 3 EVENTS]",
            "    kworker/0:1H-44      [000] ..... 10.002200: block_rq_issue: 254,0 W 4096 () 1000 + 8 be,0,4 [kworker/0:1H]",
            "          <idle>-0       [000] ..s1. 10.002300: block_rq_complete: 254,0 W () 1000 + 8 be,0,4 [0]",
            "          <idle>-0       [000] ..s1. 10.002310: block_rq_complete: 254,0 RA () 9000 + 8 be,0,4 [0]",
            "          <idle>-0       [000] ..s1. 10.002320: block_rq_complete: 254,0 WS () 5000 + 8 be,0,4 [0]",
            "             cat-300     [001] ..... 10.002400: sys_write -> 0x5",
            "             fio-100     [000] ..... 10.003000: sys_fsync(fd: 3)",
            "             fio-100     [000] ..... 10.003500: sys_fsync -> 0x0",
            "             fio-100     [000] ..... 10.004000: sys_pwrite64(fd: 3, buf: 0x7f0000, count: 0x1000, pos: 0x0)",
            string.Empty);
    }
}
