using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Commands;

/// <summary>What <c>ksim info</c> was asked: bound from the command line in one place, then passed whole to <see cref="InfoCommand.RunAsync"/>.</summary>
internal sealed record InfoOptions
{
    /// <summary>The trace as given ("-" for standard input); null reads the capture embedded in ksim.</summary>
    public FileInfo? Trace { get; init; }

    /// <summary>One JSON object instead of the tables (--json).</summary>
    public bool Json { get; init; }

    /// <summary>How to read the trace (--strict, --format, --clock, --user-hz, --tsc-hz).</summary>
    public TraceReaderOptions Reader { get; init; } = TraceReaderOptions.Default;
}
