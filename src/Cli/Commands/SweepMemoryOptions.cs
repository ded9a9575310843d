namespace KernelSim.Cli.Commands;

/// <summary>What <c>ksim sweep memory</c> was asked: bound from the command line in one place, then passed whole to <see cref="SweepMemoryCommand.RunAsync"/>.</summary>
internal sealed record SweepMemoryOptions
{
    /// <summary>The limits tried when none are given.</summary>
    public const string DefaultMemoryLimits = "64M,128M,256M,512M,1G,2G,max";

    /// <summary>The capture as given ("-" for standard input); null replays the capture embedded in ksim.</summary>
    public FileInfo? Trace { get; init; }

    /// <summary>Comma-separated limits to try (--memory-limit), e.g. 64M,128M,max.</summary>
    public string MemoryLimits { get; init; } = DefaultMemoryLimits;

    /// <summary>A PNG of p50 and p99 against the limit to write (--plot), or null.</summary>
    public FileInfo? Plot { get; init; }

    /// <summary>Measured latencies to draw on the plot (--groundtruth), or null.</summary>
    public FileInfo? GroundTruth { get; init; }

    /// <summary>The ground truth's workload for this capture (--workload); null takes it from a fio-WORKLOAD-... file name.</summary>
    public string? Workload { get; init; }

    /// <summary>A JSON array instead of the table (--json).</summary>
    public bool Json { get; init; }

    /// <summary>Fail on the first malformed trace line instead of skipping and counting it (--strict).</summary>
    public bool Strict { get; init; }
}
