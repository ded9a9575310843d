using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>Where the predicted write time went, summed over the writes the distribution covers.</summary>
/// <param name="Copy">Own CPU work: copying into the page cache, allocating and charging pages.</param>
/// <param name="Reclaim">memcg reclaim work (scanning, freeing).</param>
/// <param name="WritebackWait">Waiting for writeback inside reclaim (v1) or fsync.</param>
/// <param name="Throttle">reclaim_throttle sleeps.</param>
/// <param name="DirtyPause">balance_dirty_pages pauses.</param>
/// <param name="HighPenalty">memory.high penalty sleeps (v2).</param>
public sealed record TimeBreakdown(
    SimDuration Copy,
    SimDuration Reclaim,
    SimDuration WritebackWait,
    SimDuration Throttle,
    SimDuration DirtyPause,
    SimDuration HighPenalty)
{
    /// <summary>Everything.</summary>
    public SimDuration Total => Copy + Reclaim + WritebackWait + Throttle + DirtyPause + HighPenalty;
}
