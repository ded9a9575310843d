using KernelSim.Time;

namespace KernelSim.Models.Memcg;

/// <summary>What a write request asks of the page cache (or an fsync).</summary>
public enum WriteRequestKind
{
    /// <summary>Buffered write of <see cref="WriteRequest.Bytes"/> at <see cref="WriteRequest.Offset"/>.</summary>
    Write,

    /// <summary>fsync/fdatasync: write back the file's dirty pages and wait for them.</summary>
    Fsync,

    /// <summary>Clean pages added to the page cache outside write calls (reads, exec), charged to the memcg.</summary>
    CacheFill,

    /// <summary>The file's page cache is dropped (truncate, unlink): its folios are freed and uncharged.</summary>
    Truncate,

    /// <summary>
    /// Buffered read of <see cref="WriteRequest.Bytes"/> at <see cref="WriteRequest.Offset"/> (read, pread64): cached folios
    /// are copied, missing ones are read from the device (with readahead) and charged.
    /// </summary>
    Read,

    /// <summary>A call the model does not simulate (a read from a socket or pipe): it takes its captured time on its thread.</summary>
    Other,
}

/// <summary>
/// One operation of the replayed workload, as the model consumes it. Built from a trace by
/// KernelSim.Replay (the model knows nothing about trace formats).
/// </summary>
/// <param name="Kind">Write or fsync.</param>
/// <param name="ThreadId">The issuing thread; each thread issues its requests in order, closed loop.</param>
/// <param name="FileKey">Identifies the file.</param>
/// <param name="Offset">Byte offset.</param>
/// <param name="Bytes">Bytes written (0 for fsync).</param>
/// <param name="ThinkBefore">Time the thread spent outside the kernel before this request.</param>
/// <param name="BaseCost">Time the request took in the capture outside reclaim, throttling and dirty pauses (its own CPU work).</param>
/// <param name="CapturedNewPages">Pages this request added to the page cache in the capture (to adjust <see cref="BaseCost"/> when the proposal changes that); -1 when the capture did not record it (no adjustment is made then).</param>
/// <param name="CapturedWritebackActive">True when block writes were in flight as the request started in the capture (writes cost more then).</param>
public readonly record struct WriteRequest(
    WriteRequestKind Kind,
    int ThreadId,
    long FileKey,
    long Offset,
    long Bytes,
    SimDuration ThinkBefore,
    SimDuration BaseCost,
    int CapturedNewPages,
    bool CapturedWritebackActive = false)
{
    /// <summary>
    /// Pages of this write the capture paid a host fault for (page cache grown past the host's backed reserve,
    /// WritePathCosts.HostBackedPages): the replay charges only the difference from what it predicts.
    /// </summary>
    public int CapturedHostFaultPages { get; init; }

    /// <summary>
    /// For a read: true when the capture read pages of this request from the device (pages were added during the call,
    /// so its <see cref="BaseCost"/> excludes that wait). A read that hit in the capture on pages the replay never saw is a
    /// page cached before the capture began: the replay finds it resident (and charges it) instead of reading it.
    /// </summary>
    public bool CapturedMiss { get; init; }

    /// <summary>For a read: how long it waits for the device when the replay has to read its pages (the capture's own wait
    /// when it missed there too, else one drawn from the capture's read misses).</summary>
    public SimDuration MissWait { get; init; }

    /// <summary>For a read: the file was opened for random access (posix_fadvise POSIX_FADV_RANDOM, FMODE_RANDOM): a miss
    /// reads only the pages asked for, with no readahead window.</summary>
    public bool RandomAccess { get; init; }

    /// <summary>
    /// For a <see cref="WriteRequestKind.CacheFill"/>: the pages are a file's data, read by a process whose calls the capture
    /// did not trace, at their place in the file (<see cref="FileKey"/>, <see cref="Offset"/>); not a fault on a mapping.
    /// </summary>
    public bool DataFill { get; init; }

    /// <summary>For a <see cref="DataFill"/>: the order of the folios the capture added (readahead's large folios), used where the pages align to it.</summary>
    public int FillOrder { get; init; }

    /// <summary>
    /// Index of another thread's request this one may not begin before (-1: none): a truncation follows the last write of
    /// the file that came before it in the capture, however much later that write runs in the replay.
    /// </summary>
    public int After { get; init; } = -1;
}
