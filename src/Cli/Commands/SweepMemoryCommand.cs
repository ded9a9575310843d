using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KernelSim.Replay.Formats;
using KernelSim.Replay.WhatIf;
using KernelSim.Units;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim sweep memory TRACE --memory-limit 64M,128M,...</c>: predictions for several limits, in parallel.</summary>
internal static class SweepMemoryCommand
{
    public static Command Create()
    {
        var trace = new Argument<FileInfo?>("trace") { Description = "A capture with write syscalls. Default: the capture embedded in ksim.", Arity = ArgumentArity.ZeroOrOne };
        var limits = new Option<string>("--memory-limit") { Description = "Comma-separated limits to try, e.g. 64M,128M,256M,512M,1G,max.", DefaultValueFactory = _ => SweepMemoryOptions.DefaultMemoryLimits };
        var plot = new Option<FileInfo?>("--plot") { Description = "Write a PNG of p50 and p99 against the limit." };
        var strict = new Option<bool>("--strict") { Description = "Fail on the first malformed trace line instead of skipping and counting it." };
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per limit (same members as `whatif memory --json`)." };
        var groundTruth = new Option<FileInfo?>("--groundtruth") { Description = "Measured latencies (CSV from traces/capture/measure-writes) to draw on the plot: the median of the repetitions at each limit." };
        var workload = new Option<string?>("--workload") { Description = "The ground truth's workload for this capture (default: from a fio-WORKLOAD-... file name)." };
        var cmd = new Command("memory", "Predict write latency for a range of memory limits (parallel on all cores; same results as one by one).\n\nExamples:\n  ksim sweep memory traces/fio-seq64k-memcg1G.trace.gz --memory-limit 64M,128M,256M,512M,1G --plot /tmp/knee.png\n  ksim sweep memory traces/fio-seq64k-memcg1G.trace.gz --plot /tmp/knee.png --groundtruth traces/groundtruth/write-latency.csv");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(limits);
        cmd.Options.Add(plot);
        cmd.Options.Add(json);
        cmd.Options.Add(strict);
        cmd.Options.Add(groundTruth);
        cmd.Options.Add(workload);
        cmd.SetAction(async (r, ct) =>
        {
            var options = new SweepMemoryOptions
            {
                Trace = r.GetValue(trace),
                MemoryLimits = r.GetValue(limits)!,
                Plot = r.GetValue(plot),
                GroundTruth = r.GetValue(groundTruth),
                Workload = r.GetValue(workload),
                Json = r.GetValue(json),
                Strict = r.GetValue(strict),
            };
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(options, stdout, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    // fio-seq64k-memcg1G.trace.gz -> seq64k
    private static string? WorkloadFromName(string name) =>
        name.StartsWith("fio-", StringComparison.Ordinal) && name.IndexOf("-memcg", StringComparison.Ordinal) is int i and > 4 ? name[4..i] : null;

    // The median p50 and p99 of the measured repetitions at each finite limit, in µs.
    private static (IReadOnlyList<(double, double, double)>? Points, string? Problem) MeasuredMedians(FileInfo csv, string? workload)
    {
        if (!csv.Exists)
        {
            return (null, $"{csv.FullName}: no such file");
        }

        if (workload is null)
        {
            return (null, "--groundtruth needs --workload (the capture's name does not say it)");
        }

        var points = new List<(double, double, double)>();
        foreach (KeyValuePair<(string, string), List<long[]>> kv in WriteValidation.ReadGroundTruth(csv.FullName))
        {
            if (kv.Key.Item1 != workload || WhatIfMemoryCommand.ParseLimit(kv.Key.Item2, "--groundtruth limit") is not long bytes)
            {
                continue;
            }

            static double Median(List<long[]> reps, int k)
            {
                var v = reps.Select(r => r[k]).Order().ToList();
                return v[v.Count / 2] / 1000.0;
            }

            points.Add((bytes / 1048576.0, Median(kv.Value, 0), Median(kv.Value, 2)));
        }

        return points.Count == 0 ? (null, $"{csv.Name}: no rows for workload '{workload}'") : (points.OrderBy(p => p.Item1).ToList(), null);
    }

    internal static async Task<int> RunAsync(SweepMemoryOptions o, Stream stdout, CancellationToken ct)
    {
        // A pipe or "-" is copied to a temp file first: the trace is read more than once, by path.
        using TraceArgument input = TraceArgument.Resolve(o.Trace, DefaultTrace.Extract, spoolPipes: true);
        FileInfo file = input.File;
        if (TraceArgument.Problem(file) is string missing)
        {
            await Console.Error.WriteLineAsync("ksim: " + missing).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        var proposals = new List<WriteProposal>();
        try
        {
            foreach (string part in o.MemoryLimits.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                long? l = WhatIfMemoryCommand.ParseLimit(part, "--memory-limit");
                proposals.Add(l is null ? new WriteProposal { Unlimited = true } : new WriteProposal { LimitBytes = l });
            }

            if (proposals.Count == 0)
            {
                throw new FormatException($"--memory-limit '{o.MemoryLimits}': expected a comma-separated list of sizes such as 64M,128M,max");
            }
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        CaptureConfig capture;
        try
        {
            capture = CaptureConfig.ForTrace(file.FullName);
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        foreach (WriteProposal p in proposals)
        {
            if (WriteWhatIf.ProposalProblem(capture, p) is string problem)
            {
                await Console.Error.WriteLineAsync("ksim: " + problem).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        }

        (WriteReplay? loaded, int rc) = await ReplayLoader.LoadAsync(file, ct, showStatus: !o.Json, o.Strict).ConfigureAwait(false);
        if (loaded is not WriteReplay replay)
        {
            return rc;
        }

        // The trust report is independent of the sweep: it runs beside it.
        Task<WriteTrust> assessing = TrustOutput.AssessAsync(replay, capture, file.FullName, ct);
        IReadOnlyList<WritePrediction> results = await CliProgress.StatusAsync(
            CliProgress.Allowed(o.Json),
            $"replaying {proposals.Count} limits",
            () => WriteWhatIf.Sweep(replay.Workload, replay.Costs, capture, proposals),
            ct).ConfigureAwait(false);
        WriteTrust trust = await assessing.ConfigureAwait(false);
        if (o.Plot is FileInfo plot)
        {
            IReadOnlyList<(double, double, double)>? measured = null;
            if (o.GroundTruth is FileInfo groundTruth)
            {
                (measured, string? problem) = MeasuredMedians(groundTruth, o.Workload ?? WorkloadFromName(file.Name));
                if (problem is not null)
                {
                    await Console.Error.WriteLineAsync("ksim: " + problem).ConfigureAwait(false);
                    return ExitCodes.BadInput;
                }
            }

            Plots.LatencyVsLimit(results, plot.FullName, file.Name, measured);
        }

        if (o.Json)
        {
            using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
            w.WriteStartArray();
            foreach (WritePrediction p in results)
            {
                w.WriteStartObject();
                JsonOut.Proposal(w, "proposal", p);
                JsonOut.Prediction(w, p);
                TrustOutput.Json(w, trust);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.Flush();
            stdout.Write("\n"u8);
            return ExitCodes.Ok;
        }

        var t = new Table().AddColumn("limit").AddColumn("p50").AddColumn("p90").AddColumn("p99").AddColumn("p99.9").AddColumn("max").AddColumn("reclaim episodes").AddColumn("throttles").AddColumn("OOM").AddColumn("MiB/s");
        foreach (WritePrediction p in results)
        {
            t.AddRow(
                p.Config.LimitBytes is long l ? TextUnits.Size(l) : "max",
                TextUnits.Duration(p.Latency.P50), TextUnits.Duration(p.Latency.P90), TextUnits.Duration(p.Latency.P99), TextUnits.Duration(p.Latency.P999), TextUnits.Duration(p.Latency.Max),
                p.Counters.ReclaimEpisodes.ToString("N0", CultureInfo.InvariantCulture),
                p.Counters.WritebackThrottles.ToString("N0", CultureInfo.InvariantCulture),
                p.Counters.OomEvents.ToString(CultureInfo.InvariantCulture),
                (p.ThroughputBytesPerSecond / 1048576).ToString("F0", CultureInfo.InvariantCulture));
        }

        TableOutput.Write(t);
        TrustOutput.Print(trust);
        if (o.Plot is FileInfo written)
        {
            AnsiConsole.MarkupLine("plot: " + Markup.Escape(written.FullName));
        }

        return ExitCodes.Ok;
    }
}
