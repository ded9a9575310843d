using System.Buffers;

namespace KernelSim.Replay.Formats;

/// <summary>What one line of text turned out to be.</summary>
internal enum LineKind
{
    Event,
    Blank,
    Comment,
    Header,
    Lost,
    BufferStarted,
    Malformed,
}

/// <summary>The pieces of one event line, as slices of the line (no copies).</summary>
internal ref struct ParsedLine
{
    public LineKind Kind;
    public ReadOnlySpan<byte> Comm;
    public int Pid;
    public int Tgid;
    public int Cpu;
    public ReadOnlySpan<byte> Flags;
    public long Seconds;
    public long Fraction;
    public int FractionDigits;
    public bool HasFraction;
    public ReadOnlySpan<byte> EventToken;
    public ReadOnlySpan<byte> Payload;
    public SyscallForm Syscall;
    public long LostCount;
    public string? Expected;

    /// <summary>
    /// Bytes the task/CPU search looked at (forward and backward), a measure of parse work: it stays
    /// within a small multiple of the line length whatever the line holds (tests assert this).
    /// </summary>
    public long Examined;
}

/// <summary>ftrace prints syscall events in their own shapes: "sys_write(fd: 1, ...)" and "sys_write -> 0x2".</summary>
internal enum SyscallForm
{
    None,
    Enter,
    Exit,
}

/// <summary>
/// Line parsers for the three text layouts. Each works left to right on one line without allocating.
/// Layouts (verified on Linux 6.18, trace-cmd 3.1.6, perf 6.1; samples in traces/samples):
/// ftrace   "{comm,16}-{pid,-7} [(tgid) ][{cpu:03}] [{flags} ]{sec}.{usec}: {event}: {payload}"
/// trace-cmd"[{instance}: ]{comm,16}-{pid} [{cpu:03}] [{flags} ]{sec}.{usec}: {event}:{pad} {payload}"
/// perf     "{comm,16} {tid,5}[/{tid}] [{cpu:03}] {sec}.{usec}: {sys}:{event}: {payload}"
/// </summary>
internal static partial class LineParser
{
    /// <summary>
    /// How far before ")[CPU]" the "(" of a tgid column may be. ftrace prints the tgid as "(%7d)" or
    /// "(-------)" (kernel/trace/trace_output.c, trace_print_context), and a tgid has at most 7 digits
    /// (PID_MAX_LIMIT is 4194304), so the column is 9 bytes; 24 leaves room for wider padding. The bound
    /// keeps each candidate's backward look constant so a line of many ")[N] " parses in linear time.
    /// </summary>
    private const int MaxTgidColumn = 24;

    // The bytes an event name is made of (letters, digits, '_', '.', '-'), searched with vector instructions.
    private static readonly SearchValues<byte> NameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"u8);

    public static void Parse(ReadOnlySpan<byte> line, TraceFormat format, ref ParsedLine p)
    {
        p = default;
        p.Tgid = -1;
        int first = IndexOfNonSpace(line);
        if (first < 0)
        {
            p.Kind = LineKind.Blank;
            return;
        }

        ReadOnlySpan<byte> trimmed = line[first..];
        if (trimmed[0] == (byte)'#')
        {
            p.Kind = trimmed.StartsWith("#####"u8) && trimmed.IndexOf("buffer started"u8) >= 0
                ? LineKind.BufferStarted
                : LineKind.Comment;
            return;
        }

        if (TryParseMarker(trimmed, format, ref p))
        {
            return;
        }

        if (format == TraceFormat.TraceCmdReport && first == 0)
        {
            // trace-cmd prefixes instance buffers' lines, markers included: "inst: CPU:1 [N EVENTS DROPPED]".
            int sp = trimmed.IndexOf((byte)' ');
            if (sp > 1 && trimmed[sp - 1] == (byte)':' && TryParseMarker(trimmed[sp..].TrimStart((byte)' '), format, ref p))
            {
                return;
            }
        }

        if (format == TraceFormat.PerfScript)
        {
            ParsePerf(line, first, ref p);
        }
        else
        {
            ParseFtraceLike(line, first, format == TraceFormat.TraceCmdReport, ref p);
        }
    }

    /// <summary>Lost-event markers and trace-cmd/perf header lines.</summary>
    /// <remarks>
    /// perf's own PERF_RECORD_LOST records are looked for in perf script text only: ftrace and trace-cmd never print
    /// them, and in their lines the words can only be an event's payload (a trace_marker write), which is an event.
    /// Not searching every ftrace line for them is also a measurable part of the reader's speed (bench/README.md).
    /// </remarks>
    private static bool TryParseMarker(ReadOnlySpan<byte> t, TraceFormat format, ref ParsedLine p)
    {
        // ftrace and trace-cmd: "CPU:1 [LOST 123 EVENTS]"; trace-cmd also "CPU:1 [123 EVENTS DROPPED]".
        if (t.StartsWith("CPU:"u8) || t.StartsWith("CPU "u8))
        {
            int lost = t.IndexOf("LOST "u8);
            if (lost >= 0 && TryParseLong(t[(lost + 5)..], out long n, out _))
            {
                p.Kind = LineKind.Lost;
                p.LostCount = n;
                return true;
            }

            int open = t.IndexOf((byte)'[');
            int dropped = t.IndexOf("EVENTS DROPPED"u8);
            if (open >= 0 && dropped > open && TryParseLong(t[(open + 1)..], out n, out _))
            {
                p.Kind = LineKind.Lost;
                p.LostCount = n;
                return true;
            }

            if (t.IndexOf("is empty"u8) >= 0)
            {
                p.Kind = LineKind.Header;
                return true;
            }

            if (t.IndexOf("LOST EVENTS"u8) >= 0 || t.IndexOf("EVENTS DROPPED"u8) >= 0)
            {
                // A marker that does not say how many ("CPU:0 [EVENTS DROPPED]"): counted, count unknown.
                p.Kind = LineKind.Lost;
                p.LostCount = -1;
                return true;
            }
        }

        // trace-cmd report header lines.
        if (t.StartsWith("cpus="u8) || t.StartsWith("version ="u8) || t.StartsWith("version="u8))
        {
            p.Kind = LineKind.Header;
            return true;
        }

        // perf script --show-lost-events: "... PERF_RECORD_LOST ... lost: 12" or "LOST 12 events!".
        int perfLost = format == TraceFormat.PerfScript ? t.IndexOf("PERF_RECORD_LOST"u8) : -1;
        if (perfLost >= 0)
        {
            int lostAt = t.LastIndexOf("lost"u8);
            long n = 0;
            if (lostAt >= 0)
            {
                ReadOnlySpan<byte> rest = t[(lostAt + 4)..];
                int digit = rest.IndexOfAnyInRange((byte)'0', (byte)'9');
                if (digit >= 0 && !TryParseLong(rest[digit..], out n, out _))
                {
                    n = 0;
                }
            }

            p.Kind = LineKind.Lost;
            p.LostCount = n;
            return true;
        }

        if (t.StartsWith("LOST "u8) && TryParseLong(t[5..], out long m, out _))
        {
            p.Kind = LineKind.Lost;
            p.LostCount = m;
            return true;
        }

        return false;
    }

    /// <param name="line">The line.</param>
    /// <param name="commStart">Its first byte that is not a space or tab.</param>
    /// <param name="traceCmd">trace-cmd report layout (an optional instance prefix).</param>
    /// <param name="p">The result.</param>
    private static void ParseFtraceLike(ReadOnlySpan<byte> line, int commStart, bool traceCmd, ref ParsedLine p)
    {
        if (traceCmd && commStart == 0)
        {
            // "instance:   comm-pid [cpu]": a token ending in ':' followed by spaces at column 0.
            int sp = line.IndexOf((byte)' ');
            if (sp > 1 && line[sp - 1] == (byte)':')
            {
                int next = IndexOfNonSpace(line[sp..]);
                commStart = next < 0 ? line.Length : sp + next;
            }
        }

        // Candidates "[N]" are tried left to right; from each, the search looks back over spaces, an
        // optional bounded "(tgid)" column and the pid digits. Those backward runs stop at the previous
        // candidate's ']' (not a space, digit, ')' or '-'), so over the whole line they add up to its
        // length: parse time is linear (see LineParserTests.Parse_WorstCaseLine_WorkLinearInLength).
        int searchFrom = commStart;
        int floor = commStart;
        long examined = 0;
        while (true)
        {
            int rel = line[searchFrom..].IndexOf((byte)'[');
            if (rel < 0)
            {
                examined += line.Length - searchFrom;
                p.Examined = examined;
                Malformed(ref p, "'COMM-PID [CPU]' (a task and a bracketed CPU number)");
                return;
            }

            int b = searchFrom + rel;
            examined += rel + 1;
            searchFrom = b + 1;
            if (!TryParseCpu(line, b, out int cpu, out int afterCpu))
            {
                continue;
            }

            // Nothing this candidate needs lies before the previous candidate's ']'.
            int previousEnd = floor;
            floor = afterCpu;
            int k = b - 1;
            while (k >= commStart && line[k] == (byte)' ')
            {
                k--;
            }

            examined += b - 1 - k;
            int tgid = -1;
            if (k >= commStart && line[k] == (byte)')')
            {
                int windowStart = Math.Max(previousEnd, k - MaxTgidColumn);
                int open = line[windowStart..k].LastIndexOf((byte)'(');
                examined += k - windowStart;
                if (open < 0)
                {
                    continue;
                }

                open += windowStart;
                ReadOnlySpan<byte> inner = Trim(line[(open + 1)..k]);
                if (inner.Length > 0 && IsAllDigits(inner))
                {
                    if (!TryParseLong(inner, out long t, out _) || t > int.MaxValue)
                    {
                        continue;
                    }

                    tgid = (int)t;
                }
                else if (inner.Length == 0 || inner.IndexOfAnyExcept((byte)'-') >= 0)
                {
                    continue;
                }

                k = open - 1;
                int beforeSpaces = k;
                while (k >= commStart && line[k] == (byte)' ')
                {
                    k--;
                }

                examined += beforeSpaces - k;
            }

            int pidEnd = k + 1;
            while (k >= commStart && IsDigit(line[k]))
            {
                k--;
            }

            examined += pidEnd - 1 - k;
            int pidStart = k + 1;
            if (pidStart == pidEnd || k < commStart || line[k] != (byte)'-')
            {
                continue;
            }

            if (!TryParseLong(line[pidStart..pidEnd], out long pid, out _) || pid > int.MaxValue)
            {
                continue;
            }

            p.Pid = (int)pid;
            p.Tgid = tgid;
            p.Cpu = cpu;
            p.Comm = line[commStart..k];
            p.Examined = examined;
            ParseAfterCpu(line, afterCpu, perf: false, traceCmd, ref p);
            return;
        }
    }

    private static void ParsePerf(ReadOnlySpan<byte> line, int commStart, ref ParsedLine p)
    {
        int searchFrom = commStart;
        long examined = 0;
        while (true)
        {
            int rel = line[searchFrom..].IndexOf((byte)'[');
            if (rel < 0)
            {
                examined += line.Length - searchFrom;
                p.Examined = examined;
                Malformed(ref p, "'COMM TID [CPU]' (perf script default fields)");
                return;
            }

            int b = searchFrom + rel;
            examined += rel + 1;
            searchFrom = b + 1;
            if (!TryParseCpu(line, b, out int cpu, out int afterCpu))
            {
                continue;
            }

            int k = b - 1;
            while (k >= commStart && line[k] == (byte)' ')
            {
                k--;
            }

            // "tid" or "pid/tid".
            int idEnd = k + 1;
            while (k >= commStart && (IsDigit(line[k]) || line[k] == (byte)'/'))
            {
                k--;
            }

            int idStart = k + 1;
            examined += b - idStart;
            if (idStart == idEnd || (k >= commStart && line[k] != (byte)' '))
            {
                continue;
            }

            ReadOnlySpan<byte> ids = line[idStart..idEnd];
            int slash = ids.IndexOf((byte)'/');
            if (slash >= 0)
            {
                if (!TryParseLong(ids[..slash], out long pgid, out int used1) || used1 != slash || pgid > int.MaxValue
                    || !TryParseLong(ids[(slash + 1)..], out long tid, out int used2) || used2 != ids.Length - slash - 1 || tid > int.MaxValue)
                {
                    continue;
                }

                p.Tgid = (int)pgid;
                p.Pid = (int)tid;
            }
            else
            {
                if (!TryParseLong(ids, out long tid, out int used) || used != ids.Length || tid > int.MaxValue)
                {
                    continue;
                }

                p.Pid = (int)tid;
            }

            p.Cpu = cpu;
            p.Examined = examined;
            p.Comm = k >= commStart ? TrimEnd(line[commStart..k]) : [];
            ParseAfterCpu(line, afterCpu, perf: true, traceCmd: false, ref p);
            return;
        }
    }

    private static void ParseAfterCpu(ReadOnlySpan<byte> line, int pos, bool perf, bool traceCmd, ref ParsedLine p)
    {
        pos = SkipSpaces(line, pos);
        int tokEnd = IndexOfSpaceFrom(line, pos);
        ReadOnlySpan<byte> tok = line[pos..tokEnd];
        if (tok.Length == 0 || tok[^1] != (byte)':' || !TryParseTimestamp(tok[..^1], ref p))
        {
            // A flags column ("d..2.", "....") precedes the timestamp.
            p.Flags = tok;
            pos = SkipSpaces(line, tokEnd);
            tokEnd = IndexOfSpaceFrom(line, pos);
            tok = line[pos..tokEnd];
            if (tok.Length == 0 || tok[^1] != (byte)':' || !TryParseTimestamp(tok[..^1], ref p))
            {
                Malformed(ref p, "a timestamp 'SECONDS.FRACTION:' or 'TICKS:' after the CPU column");
                return;
            }
        }

        pos = SkipSpaces(line, tokEnd);
        ReadOnlySpan<byte> ev = line[pos..];
        if (ev.IsEmpty)
        {
            Malformed(ref p, "an event name after the timestamp");
            return;
        }

        if (perf)
        {
            // "sys:event: payload" (event names are left-padded; payload after one space).
            int c1 = ev.IndexOf((byte)':');
            if (c1 <= 0)
            {
                Malformed(ref p, "'SUBSYSTEM:EVENT:' after the timestamp");
                return;
            }

            int c2rel = ev[(c1 + 1)..].IndexOf((byte)':');
            if (c2rel < 0)
            {
                Malformed(ref p, "'SUBSYSTEM:EVENT:' after the timestamp");
                return;
            }

            int c2 = c1 + 1 + c2rel;
            p.EventToken = ev[..c2];
            p.Payload = TrimStart(ev[(c2 + 1)..]);
            p.Kind = LineKind.Event;
            return;
        }

        int i = ev.IndexOfAnyExcept(NameChars);
        if (i < 0)
        {
            i = ev.Length;
        }

        if (i == 0)
        {
            Malformed(ref p, "an event name after the timestamp");
            return;
        }

        ReadOnlySpan<byte> name = ev[..i];
        if (i < ev.Length && ev[i] == (byte)'(' && name.StartsWith("sys_"u8))
        {
            int close = ev.LastIndexOf((byte)')');
            p.EventToken = name;
            p.Syscall = SyscallForm.Enter;
            p.Payload = close > i ? ev[(i + 1)..close] : ev[(i + 1)..];
            p.Kind = LineKind.Event;
            return;
        }

        if (ev[i..].StartsWith(" -> "u8) && name.StartsWith("sys_"u8))
        {
            p.EventToken = name;
            p.Syscall = SyscallForm.Exit;
            p.Payload = ev[(i + 4)..];
            p.Kind = LineKind.Event;
            return;
        }

        if (i == ev.Length || ev[i] == (byte)':')
        {
            p.EventToken = name;
            ReadOnlySpan<byte> rest = i < ev.Length ? ev[(i + 1)..] : [];
            if (traceCmd)
            {
                rest = TrimStart(rest);
            }
            else if (!rest.IsEmpty && rest[0] == (byte)' ')
            {
                rest = rest[1..];
            }

            p.Payload = rest;
            p.Kind = LineKind.Event;
            return;
        }

        Malformed(ref p, "'EVENT: PAYLOAD' after the timestamp");
    }
}
