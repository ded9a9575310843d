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
    /// <summary>
    /// Predicted latency of every operation of the workload (<c>WriteWorkload.Ops</c>, same order), in ns, whatever the
    /// kind: what <see cref="RequestWhatIf"/> puts in place of the observed time of the operations the replay predicts.
    /// Empty for a prediction made by hand.
    /// </summary>
    internal long[] OpLatencyNs { get; init; } = [];
}
