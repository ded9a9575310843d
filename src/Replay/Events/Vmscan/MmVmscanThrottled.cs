using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_throttled — a reclaimer slept in <c>reclaim_throttle</c>.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>reclaim_throttle</c>; fields per events/vmscan/mm_vmscan_throttled/format. The kernel
/// prints usec_delayed as "usect_delayed=" (a typo in TP_printk); trace-cmd -R prints usec_delayed=. reason prints
/// by name, as its bit value under trace-cmd -R.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Nid"><c>nid</c>: NUMA node.</param>
/// <param name="UsecTimeout"><c>usec_timeout</c>: the sleep limit in µs (HZ/10 for writeback, HZ/50 isolated, 1
/// jiffy otherwise).</param>
/// <param name="UsecDelayed"><c>usec_delayed</c>: how long it actually slept, in µs (jiffy resolution).</param>
/// <param name="Reason"><c>reason</c>: why (the bit of the <c>vmscan_throttle_state</c>).</param>
public readonly record struct MmVmscanThrottled(
    EventHeader Header,
    int Nid,
    int UsecTimeout,
    int UsecDelayed,
    VmscanThrottleReason Reason) : ITraceEvent<MmVmscanThrottled>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_throttled";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanThrottled value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_throttled"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("nid"u8, out int nid)
            && r.TryGetInt32("usec_timeout"u8, out int usecTimeout)
            && (r.TryGetInt32("usect_delayed"u8, out int usecDelayed) || r.TryGetInt32("usec_delayed"u8, out usecDelayed))
            && VmscanSymbols.TryGetThrottleReason(r, out VmscanThrottleReason reason))
        {
            value = new MmVmscanThrottled(EventHeader.From(e), nid, usecTimeout, usecDelayed, reason);
            return true;
        }

        return false;
    }
}
