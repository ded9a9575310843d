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
