namespace KernelSim.Models.Writeback;

/// <summary>
/// What writeback:global_dirty_state prints when the global domain's limits are computed, in pages.
/// </summary>
/// <remarks>include/trace/events/writeback.h <c>global_dirty_state</c>, fired by mm/page-writeback.c <c>domain_dirty_limits</c>.</remarks>
/// <param name="NrDirty"><c>nr_dirty</c>: NR_FILE_DIRTY.</param>
/// <param name="NrWriteback"><c>nr_writeback</c>: NR_WRITEBACK.</param>
/// <param name="BackgroundThresh"><c>background_thresh</c>.</param>
/// <param name="DirtyThresh"><c>dirty_thresh</c>.</param>
/// <param name="DirtyLimit"><c>dirty_limit</c>: global_wb_domain.dirty_limit (not max'ed with thresh).</param>
/// <param name="NrDirtied"><c>nr_dirtied</c>: NR_DIRTIED.</param>
/// <param name="NrWritten"><c>nr_written</c>: NR_WRITTEN.</param>
public readonly record struct GlobalDirtyStateRecord(
    long NrDirty,
    long NrWriteback,
    long BackgroundThresh,
    long DirtyThresh,
    long DirtyLimit,
    long NrDirtied,
    long NrWritten);
