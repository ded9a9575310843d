namespace KernelSim.Replay.Events;

/// <summary>A softirq vector, as the irq:softirq_* tracepoints print it in "[action=NAME]".</summary>
/// <remarks>Kernel: include/linux/interrupt.h (<c>HI_SOFTIRQ</c> .. <c>RCU_SOFTIRQ</c>); names from
/// include/trace/events/irq.h <c>show_softirq_name</c>.</remarks>
public enum SoftirqVector
{
    /// <summary><c>HI_SOFTIRQ</c>, "HI": high-priority tasklets.</summary>
    Hi = 0,

    /// <summary><c>TIMER_SOFTIRQ</c>, "TIMER".</summary>
    Timer = 1,

    /// <summary><c>NET_TX_SOFTIRQ</c>, "NET_TX".</summary>
    NetTx = 2,

    /// <summary><c>NET_RX_SOFTIRQ</c>, "NET_RX": <c>net_rx_action</c>.</summary>
    NetRx = 3,

    /// <summary><c>BLOCK_SOFTIRQ</c>, "BLOCK": block request completion.</summary>
    Block = 4,

    /// <summary><c>IRQ_POLL_SOFTIRQ</c>, "IRQ_POLL".</summary>
    IrqPoll = 5,

    /// <summary><c>TASKLET_SOFTIRQ</c>, "TASKLET".</summary>
    Tasklet = 6,

    /// <summary><c>SCHED_SOFTIRQ</c>, "SCHED": load balancing.</summary>
    Sched = 7,

    /// <summary><c>HRTIMER_SOFTIRQ</c>, "HRTIMER".</summary>
    Hrtimer = 8,

    /// <summary><c>RCU_SOFTIRQ</c>, "RCU".</summary>
    Rcu = 9,
}
