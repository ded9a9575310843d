namespace KernelSim.Replay.Formats;

/// <summary>The text layouts KernelSim reads.</summary>
public enum TraceFormat
{
    /// <summary>Detect from the content (the default).</summary>
    Auto = 0,

    /// <summary>tracefs <c>trace</c> or <c>trace_pipe</c> text (any trace_options variant).</summary>
    FtraceText,

    /// <summary><c>trace-cmd report</c> output (also produced on the fly from a trace.dat when trace-cmd is installed).</summary>
    TraceCmdReport,

    /// <summary><c>perf script</c> output with its default fields for tracepoints (also produced on the fly from perf.data when perf is installed).</summary>
    PerfScript,
}
