using KernelSim.Models.Memcg;
using KernelSim.Replay.Workload;
using KernelSim.Statistics;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Predicts write latency under a proposed memory configuration by replaying a captured workload
/// through <see cref="WritePathSimulation"/>.
/// </summary>
public static partial class WriteWhatIf
{
    /// <summary>Predicts one proposal.</summary>
    /// <param name="workload">The captured workload.</param>
    /// <param name="costs">Calibrated costs (from the same trace).</param>
    /// <param name="capture">The capture configuration (the baseline).</param>
    /// <param name="proposal">What to change.</param>
    /// <exception cref="ArgumentException">The proposal cannot be replayed (see <see cref="ProposalProblem"/>), or the workload spans more than <see cref="MaxSpan"/>.</exception>
    public static WritePrediction Predict(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, WriteProposal proposal) =>
        Predict(workload, costs, capture, proposal, (capture ?? throw new ArgumentNullException(nameof(capture))).TracingCostPerEvent);

    /// <summary>Predicts one proposal with the captured per-call costs taken net of <paramref name="tracingCostPerEvent"/> per traced event (validation runs; see <see cref="WriteModelConstants"/>).</summary>
    internal static WritePrediction Predict(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, WriteProposal proposal, SimDuration tracingCostPerEvent)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(proposal);
        if (ProposalProblem(capture, proposal) is string problem)
        {
            throw new ArgumentException(problem, nameof(proposal));
        }

        long span = SpanOf(workload, out _, out _);
        if (span > MaxSpan.TotalNanoseconds)
        {
            throw new ArgumentException($"the workload spans {span / 1e9:F0} s; the write replay takes at most {MaxSpan.TotalNanoseconds / 1_000_000_000} s", nameof(workload));
        }

        MemcgConfig config = capture.ToMemcgConfig(proposal);
        costs = capture.WithHostFacts(costs);
        WriteRequest[] requests = ToRequests(workload, tracingCostPerEvent, out bool[] measured, out bool[] readMeasured);
        MarkCapturedHostFaults(requests, workload, costs.HostBackedPages);
        SimTime start = workload.Ops.Count > 0 ? workload.Ops[0].Start : SimTime.Zero;
        WorkloadFootprint footprint = proposal.AnonBytes is long anon ? capture.Footprint with { AnonBytes = anon } : capture.Footprint;

        // Samples every 10 ms, fewer over a long capture: the simulation samples through idle gaps, so the
        // interval bounds their number (about MaxSamples per captured span) whatever the gaps.
        var sampleEvery = SimDuration.FromNanoseconds(Math.Max(10_000_000L, span / MaxSamples));
        WritePathResult result = new WritePathSimulation(config, costs, capture.ToWritebackConfig(proposal), capture.DirtyablePages, footprint)
            .Run(requests, start, sampleEvery);
        return Summarize(proposal, config, costs, requests, measured, result, workload.Ops.Count) with
        {
            TracingCostPerEvent = tracingCostPerEvent,
            Reads = ReadSummary(requests, readMeasured, result),
            Fsync = SyncLatency(workload, FileOpKind.Fsync, result),
            Fdatasync = SyncLatency(workload, FileOpKind.Fdatasync, result),
        };
    }

    /// <summary>
    /// Longest workload the write replay takes, first to last operation (30 days). Simulated time is absolute
    /// nanoseconds in a long: a longer span is a corrupt timestamp in practice (one write at 2^63 ns overflowed
    /// the simulation clock; sampling every 10 ms through 292 years allocated gigabytes).
    /// </summary>
    public static readonly SimDuration MaxSpan = SimDuration.FromSeconds(30L * 24 * 3600);

    /// <summary>
    /// Most anonymous memory a proposal may give the workload: int.MaxValue 4 KiB pages (8 TiB), what the
    /// simulation charges at start.
    /// </summary>
    public const long MaxAnonBytes = (long)int.MaxValue * 4096;

    /// <summary>
    /// Why <paramref name="proposal"/> cannot be replayed on this capture, or null. A limit must be positive, and
    /// above the workload's non-reclaimable memory (its anonymous memory and base kmem, from the manifest's
    /// footprint or <see cref="WriteProposal.AnonBytes"/>): below it the kernel could only OOM-kill the workload at
    /// start, which the write replay does not model, so such proposals are refused rather than answered.
    /// </summary>
    public static string? ProposalProblem(CaptureConfig capture, WriteProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(proposal);
        foreach ((string name, long? v) in new[] { ("--memory-limit", proposal.LimitBytes), ("--parent-limit", proposal.ParentLimitBytes), ("--memory-high", proposal.HighBytes) })
        {
            if (v is <= 0)
            {
                return $"{name} {v}: expected a positive size";
            }
        }

        foreach ((string name, long? v) in new[] { ("--memory-min", proposal.MinBytes), ("--memory-low", proposal.LowBytes), ("--anon", proposal.AnonBytes), ("--dirty-bytes", proposal.DirtyBytes) })
        {
            if (v is < 0)
            {
                return $"{name} {v}: expected a size of 0 or more";
            }
        }

        if (proposal.AnonBytes > MaxAnonBytes)
        {
            return $"--anon {KernelSim.Units.Bytes.FromBytes(proposal.AnonBytes.Value)}: the write replay models at most 8 TiB (2^31 - 1 pages) of anonymous memory";
        }

        long anon = proposal.AnonBytes ?? capture.Footprint.AnonBytes;
        long kmem = capture.Footprint.KmemBaseBytes;
        long fixedBytes = anon + kmem;
        string source = proposal.AnonBytes is null ? "the capture's measured footprint" : "--anon";
        long? limit = proposal.Unlimited ? null : proposal.LimitBytes ?? capture.LimitBytes;
        foreach ((string name, long? l) in new[] { ("memory limit", limit), ("parent limit", proposal.ParentLimitBytes) })
        {
            if (l is long bytes && fixedBytes >= bytes)
            {
                return $"the {name} {KernelSim.Units.Bytes.FromBytes(bytes)} is not above the workload's non-reclaimable memory "
                    + $"{KernelSim.Units.Bytes.FromBytes(fixedBytes)} (anonymous {KernelSim.Units.Bytes.FromBytes(anon)} from {source} + base kmem {KernelSim.Units.Bytes.FromBytes(kmem)}): "
                    + "the kernel would OOM-kill it at start, which the write replay does not model";
            }
        }

        return null;
    }

    /// <summary>About how many usage samples a prediction keeps over the captured span (the interval grows past 10 ms for spans over 1000 s).</summary>
    public const long MaxSamples = 100_000;

    /// <summary>
    /// First and last time of the workload (operation starts and ends, cache fills, truncations), and the span
    /// between them in nanoseconds (0 for an empty workload).
    /// </summary>
    public static long SpanOf(WriteWorkload workload, out SimTime first, out SimTime last)
    {
        ArgumentNullException.ThrowIfNull(workload);
        long lo = long.MaxValue, hi = long.MinValue;
        foreach (FileOp op in workload.Ops)
        {
            lo = Math.Min(lo, op.Start.TotalNanoseconds);
            hi = Math.Max(hi, op.Start.TotalNanoseconds + Math.Min(op.Observed.TotalNanoseconds, long.MaxValue - op.Start.TotalNanoseconds));
        }

        foreach (CacheFill f in workload.CacheFills)
        {
            lo = Math.Min(lo, f.Time.TotalNanoseconds);
            hi = Math.Max(hi, f.Time.TotalNanoseconds);
        }

        foreach (FileTruncation t in workload.Truncations)
        {
            lo = Math.Min(lo, t.Time.TotalNanoseconds);
            hi = Math.Max(hi, t.Time.TotalNanoseconds);
        }

        if (lo > hi)
        {
            first = last = SimTime.Zero;
            return 0;
        }

        first = SimTime.FromNanoseconds(lo);
        last = SimTime.FromNanoseconds(hi);

        // Both are trace timestamps (non-negative), so the difference fits.
        return hi - lo;
    }

    /// <summary>
    /// Predicts several proposals in parallel (one independent simulation each). Results come back in
    /// the order of <paramref name="proposals"/> and are identical to predicting them one by one.
    /// </summary>
    public static IReadOnlyList<WritePrediction> Sweep(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, IReadOnlyList<WriteProposal> proposals, int maxDegreeOfParallelism = -1) =>
        Sweep(workload, costs, capture, proposals, (capture ?? throw new ArgumentNullException(nameof(capture))).TracingCostPerEvent, maxDegreeOfParallelism);

    /// <summary><see cref="Sweep(WriteWorkload, WritePathCosts, CaptureConfig, IReadOnlyList{WriteProposal}, int)"/> with the captured per-call costs taken net of <paramref name="tracingCostPerEvent"/> per traced event.</summary>
    internal static IReadOnlyList<WritePrediction> Sweep(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, IReadOnlyList<WriteProposal> proposals, SimDuration tracingCostPerEvent, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        var results = new WritePrediction[proposals.Count];
        Parallel.For(0, proposals.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
            results[i] = Predict(workload, costs, capture, proposals[i], tracingCostPerEvent));
        return results;
    }

    // The application's fsync (or fdatasync) calls: ops come first in the request array, in the same order.
    private static LatencyDistribution SyncLatency(WriteWorkload workload, FileOpKind kind, WritePathResult result)
    {
        var latencies = new List<long>();
        for (int i = 0; i < workload.Ops.Count; i++)
        {
            if (workload.Ops[i].Kind == kind && workload.Ops[i].Returned >= 0)
            {
                latencies.Add(result.Outcomes[i].Latency.TotalNanoseconds);
            }
        }

        return LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies));
    }

    // The application's reads of page-cache files: their latency and the bytes they returned over their span.
    private static ReadPrediction ReadSummary(WriteRequest[] requests, bool[] readMeasured, WritePathResult result)
    {
        var latencies = new List<long>();
        long bytes = 0, first = long.MaxValue, last = long.MinValue;
        for (int i = 0; i < requests.Length; i++)
        {
            if (!readMeasured[i])
            {
                continue;
            }

            WriteOutcome o = result.Outcomes[i];
            latencies.Add(o.Latency.TotalNanoseconds);
            bytes += requests[i].Bytes;
            first = Math.Min(first, o.Start.TotalNanoseconds);
            last = Math.Max(last, o.Start.TotalNanoseconds + o.Latency.TotalNanoseconds);
        }

        double seconds = last > first ? (last - first) / 1e9 : 0;
        return new ReadPrediction(
            LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies)),
            seconds > 0 ? bytes / seconds : 0,
            result.Counters.PagesRead,
            result.Counters.WorkingsetRefaults,
            result.Counters.WorkingsetActivations);
    }

    private static WritePrediction Summarize(WriteProposal proposal, MemcgConfig config, WritePathCosts costs, WriteRequest[] requests, bool[] measured, WritePathResult result, int opCount)
    {
        var latencies = new List<long>(requests.Length);
        long copy = 0, reclaim = 0, wait = 0, throttle = 0, pause = 0, high = 0, bytes = 0;
        long first = long.MaxValue, last = long.MinValue;
        for (int i = 0; i < requests.Length; i++)
        {
            if (!measured[i])
            {
                continue;
            }

            WriteOutcome o = result.Outcomes[i];
            latencies.Add(o.Latency.TotalNanoseconds);
            copy += o.Copy.TotalNanoseconds;
            reclaim += o.Reclaim.TotalNanoseconds;
            wait += o.WritebackWait.TotalNanoseconds;
            throttle += o.Throttle.TotalNanoseconds;
            pause += o.DirtyPause.TotalNanoseconds;
            high += o.HighPenalty.TotalNanoseconds;
            bytes += requests[i].Bytes;
            first = Math.Min(first, o.Start.TotalNanoseconds);
            last = Math.Max(last, o.Start.TotalNanoseconds + o.Latency.TotalNanoseconds);
        }

        double seconds = last > first ? (last - first) / 1e9 : 0;
        return new WritePrediction(
            proposal,
            config,
            LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies)),
            seconds > 0 ? bytes / seconds : 0,
            new TimeBreakdown(
                SimDuration.FromNanoseconds(copy),
                SimDuration.FromNanoseconds(reclaim),
                SimDuration.FromNanoseconds(wait),
                SimDuration.FromNanoseconds(throttle),
                SimDuration.FromNanoseconds(pause),
                SimDuration.FromNanoseconds(high)),
            result.Counters,
            result.WorkingSet,
            costs)
        {
            OpLatencyNs = OpLatencies(result, opCount),
        };
    }

    // Predicted latency of each workload operation (the first requests are the ops, in order).
    private static long[] OpLatencies(WritePathResult result, int opCount)
    {
        var ns = new long[opCount];
        for (int i = 0; i < ns.Length; i++)
        {
            ns[i] = result.Outcomes[i].Latency.TotalNanoseconds;
        }

        return ns;
    }
}
