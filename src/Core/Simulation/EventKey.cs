using KernelSim.Time;

namespace KernelSim.Simulation;

/// <summary>
/// The total order of scheduled events: time, then priority (lower first), then the sequence
/// number assigned at scheduling (first scheduled first). The sequence makes ties deterministic.
/// </summary>
/// <param name="Time">When the event fires.</param>
/// <param name="Priority">Tie-break among events at the same time; lower runs first.</param>
/// <param name="Sequence">Scheduling order; unique per queue.</param>
public readonly record struct EventKey(SimTime Time, int Priority, long Sequence) : IComparable<EventKey>
{
    /// <inheritdoc />
    public int CompareTo(EventKey other)
    {
        int c = Time.CompareTo(other.Time);
        if (c != 0)
        {
            return c;
        }

        c = Priority.CompareTo(other.Priority);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>Orders keys.</summary>
    public static bool operator <(EventKey left, EventKey right) => left.CompareTo(right) < 0;

    /// <summary>Orders keys.</summary>
    public static bool operator >(EventKey left, EventKey right) => left.CompareTo(right) > 0;

    /// <summary>Orders keys.</summary>
    public static bool operator <=(EventKey left, EventKey right) => left.CompareTo(right) <= 0;

    /// <summary>Orders keys.</summary>
    public static bool operator >=(EventKey left, EventKey right) => left.CompareTo(right) >= 0;
}
