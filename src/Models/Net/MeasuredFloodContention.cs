namespace KernelSim.Models.Net;

/// <summary>
/// What happens to a round trip sent on time (the client was running, spinning in its pacing loop) in one state of
/// the chain: the share whose client then waits long for the flood, and those waits' quantiles at evenly spaced levels
/// from 0 to 1, ns.
/// </summary>
internal sealed record FloodOnTimeOutcome(double LongShare, long[] WaitQuantilesNs);

/// <summary>
/// The ping-pong on the CPU of a CPU-bound UDP flood (its sender never sleeps; its receiver preempts the sender after
/// every packet), with the fair scheduler's outcome taken from measurement rather than from a model of its vruntimes:
/// <list type="bullet">
/// <item>the server, woken by the request, runs as soon as the client's syscall returns (as idle);</item>
/// <item>when the server sleeps after its reply, the client either runs (after zero, one or two flood cycles) or the
/// flood keeps the CPU for a long wait. The chance and the wait's length depend on how the client sent and on the round
/// trip before (the client's lag, which the kernel keeps and we cannot read, shows in them):
/// <list type="bullet">
/// <item>late - it had waited for the flood and sent the moment it got the CPU back: it almost never waits again
/// (<see cref="LongShareAfterLate"/>; the waits of all states pooled, <see cref="LateWaitQuantilesNs"/>); zero, one or
/// two flood cycles run first (<see cref="OneCycleShare"/>, <see cref="TwoCycleShare"/>), each costing
/// <see cref="FloodCycleNs"/>, the path's own flood packet;</item>
/// <item>on time after such a late round trip (a full interval of spinning since it came back): <c>afterReturn</c>;</item>
/// <item>on time after a long wait that ended before the next send was due: <c>afterWait</c> (it waits again almost
/// always);</item>
/// <item>on time otherwise: <c>spinning</c>.</item>
/// </list></item>
/// <item>a long wait that runs past the client's next send time makes that send late: how many sends are late comes
/// out of the pacing interval and the waits. Late is counted as the measurement counts it: sent behind schedule right
/// after the CPU came back from the flood (a long wait or flood cycles); a further send behind schedule after a round
/// trip whose client took the CPU from the server counts as on time.</item>
/// </list>
/// The draws are deterministic low-discrepancy sequences (Weyl steps of irrational fractions, one per decision), so a
/// replay is repeatable and the shares are met closely even in short runs. Why measured: the vruntime model
/// (<see cref="FairShareContention"/>) gets the tail but makes 14% of round trips wait where the kernel makes 46%, and
/// the lab kernel's scheduler state (sched features, vruntimes) cannot be read to find out why.
/// </summary>
internal sealed class MeasuredFloodContention : ICpuContention
{
    private readonly FloodOnTimeOutcome[] _onTime;
    private readonly long[] _lateWaits;
    private readonly long[] _draws = new long[8];
    private long _clientFreeAt = long.MinValue;
    private bool _late;
    private bool _fromFlood;
    private bool _prevLate;
    private bool _prevLong;

    /// <summary>Creates the model.</summary>
    /// <param name="afterReturn">On-time sends after a late round trip.</param>
    /// <param name="afterWait">On-time sends after a round trip whose client waited long.</param>
    /// <param name="spinning">Other on-time sends.</param>
    /// <param name="lateWaitQuantilesNs">The waits after late sends (quantiles at evenly spaced levels, at least two, ascending).</param>
    /// <param name="cpus">Online CPUs (for the reported slice).</param>
    public MeasuredFloodContention(FloodOnTimeOutcome afterReturn, FloodOnTimeOutcome afterWait, FloodOnTimeOutcome spinning, IReadOnlyList<long> lateWaitQuantilesNs, int cpus)
    {
        ArgumentNullException.ThrowIfNull(lateWaitQuantilesNs);
        _onTime = [Copy(afterReturn, nameof(afterReturn)), Copy(afterWait, nameof(afterWait)), Copy(spinning, nameof(spinning))];

        _lateWaits = [.. lateWaitQuantilesNs];
        Validate(_lateWaits);
        SliceNs = FairShareContention.BaseSliceNs(cpus);
    }

    /// <inheritdoc/>
    public int CpuBoundTasks => 1;

    /// <inheritdoc/>
    public long SliceNs { get; }

    /// <summary>CPU time of one flood cycle on the path (sender's packet through the path in its softirq, receiver's read), ns.</summary>
    public long FloodCycleNs { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(FloodCycleNs), value, "a cycle cannot be negative"); }

    /// <summary>Share of round trips sent late whose client then waits long for the flood.</summary>
    public double LongShareAfterLate { get; init => field = Share(value, nameof(LongShareAfterLate)); }

    /// <summary>Of the late sends whose client runs without a long wait: share with one flood cycle first.</summary>
    public double OneCycleShare { get; init => field = Share(value, nameof(OneCycleShare)); }

    /// <summary>As <see cref="OneCycleShare"/> for two flood cycles.</summary>
    public double TwoCycleShare { get; init => field = Share(value, nameof(TwoCycleShare)); }

    /// <summary>
    /// Factor on the waits drawn after spinning, after a wait and after late sends (default 1), not after a late round
    /// trip (their runs exceed 1.2 ms, past where a wait grows with the run: the captures show them the same on every
    /// path): the what-if sets it from how long the client waits per unit of its run on the proposed path over the
    /// captures' paths (NetWhatIf.FloodPayback).
    /// </summary>
    public double WaitScale { get; init => field = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(WaitScale), value, "the wait scale must be positive"); } = 1;

    /// <summary>The quantiles of the waits drawn after late sends, ns.</summary>
    public IReadOnlyList<long> LateWaitQuantilesNs => _lateWaits;

    /// <summary>Whether the last send was late as the model counts it (behind schedule, right after the CPU came back from the flood).</summary>
    public bool LastSendLate => _late;

    /// <inheritdoc/>
    public long ClientRunsAt(long dueNs, long scheduledNs)
    {
        long runs = Math.Max(dueNs, _clientFreeAt);
        _late = runs > scheduledNs && _fromFlood;
        return runs;
    }

    /// <inheritdoc/>
    public long Wakeup(int who, long wakeNs, long burstEndNs) => Math.Max(wakeNs, burstEndNs);

    /// <inheritdoc/>
    public long ServerSleepsClientWaits(long deliveredNs, long serverSleepsNs)
    {
        long t = Math.Max(deliveredNs, serverSleepsNs);
        long runs;
        bool waited;
        if (_late)
        {
            double u = Draw(0);
            waited = u < LongShareAfterLate;
            runs = waited ? t + Scaled(Quantile(_lateWaits, Draw(4)))
                : t + (FloodCycleNs * Cycles((u - LongShareAfterLate) / (1 - LongShareAfterLate)));
        }
        else
        {
            int state = _prevLong ? 1 : _prevLate ? 0 : 2;
            FloodOnTimeOutcome o = _onTime[state];
            waited = Draw(1 + state) < o.LongShare;
            // the waits after a late round trip (runs past 1.2 ms) are the same on every path in the captures; the others
            // follow the path's payback factor
            long wait = Quantile(o.WaitQuantilesNs, Draw(5 + state));
            runs = waited ? t + (state == 0 ? wait : Scaled(wait)) : t;
        }

        _prevLate = _late;
        _prevLong = waited;
        _fromFlood = runs > t;
        _clientFreeAt = runs;
        return runs;
    }

    /// <inheritdoc/>
    public void Ran(long endNs)
    {
    }

    private static double Share(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, "a share is between 0 and 1");

    private static FloodOnTimeOutcome Copy(FloodOnTimeOutcome o, string name)
    {
        ArgumentNullException.ThrowIfNull(o, name);
        if (o.LongShare is < 0 or > 1)
        {
            throw new ArgumentException($"a long-wait share of {o.LongShare} is outside 0..1", name);
        }

        long[] q = [.. o.WaitQuantilesNs];
        Validate(q);
        return new FloodOnTimeOutcome(o.LongShare, q);
    }

    private static void Validate(long[] q)
    {
        if (q.Length < 2)
        {
            throw new ArgumentException("at least two quantiles (the minimum and the maximum) are needed");
        }

        for (int i = 0; i < q.Length; i++)
        {
            if (q[i] < 0 || (i > 0 && q[i] < q[i - 1]))
            {
                throw new ArgumentException($"quantile {i} ({q[i]} ns) is negative or below the one before");
            }
        }
    }

    // the next value in [0, 1) of decision k's sequence: Weyl steps of the fractional parts of the golden ratio and of
    // the square roots of 2, 3, 5, 7, 11, 13 and 17
    private double Draw(int k)
    {
        ReadOnlySpan<double> steps = [0.6180339887498949, 0.4142135623730951, 0.7320508075688772, 0.2360679774997898, 0.6457513110645907, 0.3166247903554, 0.6055512754639891, 0.1231056256176606];
        return (++_draws[k] * steps[k]) % 1.0;
    }

    private long Scaled(long wait) => (long)Math.Round(wait * WaitScale);

    private int Cycles(double u) => u < TwoCycleShare ? 2 : u < TwoCycleShare + OneCycleShare ? 1 : 0;

    // linear between the quantiles
    private static long Quantile(long[] q, double u)
    {
        double pos = u * (q.Length - 1);
        int i = Math.Min((int)pos, q.Length - 2);
        double f = pos - i;
        return q[i] + (long)Math.Round(f * (q[i + 1] - q[i]));
    }
}
