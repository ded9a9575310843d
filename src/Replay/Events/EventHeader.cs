using System.Text;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>The common part of every typed event: the tracer's context columns.</summary>
/// <param name="Timestamp">Event time (trace clock, ns).</param>
/// <param name="Cpu">CPU that recorded it.</param>
/// <param name="Pid">common_pid: the thread that was running.</param>
/// <param name="Tgid">Its thread-group id if recorded, else -1.</param>
/// <param name="Comm">Its task name.</param>
public readonly record struct EventHeader(SimTime Timestamp, int Cpu, int Pid, int Tgid, string Comm)
{
    /// <summary>Takes the header from a raw event (allocates the comm string).</summary>
    public static EventHeader From(in RawEvent e) => new(e.Timestamp, e.Cpu, e.Pid, e.Tgid, Encoding.UTF8.GetString(e.Comm));
}
