namespace KernelSim.Replay.Formats;

/// <summary>How a <see cref="TraceReader"/> reads its input. Immutable; defaults suit a tracefs capture.</summary>
public sealed record TraceReaderOptions
{
    /// <summary>The default options: strict, auto-detected format and clock.</summary>
    public static TraceReaderOptions Default { get; } = new();

    /// <summary>The layout; <see cref="TraceFormat.Auto"/> detects it from the first lines.</summary>
    public TraceFormat Format { get; init; } = TraceFormat.Auto;

    /// <summary>
    /// False (default): the first malformed line throws <see cref="TraceFormatException"/>.
    /// True: malformed lines are skipped, counted and described in <see cref="TraceReader.Diagnostics"/>.
    /// A truncated final line (no newline, not parseable) is never an error: it is reported as truncation.
    /// </summary>
    public bool Lenient { get; init; }

    /// <summary>The trace clock; needed to give integer (counter-clock) timestamps a unit.</summary>
    public TraceClock Clock { get; init; } = TraceClock.Auto;

    /// <summary>
    /// USER_HZ, the unit of the <see cref="TraceClock.Uptime"/> clock: it counts jiffies converted to
    /// clock_t (kernel/trace/trace_clock.c, trace_clock_jiffies), i.e. 1/USER_HZ s, which is 100 on
    /// x86 whatever CONFIG_HZ is.
    /// </summary>
    public int UserHz { get; init; } = 100;

    /// <summary>Ticks per second of the <see cref="TraceClock.X86Tsc"/> clock (the TSC frequency), if known.</summary>
    public long? TscTicksPerSecond { get; init; }

    /// <summary>How many malformed-line descriptions to keep (all are counted).</summary>
    public int MaxIssues { get; init; } = 100;

    /// <summary>Largest line accepted, in bytes; a longer line is malformed. Bounds memory on garbage input.</summary>
    public int MaxLineLength { get; init; } = 1 << 20;

    /// <summary>Allow running <c>trace-cmd report</c> / <c>perf script</c> to read binary trace.dat / perf.data files.</summary>
    public bool AllowExternalTools { get; init; } = true;
}
