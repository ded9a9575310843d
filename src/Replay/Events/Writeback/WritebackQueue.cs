using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// writeback:writeback_queue — work is queued for a flusher.
/// </summary>
/// <remarks>
/// Kernel: fs/fs-writeback.c <c>wb_queue_work</c> (class writeback_work_class); fields per
/// events/writeback/writeback_queue/format. Printed "bdi %s: sb_dev %d:%d nr_pages=%ld sync_mode=%d kupdate=%d
/// range_cyclic=%d background=%d reason=%s cgroup_ino=%lu"; trace-cmd -R prints name=, for_kupdate=,
/// for_background=, a raw sb_dev and a numeric reason.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Name"><c>name</c>: the bdi name ("254:0").</param>
/// <param name="NrPages"><c>nr_pages</c>: pages to write (LONG_MAX = all).</param>
/// <param name="SbDev"><c>sb_dev</c>: the superblock restricted to, or 0:0 for all.</param>
/// <param name="SyncMode"><c>sync_mode</c>: 0 WB_SYNC_NONE, 1 WB_SYNC_ALL.</param>
/// <param name="ForKupdate"><c>for_kupdate</c>: periodic (kupdate) writeback (printed kupdate).</param>
/// <param name="RangeCyclic"><c>range_cyclic</c>: continue from the last position.</param>
/// <param name="ForBackground"><c>for_background</c>: background writeback (printed background).</param>
/// <param name="Reason"><c>reason</c>: who asked.</param>
/// <param name="CgroupIno"><c>cgroup_ino</c>: memcg inode of the wb (1 on cgroup v1).</param>
public readonly record struct WritebackQueue(
    EventHeader Header,
    string Name,
    long NrPages,
    DeviceNumber SbDev,
    int SyncMode,
    int ForKupdate,
    int RangeCyclic,
    int ForBackground,
    WbReason Reason,
    ulong CgroupIno) : ITraceEvent<WritebackQueue>
{
    /// <inheritdoc />
    public static string EventName => "writeback:writeback_queue";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out WritebackQueue value)
    {
        value = default;
        if (!e.Name.SequenceEqual("writeback_queue"u8))
        {
            return false;
        }

        if (WritebackWorkFields.TryRead(new PayloadReader(e.Payload), out WritebackWorkFields f))
        {
            value = new WritebackQueue(EventHeader.From(e), f.Name, f.NrPages, f.SbDev, f.SyncMode, f.ForKupdate, f.RangeCyclic, f.ForBackground, f.Reason, f.CgroupIno);
            return true;
        }

        return false;
    }
}
