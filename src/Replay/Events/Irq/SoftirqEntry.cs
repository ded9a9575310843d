using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// irq:softirq_entry — a softirq handler starts.
/// </summary>
/// <remarks>
/// Kernel: kernel/softirq.c <c>handle_softirqs</c> (class softirq); fields per events/irq/softirq_entry/format.
/// Printed "vec=%u [action=%s]"; trace-cmd -R prints only vec=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Vec"><c>vec</c>: the softirq number (3 = NET_RX).</param>
public readonly record struct SoftirqEntry(
    EventHeader Header,
    uint Vec) : ITraceEvent<SoftirqEntry>
{
    /// <inheritdoc />
    public static string EventName => "irq:softirq_entry";

    /// <summary>The vector by name (the printed "[action=NET_RX]").</summary>
    public SoftirqVector Action => (SoftirqVector)Vec;

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SoftirqEntry value)
    {
        value = default;
        if (!e.Name.SequenceEqual("softirq_entry"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (SoftirqText.TryGetVec(r, out uint vec))
        {
            value = new SoftirqEntry(EventHeader.From(e), vec);
            return true;
        }

        return false;
    }
}
