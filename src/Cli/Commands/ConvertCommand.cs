using System.CommandLine;
using System.Globalization;
using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Store;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim convert TRACE -o FILE.parquet</c>: store a text trace as Parquet (long layout).</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var trace = new Argument<FileInfo>("trace") { Description = "Text trace to convert (any format `ksim info` reads; - for standard input)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Parquet file to write.", Required = true };
        var common = new CommonOptions();
        var cmd = new Command("convert", "Store a trace as Parquet (one row per event; readable by DuckDB, pandas, Spark).\n\nExample:\n  ksim convert traces/fio-seq64k-memcg128M.trace.gz -o /tmp/fio128.parquet");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(output);
        common.AddTo(cmd);
        cmd.SetAction(async (r, ct) =>
        {
            if (common.Problem(r) is string problem)
            {
                await Console.Error.WriteLineAsync("ksim: " + problem).ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var options = new ConvertOptions { Trace = r.GetValue(trace)!, Output = r.GetValue(output)!, Reader = common.Build(r) };
            return await RunAsync(options, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(ConvertOptions o, CancellationToken ct)
    {
        FileInfo input = TraceArgument.StandardInputIfDash(o.Trace);
        TraceReaderOptions options = o.Reader;
        if (TraceArgument.Problem(input) is string missing)
        {
            await Console.Error.WriteLineAsync("ksim: " + missing).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        using (CaptureManifest? manifest = CaptureManifest.TryLoadFor(input.FullName))
        {
            if (manifest is not null)
            {
                options = manifest.ApplyTo(options);
            }
        }

        // Written beside the output and moved over it only when complete; removed on every other path
        // (bad input, no events, a write error, cancellation).
        string temp = o.Output.FullName + ".tmp";
        bool moved = false;
        long written;
        try
        {
            using TraceReader reader = TraceReader.Open(input.FullName, options);
            await using (FileStream fs = File.Create(temp))
            {
                // A second or more: a bar on stderr (on a terminal only).
                bool show = CliProgress.Allowed(json: false) && (input.Attributes & FileAttributes.Device) == 0 && input.Length > (16L << 20);
                written = await CliProgress.ProgressAsync(
                    show,
                    "converting " + input.Name,
                    show ? input.Length : 0,
                    report => ParquetTraceStore.WriteAsync(reader, fs, report is null ? null : _ => report(reader.SourcePosition ?? 0), ct)).ConfigureAwait(false);
            }

            if (written == 0)
            {
                await Console.Error.WriteLineAsync($"ksim: {input.FullName}: not a trace: no events (expected ftrace text, trace-cmd report or perf script lines; malformed lines {reader.Diagnostics.MalformedLines})").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            File.Move(temp, o.Output.FullName, overwrite: true);
            moved = true;
            foreach (string w in reader.Diagnostics.Warnings())
            {
                await Console.Error.WriteLineAsync("ksim: warning: " + w).ConfigureAwait(false);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{written} events -> {o.Output.FullName} (lost {reader.Diagnostics.LostEvents}, malformed lines {reader.Diagnostics.MalformedLines})"));
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }
        finally
        {
            if (!moved && File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return ExitCodes.Ok;
    }
}
