using System.Text;

namespace KernelSim.Replay.Events;

/// <summary>
/// Reads the positional TP_printk text of block_rq_issue / block_rq_complete:
/// "MAJ,MIN RWBS [BYTES] (CMD) SECTOR + NR_SECTOR CLASS,HINT,LEVEL [TRAILER]".
/// </summary>
/// <remarks>Kernel: include/trace/events/block.h (<c>block_rq</c> and <c>block_rq_completion</c> classes).
/// ftrace prints the ioprio class by name ("be"); trace-cmd cannot resolve <c>IOPRIO_CLASS_*</c> and prints
/// the number ("0x2"). Both are accepted.</remarks>
internal static class BlockRqText
{
    public static bool TryParse(
        ReadOnlySpan<byte> p,
        bool withBytes,
        out DeviceNumber dev,
        out string rwbs,
        out uint bytes,
        out string cmd,
        out ulong sector,
        out uint nrSector,
        out ushort ioprio,
        out ReadOnlySpan<byte> trailer)
    {
        dev = default;
        rwbs = string.Empty;
        bytes = 0;
        cmd = string.Empty;
        sector = 0;
        nrSector = 0;
        ioprio = 0;
        trailer = default;

        // Tolerate alignment padding (trace-cmd pads the payload column).
        p = p.TrimStart((byte)' ');
        if (!NextToken(ref p, out ReadOnlySpan<byte> devText) || devText.IndexOf((byte)',') < 0 || !DeviceNumber.TryParse(devText, out dev)
            || !NextToken(ref p, out ReadOnlySpan<byte> rwbsText))
        {
            return false;
        }

        if (withBytes)
        {
            if (!NextToken(ref p, out ReadOnlySpan<byte> bytesText) || !PayloadReader.TryParseUInt64(bytesText, out ulong b) || b > uint.MaxValue)
            {
                return false;
            }

            bytes = (uint)b;
        }

        // "(cmd) " — cmd is a free string, usually empty.
        if (p.IsEmpty || p[0] != (byte)'(')
        {
            return false;
        }

        int close = p.IndexOf(") "u8);
        if (close < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> cmdText = p[1..close];
        p = p[(close + 2)..];

        if (!NextToken(ref p, out ReadOnlySpan<byte> sectorText) || !PayloadReader.TryParseUInt64(sectorText, out sector)
            || !NextToken(ref p, out ReadOnlySpan<byte> plus) || !plus.SequenceEqual("+"u8)
            || !NextToken(ref p, out ReadOnlySpan<byte> nrText) || !PayloadReader.TryParseUInt64(nrText, out ulong nr) || nr > uint.MaxValue
            || !NextToken(ref p, out ReadOnlySpan<byte> prioText) || !TryParseIoprio(prioText, out ioprio)
            || p.Length < 2 || p[0] != (byte)'[' || p[^1] != (byte)']')
        {
            return false;
        }

        nrSector = (uint)nr;
        rwbs = Encoding.UTF8.GetString(rwbsText);
        cmd = Encoding.UTF8.GetString(cmdText);
        trailer = p[1..^1];
        return true;
    }

    /// <summary>"be,0,4" or "0x2,0,4" → <c>IOPRIO_PRIO_VALUE_HINT(class, level, hint)</c>.</summary>
    public static bool TryParseIoprio(ReadOnlySpan<byte> s, out ushort ioprio)
    {
        ioprio = 0;
        int c1 = s.IndexOf((byte)',');
        if (c1 < 0)
        {
            return false;
        }

        int c2rel = s[(c1 + 1)..].IndexOf((byte)',');
        if (c2rel < 0)
        {
            return false;
        }

        int c2 = c1 + 1 + c2rel;
        ReadOnlySpan<byte> cls = s[..c1];
        ulong klass;
        if (cls.SequenceEqual("none"u8))
        {
            klass = (ulong)IoprioClass.None;
        }
        else if (cls.SequenceEqual("rt"u8))
        {
            klass = (ulong)IoprioClass.RealTime;
        }
        else if (cls.SequenceEqual("be"u8))
        {
            klass = (ulong)IoprioClass.BestEffort;
        }
        else if (cls.SequenceEqual("idle"u8))
        {
            klass = (ulong)IoprioClass.Idle;
        }
        else if (cls.SequenceEqual("invalid"u8))
        {
            klass = (ulong)IoprioClass.Invalid;
        }
        else if (!PayloadReader.TryParseUInt64(cls, out klass))
        {
            return false;
        }

        if (klass > 7
            || !PayloadReader.TryParseUInt64(s[(c1 + 1)..c2], out ulong hint) || hint > 0x3ff
            || !PayloadReader.TryParseUInt64(s[(c2 + 1)..], out ulong level) || level > 7)
        {
            return false;
        }

        ioprio = (ushort)((klass << 13) | (hint << 3) | level);
        return true;
    }

    private static bool NextToken(ref ReadOnlySpan<byte> p, out ReadOnlySpan<byte> token)
    {
        int sp = p.IndexOf((byte)' ');
        if (sp <= 0)
        {
            token = default;
            return false;
        }

        token = p[..sp];
        p = p[(sp + 1)..];
        return true;
    }
}
