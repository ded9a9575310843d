using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// writeback:global_dirty_state — the global dirty limits and counters, in pages, whenever they are computed.
/// </summary>
/// <remarks>
/// Kernel: mm/page-writeback.c <c>domain_dirty_limits</c> (global domain only); fields per
/// events/writeback/global_dirty_state/format. Printed keys are short: dirty= writeback= bg_thresh= thresh= limit=
/// dirtied= written= (trace-cmd -R prints the field names).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="NrDirty"><c>nr_dirty</c>: NR_FILE_DIRTY (printed dirty).</param>
/// <param name="NrWriteback"><c>nr_writeback</c>: NR_WRITEBACK (printed writeback).</param>
/// <param name="BackgroundThresh"><c>background_thresh</c>: background writeback threshold (printed
/// bg_thresh).</param>
/// <param name="DirtyThresh"><c>dirty_thresh</c>: throttling threshold (printed thresh).</param>
/// <param name="DirtyLimit"><c>dirty_limit</c>: the global domain's slowly moving limit (printed limit).</param>
/// <param name="NrDirtied"><c>nr_dirtied</c>: NR_DIRTIED, pages ever dirtied (printed dirtied).</param>
/// <param name="NrWritten"><c>nr_written</c>: NR_WRITTEN, pages ever written (printed written).</param>
public readonly record struct GlobalDirtyState(
    EventHeader Header,
    ulong NrDirty,
    ulong NrWriteback,
    ulong BackgroundThresh,
    ulong DirtyThresh,
    ulong DirtyLimit,
    ulong NrDirtied,
    ulong NrWritten) : ITraceEvent<GlobalDirtyState>
{
    /// <inheritdoc />
    public static string EventName => "writeback:global_dirty_state";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out GlobalDirtyState value)
    {
        value = default;
        if (!e.Name.SequenceEqual("global_dirty_state"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if ((r.TryGetUInt64("dirty"u8, out ulong nrDirty) || r.TryGetUInt64("nr_dirty"u8, out nrDirty))
            && (r.TryGetUInt64("writeback"u8, out ulong nrWriteback) || r.TryGetUInt64("nr_writeback"u8, out nrWriteback))
            && (r.TryGetUInt64("bg_thresh"u8, out ulong backgroundThresh) || r.TryGetUInt64("background_thresh"u8, out backgroundThresh))
            && (r.TryGetUInt64("thresh"u8, out ulong dirtyThresh) || r.TryGetUInt64("dirty_thresh"u8, out dirtyThresh))
            && (r.TryGetUInt64("limit"u8, out ulong dirtyLimit) || r.TryGetUInt64("dirty_limit"u8, out dirtyLimit))
            && (r.TryGetUInt64("dirtied"u8, out ulong nrDirtied) || r.TryGetUInt64("nr_dirtied"u8, out nrDirtied))
            && (r.TryGetUInt64("written"u8, out ulong nrWritten) || r.TryGetUInt64("nr_written"u8, out nrWritten)))
        {
            value = new GlobalDirtyState(
                EventHeader.From(e),
                nrDirty,
                nrWriteback,
                backgroundThresh,
                dirtyThresh,
                dirtyLimit,
                nrDirtied,
                nrWritten);
            return true;
        }

        return false;
    }
}
