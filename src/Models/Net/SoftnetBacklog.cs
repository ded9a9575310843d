namespace KernelSim.Models.Net;

/// <summary>Outcome of <see cref="SoftnetBacklog{T}.Enqueue"/>.</summary>
public enum BacklogEnqueueResult
{
    /// <summary>Queued behind packets already waiting; the backlog NAPI was already scheduled.</summary>
    Queued,

    /// <summary>Queued on an empty input queue with the NAPI idle: the NAPI is now scheduled and NET_RX must be raised.</summary>
    QueuedAndScheduled,

    /// <summary>Dropped: input_pkt_queue was over netdev_max_backlog (softnet_stat column 2).</summary>
    Dropped,
}

/// <summary>
/// One CPU's softnet_data backlog: input_pkt_queue (where enqueue_to_backlog appends), process_queue (what
/// process_backlog consumes), the backlog NAPI's SCHED bit and the softnet_stat counters.
/// </summary>
/// <typeparam name="T">The queued item (a simulated skb).</typeparam>
public sealed class SoftnetBacklog<T>
{
    private readonly Queue<T> _input = new();
    private readonly Queue<T> _process = new();
    private readonly int _maxBacklog;

    /// <summary>Creates an empty backlog.</summary>
    /// <param name="netdevMaxBacklog">net.core.netdev_max_backlog.</param>
    public SoftnetBacklog(int netdevMaxBacklog)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(netdevMaxBacklog);
        _maxBacklog = netdevMaxBacklog;
    }

    /// <summary>Packets waiting in input_pkt_queue.</summary>
    public int InputLength => _input.Count;

    /// <summary>Packets waiting in process_queue (not counted against netdev_max_backlog).</summary>
    public int ProcessLength => _process.Count;

    /// <summary>Whether the backlog NAPI is scheduled (NAPI_STATE_SCHED).</summary>
    public bool Scheduled { get; private set; }

    /// <summary>softnet_stat column 1: packets handed to __netif_receive_skb.</summary>
    public long Processed { get; private set; }

    /// <summary>softnet_stat column 2: packets dropped at the backlog.</summary>
    public long Dropped { get; private set; }

    /// <summary>Appends a packet unless the input queue is over the limit (net/core/dev.c enqueue_to_backlog).</summary>
    /// <param name="item">The packet.</param>
    public BacklogEnqueueResult Enqueue(T item)
    {
        // the test is made on the length before the append: qlen <= max accepts, so capacity is max + 1
        if (_input.Count > _maxBacklog)
        {
            Dropped++;
            return BacklogEnqueueResult.Dropped;
        }

        bool schedule = _input.Count == 0 && !Scheduled;
        _input.Enqueue(item);
        if (schedule)
        {
            // net/core/dev.c enqueue_to_backlog: test-and-set SCHED, then napi_schedule_rps
            Scheduled = true;
            return BacklogEnqueueResult.QueuedAndScheduled;
        }

        return BacklogEnqueueResult.Queued;
    }

    /// <summary>
    /// Takes the next packet for __netif_receive_skb, splicing input_pkt_queue into process_queue when the latter is
    /// empty; returns false and clears the SCHED bit when both are empty (net/core/dev.c process_backlog).
    /// </summary>
    /// <param name="item">The packet taken.</param>
    public bool TryTakeNext(out T item)
    {
        if (_process.Count == 0)
        {
            if (_input.Count == 0)
            {
                // net/core/dev.c process_backlog: inline napi completion when both queues are empty
                Scheduled = false;
                item = default!;
                return false;
            }

            while (_input.Count > 0)
            {
                _process.Enqueue(_input.Dequeue());
            }
        }

        item = _process.Dequeue();
        Processed++;
        return true;
    }
}
