using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// irq:softirq_raise — a softirq vector is marked pending.
/// </summary>
/// <remarks>
/// Kernel: kernel/softirq.c <c>__raise_softirq_irqoff</c> (class softirq); fields per
/// events/irq/softirq_raise/format. Printed "vec=%u [action=%s]"; trace-cmd -R prints only vec=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Vec"><c>vec</c>: the softirq number (3 = NET_RX).</param>
public readonly record struct SoftirqRaise(
    EventHeader Header,
    uint Vec) : ITraceEvent<SoftirqRaise>
{
    /// <inheritdoc />
    public static string EventName => "irq:softirq_raise";

    /// <summary>The vector by name (the printed "[action=NET_RX]").</summary>
    public SoftirqVector Action => (SoftirqVector)Vec;

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SoftirqRaise value)
    {
        value = default;
        if (!e.Name.SequenceEqual("softirq_raise"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (SoftirqText.TryGetVec(r, out uint vec))
        {
            value = new SoftirqRaise(EventHeader.From(e), vec);
            return true;
        }

        return false;
    }
}
