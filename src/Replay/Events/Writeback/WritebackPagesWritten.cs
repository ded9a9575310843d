using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// writeback:writeback_pages_written — a flusher finished a batch of work.
/// </summary>
/// <remarks>
/// Kernel: fs/fs-writeback.c <c>wb_do_writeback</c>; fields per events/writeback/writeback_pages_written/format.
/// Printed as the bare number ("%ld"); trace-cmd -R prints pages=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Pages"><c>pages</c>: pages written.</param>
public readonly record struct WritebackPagesWritten(
    EventHeader Header,
    long Pages) : ITraceEvent<WritebackPagesWritten>
{
    /// <inheritdoc />
    public static string EventName => "writeback:writeback_pages_written";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out WritebackPagesWritten value)
    {
        value = default;
        if (!e.Name.SequenceEqual("writeback_pages_written"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt64("pages"u8, out long pages) || PayloadReader.TryParseInt64(e.Payload, out pages))
        {
            value = new WritebackPagesWritten(EventHeader.From(e), pages);
            return true;
        }

        return false;
    }
}
