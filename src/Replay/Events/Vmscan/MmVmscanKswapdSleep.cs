using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_kswapd_sleep — kswapd goes back to sleep: the node is balanced.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>kswapd_try_to_sleep</c>; fields per events/vmscan/mm_vmscan_kswapd_sleep/format.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Nid"><c>nid</c>: NUMA node.</param>
public readonly record struct MmVmscanKswapdSleep(
    EventHeader Header,
    int Nid) : ITraceEvent<MmVmscanKswapdSleep>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_kswapd_sleep";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanKswapdSleep value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_kswapd_sleep"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("nid"u8, out int nid))
        {
            value = new MmVmscanKswapdSleep(EventHeader.From(e), nid);
            return true;
        }

        return false;
    }
}
