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
    // Data writes an fsync/fdatasync caller issued inside its call, by (device, sector), until they complete.
    private readonly Dictionary<(uint Dev, ulong Sector), int> _syncDataWrites = [];

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
            if (rwbs.IndexOfAny("MF"u8) < 0 && _threads.TryGetValue(e.Pid, out ThreadState? caller) && caller.Open && caller.Kind is FileOpKind.Fsync or FileOpKind.Fdatasync)
            {
                // file_write_and_wait_range: the caller writes the file's dirty data itself (WB_SYNC_ALL) and waits for it.
                _syncDataWrites[(dev, sector)] = e.Pid;
            }

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
            if (_syncDataWrites.Count > 0 && _syncDataWrites.Remove((dev, sector), out int pid)
                && _threads.TryGetValue(pid, out ThreadState? caller) && caller.Open && caller.Kind is FileOpKind.Fsync or FileOpKind.Fdatasync)
            {
                caller.SyncDataDoneNs = e.Timestamp.TotalNanoseconds;
            }
        }
    }
}
