using KernelSim.Models.Writeback;
using KernelSim.Time;

namespace KernelSim.Models.Memcg;

/// <summary>
/// The writeback side: folio_mark_dirty and balance_dirty_pages_ratelimited (mm/page-writeback.c), the
/// flusher (fs/fs-writeback.c wakeup_flusher_threads, mm/page-writeback.c write_cache_pages), the block
/// device's request queue, and folio_end_writeback (mm/filemap.c) with folio_rotate_reclaimable.
/// </summary>
public sealed partial class WritePathSimulation
{
    // folio_mark_dirty (mm/page-writeback.c): count the folio dirty and queue it for the flusher.
    private void MarkDirty(int f)
    {
        if ((_cache.Flags(f) & FolioFlags.Dirty) != 0)
        {
            return;
        }

        _cache.Flags(f) |= FolioFlags.Dirty;
        _dirtyPages += _cache.Pages(f);
        _totalDirtied += _cache.Pages(f);
        int gen = _cache.NextDirtyGen(f);
        _dirtyQueue.Push(f, gen, _cache.Key(f));
        NoteFileDirty(f, gen);
    }

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
            _throttle.SetMemcgStats(new MemcgWbStats(_cache.InactivePages + _cache.ActivePages, headroom, _dirtyPages, _writebackPages));
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

    // wakeup_flusher_threads / wb_start_writeback: write back (at least) nrPages of the dirty data. A flusher woken
    // from idle starts after FlusherWakeDelay (the capture's own: ext4 allocates delayed blocks first); fsync's
    // writeback is started by the caller itself (file_write_and_wait_range), at once.
    private void WakeFlusher(long nrPages, bool byCaller = false)
    {
        _stats.FlusherWakeups++;
        if (_flushTargetPages == 0)
        {
            _flusherReadyAt = Math.Max(_flusherReadyAt, _now + (byCaller ? _costs.FsyncWritebackStart.TotalNanoseconds : _costs.FlusherWakeDelay.TotalNanoseconds));
        }

        _flushTargetPages = Math.Max(_flushTargetPages, nrPages);
    }

    // Advance flusher submissions and device completions up to time t (the flusher runs on another CPU).
    private void AdvanceTo(long t)
    {
        while (true)
        {
            long nextCompletion = _inflight.Count > 0 ? _cache.WritebackDone(_inflight.Peek()) : long.MaxValue;
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
            long nextCompletion = _inflight.Count > 0 ? _cache.WritebackDone(_inflight.Peek()) : long.MaxValue;
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
            if (gen != _cache.DirtyGen(f) || (_cache.Flags(f) & FolioFlags.Dirty) == 0)
            {
                continue;
            }

            if ((_cache.Flags(f) & FolioFlags.Writeback) != 0)
            {
                // Re-dirtied while under writeback: write it again once this I/O is done.
                _dirtyQueue.PushNextPass(f, gen, _cache.Key(f));
                _flusherReadyAt = Math.Max(_flusherReadyAt, _cache.WritebackDone(f));
                return;
            }

            StartWriteback(f, at);
            return;
        }
    }

    // folio_start_writeback and the block request it joins: the folio leaves the dirty count for the writeback count
    // (its file's too) and completes with its request.
    private void StartWriteback(int f, long at)
    {
        {
            int n = _cache.Pages(f);
            _cache.Flags(f) = (byte)((_cache.Flags(f) & ~FolioFlags.Dirty) | FolioFlags.Writeback);
            NoteFileWriteback(f, n);
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
            _cache.WritebackDone(f) = _requestDone;
            _inflight.Push(f);
        }
    }

    // folio_end_writeback: clear writeback; PG_reclaim folios rotate to the inactive tail (folio_rotate_reclaimable).
    private void Complete(int f)
    {
        int n = _cache.Pages(f);
        NoteFileWriteback(f, -n);
        _writebackPages -= n;
        _completedPages += n;
        _stats.PagesWrittenBack += n;
        _totalWritten += n;
        if (_throttle is not null)
        {
            _throttle.OnWritebackEnd(n);
            if (_inflight.Count == 0)
            {
                _throttle.OnInodeWritebackEnd(SimTime.FromNanoseconds(_cache.WritebackDone(f)));
                _throttle.SetWritebackRunning(false);
            }
        }
        byte fl = _cache.Flags(f);
        if ((fl & FolioFlags.Truncated) != 0)
        {
            _cache.Release(f);
            return;
        }

        _cache.Flags(f) = (byte)(fl & ~FolioFlags.Writeback & ~FolioFlags.Reclaim);
        if ((fl & FolioFlags.Reclaim) != 0 && (fl & FolioFlags.Dirty) == 0 && _cache.OnLru(f))
        {
            // folio_rotate_reclaimable -> lru_move_tail (mm/swap.c): off whichever list, active cleared, to the inactive tail.
            _cache.RotateReclaimable(f);
        }
    }

    // The flusher's order: write_cache_pages (mm/page-writeback.c) walks a file's dirty folios by index from the
    // mapping's writeback_index and wraps around (range_cyclic), not in the order they were dirtied. Folio keys
    // sort by (file, index); folios dirtied behind the cursor wait for the next pass. Stale entries (cleaned,
    // truncated, re-dirtied) are skipped by generation when popped.

    /// <summary>The flusher's queue of dirty folios, in write_cache_pages order.</summary>
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
