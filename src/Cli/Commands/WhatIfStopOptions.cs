namespace KernelSim.Cli.Commands;

/// <summary>What <c>ksim whatif stop</c> was asked: bound from the command line in one place, then passed whole to <see cref="WhatIfStopCommand.RunAsync"/>.</summary>
internal sealed record WhatIfStopOptions
{
    /// <summary>The JSON or YAML scenario, or a trace with sched and signal events (then <see cref="RootPid"/> is needed).</summary>
    public required FileInfo Scenario { get; init; }

    /// <summary>With a trace: host pid of the container's PID 1 (--root).</summary>
    public int? RootPid { get; init; }

    /// <summary>Proposed grace period before SIGKILL, e.g. 10s or 500ms (--grace).</summary>
    public string? Grace { get; init; }

    /// <summary>Proposed stop signal, e.g. TERM (--signal).</summary>
    public string? Signal { get; init; }

    /// <summary>Proposed init above the current root: "tini" (--init).</summary>
    public string? Init { get; init; }

    /// <summary>Proposal: PID 1 handles the stop signal and exits this many ms later (--pid1-handles-term).</summary>
    public int? Pid1HandlesTermMs { get; init; }

    /// <summary>One JSON object instead of the tables (--json).</summary>
    public bool Json { get; init; }
}
