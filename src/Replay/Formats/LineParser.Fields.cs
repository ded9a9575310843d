using System.Buffers;

namespace KernelSim.Replay.Formats;

/// <summary>The line parser's field readers: CPU, timestamp, integers, spacing.</summary>
internal static partial class LineParser
{
    private static bool TryParseCpu(ReadOnlySpan<byte> line, int bracket, out int cpu, out int after)
    {
        cpu = 0;
        after = 0;
        int j = bracket + 1;
        int digits = 0;
        while (j < line.Length && IsDigit(line[j]) && digits < 6)
        {
            cpu = (cpu * 10) + (line[j] - '0');
            j++;
            digits++;
        }

        if (digits == 0 || j >= line.Length || line[j] != (byte)']')
        {
            return false;
        }

        after = j + 1;
        return after == line.Length || line[after] == (byte)' ';
    }

    /// <summary>
    /// "SECONDS.FRACTION" (at most 18 fraction digits) or "TICKS", all digits, in one pass; false if either part
    /// is empty, holds another byte or overflows a long.
    /// </summary>
    private static bool TryParseTimestamp(ReadOnlySpan<byte> tok, ref ParsedLine p)
    {
        long seconds = 0;
        int i = 0;
        while (i < tok.Length && IsDigit(tok[i]))
        {
            if (seconds > (long.MaxValue - 9) / 10)
            {
                return false;
            }

            seconds = (seconds * 10) + (tok[i] - '0');
            i++;
        }

        if (i == 0)
        {
            return false;
        }

        if (i == tok.Length)
        {
            p.Seconds = seconds;
            p.HasFraction = false;
            return true;
        }

        if (tok[i] != (byte)'.')
        {
            return false;
        }

        int digits = tok.Length - i - 1;
        if (digits is 0 or > 18)
        {
            return false;
        }

        long fraction = 0;
        for (int j = i + 1; j < tok.Length; j++)
        {
            uint d = (uint)(tok[j] - '0');
            if (d > 9)
            {
                return false;
            }

            fraction = (fraction * 10) + d;
        }

        p.Seconds = seconds;
        p.Fraction = fraction;
        p.FractionDigits = digits;
        p.HasFraction = true;
        return true;
    }

    private static void Malformed(ref ParsedLine p, string expected)
    {
        p.Kind = LineKind.Malformed;
        p.Expected = expected;
    }

    internal static bool TryParseLong(ReadOnlySpan<byte> s, out long value, out int consumed)
    {
        value = 0;
        consumed = 0;
        while (consumed < s.Length && IsDigit(s[consumed]))
        {
            if (value > (long.MaxValue - 9) / 10)
            {
                return false;
            }

            value = (value * 10) + (s[consumed] - '0');
            consumed++;
        }

        return consumed > 0;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsAllDigits(ReadOnlySpan<byte> s) => s.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    private static int IndexOfNonSpace(ReadOnlySpan<byte> s) => s.IndexOfAnyExcept((byte)' ', (byte)'\t');

    private static int SkipSpaces(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length && s[pos] == (byte)' ')
        {
            pos++;
        }

        return pos;
    }

    private static int IndexOfSpaceFrom(ReadOnlySpan<byte> s, int pos)
    {
        int rel = s[pos..].IndexOf((byte)' ');
        return rel < 0 ? s.Length : pos + rel;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s) => s.Trim((byte)' ');

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> s) => s.TrimStart((byte)' ');

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> s) => s.TrimEnd((byte)' ');
}
