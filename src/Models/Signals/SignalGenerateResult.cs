namespace KernelSim.Models.Signals;

/// <summary>What became of a generated signal (the <c>result</c> field of <c>signal:signal_generate</c>).</summary>
/// <remarks>Kernel: include/trace/events/signal.h <c>enum trace_signal_result</c>; kernel/signal.c <c>__send_signal_locked</c>.</remarks>
public enum SignalGenerateResult
{
    /// <summary><c>TRACE_SIGNAL_DELIVERED</c>: queued or set on the target.</summary>
    Delivered = 0,

    /// <summary><c>TRACE_SIGNAL_IGNORED</c>: dropped by <c>prepare_signal</c> (ignored, init guard, group exiting).</summary>
    Ignored = 1,

    /// <summary><c>TRACE_SIGNAL_ALREADY_PENDING</c>: a legacy signal already pending in that queue; coalesced.</summary>
    AlreadyPending = 2,

    /// <summary><c>TRACE_SIGNAL_OVERFLOW_FAIL</c>: an RT signal with real siginfo over RLIMIT_SIGPENDING; -EAGAIN.</summary>
    OverflowFail = 3,

    /// <summary><c>TRACE_SIGNAL_LOSE_INFO</c>: no sigqueue allocated; the bit is set without siginfo.</summary>
    LoseInfo = 4,
}
