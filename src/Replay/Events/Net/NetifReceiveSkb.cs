using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// net:netif_receive_skb — a packet is handed to the protocol stack.
/// </summary>
/// <remarks>
/// Kernel: net/core/dev.c <c>__netif_receive_skb_core</c> (class net_dev_template); fields per
/// events/net/netif_receive_skb/format. Printed "dev=%s skbaddr=%p len=%u"; trace-cmd -R prints skbaddr= len=
/// name=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Skbaddr"><c>skbaddr</c>: the sk_buff address (ftrace prints it hashed, "%p"; trace-cmd prints the
/// real address). Links one packet's events; addresses are recycled.</param>
/// <param name="Len"><c>len</c>: skb->len, bytes.</param>
/// <param name="Name"><c>name</c>: the device (printed dev=).</param>
public readonly record struct NetifReceiveSkb(
    EventHeader Header,
    ulong Skbaddr,
    uint Len,
    string Name) : ITraceEvent<NetifReceiveSkb>
{
    /// <inheritdoc />
    public static string EventName => "net:netif_receive_skb";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out NetifReceiveSkb value)
    {
        value = default;
        if (!e.Name.SequenceEqual("netif_receive_skb"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetHex("skbaddr"u8, out ulong skbaddr)
            && r.TryGetUInt32("len"u8, out uint len)
            && (r.TryGetString("dev"u8, out string name) || r.TryGetString("name"u8, out name)))
        {
            value = new NetifReceiveSkb(EventHeader.From(e), skbaddr, len, name);
            return true;
        }

        return false;
    }
}
