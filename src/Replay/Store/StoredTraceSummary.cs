using KernelSim.Time;

namespace KernelSim.Replay.Store;

/// <summary>What a stored (Parquet) trace holds, as <see cref="ParquetTraceStore.SummarizeAsync"/> computes it.</summary>
/// <param name="Format">The text layout the events were read from.</param>
/// <param name="Source">The original source name.</param>
/// <param name="EventCounts">Events per "subsystem:event".</param>
/// <param name="TotalEvents">All events.</param>
/// <param name="Cpus">Distinct CPUs.</param>
/// <param name="First">Earliest timestamp, or null when empty.</param>
/// <param name="Last">Latest timestamp, or null when empty.</param>
/// <param name="LostEvents">Lost events the source reported.</param>
/// <param name="MalformedLines">Malformed lines skipped when converting.</param>
/// <param name="Truncated">The source ended inside a line.</param>
public sealed record StoredTraceSummary(
    string Format,
    string Source,
    IReadOnlyDictionary<string, long> EventCounts,
    long TotalEvents,
    int Cpus,
    SimTime? First,
    SimTime? Last,
    long LostEvents,
    long MalformedLines,
    bool Truncated);
