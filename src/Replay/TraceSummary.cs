using KernelSim.Replay.Formats;
using KernelSim.Time;

namespace KernelSim.Replay;

/// <summary>What is in a trace: the answer to <c>ksim info</c>.</summary>
/// <param name="Source">Path or name of the input.</param>
/// <param name="Format">"ftrace", "trace-cmd", "perf-script" or "parquet".</param>
/// <param name="Compression">"gzip", "zstd", "xz" or null.</param>
/// <param name="EventCounts">Events per "subsystem:event", ordinal order.</param>
/// <param name="TotalEvents">All events.</param>
/// <param name="Cpus">CPUs that recorded events (or the header's count when larger).</param>
/// <param name="First">Earliest timestamp.</param>
/// <param name="Last">Latest timestamp.</param>
/// <param name="LostEvents">Events the tracer reported lost.</param>
/// <param name="MalformedLines">Lines skipped as malformed (lenient mode).</param>
/// <param name="Truncated">The input ended inside a line.</param>
/// <param name="Diagnostics">Full reader diagnostics (null for Parquet input, whose counts come from file metadata).</param>
public sealed record TraceSummary(
    string Source,
    string Format,
    string? Compression,
    IReadOnlyDictionary<string, long> EventCounts,
    long TotalEvents,
    int Cpus,
    SimTime? First,
    SimTime? Last,
    long LostEvents,
    long MalformedLines,
    bool Truncated,
    TraceDiagnostics? Diagnostics)
{
    /// <summary>
    /// Lost events recorded in the capture manifest (ring-buffer overrun + dropped), or null without a
    /// manifest. <see cref="LostEvents"/> is the larger of this and what the text itself reported.
    /// </summary>
    public long? ManifestLostEvents { get; init; }

    /// <summary>Last minus first timestamp (zero when fewer than two events).</summary>
    public SimDuration Span => First is SimTime f && Last is SimTime l ? l - f : SimDuration.Zero;

    /// <summary>The short name used in output for a format.</summary>
    public static string FormatName(TraceFormat format) => format switch
    {
        TraceFormat.FtraceText => "ftrace",
        TraceFormat.TraceCmdReport => "trace-cmd",
        TraceFormat.PerfScript => "perf-script",
        _ => "unknown",
    };
}
