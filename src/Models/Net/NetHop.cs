namespace KernelSim.Models.Net;

/// <summary>What kind of device a hop transmits on.</summary>
public enum NetHopKind
{
    /// <summary>lo: loopback_xmit hands the skb to __netif_rx on the same CPU (drivers/net/loopback.c loopback_xmit).</summary>
    Loopback,

    /// <summary>A veth in its default (non-NAPI) mode: veth_xmit → veth_forward_skb → __netif_rx on the sender's CPU (drivers/net/veth.c veth_xmit).</summary>
    Veth,
}

/// <summary>
/// One hop of a packet's path: a transmit (in the sender's context for the first hop, inside the running NET_RX
/// softirq for later ones), a backlog enqueue, and the receive processing that process_backlog does for it.
/// </summary>
/// <param name="Name">Label (device name) for reports.</param>
/// <param name="Kind">The transmitting device.</param>
/// <param name="XmitNs">Transmit cost: dev_queue_xmit to the end of the enqueue (ns).</param>
/// <param name="ReceiveNs">Receive cost of __netif_receive_skb for this hop: bridge forwarding decision, or IP/UDP delivery on the last hop (ns).</param>
public sealed record NetHop(string Name, NetHopKind Kind, long XmitNs, long ReceiveNs)
{
    /// <summary>
    /// veth NAPI mode on this hop (null: the default backlog path). Then the transmit goes onto the receiving end's
    /// ring and its NAPI is scheduled on the transmitting CPU (drivers/net/veth.c veth_xmit with use_napi).
    /// </summary>
    public VethNapi? Napi { get; init; }

    /// <summary>
    /// RPS on the receiving end steers this hop's packets to the other CPU's backlog (net/core/dev.c get_rps_cpu,
    /// enqueue_to_backlog on the target's softnet_data): the transmitting CPU's NET_RX sends an IPI
    /// (net_rps_send_ipi) and the target runs the receive, and every later hop, in its own NET_RX. Ignored on a
    /// NAPI-mode hop (RPS there would apply after GRO, in netif_receive_skb_list_internal; not modelled).
    /// </summary>
    public bool Rps { get; init; }
}
