using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KernelSim.Replay;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Net;
using KernelSim.Replay.WhatIf;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim validate</c>: every measured ground-truth point predicted from every capture, with the error table.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var traces = new Option<DirectoryInfo>("--traces") { Description = "Folder with the captures fio-WORKLOAD-memcgLIMIT.trace.gz.", DefaultValueFactory = _ => new DirectoryInfo("traces") };
        var truth = new Option<FileInfo>("--groundtruth") { Description = "Measured fio latencies (CSV from traces/capture/measure-writes).", DefaultValueFactory = _ => new FileInfo(Path.Combine("traces", "groundtruth", "write-latency.csv")) };
        var netTruth = new Option<FileInfo>("--net-groundtruth") { Description = "Measured UDP round trips (CSV from traces/capture/measure-net).", DefaultValueFactory = _ => new FileInfo(Path.Combine("traces", "groundtruth", "net-latency.csv")) };
        var corpus = new Option<DirectoryInfo>("--corpus") { Description = "Folder of the corpus captures NAME-memcgLIMIT.trace.gz (traces/capture/measure-corpus).", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("traces", "corpus")) };
        var corpusTruth = new Option<FileInfo>("--corpus-groundtruth") { Description = "Measured latencies of the corpus workloads (CSV from traces/capture/measure-corpus).", DefaultValueFactory = _ => new FileInfo(Path.Combine("traces", "groundtruth", "corpus-latency.csv")) };
        var json = new Option<bool>("--json") { Description = "Print the points as JSON (write points under results, round trips under net, the corpus under corpus; what reading each capture met under reader)." };
        var strict = new Option<bool>("--strict") { Description = "Fail on the first malformed line of any capture instead of skipping and counting it." };
        var cmd = new Command("validate", "Compare predictions with the measured ground truth: write latency (p50, p90, p99 at every measured limit, from every capture) and UDP round trips (p50, p99 per topology and size, idle and flooded, from every pinned net capture).\n\nExample:\n  ksim validate --traces traces --groundtruth traces/groundtruth/write-latency.csv --net-groundtruth traces/groundtruth/net-latency.csv");
        cmd.Options.Add(traces);
        cmd.Options.Add(truth);
        cmd.Options.Add(netTruth);
        cmd.Options.Add(corpus);
        cmd.Options.Add(corpusTruth);
        cmd.Options.Add(json);
        cmd.Options.Add(strict);
        cmd.SetAction(async (r, ct) =>
        {
            var options = new ValidateOptions
            {
                Traces = r.GetValue(traces)!,
                GroundTruth = r.GetValue(truth)!,
                NetGroundTruth = r.GetValue(netTruth),
                Corpus = r.GetValue(corpus),
                CorpusGroundTruth = r.GetValue(corpusTruth),
                Json = r.GetValue(json),
                Strict = r.GetValue(strict),
            };
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(options, stdout, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(ValidateOptions o, Stream stdout, CancellationToken ct)
    {
        if (!o.Traces.Exists || !o.GroundTruth.Exists)
        {
            await Console.Error.WriteLineAsync($"ksim: need {o.Traces.FullName} and {o.GroundTruth.FullName}").ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        IReadOnlyList<ValidationPoint> points;
        IReadOnlyList<NetValidationPoint> net;
        CorpusResult corpus;
        TraceReaderOptions options = ReaderReport.Options(o.Strict);
        var corpusReads = new List<CaptureRead>();
        var writeReads = new List<CaptureRead>();
        var netReads = new List<CaptureRead>();
        try
        {
            bool show = CliProgress.Allowed(o.Json);
            corpus = o.Corpus is { Exists: true } corpusDir && o.CorpusGroundTruth is { Exists: true } corpusTruth
                ? await CliProgress.StatusAsync(show, "predicting the corpus of foreign workloads", () => CorpusValidation.Evaluate(corpusDir.FullName, corpusTruth.FullName, null, options, corpusReads), ct).ConfigureAwait(false)
                : new CorpusResult([], []);
            points = await CliProgress.StatusAsync(show, "predicting every measured write point from every capture", () => WriteValidation.Run(o.Traces.FullName, o.GroundTruth.FullName, options, writeReads), ct).ConfigureAwait(false);
            net = o.NetGroundTruth is { Exists: true } netTruth
                ? await CliProgress.StatusAsync(show, "predicting the measured round trips from the net captures", () => NetValidation.Run(o.Traces.FullName, netTruth.FullName, options, netReads), ct).ConfigureAwait(false)
                : [];
        }
        catch (Exception ex) when (ex is InvalidDataException or TraceFormatException)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        // Every capture read, in the order of the output (write, net, corpus); a capture read twice is reported once.
        var reads = new List<CaptureRead>();
        foreach (CaptureRead r in writeReads.Concat(netReads).Concat(corpusReads))
        {
            if (!reads.Any(x => x.Capture == r.Capture))
            {
                reads.Add(r);
            }
        }

        foreach (CaptureRead r in reads)
        {
            await ReaderReport.PrintAsync(r.Diagnostics.Warnings(), r.Capture).ConfigureAwait(false);
        }

        int inside = points.Count(p => p.Inside);
        if (o.Json)
        {
            using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteNumber("points", points.Count);
            w.WriteNumber("inside", inside);
            w.WriteStartArray("results");
            foreach (ValidationPoint p in points)
            {
                w.WriteStartObject();
                w.WriteString("capture", p.Capture);
                w.WriteString("workload", p.Workload);
                w.WriteString("limit", p.Limit);
                w.WriteString("percentile", p.Percentile);
                w.WriteNumber("predicted_ns", p.PredictedNs);
                w.WriteNumber("measured_min_ns", p.MeasuredMinNs);
                w.WriteNumber("measured_max_ns", p.MeasuredMaxNs);
                w.WriteBoolean("inside", p.Inside);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("net");
            w.WriteNumber("points", net.Count);
            w.WriteNumber("inside", net.Count(p => p.Inside));
            w.WriteNumber("tolerance", NetValidation.Tolerance);
            w.WriteStartArray("results");
            foreach (NetValidationPoint p in net)
            {
                w.WriteStartObject();
                w.WriteString("capture", p.Capture);
                w.WriteString("topology", p.Topology);
                w.WriteNumber("msg_size", p.MessageBytes);
                w.WriteString("load", p.Load);
                w.WriteString("percentile", p.Percentile);
                w.WriteNumber("predicted_ns", p.PredictedNs);
                w.WriteNumber("measured_ns", p.MeasuredNs);
                w.WriteNumber("measured_min_ns", p.MeasuredMinNs);
                w.WriteNumber("measured_max_ns", p.MeasuredMaxNs);
                w.WriteNumber("repetitions", p.Repetitions);
                w.WriteNumber("error", Math.Round(p.Error, 4));
                w.WriteBoolean("inside", p.Inside);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            WriteCorpusJson(w, corpus);
            WriteReaderJson(w, reads);
            w.WriteEndObject();
            w.Flush();
            stdout.Write("\n"u8);
            return ExitCodes.Ok;
        }

        var t = new Table().AddColumn("capture").AddColumn("limit").AddColumn("pct").AddColumn(new TableColumn("predicted µs").RightAligned()).AddColumn(new TableColumn("measured µs (min-max)").RightAligned()).AddColumn("inside ±25%");
        foreach (ValidationPoint p in points)
        {
            t.AddRow(
                Markup.Escape(p.Capture), p.Limit, p.Percentile,
                (p.PredictedNs / 1000.0).ToString("F1", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{p.MeasuredMinNs / 1000.0:F1}-{p.MeasuredMaxNs / 1000.0:F1}"),
                p.Inside ? "yes" : "[red]no[/]");
        }

        TableOutput.Write(t);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{inside} of {points.Count} points inside the measured range widened by 25% ({(points.Count == 0 ? 0 : 100.0 * inside / points.Count):F0}%)"));
        if (net.Count > 0)
        {
            var n = new Table().AddColumn("net capture").AddColumn("predicts").AddColumn("size").AddColumn("load").AddColumn("pct")
                .AddColumn(new TableColumn("predicted µs").RightAligned()).AddColumn(new TableColumn("measured µs median (min-max)").RightAligned())
                .AddColumn(new TableColumn("error").RightAligned()).AddColumn("within 25%");
            foreach (NetValidationPoint p in net)
            {
                n.AddRow(
                    Markup.Escape(p.Capture), p.Topology, p.MessageBytes.ToString(CultureInfo.InvariantCulture), p.Load, p.Percentile,
                    (p.PredictedNs / 1000.0).ToString("F1", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{p.MeasuredNs / 1000.0:F1} ({p.MeasuredMinNs / 1000.0:F1}-{p.MeasuredMaxNs / 1000.0:F1})"),
                    p.Error.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture),
                    p.Inside ? "yes" : "[red]no[/]");
            }

            TableOutput.Write(n);
            int netInside = net.Count(p => p.Inside);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{netInside} of {net.Count} round-trip points within 25% of the measured median (untraced sockperf ping-pong)"));
        }

        if (corpus.Points.Count > 0)
        {
            WriteCorpusTable(corpus);
        }

        return ExitCodes.Ok;
    }

    // Per workload: p50/p90/p99 of write() inside the band, those where the limit matters, p99.9 apart; the same for
    // application requests (transactions, commands, benchmark events) and their throughput; and what is not predicted.
    private static void WriteCorpusTable(CorpusResult result)
    {
        IReadOnlyList<CorpusPoint> corpus = result.Points;
        var t = new Table().AddColumn("corpus workload").AddColumn(new TableColumn("write p50/p90/p99 in band").RightAligned())
            .AddColumn(new TableColumn("where the limit matters").RightAligned()).AddColumn(new TableColumn("p99.9 in band").RightAligned())
            .AddColumn(new TableColumn("read p50/p90/p99 (limit matters)").RightAligned())
            .AddColumn(new TableColumn("fsync/fdatasync p50/p90/p99").RightAligned())
            .AddColumn(new TableColumn("request p50/p90/p99 in band").RightAligned()).AddColumn(new TableColumn("request, limit matters").RightAligned())
            .AddColumn(new TableColumn("request p99.9").RightAligned()).AddColumn(new TableColumn("requests/s in band").RightAligned())
            .AddColumn("not predicted");
        foreach (IGrouping<string, CorpusPoint> g in corpus.GroupBy(p => p.Workload))
        {
            var writes = g.Where(p => p.Op == "write").ToList();
            var requests = g.Where(p => p.Request).ToList();
            string others = string.Join(", ", g.Where(p => p.PredictedNs is null).Select(p => p.Op).Distinct());
            var rates = result.Throughput.Where(p => p.Workload == g.Key).ToList();
            t.AddRow([Markup.Escape(g.Key), .. Columns(writes), ReadFrac(g.ToList()), OpFrac(g.ToList(), "fsync", "fdatasync"), .. Columns(requests), Frac(rates), others.Length == 0 ? "-" : Markup.Escape(others)]);
        }

        t.AddRow(["[bold]all[/]", .. Columns(corpus.Where(p => p.Op == "write").ToList()), ReadFrac(corpus), OpFrac(corpus, "fsync", "fdatasync"), .. Columns(corpus.Where(p => p.Request).ToList()), Frac(result.Throughput.ToList()), string.Empty]);
        TableOutput.Write(t);
        AnsiConsole.MarkupLine("[grey]corpus: foreign workloads nothing in the model was fitted on (held out); band = the repetitions' range widened by 25% each side; 'limit matters' = that band does not overlap the band without a limit; requests = transactions, commands or benchmark events (txn, set, req), predicted from the capture's request boundaries with the page-cache writes inside them replaced by the model's prediction[/]");
    }

    // In band at p50/p90/p99, at those where the limit matters, at p99.9.
    private static string[] Columns(List<CorpusPoint> points)
    {
        var main = points.Where(p => p.Percentile != "p99.9").ToList();
        return [Frac(main), Frac(main.Where(p => p.LimitMatters).ToList()), Frac(points.Where(p => p.Percentile == "p99.9").ToList())];
    }

    // read() p50/p90/p99 inside the band, with those where the limit matters in parentheses.
    private static string ReadFrac(IReadOnlyList<CorpusPoint> points)
    {
        var reads = points.Where(p => p.Op == "read" && p.Percentile != "p99.9").ToList();
        return reads.Count == 0 ? "-" : Frac(reads) + " (" + Frac(reads.Where(p => p.LimitMatters).ToList()) + ")";
    }

    // p50/p90/p99 of the given operations inside the band.
    private static string OpFrac(IReadOnlyList<CorpusPoint> points, params string[] ops) =>
        Frac(points.Where(p => ops.Contains(p.Op) && p.Percentile != "p99.9").ToList());

    // reader: the totals over every capture read, and each capture with something to say.
    private static void WriteReaderJson(Utf8JsonWriter w, List<CaptureRead> reads)
    {
        w.WriteStartObject("reader");
        w.WriteNumber("captures", reads.Count);
        w.WriteNumber("malformed_lines", reads.Sum(r => r.Diagnostics.MalformedLines));
        w.WriteNumber("lost_events", reads.Sum(r => r.Diagnostics.LostEvents));
        w.WriteNumber("truncated_captures", reads.Count(r => r.Diagnostics.Truncated));
        w.WriteStartArray("warnings");
        foreach (CaptureRead r in reads)
        {
            if (r.Diagnostics.Warnings().Count == 0)
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteString("capture", r.Capture);
            ReaderReport.Fields(w, r.Diagnostics.MalformedLines, r.Diagnostics.LostEvents, r.Diagnostics.Truncated, r.Diagnostics.Warnings());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Frac(List<CorpusPoint> points) => Frac(points.Count(p => p.Inside), points.Count);

    private static string Frac(List<CorpusThroughputPoint> points) => Frac(points.Count(p => p.Inside), points.Count);

    // "inside/count (share%)", or "-" for no points.
    private static string Frac(int inside, int count) =>
        count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{inside}/{count} ({100.0 * inside / count:F0}%)");

    private static void WriteCorpusJson(Utf8JsonWriter w, CorpusResult result)
    {
        IReadOnlyList<CorpusPoint> corpus = result.Points;
        w.WriteStartObject("corpus");
        var main = corpus.Where(p => p.Op == "write" && p.Percentile != "p99.9").ToList();
        w.WriteNumber("write_points", main.Count);
        w.WriteNumber("write_inside", main.Count(p => p.Inside));
        w.WriteNumber("limit_matters_points", main.Count(p => p.LimitMatters));
        w.WriteNumber("limit_matters_inside", main.Count(p => p.LimitMatters && p.Inside));
        var tail = corpus.Where(p => p.Op == "write" && p.Percentile == "p99.9").ToList();
        w.WriteNumber("p999_points", tail.Count);
        w.WriteNumber("p999_inside", tail.Count(p => p.Inside));
        var reads = corpus.Where(p => p.Op == "read" && p.Percentile != "p99.9").ToList();
        w.WriteNumber("read_points", reads.Count);
        w.WriteNumber("read_inside", reads.Count(p => p.Inside));
        w.WriteNumber("read_limit_matters_points", reads.Count(p => p.LimitMatters));
        w.WriteNumber("read_limit_matters_inside", reads.Count(p => p.LimitMatters && p.Inside));
        var syncs = corpus.Where(p => p.Op is "fsync" or "fdatasync" && p.Percentile != "p99.9").ToList();
        w.WriteNumber("sync_points", syncs.Count);
        w.WriteNumber("sync_inside", syncs.Count(p => p.Inside));
        var requests = corpus.Where(p => p.Request && p.Percentile != "p99.9").ToList();
        w.WriteNumber("request_points", requests.Count);
        w.WriteNumber("request_inside", requests.Count(p => p.Inside));
        w.WriteNumber("request_limit_matters_points", requests.Count(p => p.LimitMatters));
        w.WriteNumber("request_limit_matters_inside", requests.Count(p => p.LimitMatters && p.Inside));
        var requestTail = corpus.Where(p => p.Request && p.Percentile == "p99.9").ToList();
        w.WriteNumber("request_p999_points", requestTail.Count);
        w.WriteNumber("request_p999_inside", requestTail.Count(p => p.Inside));
        w.WriteNumber("throughput_points", result.Throughput.Count);
        w.WriteNumber("throughput_inside", result.Throughput.Count(p => p.Inside));
        w.WriteNumber("not_predicted_points", corpus.Count(p => p.PredictedNs is null));
        w.WriteStartArray("results");
        foreach (CorpusPoint p in corpus)
        {
            w.WriteStartObject();
            w.WriteString("workload", p.Workload);
            w.WriteString("capture", p.Capture);
            w.WriteString("limit", p.Limit);
            w.WriteString("op", p.Op);
            w.WriteBoolean("request", p.Request);
            w.WriteString("percentile", p.Percentile);
            if (p.PredictedNs is long v)
            {
                w.WriteNumber("predicted_ns", v);
            }
            else
            {
                w.WriteNull("predicted_ns");
            }

            w.WriteNumber("measured_min_ns", p.MeasuredMinNs);
            w.WriteNumber("measured_max_ns", p.MeasuredMaxNs);
            w.WriteBoolean("inside", p.Inside);
            w.WriteBoolean("limit_matters", p.LimitMatters);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("throughput");
        foreach (CorpusThroughputPoint p in result.Throughput)
        {
            w.WriteStartObject();
            w.WriteString("workload", p.Workload);
            w.WriteString("capture", p.Capture);
            w.WriteString("limit", p.Limit);
            w.WriteString("op", p.Op);
            if (p.PredictedPerSecond is double v)
            {
                w.WriteNumber("predicted_per_s", Math.Round(v, 1));
            }
            else
            {
                w.WriteNull("predicted_per_s");
            }

            w.WriteNumber("measured_min_per_s", Math.Round(p.MeasuredMinPerSecond, 1));
            w.WriteNumber("measured_max_per_s", Math.Round(p.MeasuredMaxPerSecond, 1));
            w.WriteBoolean("inside", p.Inside);
            w.WriteBoolean("limit_matters", p.LimitMatters);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
