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
/// inactive_is_low, reclaim_throttle) of Linux 6.18. The machine has no swap, so memcg reclaim scans
/// file LRUs only (get_scan_count SCAN_FILE). Not modelled: anon memory, slab/kmem, refault
/// detection (workingset), MGLRU (off on the lab kernel), kswapd and global reclaim, NUMA. Each thread
/// issues its requests closed-loop; the flusher and the device run concurrently and are advanced
/// lazily to the thread's current time.
/// </remarks>
public sealed class WritePathSimulation
{
    private const byte FlagDirty = 1;
    private const byte FlagWriteback = 2;
    private const byte FlagReferenced = 4;
    private const byte FlagReclaim = 8;
    private const byte FlagTruncated = 16;
    private const byte FlagMapped = 32;
    private const byte FlagHot = 64;
    private const byte ListNone = 0;
    private const byte ListInactive = 1;
    private const byte ListActive = 2;

    private readonly MemcgConfig _config;
    private readonly WritePathCosts _costs;
    private readonly int _hz;
    private readonly long _limit;
    private readonly long _parentLimit;
    private readonly long _minPages;
    private readonly long _lowPages;
    private long _protectionPages;
    private long _lowEvents;
    private long _minSkips;
    private readonly long _high;
    private readonly int _pageBytes;

    // Folio table (struct of arrays).
    private int[] _next = new int[1024];
    private int[] _prev = new int[1024];
    private byte[] _flags = new byte[1024];
    private byte[] _list = new byte[1024];
    private int[] _pages = new int[1024];
    private long[] _key = new long[1024];
    private long[] _writebackDone = new long[1024];
    private int[] _dirtyGen = new int[1024];
    private int _folioCount;
    private readonly Stack<int> _freeFolios = new();
    private readonly Dictionary<long, int> _cache = new();
    private readonly Dictionary<long, int> _fileOrder = new();

    // LRU lists: head = most recently added, tail = next to scan.
    private readonly LruList _inactive = new();
    private readonly LruList _active = new();

    // Flusher queue of dirty folios (folio id + generation to skip stale entries), and device FIFO.
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

    // Memcg page counter and per-CPU stock (one CPU: the workload's).
    private long _usage;
    private long _stock;
    private long _maxUsage;
    private long _overHighPages;

    // Counters.
    private long _reclaimEpisodes;
    private long _reclaimStallNs;
    private long _scanned;
    private long _reclaimed;
    private long _shrinkInactiveCalls;
    private long _failcnt;
    private long _throttles;
    private long _writebackWaits;
    private long _flusherWakeups;
    private long _oomEvents;
    private long _highPenalties;
    private long _pagesWrittenBack;
    private long _chargedPages;
    private long _unchargedPages;

    // Per-request accumulators.
    private long _now;
    private long _opReclaimNs;
    private long _opWaitNs;
    private long _opThrottleNs;
    private long _opHighNs;
    private int _opReclaimCalls;

    private readonly DirtyThrottle? _throttle;
    private long _totalDirtied;
    private long _totalWritten;
    private long _opPauseNs;

    // Workload footprint: anon and kmem charged outside the LRU, hot mapped fills.
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

        var ready = new EventQueue<int>();
        foreach (int tid in threadOrder)
        {
            ready.Enqueue(start + requests[queues[tid].Peek()].ThinkBefore, tid);
        }

        while (ready.TryDequeue(out int tid, out EventKey key))
        {
            Queue<int> q = queues[tid];
            int i = q.Dequeue();
            WriteRequest r = requests[i];
            long begin = key.Time.TotalNanoseconds;
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
                _ => Fsync(r, begin),
            };
            if (q.Count > 0)
            {
                ready.Enqueue(SimTime.FromNanoseconds(begin + outcomes[i].Latency.TotalNanoseconds + requests[q.Peek()].ThinkBefore.TotalNanoseconds), tid);
            }
        }

        AdvanceTo(_now);
        samples.Add(Sample(_now));
        return new WritePathResult(outcomes, Counters(), samples);
    }

    private WriteOutcome Write(in WriteRequest r, long begin, bool dirty)
    {
        BeginOp(begin);
        bool writebackActive = _writebackPages > 0;
        int order = dirty ? FolioOrderFor(r) : 0;
        long folioPages = 1L << order;
        long firstPage = r.Offset / _pageBytes;
        long lastPage = (r.Offset + Math.Max(r.Bytes, 1) - 1) / _pageBytes;
        int newPages = 0;
        bool throttleFirst = _config.Kernel.ThrottlesBeforeCopy;
        for (long p = firstPage - (firstPage % folioPages); p <= lastPage; p += folioPages)
        {
            long key = (r.FileKey << 40) ^ p;
            if (_cache.TryGetValue(key, out int f))
            {
                // A buffered write does not mark the folio accessed: write_begin looks it up with FGP_WRITEBEGIN,
                // which has no FGP_ACCESSED (include/linux/pagemap.h, mm/filemap.c __filemap_get_folio).
                if (!dirty)
                {
                    MarkAccessed(f);
                }

                if (dirty)
                {
                    if (throttleFirst)
                    {
                        BalanceDirtyPages(r.ThreadId, (int)folioPages);
                    }

                    MarkDirty(f);
                    if (!throttleFirst)
                    {
                        BalanceDirtyPages(r.ThreadId, (int)folioPages);
                    }
                }

                continue;
            }

            int n = (int)folioPages;
            if (dirty && throttleFirst)
            {
                BalanceDirtyPages(r.ThreadId, n);
            }

            Charge(n);
            f = NewFolio(key, n);
            _cache.Add(key, f);
            _inactive.PushHead(this, f);
            _list[f] = ListInactive;
            if (!dirty && IsMappedFill(n))
            {
                // A fill outside write calls comes from a fault on a mapping (exec, libraries); readahead around
                // it brings in pages nobody maps (those are plain clean cache).
                _flags[f] = FlagMapped;
                if (_hotPagesLeft > 0)
                {
                    _flags[f] |= FlagHot;
                    _hotPagesLeft -= n;
                }

                if (_activatedPagesLeft > 0)
                {
                    // Accessed again right after the fill (folio_mark_accessed twice): straight to the active list.
                    _activatedPagesLeft -= n;
                    _inactive.Remove(this, f);
                    Activate(f);
                }
            }

            ChargeKmem(n);

            if (dirty)
            {
                MarkDirty(f);
                if (!throttleFirst)
                {
                    BalanceDirtyPages(r.ThreadId, n);
                }
            }

            newPages += n;
        }

        long extraWb = _costs.WritebackActiveExtra.TotalNanoseconds;
        long crossing = dirty ? _costs.SyscallCrossing.TotalNanoseconds : 0;
        long pageAdjust = r.CapturedNewPages < 0 ? 0 : (newPages - r.CapturedNewPages) * _costs.NewPageExtra.TotalNanoseconds;
        long copyNs = Math.Max(0, r.BaseCost.TotalNanoseconds + pageAdjust - (r.CapturedWritebackActive ? extraWb : 0))
            + (writebackActive ? extraWb : 0) + crossing;
        _now += copyNs;
        HandleOverHigh();
        return EndOp(begin, copyNs, newPages);
    }

    // truncate_inode_pages: every folio of the file leaves the cache and is uncharged; one under writeback
    // is released when its I/O completes.
    private WriteOutcome Truncate(in WriteRequest r, long begin)
    {
        BeginOp(begin);
        var victims = new List<int>();
        foreach (KeyValuePair<long, int> kv in _cache)
        {
            if ((kv.Key >> 40) == r.FileKey)
            {
                victims.Add(kv.Value);
            }
        }

        victims.Sort();
        foreach (int f in victims)
        {
            _cache.Remove(_key[f]);
            if (_list[f] == ListInactive)
            {
                _inactive.Remove(this, f);
            }
            else if (_list[f] == ListActive)
            {
                _active.Remove(this, f);
            }

            _list[f] = ListNone;
            int n = _pages[f];
            if ((_flags[f] & FlagDirty) != 0)
            {
                _dirtyPages -= n;
            }

            UnchargeFolio(n);
            if ((_flags[f] & FlagWriteback) != 0)
            {
                _flags[f] = FlagWriteback | FlagTruncated;
            }
            else
            {
                _flags[f] = 0;
                _freeFolios.Push(f);
            }
        }

        _fileOrder.Remove(r.FileKey);
        _throttle?.SyncGlobalCounts(_dirtyPages, _writebackPages, _totalDirtied, _totalWritten);
        return EndOp(begin, 0, 0);
    }

    private WriteOutcome Fsync(in WriteRequest r, long begin)
    {
        BeginOp(begin);
        _now += r.BaseCost.TotalNanoseconds;
        AdvanceTo(_now);
        // Write back everything dirty now and wait until it and what is in flight completes.
        WakeFlusher(_dirtyPages);
        long target = _completedPages + _dirtyPages + _writebackPages;
        long waitStart = _now;
        RunBackgroundUntilCompleted(target, long.MaxValue);
        _opWaitNs += _now - waitStart;
        return EndOp(begin, r.BaseCost.TotalNanoseconds, 0);
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

    // balance_dirty_pages_ratelimited before each chunk (mm/filemap.c generic_perform_write, 6.18 order).
    private void BalanceDirtyPages(int threadId, int pages)
    {
        if (_throttle is null)
        {
            return;
        }

        AdvanceTo(_now);
        SimTime now = SimTime.FromNanoseconds(_now);
        _throttle.AdvanceTo(now);
        if (_config.Version == CgroupVersion.V2)
        {
            // The memcg dirty domain (v2 only): mem_cgroup_wb_stats, with headroom up to min(high, max).
            long ceiling = Math.Min(_limit, _high);
            long headroom = ceiling == long.MaxValue ? long.MaxValue / 4 : Math.Max(0, ceiling - _usage);
            _throttle.SetMemcgStats(new MemcgWbStats(_inactive.Pages + _active.Pages, headroom, _dirtyPages, _writebackPages));
        }

        ThrottleDecision d = _throttle.OnPagesDirtied(now, threadId, 0, pages);
        if (d.StartBackgroundWriteback)
        {
            WakeFlusher(_dirtyPages + pages);
        }

        while (d.Sleeps)
        {
            long start = _now;
            long wake = d.WakeAt.TotalNanoseconds;
            AdvanceTo(wake);
            _now = Math.Max(_now, wake);
            AdvanceTo(_now);
            _opPauseNs += _now - start;
            if (!d.LoopAgain)
            {
                break;
            }

            d = _throttle.BalanceDirtyPages(SimTime.FromNanoseconds(_now), threadId);
        }
    }

    // Large folios: ext4 on 6.18 sizes a new folio from the write length (filemap fgf_set_order), aligned.
    private int FolioOrderFor(in WriteRequest r)
    {
        if (_fileOrder.TryGetValue(r.FileKey, out int order))
        {
            return order;
        }

        long pages = Math.Max(1, r.Bytes / _pageBytes);
        order = 0;
        while ((2L << order) <= pages && order < _config.MaxFolioOrder)
        {
            order++;
        }

        _fileOrder.Add(r.FileKey, order);
        return order;
    }

    // folio_mark_accessed (mm/swap.c): first touch sets PG_referenced, a second touch activates.
    private void MarkAccessed(int f)
    {
        if ((_flags[f] & FlagReferenced) == 0)
        {
            _flags[f] |= FlagReferenced;
            return;
        }

        if (_list[f] == ListInactive)
        {
            _inactive.Remove(this, f);
            _active.PushHead(this, f);
            _list[f] = ListActive;
            _flags[f] &= unchecked((byte)~FlagReferenced);
        }
    }

    private void MarkDirty(int f)
    {
        if ((_flags[f] & FlagDirty) != 0)
        {
            return;
        }

        _flags[f] |= FlagDirty;
        _dirtyPages += _pages[f];
        _totalDirtied += _pages[f];
        _dirtyGen[f]++;
        _dirtyQueue.Push(f, _dirtyGen[f], _key[f]);
    }

    // try_charge_memcg (mm/memcontrol.c): stock, batch charge, exact retry, reclaim, drain, retries, OOM.
    private void Charge(int nr)
    {
        if (_stock >= nr)
        {
            _stock -= nr;
            return;
        }

        long batch = Math.Max(MemcgConstants.MemcgChargeBatch, nr);
        int retries = MemcgConstants.MaxReclaimRetries;
        bool drained = false;
        while (true)
        {
            if (_stock >= nr)
            {
                _stock -= nr;
                return;
            }

            if (_usage + batch <= _limit && _usage + batch <= _parentLimit)
            {
                _usage += batch;
                _chargedPages += batch;
                _maxUsage = Math.Max(_maxUsage, _usage);
                _stock += batch - nr;
                if (_stock > MemcgConstants.MemcgChargeBatch)
                {
                    // refill_stock drains a stock that grew past the batch.
                    _usage -= _stock;
                    _unchargedPages += _stock;
                    _stock = 0;
                }

                if (_usage > _high)
                {
                    _overHighPages += batch;
                }

                return;
            }

            _failcnt++;
            if (batch > nr)
            {
                batch = nr;
                continue;
            }

            // page_counter_try_charge fails at the first counter over its max walking up from the workload's: the
            // parent is the reclaim root only when the workload's own counter had room.
            long reclaimed = TryToFreeMemCgroupPages(nr, parentRoot: _usage + batch <= _limit);
            if (Math.Min(_limit, _parentLimit) - _usage >= nr)
            {
                continue;
            }

            if (!drained)
            {
                // drain_all_stock: return unused precharge to the counter.
                _usage -= _stock;
                _unchargedPages += _stock;
                _stock = 0;
                drained = true;
                continue;
            }

            if (reclaimed > 0 && nr <= (1 << MemcgConstants.PageAllocCostlyOrder))
            {
                continue;
            }

            if (retries-- > 0)
            {
                continue;
            }

            // mem_cgroup_oom: the model records it and force-charges so the replay can go on.
            _oomEvents++;
            _usage += nr;
            _chargedPages += nr;
            _maxUsage = Math.Max(_maxUsage, _usage);
            return;
        }
    }

    // try_to_free_mem_cgroup_pages + do_try_to_free_pages (mm/vmscan.c), file LRUs only (no swap).
    private long TryToFreeMemCgroupPages(long nr, bool parentRoot = false)
    {
        long t0 = _now;
        long waitBefore = _opWaitNs + _opThrottleNs;
        _reclaimEpisodes++;
        _opReclaimCalls++;
        _now += _costs.ReclaimPerCall.TotalNanoseconds;
        long target = Math.Max(nr, MemcgConstants.SwapClusterMax);
        long reclaimed = 0;
        bool forceDeactivate = false;

        // mem_cgroup_calculate_protection (mm/memcontrol.c): the reclaim root itself is never protected; a direct
        // child of it gets emin = memory.min and elow = memory.low. shrink_node_memcgs skips a child below emin, and
        // one below elow unless this is the memcg_low_reclaim retry.
        bool lowReclaim = false;
        _protectionPages = 0;
        if (parentRoot && (_minPages > 0 || _lowPages > 0))
        {
            if (_usage <= _minPages)
            {
                _minSkips++;
                return FinishEpisode(t0, waitBefore, 0);
            }

            if (_usage <= _lowPages)
            {
                // Nothing else under the parent to reclaim: do_try_to_free_pages retries with memcg_low_reclaim.
                lowReclaim = true;
                _lowEvents++;
            }

            _protectionPages = lowReclaim ? _minPages : Math.Max(_minPages, _lowPages);
        }

        for (int pass = 0; pass < 2 && reclaimed == 0; pass++)
        {
            bool skippedDeactivate = false;
            for (int priority = MemcgConstants.DefPriority; priority >= 0; priority--)
            {
                reclaimed += ShrinkLruvec(priority, target - reclaimed, forceDeactivate, ref skippedDeactivate);
                if (reclaimed >= target)
                {
                    break;
                }
            }

            if (reclaimed > 0 || !skippedDeactivate)
            {
                break;
            }

            forceDeactivate = true;
        }

        return FinishEpisode(t0, waitBefore, reclaimed);
    }

    private long FinishEpisode(long t0, long waitBefore, long reclaimed)
    {
        long elapsed = _now - t0;
        _reclaimStallNs += elapsed;
        _opReclaimNs += elapsed - (_opWaitNs + _opThrottleNs - waitBefore);
        return reclaimed;
    }

    // get_scan_count's proportional protection: scan = size - size * protection / (cgroup size + 1), at least
    // SWAP_CLUSTER_MAX, before the priority shift.
    private long ScanTarget(long lruPages, int priority)
    {
        if (_protectionPages <= 0 || lruPages == 0)
        {
            return lruPages >> priority;
        }

        long cgroupSize = Math.Max(_usage, _protectionPages);
        long scan = lruPages - (long)((Int128)lruPages * _protectionPages / (cgroupSize + 1));
        return Math.Max(scan, MemcgConstants.SwapClusterMax) >> priority;
    }

    // shrink_lruvec with get_scan_count's SCAN_FILE targets (size >> priority).
    private long ShrinkLruvec(int priority, long toReclaim, bool forceDeactivate, ref bool skippedDeactivate)
    {
        long nrInactive = ScanTarget(_inactive.Pages, priority);
        long nrActive = ScanTarget(_active.Pages, priority);
        long reclaimed = 0;
        while (nrInactive > 0 || nrActive > 0)
        {
            if (nrInactive > 0)
            {
                long n = Math.Min(nrInactive, MemcgConstants.SwapClusterMax);
                nrInactive -= n;
                reclaimed += ShrinkInactiveList(n);
            }

            if (nrActive > 0)
            {
                long n = Math.Min(nrActive, MemcgConstants.SwapClusterMax);
                nrActive -= n;
                if (forceDeactivate || InactiveIsLow())
                {
                    ShrinkActiveList(n);
                }
                else
                {
                    skippedDeactivate = true;
                }
            }

            if (reclaimed >= toReclaim)
            {
                break;
            }
        }

        return reclaimed;
    }

    // inactive_is_low (mm/vmscan.c): below 1 GiB the target is inactive >= active.
    private bool InactiveIsLow()
    {
        long inactive = _inactive.Pages;
        long active = _active.Pages;
        long gb = (inactive + active) >> (30 - Log2(_pageBytes));
        long ratio = gb > 0 ? (long)Math.Sqrt(10.0 * gb) : 1;
        return inactive * ratio < active;
    }

    // shrink_active_list: file folios without VM_EXEC mappings are deactivated to the inactive head.
    private void ShrinkActiveList(long nrToScan)
    {
        long taken = 0;
        while (taken < nrToScan && _active.Tail >= 0)
        {
            int f = _active.Tail;
            taken += _pages[f];
            _active.Remove(this, f);
            if ((_flags[f] & FlagHot) != 0)
            {
                // shrink_active_list keeps referenced executable file folios active.
                _active.PushHead(this, f);
                continue;
            }

            _flags[f] &= unchecked((byte)~FlagReferenced);
            _inactive.PushHead(this, f);
            _list[f] = ListInactive;
        }

        _now += taken * _costs.ReclaimPerScannedPage.TotalNanoseconds / 2;
    }

    // shrink_inactive_list + shrink_folio_list for file folios, memcg (not kswapd) context.
    private long ShrinkInactiveList(long nrToScan)
    {
        AdvanceTo(_now);
        _shrinkInactiveCalls++;
        long taken = 0;
        long unqueuedDirty = 0;
        long reclaimed = 0;
        Span<int> isolated = stackalloc int[64];
        int count = 0;
        while (taken < nrToScan && _inactive.Tail >= 0 && count < isolated.Length)
        {
            int f = _inactive.Tail;
            _inactive.Remove(this, f);
            _list[f] = ListNone;
            isolated[count++] = f;
            taken += _pages[f];
        }

        _scanned += taken;
        _now += taken * _costs.ReclaimPerScannedPage.TotalNanoseconds;
        for (int i = 0; i < count; i++)
        {
            int f = isolated[i];
            byte fl = _flags[f];
            if ((fl & FlagWriteback) != 0)
            {
                if (_config.Version == CgroupVersion.V1 && (fl & FlagReclaim) != 0)
                {
                    // Case 3: legacy memcg waits for this folio's writeback (folio_wait_writeback), then retries it.
                    _writebackWaits++;
                    long waitStart = _now;
                    AdvanceTo(_writebackDone[f]);
                    _now = Math.Max(_now, _writebackDone[f]) + _costs.WakeupLatency.TotalNanoseconds;
                    AdvanceTo(_now);
                    _opWaitNs += _now - waitStart;
                    fl = _flags[f];
                    if ((fl & (FlagWriteback | FlagDirty)) == 0)
                    {
                        reclaimed += FreeFolio(f);
                        _now += _costs.ReclaimPerFreedFolio.TotalNanoseconds;
                        continue;
                    }
                }
                else
                {
                    // Case 2: mark for immediate reclaim when the I/O completes and keep it active.
                    _flags[f] |= FlagReclaim;
                    Activate(f);
                    continue;
                }
            }

            fl = _flags[f];
            if ((fl & FlagWriteback) != 0)
            {
                _flags[f] |= FlagReclaim;
                Activate(f);
                continue;
            }

            if ((fl & FlagDirty) != 0)
            {
                // Only kswapd writes file folios; memcg reclaim tags them and moves them on.
                unqueuedDirty += _pages[f];
                _flags[f] |= FlagReclaim;
                Activate(f);
                continue;
            }

            if ((fl & FlagHot) != 0)
            {
                // folio_check_references: a mapped folio with referenced (executable) PTEs is activated.
                Activate(f);
                continue;
            }

            if ((fl & FlagMapped) != 0 && (fl & FlagReferenced) == 0)
            {
                // A mapped folio referenced once (its fault) is kept for another trip (FOLIOREF_KEEP).
                _flags[f] |= FlagReferenced;
                _inactive.PushHead(this, f);
                _list[f] = ListInactive;
                continue;
            }

            // Clean: referenced-but-unmapped file folios are reclaimed when clean (folio_check_references).
            reclaimed += FreeFolio(f);
            _now += _costs.ReclaimPerFreedFolio.TotalNanoseconds;
        }

        _reclaimed += reclaimed;
        // Folios put back (activated or kept) cost more than those freed: lock, references, LRU putback.
        _now += Math.Max(0, taken - reclaimed) * _costs.ReclaimPerUnreclaimedPage.TotalNanoseconds;
        if (taken > 0 && unqueuedDirty == taken)
        {
            WakeFlusher(_dirtyPages);
            if (_config.Version == CgroupVersion.V1)
            {
                ReclaimThrottleWriteback();
            }
        }

        return reclaimed;
    }

    private void Activate(int f)
    {
        _active.PushHead(this, f);
        _list[f] = ListActive;
    }

    private long FreeFolio(int f)
    {
        int n = _pages[f];
        _cache.Remove(_key[f]);
        UnchargeFolio(n);
        _flags[f] = 0;
        _list[f] = ListNone;
        _freeFolios.Push(f);
        return n;
    }

    // reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): sleep until SWAP_CLUSTER_MAX pages finish writeback, at most HZ/10.
    private void ReclaimThrottleWriteback()
    {
        _throttles++;
        long start = _now;
        long timeout = start + (1_000_000_000L / _hz * (_hz / MemcgConstants.ThrottleWritebackHzDivisor));
        RunBackgroundUntilCompleted(_completedPages + MemcgConstants.SwapClusterMax, timeout);
        _now = Math.Max(_now, start) + _costs.WakeupLatency.TotalNanoseconds;
        AdvanceTo(_now);
        _opThrottleNs += _now - start;
    }

    // __mem_cgroup_handle_over_high + calculate_high_delay (mm/memcontrol.c), on return to user space.
    private void HandleOverHigh()
    {
        if (_overHighPages == 0 || _usage <= _high)
        {
            _overHighPages = 0;
            return;
        }

        long nr = _overHighPages;
        _overHighPages = 0;
        TryToFreeMemCgroupPages(nr);
        long penalty = HighDelayJiffies(_usage, _high, nr, _hz);
        if (penalty <= _hz / 100)
        {
            return;
        }

        _highPenalties++;
        long ns = penalty * (1_000_000_000L / _hz);
        long start = _now;
        AdvanceTo(start + ns);
        _now = start + ns;
        _opHighNs += ns;
    }

    /// <summary>
    /// The memory.high penalty in jiffies for <paramref name="nrPages"/> charged while usage is over
    /// high (calculate_high_delay, mm/memcontrol.c): overage = (usage - high) &lt;&lt; 20 / high,
    /// penalty = overage² · HZ &gt;&gt; 34, scaled by nr_pages / MEMCG_CHARGE_BATCH, capped at 2·HZ.
    /// </summary>
    public static long HighDelayJiffies(long usagePages, long highPages, long nrPages, int hz)
    {
        if (usagePages <= highPages)
        {
            return 0;
        }

        long overage = ((usagePages - highPages) << MemcgConstants.MemcgDelayPrecisionShift) / Math.Max(highPages, 1);
        Int128 penalty = (Int128)overage * overage * hz;
        penalty >>= MemcgConstants.MemcgDelayPrecisionShift;
        penalty >>= MemcgConstants.MemcgDelayScalingShift;
        penalty = penalty * nrPages / MemcgConstants.MemcgChargeBatch;
        long cap = (long)MemcgConstants.MemcgMaxHighDelayHzMultiple * hz;
        return penalty > cap ? cap : (long)penalty;
    }

    private int NewFolio(long key, int pages)
    {
        int f;
        if (_freeFolios.Count > 0)
        {
            f = _freeFolios.Pop();
        }
        else
        {
            if (_folioCount == _next.Length)
            {
                int size = _next.Length * 2;
                Array.Resize(ref _next, size);
                Array.Resize(ref _prev, size);
                Array.Resize(ref _flags, size);
                Array.Resize(ref _list, size);
                Array.Resize(ref _pages, size);
                Array.Resize(ref _key, size);
                Array.Resize(ref _writebackDone, size);
                Array.Resize(ref _dirtyGen, size);
            }

            f = _folioCount++;
        }

        _flags[f] = 0;
        _pages[f] = pages;
        _key[f] = key;
        _next[f] = -1;
        _prev[f] = -1;
        _dirtyGen[f]++;
        return f;
    }

    // wakeup_flusher_threads / wb_start_writeback: write back (at least) nrPages of the dirty data.
    private void WakeFlusher(long nrPages)
    {
        _flusherWakeups++;
        if (_flushTargetPages == 0)
        {
            _flusherReadyAt = Math.Max(_flusherReadyAt, _now + _costs.FlusherWakeDelay.TotalNanoseconds);
        }

        _flushTargetPages = Math.Max(_flushTargetPages, nrPages);
    }

    // Advance flusher submissions and device completions up to time t (the flusher runs on another CPU).
    private void AdvanceTo(long t)
    {
        while (true)
        {
            long nextCompletion = _inflight.Count > 0 ? _writebackDone[_inflight.Peek()] : long.MaxValue;
            bool canSubmit = _flushTargetPages > 0 && _dirtyQueue.Count > 0 && _writebackPages < MaxInflightPages;
            long submitAt = canSubmit ? _flusherReadyAt : long.MaxValue;
            if (nextCompletion <= submitAt && nextCompletion <= t)
            {
                Complete(_inflight.Pop());
                continue;
            }

            if (submitAt <= t)
            {
                SubmitOne(submitAt);
                continue;
            }

            if (_flushTargetPages > 0 && (_dirtyQueue.Count == 0 || _dirtyPages == 0))
            {
                _flushTargetPages = 0;
            }

            return;
        }
    }

    // The flusher stops submitting when the block queue (nr_requests x request size) is full.
    private long MaxInflightPages => Math.Max(1, (long)Math.Max(_costs.BlockQueueRequests, _costs.DeviceQueueDepth) * (_costs.DeviceRequestBytes / _pageBytes));

    // Advance background work until completedPages reaches target or the deadline passes; sets _now.
    private void RunBackgroundUntilCompleted(long targetCompleted, long deadline)
    {
        while (_completedPages < targetCompleted)
        {
            long nextCompletion = _inflight.Count > 0 ? _writebackDone[_inflight.Peek()] : long.MaxValue;
            bool canSubmit = _flushTargetPages > 0 && _dirtyQueue.Count > 0 && _writebackPages < MaxInflightPages;
            long submitAt = canSubmit ? Math.Max(_flusherReadyAt, _now) : long.MaxValue;
            long next = Math.Min(nextCompletion, submitAt);
            if (next == long.MaxValue || next > deadline)
            {
                _now = deadline == long.MaxValue ? _now : Math.Max(_now, deadline);
                AdvanceTo(_now);
                return;
            }

            _now = Math.Max(_now, next);
            AdvanceTo(_now);
        }
    }

    private void SubmitOne(long at)
    {
        while (_dirtyQueue.Count > 0)
        {
            (int f, int gen) = _dirtyQueue.Pop();
            if (gen != _dirtyGen[f] || (_flags[f] & FlagDirty) == 0)
            {
                continue;
            }

            if ((_flags[f] & FlagWriteback) != 0)
            {
                // Re-dirtied while under writeback: write it again once this I/O is done.
                _dirtyQueue.PushNextPass(f, gen, _key[f]);
                _flusherReadyAt = Math.Max(_flusherReadyAt, _writebackDone[f]);
                return;
            }

            int n = _pages[f];
            _flags[f] = (byte)((_flags[f] & ~FlagDirty) | FlagWriteback);
            _dirtyPages -= n;
            _writebackPages += n;
            _flushTargetPages = Math.Max(0, _flushTargetPages - n);
            if (_requestPagesLeft <= 0)
            {
                // Open a new request on the queue slot that frees first; all its folios complete together.
                int slot = 0;
                for (int k = 1; k < _slotFreeAt.Length; k++)
                {
                    if (_slotFreeAt[k] < _slotFreeAt[slot])
                    {
                        slot = k;
                    }
                }

                _requestDone = Math.Max(Math.Max(at, _slotFreeAt[slot]), _requestDone - _costs.DeviceServiceTime.TotalNanoseconds) + _costs.DeviceServiceTime.TotalNanoseconds;
                _slotFreeAt[slot] = _requestDone;
                _requestPagesLeft = Math.Max(1, _costs.DeviceRequestBytes / _pageBytes);
                if (_throttle is not null)
                {
                    _throttle.OnWritepages(SimTime.FromNanoseconds(at));
                    _throttle.SetWritebackRunning(true);
                }
            }

            _requestPagesLeft -= n;
            _throttle?.OnWritebackStart(n);
            _writebackDone[f] = _requestDone;
            _inflight.Push(f);
            return;
        }
    }

    // folio_end_writeback: clear writeback; PG_reclaim folios rotate to the inactive tail (folio_rotate_reclaimable).
    private void Complete(int f)
    {
        int n = _pages[f];
        _writebackPages -= n;
        _completedPages += n;
        _pagesWrittenBack += n;
        _totalWritten += n;
        if (_throttle is not null)
        {
            _throttle.OnWritebackEnd(n);
            if (_inflight.Count == 0)
            {
                _throttle.OnInodeWritebackEnd(SimTime.FromNanoseconds(_writebackDone[f]));
                _throttle.SetWritebackRunning(false);
            }
        }
        byte fl = _flags[f];
        if ((fl & FlagTruncated) != 0)
        {
            _flags[f] = 0;
            _freeFolios.Push(f);
            return;
        }

        _flags[f] = (byte)(fl & ~FlagWriteback & ~FlagReclaim);
        if ((fl & FlagReclaim) != 0 && (fl & FlagDirty) == 0 && _list[f] != ListNone)
        {
            // folio_rotate_reclaimable -> lru_move_tail (mm/swap.c): off whichever list, active cleared, to the inactive tail.
            if (_list[f] == ListActive)
            {
                _active.Remove(this, f);
            }
            else
            {
                _inactive.Remove(this, f);
            }

            _inactive.PushTail(this, f);
            _list[f] = ListInactive;
        }
    }

    // Spread the footprint's mapped pages evenly over the fills (mapped_file / fill pages of the workload).
    private bool IsMappedFill(int pages)
    {
        _mappedAcc += pages * _mappedPpm;
        if (_mappedAcc < 1_000_000L * pages)
        {
            return false;
        }

        _mappedAcc -= 1_000_000L * pages;
        return true;
    }

    // Slab that grows with the page cache (buffer heads, xarray nodes), charged with the folio (memcg_slab_post_alloc_hook).
    private void ChargeKmem(int pages)
    {
        if (_kmemPpmPerPage == 0)
        {
            return;
        }

        _kmemPpm += pages * _kmemPpmPerPage;
        long due = (_kmemPpm / 1_000_000) - _kmemPages;
        if (due > 0)
        {
            Charge((int)due);
            _kmemPages += due;
        }
    }

    // A folio leaves the page cache: its pages and the slab that came with it are uncharged.
    private void UnchargeFolio(int pages)
    {
        _usage -= pages;
        _unchargedPages += pages;
        UnchargeKmem(pages);
    }

    private void UnchargeKmem(int pages)
    {
        if (_kmemPpmPerPage == 0)
        {
            return;
        }

        _kmemPpm = Math.Max(0, _kmemPpm - (pages * _kmemPpmPerPage));
        long excess = _kmemPages - ((_kmemPpm + 999_999) / 1_000_000);
        if (excess > 0)
        {
            _kmemPages -= excess;
            _usage -= excess;
            _unchargedPages += excess;
        }
    }

    private MemcgSample Sample(long t) => new(SimTime.FromNanoseconds(t), _usage, _inactive.Pages, _active.Pages, _dirtyPages, _writebackPages);

    private MemcgCounters Counters() => new()
    {
        ReclaimEpisodes = _reclaimEpisodes,
        ReclaimStall = SimDuration.FromNanoseconds(_reclaimStallNs),
        Scanned = _scanned,
        Reclaimed = _reclaimed,
        ShrinkInactiveCalls = _shrinkInactiveCalls,
        Failcnt = _failcnt,
        MaxUsagePages = _maxUsage,
        WritebackThrottles = _throttles,
        WritebackWaits = _writebackWaits,
        FlusherWakeups = _flusherWakeups,
        OomEvents = _oomEvents,
        HighPenalties = _highPenalties,
        PagesWrittenBack = _pagesWrittenBack,
        ChargedPages = _chargedPages,
        UnchargedPages = _unchargedPages,
        StockPages = _stock,
        UsagePages = _usage,
        CachePages = _inactive.Pages + _active.Pages,
        DirtyPages = _dirtyPages,
        WritebackPages = _writebackPages,
        InactiveFilePages = _inactive.Pages,
        ActiveFilePages = _active.Pages,
        KmemPages = _kmemPages,
        LowEvents = _lowEvents,
        MinProtectedSkips = _minSkips,
        AnonPages = _anonPages,
    };

    private static int Log2(int v)
    {
        int l = 0;
        while ((1 << (l + 1)) <= v)
        {
            l++;
        }

        return l;
    }

    /// <summary>An intrusive doubly linked LRU list over the folio table's next/prev arrays.</summary>
    // The flusher's order: write_cache_pages (mm/page-writeback.c) walks a file's dirty folios by index from the
    // mapping's writeback_index and wraps around (range_cyclic), not in the order they were dirtied. Folio keys
    // sort by (file, index); folios dirtied behind the cursor wait for the next pass. Stale entries (cleaned,
    // truncated, re-dirtied) are skipped by generation when popped.
    private sealed class DirtyQueue
    {
        private PriorityQueue<(int Folio, int Gen, long Key), long> _current = new();
        private PriorityQueue<(int Folio, int Gen, long Key), long> _next = new();
        private long _cursor = long.MinValue;

        public int Count => _current.Count + _next.Count;

        public void Push(int folio, int gen, long key)
        {
            if (key >= _cursor)
            {
                _current.Enqueue((folio, gen, key), key);
            }
            else
            {
                _next.Enqueue((folio, gen, key), key);
            }
        }

        public void PushNextPass(int folio, int gen, long key) => _next.Enqueue((folio, gen, key), key);

        public (int Folio, int Gen) Pop()
        {
            if (_current.Count == 0)
            {
                (_current, _next) = (_next, _current);
                _cursor = long.MinValue;
            }

            (int folio, int gen, long key) = _current.Dequeue();
            _cursor = key;
            return (folio, gen);
        }
    }

    private sealed class LruList
    {
        public int Head { get; private set; } = -1;

        public int Tail { get; private set; } = -1;

        public long Pages { get; private set; }

        public void PushHead(WritePathSimulation s, int f)
        {
            s._prev[f] = -1;
            s._next[f] = Head;
            if (Head >= 0)
            {
                s._prev[Head] = f;
            }

            Head = f;
            if (Tail < 0)
            {
                Tail = f;
            }

            Pages += s._pages[f];
        }

        public void PushTail(WritePathSimulation s, int f)
        {
            s._next[f] = -1;
            s._prev[f] = Tail;
            if (Tail >= 0)
            {
                s._next[Tail] = f;
            }

            Tail = f;
            if (Head < 0)
            {
                Head = f;
            }

            Pages += s._pages[f];
        }

        public void Remove(WritePathSimulation s, int f)
        {
            int p = s._prev[f];
            int n = s._next[f];
            if (p >= 0)
            {
                s._next[p] = n;
            }
            else
            {
                Head = n;
            }

            if (n >= 0)
            {
                s._prev[n] = p;
            }
            else
            {
                Tail = p;
            }

            s._prev[f] = -1;
            s._next[f] = -1;
            Pages -= s._pages[f];
        }
    }

    /// <summary>A growable FIFO ring of ints (no allocation once grown).</summary>
    private sealed class IntRing
    {
        private int[] _items = new int[1024];
        private int _head;

        public int Count { get; private set; }

        public void Push(int v)
        {
            if (Count == _items.Length)
            {
                var bigger = new int[_items.Length * 2];
                for (int i = 0; i < Count; i++)
                {
                    bigger[i] = _items[(_head + i) % _items.Length];
                }

                _items = bigger;
                _head = 0;
            }

            _items[(_head + Count) % _items.Length] = v;
            Count++;
        }

        public int Peek() => _items[_head];

        public int Pop()
        {
            int v = _items[_head];
            _head = (_head + 1) % _items.Length;
            Count--;
            return v;
        }
    }
}
