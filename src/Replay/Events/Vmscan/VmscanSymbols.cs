using System.Globalization;
using System.Text;

namespace KernelSim.Replay.Events;

/// <summary>
/// Reads the symbolic fields of vmscan tracepoints in both the printed form (ftrace, trace-cmd report)
/// and the raw numeric form (trace-cmd report -R), and renders numbers back the way the kernel prints them,
/// so both forms decode to equal records.
/// </summary>
/// <remarks>Kernel: include/trace/events/vmscan.h (<c>show_reclaim_flags</c>, <c>show_throttle_flags</c>) and
/// include/trace/events/mmflags.h (<c>LRU_NAMES</c>).</remarks>
internal static class VmscanSymbols
{
    // __print_flags order of show_reclaim_flags: the rendering walks this table.
    private static readonly (ReclaimWbFlags Flag, string Name)[] ReclaimNames =
    [
        (ReclaimWbFlags.Anon, "RECLAIM_WB_ANON"),
        (ReclaimWbFlags.File, "RECLAIM_WB_FILE"),
        (ReclaimWbFlags.Mixed, "RECLAIM_WB_MIXED"),
        (ReclaimWbFlags.Sync, "RECLAIM_WB_SYNC"),
        (ReclaimWbFlags.Async, "RECLAIM_WB_ASYNC"),
    ];

    private static readonly (VmscanThrottleReason Flag, string Name)[] ThrottleNames =
    [
        (VmscanThrottleReason.Writeback, "VMSCAN_THROTTLE_WRITEBACK"),
        (VmscanThrottleReason.Isolated, "VMSCAN_THROTTLE_ISOLATED"),
        (VmscanThrottleReason.NoProgress, "VMSCAN_THROTTLE_NOPROGRESS"),
        (VmscanThrottleReason.Congested, "VMSCAN_THROTTLE_CONGESTED"),
    ];

    /// <summary>lru=inactive_file (printed) or lru=2 (raw).</summary>
    public static bool TryGetLru(PayloadReader r, out LruList lru)
    {
        lru = default;
        if (!r.TryGet("lru"u8, out ReadOnlySpan<byte> v))
        {
            return false;
        }

        if (PayloadReader.TryParseInt64(v, out long n))
        {
            lru = (LruList)n;
            return n is >= 0 and <= (long)LruList.Unevictable;
        }

        if (v.SequenceEqual("inactive_anon"u8))
        {
            lru = LruList.InactiveAnon;
        }
        else if (v.SequenceEqual("active_anon"u8))
        {
            lru = LruList.ActiveAnon;
        }
        else if (v.SequenceEqual("inactive_file"u8))
        {
            lru = LruList.InactiveFile;
        }
        else if (v.SequenceEqual("active_file"u8))
        {
            lru = LruList.ActiveFile;
        }
        else if (v.SequenceEqual("unevictable"u8))
        {
            lru = LruList.Unevictable;
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>reason=VMSCAN_THROTTLE_WRITEBACK (printed, possibly '|'-joined) or reason=1 (raw bits).</summary>
    public static bool TryGetThrottleReason(PayloadReader r, out VmscanThrottleReason reason)
    {
        reason = VmscanThrottleReason.None;
        if (!r.TryGet("reason"u8, out ReadOnlySpan<byte> v))
        {
            return false;
        }

        if (PayloadReader.TryParseInt64(v, out long n))
        {
            reason = (VmscanThrottleReason)n;
            return n is >= 0 and <= int.MaxValue;
        }

        if (v.SequenceEqual("VMSCAN_THROTTLE_NONE"u8))
        {
            return true;
        }

        foreach (Range part in v.Split((byte)'|'))
        {
            if (!TryLookup(ThrottleNames, v[part], out VmscanThrottleReason bit))
            {
                return false;
            }

            reason |= bit;
        }

        return true;
    }

    /// <summary>
    /// flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC (printed) or reclaim_flags=10 (raw); a raw number is rendered
    /// as the kernel would print it.
    /// </summary>
    public static bool TryGetReclaimFlags(PayloadReader r, out string flags)
    {
        flags = string.Empty;
        if (!r.TryGet("flags"u8, out ReadOnlySpan<byte> v) && !r.TryGet("reclaim_flags"u8, out v))
        {
            return false;
        }

        if (v.IsEmpty)
        {
            return false;
        }

        if (PayloadReader.TryParseInt64(v, out long n))
        {
            if (n is < 0 or > int.MaxValue)
            {
                return false;
            }

            flags = FormatReclaimFlags((ReclaimWbFlags)n);
            return true;
        }

        flags = Encoding.UTF8.GetString(v);
        return true;
    }

    /// <summary>Renders reclaim flags as <c>show_reclaim_flags</c> does.</summary>
    public static string FormatReclaimFlags(ReclaimWbFlags flags)
    {
        if (flags == ReclaimWbFlags.None)
        {
            return "RECLAIM_WB_NONE";
        }

        var sb = new StringBuilder();
        foreach ((ReclaimWbFlags flag, string name) in ReclaimNames)
        {
            if ((flags & flag) == flag)
            {
                flags &= ~flag;
                sb.Append(sb.Length == 0 ? "" : "|").Append(name);
            }
        }

        if (flags != ReclaimWbFlags.None)
        {
            sb.Append(sb.Length == 0 ? "" : "|").Append("0x").Append(((int)flags).ToString("x", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Parses the printed form back into bits; null if a name is unknown.</summary>
    public static ReclaimWbFlags? ParseReclaimFlags(string printed)
    {
        ReadOnlySpan<char> s = printed;
        if (s.SequenceEqual("RECLAIM_WB_NONE"))
        {
            return ReclaimWbFlags.None;
        }

        ReclaimWbFlags result = ReclaimWbFlags.None;
        foreach (Range part in s.Split('|'))
        {
            ReadOnlySpan<char> name = s[part];
            bool found = false;
            foreach ((ReclaimWbFlags flag, string n) in ReclaimNames)
            {
                if (name.SequenceEqual(n))
                {
                    result |= flag;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                if (!name.StartsWith("0x", StringComparison.Ordinal)
                    || !uint.TryParse(name[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint rest)
                    || rest > int.MaxValue)
                {
                    return null;
                }

                result |= (ReclaimWbFlags)rest;
            }
        }

        return result;
    }

    private static bool TryLookup<T>((T Flag, string Name)[] table, ReadOnlySpan<byte> name, out T flag)
        where T : struct
    {
        foreach ((T f, string n) in table)
        {
            if (name.Length == n.Length && Ascii.Equals(name, n))
            {
                flag = f;
                return true;
            }
        }

        flag = default;
        return false;
    }
}
