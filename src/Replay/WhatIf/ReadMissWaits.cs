using KernelSim.Replay.Workload;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// How long a read waits for the device when it misses, from the capture's own read misses: the off-CPU time of each read
/// that added pages (issue, device, completion, wakeup), net of the traced events on that path. A replayed read that missed
/// in the capture too keeps its own wait; one that hit there draws one of these (deterministically).
/// </summary>
internal sealed class ReadMissWaits
{
    // block_rq_complete and sched_wakeup on the completing CPU, sched_switch back to the reader.
    private const int EventsOnWakePath = 3;

    private readonly long[] _sorted;
    private readonly long _fallbackNs;
    private readonly long _tracingNsPerEvent;

    private ReadMissWaits(long[] sorted, long fallbackNs, long tracingNsPerEvent)
    {
        _sorted = sorted;
        _fallbackNs = fallbackNs;
        _tracingNsPerEvent = tracingNsPerEvent;
    }

    /// <summary>Read misses the waits come from (0: the fallback is used).</summary>
    public int Samples => _sorted.Length;

    /// <summary>The waits of the capture's read misses; with none, the captured write requests' mean service time.</summary>
    public static ReadMissWaits From(IReadOnlyList<FileOp> ops, DeviceActivity device, SimDuration tracingCostPerEvent)
    {
        long t = tracingCostPerEvent.TotalNanoseconds;
        var waits = new List<long>();
        foreach (FileOp op in ops)
        {
            if (op.Kind == FileOpKind.Read && op.PageCacheFile && op.PagesAdded > 0 && op.CallOffCpu.TotalNanoseconds > 0)
            {
                waits.Add(NetNs(op.CallOffCpu, t));
            }
        }

        long[] sorted = [.. waits];
        Array.Sort(sorted);
        return new ReadMissWaits(sorted, device.WriteRequests > 0 ? device.MeanServiceTime.TotalNanoseconds : 0, t);
    }

    /// <summary>A captured wait taken net of tracing.</summary>
    public SimDuration Net(SimDuration wait) => SimDuration.FromNanoseconds(NetNs(wait, _tracingNsPerEvent));

    /// <summary>One of the captured waits, drawn uniformly by <paramref name="rng"/>.</summary>
    public SimDuration Draw(KernelSim.Simulation.DeterministicRandom rng)
    {
        if (_sorted.Length == 0)
        {
            return SimDuration.FromNanoseconds(_fallbackNs);
        }

        int i = (int)Math.Min(_sorted.Length - 1, (long)(rng.NextDouble() * _sorted.Length));
        return SimDuration.FromNanoseconds(_sorted[i]);
    }

    private static long NetNs(SimDuration wait, long tracingNsPerEvent) => Math.Max(0, wait.TotalNanoseconds - (EventsOnWakePath * tracingNsPerEvent));
}
