using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_kswapd_wake — kswapd wakes up to balance a node.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>kswapd</c>; fields per events/vmscan/mm_vmscan_kswapd_wake/format. Printed "nid=%d
/// order=%d": zid is only in trace-cmd -R text.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Nid"><c>nid</c>: NUMA node.</param>
/// <param name="Zid"><c>zid</c>: zone index; TP_printk does not print it, so only trace-cmd -R text has it (else
/// null).</param>
/// <param name="Order"><c>order</c>: allocation order (2^order pages).</param>
public readonly record struct MmVmscanKswapdWake(
    EventHeader Header,
    int Nid,
    int? Zid,
    int Order) : ITraceEvent<MmVmscanKswapdWake>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_kswapd_wake";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanKswapdWake value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_kswapd_wake"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        int? zid = r.TryGetInt32("zid"u8, out int z) ? z : null;
        if (r.TryGetInt32("nid"u8, out int nid)
            && r.TryGetInt32("order"u8, out int order))
        {
            value = new MmVmscanKswapdWake(EventHeader.From(e), nid, zid, order);
            return true;
        }

        return false;
    }
}
