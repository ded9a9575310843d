using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Workload;

/// <summary>
/// Turns a capture into a <see cref="WriteWorkload"/>: the application's write, pwrite64, fsync and
/// fdatasync calls with sizes, offsets, think times and observed latencies, each annotated with what the
/// trace says happened inside it (pages added to the page cache, memcg or direct reclaim episodes and
/// what they scanned, reclaim throttling, dirty-page pauses), plus block-device and reclaim activity
/// trace-wide.
/// </summary>
/// <remarks>
/// <para>One streaming pass; state is bounded by threads, open fds and in-flight block requests, not by
/// the trace length. The only growing collections are the operations and the completed write requests.
/// No allocation per event: payload fields are read in place.</para>
/// <para>Attribution rules:</para>
/// <list type="bullet">
/// <item>Calls are paired sys_enter → sys_exit per thread (a thread cannot nest syscalls). An exit with no
/// enter open (the trace started inside the call) is skipped and counted; an enter that finds a call still
/// open means that call's exit was lost, so the open call is dropped and counted.</item>
/// <item>An event counts for the call its thread (<c>common_pid</c>) has open when it fires. The trace
/// has no link between an fd and the dev/ino of <c>mm_filemap_add_to_page_cache</c>, so the file is
/// learned: the first page added inside a write whose page range overlaps the written range names the
/// fd's (dev, ino); from then on only pages of that inode count as <see cref="FileOp.PagesAdded"/>
/// (others are counted in <see cref="WorkloadDiagnostics.PagesAddedToOtherFiles"/>), and fds that resolve
/// to the same inode share a <see cref="FileOp.FileKey"/>. Until an fd's inode is known every page the
/// thread adds during the call counts.</item>
/// <item>The running offset of write(2) starts at 0 when openat returns the fd and advances by what each
/// write returned; lseek, O_APPEND and dup are not traced, so it is an estimate (pwrite64's is exact).</item>
/// <item>Reclaim: memcg_reclaim_begin/end and direct_reclaim_begin/end on the thread during the call are
/// its episodes; lru_shrink_inactive events of the thread inside an episode give scanned and reclaimed
/// pages; mm_vmscan_throttled on the thread gives <see cref="FileOp.ThrottleStall"/> (part of the
/// reclaim stall, since the kernel throttles inside reclaim). A thread is off the CPU from its
/// sched_switch to its next event; that time inside episodes is <see cref="FileOp.ReclaimOffCpu"/>, and the
/// off-CPU stretch ending at a throttle event is the throttle sleep (usec_delayed counts whole jiffies).</item>
/// <item>Device: block_rq_issue/complete of writes (rwbs contains W) paired by device and sector; a
/// re-issue of a request in flight is a requeue and restarts its service time.</item>
/// <item>Requests (<see cref="WriteWorkload.Requests"/>): a <c>ksim-request-begin</c>/<c>ksim-request-end</c> trace marker
/// pair on a thread bounds one (a marker written with write(2) bounds it at that call's return and the end marker
/// call's entry, and the call is left out of the operations; one written otherwise, at the marker event); a read(2)
/// or recvfrom(2) returning data on a socket (an fd not opened by openat in the trace, not caching pages, not 0-2)
/// opens one that the same thread's next write(2) or sendto(2) on that fd closes. From a thread's first request on,
/// every event it fires is counted, so a request knows the tracing it carries.</item>
/// <item>Lost events: a lost-event marker or ring-buffer restart while calls are open marks those calls
/// <see cref="FileOp.Incomplete"/>. Snapshot captures record losses only in the manifest, which
/// <see cref="Extract(string, TraceReaderOptions?)"/> reads.</item>
/// </list>
/// <para>Timestamps have the trace's resolution: ftrace text prints microseconds, so every latency is a
/// whole number of microseconds.</para>
/// </remarks>
public static class WorkloadExtractor
{
    /// <summary>
    /// Extracts the workload of a trace file, reading the capture manifest beside it if there is one
    /// (for the trace clock and the lost-event count).
    /// </summary>
    /// <param name="tracePath">The trace (any format <see cref="TraceReader"/> reads).</param>
    /// <param name="options">Reader options; the manifest's clock is applied on top. Defaults to strict reading.</param>
    /// <returns>The workload; empty, with a note in <see cref="WriteWorkload.Diagnostics"/>, when the trace has no file-write syscall events.</returns>
    /// <exception cref="FileNotFoundException">The trace does not exist.</exception>
    /// <exception cref="TraceFormatException">A malformed line in strict mode, or an unreadable manifest.</exception>
    public static WriteWorkload Extract(string tracePath, TraceReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tracePath);
        using CaptureManifest? manifest = CaptureManifest.TryLoadFor(tracePath);
        TraceReaderOptions o = options ?? TraceReaderOptions.Default;
        if (manifest is not null)
        {
            o = manifest.ApplyTo(o);
        }

        using TraceReader reader = TraceReader.Open(tracePath, o);
        return new WorkloadExtraction(reader, manifest?.LostEvents, manifest?.WorkloadPid).Run();
    }

    /// <summary>Extracts the workload from the events a reader has not returned yet (the reader is left at its end).</summary>
    /// <param name="reader">An open reader.</param>
    /// <returns>The workload; empty, with a note in <see cref="WriteWorkload.Diagnostics"/>, when the trace has no file-write syscall events.</returns>
    /// <exception cref="TraceFormatException">A malformed line in strict mode.</exception>
    public static WriteWorkload Extract(TraceReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new WorkloadExtraction(reader, manifestLostEvents: null).Run();
    }
}
