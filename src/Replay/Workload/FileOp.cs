using KernelSim.Replay.Events;
using KernelSim.Time;

namespace KernelSim.Replay.Workload;

/// <summary>
/// One file operation the application made, as the trace recorded it: what it asked for, when, how
/// long the kernel took, and where that time went according to the trace's own events.
/// </summary>
/// <remarks>
/// Everything here is attributed by thread and time: the trace does not say which file an event
/// belongs to in terms of the caller's fd (<c>mm_filemap_add_to_page_cache</c> has dev/ino, the
/// syscall has an fd, nothing links the two), so an event counts for the call that thread had open
/// when it fired. <see cref="WorkloadExtractor"/> documents the refinements it makes on top.
/// </remarks>
/// <param name="Kind">write, read, fsync or fdatasync.</param>
/// <param name="Pid">Thread that made the call.</param>
/// <param name="Fd">File descriptor.</param>
/// <param name="FileKey">A stable key for the file: one per open file description (process and fd, renewed when
/// openat returns that fd again), and fds learned to be the same inode share the first one's key, so the same file
/// keeps its key within a capture (paths are not in the trace).</param>
/// <param name="Offset">Byte offset written or read (pwrite64's or pread64's pos, or the running offset for write and read).</param>
/// <param name="Bytes">Bytes requested (count) for writes and reads; 0 for fsync.</param>
/// <param name="Returned">Return value (bytes written or read, or negative errno).</param>
/// <param name="Start">sys_enter time.</param>
/// <param name="Observed">sys_exit minus sys_enter.</param>
/// <param name="ThinkBefore">Time since this thread's previous operation returned (zero for its first).</param>
/// <param name="PagesAdded">Pages added to the page cache by this thread during the call (mm_filemap_add_to_page_cache,
/// 2^order pages per folio; a read's misses and its readahead); once the file's inode is known, only that inode's pages.</param>
/// <param name="ReclaimEpisodes">memcg (or direct) reclaim calls made during the call.</param>
/// <param name="ReclaimStall">Time inside those reclaim calls (begin to end), throttling included.</param>
/// <param name="ReclaimScanned">Pages scanned by those reclaims (mm_vmscan_lru_shrink_inactive nr_scanned).</param>
/// <param name="ReclaimReclaimed">Pages they reclaimed (mm_vmscan_lru_shrink_inactive nr_reclaimed inside the episodes).</param>
/// <param name="ThrottleStall">Time in mm_vmscan_throttled sleeps during the call: the thread's off-CPU time
/// up to the event when sched_switch is traced (usec_delayed counts whole jiffies, so an early wakeup still reads
/// 4000 µs at HZ=250), else usec_delayed capped by the time since the episode began.</param>
/// <param name="DirtyPause">Time balance_dirty_pages said it would pause during the call (pause &gt; 0). The kernel
/// announces whole jiffies in ms; the sleep itself ends at a timer tick, so it runs up to a jiffy longer (12 ms
/// announced, 12.9-13.9 ms calls in fio-seq64k-dirtybytes32M).</param>
public readonly record struct FileOp(
    FileOpKind Kind,
    int Pid,
    int Fd,
    long FileKey,
    long Offset,
    long Bytes,
    long Returned,
    SimTime Start,
    SimDuration Observed,
    SimDuration ThinkBefore,
    int PagesAdded,
    int ReclaimEpisodes,
    SimDuration ReclaimStall,
    long ReclaimScanned,
    long ReclaimReclaimed,
    SimDuration ThrottleStall,
    SimDuration DirtyPause)
{
    /// <summary>
    /// True for pwrite64(2) (the offset came with the call); false for write(2) (the offset is the
    /// extractor's running offset for the fd) and for fsync/fdatasync.
    /// </summary>
    /// <remarks>
    /// Kept apart because applications use the two differently: fio's psync engine issues each measured
    /// I/O as a pwrite64, while its file layout, reports and pipe notifications are plain write(2) calls.
    /// </remarks>
    public bool Positional { get; init; }

    /// <summary>
    /// True when the file behind the fd was seen adding pages to the page cache inside a write (its dev/ino
    /// became known), so the op is a buffered file write and not a pipe, socket or terminal write. False
    /// means unknown: page-cache events were not traced, or no write on that file added a page.
    /// </summary>
    public bool PageCacheFile { get; init; }

    /// <summary>
    /// Block write requests in flight (issued, not yet completed) when the call started: a proxy for
    /// "writeback is running", which raises the base cost of writes (LAB-NOTES, writes under a memcg limit).
    /// </summary>
    public int DeviceWritesInFlight { get; init; }

    /// <summary>
    /// Time the thread was off the CPU inside its reclaim episodes during the call: throttle sleeps, v1
    /// writeback waits (folio_wait_writeback, which has no tracepoint of its own) and preemption. Measured
    /// from the thread's sched_switch to its next event; zero when sched_switch is not traced. The reclaim
    /// stall minus this is the CPU time reclaim took.
    /// </summary>
    public SimDuration ReclaimOffCpu { get; init; }

    /// <summary>
    /// Time the thread was off the CPU inside the call outside its reclaim episodes, measured from its sched_switch
    /// to its next event (zero when sched_switch is not traced). For a read that missed the page cache this is the
    /// wait for the device (plus any preemption); a read that found its pages cached stays on the CPU.
    /// </summary>
    public SimDuration CallOffCpu { get; init; }

    /// <summary>Folios added to the page cache during the call (mm_filemap_add_to_page_cache events: one per folio, whatever its order).</summary>
    public int FoliosAdded { get; init; }

    /// <summary>
    /// True when the application had advised random access on the open file (posix_fadvise POSIX_FADV_RANDOM, traced as
    /// sys_enter_fadvise64): the kernel then reads only what a read asks for, with no readahead (FMODE_RANDOM). False
    /// when it did not, or when fadvise64 was not traced (captures before the kit traced it).
    /// </summary>
    public bool RandomAccess { get; init; }

    /// <summary>
    /// For fsync/fdatasync: from the call's start to the completion of the last data write it issued itself
    /// (file_write_and_wait_range's WB_SYNC_ALL writeback: block writes without M or F from the calling thread). The rest
    /// of the call is its own CPU and the journal commit and cache flush that follow. Zero when it wrote no data.
    /// </summary>
    public SimDuration SyncDataWait { get; init; }

    /// <summary>
    /// True when the tracer reported lost events (a lost-event marker or a ring-buffer restart) while
    /// this call was open: its page, reclaim and throttle figures may then be low.
    /// </summary>
    public bool Incomplete { get; init; }

    /// <summary>Observed time not explained by reclaim or dirty throttling: the op's own base cost.</summary>
    public SimDuration BaseCost
    {
        get
        {
            long ns = Observed.TotalNanoseconds - ReclaimStall.TotalNanoseconds - DirtyPause.TotalNanoseconds;
            return SimDuration.FromNanoseconds(Math.Max(ns, 0));
        }
    }

    /// <summary>
    /// Pages the write touched (first to last page of [<see cref="Offset"/>, <see cref="Offset"/> +
    /// <see cref="Bytes"/>), in 4 KiB pages, the page size of the capture hosts and the shift baked into
    /// mm_filemap_add_to_page_cache's printed ofs); 0 for fsync and for empty writes.
    /// </summary>
    public long PagesWritten =>
        Kind != FileOpKind.Write || Bytes <= 0
            ? 0
            : ((Offset + Bytes - 1) >> MmFilemapAddToPageCache.PageShift) - (Offset >> MmFilemapAddToPageCache.PageShift) + 1;

    /// <summary>Pages the write touched that were already in the page cache: <see cref="PagesWritten"/> minus <see cref="PagesAdded"/>, at least 0.</summary>
    public long PagesCached => Math.Max(PagesWritten - PagesAdded, 0);
}
