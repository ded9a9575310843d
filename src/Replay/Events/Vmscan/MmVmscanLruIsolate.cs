using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// vmscan:mm_vmscan_lru_isolate — folios isolated from one LRU list for reclaim.
/// </summary>
/// <remarks>
/// Kernel: mm/vmscan.c <c>isolate_lru_folios</c>; fields per events/vmscan/mm_vmscan_lru_isolate/format. Printed
/// classzone= is the highest_zoneidx field; lru prints by name ("inactive_file"), as a number under trace-cmd -R.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="HighestZoneidx"><c>highest_zoneidx</c>: highest zone the caller may use (printed
/// classzone).</param>
/// <param name="Order"><c>order</c>: allocation order (2^order pages).</param>
/// <param name="NrRequested"><c>nr_requested</c>: folios asked for.</param>
/// <param name="NrScanned"><c>nr_scanned</c>: folios looked at.</param>
/// <param name="NrSkipped"><c>nr_skipped</c>: folios skipped (zone too high).</param>
/// <param name="NrTaken"><c>nr_taken</c>: pages isolated.</param>
/// <param name="Lru"><c>lru</c>: the list scanned.</param>
public readonly record struct MmVmscanLruIsolate(
    EventHeader Header,
    int HighestZoneidx,
    int Order,
    ulong NrRequested,
    ulong NrScanned,
    ulong NrSkipped,
    ulong NrTaken,
    LruList Lru) : ITraceEvent<MmVmscanLruIsolate>
{
    /// <inheritdoc />
    public static string EventName => "vmscan:mm_vmscan_lru_isolate";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmVmscanLruIsolate value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_vmscan_lru_isolate"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if ((r.TryGetInt32("classzone"u8, out int highestZoneidx) || r.TryGetInt32("highest_zoneidx"u8, out highestZoneidx))
            && r.TryGetInt32("order"u8, out int order)
            && r.TryGetUInt64("nr_requested"u8, out ulong nrRequested)
            && r.TryGetUInt64("nr_scanned"u8, out ulong nrScanned)
            && r.TryGetUInt64("nr_skipped"u8, out ulong nrSkipped)
            && r.TryGetUInt64("nr_taken"u8, out ulong nrTaken)
            && VmscanSymbols.TryGetLru(r, out LruList lru))
        {
            value = new MmVmscanLruIsolate(
                EventHeader.From(e),
                highestZoneidx,
                order,
                nrRequested,
                nrScanned,
                nrSkipped,
                nrTaken,
                lru);
            return true;
        }

        return false;
    }
}
