namespace KernelSim.Models.Memcg;

/// <summary>Folio flags of the page-cache model (a byte per folio).</summary>
/// <remarks>
/// Mirrors the page flags the write path reads (include/linux/page-flags.h): PG_dirty, PG_writeback,
/// PG_referenced, PG_reclaim, PG_readahead (the lookahead mark of a readahead window); plus the model's own marks: truncated while under writeback, mapped by the
/// workload (a fault fill), and hot (referenced executable PTEs, kept active by reclaim).
/// </remarks>
internal static class FolioFlags
{
    public const byte Dirty = 1;
    public const byte Writeback = 2;
    public const byte Referenced = 4;
    public const byte Reclaim = 8;
    public const byte Truncated = 16;
    public const byte Mapped = 32;
    public const byte Hot = 64;
    public const byte Readahead = 128;
}

/// <summary>
/// The page cache of one memcg's files: the folio table (struct of arrays indexed by folio id), the
/// (file, index) → folio lookup, each file's folio order, the inactive and active file LRU lists, and the shadow
/// entries evicted folios leave behind (mm/workingset.c).
/// </summary>
/// <remarks>
/// Mirrors the folio side of mm/filemap.c (the mapping's xarray, <c>filemap_add_folio</c>,
/// <c>__filemap_remove_folio</c>), mm/swap.c (<c>folio_mark_accessed</c>, <c>folio_activate</c>,
/// <c>folio_rotate_reclaimable</c> → <c>lru_move_tail</c>) and the LRU list handling of mm/vmscan.c
/// (<c>isolate_lru_folios</c>, <c>move_folios_to_lru</c>). Folio ids are recycled through a free stack;
/// a folio's dirty generation lets the flusher skip stale queue entries. Charging, reclaim policy and
/// writeback are the simulation's; this type only keeps the folios and their lists consistent.
/// </remarks>
internal sealed class PageCache
{
    private const byte ListNone = 0;
    private const byte ListInactive = 1;
    private const byte ListActive = 2;

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
    private readonly Dictionary<long, int> _mapping = new();
    // Per file: the order all its folios have, or -1 once orders are mixed.
    private readonly Dictionary<long, int> _fileShape = new();

    // Shadow entries: mapping key -> eviction age << ShadowAgeShift | folio order << ShadowOrderShift | file epoch; a file's
    // epoch moves on when it is truncated, which empties its slots.
    private const int ShadowAgeShift = 24;
    private const int ShadowOrderShift = 20;
    private const int ShadowEpochMask = 0xFFFFF;
    private readonly Dictionary<long, long> _shadows = new();
    private readonly Dictionary<long, int> _fileEpoch = new();

    // LRU lists: head = most recently added, tail = next to scan.
    private readonly LruList _inactive = new();
    private readonly LruList _active = new();

    /// <summary>Pages on the inactive file LRU (NR_INACTIVE_FILE).</summary>
    public long InactivePages => _inactive.Pages;

    /// <summary>Pages on the active file LRU (NR_ACTIVE_FILE).</summary>
    public long ActivePages => _active.Pages;

    /// <summary>The inactive list's tail (next to scan), or -1.</summary>
    public int InactiveTail => _inactive.Tail;

    /// <summary>The active list's tail (next to scan), or -1.</summary>
    public int ActiveTail => _active.Tail;

    /// <summary>The folio's flags (<see cref="FolioFlags"/>).</summary>
    public ref byte Flags(int f) => ref _flags[f];

    /// <summary>The folio's size in pages.</summary>
    public int Pages(int f) => _pages[f];

    /// <summary>The folio's key: file &lt;&lt; 40 ^ first page index.</summary>
    public long Key(int f) => _key[f];

    /// <summary>When the folio's writeback I/O completes (nanoseconds), while it is under writeback.</summary>
    public ref long WritebackDone(int f) => ref _writebackDone[f];

    /// <summary>The folio's current dirty generation.</summary>
    public int DirtyGen(int f) => _dirtyGen[f];

    /// <summary>Starts a new dirty generation of the folio and returns it.</summary>
    public int NextDirtyGen(int f)
    {
        _dirtyGen[f]++;
        return _dirtyGen[f];
    }

    /// <summary>Whether the folio is on the active list.</summary>
    public bool IsActive(int f) => _list[f] == ListActive;

    /// <summary>Whether the folio is on an LRU list (not isolated, not removed).</summary>
    public bool OnLru(int f) => _list[f] != ListNone;

    /// <summary>Looks a folio up by key (filemap_get_entry).</summary>
    public bool TryGet(long key, out int f) => _mapping.TryGetValue(key, out f);

    /// <summary>The mapping key of a file's page: the file in the high bits, the page index in the low 40.</summary>
    public static long KeyOf(long fileKey, long page) => (fileKey << 40) ^ page;

    /// <summary>
    /// The folio holding page <paramref name="page"/> of a file, if cached (filemap_get_entry on a multi-index
    /// entry), and the index it starts at. A file whose folios all have one order takes one lookup; one with mixed
    /// orders takes one per order up to <paramref name="maxOrder"/> (a folio starts at a multiple of its size).
    /// </summary>
    public bool TryFind(long fileKey, long page, int maxOrder, out int f, out long start)
    {
        f = -1;
        start = page;
        if (!_fileShape.TryGetValue(fileKey, out int shape))
        {
            return false;
        }

        if (shape >= 0)
        {
            start = page & ~((1L << shape) - 1);
            return _mapping.TryGetValue(KeyOf(fileKey, start), out f);
        }

        for (int k = 0; k <= maxOrder; k++)
        {
            long s = page & ~((1L << k) - 1);
            if (_mapping.TryGetValue(KeyOf(fileKey, s), out int g) && s + _pages[g] > page)
            {
                f = g;
                start = s;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether pages [<paramref name="page"/>, +<paramref name="pages"/>) of a file hold no folio, so a folio of that
    /// size can be added there (filemap_add_folio fails with -EEXIST otherwise and the caller tries a smaller order).
    /// </summary>
    public bool RangeFree(long fileKey, long page, int pages, int maxOrder)
    {
        if (!_fileShape.TryGetValue(fileKey, out int shape))
        {
            return true;
        }

        if (shape >= 0 && (1 << shape) == pages && (page & (pages - 1)) == 0)
        {
            return !_mapping.ContainsKey(KeyOf(fileKey, page));
        }

        for (long q = page; q < page + pages; q++)
        {
            if (TryFind(fileKey, q, maxOrder, out _, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Forgets a file's folio shape and its shadow entries (the file was truncated: its folios are gone).</summary>
    public void ForgetFile(long fileKey)
    {
        _fileShape.Remove(fileKey);
        ref int epoch = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_fileEpoch, fileKey, out _);
        epoch = (epoch + 1) & ShadowEpochMask;
    }

    /// <summary>Shadow entries held (evicted folios whose refault can still be recognised).</summary>
    public int ShadowCount => _shadows.Count;

    /// <summary>
    /// workingset_eviction (mm/workingset.c): the evicted folio leaves a shadow entry in its slot of the mapping holding
    /// the eviction age (the lruvec's nonresident_age when it was evicted).
    /// </summary>
    public void StoreShadow(int f, long evictionAge)
    {
        long fileKey = _key[f] >> 40;
        int epoch = _fileEpoch.TryGetValue(fileKey, out int e) ? e : 0;
        int order = System.Numerics.BitOperations.Log2((uint)_pages[f]);
        _shadows[_key[f]] = (evictionAge << ShadowAgeShift) | ((long)order << ShadowOrderShift) | (long)epoch;
    }

    /// <summary>
    /// The shadow entry covering page <paramref name="page"/> of a file (filemap_add_folio finding a value entry in the
    /// slot), with its eviction age; removed when <paramref name="take"/> (the new folio replaces it).
    /// </summary>
    public bool TryShadow(long fileKey, long page, int maxOrder, bool take, out long evictionAge)
    {
        evictionAge = 0;
        if (_shadows.Count == 0)
        {
            return false;
        }

        int epoch = _fileEpoch.TryGetValue(fileKey, out int e) ? e : 0;
        for (int k = 0; k <= maxOrder; k++)
        {
            long start = page & ~((1L << k) - 1);
            long key = KeyOf(fileKey, start);
            if (!_shadows.TryGetValue(key, out long v))
            {
                continue;
            }

            int order = (int)((v >> ShadowOrderShift) & 0xF);
            if (start + (1L << order) <= page)
            {
                continue;
            }

            if ((v & ShadowEpochMask) != epoch)
            {
                // A shadow of the file before it was truncated: the slot was emptied with the file.
                _shadows.Remove(key);
                return false;
            }

            evictionAge = v >> ShadowAgeShift;
            if (take)
            {
                _shadows.Remove(key);
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Drops shadow entries evicted before <paramref name="oldestUseful"/>: their refault distance already exceeds any
    /// workingset the memcg can hold, so they can never activate (the shadow-node shrinker, count_shadow_nodes, bounds them
    /// the same way).
    /// </summary>
    public void PruneShadows(long oldestUseful)
    {
        foreach (KeyValuePair<long, long> kv in _shadows)
        {
            if ((kv.Value >> ShadowAgeShift) < oldestUseful)
            {
                _shadows.Remove(kv.Key);
            }
        }
    }

    /// <summary>
    /// A new folio of <paramref name="pages"/> pages under <paramref name="key"/>, added to the mapping and
    /// to the inactive list's head (filemap_add_folio, folio_add_lru); flags clear.
    /// </summary>
    public int Add(long key, int pages)
    {
        // Track whether all of the file's folios share one order (then a page's folio is one lookup away).
        int order = System.Numerics.BitOperations.Log2((uint)pages);
        ref int shape = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_fileShape, key >> 40, out bool known);
        shape = !known ? order : shape == order ? shape : -1;
        int f = NewFolio(key, pages);
        _mapping.Add(key, f);
        _inactive.PushHead(this, f);
        _list[f] = ListInactive;
        return f;
    }

    /// <summary>The file's folios, by folio id (truncate_inode_pages' victims).</summary>
    public List<int> FileFolios(long fileKey)
    {
        var victims = new List<int>();
        foreach (KeyValuePair<long, int> kv in _mapping)
        {
            if ((kv.Key >> 40) == fileKey)
            {
                victims.Add(kv.Value);
            }
        }

        victims.Sort();
        return victims;
    }

    /// <summary>Takes the folio out of the mapping and off its LRU list (truncation).</summary>
    public void Unlink(int f)
    {
        _mapping.Remove(_key[f]);
        if (_list[f] == ListInactive)
        {
            _inactive.Remove(this, f);
        }
        else if (_list[f] == ListActive)
        {
            _active.Remove(this, f);
        }

        _list[f] = ListNone;
    }

    /// <summary>Takes the folio out of the mapping (__filemap_remove_folio); it stays off the LRU.</summary>
    public void RemoveFromMapping(int f) => _mapping.Remove(_key[f]);

    /// <summary>Frees the folio: flags clear, off the lists, its id reusable.</summary>
    public void Release(int f)
    {
        _flags[f] = 0;
        _list[f] = ListNone;
        _freeFolios.Push(f);
    }

    /// <summary>
    /// folio_mark_accessed (mm/swap.c): the first touch sets PG_referenced, a second touch activates an
    /// inactive folio and clears it.
    /// </summary>
    /// <returns>True when the touch activated the folio (the caller ages the workingset: workingset_activation).</returns>
    public bool MarkAccessed(int f)
    {
        if ((_flags[f] & FolioFlags.Referenced) == 0)
        {
            _flags[f] |= FolioFlags.Referenced;
            return false;
        }

        if (_list[f] == ListInactive)
        {
            FolioActivate(f);
            _flags[f] &= unchecked((byte)~FolioFlags.Referenced);
            return true;
        }

        return false;
    }

    /// <summary>folio_activate (mm/swap.c): an inactive folio moves to the active list's head.</summary>
    public void FolioActivate(int f)
    {
        _inactive.Remove(this, f);
        Activate(f);
    }

    /// <summary>Puts an isolated folio back on the active list's head (move_folios_to_lru, activated).</summary>
    public void Activate(int f)
    {
        _active.PushHead(this, f);
        _list[f] = ListActive;
    }

    /// <summary>Puts an isolated folio back on the inactive list's head (move_folios_to_lru, kept).</summary>
    public void PutbackInactive(int f)
    {
        _inactive.PushHead(this, f);
        _list[f] = ListInactive;
    }

    /// <summary>isolate_lru_folios on the inactive list: takes its tail off the list.</summary>
    public int IsolateInactiveTail()
    {
        int f = _inactive.Tail;
        _inactive.Remove(this, f);
        _list[f] = ListNone;
        return f;
    }

    /// <summary>shrink_active_list keeping a folio active: from the active list to its head.</summary>
    public void RotateActive(int f)
    {
        _active.Remove(this, f);
        _active.PushHead(this, f);
    }

    /// <summary>shrink_active_list deactivating a folio: from the active list to the inactive head.</summary>
    public void Deactivate(int f)
    {
        _active.Remove(this, f);
        _inactive.PushHead(this, f);
        _list[f] = ListInactive;
    }

    /// <summary>
    /// folio_rotate_reclaimable → lru_move_tail (mm/swap.c): off whichever list, active cleared, to the
    /// inactive tail.
    /// </summary>
    public void RotateReclaimable(int f)
    {
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

    /// <summary>An intrusive doubly linked LRU list over the folio table's next/prev arrays.</summary>
    private sealed class LruList
    {
        public int Head { get; private set; } = -1;

        public int Tail { get; private set; } = -1;

        public long Pages { get; private set; }

        public void PushHead(PageCache s, int f)
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

        public void PushTail(PageCache s, int f)
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

        public void Remove(PageCache s, int f)
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
}
