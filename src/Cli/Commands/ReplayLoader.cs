using KernelSim.Replay.Formats;
using KernelSim.Replay.WhatIf;

namespace KernelSim.Cli.Commands;

/// <summary>Loads a capture for the write what-if commands, turning bad input into a message and an exit code.</summary>
internal static class ReplayLoader
{
    /// <param name="file">The capture.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="showStatus">Show a spinner while the capture is read and calibrated (on a terminal, not for --json).</param>
    /// <param name="strict">Stop at the first malformed line (default: count and skip them).</param>
    public static async Task<(WriteReplay? Replay, int ExitCode)> LoadAsync(FileInfo file, CancellationToken ct, bool showStatus = false, bool strict = false)
    {
        TraceReaderOptions options = TraceReaderOptions.Default with { Lenient = !strict };
        WriteReplay replay;
        try
        {
            replay = await CliProgress.StatusAsync(
                showStatus && CliProgress.Allowed(json: false),
                $"reading {file.Name}: workload, reclaim, device activity, calibration",
                () => WriteReplay.Load(file.FullName, options),
                ct).ConfigureAwait(false);
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return (null, ExitCodes.BadInput);
        }

        if (replay.Workload.Ops.Count == 0)
        {
            await Console.Error.WriteLineAsync($"ksim: {file.Name}: no write syscalls in this trace (capture with traces/capture/ksim-capture -p memcg)").ConfigureAwait(false);
            return (null, ExitCodes.BadInput);
        }

        return (replay, ExitCodes.Ok);
    }
}
