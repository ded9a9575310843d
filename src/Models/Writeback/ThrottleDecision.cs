using KernelSim.Time;

namespace KernelSim.Models.Writeback;

/// <summary>What one dirtying step (or one balance_dirty_pages pass) decided.</summary>
/// <param name="Outcome">Whether balance_dirty_pages ran, and whether the task sleeps.</param>
/// <param name="Pause">The timeout the task sleeps for (pause jiffies); zero unless <see cref="ThrottleOutcome.Paused"/>.</param>
/// <param name="WakeAt">When that sleep ends: the tick at which the timer wheel fires it, one jiffy after the
/// timeout because level-0 expiries are rounded up (kernel/time/timer.c <c>calc_index</c>); the call time when
/// the task does not sleep.</param>
/// <param name="LoopAgain">The kernel keeps looping after the sleep (task_ratelimit was 0): call
/// <see cref="DirtyThrottle.BalanceDirtyPages"/> again at <see cref="WakeAt"/>.</param>
/// <param name="StartBackgroundWriteback">balance_dirty_pages woke the flusher for background writeback
/// (<c>wb_start_background_writeback</c>).</param>
/// <param name="DirtyState">The global_dirty_state record of this pass; null when balance_dirty_pages did not run.</param>
/// <param name="Limits">The global domain's thresholds, freerun ceiling, hard limit and setpoint of this pass.</param>
/// <param name="Trace">The balance_dirty_pages record; null unless throttled.</param>
/// <param name="RatelimitUpdate">The bdi_dirty_ratelimit record when this pass re-estimated the rate limit.</param>
public readonly record struct ThrottleDecision(
    ThrottleOutcome Outcome,
    SimDuration Pause,
    SimTime WakeAt,
    bool LoopAgain,
    bool StartBackgroundWriteback,
    GlobalDirtyStateRecord? DirtyState,
    DomainLimits? Limits,
    BalanceDirtyPagesRecord? Trace,
    BdiDirtyRatelimitRecord? RatelimitUpdate)
{
    /// <summary>True when the task sleeps.</summary>
    public bool Sleeps => Outcome == ThrottleOutcome.Paused;
}
