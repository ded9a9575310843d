using System.Text;
using KernelSim.Time;

namespace KernelSim.Tracing;

/// <summary>
/// One trace event as a reader saw it: when, where, who, which tracepoint, and the payload text,
/// as views into the reader's buffer (no allocation per event). Valid until the reader advances;
/// call <see cref="ToRecord"/> to keep it.
/// </summary>
/// <remarks>
/// The payload is the tracepoint's printed text exactly as the source wrote it (for ftrace, the
/// event's TP_printk output). Typed decoders in KernelSim.Replay turn it into records whose field
/// names follow the kernel's tracefs <c>format</c> files.
/// </remarks>
public readonly ref struct RawEvent
{
    /// <summary>Creates an event view.</summary>
    /// <param name="timestamp">Event time on the trace clock, converted to nanoseconds.</param>
    /// <param name="cpu">CPU the event was recorded on.</param>
    /// <param name="pid">Thread id (the kernel's pid) of the current task; 0 for idle.</param>
    /// <param name="tgid">Thread-group id (process id) if the source recorded it, else -1.</param>
    /// <param name="comm">Task name (UTF-8), as recorded; "&lt;...&gt;" when the tracer did not know it.</param>
    /// <param name="system">Tracepoint subsystem ("sched"), empty if unknown.</param>
    /// <param name="name">Tracepoint name ("sched_switch").</param>
    /// <param name="payload">Printed payload text.</param>
    /// <param name="flags">The irq-info/latency flags column ("d..2."), empty if absent.</param>
    /// <param name="typeId">Index of the event type in the reader's type table, or -1.</param>
    /// <param name="line">1-based line number in the decompressed source.</param>
    /// <param name="byteOffset">0-based byte offset of the line in the decompressed source.</param>
    public RawEvent(
        SimTime timestamp,
        int cpu,
        int pid,
        int tgid,
        ReadOnlySpan<byte> comm,
        ReadOnlySpan<byte> system,
        ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> payload,
        ReadOnlySpan<byte> flags,
        int typeId,
        long line,
        long byteOffset)
    {
        Timestamp = timestamp;
        Cpu = cpu;
        Pid = pid;
        Tgid = tgid;
        Comm = comm;
        System = system;
        Name = name;
        Payload = payload;
        Flags = flags;
        TypeId = typeId;
        Line = line;
        ByteOffset = byteOffset;
    }

    /// <summary>Event time on the trace clock, in nanoseconds.</summary>
    public SimTime Timestamp { get; }

    /// <summary>CPU the event was recorded on.</summary>
    public int Cpu { get; }

    /// <summary>Thread id of the current task (0 for the idle task).</summary>
    public int Pid { get; }

    /// <summary>Thread-group id if recorded (ftrace record-tgid option), else -1.</summary>
    public int Tgid { get; }

    /// <summary>Task name, UTF-8.</summary>
    public ReadOnlySpan<byte> Comm { get; }

    /// <summary>Tracepoint subsystem, UTF-8; empty when the source did not say and the name is not a known event.</summary>
    public ReadOnlySpan<byte> System { get; }

    /// <summary>Tracepoint name, UTF-8.</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>Printed payload, UTF-8.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The irq-info flags column, UTF-8; empty if the source has none.</summary>
    public ReadOnlySpan<byte> Flags { get; }

    /// <summary>Index of the event type in the producing reader's type table, or -1.</summary>
    public int TypeId { get; }

    /// <summary>1-based line number in the decompressed source (0 when not from text).</summary>
    public long Line { get; }

    /// <summary>0-based byte offset of the event's line in the decompressed source.</summary>
    public long ByteOffset { get; }

    /// <summary>"subsystem:event", or just the name when the subsystem is unknown. Allocates.</summary>
    public string FullName => System.IsEmpty
        ? Encoding.UTF8.GetString(Name)
        : string.Concat(Encoding.UTF8.GetString(System), ":", Encoding.UTF8.GetString(Name));

    /// <summary>Copies the event into an owned record. Allocates.</summary>
    public RawEventRecord ToRecord() => new(
        Timestamp,
        Cpu,
        Pid,
        Tgid,
        Encoding.UTF8.GetString(Comm),
        Encoding.UTF8.GetString(System),
        Encoding.UTF8.GetString(Name),
        Encoding.UTF8.GetString(Payload),
        Encoding.UTF8.GetString(Flags),
        Line,
        ByteOffset);
}
