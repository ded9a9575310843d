namespace KernelSim.Cli.Commands;

/// <summary>
/// What <c>ksim whatif memory</c> was asked: bound from the command line in one place, then passed whole to
/// <see cref="WhatIfMemoryCommand.RunAsync"/>. Sizes stay text here (as given, "max" included): turning them into a
/// proposal names the option in the error (<see cref="WhatIfMemoryCommand.ParseProposal"/>).
/// </summary>
internal sealed record WhatIfMemoryOptions
{
    /// <summary>The capture as given ("-" for standard input); null replays the capture embedded in ksim.</summary>
    public FileInfo? Trace { get; init; }

    /// <summary>Proposed memory.limit_in_bytes / memory.max (--memory-limit), e.g. 256M or max.</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>Proposed memory.high (--memory-high).</summary>
    public string? MemoryHigh { get; init; }

    /// <summary>cgroup version to model, v1 or v2 (--cgroup).</summary>
    public string? Cgroup { get; init; }

    /// <summary>Proposed vm.dirty_bytes (--dirty-bytes).</summary>
    public string? DirtyBytes { get; init; }

    /// <summary>Limit of a parent cgroup above the workload's (--parent-limit).</summary>
    public string? ParentLimit { get; init; }

    /// <summary>Proposed memory.min of the workload (--memory-min).</summary>
    public string? MemoryMin { get; init; }

    /// <summary>Proposed memory.low of the workload (--memory-low).</summary>
    public string? MemoryLow { get; init; }

    /// <summary>The workload's anonymous memory (--anon).</summary>
    public string? Anon { get; init; }

    /// <summary>Kernel to model, 6.1 or 6.18 (--kernel).</summary>
    public string? Kernel { get; init; }

    /// <summary>The limit the trace was captured under, for a trace without a manifest (--capture-limit).</summary>
    public string? CaptureLimit { get; init; }

    /// <summary>How calls group into application requests (--requests); null is auto.</summary>
    public string? Requests { get; init; }

    /// <summary>One JSON object instead of the tables (--json).</summary>
    public bool Json { get; init; }

    /// <summary>Fail on the first malformed trace line instead of skipping and counting it (--strict).</summary>
    public bool Strict { get; init; }
}
