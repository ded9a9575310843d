namespace KernelSim.Replay.Events;

/// <summary>Reads <c>vec</c> from "vec=3 [action=NET_RX]" (TP_printk) or "vec=3" (trace-cmd -R).</summary>
/// <remarks>Kernel: include/trace/events/irq.h <c>DECLARE_EVENT_CLASS(softirq)</c>. The bracketed action is not
/// a " key=" boundary, so the generic value runs to the end of the payload; the number is its first word.</remarks>
internal static class SoftirqText
{
    public static bool TryGetVec(PayloadReader r, out uint vec)
    {
        vec = 0;
        if (!r.TryGet("vec"u8, out ReadOnlySpan<byte> v))
        {
            return false;
        }

        int sp = v.IndexOf((byte)' ');
        if (sp >= 0)
        {
            v = v[..sp];
        }

        if (PayloadReader.TryParseUInt64(v, out ulong n) && n <= uint.MaxValue)
        {
            vec = (uint)n;
            return true;
        }

        return false;
    }
}
