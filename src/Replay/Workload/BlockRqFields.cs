using KernelSim.Replay.Events;

namespace KernelSim.Replay.Workload;

/// <summary>
/// The four fields of block_rq_issue / block_rq_complete the extractor pairs on (device, rwbs, sector,
/// sector count), read without allocating. <see cref="BlockRqIssue"/> and <see cref="BlockRqComplete"/>
/// decode the full records (with strings); this reads the same printed shapes: the positional TP_printk
/// text "MAJ,MIN RWBS [BYTES] (CMD) SECTOR + NR ..." and trace-cmd -R's "dev=… sector=… nr_sector=… rwbs=…".
/// </summary>
internal static class BlockRqFields
{
    public static bool TryRead(ReadOnlySpan<byte> payload, out uint dev, out ReadOnlySpan<byte> rwbs, out ulong sector, out uint nrSector)
    {
        dev = 0;
        rwbs = default;
        sector = 0;
        nrSector = 0;
        var r = new PayloadReader(payload);
        if (r.TryGetUInt64("sector"u8, out sector))
        {
            if (r.TryGetDevice("dev"u8, out DeviceNumber rawDev) && r.TryGetUInt32("nr_sector"u8, out nrSector) && r.TryGet("rwbs"u8, out rwbs))
            {
                dev = rawDev.ToKernel();
                return true;
            }

            return false;
        }

        ReadOnlySpan<byte> p = payload.TrimStart((byte)' ');
        int sp = p.IndexOf((byte)' ');
        if (sp <= 0 || !DeviceNumber.TryParse(p[..sp], out DeviceNumber d))
        {
            return false;
        }

        p = p[(sp + 1)..];
        sp = p.IndexOf((byte)' ');
        if (sp <= 0)
        {
            return false;
        }

        rwbs = p[..sp];
        p = p[(sp + 1)..];

        // "[BYTES ](CMD) SECTOR + NR": the command is a free string, closed by ") ".
        int open = p.IndexOf((byte)'(');
        if (open < 0)
        {
            return false;
        }

        int close = p[open..].IndexOf(") "u8);
        if (close < 0)
        {
            return false;
        }

        p = p[(open + close + 2)..];
        sp = p.IndexOf((byte)' ');
        if (sp <= 0 || !PayloadReader.TryParseUInt64(p[..sp], out sector) || !p[sp..].StartsWith(" + "u8))
        {
            return false;
        }

        p = p[(sp + 3)..];
        sp = p.IndexOf((byte)' ');
        ReadOnlySpan<byte> nr = sp < 0 ? p : p[..sp];
        if (!PayloadReader.TryParseUInt64(nr, out ulong n) || n > uint.MaxValue)
        {
            return false;
        }

        nrSector = (uint)n;
        dev = d.ToKernel();
        return true;
    }

    /// <summary>True when the rwbs string describes a write ("W", "WS", "WSM", "FWS"...), not a discard or read.</summary>
    public static bool IsWrite(ReadOnlySpan<byte> rwbs) => rwbs.IndexOf((byte)'W') >= 0;
}
