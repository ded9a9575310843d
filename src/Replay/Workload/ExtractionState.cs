namespace KernelSim.Replay.Workload;

/// <summary>An open file description as the extractor knows it: its key, running offset and (once learned) inode.</summary>
internal sealed class FdState(long key)
{
    public long Key { get; } = key;

    public long Offset { get; set; }

    public bool HasInode { get; set; }

    public uint Dev { get; set; }

    public ulong Ino { get; set; }

    // Returned by openat in the trace (a file, a device), so not a socket a server reads requests from.
    public bool Opened { get; set; }

    // Writes that added no page while the fd's inode was unknown (a pipe, cgroupfs, a tty, or cached pages):
    // its running offset may belong to another file the fd pointed at before a dup2 the trace did not show.
    public long WritesWithoutPages { get; set; }

    // posix_fadvise(POSIX_FADV_RANDOM) was given on it (FMODE_RANDOM: reads do no readahead).
    public bool RandomAccess { get; set; }
}

/// <summary>What the extractor tracks per thread: the open call and its counters, the reclaim episode, off-CPU state.</summary>
internal sealed class ThreadState
{
    public int Pid { get; init; }

    public int Process { get; set; } = -1;

    public bool Open { get; set; }

    public FileOpKind Kind { get; set; }

    public bool Positional { get; set; }

    public int FdNumber { get; set; }

    public FdState? File { get; set; }

    public long Offset { get; set; }

    public long Bytes { get; set; }

    public long StartNs { get; set; }

    public long Order { get; set; }

    public int InFlightAtStart { get; set; }

    public long PagesAdded { get; set; }

    public int FoliosAdded { get; set; }

    // fsync/fdatasync: when the last data write the call issued itself completed (-1: none).
    public long SyncDataDoneNs { get; set; } = -1;

    public bool HasCandidate { get; set; }

    // dup2/dup3/dup in flight: the fd duplicated (-1: none) and the fd asked for (-1: the lowest free, dup).
    public int PendingDupOld { get; set; } = -1;

    public int PendingDupNew { get; set; } = -1;

    public uint CandidateDev { get; set; }

    public ulong CandidateIno { get; set; }

    public int Episodes { get; set; }

    public long StallNs { get; set; }

    public long Scanned { get; set; }

    public long Reclaimed { get; set; }

    public long ThrottleNs { get; set; }

    public long DirtyPauseNs { get; set; }

    public bool Incomplete { get; set; }

    public long ReclaimBeginNs { get; set; } = -1;

    public long EpisodeScanned { get; set; }

    public long EpisodeReclaimed { get; set; }

    public long LastExitNs { get; set; } = -1;

    public long ReclaimOffCpuNs { get; set; }

    // Off-CPU time inside the open call outside its reclaim episodes (a read's I/O wait).
    public long CallOffCpuNs { get; set; }

    public long EpisodeOffCpuNs { get; set; }

    public long OffCpuSinceNs { get; set; } = -1;

    public long LastOffCpuNs { get; set; }

    public long ResumedAtEvent { get; set; } = -1;

    // Requests (WorkloadExtraction.Requests.cs): events the thread fired since its first request opened (counted while
    // Counting), the count before its open call's sys_enter, the fd of a read/recvfrom or sendto in flight, the marker
    // the open write(2) carries, the open marker request and the open socket exchanges.
    public bool Counting { get; set; }

    public long Events { get; set; }

    public long EventsAtEnter { get; set; }

    public int PendingReadFd { get; set; } = -1;

    public int PendingSendFd { get; set; } = -1;

    public MarkerCallKind MarkerCall { get; set; }

    public long MarkerStartNs { get; set; } = -1;

    public long MarkerStartEvents { get; set; }

    public List<OpenExchange>? Exchanges { get; set; }
}
