using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_write_folio — reclaim writes a dirty folio itself. On 6.18 only shmem and anon (swap) folios:
/// filesystem folios are left to the flushers.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>writeout</c>, called from <c>pageout</c>; fields per
/// events/vmscan/mm_vmscan_write_folio/format. Printed "page=%p pfn=0x%lx flags=%s": page= is computed from pfn and
/// not a field; flags= is reclaim_flags.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Pfn"><c>pfn</c>: page frame number of the folio.</param>
/// <param name="ReclaimFlags"><c>reclaim_flags</c> as printed (flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC); a raw
/// number (trace-cmd -R) is rendered the same way.</param>
public readonly record struct MmVmscanWriteFolio(
    EventHeader Header,
    ulong Pfn,
    string ReclaimFlags) : ITraceEvent<MmVmscanWriteFolio>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_write_folio";

    /// <summary>The bits <see cref="ReclaimFlags"/> names, or null if it holds an unknown name.</summary>
    public ReclaimWbFlags? ReclaimFlagsValue => VmscanSymbols.ParseReclaimFlags(ReclaimFlags);

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanWriteFolio value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_write_folio"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetHex("pfn"u8, out ulong pfn)
            && VmscanSymbols.TryGetReclaimFlags(r, out string reclaimFlags))
        {
            value = new MmVmscanWriteFolio(EventHeader.From(e), pfn, reclaimFlags);
            return true;
        }

        return false;
    }
}
