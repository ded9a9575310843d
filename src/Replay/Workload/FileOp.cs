using KernelSim.Time;

namespace KernelSim.Replay.Workload;

/// <summary>
/// One file operation the application made, as the trace recorded it: what it asked for, when, how
/// long the kernel took, and where that time went according to the trace's own events.
/// </summary>
/// <param name="Kind">write, fsync or fdatasync.</param>
/// <param name="Pid">Thread that made the call.</param>
/// <param name="Fd">File descriptor.</param>
/// <param name="FileKey">A stable key for the file (per pid and fd; the same file keeps its key within a capture).</param>
/// <param name="Offset">Byte offset written (pwrite64's pos, or the running offset for write).</param>
/// <param name="Bytes">Bytes requested (count) for writes; 0 for fsync.</param>
/// <param name="Returned">Return value (bytes written or negative errno).</param>
/// <param name="Start">sys_enter time.</param>
/// <param name="Observed">sys_exit minus sys_enter.</param>
/// <param name="ThinkBefore">Time since this thread's previous operation returned (zero for its first).</param>
/// <param name="PagesAdded">Pages added to the page cache by this thread during the call (mm_filemap_add_to_page_cache).</param>
/// <param name="ReclaimEpisodes">memcg (or direct) reclaim calls made during the call.</param>
/// <param name="ReclaimStall">Time inside those reclaim calls (begin to end), throttling included.</param>
/// <param name="ReclaimScanned">Pages scanned by those reclaims (mm_vmscan_lru_shrink_inactive nr_scanned).</param>
/// <param name="ReclaimReclaimed">Pages they reclaimed.</param>
/// <param name="ThrottleStall">Time in mm_vmscan_throttled sleeps during the call (usec_delayed).</param>
/// <param name="DirtyPause">Time balance_dirty_pages said it would pause during the call (pause &gt; 0).</param>
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
    /// <summary>Observed time not explained by reclaim or dirty throttling: the op's own base cost.</summary>
    public SimDuration BaseCost
    {
        get
        {
            long ns = Observed.TotalNanoseconds - ReclaimStall.TotalNanoseconds - DirtyPause.TotalNanoseconds;
            return SimDuration.FromNanoseconds(Math.Max(ns, 0));
        }
    }
}
