using System.Runtime.InteropServices;

namespace KernelSim.Models.Memcg;

/// <summary>
/// fsync/fdatasync: vfs_fsync_range -> file_write_and_wait_range (mm/filemap.c): the caller writes back its file's dirty
/// folios itself (__filemap_fdatawrite_range, WB_SYNC_ALL, in index order) and waits for every folio of the file under
/// writeback (filemap_fdatawait_range), whoever started it. Other files' dirty data is left to the flusher. The journal
/// commit and the cache flush that follow are in the call's captured cost.
/// </summary>
public sealed partial class WritePathSimulation
{
    // Each file's folios as they were dirtied (folio, dirty generation; stale entries are skipped), and its pages under writeback.
    private readonly Dictionary<long, List<(int Folio, int Gen)>> _fileDirty = new();
    private readonly Dictionary<long, long> _fileWriteback = new();

    private WriteOutcome Fsync(in WriteRequest r, long begin)
    {
        BeginOp(begin);
        _now += r.BaseCost.TotalNanoseconds;
        AdvanceTo(_now);
        _stats.FlusherWakeups++;
        if (_fileDirty.TryGetValue(r.FileKey, out List<(int Folio, int Gen)>? list) && list.Count > 0)
        {
            var todo = new List<int>(list.Count);
            var keep = new List<(int Folio, int Gen)>();
            foreach ((int f, int gen) in list)
            {
                if (gen != _cache.DirtyGen(f) || (_cache.Flags(f) & FolioFlags.Dirty) == 0)
                {
                    continue;
                }

                if ((_cache.Flags(f) & FolioFlags.Writeback) != 0)
                {
                    // Re-dirtied under writeback: written again once that I/O is done (by the flusher here).
                    keep.Add((f, gen));
                    continue;
                }

                todo.Add(f);
            }

            list.Clear();
            todo.Sort((a, b) => _cache.Key(a).CompareTo(_cache.Key(b)));
            long at = _now + _costs.FsyncWritebackStart.TotalNanoseconds;
            foreach (int f in todo)
            {
                StartWriteback(f, at);
            }

            // A data-integrity writeback (WB_SYNC_ALL) waits for a folio still under an earlier writeback and writes it
            // again (fs/ext4/inode.c mpage_prepare_extent_to_map: folio_wait_writeback, then the folio is mapped and
            // submitted): an application rewriting its log's last page at every commit has it written at every fsync.
            foreach ((int f, int gen) in keep)
            {
                while ((_cache.Flags(f) & FolioFlags.Writeback) != 0 && _inflight.Count > 0)
                {
                    _now = Math.Max(_now, _cache.WritebackDone(_inflight.Peek()));
                    AdvanceTo(_now);
                }

                if (gen == _cache.DirtyGen(f) && (_cache.Flags(f) & (FolioFlags.Dirty | FolioFlags.Writeback)) == FolioFlags.Dirty)
                {
                    StartWriteback(f, Math.Max(at, _now));
                }
                else if ((_cache.Flags(f) & FolioFlags.Dirty) != 0)
                {
                    list.Add((f, gen));
                }
            }
        }

        // filemap_fdatawait_range: until no folio of the file is under writeback.
        long waitStart = begin + r.BaseCost.TotalNanoseconds;
        while (_fileWriteback.TryGetValue(r.FileKey, out long pages) && pages > 0 && _inflight.Count > 0)
        {
            long next = _cache.WritebackDone(_inflight.Peek());
            _now = Math.Max(_now, next);
            AdvanceTo(_now);
        }

        _opWaitNs += _now - waitStart;
        return EndOp(begin, r.BaseCost.TotalNanoseconds, 0);
    }

    // A folio dirtied: remember it under its file (compacting the list when it has grown mostly stale).
    private void NoteFileDirty(int f, int gen)
    {
        ref List<(int Folio, int Gen)>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(_fileDirty, _cache.Key(f) >> 40, out _);
        list ??= [];
        if (list.Count >= 1024 && list.Count == list.Capacity)
        {
            list.RemoveAll(e => e.Gen != _cache.DirtyGen(e.Folio) || (_cache.Flags(e.Folio) & FolioFlags.Dirty) == 0);
        }

        list.Add((f, gen));
    }

    // Pages of a file under writeback, up (start) or down (end).
    private void NoteFileWriteback(int f, int pages)
    {
        ref long n = ref CollectionsMarshal.GetValueRefOrAddDefault(_fileWriteback, _cache.Key(f) >> 40, out _);
        n += pages;
    }
}
