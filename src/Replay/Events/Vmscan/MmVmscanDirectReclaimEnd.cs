using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_direct_reclaim_end — global direct reclaim returns.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>try_to_free_pages</c> (class mm_vmscan_direct_reclaim_end_template); fields per
/// events/vmscan/mm_vmscan_direct_reclaim_end/format.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="NrReclaimed"><c>nr_reclaimed</c>: pages reclaimed by the call.</param>
public readonly record struct MmVmscanDirectReclaimEnd(
    EventHeader Header,
    ulong NrReclaimed) : ITraceEvent<MmVmscanDirectReclaimEnd>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_direct_reclaim_end";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanDirectReclaimEnd value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_direct_reclaim_end"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetUInt64("nr_reclaimed"u8, out ulong nrReclaimed))
        {
            value = new MmVmscanDirectReclaimEnd(EventHeader.From(e), nrReclaimed);
            return true;
        }

        return false;
    }
}
