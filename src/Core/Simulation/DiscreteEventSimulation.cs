using KernelSim.Time;

namespace KernelSim.Simulation;

/// <summary>
/// A deterministic discrete-event loop: a virtual clock, an <see cref="EventQueue{TEvent}"/> and a
/// seeded <see cref="DeterministicRandom"/>. The loop never reads the wall clock; same seed and same
/// schedule give the same sequence of steps.
/// </summary>
/// <typeparam name="TEvent">The event payload handled by the caller's step function.</typeparam>
/// <remarks>
/// The loop is "pull" shaped: callers either call <see cref="TryStep"/> themselves or pass a handler
/// to <see cref="Run"/>. A handler may schedule further events, but never in the past.
/// </remarks>
public sealed class DiscreteEventSimulation<TEvent>
{
    private readonly EventQueue<TEvent> _queue = new();

    /// <summary>Creates a simulation at time zero.</summary>
    /// <param name="seed">The seed of the simulation's random stream (required: there is no unseeded default).</param>
    public DiscreteEventSimulation(ulong seed) => Random = new DeterministicRandom(seed);

    /// <summary>The current virtual time: the time of the last event taken.</summary>
    public SimTime Now { get; private set; }

    /// <summary>The simulation's random stream.</summary>
    public DeterministicRandom Random { get; }

    /// <summary>Events taken so far.</summary>
    public long StepsTaken { get; private set; }

    /// <summary>Events waiting.</summary>
    public int Pending => _queue.Count;

    /// <summary>Schedules an event at an absolute time.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before <see cref="Now"/>.</exception>
    public EventKey Schedule(SimTime time, TEvent payload, int priority = 0)
    {
        if (time < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"Cannot schedule into the past (now is {Now}).");
        }

        return _queue.Enqueue(time, payload, priority);
    }

    /// <summary>Schedules an event after a delay from now.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public EventKey ScheduleAfter(SimDuration delay, TEvent payload, int priority = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay.TotalNanoseconds, 0L, nameof(delay));
        return Schedule(Now + delay, payload, priority);
    }

    /// <summary>Takes the next event and advances the clock to it.</summary>
    public bool TryStep(out TEvent payload, out EventKey key)
    {
        if (!_queue.TryDequeue(out payload, out key))
        {
            return false;
        }

        Now = key.Time;
        StepsTaken++;
        return true;
    }

    /// <summary>Runs events through <paramref name="handler"/> until the queue is empty or the next event is after <paramref name="until"/>.</summary>
    /// <returns>The number of events handled.</returns>
    public long Run(Action<DiscreteEventSimulation<TEvent>, TEvent> handler, SimTime until)
    {
        ArgumentNullException.ThrowIfNull(handler);
        long handled = 0;
        while (_queue.TryPeek(out _, out EventKey next) && next.Time <= until)
        {
            TryStep(out TEvent payload, out _);
            handler(this, payload);
            handled++;
        }

        return handled;
    }
}
