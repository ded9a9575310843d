using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// net:net_dev_start_xmit — a packet is about to be passed to the driver.
/// </summary>
/// <remarks>
/// Kernel: net/core/dev.c <c>xmit_one</c>; fields per events/net/net_dev_start_xmit/format. trace-cmd -R prints
/// name= instead of dev=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Name"><c>name</c>: the device (printed dev=).</param>
/// <param name="QueueMapping"><c>queue_mapping</c>: tx queue.</param>
/// <param name="Skbaddr"><c>skbaddr</c>: the sk_buff address (ftrace prints it hashed, "%p"; trace-cmd prints the
/// real address). Links one packet's events; addresses are recycled.</param>
/// <param name="VlanTagged"><c>vlan_tagged</c>.</param>
/// <param name="VlanProto"><c>vlan_proto</c> (network byte order value as printed).</param>
/// <param name="VlanTci"><c>vlan_tci</c>.</param>
/// <param name="Protocol"><c>protocol</c>: ethertype as printed (0x0800 IPv4, 0x86dd IPv6).</param>
/// <param name="IpSummed"><c>ip_summed</c>: CHECKSUM_NONE/UNNECESSARY/COMPLETE/PARTIAL (0-3).</param>
/// <param name="Len"><c>len</c>: skb->len, bytes.</param>
/// <param name="DataLen"><c>data_len</c>: bytes in fragments.</param>
/// <param name="NetworkOffset"><c>network_offset</c>.</param>
/// <param name="TransportOffsetValid"><c>transport_offset_valid</c>.</param>
/// <param name="TransportOffset"><c>transport_offset</c>.</param>
/// <param name="TxFlags"><c>tx_flags</c>: skb_shinfo tx_flags.</param>
/// <param name="GsoSize"><c>gso_size</c>.</param>
/// <param name="GsoSegs"><c>gso_segs</c>.</param>
/// <param name="GsoType"><c>gso_type</c>: SKB_GSO_* bits.</param>
public readonly record struct NetDevStartXmit(
    EventHeader Header,
    string Name,
    ushort QueueMapping,
    ulong Skbaddr,
    bool VlanTagged,
    ushort VlanProto,
    ushort VlanTci,
    ushort Protocol,
    byte IpSummed,
    uint Len,
    uint DataLen,
    int NetworkOffset,
    bool TransportOffsetValid,
    int TransportOffset,
    byte TxFlags,
    ushort GsoSize,
    ushort GsoSegs,
    ushort GsoType) : ITraceEvent<NetDevStartXmit>
{
    /// <inheritdoc />
    public static string EventName => "net:net_dev_start_xmit";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out NetDevStartXmit value)
    {
        value = default;
        if (!e.Name.SequenceEqual("net_dev_start_xmit"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if ((r.TryGetString("dev"u8, out string name) || r.TryGetString("name"u8, out name))
            && r.TryGetUInt16("queue_mapping"u8, out ushort queueMapping)
            && r.TryGetHex("skbaddr"u8, out ulong skbaddr)
            && r.TryGetBool("vlan_tagged"u8, out bool vlanTagged)
            && r.TryGetUInt16("vlan_proto"u8, out ushort vlanProto)
            && r.TryGetUInt16("vlan_tci"u8, out ushort vlanTci)
            && r.TryGetUInt16("protocol"u8, out ushort protocol)
            && r.TryGetByte("ip_summed"u8, out byte ipSummed)
            && r.TryGetUInt32("len"u8, out uint len)
            && r.TryGetUInt32("data_len"u8, out uint dataLen)
            && r.TryGetInt32("network_offset"u8, out int networkOffset)
            && r.TryGetBool("transport_offset_valid"u8, out bool transportOffsetValid)
            && r.TryGetInt32("transport_offset"u8, out int transportOffset)
            && r.TryGetByte("tx_flags"u8, out byte txFlags)
            && r.TryGetUInt16("gso_size"u8, out ushort gsoSize)
            && r.TryGetUInt16("gso_segs"u8, out ushort gsoSegs)
            && r.TryGetUInt16("gso_type"u8, out ushort gsoType))
        {
            value = new NetDevStartXmit(
                EventHeader.From(e),
                name,
                queueMapping,
                skbaddr,
                vlanTagged,
                vlanProto,
                vlanTci,
                protocol,
                ipSummed,
                len,
                dataLen,
                networkOffset,
                transportOffsetValid,
                transportOffset,
                txFlags,
                gsoSize,
                gsoSegs,
                gsoType);
            return true;
        }

        return false;
    }
}
