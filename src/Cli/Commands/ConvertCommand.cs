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
        var trace = new Argument<FileInfo>("trace") { Description = "Text trace to convert (any format `ksim info` reads)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Parquet file to write.", Required = true };
        var common = new CommonOptions();
        var cmd = new Command("convert", "Store a trace as Parquet (one row per event; readable by DuckDB, pandas, Spark).\n\nExample:\n  ksim convert traces/fio-seq64k-memcg128M.trace.gz -o fio128.parquet");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(output);
        common.AddTo(cmd);
        cmd.SetAction(async (r, ct) => await RunAsync(r.GetValue(trace)!, r.GetValue(output)!, common.Build(r), ct).ConfigureAwait(false));
        return cmd;
    }

    internal static async Task<int> RunAsync(FileInfo input, FileInfo output, TraceReaderOptions options, CancellationToken ct)
    {
        if (!input.Exists)
        {
            await Console.Error.WriteLineAsync($"ksim: {input.FullName}: no such file").ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        using (CaptureManifest? manifest = CaptureManifest.TryLoadFor(input.FullName))
        {
            if (manifest is not null)
            {
                options = manifest.ApplyTo(options);
            }
        }

        string temp = output.FullName + ".tmp";
        long written;
        try
        {
            using TraceReader reader = TraceReader.Open(input.FullName, options);
            await using (FileStream fs = File.Create(temp))
            {
                if (!Console.IsOutputRedirected && input.Length > (64L << 20))
                {
                    long result = 0;
                    await AnsiConsole.Progress().StartAsync(async ctx =>
                    {
                        ProgressTask task = ctx.AddTask("converting " + input.Name, maxValue: input.Length);
                        result = await ParquetTraceStore.WriteAsync(reader, fs, _ => task.Value = reader.SourcePosition ?? 0, ct).ConfigureAwait(false);
                        task.Value = input.Length;
                    }).ConfigureAwait(false);
                    written = result;
                }
                else
                {
                    written = await ParquetTraceStore.WriteAsync(reader, fs, null, ct).ConfigureAwait(false);
                }
            }

            File.Move(temp, output.FullName, overwrite: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{written} events -> {output.FullName} (lost {reader.Diagnostics.LostEvents}, malformed lines {reader.Diagnostics.MalformedLines})"));
        }
        catch (TraceFormatException ex)
        {
            File.Delete(temp);
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        return ExitCodes.Ok;
    }
}
