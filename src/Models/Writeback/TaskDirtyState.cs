namespace KernelSim.Models.Writeback;

/// <summary>A task's dirty-throttling bookkeeping.</summary>
/// <remarks>The <c>nr_dirtied</c>, <c>nr_dirtied_pause</c> and <c>dirty_paused_when</c> fields of <c>struct task_struct</c>; kernel/fork.c starts them at 0, 128 KiB and 0.</remarks>
/// <param name="NrDirtied">Pages dirtied since the last balance_dirty_pages reset.</param>
/// <param name="NrDirtiedPause">Pages after which the task checks again.</param>
/// <param name="DirtyPausedWhen">Jiffies at which the last pause ended (virtual time), 0 if never set.</param>
public readonly record struct TaskDirtyState(long NrDirtied, long NrDirtiedPause, long DirtyPausedWhen);
