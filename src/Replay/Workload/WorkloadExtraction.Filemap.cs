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
            AddFillCandidate(e.Timestamp.TotalNanoseconds, e.Pid, dev.ToKernel(), ino, (long)Math.Min(index, long.MaxValue / 2), pages, order);

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

    // A page added outside any call, kept with its file until the end (only then is every workload file's inode known):
    // contiguous adds of one file by one thread within a millisecond are one candidate.
    private void AddFillCandidate(long timeNs, int pid, uint dev, ulong ino, long index, long pages, byte order)
    {
        int last = _fillCandidates.Count - 1;
        if (last >= 0)
        {
            FillCandidate c = _fillCandidates[last];
            if (c.Pid == pid && c.Dev == dev && c.Ino == ino && c.Order == order && c.FirstPage + c.Pages == index && timeNs - c.TimeNs < 1_000_000)
            {
                _fillCandidates[last] = c with { Pages = c.Pages + pages };
                return;
            }
        }

        _fillCandidates.Add(new FillCandidate(timeNs, pid, dev, ino, index, pages, order));
    }

    // Fills are bucketed per thread and millisecond so a long read stays a handful of records.
    private static void AddCacheFill(List<CacheFill> fills, long timeNs, int pid, long pages)
    {
        int last = fills.Count - 1;
        if (last >= 0 && fills[last].Pid == pid && fills[last].FileKey is null && timeNs - fills[last].Time.TotalNanoseconds < 1_000_000)
        {
            fills[last] = fills[last] with { Pages = fills[last].Pages + pages };
            return;
        }

        fills.Add(new CacheFill(SimTime.FromNanoseconds(timeNs), pid, pages));
    }

    private void NoteComm(in RawEvent e)
    {
        if (e.Pid != 0 && !_commByPid.ContainsKey(e.Pid))
        {
            _commByPid.Add(e.Pid, System.Text.Encoding.UTF8.GetString(e.Comm));
        }
    }

    // Fills of the workload. Pages of a file the workload's calls use, added by another process of the capture's tree
    // (a loader warming the cache, a program whose calls the capture filtered out), are that file's: the replay caches
    // them where the workload will look. The workload threads' own fills (those with file calls, and threads sharing
    // one of their comms) are memory charged beside its files (executables and libraries faulted in).
    private List<CacheFill> WorkloadFills()
    {
        var comms = new HashSet<string>(StringComparer.Ordinal);
        var callers = new HashSet<int>();
        foreach (FileOp op in _ops)
        {
            if (callers.Add(op.Pid) && _opCommByPid.TryGetValue(op.Pid, out string? c))
            {
                comms.Add(c);
            }
        }

        // Threads that made file calls (a thread known only from reclaim or scheduler events is not one), and their comms' threads.
        bool Workload(int pid) => callers.Contains(pid) || (_commByPid.TryGetValue(pid, out string? c) && comms.Contains(c));
        var anonymous = new List<CacheFill>(_fillCandidates.Count);
        var keyed = new List<CacheFill>();
        foreach (FillCandidate f in _fillCandidates)
        {
            // A workload thread's own adds outside its calls are faults on mappings (its libraries, mapped files): those
            // stay memory charged beside the files. Another process of the capture (any, without a manifest's tree)
            // adding a workload file's pages read them for it.
            if (!Workload(f.Pid) && (_tree is null || _tree.Contains(f.Pid)) && _keyByInode.TryGetValue((f.Dev, f.Ino), out long key))
            {
                keyed.Add(new CacheFill(SimTime.FromNanoseconds(f.TimeNs), f.Pid, f.Pages)
                {
                    FileKey = _keyAlias.TryGetValue(key, out long canonical) ? canonical : key,
                    FirstPage = f.FirstPage,
                    Order = f.Order,
                });
                _diag.FileDataFillPages += f.Pages;
                continue;
            }

            AddCacheFill(anonymous, f.TimeNs, f.Pid, f.Pages);
        }

        var list = new List<CacheFill>(anonymous.Count + keyed.Count);
        foreach (CacheFill f in anonymous)
        {
            if (Workload(f.Pid))
            {
                list.Add(f);
            }
        }

        if (keyed.Count == 0)
        {
            return list;
        }

        // In time order (stable: each thread's fills stay in the order it made them).
        list.AddRange(keyed);
        return [.. list.OrderBy(f => f.Time.TotalNanoseconds)];
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
