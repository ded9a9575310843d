using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Formats;

/// <summary>One line: accepting a parsed event (timestamp conversion, lost-event and header lines), and reporting malformed or truncated ones.</summary>
public sealed partial class TraceReader
{
    private bool TryAccept(ref ParsedLine p, ReadOnlySpan<byte> line, int lineStart, long lineOffset, bool complete)
    {
        if (!TryConvertTimestamp(ref p, out long ns))
        {
            Bad(line, lineOffset, "a timestamp that fits in 64-bit nanoseconds", complete);
            return false;
        }

        if (!complete && p.Payload.Length == 0 && p.Syscall == SyscallForm.None && line.IndexOf((byte)':') == line.Length - 1)
        {
            // Cut off right after the event name: treat as truncation.
            TruncatedLine(line, lineOffset);
            return false;
        }

        int typeId;
        if (p.Syscall == SyscallForm.None)
        {
            typeId = EventTypes.Intern(p.EventToken);
        }
        else
        {
            // "sys_write" printed by ftrace is the tracepoint syscalls:sys_enter_write / sys_exit_write.
            typeId = EventTypes.InternSyscall(p.Syscall == SyscallForm.Enter, p.EventToken[4..]);
        }

        int cpu = p.Cpu;
        if (cpu >= _cpuSeen.Length)
        {
            int size = Math.Max(cpu + 1, _cpuSeen.Length * 2);
            Array.Resize(ref _cpuSeen, size);
            Array.Resize(ref _lastTimestampByCpu, size);
        }

        if (!_cpuSeen[cpu])
        {
            _cpuSeen[cpu] = true;
            _cpusSeen++;
            _lastTimestampByCpu[cpu] = long.MinValue;
        }

        if (ns < _lastTimestampByCpu[cpu])
        {
            Diagnostics.OutOfOrderEvents++;
        }
        else
        {
            _lastTimestampByCpu[cpu] = ns;
        }

        SimTime ts = SimTime.FromNanoseconds(ns);
        _firstNs = Math.Min(_firstNs, ns);
        _lastNs = Math.Max(_lastNs, ns);

        _current = new RawEventParts
        {
            Timestamp = ts,
            Cpu = cpu,
            Pid = p.Pid,
            Tgid = p.Tgid,
            CommStart = lineStart + OffsetIn(line, p.Comm),
            CommLength = p.Comm.Length,
            PayloadStart = lineStart + OffsetIn(line, p.Payload),
            PayloadLength = p.Payload.Length,
            FlagsStart = lineStart + OffsetIn(line, p.Flags),
            FlagsLength = p.Flags.Length,
            TypeId = typeId,
            Line = _lineNumber,
            Offset = lineOffset,
        };
        _hasCurrent = true;
        EventsRead++;
        return true;
    }

    private static readonly long[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    private bool TryConvertTimestamp(ref ParsedLine p, out long ns)
    {
        ns = 0;
        if (p.HasFraction)
        {
            // To nanoseconds: drop the digits past the ninth, or scale up to nine (the parser allows 1 to 18).
            int digits = p.FractionDigits;
            long frac = digits >= 9 ? p.Fraction / PowersOfTen[digits - 9] : p.Fraction * PowersOfTen[9 - digits];

            if (p.Seconds > (long.MaxValue - frac) / 1_000_000_000L)
            {
                return false;
            }

            ns = (p.Seconds * 1_000_000_000L) + frac;
            return true;
        }

        long ticks = p.Seconds;
        switch (_options.Clock)
        {
            case TraceClock.Uptime:
                Int128 j = (Int128)ticks * 1_000_000_000L / _options.UserHz;
                if (j > long.MaxValue)
                {
                    return false;
                }

                ns = (long)j;
                Diagnostics.AddNote(string.Create(CultureInfo.InvariantCulture, $"uptime clock: timestamps are 1/USER_HZ ticks, converted with USER_HZ={_options.UserHz}"));
                return true;
            case TraceClock.X86Tsc when _options.TscTicksPerSecond is long tps && tps > 0:
                Int128 t = (Int128)ticks * 1_000_000_000L / tps;
                if (t > long.MaxValue)
                {
                    return false;
                }

                ns = (long)t;
                Diagnostics.AddNote(string.Create(CultureInfo.InvariantCulture, $"x86-tsc clock: cycles converted at {tps} Hz"));
                return true;
            default:
                ns = ticks;
                Diagnostics.AddNote(_options.Clock == TraceClock.Counter
                    ? "counter clock: timestamps are event ordinals, not time (1 tick is reported as 1 ns)"
                    : "integer timestamps (a counter clock such as counter, uptime or x86-tsc): kept as ticks, 1 tick reported as 1 ns; pass the clock to convert");
                return true;
        }
    }

    private void Bad(ReadOnlySpan<byte> line, long offset, string expected, bool complete)
    {
        if (!complete)
        {
            TruncatedLine(line, offset);
            return;
        }

        string text = Shorten(line);
        if (!_options.Lenient)
        {
            throw new TraceFormatException(SourceName, _lineNumber, offset, text, expected);
        }

        Diagnostics.MalformedLines++;
        Diagnostics.AddIssue(new TraceIssue(_lineNumber, offset, text, expected));
    }

    /// <summary>
    /// The input ended inside a line that does not parse: a capture cut short (a killed trace_pipe
    /// reader, a partial copy). Lenient: reported in the diagnostics; strict: refused.
    /// </summary>
    private void TruncatedLine(ReadOnlySpan<byte> line, long offset)
    {
        Diagnostics.TruncatedLastLine = true;
        string why = string.Create(CultureInfo.InvariantCulture, $"the input ends inside line {_lineNumber} (byte {offset}), which is cut short");
        if (!_options.Lenient)
        {
            throw new TraceFormatException(SourceName, _lineNumber, offset, Shorten(line), "a complete last line (the input is truncated)");
        }

        Diagnostics.MarkTruncated(why);
    }

    /// <summary>The raw input ended: check that it ended where its format says it ends.</summary>
    private void CheckEndOfInput()
    {
        if (_decoder?.Truncation is string cut)
        {
            if (!_options.Lenient)
            {
                throw new TraceFormatException(SourceName, _decoder.Source.Consumed, "end of input", $"a complete {_decoder.Compression} stream: {cut}", null);
            }

            Diagnostics.MarkTruncated(cut);
        }

        if (_tool?.Failure() is string failed)
        {
            if (!_options.Lenient || EventsRead == 0)
            {
                throw new TraceFormatException(SourceName, 0, failed, $"a {_tool.Kind} that `{_tool.Command}` can read", null);
            }

            Diagnostics.MarkTruncated(failed);
        }
    }

    private void ReadHeaderComment(ReadOnlySpan<byte> line)
    {
        // "# entries-in-buffer/entries-written: 123/456   #P:2"
        int e = line.IndexOf("entries-written:"u8);
        if (e >= 0)
        {
            ReadOnlySpan<byte> rest = line[(e + "entries-written:"u8.Length)..].TrimStart((byte)' ');
            if (LineParser.TryParseLong(rest, out long inBuffer, out int used) && used < rest.Length && rest[used] == (byte)'/'
                && LineParser.TryParseLong(rest[(used + 1)..], out long written, out _))
            {
                Diagnostics.EntriesInBuffer = inBuffer;
                Diagnostics.EntriesWritten = written;
            }
        }

        int pcpu = line.IndexOf("#P:"u8);
        if (pcpu >= 0 && LineParser.TryParseLong(line[(pcpu + 3)..], out long cpus, out _))
        {
            Diagnostics.HeaderCpuCount = (int)Math.Min(cpus, int.MaxValue);
        }
    }

    private void ReadHeaderLine(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> t = line.TrimStart((byte)' ');
        if (t.StartsWith("cpus="u8) && LineParser.TryParseLong(t[5..], out long cpus, out _))
        {
            Diagnostics.HeaderCpuCount = (int)Math.Min(cpus, int.MaxValue);
        }
    }
}
