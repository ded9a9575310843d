namespace KernelSim.Replay.Events;

/// <summary>Why writeback work was started (the <c>reason</c> of writeback_work_class events).</summary>
/// <remarks>Kernel: include/linux/backing-dev-defs.h <c>enum wb_reason</c>; printed names from
/// include/trace/events/writeback.h <c>WB_WORK_REASON</c>.</remarks>
public enum WbReason
{
    /// <summary><c>WB_REASON_BACKGROUND</c>, "background": over the background threshold.</summary>
    Background = 0,

    /// <summary><c>WB_REASON_VMSCAN</c>, "vmscan": reclaim found dirty folios it could not write.</summary>
    Vmscan = 1,

    /// <summary><c>WB_REASON_SYNC</c>, "sync": sync(2), syncfs(2) or similar.</summary>
    Sync = 2,

    /// <summary><c>WB_REASON_PERIODIC</c>, "periodic": the dirty_writeback_centisecs timer (kupdate).</summary>
    Periodic = 3,

    /// <summary><c>WB_REASON_LAPTOP_TIMER</c>, "laptop_timer".</summary>
    LaptopTimer = 4,

    /// <summary><c>WB_REASON_FS_FREE_SPACE</c>, "fs_free_space": a filesystem needs space back.</summary>
    FsFreeSpace = 5,

    /// <summary><c>WB_REASON_FORKER_THREAD</c>, "forker_thread".</summary>
    ForkerThread = 6,

    /// <summary><c>WB_REASON_FOREIGN_FLUSH</c>, "foreign_flush": cgroup writeback of another memcg's inodes.</summary>
    ForeignFlush = 7,
}
