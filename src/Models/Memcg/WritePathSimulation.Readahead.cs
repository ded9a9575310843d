using System.Runtime.InteropServices;

namespace KernelSim.Models.Memcg;

/// <summary>
/// Buffered reads: mm/filemap.c (filemap_read, filemap_get_pages) and mm/readahead.c (page_cache_sync_ra,
/// page_cache_async_ra, the ondemand window of each open file). A read copies the folios it finds (marking each
/// accessed, but not again the one the previous read ended in), reads the missing ones in through readahead (charged like any page-cache folio, so a read can reclaim),
/// and waits for the device when its own pages were missing.
/// </summary>
public sealed partial class WritePathSimulation
{
    // struct file_ra_state per open file: the current window and the position the last read ended at (bytes; -1: none yet).
    private struct ReadaheadState
    {
        public long Start;
        public long Size;
        public long AsyncSize;
        public long PrevPos;
    }

    private readonly Dictionary<long, ReadaheadState> _readahead = new();
    private long _readHostFaultPages;

    // filemap_read: batches of folios from the read position; the first page missing starts synchronous readahead
    // (filemap_get_pages -> page_cache_sync_ra), a folio carrying PG_readahead starts the next window asynchronously.
    private WriteOutcome Read(in WriteRequest r, long begin)
    {
        BeginOp(begin);
        long first = r.Offset / _pageBytes;
        long last = (r.Offset + Math.Max(r.Bytes, 1) - 1) / _pageBytes;
        ref ReadaheadState ra = ref CollectionsMarshal.GetValueRefOrAddDefault(_readahead, r.FileKey, out bool known);
        if (!known)
        {
            ra.PrevPos = -1;
        }

        int maxOrder = _config.MaxFolioOrder;
        long newPages = 0;
        bool waits = false;
        bool firstFolio = true;
        _readHostFaultPages = 0;
        long p = first;
        while (p <= last)
        {
            if (_cache.TryFind(r.FileKey, p, maxOrder, out int f, out long start))
            {
                int have = _cache.Pages(f);

                // Every folio the read copies is marked accessed, except the first when the previous read on this file
                // ended in it ("When a read accesses the same folio several times, only mark it as accessed the first time").
                long prevPage = ra.PrevPos > 0 ? (ra.PrevPos - 1) / _pageBytes : -1;
                bool sameFolio = firstFolio && prevPage >= start && prevPage < start + have;
                if (!sameFolio && _cache.MarkAccessed(f))
                {
                    WorkingsetActivation(have);
                }

                firstFolio = false;
                if ((_cache.Flags(f) & FolioFlags.Readahead) != 0)
                {
                    _cache.Flags(f) &= unchecked((byte)~FolioFlags.Readahead);
                    newPages += AsyncReadahead(r.FileKey, ref ra, p, last - p + 1, System.Numerics.BitOperations.Log2((uint)have));
                }

                p = start + have;
                continue;
            }

            if (!r.CapturedMiss && !_cache.TryShadow(r.FileKey, p, maxOrder, take: false, out _))
            {
                // The capture found this page cached and the replay never had it: it was in the page cache before the
                // capture began. It is resident here too (charged as it is first touched), not read.
                AddReadFolio(r.FileKey, p, 0, fromDevice: false);
                continue;
            }

            // FMODE_RANDOM (posix_fadvise RANDOM): force_page_cache_ra of exactly what is asked, no window, no mark.
            newPages += r.RandomAccess ? ReadWindow(r.FileKey, p, last - p + 1, 0, 0) : SyncReadahead(r.FileKey, ref ra, p, last - p + 1);
            waits = true;
        }

        ra.PrevPos = r.Offset + Math.Max(r.Bytes, 0);

        long wait = waits ? r.MissWait.TotalNanoseconds : 0;
        _now += wait;
        long pageAdjust = r.CapturedNewPages < 0 ? 0 : (newPages - r.CapturedNewPages) * _costs.NewPageExtra.TotalNanoseconds;
        pageAdjust += (_readHostFaultPages - r.CapturedHostFaultPages) * _costs.HostFaultPerPage.TotalNanoseconds;
        long copyNs = Math.Max(0, r.BaseCost.TotalNanoseconds + pageAdjust) + _costs.SyscallCrossing.TotalNanoseconds;
        _now += copyNs;
        HandleOverHigh();
        return EndOp(begin, copyNs, (int)Math.Min(newPages, int.MaxValue));
    }

    // A call the model does not simulate keeps its captured time on its thread.
    private WriteOutcome Other(in WriteRequest r, long begin)
    {
        BeginOp(begin);
        _now += r.BaseCost.TotalNanoseconds;
        return EndOp(begin, r.BaseCost.TotalNanoseconds, 0);
    }

    // page_cache_sync_ra: a miss at index with reqCount pages wanted. Returns the pages read in.
    private long SyncReadahead(long fileKey, ref ReadaheadState ra, long index, long reqCount)
    {
        long max = _config.ReadaheadPages;
        if (max <= 0)
        {
            // No readahead: force_page_cache_ra of the one page asked for.
            return ReadWindow(fileKey, index, 1, 0, 0);
        }

        long prevIndex = ra.PrevPos < 0 ? -1 : ra.PrevPos / _pageBytes;
        if (index == 0 || reqCount > max || (prevIndex >= 0 && index >= prevIndex && index - prevIndex <= 1))
        {
            // Start of file, a large read or a sequential one: a new window (get_init_ra_size).
            ra.Start = index;
            ra.Size = InitReadaheadSize(reqCount, max);
            ra.AsyncSize = ra.Size > reqCount ? ra.Size - reqCount : ra.Size >> 1;
            return ReadWindow(fileKey, ra.Start, ra.Size, ra.AsyncSize, RaOrder(0, ra.Size));
        }

        // page_cache_prev_miss: how many pages right before index are cached (the trace a stream leaves behind).
        long contig = 0;
        while (contig < max && index - contig - 1 >= 0 && _cache.TryFind(fileKey, index - contig - 1, _config.MaxFolioOrder, out _, out _))
        {
            contig++;
        }

        if (contig <= reqCount)
        {
            // A standalone small random read: read what was asked, leave the readahead state alone (do_page_cache_ra).
            return ReadWindow(fileKey, index, reqCount, 0, 0);
        }

        // Cached history before index: treat it as a stream (the window covers the history plus the request).
        ra.Start = index;
        ra.Size = Math.Min(contig + reqCount, max);
        ra.AsyncSize = 1;
        return ReadWindow(fileKey, ra.Start, ra.Size, ra.AsyncSize, RaOrder(0, ra.Size));
    }

    // page_cache_async_ra: the reader reached the lookahead mark at index; the next window is read without waiting.
    private long AsyncReadahead(long fileKey, ref ReadaheadState ra, long index, long reqCount, int markOrder)
    {
        long max = _config.ReadaheadPages;
        if (max <= 0)
        {
            return 0;
        }

        long expected = (ra.Start + ra.Size - ra.AsyncSize) & ~((1L << markOrder) - 1);
        if (index == expected)
        {
            ra.Start += ra.Size;
            ra.Size = NextReadaheadSize(ra.Size, max);
            ra.AsyncSize = ra.Size;
        }
        else
        {
            // Interleaved streams or lost state: the window starts at the next page not cached (page_cache_next_miss).
            long start = index + 1;
            while (start - index < max && _cache.TryFind(fileKey, start, _config.MaxFolioOrder, out _, out _))
            {
                start++;
            }

            if (start - index >= max)
            {
                return 0;
            }

            ra.Start = start;
            ra.Size = NextReadaheadSize(start - index + reqCount, max);
            ra.AsyncSize = ra.Size;
        }

        return ReadWindow(fileKey, ra.Start, ra.Size, ra.AsyncSize, RaOrder(markOrder, ra.Size));
    }

    // read_pages over [start, start + count): missing pages get folios of up to `order` (aligned, free), charged and added;
    // the folio holding start + count - lookahead carries PG_readahead. Returns the pages added.
    private long ReadWindow(long fileKey, long start, long count, long lookahead, int order)
    {
        long mark = lookahead > 0 ? start + count - lookahead : -1;
        long end = start + count;
        long added = 0;
        long q = start;
        while (q < end)
        {
            if (_cache.TryFind(fileKey, q, _config.MaxFolioOrder, out int g, out long s))
            {
                q = s + _cache.Pages(g);
                continue;
            }

            int o = order;
            while (o > 0 && ((q & ((1L << o) - 1)) != 0 || q + (1L << o) > end || !_cache.RangeFree(fileKey, q, 1 << o, _config.MaxFolioOrder)))
            {
                o--;
            }

            int f = AddReadFolio(fileKey, q, o, fromDevice: true);
            long n = 1L << o;
            if (mark >= q && mark < q + n)
            {
                _cache.Flags(f) |= FolioFlags.Readahead;
            }

            added += n;
            q += n;
        }

        return added;
    }

    // filemap_add_folio for a read: charge, add to the inactive list (or the active one on a recent refault), kmem.
    private int AddReadFolio(long fileKey, long page, int order, bool fromDevice)
    {
        int n = 1 << order;
        Charge(n);
        int f = _cache.Add(PageCache.KeyOf(fileKey, page), n);
        WorkingsetRefault(fileKey, page, f);
        _readHostFaultPages += HostFaultPages();
        ChargeKmem(n);
        if (fromDevice)
        {
            _stats.PagesRead += n;
        }

        return f;
    }

    // page_cache_ra_order: readahead folios grow two orders past the folio that triggered them, within the window.
    private int RaOrder(int previousOrder, long size)
    {
        int maxOrder = _config.MaxFolioOrder;
        if (maxOrder <= 0)
        {
            return 0;
        }

        int order = Math.Min(maxOrder, previousOrder + 2);
        return Math.Max(0, Math.Min(order, System.Numerics.BitOperations.Log2((ulong)Math.Max(size, 1))));
    }

    // get_init_ra_size: a window for a first read of reqCount pages.
    private static long InitReadaheadSize(long reqCount, long max)
    {
        long size = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(reqCount, 1));
        if (size <= max / 32)
        {
            return size * 4;
        }

        return size <= max / 4 ? size * 2 : max;
    }

    // get_next_ra_size: the window grows 4x while small, 2x up to half the maximum, then stays at the maximum.
    private static long NextReadaheadSize(long current, long max)
    {
        if (current < max / 16)
        {
            return 4 * current;
        }

        return current <= max / 2 ? 2 * current : max;
    }
}
