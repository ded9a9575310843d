using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_lru_shrink_active — one pass of <c>shrink_active_list</c>: folios taken off an active LRU and
/// where they went.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>shrink_active_list</c>; fields per events/vmscan/mm_vmscan_lru_shrink_active/format.
/// Printed flags= is the reclaim_flags field.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Nid"><c>nid</c>: NUMA node.</param>
/// <param name="NrTaken"><c>nr_taken</c>: folios isolated from the active list.</param>
/// <param name="NrActive"><c>nr_active</c>: pages put back on the active list.</param>
/// <param name="NrDeactivated"><c>nr_deactivated</c>: pages moved to the inactive list.</param>
/// <param name="NrReferenced"><c>nr_referenced</c>: referenced pages seen.</param>
/// <param name="Priority"><c>priority</c>: scan priority.</param>
/// <param name="ReclaimFlags"><c>reclaim_flags</c> as printed (flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC); a raw
/// number (trace-cmd -R) is rendered the same way.</param>
public readonly record struct MmVmscanLruShrinkActive(
    EventHeader Header,
    int Nid,
    ulong NrTaken,
    ulong NrActive,
    ulong NrDeactivated,
    ulong NrReferenced,
    int Priority,
    string ReclaimFlags) : ITraceEvent<MmVmscanLruShrinkActive>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_lru_shrink_active";

    /// <summary>The bits <see cref="ReclaimFlags"/> names, or null if it holds an unknown name.</summary>
    public ReclaimWbFlags? ReclaimFlagsValue => VmscanSymbols.ParseReclaimFlags(ReclaimFlags);

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanLruShrinkActive value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_lru_shrink_active"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("nid"u8, out int nid)
            && r.TryGetUInt64("nr_taken"u8, out ulong nrTaken)
            && r.TryGetUInt64("nr_active"u8, out ulong nrActive)
            && r.TryGetUInt64("nr_deactivated"u8, out ulong nrDeactivated)
            && r.TryGetUInt64("nr_referenced"u8, out ulong nrReferenced)
            && r.TryGetInt32("priority"u8, out int priority)
            && VmscanSymbols.TryGetReclaimFlags(r, out string reclaimFlags))
        {
            value = new MmVmscanLruShrinkActive(
                EventHeader.From(e),
                nid,
                nrTaken,
                nrActive,
                nrDeactivated,
                nrReferenced,
                priority,
                reclaimFlags);
            return true;
        }

        return false;
    }
}
