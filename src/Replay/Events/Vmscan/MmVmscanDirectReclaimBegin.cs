using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_direct_reclaim_begin — an allocation enters global direct reclaim.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>try_to_free_pages</c> (class mm_vmscan_direct_reclaim_begin_template); fields per
/// events/vmscan/mm_vmscan_direct_reclaim_begin/format.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Order"><c>order</c>: allocation order (2^order pages).</param>
/// <param name="GfpFlags"><c>gfp_flags</c> as the kernel prints it ("GFP_HIGHUSER_MOVABLE", "GFP_NOFS|__GFP_COMP",
/// "none"); a raw mask (trace-cmd -R) is rendered the same way.</param>
public readonly record struct MmVmscanDirectReclaimBegin(
    EventHeader Header,
    int Order,
    string GfpFlags) : ITraceEvent<MmVmscanDirectReclaimBegin>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_direct_reclaim_begin";

    /// <summary>The gfp mask <see cref="GfpFlags"/> names, or null if it holds a name this build does not know.</summary>
    public ulong? GfpFlagsValue => GfpFlagNames.Parse(GfpFlags);

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanDirectReclaimBegin value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_direct_reclaim_begin"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("order"u8, out int order)
            && GfpFlagNames.TryGet(r, out string gfpFlags))
        {
            value = new MmVmscanDirectReclaimBegin(EventHeader.From(e), order, gfpFlags);
            return true;
        }

        return false;
    }
}
