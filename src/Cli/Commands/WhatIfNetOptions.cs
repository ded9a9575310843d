namespace KernelSim.Cli.Commands;

/// <summary>What <c>ksim whatif net</c> was asked: bound from the command line in one place, then passed whole to <see cref="WhatIfNetCommand.RunAsync"/>.</summary>
internal sealed record WhatIfNetOptions
{
    /// <summary>The net capture as given ("-" for standard input); null replays the pinned loopback capture embedded in ksim.</summary>
    public FileInfo? Trace { get; init; }

    /// <summary>Proposed path: loopback, veth or veth-bridge (--topology); null keeps the captured one.</summary>
    public string? Topology { get; init; }

    /// <summary>Proposed net.core.netdev_budget (--netdev-budget).</summary>
    public int? NetdevBudget { get; init; }

    /// <summary>Proposed net.core.dev_weight (--dev-weight).</summary>
    public int? DevWeight { get; init; }

    /// <summary>Proposed net.core.netdev_max_backlog (--backlog).</summary>
    public int? Backlog { get; init; }

    /// <summary>Background flood on the same CPU and path (--load): packets per second or "max".</summary>
    public string? Load { get; init; }

    /// <summary>UDP payload per message in bytes (--msg-size); null keeps the captured size.</summary>
    public int? MessageBytes { get; init; }

    /// <summary>veth in NAPI mode, "on" or "off" (--veth-gro).</summary>
    public string? VethGro { get; init; }

    /// <summary>RPS on every veth end to the other CPU (--rps).</summary>
    public bool Rps { get; init; }

    /// <summary>One JSON object instead of the tables (--json).</summary>
    public bool Json { get; init; }

    /// <summary>Fail on the first malformed trace line instead of skipping and counting it (--strict).</summary>
    public bool Strict { get; init; }
}
