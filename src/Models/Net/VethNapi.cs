namespace KernelSim.Models.Net;

/// <summary>
/// veth in NAPI mode on a hop (GRO enabled on the receiving end, or XDP attached): veth_xmit puts the skb on the peer
/// rx queue's ptr_ring instead of the backlog, and the peer's own NAPI (veth_poll) delivers it
/// (drivers/net/veth.c veth_xmit, veth_forward_skb → veth_xdp_rx, __veth_xdp_flush, veth_poll).
/// </summary>
public sealed record VethNapi
{
    /// <summary>VETH_RING_SIZE: entries of one rx queue's ptr_ring (drivers/net/veth.c).</summary>
    public const int VethRingSize = 256;

    /// <summary>NAPI_POLL_WEIGHT: the weight veth registers its NAPI with, the budget veth_poll gets (include/linux/netdevice.h).</summary>
    public const int NapiPollWeight = 64;

    /// <summary>Ring entries; a transmit onto a full ring is dropped (noqueue: veth_xmit drops on NETDEV_TX_BUSY, tx_dropped).</summary>
    public int RingSize { get; init; } = VethRingSize;

    /// <summary>The NAPI's weight: at most this many ring entries per veth_poll (drivers/net/veth.c veth_xdp_rcv).</summary>
    public int Weight { get; init; } = NapiPollWeight;

    /// <summary>Fixed cost of one veth_poll besides its packets (napi_complete_done, the GRO flush), ns.</summary>
    public long PollNs { get; init; }

    /// <summary>
    /// Consecutive ring entries GRO merges into one skb for the stack (1: none). A UDP socket without UDP_GRO is not
    /// merged (net/ipv4/udp_offload.c udp_gro_receive flushes it); a TCP stream is, up to 64 KiB. The stack's receive
    /// cost is paid once per merged skb.
    /// </summary>
    public int GroSegments { get; init; } = 1;

    /// <summary>GRO work per ring entry (napi_gro_receive: dev_gro_receive, the protocol's gro_receive), ns.</summary>
    public long GroNs { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (RingSize < 1 || Weight < 1 || PollNs < 0 || GroSegments < 1 || GroNs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(VethNapi), this, "ring size, weight and GRO segments must be >= 1, costs >= 0");
        }
    }
}
