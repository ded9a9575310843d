using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// net:netif_rx_entry — entry to <c>netif_rx</c>, the non-NAPI receive path (loopback and veth transmits take it on
/// the host).
/// </summary>
/// <remarks>
/// Kernel: net/core/dev.c <c>netif_rx</c> (class net_dev_rx_verbose_template); fields per
/// events/net/netif_rx_entry/format. trace-cmd -R prints name= instead of dev=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Name"><c>name</c>: the device (printed dev=).</param>
/// <param name="NapiId"><c>napi_id</c>.</param>
/// <param name="QueueMapping"><c>queue_mapping</c>.</param>
/// <param name="Skbaddr"><c>skbaddr</c>: the sk_buff address (ftrace prints it hashed, "%p"; trace-cmd prints the
/// real address). Links one packet's events; addresses are recycled.</param>
/// <param name="VlanTagged"><c>vlan_tagged</c>.</param>
/// <param name="VlanProto"><c>vlan_proto</c>.</param>
/// <param name="VlanTci"><c>vlan_tci</c>.</param>
/// <param name="Protocol"><c>protocol</c>: ethertype as printed.</param>
/// <param name="IpSummed"><c>ip_summed</c>.</param>
/// <param name="Hash"><c>hash</c>: skb->hash.</param>
/// <param name="L4Hash"><c>l4_hash</c>.</param>
/// <param name="Len"><c>len</c>: skb->len, bytes.</param>
/// <param name="DataLen"><c>data_len</c>.</param>
/// <param name="Truesize"><c>truesize</c>: memory charged for the skb.</param>
/// <param name="MacHeaderValid"><c>mac_header_valid</c>.</param>
/// <param name="MacHeader"><c>mac_header</c>: offset of the MAC header from data (negative once pulled).</param>
/// <param name="NrFrags"><c>nr_frags</c>.</param>
/// <param name="GsoSize"><c>gso_size</c>.</param>
/// <param name="GsoType"><c>gso_type</c>.</param>
public readonly record struct NetifRxEntry(
    EventHeader Header,
    string Name,
    uint NapiId,
    ushort QueueMapping,
    ulong Skbaddr,
    bool VlanTagged,
    ushort VlanProto,
    ushort VlanTci,
    ushort Protocol,
    byte IpSummed,
    uint Hash,
    bool L4Hash,
    uint Len,
    uint DataLen,
    uint Truesize,
    bool MacHeaderValid,
    int MacHeader,
    byte NrFrags,
    ushort GsoSize,
    ushort GsoType) : ITraceEvent<NetifRxEntry>
{
    /// <inheritdoc />
    public static string EventName => "net:netif_rx_entry";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out NetifRxEntry value)
    {
        value = default;
        if (!e.Name.SequenceEqual("netif_rx_entry"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if ((r.TryGetString("dev"u8, out string name) || r.TryGetString("name"u8, out name))
            && r.TryGetUInt32("napi_id"u8, out uint napiId)
            && r.TryGetUInt16("queue_mapping"u8, out ushort queueMapping)
            && r.TryGetHex("skbaddr"u8, out ulong skbaddr)
            && r.TryGetBool("vlan_tagged"u8, out bool vlanTagged)
            && r.TryGetUInt16("vlan_proto"u8, out ushort vlanProto)
            && r.TryGetUInt16("vlan_tci"u8, out ushort vlanTci)
            && r.TryGetUInt16("protocol"u8, out ushort protocol)
            && r.TryGetByte("ip_summed"u8, out byte ipSummed)
            && r.TryGetUInt32("hash"u8, out uint hash)
            && r.TryGetBool("l4_hash"u8, out bool l4Hash)
            && r.TryGetUInt32("len"u8, out uint len)
            && r.TryGetUInt32("data_len"u8, out uint dataLen)
            && r.TryGetUInt32("truesize"u8, out uint truesize)
            && r.TryGetBool("mac_header_valid"u8, out bool macHeaderValid)
            && r.TryGetInt32("mac_header"u8, out int macHeader)
            && r.TryGetByte("nr_frags"u8, out byte nrFrags)
            && r.TryGetUInt16("gso_size"u8, out ushort gsoSize)
            && r.TryGetUInt16("gso_type"u8, out ushort gsoType))
        {
            value = new NetifRxEntry(
                EventHeader.From(e),
                name,
                napiId,
                queueMapping,
                skbaddr,
                vlanTagged,
                vlanProto,
                vlanTci,
                protocol,
                ipSummed,
                hash,
                l4Hash,
                len,
                dataLen,
                truesize,
                macHeaderValid,
                macHeader,
                nrFrags,
                gsoSize,
                gsoType);
            return true;
        }

        return false;
    }
}
