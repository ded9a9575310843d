using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// net:net_dev_xmit — the driver's <c>ndo_start_xmit</c> returned.
/// </summary>
/// <remarks>
/// Kernel: include/linux/netdevice.h <c>netdev_start_xmit</c>, called from net/core/dev.c <c>xmit_one</c>; fields
/// per events/net/net_dev_xmit/format. Printed "dev=%s skbaddr=%p len=%u rc=%d"; trace-cmd -R prints skbaddr= len=
/// rc= name=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Skbaddr"><c>skbaddr</c>: the sk_buff address (ftrace prints it hashed, "%p"; trace-cmd prints the
/// real address). Links one packet's events; addresses are recycled.</param>
/// <param name="Len"><c>len</c>: skb->len before the transmit, bytes.</param>
/// <param name="Rc"><c>rc</c>: the driver's return (0 = NETDEV_TX_OK, 16 = NETDEV_TX_BUSY).</param>
/// <param name="Name"><c>name</c>: the device (printed dev=).</param>
public readonly record struct NetDevXmit(
    EventHeader Header,
    ulong Skbaddr,
    uint Len,
    int Rc,
    string Name) : ITraceEvent<NetDevXmit>
{
    /// <inheritdoc />
    public static string EventName => "net:net_dev_xmit";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out NetDevXmit value)
    {
        value = default;
        if (!e.Name.SequenceEqual("net_dev_xmit"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetHex("skbaddr"u8, out ulong skbaddr)
            && r.TryGetUInt32("len"u8, out uint len)
            && r.TryGetInt32("rc"u8, out int rc)
            && (r.TryGetString("dev"u8, out string name) || r.TryGetString("name"u8, out name)))
        {
            value = new NetDevXmit(EventHeader.From(e), skbaddr, len, rc, name);
            return true;
        }

        return false;
    }
}
