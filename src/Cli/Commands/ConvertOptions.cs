using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Commands;

/// <summary>What <c>ksim convert</c> was asked: bound from the command line in one place, then passed whole to <see cref="ConvertCommand.RunAsync"/>.</summary>
internal sealed record ConvertOptions
{
    /// <summary>The trace to convert ("-" for standard input).</summary>
    public required FileInfo Trace { get; init; }

    /// <summary>The Parquet file to write (--output).</summary>
    public required FileInfo Output { get; init; }

    /// <summary>How to read the trace (--strict, --format, --clock, --user-hz, --tsc-hz); a manifest beside the trace adds to it.</summary>
    public TraceReaderOptions Reader { get; init; } = TraceReaderOptions.Default;
}
