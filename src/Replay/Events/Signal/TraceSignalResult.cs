namespace KernelSim.Replay.Events;

/// <summary>What happened to a generated signal (signal_generate <c>result</c>, printed as res=).</summary>
/// <remarks>Kernel: include/trace/events/signal.h <c>enum trace_signal_result</c>; set in kernel/signal.c
/// <c>__send_signal_locked</c>.</remarks>
public enum TraceSignalResult
{
    /// <summary><c>TRACE_SIGNAL_DELIVERED</c>: queued (or set) on the target.</summary>
    Delivered = 0,

    /// <summary><c>TRACE_SIGNAL_IGNORED</c>: dropped by <c>prepare_signal</c> (ignored, or group exiting).</summary>
    Ignored = 1,

    /// <summary><c>TRACE_SIGNAL_ALREADY_PENDING</c>: a non-RT signal already pending; coalesced.</summary>
    AlreadyPending = 2,

    /// <summary><c>TRACE_SIGNAL_OVERFLOW_FAIL</c>: RT signal from sigqueue over RLIMIT_SIGPENDING; -EAGAIN.</summary>
    OverflowFail = 3,

    /// <summary><c>TRACE_SIGNAL_LOSE_INFO</c>: no sigqueue could be allocated; the bit is set without siginfo.</summary>
    LoseInfo = 4,
}
