using System.Globalization;

namespace KernelSim.Replay.Formats;

/// <summary>
/// What a reader met besides events: lost-event markers, buffer restarts, malformed and truncated
/// lines, out-of-order timestamps and what the header said. Nothing is dropped silently: every
/// skipped line is counted here.
/// </summary>
public sealed class TraceDiagnostics
{
    private readonly List<TraceIssue> _issues = [];
    private readonly List<string> _notes = [];
    private readonly int _maxIssues;

    internal TraceDiagnostics(int maxIssues) => _maxIssues = maxIssues;

    /// <summary>Events the tracer reported losing (sum of <c>[LOST N EVENTS]</c> markers and similar).</summary>
    public long LostEvents { get; internal set; }

    /// <summary>Number of lost-event marker lines.</summary>
    public long LostEventMarkers { get; internal set; }

    /// <summary>Lost-event markers that gave no count ("[EVENTS DROPPED]"): <see cref="LostEvents"/> is then a lower bound.</summary>
    public long LostMarkersWithoutCount { get; internal set; }

    /// <summary>
    /// <c>##### CPU N buffer started ####</c> lines: the ring buffer of that CPU had wrapped, so
    /// events before this point on that CPU were overwritten.
    /// </summary>
    public long BufferStartedMarkers { get; internal set; }

    /// <summary>Entries the header says were overwritten (entries-written minus entries-in-buffer), if it said.</summary>
    public long? OverwrittenEntries => EntriesWritten is long w && EntriesInBuffer is long b ? w - b : null;

    /// <summary>"entries-in-buffer" from the ftrace header, if present.</summary>
    public long? EntriesInBuffer { get; internal set; }

    /// <summary>"entries-written" from the ftrace header, if present.</summary>
    public long? EntriesWritten { get; internal set; }

    /// <summary>CPU count from the header ("#P:2" or "cpus=2"), if present.</summary>
    public int? HeaderCpuCount { get; internal set; }

    /// <summary>Lines that are not events, markers, comments or blank, skipped in lenient mode.</summary>
    public long MalformedLines { get; internal set; }

    /// <summary>Header, comment and other known non-event lines (not errors).</summary>
    public long NonEventLines { get; internal set; }

    /// <summary>True when the input ended inside a line that could not be read (a cut-off file).</summary>
    public bool TruncatedLastLine { get; internal set; }

    /// <summary>
    /// True when the input ended early: a compressed stream without its end marker or trailer, a
    /// last line cut mid-line, or a trace tool that failed part way (lenient mode; strict refuses).
    /// </summary>
    public bool Truncated => Truncation is not null;

    /// <summary>How the input was cut short (the first finding), or null.</summary>
    public string? Truncation { get; private set; }

    /// <summary>Events whose timestamp is earlier than the previous event on the same CPU.</summary>
    public long OutOfOrderEvents { get; internal set; }

    /// <summary>The first malformed lines (up to <see cref="TraceReaderOptions.MaxIssues"/>).</summary>
    public IReadOnlyList<TraceIssue> Issues => _issues;

    /// <summary>Remarks about interpretation (e.g. "integer timestamps read as counter ticks").</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>
    /// One line per thing a user of the result should know: events lost, input cut short, lines
    /// skipped, ring-buffer restarts. Empty for a clean trace. Commands print these as warnings.
    /// </summary>
    public IReadOnlyList<string> Warnings()
    {
        var w = new List<string>();
        if (LostEvents > 0 || LostEventMarkers > 0)
        {
            string atLeast = LostMarkersWithoutCount > 0 ? "at least " : string.Empty;
            w.Add(string.Create(CultureInfo.InvariantCulture, $"the tracer lost {atLeast}{LostEvents} events ({LostEventMarkers} lost-event markers): counts and latencies from this trace are lower bounds"));
        }

        if (Truncation is string t)
        {
            w.Add("the input is truncated: " + t);
        }

        if (MalformedLines > 0)
        {
            w.Add(string.Create(CultureInfo.InvariantCulture, $"{MalformedLines} malformed lines skipped"));
        }

        if (BufferStartedMarkers > 0)
        {
            w.Add(string.Create(CultureInfo.InvariantCulture, $"{BufferStartedMarkers} ring-buffer restarts: events before them were overwritten"));
        }

        return w;
    }

    internal void MarkTruncated(string how) => Truncation ??= how;

    internal void AddIssue(TraceIssue issue)
    {
        if (_issues.Count < _maxIssues)
        {
            _issues.Add(issue);
        }
    }

    internal void AddNote(string note)
    {
        if (!_notes.Contains(note))
        {
            _notes.Add(note);
        }
    }
}
