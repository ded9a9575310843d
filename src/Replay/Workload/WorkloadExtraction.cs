using System.Globalization;
using System.Runtime.InteropServices;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Workload;

/// <summary>
/// The state of one <see cref="WorkloadExtractor"/> pass: per-thread open calls and reclaim episodes,
/// per-fd offsets and learned inodes, block requests in flight, and running totals. The rules are
/// described on <see cref="WorkloadExtractor"/>.
/// </summary>
internal sealed class WorkloadExtraction
{
    private readonly TraceReader _reader;
    private readonly long? _manifestLostEvents;
    // The capture's process tree (the manifest's workload_pid and what it forked); null: every thread counts.
    private readonly HashSet<int>? _tree;
    private readonly Dictionary<int, ThreadState> _threads = [];
    private readonly Dictionary<(int Process, int Fd), FdState> _fds = [];
    private readonly Dictionary<(uint Dev, ulong Ino), long> _keyByInode = [];
    private readonly Dictionary<long, long> _keyAlias = [];
    private readonly HashSet<long> _pageCacheKeys = [];
    private readonly BlockWriteTracker _block = new();
    private readonly List<FileOp> _ops = [];
    private readonly List<CacheFill> _fills = [];
    private readonly List<FileTruncation> _truncations = [];
    private readonly Dictionary<int, string> _commByPid = [];
    private readonly Dictionary<long, long> _lastTruncation = [];
    private readonly List<long> _opOrder = [];
    private readonly WorkloadDiagnostics _diag = new();
    private Kind[] _kinds = [];
    private long _nextFileKey = 1;
    private long _enterOrdinal;
    private long _lossMarkersSeen;
    private int _openCalls;
    private long _syscallEvents;
    private long _undecoded;
    private long _clampedDurations;
    private int _offCpuThreads;

    private long _memcgEpisodes;
    private long _directEpisodes;
    private long _stallNs;
    private long _scanned;
    private long _reclaimed;
    private long _dirty;
    private long _writeback;
    private long _throttles;
    private long _throttleUs;
    private long _lastDataWriteNs = long.MinValue / 2;
    private long _flusherWokenNs = -1;
    private readonly List<long> _flusherStartDelays = [];

    public WorkloadExtraction(TraceReader reader, long? manifestLostEvents, int? workloadPid = null)
    {
        _reader = reader;
        _manifestLostEvents = manifestLostEvents;
        _tree = workloadPid is int root && root > 0 ? [root] : null;
    }

    private enum Kind : byte
    {
        Unclassified = 0,
        Ignore,
        EnterWrite,
        ExitWrite,
        EnterPwrite,
        ExitPwrite,
        EnterFsync,
        ExitFsync,
        EnterFdatasync,
        ExitFdatasync,
        ExitOpenat,
        EnterDup,
        ExitDup,
        MemcgReclaimBegin,
        MemcgReclaimEnd,
        DirectReclaimBegin,
        DirectReclaimEnd,
        ShrinkInactive,
        Throttled,
        BalanceDirtyPages,
        AddToPageCache,
        DeleteFromPageCache,
        BlockIssue,
        BlockComplete,
        SchedSwitch,
        ProcessFork,
    }

    public WriteWorkload Run()
    {
        TraceReader r = _reader;
        while (r.Read())
        {
            RawEvent e = r.Current;
            long loss = r.Diagnostics.LostEventMarkers + r.Diagnostics.BufferStartedMarkers;
            if (loss != _lossMarkersSeen)
            {
                _lossMarkersSeen = loss;
                MarkOpenCallsIncomplete();
            }

            if (_offCpuThreads > 0 && e.Pid != 0)
            {
                Resume(e.Pid, e.Timestamp.TotalNanoseconds, r.EventsRead);
            }

            if (e.TypeId < 0)
            {
                continue;
            }

            switch (KindOf(e.TypeId))
            {
                case Kind.SchedSwitch:
                    OnSwitchOut(e);
                    break;
                case Kind.ProcessFork:
                    OnFork(e);
                    break;
                case Kind.EnterWrite:
                    OnEnter(e, FileOpKind.Write, positional: false);
                    break;
                case Kind.EnterPwrite:
                    OnEnter(e, FileOpKind.Write, positional: true);
                    break;
                case Kind.EnterFsync:
                    OnEnter(e, FileOpKind.Fsync, positional: false);
                    break;
                case Kind.EnterFdatasync:
                    OnEnter(e, FileOpKind.Fdatasync, positional: false);
                    break;
                case Kind.ExitWrite:
                    OnExit(e, FileOpKind.Write, positional: false);
                    break;
                case Kind.ExitPwrite:
                    OnExit(e, FileOpKind.Write, positional: true);
                    break;
                case Kind.ExitFsync:
                    OnExit(e, FileOpKind.Fsync, positional: false);
                    break;
                case Kind.ExitFdatasync:
                    OnExit(e, FileOpKind.Fdatasync, positional: false);
                    break;
                case Kind.ExitOpenat:
                    OnOpenatExit(e);
                    break;
                case Kind.EnterDup:
                    OnDupEnter(e);
                    break;
                case Kind.ExitDup:
                    OnDupExit(e);
                    break;
                case Kind.MemcgReclaimBegin:
                case Kind.DirectReclaimBegin:
                    OnReclaimBegin(e);
                    break;
                case Kind.MemcgReclaimEnd:
                    OnReclaimEnd(e, memcg: true);
                    break;
                case Kind.DirectReclaimEnd:
                    OnReclaimEnd(e, memcg: false);
                    break;
                case Kind.ShrinkInactive:
                    OnShrinkInactive(e);
                    break;
                case Kind.Throttled:
                    OnThrottled(e);
                    break;
                case Kind.BalanceDirtyPages:
                    OnBalanceDirtyPages(e);
                    break;
                case Kind.AddToPageCache:
                    OnAddToPageCache(e);
                    break;
                case Kind.DeleteFromPageCache:
                    OnDeleteFromPageCache(e);
                    break;
                case Kind.BlockIssue:
                    OnBlockIssue(e);
                    break;
                case Kind.BlockComplete:
                    OnBlockComplete(e);
                    break;
                default:
                    break;
            }
        }

        return Finish();
    }

    private Kind KindOf(int typeId)
    {
        if (typeId >= _kinds.Length)
        {
            Array.Resize(ref _kinds, Math.Max(typeId + 1, Math.Max(16, _kinds.Length * 2)));
        }

        Kind k = _kinds[typeId];
        if (k == Kind.Unclassified)
        {
            k = Classify(_reader.EventTypes.NameOf(typeId));
            _kinds[typeId] = k;
            _diag.EventGroupsSeen |= GroupOf(k);
        }

        return k;
    }

    private static Kind Classify(string name) => name switch
    {
        "sys_enter_write" => Kind.EnterWrite,
        "sys_exit_write" => Kind.ExitWrite,
        "sys_enter_pwrite64" => Kind.EnterPwrite,
        "sys_exit_pwrite64" => Kind.ExitPwrite,
        "sys_enter_fsync" => Kind.EnterFsync,
        "sys_exit_fsync" => Kind.ExitFsync,
        "sys_enter_fdatasync" => Kind.EnterFdatasync,
        "sys_exit_fdatasync" => Kind.ExitFdatasync,
        "sys_exit_openat" => Kind.ExitOpenat,
        "sys_enter_dup" or "sys_enter_dup2" or "sys_enter_dup3" => Kind.EnterDup,
        "sys_exit_dup" or "sys_exit_dup2" or "sys_exit_dup3" => Kind.ExitDup,
        "mm_vmscan_memcg_reclaim_begin" => Kind.MemcgReclaimBegin,
        "mm_vmscan_memcg_reclaim_end" => Kind.MemcgReclaimEnd,
        "mm_vmscan_direct_reclaim_begin" => Kind.DirectReclaimBegin,
        "mm_vmscan_direct_reclaim_end" => Kind.DirectReclaimEnd,
        "mm_vmscan_lru_shrink_inactive" => Kind.ShrinkInactive,
        "mm_vmscan_throttled" => Kind.Throttled,
        "balance_dirty_pages" => Kind.BalanceDirtyPages,
        "mm_filemap_add_to_page_cache" => Kind.AddToPageCache,
        "mm_filemap_delete_from_page_cache" => Kind.DeleteFromPageCache,
        "block_rq_issue" => Kind.BlockIssue,
        "block_rq_complete" => Kind.BlockComplete,
        "sched_switch" => Kind.SchedSwitch,
        "sched_process_fork" => Kind.ProcessFork,
        _ => Kind.Ignore,
    };

    private static TracedEventGroups GroupOf(Kind k) => k switch
    {
        >= Kind.EnterWrite and <= Kind.ExitFdatasync => TracedEventGroups.Syscalls,
        >= Kind.MemcgReclaimBegin and <= Kind.ShrinkInactive => TracedEventGroups.Reclaim,
        Kind.Throttled => TracedEventGroups.ReclaimThrottle,
        Kind.BalanceDirtyPages => TracedEventGroups.DirtyThrottle,
        Kind.AddToPageCache or Kind.DeleteFromPageCache => TracedEventGroups.PageCache,
        Kind.BlockIssue or Kind.BlockComplete => TracedEventGroups.Block,
        Kind.SchedSwitch => TracedEventGroups.Scheduler,
        _ => TracedEventGroups.None,
    };

    private ThreadState Thread(int pid, int tgid)
    {
        ref ThreadState? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_threads, pid, out _);
        slot ??= new ThreadState();
        if (tgid >= 0)
        {
            slot.Process = tgid;
        }
        else if (slot.Process < 0)
        {
            slot.Process = pid;
        }

        return slot;
    }

    private FdState Fd(int process, int fd)
    {
        ref FdState? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_fds, (process, fd), out _);
        slot ??= new FdState(_nextFileKey++);
        return slot;
    }

    // sched_process_fork (every clone, threads too): a child of the workload's tree joins it.
    private void OnFork(in RawEvent e)
    {
        if (_tree is not null && SchedProcessFork.TryDecode(e, out SchedProcessFork f) && _tree.Contains(f.ParentPid))
        {
            _tree.Add(f.ChildPid);
        }
    }

    private void OnEnter(in RawEvent e, FileOpKind kind, bool positional)
    {
        _syscallEvents++;
        if (_tree is not null && !_tree.Contains(e.Pid) && !_tree.Contains(e.Tgid))
        {
            // Another program's call (the capture traces syscalls system-wide): not the workload's.
            _diag.ForeignCalls++;
            _diag.NoteForeign(e.Pid, e.Comm);
            return;
        }

        NoteComm(e);
        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("fd"u8, out long fdValue))
        {
            _undecoded++;
            return;
        }

        long count = 0;
        long pos = 0;
        if (kind == FileOpKind.Write && (!p.TryGetInt64("count"u8, out count) || (positional && !p.TryGetInt64("pos"u8, out pos))))
        {
            _undecoded++;
            return;
        }

        ThreadState t = Thread(e.Pid, e.Tgid);
        if (t.Open)
        {
            _diag.EntersWithoutExit++;
            CloseCall(t);
        }

        int fdNumber = unchecked((int)fdValue);
        FdState fd = Fd(t.Process, fdNumber);
        t.Open = true;
        _openCalls++;
        t.Kind = kind;
        t.Positional = positional;
        t.FdNumber = fdNumber;
        t.File = fd;
        t.Offset = positional ? pos : fd.Offset;
        t.Bytes = kind == FileOpKind.Write ? count : 0;
        t.StartNs = e.Timestamp.TotalNanoseconds;
        t.Order = _enterOrdinal++;
        t.InFlightAtStart = _block.InFlightCount;
        t.PagesAdded = 0;
        t.HasCandidate = false;
        t.Episodes = 0;
        t.StallNs = 0;
        t.Scanned = 0;
        t.Reclaimed = 0;
        t.ThrottleNs = 0;
        t.ReclaimOffCpuNs = 0;
        t.DirtyPauseNs = 0;
        t.Incomplete = false;
    }

    private void OnExit(in RawEvent e, FileOpKind kind, bool positional)
    {
        _syscallEvents++;
        if (!SyscallText.TryGetRet(e.Payload, out long ret))
        {
            _undecoded++;
            return;
        }

        if (!_threads.TryGetValue(e.Pid, out ThreadState? t) || !t.Open)
        {
            _diag.ExitsWithoutEnter++;
            return;
        }

        if (t.Kind != kind || t.Positional != positional)
        {
            // Another call's exit: this call's exit and that call's enter were both lost.
            _diag.ExitsWithoutEnter++;
            _diag.EntersWithoutExit++;
            CloseCall(t);
            return;
        }

        long end = e.Timestamp.TotalNanoseconds;
        FdState fd = t.File!;
        if (kind == FileOpKind.Write)
        {
            if (!positional && ret > 0)
            {
                fd.Offset = t.Offset + ret;
            }

            if (!fd.HasInode && t.HasCandidate)
            {
                LearnInode(fd, t.CandidateDev, t.CandidateIno);
            }
            else if (!fd.HasInode && t.PagesAdded == 0)
            {
                fd.WritesWithoutPages++;
            }
        }

        if (t.ReclaimBeginNs >= 0)
        {
            // The call returned inside a reclaim episode: its end was lost.
            t.Incomplete = true;
        }

        long think = t.LastExitNs >= 0 ? NonNegative(t.StartNs - t.LastExitNs) : 0;
        var op = new FileOp(
            kind,
            e.Pid,
            t.FdNumber,
            fd.Key,
            t.Offset,
            t.Bytes,
            ret,
            SimTime.FromNanoseconds(t.StartNs),
            SimDuration.FromNanoseconds(NonNegative(end - t.StartNs)),
            SimDuration.FromNanoseconds(think),
            (int)Math.Min(t.PagesAdded, int.MaxValue),
            t.Episodes,
            SimDuration.FromNanoseconds(t.StallNs),
            t.Scanned,
            t.Reclaimed,
            SimDuration.FromNanoseconds(t.ThrottleNs),
            SimDuration.FromNanoseconds(t.DirtyPauseNs))
        {
            Positional = positional,
            DeviceWritesInFlight = t.InFlightAtStart,
            ReclaimOffCpu = SimDuration.FromNanoseconds(t.ReclaimOffCpuNs),
            Incomplete = t.Incomplete,
        };
        _ops.Add(op);
        _opOrder.Add(t.Order);
        if (t.Incomplete)
        {
            _diag.OpsDuringLoss++;
        }

        t.LastExitNs = end;
        CloseCall(t);
    }

    private void CloseCall(ThreadState t)
    {
        t.Open = false;
        t.File = null;
        _openCalls--;
    }

    private void LearnInode(FdState fd, uint dev, ulong ino)
    {
        fd.HasInode = true;
        fd.Dev = dev;
        fd.Ino = ino;
        ref long key = ref CollectionsMarshal.GetValueRefOrAddDefault(_keyByInode, (dev, ino), out bool exists);
        if (!exists)
        {
            key = fd.Key;
            _pageCacheKeys.Add(key);
        }
        else if (key != fd.Key)
        {
            _keyAlias[fd.Key] = key;
        }
    }

    private void OnOpenatExit(in RawEvent e)
    {
        if (!SyscallText.TryGetRet(e.Payload, out long ret))
        {
            _undecoded++;
            return;
        }

        if (ret < 0 || ret > int.MaxValue)
        {
            return;
        }

        // A new open file behind this fd number: new key, offset 0 (O_APPEND is not visible in the trace).
        ThreadState t = Thread(e.Pid, e.Tgid);
        _fds[(t.Process, (int)ret)] = new FdState(_nextFileKey++);
    }

    // dup(2), dup2(2), dup3(2): the new fd shares the old one's open file description (and so its offset).
    private void OnDupEnter(in RawEvent e)
    {
        var p = new PayloadReader(e.Payload);
        if (!(p.TryGetInt64("oldfd"u8, out long oldFd) || p.TryGetInt64("fildes"u8, out oldFd)) || oldFd < 0 || oldFd > int.MaxValue)
        {
            _undecoded++;
            return;
        }

        ThreadState t = Thread(e.Pid, e.Tgid);
        t.PendingDupOld = (int)oldFd;
        t.PendingDupNew = p.TryGetInt64("newfd"u8, out long newFd) && newFd >= 0 && newFd <= int.MaxValue ? (int)newFd : -1;
    }

    private void OnDupExit(in RawEvent e)
    {
        if (!_threads.TryGetValue(e.Pid, out ThreadState? t) || t.PendingDupOld < 0)
        {
            return;
        }

        int oldFd = t.PendingDupOld;
        t.PendingDupOld = -1;
        if (!SyscallText.TryGetRet(e.Payload, out long ret) || ret < 0 || ret > int.MaxValue)
        {
            return;
        }

        _fds[(t.Process, (int)ret)] = Fd(t.Process, oldFd);
    }

    private void OnReclaimBegin(in RawEvent e)
    {
        ThreadState t = Thread(e.Pid, e.Tgid);
        if (t.ReclaimBeginNs >= 0)
        {
            _diag.ReclaimBeginsWithoutEnd++;
            if (t.Open)
            {
                t.Incomplete = true;
            }
        }

        t.ReclaimBeginNs = e.Timestamp.TotalNanoseconds;
        t.EpisodeScanned = 0;
        t.EpisodeReclaimed = 0;
        t.EpisodeOffCpuNs = 0;
    }

    private void OnReclaimEnd(in RawEvent e, bool memcg)
    {
        if (!_threads.TryGetValue(e.Pid, out ThreadState? t) || t.ReclaimBeginNs < 0)
        {
            _diag.ReclaimEndsWithoutBegin++;
            return;
        }

        long stall = NonNegative(e.Timestamp.TotalNanoseconds - t.ReclaimBeginNs);
        if (memcg)
        {
            _memcgEpisodes++;
        }
        else
        {
            _directEpisodes++;
        }

        _stallNs += stall;
        if (t.Open && t.ReclaimBeginNs >= t.StartNs)
        {
            t.Episodes++;
            t.StallNs += stall;
            t.Scanned += t.EpisodeScanned;
            t.Reclaimed += t.EpisodeReclaimed;
            t.ReclaimOffCpuNs += t.EpisodeOffCpuNs;
        }

        t.ReclaimBeginNs = -1;
    }

    private void OnShrinkInactive(in RawEvent e)
    {
        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("nr_scanned"u8, out long scanned) || !p.TryGetInt64("nr_reclaimed"u8, out long reclaimed))
        {
            _undecoded++;
            return;
        }

        _scanned += scanned;
        _reclaimed += reclaimed;
        if (p.TryGetInt64("nr_dirty"u8, out long dirty))
        {
            _dirty += dirty;
        }

        if (p.TryGetInt64("nr_writeback"u8, out long writeback))
        {
            _writeback += writeback;
        }

        // A chunk of dirty folios none of which is under writeback wakes the flusher (shrink_inactive_list's
        // nr_unqueued_dirty == nr_taken, approximated by dirty > 0 and writeback == 0); time it when the flusher was idle.
        long now = e.Timestamp.TotalNanoseconds;
        if (dirty > 0 && writeback == 0 && _flusherWokenNs < 0 && now - _lastDataWriteNs > FlusherIdleNs)
        {
            _flusherWokenNs = now;
        }

        if (_threads.TryGetValue(e.Pid, out ThreadState? t) && t.ReclaimBeginNs >= 0)
        {
            t.EpisodeScanned += scanned;
            t.EpisodeReclaimed += reclaimed;
        }
    }

    private void OnThrottled(in RawEvent e)
    {
        // The kernel prints usec_delayed as "usect_delayed=" (see MmVmscanThrottled); trace-cmd -R uses the field name.
        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("usect_delayed"u8, out long us) && !p.TryGetInt64("usec_delayed"u8, out us))
        {
            _undecoded++;
            return;
        }

        _throttles++;
        _throttleUs += us;
        if (_threads.TryGetValue(e.Pid, out ThreadState? t) && t.Open)
        {
            // usec_delayed counts whole jiffies (4 ms at HZ=250): a sleep cut short by writeback completion
            // still reads 4000. The thread's off-CPU time up to this event (it fires on wakeup) is the sleep;
            // without sched_switch, usec_delayed is capped by the time since the episode (or call) began.
            long now = e.Timestamp.TotalNanoseconds;
            long sleptNs;
            if (t.ResumedAtEvent == _reader.EventsRead)
            {
                sleptNs = t.LastOffCpuNs;
            }
            else
            {
                long since = Math.Max(t.StartNs, t.ReclaimBeginNs);
                sleptNs = Math.Min(us * 1_000, NonNegative(now - since));
            }

            t.ThrottleNs += sleptNs;
        }
    }

    private void OnBalanceDirtyPages(in RawEvent e)
    {
        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("pause"u8, out long pauseMs))
        {
            _undecoded++;
            return;
        }

        if (pauseMs > 0 && _threads.TryGetValue(e.Pid, out ThreadState? t) && t.Open)
        {
            t.DirtyPauseNs += pauseMs * 1_000_000;
        }
    }

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
        if (t.Kind != FileOpKind.Write)
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
            if (!t.Positional && fd.WritesWithoutPages > 0 && t.PagesAdded == pages)
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

    private static SimDuration? MedianDuration(List<long> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return SimDuration.FromNanoseconds(values[(values.Count - 1) / 2]);
    }

    // The flusher counts as idle after this long without a data write.
    private const long FlusherIdleNs = 5_000_000;

    // Writeback of file data: W with no flag for metadata (M), sync (S), flush (F) or FUA.
    private static bool IsPlainDataWrite(ReadOnlySpan<byte> rwbs) =>
        rwbs.Length > 0 && rwbs[0] == (byte)'W' && rwbs.IndexOfAny("MSF"u8) < 0;

    private void OnBlockIssue(in RawEvent e)
    {
        if (!BlockRqFields.TryRead(e.Payload, out uint dev, out ReadOnlySpan<byte> rwbs, out ulong sector, out uint nr))
        {
            _undecoded++;
        }
        else if (BlockRqFields.IsWrite(rwbs) && nr > 0)
        {
            _block.Issue(dev, sector, nr, e.Timestamp.TotalNanoseconds);
            if (IsPlainDataWrite(rwbs))
            {
                long now = e.Timestamp.TotalNanoseconds;
                if (_flusherWokenNs >= 0)
                {
                    _flusherStartDelays.Add(now - _flusherWokenNs);
                    _flusherWokenNs = -1;
                }

                _lastDataWriteNs = now;
            }
        }
    }

    private void OnBlockComplete(in RawEvent e)
    {
        if (!BlockRqFields.TryRead(e.Payload, out uint dev, out ReadOnlySpan<byte> rwbs, out ulong sector, out uint nr))
        {
            _undecoded++;
        }
        else if (BlockRqFields.IsWrite(rwbs) && nr > 0)
        {
            _block.Complete(dev, sector, nr, e.Timestamp.TotalNanoseconds);
        }
    }

    private void OnSwitchOut(in RawEvent e)
    {
        // sched_switch is emitted by the task leaving the CPU (common_pid = prev_pid); only threads that made
        // file calls or reclaimed are tracked.
        if (e.Pid != 0 && _threads.TryGetValue(e.Pid, out ThreadState? t) && t.OffCpuSinceNs < 0)
        {
            t.OffCpuSinceNs = e.Timestamp.TotalNanoseconds;
            _offCpuThreads++;
        }
    }

    private void Resume(int pid, long now, long ordinal)
    {
        // The first event a thread records after it left the CPU shows it running again. (Switches into a task
        // are not recorded reliably on every CPU here, see LAB-NOTES, so they are not used.)
        if (!_threads.TryGetValue(pid, out ThreadState? t) || t.OffCpuSinceNs < 0)
        {
            return;
        }

        long off = NonNegative(now - t.OffCpuSinceNs);
        if (t.ReclaimBeginNs >= 0 && t.OffCpuSinceNs >= t.ReclaimBeginNs)
        {
            t.EpisodeOffCpuNs += off;
        }

        t.LastOffCpuNs = off;
        t.ResumedAtEvent = ordinal;
        t.OffCpuSinceNs = -1;
        _offCpuThreads--;
    }

    private void MarkOpenCallsIncomplete()
    {
        if (_openCalls == 0)
        {
            return;
        }

        foreach (ThreadState t in _threads.Values)
        {
            if (t.Open)
            {
                t.Incomplete = true;
            }
        }
    }

    private long NonNegative(long ns)
    {
        // trace_clock "local" is per CPU: a thread that migrates between enter and exit can see its clock step back.
        if (ns < 0)
        {
            _clampedDurations++;
            return 0;
        }

        return ns;
    }

    private WriteWorkload Finish()
    {
        TraceReader r = _reader;
        long last = r.LastTimestamp?.TotalNanoseconds ?? 0;
        _diag.UnfinishedAtEnd = _openCalls;
        _diag.BlockUnfinishedAtEnd = _block.InFlightCount;
        _diag.BlockCompletesWithoutIssue = _block.CompletesWithoutIssue;
        DeviceActivity device = _block.Finish(last);

        _diag.Reader = r.Diagnostics;
        _diag.ManifestLostEvents = _manifestLostEvents;
        _diag.UndecodedEvents = _undecoded;
        _diag.ClampedDurations = _clampedDurations + _block.ClampedDurations;

        // Ops were appended at their exits; order them by their enters (file order, which is time order).
        Span<FileOp> ops = CollectionsMarshal.AsSpan(_ops);
        CollectionsMarshal.AsSpan(_opOrder).Sort(ops);
        // Keys learned to be the same inode get the first key; ops on a page-cache file are flagged.
        for (int i = 0; i < ops.Length; i++)
        {
            long key = _keyAlias.TryGetValue(ops[i].FileKey, out long canonical) ? canonical : ops[i].FileKey;
            bool pageCache = _pageCacheKeys.Contains(key);
            if (key != ops[i].FileKey || pageCache)
            {
                ops[i] = ops[i] with { FileKey = key, PageCacheFile = pageCache };
            }
        }

        if (_syscallEvents == 0)
        {
            _diag.AddNote("The trace has no write, pwrite64, fsync or fdatasync syscall events (syscalls:sys_enter_*/sys_exit_*), "
                + "so there is no workload to extract; capture with a profile that enables them (ksim-capture -p memcg or -p writeback).");
        }
        else if (ops.Length == 0)
        {
            _diag.AddNote("The trace has file-write syscall events but no complete enter/exit pair.");
        }

        if (_diag.UnfinishedAtEnd > 0)
        {
            _diag.AddNote(string.Create(CultureInfo.InvariantCulture, $"{_diag.UnfinishedAtEnd} call(s) were still open when the trace ended and are left out."));
        }

        long lost = r.Diagnostics.LostEvents + r.Diagnostics.LostMarkersWithoutCount + r.Diagnostics.BufferStartedMarkers;
        if (lost > 0 || _manifestLostEvents > 0)
        {
            string manifest = _manifestLostEvents is long m ? m.ToString(CultureInfo.InvariantCulture) : "n/a";
            _diag.AddNote(string.Create(
                CultureInfo.InvariantCulture,
                $"The tracer lost events (text: {r.Diagnostics.LostEvents} in {r.Diagnostics.LostEventMarkers} marker(s), {r.Diagnostics.BufferStartedMarkers} buffer restart(s); manifest: {manifest}); calls open during a marked loss are flagged Incomplete."));
        }

        var reclaim = new ReclaimActivity(
            _memcgEpisodes,
            _directEpisodes,
            SimDuration.FromNanoseconds(_stallNs),
            _scanned,
            _reclaimed,
            _dirty,
            _writeback,
            _throttles,
            SimDuration.FromMicroseconds(_throttleUs))
        {
            FlusherStartDelay = MedianDuration(_flusherStartDelays),
            FlusherStartSamples = _flusherStartDelays.Count,
        };
        return new WriteWorkload(
            r.SourceName,
            _ops.AsReadOnly(),
            device,
            reclaim,
            r.FirstTimestamp ?? SimTime.Zero,
            r.LastTimestamp ?? SimTime.Zero)
        {
            Diagnostics = _diag,
            CacheFills = WorkloadFills(),
            Truncations = CanonicalTruncations(),
        };
    }
}
