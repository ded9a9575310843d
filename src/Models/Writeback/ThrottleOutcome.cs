namespace KernelSim.Models.Writeback;

/// <summary>How a dirtying step went through balance_dirty_pages_ratelimited.</summary>
public enum ThrottleOutcome
{
    /// <summary>Below the task's ratelimit: balance_dirty_pages was not entered.</summary>
    NotChecked = 0,

    /// <summary>balance_dirty_pages ran and found every domain below its freerun ceiling: no trace, no sleep.</summary>
    FreeRun = 1,

    /// <summary>Throttled, but the pause came out below min_pause: traced with pause ≤ 0, no sleep.</summary>
    NoPause = 2,

    /// <summary>Throttled and sleeping for <see cref="ThrottleDecision.Pause"/>.</summary>
    Paused = 3,
}
