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

    // For sources that print bare names (ftrace text) when the reader could not map the name to a subsystem
    // (no available_events list): every typed tracepoint name is unique across subsystems, checked at build.
    private static readonly FrozenDictionary<string, BoxedDecoder> DecodersByBareName = BuildBareNameTable(Decoders);

    /// <summary>Every "subsystem:event" with a typed record.</summary>
    public static IReadOnlyCollection<string> TypedEventNames => Decoders.Keys;

    /// <summary>True if "subsystem:event" has a typed record.</summary>
    public static bool IsTyped(string fullName) => Decoders.ContainsKey(fullName);

    /// <summary>
    /// Decodes into the typed record for the event's tracepoint, or a <see cref="GenericEvent"/>
    /// when there is none or its payload does not have the fields the record needs. Never loses an event.
    /// An event without a subsystem (ftrace text read without an available_events map) is matched by its bare name.
    /// </summary>
    public static ITraceEvent Decode(in RawEvent e)
    {
        FrozenDictionary<string, BoxedDecoder> table = e.System.IsEmpty ? DecodersByBareName : Decoders;
        if (table.TryGetValue(e.FullName, out BoxedDecoder? d) && d(e, out ITraceEvent? typed) && typed is not null)
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

    private static FrozenDictionary<string, BoxedDecoder> BuildBareNameTable(FrozenDictionary<string, BoxedDecoder> decoders)
    {
        var byName = new Dictionary<string, BoxedDecoder>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, BoxedDecoder> kv in decoders)
        {
            string bare = kv.Key[(kv.Key.IndexOf(':', StringComparison.Ordinal) + 1)..];
            if (!byName.TryAdd(bare, kv.Value))
            {
                throw new InvalidOperationException($"Two typed events share the name '{bare}'; bare-name decoding would be ambiguous.");
            }
        }

        return byName.ToFrozenDictionary(StringComparer.Ordinal);
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
