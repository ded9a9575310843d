using System.Globalization;
using System.Runtime.InteropServices;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Workload;

/// <summary>Block-layer events: write requests issued and completed, and the flusher start delay they show.</summary>
internal sealed partial class WorkloadExtraction
{
    private static SimDuration? MedianDuration(List<long> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return SimDuration.FromNanoseconds(values[(values.Count - 1) / 2]);
    }

    // The flusher counts as idle after this long without a data write.
    private const long FlusherIdleNs = 5_000_000;

    // Writeback of file data: W with no flag for metadata (M), sync (S), flush (F) or FUA.
    private static bool IsPlainDataWrite(ReadOnlySpan<byte> rwbs) =>
        rwbs.Length > 0 && rwbs[0] == (byte)'W' && rwbs.IndexOfAny("MSF"u8) < 0;

    private void OnBlockIssue(in RawEvent e)
    {
        if (!BlockRqFields.TryRead(e.Payload, out uint dev, out ReadOnlySpan<byte> rwbs, out ulong sector, out uint nr))
        {
            _undecoded++;
        }
        else if (BlockRqFields.IsWrite(rwbs) && nr > 0)
        {
            _block.Issue(dev, sector, nr, e.Timestamp.TotalNanoseconds);
            if (IsPlainDataWrite(rwbs))
            {
                long now = e.Timestamp.TotalNanoseconds;
                if (_flusherWokenNs >= 0)
                {
                    _flusherStartDelays.Add(now - _flusherWokenNs);
                    _flusherWokenNs = -1;
                }

                _lastDataWriteNs = now;
            }
        }
    }

    private void OnBlockComplete(in RawEvent e)
    {
        if (!BlockRqFields.TryRead(e.Payload, out uint dev, out ReadOnlySpan<byte> rwbs, out ulong sector, out uint nr))
        {
            _undecoded++;
        }
        else if (BlockRqFields.IsWrite(rwbs) && nr > 0)
        {
            _block.Complete(dev, sector, nr, e.Timestamp.TotalNanoseconds);
        }
    }
}
