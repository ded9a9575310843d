using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_lru_shrink_inactive — one pass of <c>shrink_inactive_list</c> over an inactive LRU, with what
/// happened to the isolated folios.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>shrink_inactive_list</c>; fields per events/vmscan/mm_vmscan_lru_shrink_inactive/format.
/// Printed keys differ from the fields: nr_activate_anon= and nr_activate_file= are nr_activate0/1, flags= is
/// reclaim_flags (trace-cmd -R prints the field names).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Nid"><c>nid</c>: NUMA node.</param>
/// <param name="NrScanned"><c>nr_scanned</c>: folios scanned (isolated) in this pass.</param>
/// <param name="NrReclaimed"><c>nr_reclaimed</c>: pages freed.</param>
/// <param name="NrDirty"><c>nr_dirty</c>: dirty folios met.</param>
/// <param name="NrWriteback"><c>nr_writeback</c>: folios under writeback met.</param>
/// <param name="NrCongested"><c>nr_congested</c>: dirty folios on a congested device.</param>
/// <param name="NrImmediate"><c>nr_immediate</c>: writeback folios already marked for immediate reclaim.</param>
/// <param name="NrActivate0"><c>nr_activate[0]</c>: anon pages moved back to the active list (printed
/// nr_activate_anon).</param>
/// <param name="NrActivate1"><c>nr_activate[1]</c>: file pages moved back to the active list (printed
/// nr_activate_file).</param>
/// <param name="NrRefKeep"><c>nr_ref_keep</c>: referenced folios kept on the inactive list.</param>
/// <param name="NrUnmapFail"><c>nr_unmap_fail</c>: folios that could not be unmapped.</param>
/// <param name="Priority"><c>priority</c>: scan priority (12 = DEF_PRIORITY, lower scans more).</param>
/// <param name="ReclaimFlags"><c>reclaim_flags</c> as printed (flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC); a raw
/// number (trace-cmd -R) is rendered the same way.</param>
public readonly record struct MmVmscanLruShrinkInactive(
    EventHeader Header,
    int Nid,
    ulong NrScanned,
    ulong NrReclaimed,
    ulong NrDirty,
    ulong NrWriteback,
    ulong NrCongested,
    ulong NrImmediate,
    uint NrActivate0,
    uint NrActivate1,
    ulong NrRefKeep,
    ulong NrUnmapFail,
    int Priority,
    string ReclaimFlags) : ITraceEvent<MmVmscanLruShrinkInactive>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_lru_shrink_inactive";

    /// <summary>The bits <see cref="ReclaimFlags"/> names, or null if it holds an unknown name.</summary>
    public ReclaimWbFlags? ReclaimFlagsValue => VmscanSymbols.ParseReclaimFlags(ReclaimFlags);

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanLruShrinkInactive value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_lru_shrink_inactive"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("nid"u8, out int nid)
            && r.TryGetUInt64("nr_scanned"u8, out ulong nrScanned)
            && r.TryGetUInt64("nr_reclaimed"u8, out ulong nrReclaimed)
            && r.TryGetUInt64("nr_dirty"u8, out ulong nrDirty)
            && r.TryGetUInt64("nr_writeback"u8, out ulong nrWriteback)
            && r.TryGetUInt64("nr_congested"u8, out ulong nrCongested)
            && r.TryGetUInt64("nr_immediate"u8, out ulong nrImmediate)
            && (r.TryGetUInt32("nr_activate_anon"u8, out uint nrActivate0) || r.TryGetUInt32("nr_activate0"u8, out nrActivate0))
            && (r.TryGetUInt32("nr_activate_file"u8, out uint nrActivate1) || r.TryGetUInt32("nr_activate1"u8, out nrActivate1))
            && r.TryGetUInt64("nr_ref_keep"u8, out ulong nrRefKeep)
            && r.TryGetUInt64("nr_unmap_fail"u8, out ulong nrUnmapFail)
            && r.TryGetInt32("priority"u8, out int priority)
            && VmscanSymbols.TryGetReclaimFlags(r, out string reclaimFlags))
        {
            value = new MmVmscanLruShrinkInactive(
                EventHeader.From(e),
                nid,
                nrScanned,
                nrReclaimed,
                nrDirty,
                nrWriteback,
                nrCongested,
                nrImmediate,
                nrActivate0,
                nrActivate1,
                nrRefKeep,
                nrUnmapFail,
                priority,
                reclaimFlags);
            return true;
        }

        return false;
    }
}
