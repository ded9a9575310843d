namespace KernelSim.Models.Net;

/// <summary>
/// One packet's own stage costs (a replayed packet keeps what its capture measured, net of tracing): the send path
/// and, per hop of the topology, the transmit and the receive. Overrides the topology's per-hop costs for that packet.
/// </summary>
/// <param name="SendPathNs">Send syscall entry to the first device transmit (socket, UDP, IP output).</param>
/// <param name="XmitNs">Per hop: transmit through the backlog enqueue (hop 0 also carries this packet's deviation from the mean softirq entry).</param>
/// <param name="ReceiveNs">Per hop: __netif_receive_skb work (bridge forward decision, or IP/UDP delivery and the wakeup on the last hop).</param>
internal sealed record NetPacketCosts(long SendPathNs, long[] XmitNs, long[] ReceiveNs);

/// <summary>
/// One replayed round trip of a pinned ping-pong: the request's and the reply's path costs and the task-side stages
/// around them, as a capture measured them (net of tracing) or as a what-if rebuilt them for another topology.
/// </summary>
/// <param name="Request">The request's path costs (client to server).</param>
/// <param name="Reply">The reply's path costs (server to client).</param>
/// <param name="RequestReturnNs">After the request's napi_poll: softirq exit and the client's sendto return (napi_poll to sys_exit_sendto).</param>
/// <param name="ServerWakeNs">The switch to the woken server and its recvfrom return.</param>
/// <param name="TurnaroundNs">Server user time from recvfrom return to the reply's sendto.</param>
/// <param name="ReplyReturnNs">After the reply's napi_poll: softirq exit and the server's sendto return.</param>
/// <param name="ClientWakeNs">Server's recvfrom entry and block, the switch to the client, the client's recvfrom return, and the client's own user time inside its measurement (sockperf's timestamps).</param>
/// <param name="ResidualNs">What the stage costs do not explain in this round trip (interrupts, preemption by other tasks, timestamp quantisation), added at the end.</param>
internal sealed record NetRoundTrip(
    NetPacketCosts Request,
    NetPacketCosts Reply,
    long RequestReturnNs,
    long ServerWakeNs,
    long TurnaroundNs,
    long ReplyReturnNs,
    long ClientWakeNs,
    long ResidualNs);
