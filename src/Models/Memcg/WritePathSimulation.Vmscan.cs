namespace KernelSim.Models.Memcg;

/// <summary>
/// mm/vmscan.c, memcg direct reclaim: try_to_free_mem_cgroup_pages → do_try_to_free_pages → shrink_lruvec
/// (get_scan_count SCAN_FILE) → shrink_inactive_list / shrink_folio_list and shrink_active_list, and
/// reclaim_throttle. File LRUs only: the machine has no swap.
/// </summary>
public sealed partial class WritePathSimulation
{
    // try_to_free_mem_cgroup_pages + do_try_to_free_pages (mm/vmscan.c), file LRUs only (no swap).
    private long TryToFreeMemCgroupPages(long nr, bool parentRoot = false)
    {
        long t0 = _now;
        long waitBefore = _opWaitNs + _opThrottleNs;
        _stats.ReclaimEpisodes++;
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
                _stats.MinSkips++;
                return FinishEpisode(t0, waitBefore, 0);
            }

            if (_usage <= _lowPages)
            {
                // Nothing else under the parent to reclaim: do_try_to_free_pages retries with memcg_low_reclaim.
                lowReclaim = true;
                _stats.LowEvents++;
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
        _stats.ReclaimStallNs += elapsed;
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
        long nrInactive = ScanTarget(_cache.InactivePages, priority);
        long nrActive = ScanTarget(_cache.ActivePages, priority);
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
        long inactive = _cache.InactivePages;
        long active = _cache.ActivePages;
        long gb = (inactive + active) >> (30 - Log2(_pageBytes));
        long ratio = gb > 0 ? (long)Math.Sqrt(10.0 * gb) : 1;
        return inactive * ratio < active;
    }

    // shrink_active_list: file folios without VM_EXEC mappings are deactivated to the inactive head.
    private void ShrinkActiveList(long nrToScan)
    {
        long taken = 0;
        while (taken < nrToScan && _cache.ActiveTail >= 0)
        {
            int f = _cache.ActiveTail;
            taken += _cache.Pages(f);
            if ((_cache.Flags(f) & FolioFlags.Hot) != 0)
            {
                // shrink_active_list keeps referenced executable file folios active.
                _cache.RotateActive(f);
                continue;
            }

            _cache.Flags(f) &= unchecked((byte)~FolioFlags.Referenced);
            _cache.Deactivate(f);
        }

        _now += taken * _costs.ReclaimPerScannedPage.TotalNanoseconds / 2;
    }

    // shrink_inactive_list + shrink_folio_list for file folios, memcg (not kswapd) context.
    private long ShrinkInactiveList(long nrToScan)
    {
        AdvanceTo(_now);
        _stats.ShrinkInactiveCalls++;
        long taken = 0;
        long unqueuedDirty = 0;
        long reclaimed = 0;
        Span<int> isolated = stackalloc int[64];
        int count = 0;
        while (taken < nrToScan && _cache.InactiveTail >= 0 && count < isolated.Length)
        {
            int f = _cache.IsolateInactiveTail();
            isolated[count++] = f;
            taken += _cache.Pages(f);
        }

        _stats.Scanned += taken;
        _now += taken * _costs.ReclaimPerScannedPage.TotalNanoseconds;
        for (int i = 0; i < count; i++)
        {
            int f = isolated[i];
            byte fl = _cache.Flags(f);
            if ((fl & FolioFlags.Writeback) != 0)
            {
                if (_config.Version == CgroupVersion.V1 && (fl & FolioFlags.Reclaim) != 0)
                {
                    // Case 3: legacy memcg waits for this folio's writeback (folio_wait_writeback), then retries it.
                    _stats.WritebackWaits++;
                    long waitStart = _now;
                    AdvanceTo(_cache.WritebackDone(f));
                    _now = Math.Max(_now, _cache.WritebackDone(f)) + _costs.WakeupLatency.TotalNanoseconds;
                    AdvanceTo(_now);
                    _opWaitNs += _now - waitStart;
                    fl = _cache.Flags(f);
                    if ((fl & (FolioFlags.Writeback | FolioFlags.Dirty)) == 0)
                    {
                        reclaimed += FreeFolio(f);
                        _now += _costs.ReclaimPerFreedFolio.TotalNanoseconds;
                        continue;
                    }
                }
                else
                {
                    // Case 2: mark for immediate reclaim when the I/O completes and keep it active.
                    _cache.Flags(f) |= FolioFlags.Reclaim;
                    _cache.Activate(f);
                    continue;
                }
            }

            fl = _cache.Flags(f);
            if ((fl & FolioFlags.Writeback) != 0)
            {
                _cache.Flags(f) |= FolioFlags.Reclaim;
                _cache.Activate(f);
                continue;
            }

            if ((fl & FolioFlags.Dirty) != 0)
            {
                // Only kswapd writes file folios; memcg reclaim tags them and moves them on.
                unqueuedDirty += _cache.Pages(f);
                _cache.Flags(f) |= FolioFlags.Reclaim;
                _cache.Activate(f);
                continue;
            }

            if ((fl & FolioFlags.Hot) != 0)
            {
                // folio_check_references: a mapped folio with referenced (executable) PTEs is activated.
                _cache.Activate(f);
                continue;
            }

            if ((fl & FolioFlags.Mapped) != 0 && (fl & FolioFlags.Referenced) == 0)
            {
                // A mapped folio referenced once (its fault) is kept for another trip (FOLIOREF_KEEP).
                _cache.Flags(f) |= FolioFlags.Referenced;
                _cache.PutbackInactive(f);
                continue;
            }

            // Clean: referenced-but-unmapped file folios are reclaimed when clean (folio_check_references).
            reclaimed += FreeFolio(f);
            _now += _costs.ReclaimPerFreedFolio.TotalNanoseconds;
        }

        _stats.Reclaimed += reclaimed;
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

    // __remove_mapping (mm/vmscan.c): a clean folio leaves the page cache, is uncharged and freed.
    private long FreeFolio(int f)
    {
        int n = _cache.Pages(f);
        WorkingsetEviction(f);
        _cache.RemoveFromMapping(f);
        UnchargeFolio(n);
        _cache.Release(f);
        return n;
    }

    // reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): sleep until SWAP_CLUSTER_MAX pages finish writeback, at most HZ/10.
    private void ReclaimThrottleWriteback()
    {
        _stats.Throttles++;
        long start = _now;
        long timeout = start + (1_000_000_000L / _hz * (_hz / MemcgConstants.ThrottleWritebackHzDivisor));
        RunBackgroundUntilCompleted(_completedPages + MemcgConstants.SwapClusterMax, timeout);
        _now = Math.Max(_now, start) + _costs.WakeupLatency.TotalNanoseconds;
        AdvanceTo(_now);
        _opThrottleNs += _now - start;
    }

    private static int Log2(int v)
    {
        int l = 0;
        while ((1 << (l + 1)) <= v)
        {
            l++;
        }

        return l;
    }
}
