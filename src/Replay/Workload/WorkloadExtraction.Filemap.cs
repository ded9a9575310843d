using System.Globalization;
using System.Runtime.InteropServices;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Workload;

/// <summary>mm/filemap.c events: pages added to and deleted from the page cache, fills outside calls, truncations.</summary>
internal sealed partial class WorkloadExtraction
{
    // A workload thread removing a written file's pages outside reclaim is a truncate or unlink (fio --unlink):
    // one truncation per file and burst, so the replay drops the file's cache when the application did.
    private const long TruncationGapNs = 2_000_000;

    private void OnDeleteFromPageCache(in RawEvent e)
    {
        // A drop by a workload thread outside reclaim, or by any process of the capture's tree (an `rm` after the
        // writer, whose own syscalls may be filtered out of the capture).
        if (_threads.TryGetValue(e.Pid, out ThreadState? t) ? t.ReclaimBeginNs >= 0 : _tree is null || !_tree.Contains(e.Pid))
        {
            return;
        }

        if (!FilemapFields.TryRead(new PayloadReader(e.Payload), out _, out ulong ino, out _, out DeviceNumber dev, out _)
            || !_keyByInode.TryGetValue((dev.ToKernel(), ino), out long key))
        {
            return;
        }

        long now = e.Timestamp.TotalNanoseconds;
        // One drop is one burst of deletions (a truncate, an unlink, fio's fadvise(DONTNEED) before each loop): a gap of
        // TruncationGapNs between deletions of the file starts a new one.
        if (_lastTruncation.TryGetValue(key, out long last) && now - last < TruncationGapNs)
        {
            _lastTruncation[key] = now;
            return;
        }

        _lastTruncation[key] = now;
        _truncations.Add(new FileTruncation(e.Timestamp, e.Pid, key));
    }

    private void OnAddToPageCache(in RawEvent e)
    {
        // Same printed shapes as MmFilemapAddToPageCache: "dev 254:0 ino d8002 pfn=0x… ofs=N order=K" (ftrace)
        // or "pfn=… i_ino=… index=… s_dev=… order=…" (trace-cmd -R).
        if (!FilemapFields.TryRead(new PayloadReader(e.Payload), out _, out ulong ino, out ulong index, out DeviceNumber dev, out byte order) || order > 30)
        {
            _undecoded++;
            return;
        }

        long pages = 1L << order;
        if (!_threads.TryGetValue(e.Pid, out ThreadState? t) || !t.Open)
        {
            _diag.PagesAddedOutsideOps += pages;
            // A thread filling the page cache outside write calls (exec, reads). Kept per thread; at the end only
            // the workload's threads (those that made file calls, and their siblings with the same comm, such as
            // fio's main process) count: they share the memcg.
            NoteComm(e);
            AddCacheFill(e.Timestamp.TotalNanoseconds, e.Pid, pages);

            return;
        }

        uint devKey = dev.ToKernel();
        FdState fd = t.File!;
        t.FoliosAdded++;
        if (t.Kind is not (FileOpKind.Write or FileOpKind.Read))
        {
            t.PagesAdded += pages;
            return;
        }

        if (fd.HasInode)
        {
            if (fd.Dev == devKey && fd.Ino == ino)
            {
                t.PagesAdded += pages;
            }
            else
            {
                _diag.PagesAddedToOtherFiles += pages;
            }

            return;
        }

        t.PagesAdded += pages;
        if (!t.HasCandidate && t.Bytes > 0)
        {
            long first = t.Offset >> MmFilemapAddToPageCache.PageShift;
            long last = (t.Offset + t.Bytes - 1) >> MmFilemapAddToPageCache.PageShift;
            long folioFirst = (long)Math.Min(index, long.MaxValue / 2);
            if (t.Kind == FileOpKind.Write && !t.Positional && fd.WritesWithoutPages > 0 && t.PagesAdded == pages)
            {
                // The fd wrote before without growing any page cache, so its running offset is another file's
                // (a dup2 onto it was not traced: a shell's redirection, dd's of=). Where this file's cache grows
                // is where the write is.
                t.Offset = folioFirst << MmFilemapAddToPageCache.PageShift;
                t.HasCandidate = true;
                t.CandidateDev = devKey;
                t.CandidateIno = ino;
                _diag.RebasedOffsets++;
            }
            else if (folioFirst <= last && folioFirst + pages - 1 >= first)
            {
                t.HasCandidate = true;
                t.CandidateDev = devKey;
                t.CandidateIno = ino;
            }
        }
    }

    // Fills are bucketed per thread and millisecond so a long read stays a handful of records.
    private void AddCacheFill(long timeNs, int pid, long pages)
    {
        int last = _fills.Count - 1;
        if (last >= 0 && _fills[last].Pid == pid && timeNs - _fills[last].Time.TotalNanoseconds < 1_000_000)
        {
            _fills[last] = _fills[last] with { Pages = _fills[last].Pages + pages };
            return;
        }

        _fills.Add(new CacheFill(SimTime.FromNanoseconds(timeNs), pid, pages));
    }

    private void NoteComm(in RawEvent e)
    {
        if (e.Pid != 0 && !_commByPid.ContainsKey(e.Pid))
        {
            _commByPid.Add(e.Pid, System.Text.Encoding.UTF8.GetString(e.Comm));
        }
    }

    // Fills of the workload: threads with file calls, plus threads sharing one of their comms.
    private List<CacheFill> WorkloadFills()
    {
        var comms = new HashSet<string>(StringComparer.Ordinal);
        foreach (FileOp op in _ops)
        {
            if (_commByPid.TryGetValue(op.Pid, out string? c))
            {
                comms.Add(c);
            }
        }

        var list = new List<CacheFill>(_fills.Count);
        foreach (CacheFill f in _fills)
        {
            if (_threads.ContainsKey(f.Pid) || (_commByPid.TryGetValue(f.Pid, out string? c) && comms.Contains(c)))
            {
                list.Add(f);
            }
        }

        return list;
    }

    private List<FileTruncation> CanonicalTruncations()
    {
        var list = new List<FileTruncation>(_truncations.Count);
        foreach (FileTruncation t in _truncations)
        {
            list.Add(_keyAlias.TryGetValue(t.FileKey, out long canonical) ? t with { FileKey = canonical } : t);
        }

        return list;
    }
}
