using KernelSim.Replay.Events;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// Hands payloads to typed decoders the way a reader does (a <see cref="RawEvent"/> with system, name and payload).
/// Every test in this folder uses real payload text copied from captures on the lab VM (Linux 6.18.44, trace-cmd 3.1.6,
/// perf 6.1): traces/samples/*.txt, or the captures described in CAPTURES.md next to this file. A payload marked
/// "synthetic" was built from the event's print fmt because the host could not produce the event.
/// </summary>
internal static class EventTestKit
{
    public const long TimestampNs = 659_920_755_000;
    public const int Cpu = 1;
    public const int Pid = 11693;
    public const string Comm = "ksimev";

    /// <summary>The header every event built here carries.</summary>
    public static EventHeader Header { get; } = new(SimTime.FromNanoseconds(TimestampNs), Cpu, Pid, -1, Comm);

    public static RawEventRecord Record(string system, string name, string payload) =>
        new(SimTime.FromNanoseconds(TimestampNs), Cpu, Pid, -1, Comm, system, name, payload, "", 1, 0);

    public static bool TryDecode<T>(string system, string name, string payload, out T value)
        where T : struct, ITraceEvent<T> =>
        T.TryDecode(Record(system, name, payload).AsRawEvent(), out value);

    /// <summary>Decodes <paramref name="payload"/> as the tracepoint <typeparamref name="T"/> mirrors, or fails the test.</summary>
    public static T Decode<T>(string payload)
        where T : struct, ITraceEvent<T>
    {
        (string system, string name) = Split(T.EventName);
        Assert.True(TryDecode(system, name, payload, out T value), $"{T.EventName} did not decode \"{payload}\"");
        return value;
    }

    public static (string System, string Name) Split(string fullName)
    {
        int colon = fullName.IndexOf(':', StringComparison.Ordinal);
        return (fullName[..colon], fullName[(colon + 1)..]);
    }

    /// <summary>A row of a subsystem's decoder table: the record type and its decoder under a given event name.</summary>
    public sealed record DecoderEntry(Type Type, Func<string, string, bool> TryDecode);

    public static DecoderEntry Entry<T>()
        where T : struct, ITraceEvent<T> =>
        new(typeof(T), (name, payload) => TryDecode<T>(Split(T.EventName).System, name, payload, out _));

    /// <summary>Checks one negative-table row: the valid payload decodes (also through <see cref="TraceEvents.Decode"/>), and is the only reason it does.</summary>
    public static void AssertValid(IReadOnlyDictionary<string, DecoderEntry> table, string fullName, string payload)
    {
        DecoderEntry entry = table[fullName];
        (string system, string name) = Split(fullName);
        Assert.True(entry.TryDecode(name, payload));
        Assert.IsType(entry.Type, TraceEvents.Decode(Record(system, name, payload).AsRawEvent()));
    }
}
