using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KernelSim.Replay;
using KernelSim.Replay.Check;
using KernelSim.Replay.Formats;
using KernelSim.Replay.WhatIf;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim check TRACE</c>: replay every applicable model under the captured configuration and report agreement.</summary>
internal static class CheckCommand
{
    /// <summary>A model check, the events that make it applicable, and what it needs from the capture manifest (null: nothing).</summary>
    /// <remarks>Run reads the trace with the given options; the checks that read it their own way (signals, net) read it
    /// leniently, after the summary pass has refused a malformed trace under --strict.</remarks>
    private sealed record Applicable(string Model, string[] NeedsAnyOf, Func<string, TraceReaderOptions, ModelCheckResult> Run, string? NeedsManifestFor = null);

    private static readonly Applicable[] Checks =
    [
        new("memcg", ["vmscan:mm_vmscan_memcg_reclaim_begin", "filemap:mm_filemap_add_to_page_cache"], static (p, o) => MemcgCheck.Run(WriteReplay.Load(p, o), p)),
        new("writeback", ["writeback:balance_dirty_pages"], WritebackCheck.Run, "the captured vm.dirty_* sysctls, kernel.hz and host.cpus"),
        new("signals", ["signal:signal_generate"], static (p, _) => SignalsCheck.Run(p)),
        new("net", ["napi:napi_poll", "net:netif_receive_skb"], static (p, _) => NetCheck.Run(p)),
    ];

    public static Command Create()
    {
        var trace = new Argument<FileInfo?>("trace") { Description = "A capture (with its manifest beside it). Default: the capture embedded in ksim.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print {\"models\": {\"memcg\": {compared, agreed, figures, mismatches}, ...}, \"skipped\": {\"writeback\": \"why\"}, \"reader\": {malformed_lines, lost_events, truncated, warnings}}. A check that needs the capture manifest is skipped without it (exit 4 if nothing else could be checked)." };
        var strict = new Option<bool>("--strict") { Description = "Fail on the first malformed trace line instead of skipping and counting it." };
        var cmd = new Command("check", "Replay the models that apply to a trace under its captured configuration and report how well they reproduce what the kernel recorded.\n\nExample:\n  ksim check traces/fio-seq64k-memcg128M.trace.gz --json");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(json);
        cmd.Options.Add(strict);
        cmd.SetAction(async (r, ct) =>
        {
            var options = new CheckOptions { Trace = r.GetValue(trace), Json = r.GetValue(json), Strict = r.GetValue(strict) };
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(options, stdout, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(CheckOptions o, Stream stdout, CancellationToken ct)
    {
        // A pipe or "-" is copied to a temp file first: the trace is read more than once, by path.
        using TraceArgument input = TraceArgument.Resolve(o.Trace, DefaultTrace.Extract, spoolPipes: true);
        FileInfo file = input.File;
        if (TraceArgument.Problem(file) is string missing)
        {
            await Console.Error.WriteLineAsync("ksim: " + missing).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        var results = new List<ModelCheckResult>();
        var skipped = new List<(string Model, string Reason)>();
        TraceReaderOptions options = ReaderReport.Options(o.Strict);
        TraceSummary summary;
        try
        {
            // One pass over the whole trace first: it finds the events that decide which checks apply and, under
            // --strict, refuses a malformed trace before any model runs.
            summary = await TraceInspector.SummarizeFileAsync(file.FullName, options, null, ct).ConfigureAwait(false);
            foreach (Applicable c in Checks)
            {
                if (!c.NeedsAnyOf.Any(summary.EventCounts.ContainsKey))
                {
                    continue;
                }

                string manifest = KernelSim.Replay.Capture.CaptureManifest.PathFor(file.FullName);
                if (c.NeedsManifestFor is string needs && !File.Exists(manifest))
                {
                    skipped.Add((c.Model, $"no capture manifest beside the trace (expected {manifest}); this check needs {needs}"));
                }
                else
                {
                    results.Add(await CliProgress.StatusAsync(CliProgress.Allowed(o.Json), $"checking the {c.Model} model against {file.Name}", () => c.Run(file.FullName, options), ct).ConfigureAwait(false));
                }
            }
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        foreach ((string model, string reason) in skipped)
        {
            await Console.Error.WriteLineAsync($"ksim: {file.Name}: {model} check skipped: {reason}").ConfigureAwait(false);
        }

        List<string> warnings = InfoCommand.Warnings(summary);
        await ReaderReport.PrintAsync(warnings).ConfigureAwait(false);

        // Every applicable check needed a manifest that is not there: nothing was checked.
        int rc = results.Count == 0 && skipped.Count > 0 ? ExitCodes.NoInput : ExitCodes.Ok;
        if (o.Json)
        {
            using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("trace", file.FullName);
            w.WriteStartObject("models");
            foreach (ModelCheckResult r in results)
            {
                w.WriteStartObject(r.Model);
                w.WriteNumber("compared", r.Compared);
                w.WriteNumber("agreed", r.Agreed);
                foreach (KeyValuePair<string, double> f in r.Figures)
                {
                    w.WriteNumber(f.Key, f.Value);
                }

                w.WriteStartArray("mismatches");
                foreach (string m in r.Mismatches)
                {
                    w.WriteStringValue(m);
                }

                w.WriteEndArray();
                w.WriteStartArray("undecidable");
                foreach (string n in r.Notes)
                {
                    w.WriteStringValue(n);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartObject("skipped");
            foreach ((string model, string reason) in skipped)
            {
                w.WriteString(model, reason);
            }

            w.WriteEndObject();
            ReaderReport.Json(w, summary.MalformedLines, summary.LostEvents, summary.Truncated, warnings);
            w.WriteEndObject();
            w.Flush();
            stdout.Write("\n"u8);
            return rc;
        }

        if (results.Count == 0 && skipped.Count == 0)
        {
            AnsiConsole.MarkupLine("no model applies to this trace (no memcg, writeback, net or signal events)");
        }

        foreach (ModelCheckResult r in results)
        {
            string undecidable = r.Notes.Count > 0 && r.Figures.TryGetValue("generate_undecidable", out double u) ? string.Create(CultureInfo.InvariantCulture, $", {u} undecidable (not compared)") : "";
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]{r.Model}[/]: {r.Agreed} of {r.Compared} agree{undecidable}"));
            var t = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            foreach (KeyValuePair<string, double> f in r.Figures)
            {
                t.AddRow(f.Key, f.Value.ToString("0.####", CultureInfo.InvariantCulture));
            }

            TableOutput.Write(t);
            foreach (string m in r.Mismatches)
            {
                AnsiConsole.MarkupLine("[yellow]mismatch[/]: " + Markup.Escape(m));
            }

            foreach (string n in r.Notes)
            {
                AnsiConsole.MarkupLine("[grey]undecidable[/]: " + Markup.Escape(n));
            }
        }

        return rc;
    }
}
