using System.Text.Json;
using KernelSim.Replay.WhatIf;
using KernelSim.Replay.Workload;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary>The trust report of a write what-if, as text warnings and as the JSON <c>trust</c> object.</summary>
internal static class TrustOutput
{
    public static WriteTrust Assess(WriteReplay replay, CaptureConfig capture, string tracePath)
    {
        var pids = new HashSet<int>();
        foreach (FileOp op in replay.Workload.Ops)
        {
            pids.Add(op.Pid);
        }

        CpuActivity activity = CpuActivity.Measure(tracePath, pids);
        return WriteTrust.Assess(replay, capture, activity.Switches > 0 ? activity : null);
    }

    /// <summary><see cref="Assess"/> on the thread pool, to run beside the replays it does not depend on.</summary>
    public static Task<WriteTrust> AssessAsync(WriteReplay replay, CaptureConfig capture, string tracePath, CancellationToken ct) =>
        Task.Run(() => Assess(replay, capture, tracePath), ct);

    public static void Print(WriteTrust trust)
    {
        foreach (TrustReason r in trust.Reasons)
        {
            string tag = r.Severity == TrustSeverity.Untrusted ? "[yellow]warning[/]" : "[grey]note[/]";
            AnsiConsole.MarkupLine($"{tag}: {Markup.Escape(r.Message)}");
        }

        if (!trust.Ok)
        {
            AnsiConsole.MarkupLine("[yellow]trust: this prediction is doubtful for the reasons above (JSON: trust.ok = false)[/]");
        }
    }

    /// <summary>The prediction's intervals: one line of text.</summary>
    public static void PrintIntervals(IReadOnlyList<PercentileInterval> intervals)
    {
        if (intervals.Count == 0)
        {
            return;
        }

        var parts = new List<string>();
        foreach (PercentileInterval i in intervals)
        {
            parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p{i.Percentile:G} {i.Low.TotalNanoseconds / 1000.0:F1}-{i.High.TotalNanoseconds / 1000.0:F1}"));
        }

        AnsiConsole.MarkupLine(Markup.Escape("intervals (µs; 95% of the percentile's sampling spread, widened by the model's own error on the capture at that percentile): " + string.Join(", ", parts)));
    }

    /// <summary>The prediction's intervals as <c>intervals_ns</c>.</summary>
    public static void JsonIntervals(Utf8JsonWriter w, IReadOnlyList<PercentileInterval> intervals)
    {
        w.WriteStartObject("intervals_ns");
        foreach (PercentileInterval i in intervals)
        {
            w.WriteStartObject(i.Percentile == 99.9 ? "p999" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p{i.Percentile:G}"));
            w.WriteNumber("estimate", i.Estimate.TotalNanoseconds);
            w.WriteNumber("low", i.Low.TotalNanoseconds);
            w.WriteNumber("high", i.High.TotalNanoseconds);
            w.WriteNumber("model_error", i.ModelError);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    public static void Json(Utf8JsonWriter w, WriteTrust trust)
    {
        w.WriteStartObject("trust");
        w.WriteBoolean("ok", trust.Ok);
        w.WriteStartArray("reasons");
        foreach (TrustReason r in trust.Reasons)
        {
            w.WriteStartObject();
            w.WriteString("code", r.Code);
            w.WriteString("severity", r.Severity == TrustSeverity.Untrusted ? "untrusted" : "warning");
            w.WriteString("message", r.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
