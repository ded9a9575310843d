using System.Globalization;
using System.Text.Json;
using KernelSim.Replay.WhatIf;
using KernelSim.Replay.Workload;
using KernelSim.Statistics;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary>The application requests of <c>whatif memory</c>: a table and a line of text, or the JSON <c>requests</c> object.</summary>
internal static class RequestOutput
{
    /// <summary>Parses <c>--requests</c>.</summary>
    public static RequestGrouping Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "auto" => RequestGrouping.Auto,
        "markers" or "marker" => RequestGrouping.Markers,
        "socket" or "sockets" => RequestGrouping.SocketExchanges,
        "ops" or "calls" => RequestGrouping.FileOps,
        "none" => RequestGrouping.None,
        _ => throw new FormatException($"--requests '{text}': expected auto, markers, socket, ops or none"),
    };

    /// <summary>What the request boundaries are, in words.</summary>
    public static string Describe(RequestBoundary b) => b switch
    {
        RequestBoundary.Marker => "trace markers ksim-request-begin/end",
        RequestBoundary.SocketExchange => "a request read from a socket to the reply written on it (server side)",
        _ => "each file operation",
    };

    public static void Print(RequestPrediction? baseline, RequestPrediction? p, bool changesNothing)
    {
        if (p is null || baseline is null)
        {
            return;
        }

        var t = new Table().AddColumn("request").AddColumn("n").AddColumn("p50").AddColumn("p90").AddColumn("p99").AddColumn("p99.9").AddColumn("max").AddColumn("mean").AddColumn(new TableColumn("per s").RightAligned());
        AddRow(t, "traced", p.Traced, p.TracedPerSecond);
        AddRow(t, "observed net of tracing", p.Observed, p.ObservedPerSecond);
        AddRow(t, "model as captured", baseline.Latency, baseline.PredictedPerSecond);
        if (!changesNothing)
        {
            AddRow(t, "[bold]model proposed[/]", p.Latency, p.PredictedPerSecond);
        }

        TableOutput.Write(t);
        AnsiConsole.MarkupLine(Markup.Escape(Summary(p)));
    }

    // Which calls the prediction replaced and which kept their observed time.
    public static string Summary(RequestPrediction p)
    {
        string kept = p.ObservedOps.Count == 0 ? "none" : string.Join(", ", p.ObservedOps.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"requests: {p.Count:N0} on {p.Threads} thread(s), bounded by {Describe(p.Boundary)}; latencies in µs. Inside them {p.PredictedOps:N0} page-cache writes take the model's prediction; "
            + $"other calls keep their observed time net of tracing (file calls: {kept}; reads and socket calls, not replayed, likewise), as does the time between calls.");
    }

    public static void Json(Utf8JsonWriter w, RequestPrediction? baseline, RequestPrediction? p)
    {
        if (p is null || baseline is null)
        {
            return;
        }

        w.WriteStartObject("requests");
        w.WriteString("boundary", p.Boundary switch { RequestBoundary.Marker => "marker", RequestBoundary.SocketExchange => "socket", _ => "file_op" });
        w.WriteNumber("count", p.Count);
        w.WriteNumber("threads", p.Threads);
        JsonOut.Latency(w, "latency_ns", p.Latency);
        w.WriteNumber("per_second", Math.Round(p.PredictedPerSecond, 1));
        w.WriteStartObject("baseline");
        JsonOut.Latency(w, "latency_ns", baseline.Latency);
        w.WriteNumber("per_second", Math.Round(baseline.PredictedPerSecond, 1));
        w.WriteEndObject();
        w.WriteStartObject("observed");
        JsonOut.Latency(w, "latency_ns", p.Observed);
        w.WriteNumber("per_second", Math.Round(p.ObservedPerSecond, 1));
        JsonOut.Latency(w, "traced_latency_ns", p.Traced);
        w.WriteNumber("traced_per_second", Math.Round(p.TracedPerSecond, 1));
        w.WriteEndObject();
        w.WriteStartObject("ops");
        w.WriteNumber("predicted", p.PredictedOps);
        w.WriteStartObject("observed_net_of_tracing");
        foreach ((string kind, long n) in p.ObservedOps)
        {
            w.WriteNumber(kind, n);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("note", "predicted = observed net of tracing with the page-cache writes inside each request replaced by their predicted latency; other calls, reads and socket calls included, keep their observed time net of tracing");
        w.WriteEndObject();
    }

    private static void AddRow(Table t, string label, LatencyDistribution d, double perSecond)
    {
        string rate = perSecond.ToString("N0", CultureInfo.InvariantCulture);
        if (d.Count == 0)
        {
            t.AddRow(label, "0", "-", "-", "-", "-", "-", "-", rate);
            return;
        }

        t.AddRow(label, d.Count.ToString(CultureInfo.InvariantCulture), Us(d.P50), Us(d.P90), Us(d.P99), Us(d.P999), Us(d.Max), Us(d.Mean), rate);
    }

    private static string Us(KernelSim.Time.SimDuration d) => (d.TotalNanoseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
}
