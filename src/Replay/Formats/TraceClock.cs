namespace KernelSim.Replay.Formats;

/// <summary>
/// The tracefs <c>trace_clock</c> a trace was recorded with. Clocks that count nanoseconds print
/// "seconds.microseconds"; <see cref="Counter"/>, <see cref="Uptime"/> and <see cref="X86Tsc"/>
/// print a raw integer whose unit is the clock's own (kernel/trace/trace.c, trace_clocks[]).
/// </summary>
public enum TraceClock
{
    /// <summary>Unknown: nanosecond clocks are read as such; integer timestamps are kept as ticks (1 tick = 1 ns) and flagged.</summary>
    Auto = 0,

    /// <summary>local (default): per-CPU sched_clock, ns.</summary>
    Local,

    /// <summary>global: ns, synchronised across CPUs.</summary>
    Global,

    /// <summary>counter: an atomic event counter, not time. Timestamps are ordinals.</summary>
    Counter,

    /// <summary>uptime: jiffies as clock_t, i.e. 1/USER_HZ (1/100) s; converted with <see cref="TraceReaderOptions.UserHz"/>.</summary>
    Uptime,

    /// <summary>perf: ns, the clock perf uses.</summary>
    Perf,

    /// <summary>mono: CLOCK_MONOTONIC, ns.</summary>
    Mono,

    /// <summary>mono_raw: CLOCK_MONOTONIC_RAW, ns.</summary>
    MonoRaw,

    /// <summary>boot: CLOCK_BOOTTIME, ns.</summary>
    Boot,

    /// <summary>tai: CLOCK_TAI, ns.</summary>
    Tai,

    /// <summary>x86-tsc: raw TSC cycles; converted with the TSC frequency when given.</summary>
    X86Tsc,
}
