using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// net:netif_rx_exit — return from <c>netif_rx</c>.
/// </summary>
/// <remarks>
/// Kernel: net/core/dev.c <c>netif_rx</c> (class net_dev_rx_exit_template); fields per
/// events/net/netif_rx_exit/format.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Ret"><c>ret</c>: NET_RX_SUCCESS (0) or NET_RX_DROP (1).</param>
public readonly record struct NetifRxExit(
    EventHeader Header,
    int Ret) : ITraceEvent<NetifRxExit>
{
    /// <inheritdoc />
    public static string EventName => "net:netif_rx_exit";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out NetifRxExit value)
    {
        value = default;
        if (!e.Name.SequenceEqual("netif_rx_exit"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("ret"u8, out int ret))
        {
            value = new NetifRxExit(EventHeader.From(e), ret);
            return true;
        }

        return false;
    }
}
