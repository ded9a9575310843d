namespace KernelSim.Replay.Events;

/// <summary>A decoded tracepoint record.</summary>
public interface ITraceEvent
{
    /// <summary>Who, where and when.</summary>
    EventHeader Header { get; }
}

/// <summary>A decoded tracepoint record type with a static decoder, for generic code (<c>TraceEvents.Decode&lt;T&gt;</c>).</summary>
/// <typeparam name="TSelf">The record type.</typeparam>
public interface ITraceEvent<TSelf> : ITraceEvent
    where TSelf : struct, ITraceEvent<TSelf>
{
    /// <summary>"subsystem:event" of the tracepoint this record mirrors.</summary>
    static abstract string EventName { get; }

    /// <summary>Decodes <paramref name="e"/>; false if it is another event or its payload lacks a required field.</summary>
    static abstract bool TryDecode(in KernelSim.Tracing.RawEvent e, out TSelf value);
}
