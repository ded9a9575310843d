using KernelSim.Models.Memcg;
using KernelSim.Replay.Calibration;
using KernelSim.Replay.Workload;
using KernelSim.Statistics;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Everything a write what-if needs from one capture: the workload, the calibration fitted from the
/// same trace, the simulation costs derived from it, and the observed latency distribution.
/// </summary>
/// <param name="Source">The capture.</param>
/// <param name="Workload">What the application did.</param>
/// <param name="Calibration">Costs fitted from the trace.</param>
/// <param name="Costs">The simulation costs derived from <paramref name="Calibration"/>.</param>
/// <param name="Observed">Observed latency of the writes a prediction's distribution covers.</param>
public sealed record WriteReplay(string Source, WriteWorkload Workload, WriteCalibration Calibration, WritePathCosts Costs, LatencyDistribution Observed)
{
    /// <summary>
    /// What one enabled tracepoint hit adds to the traced task's time on the lab VM: traced minus untraced fio
    /// write latency at 1G (no reclaim), p50, was 832, 851 and 853 ns for seq64k, seq4k and rand4k, with three
    /// events per write (sys_enter, sys_exit, mm_filemap_add_to_page_cache): about 280 ns per event. Ground
    /// truth is untraced, so replayed costs are taken net of it.
    /// </summary>
    public static readonly SimDuration TracingCostPerEvent = SimDuration.FromNanoseconds(280);

    /// <summary>What one traced event added to a call on the capture's host, as this replay took it off the captured costs.</summary>
    internal SimDuration TracingCost { get; init; } = TracingCostPerEvent;

    /// <summary>Observed latency of the reads a prediction's read distribution covers (read/pread64 of page-cache files), as traced.</summary>
    public LatencyDistribution ObservedReads { get; init; } = LatencyDistribution.FromNanoseconds([]);

    /// <summary>Extracts, calibrates and prepares a capture for replay.</summary>
    /// <exception cref="KernelSim.Replay.Formats.TraceFormatException">The trace is malformed, or its writes span more than <see cref="WriteWhatIf.MaxSpan"/>.</exception>
    public static WriteReplay Load(string tracePath) => Load(tracePath, null);

    /// <summary>Extracts, calibrates and prepares a capture for replay, reading it with <paramref name="options"/> (null: strict defaults; the manifest's clock and HZ apply on top).</summary>
    /// <exception cref="KernelSim.Replay.Formats.TraceFormatException">The trace is malformed (strict), or its writes span more than <see cref="WriteWhatIf.MaxSpan"/>.</exception>
    public static WriteReplay Load(string tracePath, KernelSim.Replay.Formats.TraceReaderOptions? options)
    {
        WriteWorkload workload = WorkloadExtractor.Extract(tracePath, options);
        long span = WriteWhatIf.SpanOf(workload, out SimTime first, out SimTime last);
        if (span > WriteWhatIf.MaxSpan.TotalNanoseconds)
        {
            throw new KernelSim.Replay.Formats.TraceFormatException(
                tracePath, 0, 0, $"write syscalls from {first} to {last} ({span / 1e9:F0} s)", $"a capture spanning at most {WriteWhatIf.MaxSpan.TotalNanoseconds / 1_000_000_000} s (30 days) for the write replay; a timestamp is probably corrupt");
        }

        WriteCalibration calibration = WriteCalibrator.Fit(workload);

        // The capture host's own tracing cost (the kit's syscall probe in the manifest), else the lab default.
        SimDuration tracing = CaptureConfig.ForTrace(tracePath).TracingCostPerEvent;
        WritePathCosts costs = CostsFrom(calibration, workload, tracing);
        WriteWhatIf.ToRequests(workload, tracing, out bool[] measured, out bool[] readMeasured);
        var observed = new List<long>();
        var observedReads = new List<long>();
        for (int i = 0; i < workload.Ops.Count; i++)
        {
            if (measured[i])
            {
                observed.Add(workload.Ops[i].Observed.TotalNanoseconds);
            }
            else if (readMeasured[i])
            {
                observedReads.Add(workload.Ops[i].Observed.TotalNanoseconds);
            }
        }

        return new WriteReplay(tracePath, workload, calibration, costs, LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(observed)))
        {
            TracingCost = tracing,
            ObservedReads = LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(observedReads)),
        };
    }

    /// <summary>Simulation costs from a calibration and the trace's device activity; what the trace could not identify keeps the model's defaults.</summary>
    public static WritePathCosts CostsFrom(WriteCalibration c, WriteWorkload workload) => CostsFrom(c, workload, netOfTracing: true);

    /// <summary>
    /// Simulation costs from a calibration; with <paramref name="netOfTracing"/> false the reclaim costs keep what
    /// the enabled tracepoints added to them (for replaying a capture against itself, as <c>ksim check</c> does).
    /// </summary>
    public static WritePathCosts CostsFrom(WriteCalibration c, WriteWorkload workload, bool netOfTracing) =>
        CostsFrom(c, workload, netOfTracing ? TracingCostPerEvent : SimDuration.Zero);

    /// <summary>Simulation costs from a calibration, with the reclaim costs taken net of <paramref name="tracingCostPerEvent"/> per traced event.</summary>
    internal static WritePathCosts CostsFrom(WriteCalibration c, WriteWorkload workload, SimDuration tracingCostPerEvent)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(workload);
        DeviceActivity device = workload.Device;
        var d = new WritePathCosts();
        WritePathCosts costs;
        double? added = c.BaseCost.Estimate(WriteCalibration.PerAddedPage);
        double? cached = c.BaseCost.Estimate(WriteCalibration.PerCachedPage);
        double? wbActive = c.BaseCost.Estimate(WriteCalibration.WritebackActive);
        double? perEpisode = c.ReclaimCost.Estimate(WriteCalibration.PerEpisode);
        double? perUnreclaimed = c.ReclaimCost.Estimate(WriteCalibration.PerUnreclaimedPage);
        costs = d with
        {
            NewPageExtra = added is double a ? Ns(Math.Max(0, a - (cached ?? 0))) : d.NewPageExtra,
            WritebackActiveExtra = wbActive is double w ? Ns(Math.Max(0, w)) : d.WritebackActiveExtra,
            ReclaimPerCall = perEpisode is double e ? Ns(Math.Max(0, e)) : d.ReclaimPerCall,
            ReclaimPerFreedFolio = perEpisode is double ? SimDuration.Zero : d.ReclaimPerFreedFolio,
            // scanning the pages an episode frees is in the per-episode fit (WriteCalibrator.ReclaimTerms)
            ReclaimPerScannedPage = perEpisode is double ? SimDuration.Zero : d.ReclaimPerScannedPage,
            ReclaimPerUnreclaimedPage = perUnreclaimed is double u ? Ns(Math.Max(0, u)) : d.ReclaimPerUnreclaimedPage,
            DeviceBytesPerSecond = c.DeviceBytesPerSecond > 0 ? c.DeviceBytesPerSecond : d.DeviceBytesPerSecond,
        };
        // Reclaim figures were measured with vmscan and filemap tracing on: per episode two events (begin, end), two
        // per chunk (lru_isolate, lru_shrink_inactive; an episode that frees its SWAP_CLUSTER_MAX pages takes about
        // three chunks, at priorities 12-10) and one filemap delete per freed folio; a page scanned and put back
        // costs its share of a chunk's two events. With a per-episode fit, scanning the freed pages is in it.
        long t = tracingCostPerEvent.TotalNanoseconds;
        long folioPages = FolioPagesOf(workload);
        double episodeEvents = 2 + (2 * 3) + ((double)MemcgConstants.SwapClusterMax / folioPages);
        costs = costs with
        {
            ReclaimPerCall = perEpisode is double ? Ns(Math.Max(0, costs.ReclaimPerCall.TotalNanoseconds - (episodeEvents * t))) : costs.ReclaimPerCall,
            ReclaimPerUnreclaimedPage = perUnreclaimed is double ? Ns(Math.Max(0, costs.ReclaimPerUnreclaimedPage.TotalNanoseconds - (2.0 * t / MemcgConstants.SwapClusterMax))) : costs.ReclaimPerUnreclaimedPage,
        };

        if (workload.Reclaim.FlusherStartDelay is SimDuration flusherStart)
        {
            // The capture's own delay from reclaim waking the flusher to its first data write (lower median of its wake-ups).
            costs = costs with { FlusherWakeDelay = flusherStart };
        }

        if (device.WriteRequests > 0 && device.MeanServiceTime.TotalNanoseconds > 0 && c.DeviceBytesPerSecond > 0)
        {
            // Little's law on the captured device: requests in flight = throughput x service time / request size.
            long requestBytes = device.WriteBytes / device.WriteRequests;
            double depth = c.DeviceBytesPerSecond * (device.MeanServiceTime.TotalNanoseconds / 1e9) / requestBytes;
            costs = costs with
            {
                DeviceRequestBytes = Math.Max(4096, requestBytes),
                DeviceServiceTime = device.MeanServiceTime,
                DeviceQueueDepth = (int)Math.Clamp(Math.Round(depth), 1, 256),
            };
        }

        return costs;
    }

    /// <summary>Typical folio size of the workload's writes: the largest power of two pages not above the median write (ext4 large folios, at most order 9).</summary>
    internal static long FolioPagesOf(WriteWorkload workload)
    {
        var sizes = new List<long>();
        foreach (FileOp op in workload.Ops)
        {
            if (op.Kind == FileOpKind.Write && op.Positional)
            {
                sizes.Add(op.Bytes);
            }
        }

        if (sizes.Count == 0)
        {
            return 1;
        }

        sizes.Sort();
        long pages = Math.Max(1, sizes[sizes.Count / 2] / 4096);
        long folio = 1;
        while (folio * 2 <= pages && folio < 512)
        {
            folio *= 2;
        }

        return folio;
    }

    private static SimDuration Ns(double v) => SimDuration.FromNanoseconds((long)Math.Round(v));
}
