using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KernelSim.Models;
using KernelSim.Models.Memcg;
using KernelSim.Replay.Formats;
using KernelSim.Replay.WhatIf;
using KernelSim.Statistics;
using KernelSim.Units;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim whatif memory TRACE --memory-limit 256M</c>: predicted write latency under a proposed memcg configuration.</summary>
internal static class WhatIfMemoryCommand
{
    public static Command Create()
    {
        var trace = new Argument<FileInfo?>("trace") { Description = "A capture with write syscalls (ftrace text, .gz...). Default: the capture embedded in ksim.", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<string?>("--memory-limit") { Description = "Proposed memory limit (memory.limit_in_bytes / memory.max), e.g. 256M, 1G, or 'max' for unlimited." };
        var high = new Option<string?>("--memory-high") { Description = "Proposed memory.high (cgroup v2), e.g. 200M." };
        var cgroup = new Option<string?>("--cgroup") { Description = "cgroup version to model: v1 or v2 (default: as captured)." };
        var dirtyBytes = new Option<string?>("--dirty-bytes") { Description = "Proposed vm.dirty_bytes, e.g. 32M." };
        var parentLimit = new Option<string?>("--parent-limit") { Description = "Limit of a parent cgroup above the workload's (e.g. a pod's), e.g. 512M: reclaim there honours the workload's --memory-min/--memory-low." };
        var memoryMin = new Option<string?>("--memory-min") { Description = "Proposed memory.min of the workload (cgroup v2; protects it from a parent's reclaim, not from its own limit)." };
        var memoryLow = new Option<string?>("--memory-low") { Description = "Proposed memory.low of the workload (cgroup v2; best-effort protection from a parent's reclaim)." };
        var kernel = new Option<string?>("--kernel") { Description = "Kernel to model: 6.1 or 6.18 (default: as captured). 6.1 has no ext4 large folios and throttles dirtying after each chunk." };
        var anon = new Option<string?>("--anon") { Description = "The workload's anonymous memory (what if its heap grows), e.g. 64M; default: the capture's measured footprint." };
        var captureLimit = new Option<string?>("--capture-limit") { Description = "The limit the trace was captured under, when it has no manifest (e.g. 1G or max)." };
        var strict = new Option<bool>("--strict") { Description = "Fail on the first malformed trace line instead of skipping and counting it." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (latency_ns with p50/p90/p99/p999/max/mean in integer ns, count, breakdown_ns, proposal, requests when the capture bounds any, ...)." };
        var requests = new Option<string?>("--requests") { Description = "Group the calls into application requests by: auto (trace markers, else socket request/reply), markers, socket, ops (each file call is one request, as sysbench counts) or none. Default auto." };
        var cmd = new Command("memory", "Predict write() latency under a proposed memory limit.\n\nExamples:\n  ksim whatif memory traces/fio-seq64k-memcg1G.trace.gz --memory-limit 128M\n  ksim whatif memory --memory-limit 256M --json");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(limit);
        cmd.Options.Add(high);
        cmd.Options.Add(cgroup);
        cmd.Options.Add(dirtyBytes);
        cmd.Options.Add(parentLimit);
        cmd.Options.Add(memoryMin);
        cmd.Options.Add(memoryLow);
        cmd.Options.Add(anon);
        cmd.Options.Add(kernel);
        cmd.Options.Add(captureLimit);
        cmd.Options.Add(json);
        cmd.Options.Add(strict);
        cmd.Options.Add(requests);
        cmd.SetAction(async (r, ct) =>
        {
            var options = new WhatIfMemoryOptions
            {
                Trace = r.GetValue(trace),
                MemoryLimit = r.GetValue(limit),
                MemoryHigh = r.GetValue(high),
                Cgroup = r.GetValue(cgroup),
                DirtyBytes = r.GetValue(dirtyBytes),
                ParentLimit = r.GetValue(parentLimit),
                MemoryMin = r.GetValue(memoryMin),
                MemoryLow = r.GetValue(memoryLow),
                Anon = r.GetValue(anon),
                Kernel = r.GetValue(kernel),
                CaptureLimit = r.GetValue(captureLimit),
                Requests = r.GetValue(requests),
                Json = r.GetValue(json),
                Strict = r.GetValue(strict),
            };
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(options, stdout, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(WhatIfMemoryOptions o, Stream stdout, CancellationToken ct)
    {
        // A pipe or "-" is copied to a temp file first: the trace is read more than once, by path.
        using TraceArgument input = TraceArgument.Resolve(o.Trace, DefaultTrace.Extract, spoolPipes: true);
        FileInfo file = input.File;
        if (TraceArgument.Problem(file) is string missing)
        {
            await Console.Error.WriteLineAsync("ksim: " + missing).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        WriteProposal proposal;
        CaptureConfig capture;
        RequestGrouping grouping;
        try
        {
            grouping = RequestOutput.Parse(o.Requests);
            proposal = ParseProposal(o);
            capture = CaptureConfig.ForTrace(file.FullName);
            if (o.CaptureLimit is string captureLimit)
            {
                capture = capture with { LimitBytes = ParseLimit(captureLimit, "--capture-limit") };
            }

            if (WriteWhatIf.ProposalProblem(capture, proposal) is string problem)
            {
                throw new FormatException(problem);
            }
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        (WriteReplay? loaded, int rc) = await ReplayLoader.LoadAsync(file, ct, showStatus: !o.Json, o.Strict).ConfigureAwait(false);
        if (loaded is not WriteReplay replay)
        {
            return rc;
        }

        // The trust report (a second read of the trace, a replay with the traced costs) and the two replays are
        // independent and deterministic: run them side by side (bench/README.md, "1 GiB-write replay").
        Task<WriteTrust> assessing = TrustOutput.AssessAsync(replay, capture, file.FullName, ct);
        IReadOnlyList<WritePrediction> both = await CliProgress.StatusAsync(
            CliProgress.Allowed(o.Json),
            "replaying the captured and the proposed configuration",
            () => WriteWhatIf.Sweep(replay.Workload, replay.Costs, capture, [new WriteProposal(), proposal]),
            ct).ConfigureAwait(false);
        (WritePrediction baseline, WritePrediction predicted) = (both[0], both[1]);
        WriteTrust trust = await assessing.ConfigureAwait(false);
        RequestPrediction? requestsBaseline = RequestWhatIf.Predict(replay.Workload, baseline, grouping);
        RequestPrediction? requestsPredicted = RequestWhatIf.Predict(replay.Workload, predicted, grouping);
        IReadOnlyList<PercentileInterval> intervals = PercentileInterval.For(predicted.Latency, trust.SelfReplay, replay.Observed, trust.TracedFrameOffset);
        if (o.Json)
        {
            WriteJson(stdout, file.FullName, capture, predicted, baseline, replay, trust, intervals, requestsBaseline, requestsPredicted);
        }
        else
        {
            WriteTable(file.Name, capture, predicted, baseline, replay);
            RequestOutput.Print(requestsBaseline, requestsPredicted, predicted.Proposal == new WriteProposal());
            TrustOutput.PrintIntervals(intervals);
            TrustOutput.Print(trust);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The proposal the options describe; a value that is not valid throws <see cref="FormatException"/> naming its option.</summary>
    internal static WriteProposal ParseProposal(WhatIfMemoryOptions o)
    {
        var p = new WriteProposal
        {
            ParentLimitBytes = o.ParentLimit is string pl ? ParseLimit(pl, "--parent-limit") : null,
            MinBytes = o.MemoryMin is string mn ? Bytes.Parse(mn).Value : null,
            LowBytes = o.MemoryLow is string lo ? Bytes.Parse(lo).Value : null,
            AnonBytes = o.Anon is string an ? Bytes.Parse(an).Value : null,
            Kernel = o.Kernel switch
            {
                null => null,
                "6.1" => KernelProfile.Linux6_1,
                "6.18" => KernelProfile.Linux6_18,
                _ => throw new FormatException($"--kernel '{o.Kernel}': expected 6.1 or 6.18"),
            },
        };

        if (o.MemoryLimit is string limit)
        {
            long? l = ParseLimit(limit, "--memory-limit");
            p = l is null ? p with { Unlimited = true } : p with { LimitBytes = l };
        }

        if (o.MemoryHigh is string high)
        {
            p = p with { HighBytes = Bytes.Parse(high).Value };
        }

        if (o.Cgroup is string cgroup)
        {
            p = p with
            {
                Version = cgroup.Trim().ToUpperInvariant() switch
                {
                    "V1" or "1" => CgroupVersion.V1,
                    "V2" or "2" => CgroupVersion.V2,
                    _ => throw new FormatException($"--cgroup '{cgroup}': expected v1 or v2"),
                },
            };
        }

        if (o.DirtyBytes is string dirtyBytes)
        {
            p = p with { DirtyBytes = Bytes.Parse(dirtyBytes).Value };
        }

        return p;
    }

    internal static long? ParseLimit(string text, string option) =>
        text.Trim() is "max" or "unlimited" or "-1" ? null
        : Bytes.TryParse(text, out Bytes b) ? b.Value
        : throw new FormatException($"{option} '{text}': expected a size such as 128M, 1G, or 'max'");

    private static void WriteJson(Stream stdout, string trace, CaptureConfig capture, WritePrediction p, WritePrediction baseline, WriteReplay replay, WriteTrust trust, IReadOnlyList<PercentileInterval> intervals, RequestPrediction? requestsBaseline, RequestPrediction? requests)
    {
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("trace", trace);
        JsonOut.Proposal(w, "proposal", p);
        w.WriteStartObject("capture");
        JsonOut.NullableLong(w, "limit_bytes", capture.LimitBytes);
        w.WriteNumber("cgroup_version", (int)capture.Version);
        w.WriteString("source", capture.Source);
        w.WriteEndObject();
        JsonOut.Prediction(w, p);
        w.WriteStartObject("baseline");
        JsonOut.Prediction(w, baseline);
        w.WriteEndObject();
        w.WriteStartObject("observed");
        JsonOut.Latency(w, "latency_ns", replay.Observed);
        w.WriteNumber("count", replay.Observed.Count);
        if (replay.ObservedReads.Count > 0)
        {
            JsonOut.Latency(w, "read_latency_ns", replay.ObservedReads);
            w.WriteNumber("read_count", replay.ObservedReads.Count);
        }

        w.WriteEndObject();
        RequestOutput.Json(w, requestsBaseline, requests);
        JsonOut.Costs(w, p.Costs);
        TrustOutput.JsonIntervals(w, intervals);
        TrustOutput.Json(w, trust);
        w.WriteEndObject();
        w.Flush();
        stdout.Write("\n"u8);
    }

    private static void WriteTable(string name, CaptureConfig capture, WritePrediction p, WritePrediction baseline, WriteReplay replay)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/]: {replay.Workload.Ops.Count:N0} file operations, captured under cgroup v{(int)capture.Version}, limit {(capture.LimitBytes is long cl ? TextUnits.Size(cl) : "max")} ({Markup.Escape(capture.Source)})");
        var t = new Table().AddColumn("write()").AddColumn("n").AddColumn("p50").AddColumn("p90").AddColumn("p99").AddColumn("p99.9").AddColumn("max").AddColumn("mean");
        AddRow(t, "traced", replay.Observed);
        bool changesNothing = p.Proposal == new WriteProposal();
        AddRow(t, "model as captured (" + Limit(baseline.Config) + ")", baseline.Latency);
        if (!changesNothing)
        {
            AddRow(t, "[bold]model proposed (" + Limit(p.Config) + ")[/]", p.Latency);
        }

        TableOutput.Write(t);
        if (changesNothing)
        {
            AnsiConsole.MarkupLine("[grey]no change proposed (give --memory-limit, --memory-high, --dirty-bytes, --anon, ...): the model row replays the captured configuration[/]");
        }

        if (replay.ObservedReads.Count > 0)
        {
            var rt = new Table().AddColumn("read()").AddColumn("n").AddColumn("p50").AddColumn("p90").AddColumn("p99").AddColumn("p99.9").AddColumn("max").AddColumn("mean");
            AddRow(rt, "traced", replay.ObservedReads);
            AddRow(rt, "model as captured (" + Limit(baseline.Config) + ")", baseline.Reads.Latency);
            if (!changesNothing)
            {
                AddRow(rt, "[bold]model proposed (" + Limit(p.Config) + ")[/]", p.Reads.Latency);
            }

            TableOutput.Write(rt);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[grey]reads of page-cache files: {p.Reads.PagesRead:N0} pages read from the device (as captured: {baseline.Reads.PagesRead:N0}), {p.Reads.Refaults:N0} refaulted, {p.Reads.Activations:N0} of them activated (workingset); read throughput {p.Reads.ThroughputBytesPerSecond / 1048576:F0} MiB/s[/]"));
        }

        foreach ((string call, LatencyDistribution d, LatencyDistribution asCaptured) in new[] { ("fsync", p.Fsync, baseline.Fsync), ("fdatasync", p.Fdatasync, baseline.Fdatasync) })
        {
            if (d.Count > 0)
            {
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"{call}() x{d.Count:N0}: p50 {Us(d.P50)} µs, p99 {Us(d.P99)} µs proposed (as captured: p50 {Us(asCaptured.P50)}, p99 {Us(asCaptured.P99)}); its data writeback is simulated, its journal commit and flush kept as captured"));
            }
        }

        AnsiConsole.MarkupLine("[grey]latencies in µs; 'traced' is what the trace recorded (with tracing overhead), the model rows predict the untraced application[/]");
        var b = new Table().AddColumn("where the time goes (proposed)").AddColumn(new TableColumn("total").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        TimeBreakdown bd = p.Breakdown;
        double total = Math.Max(1, bd.Total.TotalNanoseconds);
        foreach ((string label, KernelSim.Time.SimDuration d) in new[] { ("copy", bd.Copy), ("reclaim", bd.Reclaim), ("writeback wait", bd.WritebackWait), ("throttle", bd.Throttle), ("dirty pause", bd.DirtyPause), ("memory.high penalty", bd.HighPenalty) })
        {
            b.AddRow(label, TextUnits.Duration(d), (d.TotalNanoseconds / total).ToString("P1", CultureInfo.InvariantCulture));
        }

        TableOutput.Write(b);
        MemcgCounters c = p.Counters;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"reclaim episodes {c.ReclaimEpisodes:N0} (as captured: {baseline.Counters.ReclaimEpisodes:N0}; trace: {replay.Workload.Reclaim.MemcgEpisodes:N0}), failcnt {c.Failcnt:N0}, throttles {c.WritebackThrottles:N0}, OOM {c.OomEvents}{(c.LowEvents > 0 ? $", memory.low breached {c.LowEvents:N0}" : string.Empty)}{(c.MinProtectedSkips > 0 ? $", min-protected skips {c.MinProtectedSkips:N0}" : string.Empty)}, peak usage {TextUnits.Size(c.MaxUsagePages * p.Config.Kernel.PageSize.Value)}, throughput {p.ThroughputBytesPerSecond / 1048576:F0} MiB/s"));
    }

    // Microseconds with one decimal: the unit of write latency.
    private static string Us(KernelSim.Time.SimDuration d) => (d.TotalNanoseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Limit(MemcgConfig c) => c.LimitBytes is long l ? TextUnits.Size(l) : "max";

    private static void AddRow(Table t, string label, LatencyDistribution d)
    {
        if (d.Count == 0)
        {
            t.AddRow(label, "0", "-", "-", "-", "-", "-", "-");
            return;
        }

        t.AddRow(label, d.Count.ToString(CultureInfo.InvariantCulture), Us(d.P50), Us(d.P90), Us(d.P99), Us(d.P999), Us(d.Max), Us(d.Mean));
    }
}
