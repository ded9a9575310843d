namespace KernelSim.Models.Net;

/// <summary>
/// The fair scheduler (EEVDF, kernel/sched/fair.c of 6.18) on the ping-pong's CPU when CPU-bound tasks (a flood's
/// sender) share it: what a woken ping-pong task waits before it runs. A small model of the decisions that matter here:
/// <list type="bullet">
/// <item>virtual runtime, virtual deadline (vruntime + slice) and eligibility against the queue's average
/// (avg_vruntime, entity_eligible); equal weights (nice 0);</item>
/// <item>placement on wakeup with the lag saved at sleep, scaled for the queue (place_entity, PLACE_LAG), lag clamped at
/// max(2 slices, a tick) (update_entity_lag); delayed dequeue of a sleeper that is not eligible, and its lag clipped to
/// zero when it goes (DELAY_DEQUEUE, DELAY_ZERO);</item>
/// <item>pick: the earliest eligible deadline, except that the running task keeps the CPU until it has used the
/// slice it was picked with (pick_eevdf, RUN_TO_PARITY, set_protect_slice: vprot = deadline);</item>
/// <item>wakeup preemption only if the woken task is what pick_eevdf would choose (check_preempt_wakeup_fair), acted
/// on at the end of the running burst (syscall exit);</item>
/// <item>a running task's expired deadline is noticed only at update_curr: here at the tick (HZ), since nothing else
/// on the CPU calls it (update_curr, update_deadline).</item>
/// </list>
/// The slice is sysctl_sched_base_slice (0.75 ms) times 1 + ilog2(min(CPUs, 8)) (sched_update_scaling, the default
/// SCHED_TUNABLESCALING_LOG). Left out: other weights, cgroups, load balancing to another CPU, lazy preemption.
/// <para>
/// A flood is not one task but two: its sender and its receiver, which on this kernel preempts the sender after every
/// packet (measured: 56,312 of 56,312 sender runs ended with the receiver switched in, one packet each), so the CPU
/// picks again every flood cycle. When the client sent at once on getting the CPU (it had waited: a late send) and the
/// client is the pick when the server sleeps, the CPU first runs one or two flood cycles in a measured share of those
/// round trips (<see cref="FloodCycleNs"/>, <see cref="FloodOneCycleShare"/>, <see cref="FloodTwoCycleShare"/>); after
/// a send made while the client ran (spinning in its pacing loop) it never does (6 of 4,257 in the nine sched captures). The shares are measured,
/// not derived - an EEVDF sketch of the four tasks reproduced the per-packet preemption only with the wakee picked as
/// next buddy, and then not these shares.
/// </para>
/// </summary>
internal sealed class FairShareContention : ICpuContention
{
    /// <summary>Entity index of the ping-pong client.</summary>
    public const int Client = 0;

    /// <summary>Entity index of the ping-pong server.</summary>
    public const int Server = 1;

    /// <summary>sysctl_sched_base_slice before scaling, ns (kernel/sched/fair.c normalized_sysctl_sched_base_slice).</summary>
    public const long NormalizedBaseSliceNs = 750_000;

    private readonly long _slice;
    private readonly long _tick;
    private readonly long _lagLimit;
    private readonly bool _clientBusyPolls;
    private readonly long[] _v;
    private readonly long[] _d;
    private readonly long[] _vprot;
    private readonly long[] _lag;
    private readonly bool[] _onRq;
    private readonly bool[] _delayed;
    private int _curr;
    private long _t;
    private long _nextTick;
    private long _clientPicks;
    private bool _lateSend;

    /// <summary>Creates the CPU with the two ping-pong tasks and <paramref name="cpuBoundTasks"/> always-runnable tasks.</summary>
    /// <param name="cpuBoundTasks">Tasks that never sleep (a flood's sender, a receiver that never empties its socket).</param>
    /// <param name="cpus">Online CPUs (scales the base slice).</param>
    /// <param name="hz">CONFIG_HZ.</param>
    /// <param name="clientBusyPolls">Whether the client spins between requests (sockperf's pacing) rather than sleeping.</param>
    public FairShareContention(int cpuBoundTasks, int cpus, int hz, bool clientBusyPolls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpuBoundTasks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpus);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hz);
        _slice = BaseSliceNs(cpus);
        _tick = 1_000_000_000L / hz;
        _lagLimit = Math.Max(2 * _slice, _tick);
        _clientBusyPolls = clientBusyPolls;
        int n = 2 + cpuBoundTasks;
        _v = new long[n];
        _d = new long[n];
        _vprot = new long[n];
        _lag = new long[n];
        _onRq = new bool[n];
        _delayed = new bool[n];
        for (int i = 0; i < n; i++)
        {
            _d[i] = _slice;
            _onRq[i] = i != Server;
        }

        _curr = Client;
        _vprot[Client] = _d[Client];
        _nextTick = _tick;
        CpuBoundTasks = cpuBoundTasks;
    }

    /// <summary>The CPU-bound tasks modelled.</summary>
    public int CpuBoundTasks { get; }

    /// <summary>
    /// CPU time of one flood cycle on the path (the sender's packet with its softirq delivery, the receiver's wakeup and
    /// read), ns; 0 (default): the flood's cycles never run between the server and the client.
    /// </summary>
    public long FloodCycleNs { get; init; }

    /// <summary>Share of the client's immediate picks after a late send preceded by one flood cycle.</summary>
    public double FloodOneCycleShare { get; init; }

    /// <summary>Share of the client's immediate picks after a late send preceded by two flood cycles.</summary>
    public double FloodTwoCycleShare { get; init; }

    /// <summary>The scaled base slice in ns.</summary>
    public long SliceNs => _slice;

    /// <summary>sysctl_sched_base_slice as the kernel scales it: 0.75 ms × (1 + ilog2(min(cpus, 8))) (kernel/sched/fair.c get_update_sysctl_factor).</summary>
    /// <param name="cpus">Online CPUs.</param>
    public static long BaseSliceNs(int cpus) => NormalizedBaseSliceNs * (1 + (int)Math.Log2(Math.Clamp(cpus, 1, 8)));

    /// <summary>The client is due to send at <paramref name="dueNs"/>; returns when it holds the CPU (others run until then).</summary>
    /// <param name="dueNs">When the client would send if it held the CPU (its schedule, or later if it is behind).</param>
    /// <param name="scheduledNs">Its pacing schedule's time for this send: a send after it is late (sockperf sends at once).</param>
    public long ClientRunsAt(long dueNs, long scheduledNs)
    {
        if (!_onRq[Client] || _delayed[Client])
        {
            // a sleeping client wakes at its due time (a timer)
            RunUntil(dueNs);
            Wake(Client);
            if (Pick() == Client)
            {
                SwitchTo(Client);
            }
        }

        RunUntil(dueNs);
        long runs = RunUntilCurrent(Client);
        _lateSend = runs > scheduledNs; // behind its schedule: it sends the moment it has the CPU
        return runs;
    }

    /// <summary>
    /// The task on the CPU wakes <paramref name="who"/> at <paramref name="wakeNs"/> and stays in the kernel until
    /// <paramref name="burstEndNs"/> (its syscall exit); returns when <paramref name="who"/> runs.
    /// </summary>
    public long Wakeup(int who, long wakeNs, long burstEndNs)
    {
        Burst(wakeNs);
        UpdateDeadline(_curr);
        Wake(who);
        bool preempt = Pick() == who;
        Burst(burstEndNs);
        if (preempt)
        {
            SwitchTo(who);
            return _t;
        }

        if (_curr == Client)
        {
            // not preempted: the client goes on into recvfrom, finds nothing yet and sleeps
            Sleep(Client);
            Schedule();
        }

        return RunUntilCurrent(who);
    }

    /// <summary>
    /// The server delivered the reply at <paramref name="deliveredNs"/> (waking the client if it sleeps) and blocks in
    /// recvfrom at <paramref name="serverSleepsNs"/>; returns when the client runs.
    /// </summary>
    public long ServerSleepsClientWaits(long deliveredNs, long serverSleepsNs)
    {
        Burst(deliveredNs);
        if (!_onRq[Client] || _delayed[Client])
        {
            UpdateDeadline(_curr);
            Wake(Client);
        }

        Burst(serverSleepsNs);
        Sleep(Server);
        Schedule();
        if (_curr == Client && _lateSend && FloodCycleNs > 0 && CpuBoundTasks > 0)
        {
            RunFloodCycles(FloodCycles(_clientPicks++));
        }

        return RunUntilCurrent(Client);
    }

    /// <summary>The client ran until <paramref name="endNs"/> (its recvfrom returned and it took its timestamp).</summary>
    public void Ran(long endNs)
    {
        Burst(endNs);
        if (!_clientBusyPolls)
        {
            Sleep(Client);
            Schedule();
        }
    }

    // How many flood cycles precede the client's n-th immediate pick: a deterministic, evenly spread sequence
    // (golden-ratio steps) with the measured shares.
    private int FloodCycles(long n)
    {
        double u = (n * 0.6180339887498949) % 1.0;
        return u < FloodTwoCycleShare ? 2 : u < FloodTwoCycleShare + FloodOneCycleShare ? 1 : 0;
    }

    // The flood's cycles run before the client: their CPU time is the flood's (the first CPU-bound entity); ticks
    // renew its deadline but the client, picked already, runs next.
    private void RunFloodCycles(int cycles)
    {
        int client = _curr;
        _curr = 2;
        Accrue(_t + (cycles * FloodCycleNs));
        _curr = client;
    }

    // The running task keeps the CPU (a kernel burst): its runtime accrues, ticks renew its deadline, and a resched
    // they ask for is acted on at the end of the burst.
    private void Burst(long until)
    {
        if (Accrue(until))
        {
            Schedule();
        }
    }

    // Whatever is current runs (hogs in user space: a resched at the tick takes effect at once).
    private void RunUntil(long until)
    {
        while (_t < until)
        {
            if (Accrue(Math.Min(until, _nextTick)))
            {
                Schedule();
            }
        }
    }

    // The current task runs to until: its vruntime accrues and each tick on the way renews its deadline if due
    // (update_curr at the tick); returns whether a tick asked for a resched (a renewed deadline, others queued).
    private bool Accrue(long until)
    {
        bool resched = false;
        while (_t < until)
        {
            long step = Math.Min(until, _nextTick) - _t;
            _v[_curr] += step;
            _t += step;
            if (_t == _nextTick)
            {
                _nextTick += _tick;
                resched |= UpdateDeadline(_curr) && Queued() > 1;
            }
        }

        return resched;
    }

    private long RunUntilCurrent(int who)
    {
        while (_curr != who)
        {
            RunUntil(_nextTick);
        }

        return _t;
    }

    private int Queued()
    {
        int n = 0;
        for (int i = 0; i < _onRq.Length; i++)
        {
            n += _onRq[i] ? 1 : 0;
        }

        return n;
    }

    // avg_vruntime: the mean vruntime of the queued entities (equal weights), rounded down
    private long Average()
    {
        long sum = 0;
        int n = 0;
        for (int i = 0; i < _v.Length; i++)
        {
            if (_onRq[i])
            {
                sum += _v[i];
                n++;
            }
        }

        return n == 0 ? 0 : (long)Math.Floor(sum / (double)n);
    }

    private bool Eligible(int i) => _v[i] <= Average();

    // kernel/sched/fair.c update_deadline: a new request once the old deadline is passed
    private bool UpdateDeadline(int i)
    {
        if (_v[i] < _d[i])
        {
            return false;
        }

        _d[i] = _v[i] + _slice;
        return true;
    }

    // kernel/sched/fair.c pick_eevdf
    private int Pick()
    {
        int curr = _onRq[_curr] && !_delayed[_curr] && Eligible(_curr) ? _curr : -1;
        if (curr >= 0 && _v[curr] < _vprot[curr])
        {
            return curr; // RUN_TO_PARITY: protected until the slice it was picked with is used
        }

        long avg = Average();
        int best = -1;
        for (int i = 0; i < _v.Length; i++)
        {
            if (_onRq[i] && _v[i] <= avg && (best < 0 || _d[i] < _d[best]))
            {
                best = i;
            }
        }

        return best < 0 ? _curr : best;
    }

    // __schedule → pick_next_entity: a delayed entity that is picked leaves the queue (DELAY_ZERO clips its lag)
    private void Schedule()
    {
        while (true)
        {
            int n = Pick();
            if (_delayed[n])
            {
                _delayed[n] = false;
                _onRq[n] = false;
                _lag[n] = Math.Min(_lag[n], 0);
                continue;
            }

            SwitchTo(n);
            return;
        }
    }

    // kernel/sched/fair.c set_next_entity → set_protect_slice (equal slices: vprot is the deadline)
    private void SwitchTo(int n)
    {
        if (n != _curr)
        {
            _curr = n;
            _vprot[n] = _d[n];
        }
    }

    // kernel/sched/fair.c dequeue_entity (DEQUEUE_SLEEP): save the lag; a task that is not eligible stays queued (delayed)
    private void Sleep(int i)
    {
        long avg = Average();
        _lag[i] = Math.Clamp(avg - _v[i], -_lagLimit, _lagLimit);
        if (_v[i] > avg)
        {
            _delayed[i] = true;
        }
        else
        {
            _onRq[i] = false;
        }
    }

    // kernel/sched/fair.c enqueue_entity → place_entity (or requeue_delayed_entity)
    private void Wake(int i)
    {
        if (_delayed[i])
        {
            _delayed[i] = false;
            long lagNow = Average() - _v[i];
            if (lagNow <= 0)
            {
                return; // requeued where it is
            }

            _onRq[i] = false;
            _lag[i] = 0;
        }

        if (_onRq[i])
        {
            return;
        }

        int queued = Queued();
        long lag = queued > 0 ? _lag[i] * (queued + 1) / queued : _lag[i];
        _v[i] = (queued > 0 ? Average() : _v[i]) - lag;
        _d[i] = _v[i] + _slice;
        _onRq[i] = true;
    }
}
