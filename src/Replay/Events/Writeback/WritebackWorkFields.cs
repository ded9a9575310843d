namespace KernelSim.Replay.Events;

/// <summary>
/// The fields every writeback_work_class event carries (writeback_queue, _exec, _start, _written, _wait),
/// read once for all five records.
/// </summary>
/// <remarks>Kernel: include/trace/events/writeback.h <c>DECLARE_EVENT_CLASS(writeback_work_class)</c>.
/// Printed: "bdi %s: sb_dev %d:%d nr_pages=%ld sync_mode=%d kupdate=%d range_cyclic=%d background=%d
/// reason=%s cgroup_ino=%lu"; trace-cmd -R prints the field names (name=, for_kupdate=, for_background=) and
/// raw numbers.</remarks>
internal readonly record struct WritebackWorkFields(
    string Name,
    long NrPages,
    DeviceNumber SbDev,
    int SyncMode,
    int ForKupdate,
    int RangeCyclic,
    int ForBackground,
    WbReason Reason,
    ulong CgroupIno)
{
    public static bool TryRead(PayloadReader r, out WritebackWorkFields f)
    {
        f = default;
        if (WritebackSymbols.TryGetBdi(r, "name"u8, out string name)
            && r.TryGetInt64("nr_pages"u8, out long nrPages)
            && WritebackSymbols.TryGetSbDev(r, out DeviceNumber sbDev)
            && r.TryGetInt32("sync_mode"u8, out int syncMode)
            && (r.TryGetInt32("kupdate"u8, out int forKupdate) || r.TryGetInt32("for_kupdate"u8, out forKupdate))
            && r.TryGetInt32("range_cyclic"u8, out int rangeCyclic)
            && (r.TryGetInt32("background"u8, out int forBackground) || r.TryGetInt32("for_background"u8, out forBackground))
            && WritebackSymbols.TryGetReason(r, out WbReason reason)
            && r.TryGetUInt64("cgroup_ino"u8, out ulong cgroupIno))
        {
            f = new WritebackWorkFields(name, nrPages, sbDev, syncMode, forKupdate, rangeCyclic, forBackground, reason, cgroupIno);
            return true;
        }

        return false;
    }
}
