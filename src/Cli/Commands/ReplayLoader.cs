using KernelSim.Replay.Formats;
using KernelSim.Replay.WhatIf;

namespace KernelSim.Cli.Commands;

/// <summary>Loads a capture for the write what-if commands, turning bad input into a message and an exit code.</summary>
internal static class ReplayLoader
{
    public static async Task<(WriteReplay? Replay, int ExitCode)> LoadAsync(FileInfo file, CancellationToken ct)
    {
        WriteReplay replay;
        try
        {
            replay = await Task.Run(() => WriteReplay.Load(file.FullName), ct).ConfigureAwait(false);
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
