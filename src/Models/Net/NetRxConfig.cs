namespace KernelSim.Models.Net;

/// <summary>
/// The receive-path sysctls and kernel constants the backlog/softirq model depends on (defaults are Linux 6.18's
/// and this VM's: HZ 250, netdev_max_backlog 1000, netdev_budget 300, netdev_budget_usecs 8000, dev_weight 64).
/// </summary>
public sealed record NetRxConfig
{
    /// <summary>net.core.netdev_max_backlog: enqueue_to_backlog accepts while input_pkt_queue holds at most this many (net/core/dev.c enqueue_to_backlog).</summary>
    public int NetdevMaxBacklog { get; init; } = 1000;

    /// <summary>net.core.netdev_budget: packets one net_rx_action pass may take before it squeezes (net/core/dev.c net_rx_action).</summary>
    public int NetdevBudget { get; init; } = 300;

    /// <summary>net.core.netdev_budget_usecs: the pass's time limit, converted to jiffies (net/core/dev.c net_rx_action).</summary>
    public int NetdevBudgetUsecs { get; init; } = 8000;

    /// <summary>net.core.dev_weight (times dev_weight_rx_bias): the backlog NAPI's quota per poll (net/core/dev.c process_backlog).</summary>
    public int DevWeight { get; init; } = 64;

    /// <summary>CONFIG_HZ: the tick the time limits are counted in.</summary>
    public int Hz { get; init; } = 250;

    /// <summary>MAX_SOFTIRQ_TIME in milliseconds: handle_softirqs restarts only within this window (kernel/softirq.c).</summary>
    public int MaxSoftirqTimeMs { get; init; } = 2;

    /// <summary>MAX_SOFTIRQ_RESTART: handle_softirqs runs the pending vectors at most this many times before waking ksoftirqd (kernel/softirq.c).</summary>
    public int MaxSoftirqRestart { get; init; } = 10;

    /// <summary>Length of one jiffy in nanoseconds.</summary>
    public long JiffyNs => 1_000_000_000L / Hz;

    /// <summary>The net_rx_action time limit in jiffies: usecs_to_jiffies rounds up (include/linux/jiffies.h usecs_to_jiffies).</summary>
    public long BudgetJiffies => CeilDiv((long)NetdevBudgetUsecs * Hz, 1_000_000L);

    /// <summary>MAX_SOFTIRQ_TIME in jiffies: msecs_to_jiffies rounds up (include/linux/jiffies.h msecs_to_jiffies).</summary>
    public long MaxSoftirqJiffies => CeilDiv((long)MaxSoftirqTimeMs * Hz, 1_000L);

    /// <summary>Packets input_pkt_queue can hold: the length test is "at most max" before the append, so max + 1.</summary>
    public int BacklogCapacity => NetdevMaxBacklog + 1;

    /// <summary>Throws when a setting is out of the range the kernel accepts (or the model supports).</summary>
    public void Validate()
    {
        if (NetdevMaxBacklog < 0 || NetdevBudget < 1 || NetdevBudgetUsecs < 0 || DevWeight < 1 || Hz < 1 || MaxSoftirqTimeMs < 0 || MaxSoftirqRestart < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NetRxConfig), this, "receive-path settings out of range");
        }
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
