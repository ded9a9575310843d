namespace KernelSim.Replay.Events;

/// <summary>Why a reclaimer was throttled (mm_vmscan_throttled <c>reason</c>).</summary>
/// <remarks>
/// Kernel: include/linux/mmzone.h <c>enum vmscan_throttle_state</c>; the tracepoint stores
/// <c>1U &lt;&lt; reason</c> (include/trace/events/vmscan.h, TP_fast_assign of mm_vmscan_throttled) and prints it
/// with <c>show_throttle_flags</c>, so the values here are the bits, and 0 prints "VMSCAN_THROTTLE_NONE".
/// </remarks>
[Flags]
public enum VmscanThrottleReason
{
    /// <summary>No bit set ("VMSCAN_THROTTLE_NONE"); the kernel never throttles for no reason.</summary>
    None = 0,

    /// <summary><c>VMSCAN_THROTTLE_WRITEBACK</c>: waiting for folios under writeback to finish (HZ/10 timeout).</summary>
    Writeback = 1 << 0,

    /// <summary><c>VMSCAN_THROTTLE_ISOLATED</c>: too many folios isolated by parallel reclaimers (HZ/50 timeout).</summary>
    Isolated = 1 << 1,

    /// <summary><c>VMSCAN_THROTTLE_NOPROGRESS</c>: global direct reclaim made no progress (1 jiffy).</summary>
    NoProgress = 1 << 2,

    /// <summary><c>VMSCAN_THROTTLE_CONGESTED</c>: the lruvec is congested with dirty folios (1 jiffy).</summary>
    Congested = 1 << 3,
}
