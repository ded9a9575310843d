using KernelSim.Models.Writeback;
using KernelSim.Simulation;
using KernelSim.Time;

namespace KernelSim.Models.Memcg;

/// <summary>
/// A deterministic page-level simulation of buffered writes in one memory cgroup: page cache folios on
/// the inactive and active file LRU lists (clean, dirty, under writeback), memcg charging with the
/// per-CPU stock and failcnt, memcg reclaim with its priority loop and the v1/v2 treatment of dirty and
/// writeback folios, the flusher and a bandwidth-limited block device, and (v2) the memory.high penalty.
/// </summary>
/// <remarks>
/// Mirrors mm/memcontrol.c (try_charge_memcg, consume_stock/refill_stock, __mem_cgroup_handle_over_high,
/// calculate_high_delay) and mm/vmscan.c (try_to_free_mem_cgroup_pages, do_try_to_free_pages,
/// shrink_lruvec, get_scan_count, shrink_inactive_list, shrink_folio_list, shrink_active_list,
/// inactive_is_low, reclaim_throttle) of Linux 6.18, one partial file per kernel source:
/// WritePathSimulation.Memcontrol.cs, .Vmscan.cs, .Writeback.cs (flusher, device, writeback completion) and
/// .Filemap.cs (write, fsync, truncate); the folios and LRU lists are a <see cref="PageCache"/>. The machine
/// has no swap, so memcg reclaim scans file LRUs only (get_scan_count SCAN_FILE). Besides the page cache,
/// the workload's <see cref="WorkloadFootprint"/> is charged: its anonymous memory once at the start (never
/// reclaimed) and kmem (slab) that grows and shrinks with the page cache; memory.min/low protection applies
/// against a parent limit. Reads (.Readahead.cs: filemap_read and the readahead window) find folios or read
/// them in, and evicted folios leave shadow entries that decide on refault whether the folio returns active
/// (.Workingset.cs, mm/workingset.c). Not modelled: anon reclaim and swap, slab shrinking, MGLRU (off on the lab kernel), kswapd and global reclaim, NUMA. Each thread issues its
/// requests closed-loop; the flusher and the device run concurrently and are advanced lazily to the
/// thread's current time.
/// </remarks>
public sealed partial class WritePathSimulation
{
    private readonly MemcgConfig _config;
    private readonly WritePathCosts _costs;
    private readonly int _hz;
    private readonly long _limit;
    private readonly long _parentLimit;
    private readonly long _minPages;
    private readonly long _lowPages;
    private readonly long _high;
    private readonly int _pageBytes;
    private long _cacheHighWater;

    // The page cache: folio table, file lookup, inactive and active file LRUs.
    private readonly PageCache _cache = new();

    // Running event counters (reported with the gauges by Counters()).
    private WritePathCounters _stats;

    // Writeback.cs: flusher queue of dirty folios (folio id + generation to skip stale entries), and device FIFO.
    private readonly DirtyQueue _dirtyQueue = new();
    private readonly IntRing _inflight = new();
    private long _dirtyPages;
    private long _writebackPages;
    private long _flushTargetPages;
    private long _flusherReadyAt;
    private readonly long[] _slotFreeAt;
    private long _requestDone;
    private long _requestPagesLeft;
    private long _completedPages;

    // Writeback.cs: balance_dirty_pages and its global counts.
    private readonly DirtyThrottle? _throttle;
    private long _totalDirtied;
    private long _totalWritten;

    // Memcontrol.cs: memcg page counter and per-CPU stock (one CPU: the workload's).
    private long _usage;
    private long _stock;
    private long _maxUsage;
    private long _overHighPages;

    // Vmscan.cs: the protection (memory.min/low) of the current reclaim, as get_scan_count applies it.
    private long _protectionPages;

    // Per-request accumulators.
    private long _now;
    private long _opReclaimNs;
    private long _opWaitNs;
    private long _opThrottleNs;
    private long _opHighNs;
    private int _opReclaimCalls;
    private long _opPauseNs;

    // Workload footprint: anon and kmem charged outside the LRU (Memcontrol.cs), hot mapped fills (Filemap.cs).
    private readonly WorkloadFootprint _footprint;
    private readonly long _kmemPpmPerPage;
    private long _kmemPpm;
    private long _kmemPages;
    private long _anonPages;
    private long _hotPagesLeft;
    private long _activatedPagesLeft;
    private long _mappedPpm = 1_000_000;
    private long _mappedAcc;

    /// <summary>Creates a simulation of one memcg under <paramref name="config"/> with calibrated <paramref name="costs"/>.</summary>
    /// <param name="config">The memcg.</param>
    /// <param name="costs">Calibrated costs.</param>
    /// <param name="writeback">Dirty-throttling configuration (vm.dirty_* sysctls); null leaves balance_dirty_pages out.</param>
    /// <param name="dirtyablePages">global_dirtyable_memory of the machine, in pages (used with <paramref name="writeback"/>).</param>
    /// <param name="footprint">What the workload charges besides the replayed page cache (null: nothing).</param>
    public WritePathSimulation(MemcgConfig config, WritePathCosts costs, WritebackConfig? writeback = null, long dirtyablePages = 0, WorkloadFootprint? footprint = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(costs);
        _config = config;
        _costs = costs;
        _hz = config.Kernel.Hz;
        _limit = config.LimitPages;
        _parentLimit = config.ParentLimitPages;
        _minPages = config.MinPages;
        _lowPages = config.LowPages;
        _high = config.HighPages;
        _pageBytes = config.Kernel.PageSize.Value;
        _slotFreeAt = new long[Math.Max(1, costs.DeviceQueueDepth)];
        _footprint = footprint ?? WorkloadFootprint.None;
        _kmemPpmPerPage = (long)Math.Round(Math.Max(0, _footprint.KmemPerCacheByte) * 1_000_000);
        _activatedPagesLeft = Math.Max(0, _footprint.ActivatedFillBytes) / _pageBytes;
        _hotPagesLeft = Math.Max(_activatedPagesLeft, Math.Max(0, _footprint.HotMappedBytes) / _pageBytes);
        if (writeback is not null)
        {
            _throttle = new DirtyThrottle(writeback, Math.Max(1, dirtyablePages), SimTime.Zero);
        }
    }

    /// <summary>
    /// Runs the requests (each thread closed-loop in list order; threads interleave by time) from
    /// <paramref name="start"/> and returns every outcome. Same input, same output.
    /// </summary>
    /// <param name="requests">The workload.</param>
    /// <param name="start">Simulation time of the first request's earliest start.</param>
    /// <param name="sampleEvery">Interval of the usage/working-set samples.</param>
    public WritePathResult Run(IReadOnlyList<WriteRequest> requests, SimTime start, SimDuration sampleEvery)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var outcomes = new WriteOutcome[requests.Count];
        var samples = new List<MemcgSample>();
        long sampleNs = Math.Max(sampleEvery.TotalNanoseconds, 1);
        long nextSample = start.TotalNanoseconds;

        // Per-thread queues of request indices; the next request to run is the earliest-ready thread's.
        var queues = new Dictionary<int, Queue<int>>();
        var threadOrder = new List<int>();
        for (int i = 0; i < requests.Count; i++)
        {
            if (!queues.TryGetValue(requests[i].ThreadId, out Queue<int>? q))
            {
                q = new Queue<int>();
                queues.Add(requests[i].ThreadId, q);
                threadOrder.Add(requests[i].ThreadId);
            }

            q.Enqueue(i);
        }

        // Threads are ordered by when their next request begins (ready time + its think time), so requests
        // run in begin order; requests of different threads that overlap are serialised on the memcg.
        long fillPages = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            if (requests[i].Kind == WriteRequestKind.CacheFill)
            {
                fillPages += (requests[i].Bytes + _pageBytes - 1) / _pageBytes;
            }
        }

        if (_footprint.MappedFileBytes > 0 && fillPages > 0)
        {
            _mappedPpm = Math.Min(1_000_000L, _footprint.MappedFileBytes / _pageBytes * 1_000_000L / fillPages);
        }

        // The workload's anonymous memory and base kmem are charged as it starts (exec, first faults).
        long fixedPages = (Math.Max(0, _footprint.AnonBytes) + Math.Max(0, _footprint.KmemBaseBytes) + _pageBytes - 1) / _pageBytes;
        if (fixedPages > 0)
        {
            _now = start.TotalNanoseconds;
            Charge((int)Math.Min(fixedPages, int.MaxValue));
            _anonPages = fixedPages;
        }

        // Real threads run on the capture's CPUs: an operation starts when its thread is ready and a CPU is free;
        // pseudo-threads (negative ids: page-cache fills and truncations at their captured times) stay on the
        // shared timeline as before.
        // With one real thread nothing can overlap it, and the fills keep their place on its timeline.
        long[] cpuFree = new long[Math.Max(1, _config.Cpus)];
        int realThreads = 0;
        foreach (int tid in threadOrder)
        {
            realThreads += tid >= 0 ? 1 : 0;
        }

        bool parallel = cpuFree.Length > 1 && realThreads > 1;
        long serialUntil = long.MinValue;
        long lastEnd = long.MinValue;
        var ready = new EventQueue<int>();
        foreach (int tid in threadOrder)
        {
            ready.Enqueue(start + requests[queues[tid].Peek()].ThinkBefore, tid);
        }

        // A request that must follow another thread's (WriteRequest.After) waits, parked, until that one has run.
        var done = new bool[requests.Count];
        var parked = new Dictionary<int, List<(int Tid, long Time)>>();
        while (ready.TryDequeue(out int tid, out EventKey key))
        {
            Queue<int> q = queues[tid];
            int after = requests[q.Peek()].After;
            if (after >= 0 && after < done.Length && !done[after])
            {
                if (!parked.TryGetValue(after, out List<(int Tid, long Time)>? waiting))
                {
                    waiting = [];
                    parked.Add(after, waiting);
                }

                waiting.Add((tid, key.Time.TotalNanoseconds));
                continue;
            }

            int i = q.Dequeue();
            WriteRequest r = requests[i];
            long begin = key.Time.TotalNanoseconds;
            int cpu = -1;
            // A call the model does not simulate (a read of a pipe or socket, mostly blocked) holds no CPU.
            if (parallel && tid >= 0 && r.Kind != WriteRequestKind.Other)
            {
                cpu = 0;
                for (int k = 1; k < cpuFree.Length; k++)
                {
                    if (cpuFree[k] < cpuFree[cpu])
                    {
                        cpu = k;
                    }
                }

                // A thread waits for a CPU only when every CPU is busy with another thread's operation.
                // Fills and truncations still hold the timeline as they did (they stand for the threads' own faults).
                begin = Math.Max(begin, Math.Max(cpuFree[cpu], serialUntil));
                AdvanceTo(begin);
                _now = begin;
            }

            while (nextSample <= begin)
            {
                AdvanceTo(nextSample);
                samples.Add(Sample(nextSample));
                nextSample += sampleNs;
            }

            outcomes[i] = r.Kind switch
            {
                WriteRequestKind.Write => Write(r, begin, dirty: true),
                WriteRequestKind.CacheFill => Write(r, begin, dirty: false),
                WriteRequestKind.Truncate => Truncate(r, begin),
                WriteRequestKind.Read => Read(r, begin),
                WriteRequestKind.Other => Other(r, begin),
                _ => Fsync(r, begin),
            };
            if (parallel && tid < 0)
            {
                serialUntil = _now;
            }

            lastEnd = Math.Max(lastEnd, _now);

            if (cpu >= 0)
            {
                long readyAt = key.Time.TotalNanoseconds;
                cpuFree[cpu] = begin + outcomes[i].Latency.TotalNanoseconds;
                if (begin > readyAt)
                {
                    // The wait for a CPU is part of the call's latency as the application sees it.
                    outcomes[i] = outcomes[i] with { Start = SimTime.FromNanoseconds(readyAt), Latency = outcomes[i].Latency + SimDuration.FromNanoseconds(begin - readyAt) };
                }
            }

            if (q.Count > 0)
            {
                ready.Enqueue(SimTime.FromNanoseconds(outcomes[i].Start.TotalNanoseconds + outcomes[i].Latency.TotalNanoseconds + requests[q.Peek()].ThinkBefore.TotalNanoseconds), tid);
            }

            done[i] = true;
            if (parked.Remove(i, out List<(int Tid, long Time)>? released))
            {
                long end = outcomes[i].Start.TotalNanoseconds + outcomes[i].Latency.TotalNanoseconds;
                foreach ((int waitingTid, long time) in released)
                {
                    ready.Enqueue(SimTime.FromNanoseconds(Math.Max(time, end)), waitingTid);
                }
            }
        }

        // The run ends when its last operation does (with overlapping threads that need not be the last one run).
        _now = Math.Max(_now, lastEnd);
        AdvanceTo(_now);
        samples.Add(Sample(_now));
        return new WritePathResult(outcomes, Counters(), samples);
    }


    private void BeginOp(long begin)
    {
        if (begin > _now)
        {
            AdvanceTo(begin);
            _now = begin;
        }

        _opReclaimNs = 0;
        _opWaitNs = 0;
        _opThrottleNs = 0;
        _opHighNs = 0;
        _opPauseNs = 0;
        _opReclaimCalls = 0;
    }

    private WriteOutcome EndOp(long begin, long copyNs, int newPages) => new(
        SimTime.FromNanoseconds(begin),
        SimDuration.FromNanoseconds(_now - begin),
        SimDuration.FromNanoseconds(copyNs),
        SimDuration.FromNanoseconds(_opReclaimNs),
        SimDuration.FromNanoseconds(_opWaitNs),
        SimDuration.FromNanoseconds(_opThrottleNs),
        SimDuration.FromNanoseconds(_opPauseNs),
        SimDuration.FromNanoseconds(_opHighNs),
        newPages,
        _opReclaimCalls);

    private MemcgSample Sample(long t) => new(SimTime.FromNanoseconds(t), _usage, _cache.InactivePages, _cache.ActivePages, _dirtyPages, _writebackPages);

    private MemcgCounters Counters() => new()
    {
        ReclaimEpisodes = _stats.ReclaimEpisodes,
        ReclaimStall = SimDuration.FromNanoseconds(_stats.ReclaimStallNs),
        Scanned = _stats.Scanned,
        Reclaimed = _stats.Reclaimed,
        ShrinkInactiveCalls = _stats.ShrinkInactiveCalls,
        Failcnt = _stats.Failcnt,
        MaxUsagePages = _maxUsage,
        WritebackThrottles = _stats.Throttles,
        WritebackWaits = _stats.WritebackWaits,
        FlusherWakeups = _stats.FlusherWakeups,
        OomEvents = _stats.OomEvents,
        HighPenalties = _stats.HighPenalties,
        PagesWrittenBack = _stats.PagesWrittenBack,
        ChargedPages = _stats.ChargedPages,
        UnchargedPages = _stats.UnchargedPages,
        StockPages = _stock,
        UsagePages = _usage,
        CachePages = _cache.InactivePages + _cache.ActivePages,
        DirtyPages = _dirtyPages,
        WritebackPages = _writebackPages,
        InactiveFilePages = _cache.InactivePages,
        ActiveFilePages = _cache.ActivePages,
        KmemPages = _kmemPages,
        LowEvents = _stats.LowEvents,
        MinProtectedSkips = _stats.MinSkips,
        AnonPages = _anonPages,
        WorkingsetRefaults = _stats.WorkingsetRefaults,
        WorkingsetActivations = _stats.WorkingsetActivations,
        PagesRead = _stats.PagesRead,
    };
}
