using System.Globalization;
using KernelSim.Models.Memcg;
using KernelSim.Replay.Check;
using KernelSim.Replay.Workload;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>How much a reason weighs on a write what-if.</summary>
public enum TrustSeverity
{
    /// <summary>Worth knowing; the prediction may still hold (a missing footprint, a capture without a manifest).</summary>
    Warning,

    /// <summary>The prediction should not be relied on (the model does not reproduce the capture, events were lost).</summary>
    Untrusted,
}

/// <summary>One reason to doubt a write what-if.</summary>
/// <param name="Code">A stable identifier (for example <c>reclaim_episodes</c>, <c>lost_events</c>).</param>
/// <param name="Severity">Whether it makes the prediction untrusted.</param>
/// <param name="Message">One line a user can act on.</param>
public sealed record TrustReason(string Code, TrustSeverity Severity, string Message);

/// <summary>
/// Whether a write what-if from one capture can be trusted. The model replays the workload under the
/// configuration it was captured with and must reproduce what the kernel recorded (reclaim episodes,
/// reclaim stall, the write latency median and tail) within <see cref="MemcgCheck"/>'s tolerances; the
/// capture itself must be complete (no lost events, not truncated, no malformed lines) and the workload
/// must have had the machine to itself.
/// </summary>
/// <param name="Reasons">Every reason found, in a fixed order.</param>
public sealed record WriteTrust(IReadOnlyList<TrustReason> Reasons)
{
    /// <summary>Tolerance on the write median of the baseline replay against the trace.</summary>
    public const double P50Tolerance = 0.25;

    /// <summary>Tolerance on the write p99 of the baseline replay against the trace (a tail of a few dozen writes is noisy).</summary>
    public const double P99Tolerance = 0.50;

    /// <summary>Share of the capture's CPU time other programs may take before their activity is reported.</summary>
    public const double ForeignCpuShare = 0.05;

    /// <summary>The write latency of the capture replayed as captured with the reclaim costs as traced (null when not assessed).</summary>
    public KernelSim.Statistics.LatencyDistribution? SelfReplay { get; init; }

    /// <summary>
    /// What turns a replayed write's latency into the trace's frame: the three events a write fires put back (sys_enter,
    /// sys_exit, mm_filemap_add_to_page_cache), the crossing into and out of the kernel the trace's window does not
    /// hold taken off.
    /// </summary>
    public SimDuration TracedFrameOffset { get; init; } = PercentileInterval.DefaultTracedFrameOffset;

    private static SimDuration TracedFrameOffsetOf(WriteReplay replay, CaptureConfig capture, WritePathCosts traced) =>
        SimDuration.FromNanoseconds((3 * replay.TracingCost.TotalNanoseconds) - capture.WithHostFacts(traced).SyscallCrossing.TotalNanoseconds);

    /// <summary>False when any reason is <see cref="TrustSeverity.Untrusted"/>.</summary>
    public bool Ok
    {
        get
        {
            foreach (TrustReason r in Reasons)
            {
                if (r.Severity == TrustSeverity.Untrusted)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Assesses a capture: replays it under <paramref name="capture"/> with the reclaim costs as traced (as
    /// <c>ksim check</c> does) and compares with the trace, then looks at the capture's own diagnostics.
    /// </summary>
    /// <param name="replay">The loaded capture.</param>
    /// <param name="capture">The configuration it was captured under.</param>
    /// <param name="activity">Who ran on the CPUs during the capture (null: not assessed).</param>
    public static WriteTrust Assess(WriteReplay replay, CaptureConfig capture, CpuActivity? activity = null)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(capture);
        var reasons = new List<TrustReason>();
        WriteWorkload w = replay.Workload;
        WorkloadDiagnostics d = w.Diagnostics;

        long lost = Math.Max(d.Reader?.LostEvents ?? 0, d.ManifestLostEvents ?? 0);
        if (lost > 0 || (d.Reader?.LostEventMarkers ?? 0) > 0)
        {
            reasons.Add(new("lost_events", TrustSeverity.Untrusted, Inv($"the capture lost {lost:N0} events ({d.OpsDuringLoss:N0} operations fall in a loss): the workload and its reclaim are incomplete; capture again with a larger buffer or fewer events")));
        }

        if (d.Reader is { TruncatedLastLine: true })
        {
            reasons.Add(new("truncated", TrustSeverity.Untrusted, "the trace ends in the middle of a line: the file is truncated"));
        }

        if (d.Reader is { MalformedLines: > 0 } r)
        {
            reasons.Add(new("malformed_lines", TrustSeverity.Untrusted, Inv($"{r.MalformedLines:N0} malformed lines were skipped")));
        }

        if (capture.Source == "defaults")
        {
            reasons.Add(new("no_manifest", TrustSeverity.Warning, "no capture manifest: the captured limit and sysctls are assumed (give --capture-limit, or capture with traces/capture/ksim-capture)"));
        }
        else if (capture.Footprint == WorkloadFootprint.None)
        {
            reasons.Add(new("no_footprint", TrustSeverity.Warning, "the manifest has no footprint (anon, mapped and kmem memory besides the written cache): run traces/capture/measure-footprint MANIFEST --write"));
        }

        if (capture.Source != "defaults" && (capture.SyscallCrossingNs is null || capture.TracingNsPerEvent is null))
        {
            reasons.Add(new("no_syscall_probe", TrustSeverity.Warning, Inv($"the manifest has no syscall probe (host.syscall): each call is taken net of the lab VM's {WriteReplay.TracingCostPerEvent.TotalNanoseconds} ns per traced event and pays its {new WritePathCosts().SyscallCrossing.TotalNanoseconds} ns crossing, not this host's; run traces/capture/syscall-probe --write MANIFEST on the capture host (ksim-capture does it after the run)")));
        }

        if (d.ForeignCalls > 0)
        {
            reasons.Add(new("foreign_calls", TrustSeverity.Warning, Inv($"{d.ForeignCalls:N0} file calls of other programs were left out of the workload (most: {d.TopForeignProgram}); their memory and I/O still shaped what the trace recorded")));
        }

        if (activity is { } a && a.ForeignShare > ForeignCpuShare)
        {
            reasons.Add(new("foreign_activity", TrustSeverity.Untrusted, Inv($"other programs ran for {a.ForeignCpuTime.TotalNanoseconds / 1e6:F0} ms ({a.ForeignShare:P0} of {a.Cpus} CPUs over the capture; most: {a.TopForeign}): capture on a quiet machine")));
        }

        // The baseline: the capture replayed against itself, with the reclaim costs as traced.
        WritePathCosts traced = WriteReplay.CostsFrom(replay.Calibration, w, netOfTracing: false);
        WritePrediction self = WriteWhatIf.Predict(w, traced, capture, new WriteProposal());
        SimDuration frame = TracedFrameOffsetOf(replay, capture, traced);
        CompareCount(reasons, "reclaim_episodes", "reclaim episodes", w.Reclaim.MemcgEpisodes, self.Counters.ReclaimEpisodes, MemcgCheck.EpisodeTolerance, slack: 5);
        Compare(reasons, "reclaim_stall", "reclaim stall (ms)", w.Reclaim.TotalStall.TotalNanoseconds / 1e6, self.Counters.ReclaimStall.TotalNanoseconds / 1e6, MemcgCheck.StallTolerance, slack: 1.0);
        if (replay.Observed.Count > 0 && self.Latency.Count > 0)
        {
            // The trace's latencies include the tracepoints the write fired and not the crossing: move the replay's there.
            double perWrite = frame.TotalNanoseconds / 1000.0;
            Compare(reasons, "write_p50", "write p50 (us)", replay.Observed.P50.TotalNanoseconds / 1000.0, (self.Latency.P50.TotalNanoseconds / 1000.0) + perWrite, P50Tolerance, slack: 1.0);
            if (replay.Observed.Count >= 200)
            {
                Compare(reasons, "write_p99", "write p99 (us)", replay.Observed.P99.TotalNanoseconds / 1000.0, (self.Latency.P99.TotalNanoseconds / 1000.0) + perWrite, P99Tolerance, slack: 2.0);
            }
        }

        return new WriteTrust(reasons) { SelfReplay = self.Latency, TracedFrameOffset = frame };
    }

    private static void CompareCount(List<TrustReason> reasons, string code, string label, long recorded, long model, double tolerance, long slack)
    {
        if (Math.Abs(model - recorded) <= slack)
        {
            return;
        }

        Compare(reasons, code, label, recorded, model, tolerance, slack);
    }

    private static void Compare(List<TrustReason> reasons, string code, string label, double recorded, double model, double tolerance, double slack)
    {
        double diff = model - recorded;
        if (Math.Abs(diff) <= slack)
        {
            return;
        }

        double rel = recorded != 0 ? diff / recorded : double.PositiveInfinity;
        if (Math.Abs(rel) <= tolerance)
        {
            return;
        }

        string off = double.IsInfinity(rel) ? "recorded none" : Inv($"{rel:+0%;-0%}");
        reasons.Add(new(code, TrustSeverity.Untrusted, Inv($"replayed as captured, the model gives {label} {model:G4} where the trace recorded {recorded:G4} ({off}, tolerance {tolerance:P0}): the model does not reproduce this workload, so its what-ifs are doubtful")));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
