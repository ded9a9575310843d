namespace KernelSim.Replay.Events;

/// <summary>Registers every typed record with <see cref="TraceEvents"/>. Add one line per new record.</summary>
internal static class EventCatalog
{
    internal static void Register(TraceEvents.Registrar r)
    {
        _ = r;
    }
}
