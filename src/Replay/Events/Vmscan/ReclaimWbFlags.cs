namespace KernelSim.Replay.Events;

/// <summary>The reclaim_flags bits vmscan tracepoints print as <c>flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC</c>.</summary>
/// <remarks>Kernel: include/trace/events/vmscan.h <c>RECLAIM_WB_*</c> and <c>show_reclaim_flags</c>;
/// set by <c>trace_reclaim_flags</c> / <c>trace_shrink_flags</c>.</remarks>
[Flags]
public enum ReclaimWbFlags
{
    /// <summary>No bit ("RECLAIM_WB_NONE").</summary>
    None = 0,

    /// <summary><c>RECLAIM_WB_ANON</c>: anonymous folios.</summary>
    Anon = 0x0001,

    /// <summary><c>RECLAIM_WB_FILE</c>: file folios.</summary>
    File = 0x0002,

    /// <summary><c>RECLAIM_WB_SYNC</c> (unused by current kernels: all reclaim is async).</summary>
    Sync = 0x0004,

    /// <summary><c>RECLAIM_WB_ASYNC</c>.</summary>
    Async = 0x0008,

    /// <summary><c>RECLAIM_WB_MIXED</c>.</summary>
    Mixed = 0x0010,
}
