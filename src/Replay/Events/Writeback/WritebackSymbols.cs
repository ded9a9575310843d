using System.Text;

namespace KernelSim.Replay.Events;

/// <summary>Shared readers for the writeback tracepoints' labelled fields ("bdi 8:0:", "sb_dev 8:0") and reasons.</summary>
/// <remarks>Kernel: include/trace/events/writeback.h.</remarks>
internal static class WritebackSymbols
{
    private static readonly string[] ReasonNames =
        ["background", "vmscan", "sync", "periodic", "laptop_timer", "fs_free_space", "forker_thread", "foreign_flush"];

    /// <summary>
    /// The bdi name: printed "bdi 254:0: ..." (TP_printk), or <paramref name="rawKey"/>=254:0 in trace-cmd -R
    /// ("bdi" for balance_dirty_pages/bdi_dirty_ratelimit, "name" for the writeback_* events).
    /// </summary>
    public static bool TryGetBdi(PayloadReader r, ReadOnlySpan<byte> rawKey, out string bdi)
    {
        if (r.TryGetWord("bdi"u8, out ReadOnlySpan<byte> v) && v.Length > 1 && v[^1] == (byte)':')
        {
            bdi = Encoding.UTF8.GetString(v[..^1]);
            return true;
        }

        return r.TryGetString(rawKey, out bdi) && bdi.Length > 0;
    }

    /// <summary>"sb_dev 8:0" (printed) or sb_dev=8388608 (raw kernel dev_t).</summary>
    public static bool TryGetSbDev(PayloadReader r, out DeviceNumber dev)
    {
        dev = default;
        return (r.TryGetWord("sb_dev"u8, out ReadOnlySpan<byte> v) && DeviceNumber.TryParse(v, out dev))
            || r.TryGetDevice("sb_dev"u8, out dev);
    }

    /// <summary>reason=background (printed) or reason=0 (raw).</summary>
    public static bool TryGetReason(PayloadReader r, out WbReason reason)
    {
        reason = default;
        if (!r.TryGet("reason"u8, out ReadOnlySpan<byte> v))
        {
            return false;
        }

        if (PayloadReader.TryParseInt64(v, out long n))
        {
            reason = (WbReason)n;
            return n is >= 0 and <= int.MaxValue;
        }

        for (int i = 0; i < ReasonNames.Length; i++)
        {
            if (Ascii.Equals(v, ReasonNames[i]))
            {
                reason = (WbReason)i;
                return true;
            }
        }

        return false;
    }
}
