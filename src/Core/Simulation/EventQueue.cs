using KernelSim.Time;

namespace KernelSim.Simulation;

/// <summary>
/// A min-priority queue of events ordered by <see cref="EventKey"/> (time, priority, sequence).
/// Equal times and priorities come out in scheduling order, so runs are reproducible.
/// </summary>
/// <typeparam name="TEvent">The event payload; a struct avoids a heap allocation per event.</typeparam>
public sealed class EventQueue<TEvent>
{
    private readonly PriorityQueue<TEvent, EventKey> _heap = new();
    private long _nextSequence;

    /// <summary>Events waiting.</summary>
    public int Count => _heap.Count;

    /// <summary>Schedules an event and returns its key.</summary>
    public EventKey Enqueue(SimTime time, TEvent payload, int priority = 0)
    {
        var key = new EventKey(time, priority, _nextSequence++);
        _heap.Enqueue(payload, key);
        return key;
    }

    /// <summary>Removes the earliest event, if any.</summary>
    public bool TryDequeue(out TEvent payload, out EventKey key) => _heap.TryDequeue(out payload!, out key);

    /// <summary>Looks at the earliest event without removing it.</summary>
    public bool TryPeek(out TEvent payload, out EventKey key) => _heap.TryPeek(out payload!, out key);

    /// <summary>Removes every event; the sequence keeps counting so keys stay unique.</summary>
    public void Clear() => _heap.Clear();
}
