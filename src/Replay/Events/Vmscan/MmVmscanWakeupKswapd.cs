using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_wakeup_kswapd — an allocation below the low watermark wakes a sleeping kswapd.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>wakeup_kswapd</c>; fields per events/vmscan/mm_vmscan_wakeup_kswapd/format. Printed
/// "nid=%d order=%d gfp_flags=%s": zid is only in trace-cmd -R text.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Nid"><c>nid</c>: NUMA node.</param>
/// <param name="Zid"><c>zid</c>: zone index; TP_printk does not print it, so only trace-cmd -R text has it (else
/// null).</param>
/// <param name="Order"><c>order</c>: allocation order (2^order pages).</param>
/// <param name="GfpFlags"><c>gfp_flags</c> as the kernel prints it ("GFP_HIGHUSER_MOVABLE", "GFP_NOFS|__GFP_COMP",
/// "none"); a raw mask (trace-cmd -R) is rendered the same way.</param>
public readonly record struct MmVmscanWakeupKswapd(
    EventHeader Header,
    int Nid,
    int? Zid,
    int Order,
    string GfpFlags) : ITraceEvent<MmVmscanWakeupKswapd>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_wakeup_kswapd";

    /// <summary>The gfp mask <see cref="GfpFlags"/> names, or null if it holds a name this build does not know.</summary>
    public ulong? GfpFlagsValue => GfpFlagNames.Parse(GfpFlags);

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanWakeupKswapd value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_wakeup_kswapd"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        int? zid = r.TryGetInt32("zid"u8, out int z) ? z : null;
        if (r.TryGetInt32("nid"u8, out int nid)
            && r.TryGetInt32("order"u8, out int order)
            && GfpFlagNames.TryGet(r, out string gfpFlags))
        {
            value = new MmVmscanWakeupKswapd(EventHeader.From(e), nid, zid, order, gfpFlags);
            return true;
        }

        return false;
    }
}
