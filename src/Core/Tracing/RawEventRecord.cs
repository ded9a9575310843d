using System.Text;
using KernelSim.Time;

namespace KernelSim.Tracing;

/// <summary>
/// An owned copy of a <see cref="RawEvent"/>: what is stored (Parquet long layout), kept for unknown
/// events, and compared in round-trip tests.
/// </summary>
/// <param name="Timestamp">Event time, nanoseconds on the trace clock.</param>
/// <param name="Cpu">CPU.</param>
/// <param name="Pid">Thread id.</param>
/// <param name="Tgid">Thread-group id or -1.</param>
/// <param name="Comm">Task name.</param>
/// <param name="System">Tracepoint subsystem, or empty.</param>
/// <param name="Name">Tracepoint name.</param>
/// <param name="Payload">Printed payload.</param>
/// <param name="Flags">irq-info flags column, or empty.</param>
/// <param name="Line">1-based source line (0 if not from text).</param>
/// <param name="ByteOffset">0-based byte offset of the source line.</param>
public sealed record RawEventRecord(
    SimTime Timestamp,
    int Cpu,
    int Pid,
    int Tgid,
    string Comm,
    string System,
    string Name,
    string Payload,
    string Flags,
    long Line,
    long ByteOffset)
{
    /// <summary>"subsystem:event", or the bare name when the subsystem is unknown.</summary>
    public string FullName => System.Length == 0 ? Name : System + ":" + Name;

    /// <summary>
    /// A transient view of this record for code written against <see cref="RawEvent"/> (typed decoders).
    /// The spans point at fresh UTF-8 copies, so this allocates.
    /// </summary>
    /// <param name="typeId">The type id to report, or -1.</param>
    public RawEvent AsRawEvent(int typeId = -1) => new(
        Timestamp,
        Cpu,
        Pid,
        Tgid,
        Encoding.UTF8.GetBytes(Comm),
        Encoding.UTF8.GetBytes(System),
        Encoding.UTF8.GetBytes(Name),
        Encoding.UTF8.GetBytes(Payload),
        Encoding.UTF8.GetBytes(Flags),
        typeId,
        Line,
        ByteOffset);
}
