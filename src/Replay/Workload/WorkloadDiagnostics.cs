using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Workload;

/// <summary>
/// What <see cref="WorkloadExtractor"/> met besides cleanly paired calls. Nothing is dropped silently:
/// every skipped enter, exit or event is counted here, with a note when it changes how the workload
/// should be read.
/// </summary>
public sealed class WorkloadDiagnostics
{
    private readonly List<string> _notes = [];

    /// <summary>sys_exit events with no sys_enter of the same call open on that thread (normal at the trace start).</summary>
    public long ExitsWithoutEnter { get; internal set; }

    /// <summary>
    /// sys_enter events that found another call still open on the same thread. A thread cannot nest
    /// syscalls, so the open call's exit was lost; that call is dropped.
    /// </summary>
    public long EntersWithoutExit { get; internal set; }

    /// <summary>Calls still open when the trace ended (cut off by the end of the capture); dropped.</summary>
    public long UnfinishedAtEnd { get; internal set; }

    /// <summary>Operations marked <see cref="FileOp.Incomplete"/> (the tracer lost events while they were open).</summary>
    public long OpsDuringLoss { get; internal set; }

    /// <summary>Reclaim end events with no begin open on that thread.</summary>
    public long ReclaimEndsWithoutBegin { get; internal set; }

    /// <summary>Reclaim begin events that found an earlier episode still open on that thread (its end was lost).</summary>
    public long ReclaimBeginsWithoutEnd { get; internal set; }

    /// <summary>Write completions (block_rq_complete) with no matching issue, e.g. issued before the trace started.</summary>
    public long BlockCompletesWithoutIssue { get; internal set; }

    /// <summary>Write requests issued but not completed when the trace ended.</summary>
    public long BlockUnfinishedAtEnd { get; internal set; }

    /// <summary>Pages added to the page cache by a thread inside a write, but to another file than the one written.</summary>
    public long PagesAddedToOtherFiles { get; internal set; }

    /// <summary>Pages added to the page cache outside any traced file operation (program loading, readahead, other tasks).</summary>
    public long PagesAddedOutsideOps { get; internal set; }

    /// <summary>
    /// Of <see cref="PagesAddedOutsideOps"/>, pages of the workload's own files that a process of the capture read without
    /// traced calls (kept as that file's cache in the replay: <see cref="CacheFill.FileKey"/>).
    /// </summary>
    public long FileDataFillPages { get; internal set; }

    /// <summary>Which event groups appeared in the trace (absent means not traced, or nothing to record).</summary>
    public TracedEventGroups EventGroupsSeen { get; internal set; }

    /// <summary>Events the extractor needs whose payload lacked a field it reads (skipped).</summary>
    public long UndecodedEvents { get; internal set; }

    /// <summary>
    /// Durations (latency, think time, reclaim stall, device service) that came out negative and were set to
    /// zero: trace_clock "local" is per CPU, so a thread that migrates between two events can see time step back.
    /// </summary>
    public long ClampedDurations { get; internal set; }

    /// <summary>The trace reader's own findings (lost-event markers, malformed and truncated lines), if a reader was used.</summary>
    public TraceDiagnostics? Reader { get; internal set; }

    /// <summary>
    /// Events the capture manifest says the ring buffer lost (overrun + dropped), if a manifest was found.
    /// In snapshot captures losses appear only there, not in the text.
    /// </summary>
    public long? ManifestLostEvents { get; internal set; }

    /// <summary>
    /// File calls (write, pwrite64, fsync, fdatasync) of threads outside the capture's process tree (the manifest's
    /// <c>workload_pid</c> and what it forked): other programs that ran during the capture; not part of the workload.
    /// </summary>
    public long ForeignCalls { get; internal set; }

    /// <summary>The program outside the workload that made the most file calls, with its count, or null when none did.</summary>
    public string? TopForeignProgram
    {
        get
        {
            string? top = null;
            long most = 0;
            foreach ((string comm, long n) in _foreignByComm)
            {
                if (n > most || (n == most && top is not null && string.CompareOrdinal(comm, top) < 0))
                {
                    most = n;
                    top = comm;
                }
            }

            return top is null ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{top} ({most:N0} calls)");
        }
    }

    private readonly Dictionary<int, string> _foreignComm = [];
    private readonly Dictionary<string, long> _foreignByComm = new(StringComparer.Ordinal);

    internal void NoteForeign(int pid, ReadOnlySpan<byte> comm)
    {
        if (!_foreignComm.TryGetValue(pid, out string? name))
        {
            name = System.Text.Encoding.UTF8.GetString(comm);
            _foreignComm.Add(pid, name);
        }

        _foreignByComm[name] = _foreignByComm.GetValueOrDefault(name) + 1;
    }

    /// <summary>
    /// Writes whose offset was taken from where the file's page cache grew, because their fd had written before
    /// without adding pages (it pointed at another file until a dup2 the trace did not show).
    /// </summary>
    public long RebasedOffsets { get; internal set; }

    /// <summary>
    /// write(2) calls that carried a request marker (ksim-request-begin/end to trace_marker): left out of the workload,
    /// since the untraced application makes no such call.
    /// </summary>
    public long RequestMarkerCalls { get; internal set; }

    /// <summary>Request markers with no partner on their thread (an end with no begin, a begin never ended or begun again).</summary>
    public long UnmatchedRequestMarkers { get; internal set; }

    /// <summary>Requests read from a socket that got no reply on it before the trace ended (or were dropped past 4,096 open on a thread).</summary>
    public long UnansweredExchanges { get; internal set; }

    /// <summary>Remarks about the extraction, e.g. why the workload is empty.</summary>
    public IReadOnlyList<string> Notes => _notes;

    internal void AddNote(string note)
    {
        if (!_notes.Contains(note))
        {
            _notes.Add(note);
        }
    }
}
