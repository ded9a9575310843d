namespace KernelSim.Models.Signals;

/// <summary>What a <see cref="SignalLogEntry"/> records.</summary>
public enum SignalLogKind
{
    /// <summary>A signal was generated (<c>signal:signal_generate</c>).</summary>
    Generate = 0,

    /// <summary>A thread dequeued a signal to act on it (<c>signal:signal_deliver</c>).</summary>
    Deliver = 1,

    /// <summary>A handler returned (sigreturn restores the mask).</summary>
    HandlerReturn = 2,

    /// <summary>A thread group stopped (group stop completed).</summary>
    Stop = 3,

    /// <summary>A thread group exited (<c>sched:sched_process_exit</c> with group_dead).</summary>
    Exit = 4,

    /// <summary>A zombie was reaped (by wait or automatically).</summary>
    Reap = 5,
}
