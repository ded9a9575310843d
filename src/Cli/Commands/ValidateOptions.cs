namespace KernelSim.Cli.Commands;

/// <summary>
/// What <c>ksim validate</c> was asked: bound from the command line in one place, then passed whole to
/// <see cref="ValidateCommand.RunAsync"/>. The command line's defaults are the folders under traces/; here a part
/// left null is skipped.
/// </summary>
internal sealed record ValidateOptions
{
    /// <summary>Folder with the captures fio-WORKLOAD-memcgLIMIT.trace.gz and the pinned net captures (--traces).</summary>
    public required DirectoryInfo Traces { get; init; }

    /// <summary>Measured fio latencies (--groundtruth).</summary>
    public required FileInfo GroundTruth { get; init; }

    /// <summary>Measured UDP round trips (--net-groundtruth); null or missing skips the net points.</summary>
    public FileInfo? NetGroundTruth { get; init; }

    /// <summary>Folder of the corpus captures (--corpus); null or missing skips the corpus.</summary>
    public DirectoryInfo? Corpus { get; init; }

    /// <summary>Measured latencies of the corpus workloads (--corpus-groundtruth); null or missing skips the corpus.</summary>
    public FileInfo? CorpusGroundTruth { get; init; }

    /// <summary>The points as JSON instead of the tables (--json).</summary>
    public bool Json { get; init; }

    /// <summary>Fail on the first malformed line of any capture instead of skipping and counting it (--strict).</summary>
    public bool Strict { get; init; }
}
