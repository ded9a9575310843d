using System.Text.Json;
using KernelSim.Models.Memcg;
using KernelSim.Replay.Capture;
using KernelSim.Replay.WhatIf;

namespace KernelSim.Replay.Check;

/// <summary>
/// Conformance of the memcg write-path model with a capture: replayed under the configuration it was
/// captured with, the model must reproduce the kernel's memcg reclaim episodes (count within 20%), their
/// total stall time (within 25%) and the end-of-run memory.stat (cache, dirty, inactive_file,
/// active_file within 10%, when the manifest has it).
/// </summary>
public static class MemcgCheck
{
    /// <summary>Tolerance on the number of reclaim episodes.</summary>
    public const double EpisodeTolerance = 0.20;

    /// <summary>Tolerance on the total reclaim stall time.</summary>
    public const double StallTolerance = 0.25;

    /// <summary>Tolerance on end-of-run memory.stat sizes.</summary>
    public const double StatTolerance = 0.10;

    /// <summary>Runs the check on a capture (its manifest gives the configuration).</summary>
    public static ModelCheckResult Run(string tracePath) => Run(WriteReplay.Load(tracePath), tracePath);

    /// <summary>Runs the check on an already loaded replay of <paramref name="tracePath"/>.</summary>
    public static ModelCheckResult Run(WriteReplay replay, string tracePath)
    {
        ArgumentNullException.ThrowIfNull(replay);
        CaptureConfig capture = CaptureConfig.ForTrace(tracePath);
        // The kernel's reclaim ran with its tracepoints on: replay the capture with the reclaim costs as traced.
        WritePathCosts traced = WriteReplay.CostsFrom(replay.Calibration, replay.Workload, netOfTracing: false);
        WritePrediction p = WriteWhatIf.Predict(replay.Workload, traced, capture, new WriteProposal());
        var check = new FigureComparison();
        SortedDictionary<string, double> figures = check.Figures;
        List<string> mismatches = check.Mismatches;

        check.Compare("reclaim_episodes", replay.Workload.Reclaim.MemcgEpisodes, p.Counters.ReclaimEpisodes, EpisodeTolerance, "");
        check.Compare("reclaim_stall_ms", replay.Workload.Reclaim.TotalStall.TotalNanoseconds / 1e6, p.Counters.ReclaimStall.TotalNanoseconds / 1e6, StallTolerance, "ms");
        using (CaptureManifest? m = CaptureManifest.TryLoadFor(tracePath))
        {
            if (m is not null && m.Document.RootElement.TryGetProperty("cgroup", out JsonElement cg)
                && cg.TryGetProperty("memory_stat_after", out JsonElement stat) && stat.ValueKind == JsonValueKind.Object)
            {
                int page = p.Config.Kernel.PageSize.Value;
                (string Key, long Modelled)[] stats =
                [
                    ("cache", p.Counters.CachePages * page),
                    ("dirty", p.Counters.DirtyPages * page),
                    ("inactive_file", p.Counters.InactiveFilePages * page),
                    ("active_file", p.Counters.ActiveFilePages * page),
                ];
                foreach ((string key, long modelled) in stats)
                {
                    if (stat.TryGetProperty(key, out JsonElement v) && v.TryGetInt64(out long recorded))
                    {
                        // Sizes under 1 MiB are compared with 1 MiB of slack (a few pages of anything else).
                        double tol = Math.Max(StatTolerance, recorded < (1 << 20) ? (1 << 20) / Math.Max(1.0, recorded) : 0);
                        check.Compare("stat_" + key + "_mib", recorded / 1048576.0, modelled / 1048576.0, tol, "MiB");
                    }
                }

                if (cg.TryGetProperty("failcnt", out JsonElement f) && f.TryGetInt64(out long failcnt))
                {
                    figures["failcnt_recorded"] = failcnt;
                    figures["failcnt_model"] = p.Counters.Failcnt;
                }
            }
        }

        return check.Result("memcg");
    }
}
