namespace KernelSim.Models.Memcg;

/// <summary>
/// mm/filemap.c and mm/truncate.c, the calls the workload makes: buffered write (generic_perform_write),
/// page-cache fills, fsync and truncate_inode_pages, and the folio order of a file's new folios.
/// </summary>
public sealed partial class WritePathSimulation
{
    // generic_perform_write (mm/filemap.c), folio by folio: look up or allocate and charge, dirty, throttle, copy.
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
            if (_cache.TryGet(key, out int f))
            {
                // A buffered write does not mark the folio accessed: write_begin looks it up with FGP_WRITEBEGIN,
                // which has no FGP_ACCESSED (include/linux/pagemap.h, mm/filemap.c __filemap_get_folio).
                if (!dirty)
                {
                    _cache.MarkAccessed(f);
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
            f = _cache.Add(key, n);
            if (!dirty && IsMappedFill(n))
            {
                // A fill outside write calls comes from a fault on a mapping (exec, libraries); readahead around
                // it brings in pages nobody maps (those are plain clean cache).
                _cache.Flags(f) = FolioFlags.Mapped;
                if (_hotPagesLeft > 0)
                {
                    _cache.Flags(f) |= FolioFlags.Hot;
                    _hotPagesLeft -= n;
                }

                if (_activatedPagesLeft > 0)
                {
                    // Accessed again right after the fill (folio_mark_accessed twice): straight to the active list.
                    _activatedPagesLeft -= n;
                    _cache.FolioActivate(f);
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
        foreach (int f in _cache.FileFolios(r.FileKey))
        {
            _cache.Unlink(f);
            int n = _cache.Pages(f);
            if ((_cache.Flags(f) & FolioFlags.Dirty) != 0)
            {
                _dirtyPages -= n;
            }

            UnchargeFolio(n);
            if ((_cache.Flags(f) & FolioFlags.Writeback) != 0)
            {
                _cache.Flags(f) = FolioFlags.Writeback | FolioFlags.Truncated;
            }
            else
            {
                _cache.Release(f);
            }
        }

        _cache.ForgetFile(r.FileKey);
        _throttle?.SyncGlobalCounts(_dirtyPages, _writebackPages, _totalDirtied, _totalWritten);
        return EndOp(begin, 0, 0);
    }

    // vfs_fsync_range -> file_write_and_wait_range: start writeback of all dirty data and wait for it.
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

    // Large folios: ext4 on 6.18 sizes a new folio from the write length (filemap fgf_set_order), aligned.
    private int FolioOrderFor(in WriteRequest r)
    {
        if (_cache.TryGetFileOrder(r.FileKey, out int order))
        {
            return order;
        }

        long pages = Math.Max(1, r.Bytes / _pageBytes);
        order = 0;
        while ((2L << order) <= pages && order < _config.MaxFolioOrder)
        {
            order++;
        }

        _cache.SetFileOrder(r.FileKey, order);
        return order;
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
}
