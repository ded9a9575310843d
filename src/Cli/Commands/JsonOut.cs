using System.Text.Json;
using KernelSim.Models.Memcg;
using KernelSim.Replay.WhatIf;
using KernelSim.Statistics;

namespace KernelSim.Cli.Commands;

/// <summary>The JSON shapes scripts rely on (names documented in README).</summary>
internal static class JsonOut
{
    public static void Latency(Utf8JsonWriter w, string name, LatencyDistribution d)
    {
        w.WriteStartObject(name);
        if (d.Count > 0)
        {
            w.WriteNumber("p50", d.P50.TotalNanoseconds);
            w.WriteNumber("p90", d.P90.TotalNanoseconds);
            w.WriteNumber("p99", d.P99.TotalNanoseconds);
            w.WriteNumber("p999", d.P999.TotalNanoseconds);
            w.WriteNumber("max", d.Max.TotalNanoseconds);
            w.WriteNumber("mean", d.Mean.TotalNanoseconds);
        }

        w.WriteEndObject();
    }

    public static void Prediction(Utf8JsonWriter w, WritePrediction p)
    {
        Latency(w, "latency_ns", p.Latency);
        w.WriteNumber("count", p.Latency.Count);
        w.WriteNumber("throughput_bytes_per_s", Math.Round(p.ThroughputBytesPerSecond));
        w.WriteStartObject("breakdown_ns");
        w.WriteNumber("copy", p.Breakdown.Copy.TotalNanoseconds);
        w.WriteNumber("reclaim", p.Breakdown.Reclaim.TotalNanoseconds);
        w.WriteNumber("writeback_wait", p.Breakdown.WritebackWait.TotalNanoseconds);
        w.WriteNumber("throttle", p.Breakdown.Throttle.TotalNanoseconds);
        w.WriteNumber("dirty_pause", p.Breakdown.DirtyPause.TotalNanoseconds);
        w.WriteNumber("high_penalty", p.Breakdown.HighPenalty.TotalNanoseconds);
        w.WriteEndObject();
        MemcgCounters c = p.Counters;
        w.WriteNumber("reclaim_episodes", c.ReclaimEpisodes);
        w.WriteNumber("oom_events", c.OomEvents);
        w.WriteNumber("failcnt", c.Failcnt);
        w.WriteNumber("writeback_throttles", c.WritebackThrottles);
        w.WriteNumber("low_events", c.LowEvents);
        w.WriteNumber("max_usage_bytes", c.MaxUsagePages * p.Config.Kernel.PageSize.Value);
        long maxWs = 0;
        foreach (MemcgSample s in p.WorkingSet)
        {
            maxWs = Math.Max(maxWs, s.WorkingSetPages);
        }

        w.WriteNumber("max_working_set_bytes", maxWs * p.Config.Kernel.PageSize.Value);
        foreach ((string name, LatencyDistribution d) in new[] { ("fsync", p.Fsync), ("fdatasync", p.Fdatasync) })
        {
            if (d.Count > 0)
            {
                w.WriteStartObject(name);
                Latency(w, "latency_ns", d);
                w.WriteNumber("count", d.Count);
                w.WriteEndObject();
            }
        }

        if (p.Reads.Latency.Count > 0)
        {
            // read() and pread64() of page-cache files, predicted beside the writes.
            w.WriteStartObject("reads");
            Latency(w, "latency_ns", p.Reads.Latency);
            w.WriteNumber("count", p.Reads.Latency.Count);
            w.WriteNumber("throughput_bytes_per_s", Math.Round(p.Reads.ThroughputBytesPerSecond));
            w.WriteNumber("pages_read", p.Reads.PagesRead);
            w.WriteNumber("workingset_refault", p.Reads.Refaults);
            w.WriteNumber("workingset_activate", p.Reads.Activations);
            w.WriteEndObject();
        }


        // usage_in_bytes and the working set (usage - inactive_file) over time, at most 200 points.
        w.WriteStartArray("usage_over_time");
        int n = p.WorkingSet.Count;
        int step = Math.Max(1, (n + 199) / 200);
        long t0 = n > 0 ? p.WorkingSet[0].Time.TotalNanoseconds : 0;
        int page = p.Config.Kernel.PageSize.Value;
        for (int i = 0; i < n; i += step)
        {
            MemcgSample s = p.WorkingSet[i];
            w.WriteStartObject();
            w.WriteNumber("t_ns", s.Time.TotalNanoseconds - t0);
            w.WriteNumber("usage_bytes", s.UsagePages * page);
            w.WriteNumber("working_set_bytes", s.WorkingSetPages * page);
            w.WriteNumber("dirty_bytes", s.DirtyPages * page);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void Proposal(Utf8JsonWriter w, string name, WritePrediction p)
    {
        w.WriteStartObject(name);
        NullableLong(w, "limit_bytes", p.Config.LimitBytes);
        NullableLong(w, "high_bytes", p.Config.HighBytes);
        w.WriteNumber("cgroup_version", (int)p.Config.Version);
        NullableLong(w, "dirty_bytes", p.Proposal.DirtyBytes);
        NullableLong(w, "parent_limit_bytes", p.Config.ParentLimitBytes);
        NullableLong(w, "min_bytes", p.Config.MinBytes);
        NullableLong(w, "low_bytes", p.Config.LowBytes);
        NullableLong(w, "anon_bytes", p.Proposal.AnonBytes);
        w.WriteString("kernel", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Config.Kernel.Major}.{p.Config.Kernel.Minor}"));
        w.WriteEndObject();
    }

    public static void Costs(Utf8JsonWriter w, WritePathCosts c)
    {
        w.WriteStartObject("costs");
        w.WriteNumber("new_page_extra_ns", c.NewPageExtra.TotalNanoseconds);
        w.WriteNumber("reclaim_per_call_ns", c.ReclaimPerCall.TotalNanoseconds);
        w.WriteNumber("reclaim_per_scanned_page_ns", c.ReclaimPerScannedPage.TotalNanoseconds);
        w.WriteNumber("reclaim_per_unreclaimed_page_ns", c.ReclaimPerUnreclaimedPage.TotalNanoseconds);
        w.WriteNumber("device_bytes_per_s", Math.Round(c.DeviceBytesPerSecond));
        w.WriteEndObject();
    }

    public static void NullableLong(Utf8JsonWriter w, string name, long? v)
    {
        if (v is long x)
        {
            w.WriteNumber(name, x);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
