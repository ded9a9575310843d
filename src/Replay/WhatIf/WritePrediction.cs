using KernelSim.Models.Memcg;
using KernelSim.Statistics;

namespace KernelSim.Replay.WhatIf;

/// <summary>The predicted write latency of a workload under a proposal, with where the time goes.</summary>
/// <param name="Proposal">What was asked.</param>
/// <param name="Config">The memcg configuration simulated (capture configuration with the proposal applied).</param>
/// <param name="Latency">Latency of the application's writes (its positional writes when it made any, else all writes).</param>
/// <param name="ThroughputBytesPerSecond">Bytes written by those writes over the simulated span.</param>
/// <param name="Breakdown">Time by cause, summed over those writes.</param>
/// <param name="Counters">memcg totals of the run (reclaim episodes, failcnt, OOM, end-of-run memory.stat).</param>
/// <param name="WorkingSet">Usage and working set over time.</param>
/// <param name="Costs">The calibrated costs the simulation used.</param>
public sealed record WritePrediction(
    WriteProposal Proposal,
    MemcgConfig Config,
    LatencyDistribution Latency,
    double ThroughputBytesPerSecond,
    TimeBreakdown Breakdown,
    MemcgCounters Counters,
    IReadOnlyList<MemcgSample> WorkingSet,
    WritePathCosts Costs)
{
    /// <summary>The application's reads of page-cache files (read, pread64), predicted beside the writes; empty when the
    /// capture has none (or did not trace read syscalls).</summary>
    public ReadPrediction Reads { get; init; } = ReadPrediction.None;

    /// <summary>Latency of the application's fsync(2) calls (empty when it made none).</summary>
    public LatencyDistribution Fsync { get; init; } = LatencyDistribution.FromNanoseconds([]);

    /// <summary>Latency of the application's fdatasync(2) calls (empty when it made none).</summary>
    public LatencyDistribution Fdatasync { get; init; } = LatencyDistribution.FromNanoseconds([]);

    /// <summary>
    /// Predicted latency of every operation of the workload (<c>WriteWorkload.Ops</c>, same order), in ns, whatever the
    /// kind: what <see cref="RequestWhatIf"/> puts in place of the observed time of the operations the replay predicts.
    /// Empty for a prediction made by hand.
    /// </summary>
    internal long[] OpLatencyNs { get; init; } = [];

    /// <summary>The cost of one traced event the replay took off the captured costs (the capture host's, else the default).</summary>
    internal KernelSim.Time.SimDuration TracingCostPerEvent { get; init; } = WriteReplay.TracingCostPerEvent;
}

/// <summary>Predicted reads: latency, throughput, and how the page cache served them.</summary>
/// <param name="Latency">Latency of the application's reads of page-cache files (its pread64 calls when it made any).</param>
/// <param name="ThroughputBytesPerSecond">Bytes those reads returned over their span.</param>
/// <param name="PagesRead">Pages read from the device (misses and readahead).</param>
/// <param name="Refaults">Pages read back where a shadow entry of an evicted folio was (workingset_refault_file).</param>
/// <param name="Activations">Of those, pages that returned to the active list (workingset_activate_file).</param>
public sealed record ReadPrediction(LatencyDistribution Latency, double ThroughputBytesPerSecond, long PagesRead, long Refaults, long Activations)
{
    /// <summary>No reads.</summary>
    public static ReadPrediction None { get; } = new(LatencyDistribution.FromNanoseconds([]), 0, 0, 0, 0);
}
