namespace KernelSim.Replay.Formats;

/// <summary>How a <see cref="TraceReader"/> reads its input. Immutable; defaults suit a tracefs capture.</summary>
public sealed record TraceReaderOptions
{
    private readonly int _userHz = 100;
    private readonly long? _tscTicksPerSecond;

    /// <summary>The default options: strict, auto-detected format and clock.</summary>
    public static TraceReaderOptions Default { get; } = new();

    /// <summary>The layout; <see cref="TraceFormat.Auto"/> detects it from the first lines.</summary>
    public TraceFormat Format { get; init; } = TraceFormat.Auto;

    /// <summary>
    /// False (default): the first malformed line throws <see cref="TraceFormatException"/>.
    /// True: malformed lines are skipped, counted and described in <see cref="TraceReader.Diagnostics"/>.
    /// Input that ends early (a final line cut mid-line, a compressed stream without its end marker or
    /// trailer) is refused in strict mode and reported in <see cref="TraceDiagnostics.Truncation"/> when lenient.
    /// </summary>
    public bool Lenient { get; init; }

    /// <summary>The trace clock; needed to give integer (counter-clock) timestamps a unit.</summary>
    public TraceClock Clock { get; init; } = TraceClock.Auto;

    /// <summary>
    /// USER_HZ, the unit of the <see cref="TraceClock.Uptime"/> clock: it counts jiffies converted to
    /// clock_t (kernel/trace/trace_clock.c, trace_clock_jiffies), i.e. 1/USER_HZ s, which is 100 on
    /// x86 whatever CONFIG_HZ is.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not between <see cref="MinUserHz"/> and <see cref="MaxUserHz"/>.</exception>
    public int UserHz
    {
        get => _userHz;
        init
        {
            if (value is < MinUserHz or > MaxUserHz)
            {
                throw new ArgumentOutOfRangeException(nameof(UserHz), value, $"USER_HZ must be between {MinUserHz} and {MaxUserHz} (it is 100 on x86)");
            }

            _userHz = value;
        }
    }

    /// <summary>Ticks per second of the <see cref="TraceClock.X86Tsc"/> clock (the TSC frequency), if known.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public long? TscTicksPerSecond
    {
        get => _tscTicksPerSecond;
        init
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(TscTicksPerSecond), value, "the TSC frequency must be a positive number of Hz");
            }

            _tscTicksPerSecond = value;
        }
    }

    /// <summary>Smallest accepted <see cref="UserHz"/>.</summary>
    public const int MinUserHz = 1;

    /// <summary>Largest accepted <see cref="UserHz"/> (1 tick = 1 microsecond).</summary>
    public const int MaxUserHz = 1_000_000;

    /// <summary>How many malformed-line descriptions to keep (all are counted).</summary>
    public int MaxIssues { get; init; } = 100;

    /// <summary>Largest line accepted, in bytes; a longer line is malformed. Bounds memory on garbage input.</summary>
    public int MaxLineLength { get; init; } = 1 << 20;

    /// <summary>Allow running <c>trace-cmd report</c> / <c>perf script</c> to read binary trace.dat / perf.data files.</summary>
    public bool AllowExternalTools { get; init; } = true;
}
