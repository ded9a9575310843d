namespace KernelSim.Cli.Commands;

/// <summary>What <c>ksim check</c> was asked: bound from the command line in one place, then passed whole to <see cref="CheckCommand.RunAsync"/>.</summary>
internal sealed record CheckOptions
{
    /// <summary>The capture as given ("-" for standard input); null checks the capture embedded in ksim.</summary>
    public FileInfo? Trace { get; init; }

    /// <summary>One JSON object instead of the tables (--json).</summary>
    public bool Json { get; init; }

    /// <summary>Fail on the first malformed trace line instead of skipping and counting it (--strict).</summary>
    public bool Strict { get; init; }
}
