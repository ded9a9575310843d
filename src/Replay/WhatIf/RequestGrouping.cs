namespace KernelSim.Replay.WhatIf;

/// <summary>Which boundaries <see cref="RequestWhatIf"/> groups a workload's file operations into requests by.</summary>
public enum RequestGrouping
{
    /// <summary>The capture's trace markers if it has any, else its socket exchanges, else no requests.</summary>
    Auto,

    /// <summary>Only trace-marker requests (<see cref="Workload.RequestBoundary.Marker"/>).</summary>
    Markers,

    /// <summary>Only socket exchanges (<see cref="Workload.RequestBoundary.SocketExchange"/>).</summary>
    SocketExchanges,

    /// <summary>Every file operation is a request (sysbench fileio's events: one read, write or fsync each).</summary>
    FileOps,

    /// <summary>No requests.</summary>
    None,
}
