using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// filemap:mm_filemap_delete_from_page_cache — a folio is removed from a file's page cache (truncate, invalidate or
/// reclaim).
/// </summary>
/// <remarks>
/// Kernel: mm/filemap.c <c>__filemap_remove_folio</c> (class mm_filemap_op_page_cache); fields per
/// events/filemap/mm_filemap_delete_from_page_cache/format. Printed "dev %d:%d ino %lx pfn=0x%lx ofs=%lu order=%u"
/// where ofs is index &lt;&lt; PAGE_SHIFT (12 on this host); trace-cmd -R prints pfn= i_ino= index= s_dev= order=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Pfn"><c>pfn</c>: page frame number of the folio.</param>
/// <param name="IIno"><c>i_ino</c>: inode number (printed in hex after "ino").</param>
/// <param name="Index"><c>index</c>: page index in the file (printed as the byte offset ofs = index ×
/// 4096).</param>
/// <param name="SDev"><c>s_dev</c>: the filesystem's device.</param>
/// <param name="Order"><c>order</c>: folio order (2^order pages).</param>
public readonly record struct MmFilemapDeleteFromPageCache(
    EventHeader Header,
    ulong Pfn,
    ulong IIno,
    ulong Index,
    DeviceNumber SDev,
    byte Order) : ITraceEvent<MmFilemapDeleteFromPageCache>
{
    /// <inheritdoc />
    public static string EventName => "filemap:mm_filemap_delete_from_page_cache";

    /// <summary>log2 of the page size baked into the printed <c>ofs</c> (the format's "REC->index &lt;&lt; 12").</summary>
    public const int PageShift = 12;

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmFilemapDeleteFromPageCache value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_filemap_delete_from_page_cache"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetHex("pfn"u8, out ulong pfn)
            && ((r.TryGetWord("ino"u8, out ReadOnlySpan<byte> inoText) && PayloadReader.TryParseHex(inoText, out ulong iIno)) || r.TryGetHex("i_ino"u8, out iIno))
            && TryGetIndex(r, out ulong index)
            && ((r.TryGetWord("dev"u8, out ReadOnlySpan<byte> devText) && DeviceNumber.TryParse(devText, out DeviceNumber sDev)) || r.TryGetDevice("s_dev"u8, out sDev))
            && r.TryGetByte("order"u8, out byte order))
        {
            value = new MmFilemapDeleteFromPageCache(EventHeader.From(e), pfn, iIno, index, sDev, order);
            return true;
        }

        return false;
    }

    private static bool TryGetIndex(PayloadReader r, out ulong index)
    {
        if (r.TryGetUInt64("ofs"u8, out ulong ofs))
        {
            index = ofs >> PageShift;
            return true;
        }

        return r.TryGetUInt64("index"u8, out index);
    }
}
