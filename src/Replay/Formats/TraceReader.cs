using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Formats;

/// <summary>
/// A streaming reader of kernel trace text: ftrace (tracefs <c>trace</c>/<c>trace_pipe</c>),
/// <c>trace-cmd report</c> and <c>perf script</c>, plain or gzip/zstd/xz compressed, format detected
/// from the content. Memory stays bounded by the longest line, not the file size.
/// </summary>
/// <remarks>
/// Shaped like <c>Utf8JsonReader</c>: <see cref="Read"/> advances and <see cref="Current"/> is a view
/// into the reader's buffer, valid until the next <see cref="Read"/>. No allocation per event.
/// <code>
/// using var reader = TraceReader.Open("fio.trace.gz");
/// while (reader.Read()) { RawEvent e = reader.Current; ... }
/// </code>
/// </remarks>
public sealed partial class TraceReader : IDisposable
{
    private const int InitialBufferSize = 1 << 20;
    private const int DetectBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly Stream? _sourceForProgress;
    private readonly ToolRun? _tool;
    private readonly DecompressedStream? _decoder;
    private readonly TraceReaderOptions _options;
    private byte[] _buffer;
    private int _start;
    private int _end;

    // Where the newline search resumes: bytes before it (from _start) hold no newline. Without it a
    // long line arriving in small chunks (a pipe) would be rescanned on every refill.
    private int _scanFrom;
    private bool _eof;
    private long _lineNumber;
    private long _offsetOfStart;
    private long[] _lastTimestampByCpu = new long[8];
    private bool[] _cpuSeen = new bool[8];
    private int _cpusSeen;
    private RawEventParts _current;
    private bool _hasCurrent;
    private bool _disposed;
    private long _firstNs = long.MaxValue;
    private long _lastNs = long.MinValue;

    private TraceReader(TraceInput.Opened opened, string sourceName, Stream? sourceForProgress, TraceReaderOptions options)
    {
        // A regular file (plain or compressed) is read, and decompressed, ahead on a second core while this
        // thread parses; pipes and tools are read directly (their reads may block, see ReadAheadStream).
        _stream = opened.Tool is null && opened.Source?.Inner is FileStream { CanSeek: true } && Environment.ProcessorCount > 1
            ? new ReadAheadStream(opened.Stream)
            : opened.Stream;
        _tool = opened.Tool;
        _decoder = opened.Stream as DecompressedStream;
        _sourceForProgress = sourceForProgress;
        _options = options;
        SourceName = sourceName;
        Compression = opened.Compression;
        Diagnostics = new TraceDiagnostics(options.MaxIssues);
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            Format = options.Format != TraceFormat.Auto ? options.Format
                : opened.ImpliedFormat != TraceFormat.Auto ? opened.ImpliedFormat
                : Detect();
        }
        catch
        {
            // Detection reads the input, which may turn out to be damaged: release it before rethrowing.
            Dispose();
            throw;
        }

        if (Format == TraceFormat.PerfScript && options.Clock == TraceClock.Auto)
        {
            Diagnostics.AddNote("perf script timestamps are read as seconds.microseconds of the perf clock");
        }
    }

    /// <summary>
    /// Opens a trace file (plain, .gz, .zst, .xz; binary trace.dat/perf.data through trace-cmd/perf
    /// when installed). Pipes and character devices such as <c>/dev/stdin</c> work too: the format is
    /// sniffed from a buffered head, never by seeking.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">The file is not a readable trace (a directory, damaged compression, a binary trace its tool cannot read).</exception>
    public static TraceReader Open(string path, TraceReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= TraceReaderOptions.Default;
        TraceInput.Opened opened = TraceInput.OpenFile(path, options);
        Stream? progress = opened.Source?.Inner is FileStream { CanSeek: true } fs ? fs : null;
        return new TraceReader(opened, path, progress, options);
    }

    /// <summary>Opens an input whose head has already been buffered (see <see cref="TraceInspector"/>).</summary>
    internal static TraceReader Open(SourceStream source, string path, TraceReaderOptions options)
    {
        TraceInput.Opened opened = TraceInput.Open(source, path, options);
        Stream? progress = opened.Source?.Inner is FileStream { CanSeek: true } fs ? fs : null;
        return new TraceReader(opened, path, progress, options);
    }

    /// <summary>Reads a trace from a stream (compression is detected; the stream is disposed with the reader).</summary>
    /// <param name="stream">The input.</param>
    /// <param name="sourceName">Name used in errors and diagnostics.</param>
    /// <param name="options">Options, or the defaults.</param>
    public static TraceReader FromStream(Stream stream, string sourceName, TraceReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= TraceReaderOptions.Default;
        return new TraceReader(TraceInput.Open(new SourceStream(stream), sourceName, options), sourceName, stream.CanSeek ? stream : null, options);
    }

    /// <summary>Name of the source (the path for files).</summary>
    public string SourceName { get; }

    /// <summary>The layout being read.</summary>
    public TraceFormat Format { get; private set; }

    /// <summary>"gzip", "zstd", "xz" or null for plain text.</summary>
    public string? Compression { get; }

    /// <summary>Event types met so far; <see cref="RawEvent.TypeId"/> indexes it.</summary>
    public TraceEventTypes EventTypes { get; } = new();

    /// <summary>Lost events, malformed lines and other findings so far.</summary>
    public TraceDiagnostics Diagnostics { get; }

    /// <summary>Events returned so far.</summary>
    public long EventsRead { get; private set; }

    /// <summary>Decompressed bytes consumed so far.</summary>
    public long BytesRead => _offsetOfStart;

    /// <summary>Position in the underlying (possibly compressed) source, for progress; null if unknown.</summary>
    public long? SourcePosition => _sourceForProgress is { CanSeek: true } s ? s.Position : null;

    /// <summary>Length of the underlying source, for progress; null if unknown.</summary>
    public long? SourceLength => _sourceForProgress is { CanSeek: true } s ? s.Length : null;

    /// <summary>Number of distinct CPUs that recorded events so far.</summary>
    public int CpusSeen => _cpusSeen;

    /// <summary>Smallest event timestamp so far.</summary>
    public SimTime? FirstTimestamp => EventsRead == 0 ? null : SimTime.FromNanoseconds(_firstNs);

    /// <summary>Largest event timestamp so far.</summary>
    public SimTime? LastTimestamp => EventsRead == 0 ? null : SimTime.FromNanoseconds(_lastNs);

    /// <summary>The current event's type id (what <see cref="Current"/> would carry), without building the event view.</summary>
    internal int CurrentTypeId => _hasCurrent ? _current.TypeId : throw new InvalidOperationException("No current event: call Read() and check that it returned true.");

    /// <summary>The current event; valid until the next <see cref="Read"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Read"/> has not returned true.</exception>
    public RawEvent Current
    {
        get
        {
            if (!_hasCurrent)
            {
                throw new InvalidOperationException("No current event: call Read() and check that it returned true.");
            }

            RawEventParts c = _current;
            ReadOnlySpan<byte> buf = _buffer;
            return new RawEvent(
                c.Timestamp,
                c.Cpu,
                c.Pid,
                c.Tgid,
                buf.Slice(c.CommStart, c.CommLength),
                EventTypes.SystemBytes(c.TypeId),
                EventTypes.NameBytes(c.TypeId),
                buf.Slice(c.PayloadStart, c.PayloadLength),
                buf.Slice(c.FlagsStart, c.FlagsLength),
                c.TypeId,
                c.Line,
                c.Offset);
        }
    }

    /// <summary>Advances to the next event.</summary>
    /// <returns>False at the end of the input.</returns>
    /// <exception cref="TraceFormatException">A malformed line in strict mode.</exception>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hasCurrent = false;
        var parsed = default(ParsedLine);
        while (true)
        {
            int searchStart = Math.Max(_start, _scanFrom);
            int rel = _buffer.AsSpan(searchStart, _end - searchStart).IndexOf((byte)'\n');
            int nl = rel < 0 ? -1 : searchStart - _start + rel;
            int lineStart = _start;
            int lineLength;
            bool complete;
            if (nl >= 0)
            {
                lineLength = nl;
                complete = true;
            }
            else if (!_eof)
            {
                _scanFrom = _end;
                Fill();
                continue;
            }
            else if (_start < _end)
            {
                lineLength = _end - _start;
                complete = false;
            }
            else
            {
                return false;
            }

            long lineOffset = _offsetOfStart;
            _lineNumber++;
            int consumed = complete ? lineLength + 1 : lineLength;
            _start += consumed;
            _offsetOfStart += consumed;

            int effectiveLength = lineLength;
            if (effectiveLength > 0 && _buffer[lineStart + effectiveLength - 1] == (byte)'\r')
            {
                effectiveLength--;
            }

            ReadOnlySpan<byte> line = _buffer.AsSpan(lineStart, effectiveLength);
            if (line.Length > _options.MaxLineLength)
            {
                Bad(line, lineOffset, $"a line of at most {_options.MaxLineLength} bytes", complete);
                continue;
            }

            LineParser.Parse(line, Format, ref parsed);
            switch (parsed.Kind)
            {
                case LineKind.Event:
                    if (TryAccept(ref parsed, line, lineStart, lineOffset, complete))
                    {
                        return true;
                    }

                    break;
                case LineKind.Blank:
                    break;
                case LineKind.Comment:
                    Diagnostics.NonEventLines++;
                    ReadHeaderComment(line);
                    break;
                case LineKind.Header:
                    Diagnostics.NonEventLines++;
                    ReadHeaderLine(line);
                    break;
                case LineKind.Lost:
                    Diagnostics.LostEventMarkers++;
                    if (parsed.LostCount >= 0)
                    {
                        Diagnostics.LostEvents += parsed.LostCount;
                    }
                    else
                    {
                        Diagnostics.LostMarkersWithoutCount++;
                        Diagnostics.AddNote("some lost-event markers do not say how many events were lost; lost_events is a lower bound");
                    }

                    break;
                case LineKind.BufferStarted:
                    Diagnostics.BufferStartedMarkers++;
                    break;
                default:
                    Bad(line, lineOffset, parsed.Expected ?? "an event line", complete);
                    break;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stream.Dispose();
        _tool?.Dispose();

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private TraceFormat Detect()
    {
        while (!_eof && _end - _start < DetectBytes)
        {
            Fill();
        }

        ReadOnlySpan<byte> window = _buffer.AsSpan(_start, _end - _start);
        int ftraceVotes = 0, traceCmdVotes = 0, perfVotes = 0;
        var probe = default(ParsedLine);
        int lines = 0;
        while (!window.IsEmpty && lines < 400)
        {
            int nl = window.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = nl >= 0 ? window[..nl] : window;
            window = nl >= 0 ? window[(nl + 1)..] : [];
            lines++;
            ReadOnlySpan<byte> t = line.TrimStart((byte)' ');
            if (t.StartsWith("# tracer:"u8) || t.StartsWith("#P:"u8) || (t.StartsWith("#"u8) && t.IndexOf("entries-in-buffer"u8) >= 0))
            {
                ftraceVotes += 10;
                continue;
            }

            if (t.StartsWith("cpus="u8) || t.StartsWith("version ="u8))
            {
                // trace-cmd report opens with these; ftrace and perf never print them.
                return TraceFormat.TraceCmdReport;
            }

            if (t.IsEmpty || t[0] == (byte)'#')
            {
                continue;
            }

            LineParser.Parse(line, TraceFormat.PerfScript, ref probe);
            bool perfOk = probe.Kind == LineKind.Event && probe.EventToken.IndexOf((byte)':') > 0;
            LineParser.Parse(line, TraceFormat.FtraceText, ref probe);
            bool ftraceOk = probe.Kind == LineKind.Event;
            LineParser.Parse(line, TraceFormat.TraceCmdReport, ref probe);
            bool traceCmdOk = probe.Kind == LineKind.Event;
            bool instancePrefix = line.Length > 0 && line[0] != (byte)' ' && line.IndexOf((byte)' ') is int sp and > 1 && line[sp - 1] == (byte)':';
            if (traceCmdOk && instancePrefix)
            {
                traceCmdVotes++;
            }
            else if (perfOk && !ftraceOk)
            {
                perfVotes++;
            }
            else if (ftraceOk)
            {
                ftraceVotes++;
            }
            else if (traceCmdOk)
            {
                traceCmdVotes++;
            }
        }

        if (perfVotes > ftraceVotes && perfVotes >= traceCmdVotes)
        {
            return TraceFormat.PerfScript;
        }

        return traceCmdVotes > ftraceVotes ? TraceFormat.TraceCmdReport : TraceFormat.FtraceText;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            int remaining = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
            _scanFrom = Math.Max(0, _scanFrom - _start);
            _start = 0;
            _end = remaining;
        }

        if (_end == _buffer.Length)
        {
            // One line fills the buffer: grow, up to the line limit (plus slack for the newline).
            if (_buffer.Length > _options.MaxLineLength + 1)
            {
                // Hand the oversized prefix to the parser as a line of its own: it will be reported.
                Array.Resize(ref _buffer, _buffer.Length);
                _buffer[_end - 1] = (byte)'\n';
                _scanFrom = _end - 1;
                return;
            }

            byte[] bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
            CheckEndOfInput();
        }
        else
        {
            _end += n;
        }
    }

    private static int OffsetIn(ReadOnlySpan<byte> line, ReadOnlySpan<byte> slice)
    {
        if (slice.IsEmpty)
        {
            return 0;
        }

        return line.Overlaps(slice, out int offset) ? offset : 0;
    }

    private static string Shorten(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> s = line.Length > 200 ? line[..200] : line;
        string text = Encoding.UTF8.GetString(s);
        return line.Length > 200 ? text + "..." : text;
    }

    private struct RawEventParts
    {
        public SimTime Timestamp;
        public int Cpu;
        public int Pid;
        public int Tgid;
        public int CommStart;
        public int CommLength;
        public int PayloadStart;
        public int PayloadLength;
        public int FlagsStart;
        public int FlagsLength;
        public int TypeId;
        public long Line;
        public long Offset;
    }
}
