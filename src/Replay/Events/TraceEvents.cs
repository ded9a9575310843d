using System.Collections.Frozen;
using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// The one table that maps "subsystem:event" to its typed decoder, and decoding entry points.
/// </summary>
public static class TraceEvents
{
    internal delegate bool BoxedDecoder(in RawEvent e, out ITraceEvent? value);

    private static readonly FrozenDictionary<string, BoxedDecoder> Decoders = BuildTable();

    /// <summary>Every "subsystem:event" with a typed record.</summary>
    public static IReadOnlyCollection<string> TypedEventNames => Decoders.Keys;

    /// <summary>True if "subsystem:event" has a typed record.</summary>
    public static bool IsTyped(string fullName) => Decoders.ContainsKey(fullName);

    /// <summary>
    /// Decodes into the typed record for the event's tracepoint, or a <see cref="GenericEvent"/>
    /// when there is none or its payload does not have the fields the record needs. Never loses an event.
    /// </summary>
    public static ITraceEvent Decode(in RawEvent e)
    {
        if (Decoders.TryGetValue(e.FullName, out BoxedDecoder? d) && d(e, out ITraceEvent? typed) && typed is not null)
        {
            return typed;
        }

        return GenericEvent.From(e);
    }

    /// <summary>Decodes <paramref name="e"/> as <typeparamref name="T"/> if it is that tracepoint.</summary>
    public static bool TryDecode<T>(in RawEvent e, out T value)
        where T : struct, ITraceEvent<T> => T.TryDecode(e, out value);

    private static FrozenDictionary<string, BoxedDecoder> BuildTable()
    {
        var table = new Dictionary<string, BoxedDecoder>(StringComparer.Ordinal);
        Add<SchedSwitch>(table);
        EventCatalog.Register(new Registrar(table));
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void Add<T>(Dictionary<string, BoxedDecoder> table)
        where T : struct, ITraceEvent<T>
    {
        table.Add(T.EventName, static (in RawEvent e, out ITraceEvent? v) =>
        {
            bool ok = T.TryDecode(e, out T t);
            v = ok ? t : null;
            return ok;
        });
    }

    /// <summary>Lets <see cref="EventCatalog"/> add records without touching this file.</summary>
    internal readonly struct Registrar
    {
        private readonly Dictionary<string, BoxedDecoder> _table;

        internal Registrar(Dictionary<string, BoxedDecoder> table) => _table = table;

        public void Add<T>()
            where T : struct, ITraceEvent<T> => TraceEvents.Add<T>(_table);
    }
}
