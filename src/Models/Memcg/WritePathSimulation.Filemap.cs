namespace KernelSim.Models.Memcg;

/// <summary>
/// mm/filemap.c and mm/truncate.c, the calls the workload makes: buffered write (generic_perform_write),
/// page-cache fills and truncate_inode_pages, and the folio order of a file's new folios (fsync: .Fsync.cs).
/// </summary>
public sealed partial class WritePathSimulation
{
    // generic_perform_write (mm/filemap.c), folio by folio: look up or allocate and charge, dirty, throttle, copy.
    private WriteOutcome Write(in WriteRequest r, long begin, bool dirty)
    {
        BeginOp(begin);
        bool writebackActive = _writebackPages > 0;
        long firstPage = r.Offset / _pageBytes;
        long lastPage = (r.Offset + Math.Max(r.Bytes, 1) - 1) / _pageBytes;
        int newPages = 0;
        long hostFaultPages = 0;
        bool throttleFirst = _config.Kernel.ThrottlesBeforeCopy;
        int maxOrder = _config.MaxFolioOrder;
        long p = firstPage;
        while (p <= lastPage)
        {
            if (_cache.TryFind(r.FileKey, p, maxOrder, out int f, out long start))
            {
                int have = _cache.Pages(f);
                p = start + have;

                // A buffered write does not mark the folio accessed: write_begin looks it up with FGP_WRITEBEGIN,
                // which has no FGP_ACCESSED (include/linux/pagemap.h, mm/filemap.c __filemap_get_folio).
                if (!dirty && _cache.MarkAccessed(f))
                {
                    WorkingsetActivation(have);
                }

                if (dirty)
                {
                    // Only a clean -> dirty transition counts as pages dirtied (mm/page-writeback.c folio_account_dirtied,
                    // from __folio_mark_dirty when the flag was newly set); a write into a folio already dirty still
                    // passes balance_dirty_pages_ratelimited, with nothing added.
                    int newlyDirtied = (_cache.Flags(f) & FolioFlags.Dirty) != 0 ? 0 : have;
                    if (throttleFirst)
                    {
                        BalanceDirtyPages(r.ThreadId, newlyDirtied);
                    }

                    MarkDirty(f);
                    if (!throttleFirst)
                    {
                        BalanceDirtyPages(r.ThreadId, newlyDirtied);
                    }
                }

                continue;
            }

            // A data fill comes in the folios the trace showed (readahead's large folios); other fills page by page.
            int order = dirty ? FolioOrderAt(r, p) : r.DataFill ? FillOrderAt(r, p, maxOrder) : 0;
            while (order > 0 && !_cache.RangeFree(r.FileKey, p, 1 << order, maxOrder))
            {
                // filemap_add_folio found part of the range cached (-EEXIST): __filemap_get_folio retries one order lower.
                order--;
            }

            long folioPages = 1L << order;
            long key = PageCache.KeyOf(r.FileKey, p);
            p += folioPages;
            int n = (int)folioPages;
            if (dirty && throttleFirst)
            {
                BalanceDirtyPages(r.ThreadId, n);
            }

            Charge(n);
            f = _cache.Add(key, n);
            WorkingsetRefault(r.FileKey, p - folioPages, f);
            hostFaultPages += HostFaultPages();
            if (!dirty && !r.DataFill && IsMappedFill(n))
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
                    if (!_cache.IsActive(f))
                    {
                        _cache.FolioActivate(f);
                    }
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
        pageAdjust += (hostFaultPages - r.CapturedHostFaultPages) * _costs.HostFaultPerPage.TotalNanoseconds;
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
        _fileDirty.Remove(r.FileKey);
        _throttle?.SyncGlobalCounts(_dirtyPages, _writebackPages, _totalDirtied, _totalWritten);
        return EndOp(begin, 0, 0);
    }

    // Large folios, per write as ext4 on 6.18 does: generic_perform_write (mm/filemap.c) passes write_begin the bytes
    // left of this write within the current max-folio-size chunk, fgf_set_order turns them into an order
    // (ilog2(len) - PAGE_SHIFT), and __filemap_get_folio caps it at the mapping's max order and at the index's alignment.
    private int FolioOrderAt(in WriteRequest r, long page)
    {
        int maxOrder = _config.MaxFolioOrder;
        if (maxOrder <= 0)
        {
            return 0;
        }

        long chunk = _pageBytes << maxOrder;
        long pos = Math.Max(r.Offset, page * _pageBytes);
        long end = r.Offset + Math.Max(r.Bytes, 1);
        long len = Math.Min(chunk - (pos & (chunk - 1)), end - pos);
        int order = System.Numerics.BitOperations.Log2((ulong)Math.Max(len, 1)) - System.Numerics.BitOperations.Log2((ulong)_pageBytes);
        order = Math.Clamp(order, 0, maxOrder);
        if (page != 0 && order > 0)
        {
            order = Math.Min(order, System.Numerics.BitOperations.TrailingZeroCount(page));
        }

        return order;
    }

    // Growth of the page cache past its high-water mark lands on memory the run has not recycled; past the host's
    // backed reserve each such page costs a host fault (free page reporting handed it back; LAB-NOTES).
    private long HostFaultPages()
    {
        long cache = _cache.InactivePages + _cache.ActivePages;
        if (cache <= _cacheHighWater)
        {
            return 0;
        }

        long before = _cacheHighWater;
        _cacheHighWater = cache;
        long backed = _costs.HostBackedPages;
        return Math.Max(0, cache - Math.Max(before, backed));
    }

    // Spread the footprint's mapped pages evenly over the fills (mapped_file / fill pages of the workload).
    // The captured folio order where the page is aligned to it and the folio stays inside the fill.
    private int FillOrderAt(in WriteRequest r, long page, int maxOrder)
    {
        int order = Math.Clamp(r.FillOrder, 0, Math.Max(0, maxOrder));
        long end = (r.Offset + r.Bytes) / _pageBytes;
        while (order > 0 && ((page & ((1L << order) - 1)) != 0 || page + (1L << order) > end))
        {
            order--;
        }

        return order;
    }

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
