using System.Text;

namespace KernelSim.Replay.Events;

/// <summary>
/// Reads fields out of a printed tracepoint payload. Understands the two shapes the kernel prints:
/// <c>key=value key=value</c> (most TP_printk formats) and <c>key: value, key: value</c> (syscall
/// events). A value runs to the next " key=" (so comm values with spaces survive) or ", key:".
/// Numbers are decimal, or hexadecimal with a 0x prefix, optionally negative.
/// </summary>
internal readonly ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _payload;

    public PayloadReader(ReadOnlySpan<byte> payload) => _payload = payload;

    public ReadOnlySpan<byte> Payload => _payload;

    /// <summary>Finds <paramref name="key"/> (without '=' or ':') and returns its raw value text.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> p = _payload;
        int from = 0;
        while (from < p.Length)
        {
            int rel = p[from..].IndexOf(key);
            if (rel < 0)
            {
                break;
            }

            int k = from + rel;
            int after = k + key.Length;
            bool boundary = k == 0 || p[k - 1] == (byte)' ' || p[k - 1] == (byte)',' || p[k - 1] == (byte)'(' || p[k - 1] == (byte)'[';
            if (boundary && after < p.Length)
            {
                if (p[after] == (byte)'=')
                {
                    value = p[(after + 1)..EndOfEqualsValue(p, after + 1)];
                    return true;
                }

                if (p[after] == (byte)':' && after + 1 < p.Length && p[after + 1] == (byte)' ')
                {
                    int start = after + 2;
                    int comma = p[start..].IndexOf(", "u8);
                    int end = comma < 0 ? p.Length : start + comma;
                    value = p[start..end];
                    return true;
                }
            }

            from = k + 1;
        }

        value = default;
        return false;
    }

    public bool TryGetInt64(ReadOnlySpan<byte> key, out long value)
    {
        value = 0;
        return TryGet(key, out ReadOnlySpan<byte> v) && TryParseInt64(v, out value);
    }

    public bool TryGetInt32(ReadOnlySpan<byte> key, out int value)
    {
        value = 0;
        if (TryGetInt64(key, out long v) && v >= int.MinValue && v <= uint.MaxValue)
        {
            value = unchecked((int)v);
            return true;
        }

        return false;
    }

    public bool TryGetUInt64(ReadOnlySpan<byte> key, out ulong value)
    {
        value = 0;
        return TryGet(key, out ReadOnlySpan<byte> v) && TryParseUInt64(v, out value);
    }

    public bool TryGetString(ReadOnlySpan<byte> key, out string value)
    {
        if (TryGet(key, out ReadOnlySpan<byte> v))
        {
            value = Encoding.UTF8.GetString(v);
            return true;
        }

        value = string.Empty;
        return false;
    }

    /// <summary>Parses "123", "-5", "0x1f" (and "true"/"false" as 1/0, as some events print bools).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> v, out long value)
    {
        value = 0;
        v = v.Trim((byte)' ');
        if (v.SequenceEqual("true"u8))
        {
            value = 1;
            return true;
        }

        if (v.SequenceEqual("false"u8))
        {
            return true;
        }

        bool neg = false;
        if (!v.IsEmpty && v[0] == (byte)'-')
        {
            neg = true;
            v = v[1..];
        }

        if (!TryParseUInt64(v, out ulong u))
        {
            return false;
        }

        if (neg)
        {
            if (u > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = unchecked(-(long)u);
            return true;
        }

        // Hex values wider than long (e.g. pointers, 0xffff...) keep their bit pattern.
        value = unchecked((long)u);
        return true;
    }

    public static bool TryParseUInt64(ReadOnlySpan<byte> v, out ulong value)
    {
        v = v.Trim((byte)' ');
        if (v.Length > 2 && v[0] == (byte)'0' && (v[1] | 0x20) == (byte)'x')
        {
            return TryParseHexDigits(v[2..], out value);
        }

        value = 0;
        if (v.IsEmpty)
        {
            return false;
        }

        foreach (byte b in v)
        {
            uint d = (uint)(b - '0');
            if (d > 9 || value > (ulong.MaxValue - d) / 10)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }

    public bool TryGetUInt32(ReadOnlySpan<byte> key, out uint value)
    {
        value = 0;
        if (TryGetUInt64(key, out ulong v) && v <= uint.MaxValue)
        {
            value = (uint)v;
            return true;
        }

        return false;
    }

    public bool TryGetUInt16(ReadOnlySpan<byte> key, out ushort value)
    {
        value = 0;
        if (TryGetUInt64(key, out ulong v) && v <= ushort.MaxValue)
        {
            value = (ushort)v;
            return true;
        }

        return false;
    }

    public bool TryGetByte(ReadOnlySpan<byte> key, out byte value)
    {
        value = 0;
        if (TryGetUInt64(key, out ulong v) && v <= byte.MaxValue)
        {
            value = (byte)v;
            return true;
        }

        return false;
    }

    /// <summary>A bool printed as 0/1 (<c>%d</c> of a bool) or true/false.</summary>
    public bool TryGetBool(ReadOnlySpan<byte> key, out bool value)
    {
        value = false;
        if (TryGetInt64(key, out long v) && (v == 0 || v == 1))
        {
            value = v == 1;
            return true;
        }

        return false;
    }

    /// <summary>A value the kernel prints in hexadecimal (<c>%p</c>, <c>%lx</c>, <c>0x%lx</c>), with or without the 0x prefix.</summary>
    public bool TryGetHex(ReadOnlySpan<byte> key, out ulong value)
    {
        value = 0;
        return TryGet(key, out ReadOnlySpan<byte> v) && TryParseHex(v, out value);
    }

    /// <summary>A device number printed "MAJOR:MINOR" or "MAJOR,MINOR", or as the raw kernel <c>dev_t</c> (trace-cmd -R).</summary>
    public bool TryGetDevice(ReadOnlySpan<byte> key, out DeviceNumber value)
    {
        value = default;
        return TryGet(key, out ReadOnlySpan<byte> v) && DeviceNumber.TryParse(v, out value);
    }

    /// <summary>
    /// Finds the word <paramref name="label"/> standing alone ("bdi 8:0: ...", "sb_dev 8:0", "ino 3e1") and
    /// returns the space-delimited token after it: the shape TP_printk formats use for labelled,
    /// non key=value fields.
    /// </summary>
    public bool TryGetWord(ReadOnlySpan<byte> label, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> p = _payload;
        int from = 0;
        while (from < p.Length)
        {
            int rel = p[from..].IndexOf(label);
            if (rel < 0)
            {
                break;
            }

            int k = from + rel;
            int after = k + label.Length;
            if ((k == 0 || p[k - 1] == (byte)' ') && after + 1 < p.Length && p[after] == (byte)' ' && p[after + 1] != (byte)' ')
            {
                int start = after + 1;
                int sp = p[start..].IndexOf((byte)' ');
                value = sp < 0 ? p[start..] : p[start..(start + sp)];
                return true;
            }

            from = k + 1;
        }

        value = default;
        return false;
    }

    /// <summary>Parses hexadecimal with or without a 0x prefix ("000000001050a7a9", "0xffff8881...", "7fbb").</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> v, out ulong value)
    {
        v = v.Trim((byte)' ');
        if (v.Length > 2 && v[0] == (byte)'0' && (v[1] | 0x20) == (byte)'x')
        {
            v = v[2..];
        }

        return TryParseHexDigits(v, out value);
    }

    private static bool TryParseHexDigits(ReadOnlySpan<byte> v, out ulong value)
    {
        value = 0;
        if (v.IsEmpty || v.Length > 16)
        {
            // More than 16 digits is only valid with leading zeros; the kernel never prints those.
            return false;
        }

        foreach (byte b in v)
        {
            uint d = (uint)(b - '0');
            if (d > 9)
            {
                d = (uint)((b | 0x20) - 'a');
                if (d > 5)
                {
                    return false;
                }

                d += 10;
            }

            value = (value << 4) | d;
        }

        return true;
    }

    /// <summary>Splits a payload into (key, value) pairs for events without a typed decoder.</summary>
    public List<KeyValuePair<string, string>> ToFields()
    {
        var fields = new List<KeyValuePair<string, string>>();
        ReadOnlySpan<byte> p = _payload;
        int i = 0;
        while (i < p.Length)
        {
            bool bracketed = false;
            while (i < p.Length && (p[i] == (byte)' ' || p[i] == (byte)',' || p[i] == (byte)'['))
            {
                bracketed |= p[i] == (byte)'[';
                i++;
            }

            int keyStart = i;
            while (i < p.Length && IsKeyChar(p[i]))
            {
                i++;
            }

            if (i == keyStart || i >= p.Length)
            {
                break;
            }

            ReadOnlySpan<byte> key = p[keyStart..i];
            int valueStart;
            int valueEnd;
            if (p[i] == (byte)'=')
            {
                valueStart = i + 1;
                valueEnd = EndOfEqualsValue(p, valueStart);
            }
            else if (p[i] == (byte)':' && i + 1 < p.Length && p[i + 1] == (byte)' ')
            {
                valueStart = i + 2;
                int comma = p[valueStart..].IndexOf(", "u8);
                valueEnd = comma < 0 ? p.Length : valueStart + comma;
            }
            else
            {
                // Not a key=value token: skip to the next space.
                int sp = p[i..].IndexOf((byte)' ');
                i = sp < 0 ? p.Length : i + sp;
                continue;
            }

            int valueLast = valueEnd;
            if (bracketed && valueLast > valueStart && p[valueLast - 1] == (byte)']')
            {
                valueLast--;
            }

            fields.Add(new(Encoding.UTF8.GetString(key), Encoding.UTF8.GetString(p[valueStart..valueLast])));
            i = valueEnd;
        }

        return fields;
    }

    private static int EndOfEqualsValue(ReadOnlySpan<byte> p, int start)
    {
        // The value ends before the next " ident=" (identifier then '=').
        int i = start;
        while (true)
        {
            int sp = p[i..].IndexOf((byte)' ');
            if (sp < 0)
            {
                return p.Length;
            }

            int s = i + sp;
            int keyStart = s + 1;
            if (keyStart < p.Length && p[keyStart] == (byte)'[')
            {
                // "vec=3 [action=NET_RX]": a bracketed key=value ends the value too.
                keyStart++;
            }

            int j = keyStart;
            while (j < p.Length && IsKeyChar(p[j]))
            {
                j++;
            }

            if (j > keyStart && j < p.Length && p[j] == (byte)'=')
            {
                return s;
            }

            i = s + 1;
        }
    }

    private static bool IsKeyChar(byte b) =>
        (uint)((b | 0x20) - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9 || b == (byte)'_';
}
