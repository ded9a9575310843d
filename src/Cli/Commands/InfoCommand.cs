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
        var trace = new Argument<FileInfo?>("trace") { Description = "Trace file (or - for standard input): ftrace text, trace-cmd report, perf script (plain/.gz/.zst/.xz), trace.dat, perf.data, or a Parquet file from `ksim convert`. Default: the capture embedded in ksim (fio 64k writes under a 128M memcg).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (format, events, lost_events, malformed_lines, cpus, first_ns, last_ns, ...)." };
        var common = new CommonOptions();
        var cmd = new Command("info", "Show what is in a trace.\n\nExamples:\n  ksim info                      (the embedded default capture)\n  ksim info traces/fio-seq64k-memcg128M.trace.gz\n  ksim info --json trace.parquet");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(json);
        common.AddTo(cmd);
        cmd.SetAction(async (r, ct) =>
        {
            if (common.Problem(r) is string problem)
            {
                await Console.Error.WriteLineAsync("ksim: " + problem).ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var options = new InfoOptions { Trace = r.GetValue(trace), Json = r.GetValue(json), Reader = common.Build(r) };
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(options, stdout, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(InfoOptions o, Stream stdout, CancellationToken ct)
    {
        // Read once, streaming: a pipe needs no copy (Parquet from a pipe is spooled by the reader).
        using TraceArgument input = TraceArgument.Resolve(o.Trace, DefaultTrace.Extract, spoolPipes: false);
        FileInfo file = input.File;
        if (TraceArgument.Problem(file) is string missing)
        {
            await Console.Error.WriteLineAsync("ksim: " + missing).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        TraceSummary s;
        try
        {
            bool showProgress = CliProgress.Allowed(o.Json) && IsLargeRegularFile(file);
            s = await CliProgress.ProgressAsync(
                showProgress,
                "reading " + file.Name,
                showProgress ? file.Length : 0,
                report => TraceInspector.SummarizeFileAsync(file.FullName, o.Reader, report is null ? null : (done, _) => report(done), ct)).ConfigureAwait(false);
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        if (s.TotalEvents == 0)
        {
            await Console.Error.WriteLineAsync("ksim: " + NotATrace(s)).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        foreach (string w in Warnings(s))
        {
            await Console.Error.WriteLineAsync("ksim: warning: " + w).ConfigureAwait(false);
        }

        if (o.Json)
        {
            WriteJson(stdout, s);
            return ExitCodes.Ok;
        }

        WriteTable(s);
        return ExitCodes.Ok;
    }

    /// <summary>The reader's warnings plus what the manifest or Parquet metadata add (lost events, truncation).</summary>
    internal static List<string> Warnings(TraceSummary s)
    {
        var list = new List<string>();
        if (s.Diagnostics is TraceDiagnostics d)
        {
            list.AddRange(d.Warnings());
            if (s.ManifestLostEvents is long m && m > d.LostEvents)
            {
                list.Add(string.Create(CultureInfo.InvariantCulture, $"the capture manifest records {m} lost events (ring-buffer overrun and drops): counts and latencies from this trace are lower bounds"));
            }
        }
        else
        {
            if (s.LostEvents > 0)
            {
                list.Add(string.Create(CultureInfo.InvariantCulture, $"the tracer lost {s.LostEvents} events: counts and latencies from this trace are lower bounds"));
            }

            if (s.Truncated)
            {
                list.Add("the input was truncated when it was converted");
            }
        }

        return list;
    }

    /// <summary>Why a summary with no events is not a trace, naming what was expected.</summary>
    internal static string NotATrace(TraceSummary s)
    {
        const string Expected = "ftrace text, trace-cmd report or perf script lines (plain, .gz, .zst or .xz), a trace.dat or perf.data, or a Parquet file from `ksim convert`";
        if (s.Diagnostics is not TraceDiagnostics d)
        {
            return $"{s.Source}: not a trace: no events (expected {Expected})";
        }

        string seen = d.MalformedLines > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{d.MalformedLines} lines, none an event; first: line {d.Issues[0].Line}, expected {d.Issues[0].Expected}: \"{d.Issues[0].OffendingText}\"")
            : d.NonEventLines > 0 ? string.Create(CultureInfo.InvariantCulture, $"only {d.NonEventLines} header or comment lines")
            : d.Truncated ? "input cut short before the first event: " + d.Truncation
            : "no lines";
        return $"{s.Source}: not a trace: no events ({seen}); expected {Expected}";
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
        if (s.Diagnostics?.Truncation is string cut)
        {
            w.WriteString("truncation", cut);
        }

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

        w.WriteStartArray("warnings");
        foreach (string warning in Warnings(s))
        {
            w.WriteStringValue(warning);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.Write("\n"u8);
    }

    private static bool IsLargeRegularFile(FileInfo file)
    {
        try
        {
            // About a second of reading at the slowest (compressed) input.
            return (file.Attributes & FileAttributes.Device) == 0 && file.Length > (32L << 20);
        }
        catch (IOException)
        {
            return false;
        }
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
        grid.AddRow("first", s.First is { } first ? TextUnits.Timestamp(first) : "-");
        grid.AddRow("last", s.Last is { } last ? TextUnits.Timestamp(last) : "-");
        grid.AddRow("span", TextUnits.Duration(s.Span));
        grid.AddRow("lost events", s.LostEvents.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("malformed lines", s.MalformedLines.ToString(CultureInfo.InvariantCulture));
        if (s.Truncated)
        {
            grid.AddRow("truncated", "yes: " + Markup.Escape(s.Diagnostics?.Truncation ?? "the input ends early"));
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

        TableOutput.Write(table);
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
