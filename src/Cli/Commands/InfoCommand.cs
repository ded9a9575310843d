using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KernelSim.Replay;
using KernelSim.Replay.Formats;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim info TRACE</c>: format, span, CPUs, event counts, lost events, malformed lines.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var trace = new Argument<FileInfo?>("trace") { Description = "Trace file: ftrace text, trace-cmd report, perf script (plain/.gz/.zst/.xz), trace.dat, perf.data, or a Parquet file from `ksim convert`. Default: the capture embedded in ksim (fio 64k writes under a 128M memcg).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (format, events, lost_events, malformed_lines, cpus, first_ns, last_ns, ...)." };
        var common = new CommonOptions();
        var cmd = new Command("info", "Show what is in a trace.\n\nExamples:\n  ksim info                      (the embedded default capture)\n  ksim info traces/fio-seq64k-memcg128M.trace.gz\n  ksim info --json trace.parquet");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(json);
        common.AddTo(cmd);
        cmd.SetAction(async (r, ct) =>
        {
            FileInfo file = r.GetValue(trace) ?? DefaultTrace.Extract();
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(file, r.GetValue(json), common.Build(r), stdout, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(FileInfo file, bool json, TraceReaderOptions options, Stream stdout, CancellationToken ct)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"ksim: {file.FullName}: no such file").ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        TraceSummary s;
        try
        {
            bool showProgress = !json && !Console.IsOutputRedirected && file.Length > (64L << 20);
            if (showProgress)
            {
                TraceSummary? result = null;
                await AnsiConsole.Progress().StartAsync(async ctx =>
                {
                    ProgressTask task = ctx.AddTask("reading " + file.Name, maxValue: file.Length);
                    result = await TraceInspector.SummarizeFileAsync(file.FullName, options, (done, _) => task.Value = done, ct).ConfigureAwait(false);
                    task.Value = file.Length;
                }).ConfigureAwait(false);
                s = result!;
            }
            else
            {
                s = await TraceInspector.SummarizeFileAsync(file.FullName, options, null, ct).ConfigureAwait(false);
            }
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        if (json)
        {
            WriteJson(stdout, s);
            return ExitCodes.Ok;
        }

        WriteTable(s);
        return ExitCodes.Ok;
    }

    internal static void WriteJson(Stream output, TraceSummary s)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("source", s.Source);
        w.WriteString("format", s.Format);
        if (s.Compression is null)
        {
            w.WriteNull("compression");
        }
        else
        {
            w.WriteString("compression", s.Compression);
        }

        w.WriteNumber("total_events", s.TotalEvents);
        w.WriteStartObject("events");
        foreach (KeyValuePair<string, long> kv in s.EventCounts)
        {
            w.WriteNumber(kv.Key, kv.Value);
        }

        w.WriteEndObject();
        w.WriteNumber("lost_events", s.LostEvents);
        WriteNullableLong(w, "manifest_lost_events", s.ManifestLostEvents);
        w.WriteNumber("malformed_lines", s.MalformedLines);
        w.WriteBoolean("truncated", s.Truncated);
        w.WriteNumber("cpus", s.Cpus);
        WriteNullableLong(w, "first_ns", s.First?.TotalNanoseconds);
        WriteNullableLong(w, "last_ns", s.Last?.TotalNanoseconds);
        w.WriteNumber("span_ns", s.Span.TotalNanoseconds);
        if (s.Diagnostics is TraceDiagnostics d)
        {
            w.WriteNumber("lost_event_markers", d.LostEventMarkers);
            w.WriteNumber("lost_markers_without_count", d.LostMarkersWithoutCount);
            w.WriteNumber("buffer_started_markers", d.BufferStartedMarkers);
            WriteNullableLong(w, "overwritten_entries", d.OverwrittenEntries);
            w.WriteNumber("out_of_order_events", d.OutOfOrderEvents);
            w.WriteStartArray("issues");
            foreach (TraceIssue i in d.Issues)
            {
                w.WriteStartObject();
                w.WriteNumber("line", i.Line);
                w.WriteNumber("byte_offset", i.ByteOffset);
                w.WriteString("text", i.OffendingText);
                w.WriteString("expected", i.Expected);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (string n in d.Notes)
            {
                w.WriteStringValue(n);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.Flush();
        output.Write("\n"u8);
    }

    private static void WriteNullableLong(Utf8JsonWriter w, string name, long? value)
    {
        if (value is long v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteTable(TraceSummary s)
    {
        var grid = new Grid();
        grid.AddColumn();
        grid.AddColumn();
        grid.AddRow("source", Markup.Escape(s.Source));
        grid.AddRow("format", s.Format + (s.Compression is null ? string.Empty : $" ({s.Compression})"));
        grid.AddRow("events", s.TotalEvents.ToString("N0", CultureInfo.InvariantCulture));
        grid.AddRow("cpus", s.Cpus.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("first", s.First?.ToString() ?? "-");
        grid.AddRow("last", s.Last?.ToString() ?? "-");
        grid.AddRow("span", s.Span.ToString());
        grid.AddRow("lost events", s.LostEvents.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("malformed lines", s.MalformedLines.ToString(CultureInfo.InvariantCulture));
        if (s.Truncated)
        {
            grid.AddRow("truncated", "yes (input ends inside a line)");
        }

        if (s.Diagnostics is TraceDiagnostics d)
        {
            if (d.BufferStartedMarkers > 0)
            {
                grid.AddRow("buffer restarts", d.BufferStartedMarkers.ToString(CultureInfo.InvariantCulture));
            }

            if (d.OverwrittenEntries is long o and > 0)
            {
                grid.AddRow("overwritten", o.ToString(CultureInfo.InvariantCulture));
            }

            if (d.OutOfOrderEvents > 0)
            {
                grid.AddRow("out of order", d.OutOfOrderEvents.ToString(CultureInfo.InvariantCulture));
            }
        }

        AnsiConsole.Write(grid);
        var table = new Table().AddColumn("event").AddColumn(new TableColumn("count").RightAligned());
        foreach (KeyValuePair<string, long> kv in s.EventCounts)
        {
            table.AddRow(Markup.Escape(kv.Key), kv.Value.ToString("N0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        if (s.Diagnostics is TraceDiagnostics diag)
        {
            foreach (TraceIssue i in diag.Issues.Take(10))
            {
                AnsiConsole.MarkupLine($"[yellow]line {i.Line}[/]: expected {Markup.Escape(i.Expected)}: {Markup.Escape(i.OffendingText)}");
            }

            foreach (string n in diag.Notes)
            {
                AnsiConsole.MarkupLine("[grey]note:[/] " + Markup.Escape(n));
            }
        }
    }
}
