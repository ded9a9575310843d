namespace KernelSim.Models.Net;

/// <summary>
/// What the ping-pong's tasks wait for the CPU when CPU-bound work shares it: the replay driver
/// (<see cref="NetPingPong"/>) asks at the three points where a task could wait (the client's send, the server's
/// wakeup, the client's wakeup after the reply) and tells it when the client's round trip ended.
/// </summary>
internal interface ICpuContention
{
    /// <summary>CPU-bound tasks on the CPU besides the ping-pong.</summary>
    int CpuBoundTasks { get; }

    /// <summary>The scheduler's slice, ns (reported with the prediction).</summary>
    long SliceNs { get; }

    /// <summary>The client is due to send at <paramref name="dueNs"/> (its schedule is <paramref name="scheduledNs"/>); returns when it holds the CPU.</summary>
    long ClientRunsAt(long dueNs, long scheduledNs);

    /// <summary>The client wakes the server at <paramref name="wakeNs"/> and returns from its syscall at <paramref name="burstEndNs"/>; returns when the server runs.</summary>
    long Wakeup(int who, long wakeNs, long burstEndNs);

    /// <summary>The reply was delivered at <paramref name="deliveredNs"/> and the server blocks at <paramref name="serverSleepsNs"/>; returns when the client runs.</summary>
    long ServerSleepsClientWaits(long deliveredNs, long serverSleepsNs);

    /// <summary>The client's round trip ended at <paramref name="endNs"/>.</summary>
    void Ran(long endNs);
}
