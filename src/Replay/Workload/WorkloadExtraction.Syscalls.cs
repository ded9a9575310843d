using System.Globalization;
using System.Runtime.InteropServices;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Workload;

/// <summary>The syscalls the extraction follows: per-thread call pairing, fds and their files (openat, dup2), the process tree.</summary>
internal sealed partial class WorkloadExtraction
{
    private ThreadState Thread(int pid, int tgid)
    {
        ref ThreadState? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_threads, pid, out _);
        slot ??= new ThreadState { Pid = pid };
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
        if (!_fds.ContainsKey((process, fd)))
        {
            // An fd the task never opened came from the task that cloned it: a thread shares its process's fd table
            // (kernel/fork.c copy_files with CLONE_FILES), a forked child copies it, both onto the same open files. The
            // text trace does not say which (no tgid column), so the fd follows its creator's table until the task
            // opens that number itself: right for a thread (redis's bio thread fsyncing the AOF its main thread
            // reopens), and for a child that uses what it inherited.
            int p = process;
            for (int depth = 0; depth < 8 && _parentOf.TryGetValue(p, out int parent) && parent != p; depth++)
            {
                if (_fds.TryGetValue((parent, fd), out FdState? inherited))
                {
                    return inherited;
                }

                p = parent;
            }
        }

        ref FdState? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_fds, (process, fd), out _);
        slot ??= new FdState(_nextFileKey++);
        return slot;
    }

    // sched_process_fork (every clone, threads too): a child of the workload's tree joins it; every child's creator is
    // kept (for the fds it inherits).
    private void OnFork(in RawEvent e)
    {
        if (!SchedProcessFork.TryDecode(e, out SchedProcessFork f))
        {
            return;
        }

        _parentOf.TryAdd(f.ChildPid, f.ParentPid);
        if (_tree is not null && _tree.Contains(f.ParentPid))
        {
            _tree.Add(f.ChildPid);
        }
    }

    // Bytes a vectored call is taken to cover until its return says (its iovec lengths are not in the event): a range
    // that page-cache adds at or after its offset fall in, for learning the file's inode.
    private const long VectoredBytesUntilExit = 1L << 40;

    private void OnEnter(in RawEvent e, FileOpKind kind, bool positional, bool vectored = false)
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
        if (e.Pid != 0 && !_opCommByPid.ContainsKey(e.Pid))
        {
            // The comm the thread makes its calls under (a forked child noted before its exec had its parent's).
            _opCommByPid.Add(e.Pid, System.Text.Encoding.UTF8.GetString(e.Comm));
        }

        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("fd"u8, out long fdValue))
        {
            _undecoded++;
            return;
        }

        long count = 0;
        long pos = 0;
        bool transfer = kind is FileOpKind.Write or FileOpKind.Read;
        if (vectored)
        {
            // writev/pwritev/readv/preadv (fs/read_write.c do_writev, do_pwritev): fd, vec, vlen, and for the positional
            // ones pos_l/pos_h (the offset's low and high words; on 64-bit hosts pos_l holds all of it). The byte count is
            // the return value.
            count = VectoredBytesUntilExit;
            if (positional)
            {
                if (!p.TryGetInt64("pos_l"u8, out long low))
                {
                    _undecoded++;
                    return;
                }

                long high = p.TryGetInt64("pos_h"u8, out long h) ? h : 0;
                pos = high != 0 && low is >= 0 and <= uint.MaxValue ? (high << 32) | low : low;
            }
        }
        else if (transfer && (!p.TryGetInt64("count"u8, out count) || (positional && !p.TryGetInt64("pos"u8, out pos))))
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
        t.Bytes = transfer ? count : 0;
        t.StartNs = e.Timestamp.TotalNanoseconds;
        t.EventsAtEnter = t.Counting ? t.Events - 1 : t.Events;
        t.MarkerCall = MarkerCallKind.None;
        t.Order = _enterOrdinal++;
        t.InFlightAtStart = _block.InFlightCount;
        t.PagesAdded = 0;
        t.FoliosAdded = 0;
        t.SyncDataDoneNs = -1;
        t.HasCandidate = false;
        t.Episodes = 0;
        t.StallNs = 0;
        t.Scanned = 0;
        t.Reclaimed = 0;
        t.ThrottleNs = 0;
        t.ReclaimOffCpuNs = 0;
        t.CallOffCpuNs = 0;
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
        if (t.MarkerCall != MarkerCallKind.None)
        {
            OnMarkerCallExit(t, end);
            CloseCall(t);
            return;
        }

        FdState fd = t.File!;
        if (t.Bytes == VectoredBytesUntilExit)
        {
            // A vectored call covered what it returned.
            t.Bytes = Math.Max(0, ret);
        }

        if (kind is FileOpKind.Write or FileOpKind.Read)
        {
            if (!positional && ret > 0)
            {
                fd.Offset = t.Offset + ret;
            }

            if (!fd.HasInode && t.HasCandidate)
            {
                LearnInode(fd, t.CandidateDev, t.CandidateIno);
            }
            else if (kind == FileOpKind.Write && !fd.HasInode && t.PagesAdded == 0)
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
            CallOffCpu = SimDuration.FromNanoseconds(t.CallOffCpuNs),
            FoliosAdded = t.FoliosAdded,
            RandomAccess = fd.RandomAccess,
            SyncDataWait = SimDuration.FromNanoseconds(t.SyncDataDoneNs > t.StartNs ? Math.Min(t.SyncDataDoneNs, end) - t.StartNs : 0),
            Incomplete = t.Incomplete,
        };
        _ops.Add(op);
        _opOrder.Add(t.Order);
        if (t.Incomplete)
        {
            _diag.OpsDuringLoss++;
        }

        t.LastExitNs = end;
        if (kind == FileOpKind.Write && !positional && ret > 0)
        {
            OnReplied(t, t.FdNumber, end);
        }

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
        _fds[(t.Process, (int)ret)] = new FdState(_nextFileKey++) { Opened = true };
    }

    // posix_fadvise (fadvise64): POSIX_FADV_RANDOM (1) sets FMODE_RANDOM on the open file (no readahead; mm/fadvise.c),
    // POSIX_FADV_NORMAL (0) and POSIX_FADV_SEQUENTIAL (2) clear it. The other advice changes no read-side state modelled.
    private void OnFadviseEnter(in RawEvent e)
    {
        if (_tree is not null && !_tree.Contains(e.Pid) && !_tree.Contains(e.Tgid))
        {
            return;
        }

        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("fd"u8, out long fdValue) || !p.TryGetInt64("advice"u8, out long advice) || fdValue < 0 || fdValue > int.MaxValue)
        {
            _undecoded++;
            return;
        }

        ThreadState t = Thread(e.Pid, e.Tgid);
        FdState fd = Fd(t.Process, (int)fdValue);
        if (advice is 0 or 2)
        {
            fd.RandomAccess = false;
        }
        else if (advice == 1)
        {
            fd.RandomAccess = true;
        }
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
}
