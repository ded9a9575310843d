using KernelSim.Replay.Workload;
using KernelSim.Statistics;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Application requests (transactions, commands) of a capture under one proposal: their traced and observed latency,
/// the predicted one, and the throughput both ways. A request's predicted latency is its observed time net of tracing
/// with the file operations it made replaced by their predicted latency (<see cref="RequestWhatIf"/>).
/// </summary>
/// <param name="Boundary">Where the request boundaries came from.</param>
/// <param name="Threads">Threads that served requests.</param>
/// <param name="Traced">Latency as traced (tracing overhead included).</param>
/// <param name="Observed">Observed latency net of tracing (each event the serving thread fired inside the request taken off).</param>
/// <param name="Latency">Predicted latency.</param>
/// <param name="TracedPerSecond">Requests per second as traced: per serving thread, its requests over its first start to last end; summed over threads.</param>
/// <param name="ObservedPerSecond">The same net of tracing.</param>
/// <param name="PredictedPerSecond">The same on the predicted timeline (each thread's span grown or shrunk by its operations' predicted change).</param>
/// <param name="PredictedOps">Operations inside requests whose time is the replay's prediction (page-cache writes), each counted once.</param>
/// <param name="ObservedOps">Operations inside requests that keep their observed time net of tracing, by kind (e.g. "fsync": 12), each counted once.</param>
public sealed record RequestPrediction(
    RequestBoundary Boundary,
    int Threads,
    LatencyDistribution Traced,
    LatencyDistribution Observed,
    LatencyDistribution Latency,
    double TracedPerSecond,
    double ObservedPerSecond,
    double PredictedPerSecond,
    long PredictedOps,
    IReadOnlyDictionary<string, long> ObservedOps)
{
    /// <summary>Requests.</summary>
    public int Count => Latency.Count;
}
