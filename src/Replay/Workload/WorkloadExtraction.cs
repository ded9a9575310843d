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
internal sealed partial class WorkloadExtraction
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
    private readonly List<FillCandidate> _fillCandidates = [];
    private readonly List<FileTruncation> _truncations = [];
    private readonly Dictionary<int, string> _commByPid = [];
    private readonly Dictionary<int, string> _opCommByPid = [];
    private readonly Dictionary<int, int> _parentOf = [];
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
        EnterRead,
        ExitRead,
        EnterPread,
        ExitPread,
        EnterWritev,
        ExitWritev,
        EnterPwritev,
        ExitPwritev,
        EnterReadv,
        ExitReadv,
        EnterPreadv,
        ExitPreadv,
        ExitOpenat,
        EnterDup,
        ExitDup,
        EnterFadvise,
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
        EnterRecvfrom,
        ExitRecvfrom,
        EnterSendto,
        ExitSendto,
        Marker,
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

            if (_countingThreads > 0 && e.Pid != 0)
            {
                CountThreadEvent(e.Pid);
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
                case Kind.EnterRead:
                    // A read(2) is both a file operation and, on a socket, the start of a server's request.
                    OnEnter(e, FileOpKind.Read, positional: false);
                    OnReadEnter(e);
                    break;
                case Kind.EnterPread:
                    OnEnter(e, FileOpKind.Read, positional: true);
                    break;
                case Kind.ExitRead:
                    OnExit(e, FileOpKind.Read, positional: false);
                    OnReadExit(e, socketCall: false);
                    break;
                case Kind.ExitPread:
                    OnExit(e, FileOpKind.Read, positional: true);
                    break;
                case Kind.EnterWritev:
                    OnEnter(e, FileOpKind.Write, positional: false, vectored: true);
                    break;
                case Kind.EnterPwritev:
                    OnEnter(e, FileOpKind.Write, positional: true, vectored: true);
                    break;
                case Kind.EnterReadv:
                    OnEnter(e, FileOpKind.Read, positional: false, vectored: true);
                    break;
                case Kind.EnterPreadv:
                    OnEnter(e, FileOpKind.Read, positional: true, vectored: true);
                    break;
                case Kind.ExitWritev:
                    OnExit(e, FileOpKind.Write, positional: false);
                    break;
                case Kind.ExitPwritev:
                    OnExit(e, FileOpKind.Write, positional: true);
                    break;
                case Kind.ExitReadv:
                    OnExit(e, FileOpKind.Read, positional: false);
                    break;
                case Kind.ExitPreadv:
                    OnExit(e, FileOpKind.Read, positional: true);
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
                case Kind.EnterFadvise:
                    OnFadviseEnter(e);
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
                case Kind.EnterRecvfrom:
                    OnReadEnter(e);
                    break;
                case Kind.ExitRecvfrom:
                    OnReadExit(e, socketCall: true);
                    break;
                case Kind.EnterSendto:
                    OnSendEnter(e);
                    break;
                case Kind.ExitSendto:
                    OnSendExit(e);
                    break;
                case Kind.Marker:
                    OnMarker(e);
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
        "sys_enter_read" => Kind.EnterRead,
        "sys_exit_read" => Kind.ExitRead,
        "sys_enter_pread64" => Kind.EnterPread,
        "sys_exit_pread64" => Kind.ExitPread,
        "sys_enter_writev" => Kind.EnterWritev,
        "sys_exit_writev" => Kind.ExitWritev,
        "sys_enter_pwritev" or "sys_enter_pwritev2" => Kind.EnterPwritev,
        "sys_exit_pwritev" or "sys_exit_pwritev2" => Kind.ExitPwritev,
        "sys_enter_readv" => Kind.EnterReadv,
        "sys_exit_readv" => Kind.ExitReadv,
        "sys_enter_preadv" or "sys_enter_preadv2" => Kind.EnterPreadv,
        "sys_exit_preadv" or "sys_exit_preadv2" => Kind.ExitPreadv,
        "sys_exit_openat" => Kind.ExitOpenat,
        "sys_enter_dup" or "sys_enter_dup2" or "sys_enter_dup3" => Kind.EnterDup,
        "sys_exit_dup" or "sys_exit_dup2" or "sys_exit_dup3" => Kind.ExitDup,
        "sys_enter_fadvise64" => Kind.EnterFadvise,
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
        "sys_enter_recvfrom" => Kind.EnterRecvfrom,
        "sys_exit_recvfrom" => Kind.ExitRecvfrom,
        "sys_enter_sendto" => Kind.EnterSendto,
        "sys_exit_sendto" => Kind.ExitSendto,
        "print" => Kind.Marker,
        _ => Kind.Ignore,
    };

    private static TracedEventGroups GroupOf(Kind k) => k switch
    {
        >= Kind.EnterWrite and <= Kind.ExitPreadv => TracedEventGroups.Syscalls,
        >= Kind.MemcgReclaimBegin and <= Kind.ShrinkInactive => TracedEventGroups.Reclaim,
        Kind.Throttled => TracedEventGroups.ReclaimThrottle,
        Kind.BalanceDirtyPages => TracedEventGroups.DirtyThrottle,
        Kind.AddToPageCache or Kind.DeleteFromPageCache => TracedEventGroups.PageCache,
        Kind.BlockIssue or Kind.BlockComplete => TracedEventGroups.Block,
        Kind.SchedSwitch => TracedEventGroups.Scheduler,
        _ => TracedEventGroups.None,
    };

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
        else if (t.Open)
        {
            // Off the CPU inside the call but outside reclaim: for a read, waiting for its I/O (or preempted).
            t.CallOffCpuNs += off;
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
            Requests = FinishRequests().AsReadOnly(),
        };
    }

    // A page-cache add outside any call: when, by whom, which file's pages.
    private readonly record struct FillCandidate(long TimeNs, int Pid, uint Dev, ulong Ino, long FirstPage, long Pages, byte Order);
}
