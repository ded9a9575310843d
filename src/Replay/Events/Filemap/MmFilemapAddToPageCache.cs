using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// filemap:mm_filemap_add_to_page_cache — a folio is inserted into a file's page cache.
/// </summary>
/// <remarks>
/// Kernel: mm/filemap.c <c>__filemap_add_folio</c> (class mm_filemap_op_page_cache); fields per
/// events/filemap/mm_filemap_add_to_page_cache/format. Printed "dev %d:%d ino %lx pfn=0x%lx ofs=%lu order=%u" where
/// ofs is index &lt;&lt; PAGE_SHIFT (12 on this host); trace-cmd -R prints pfn= i_ino= index= s_dev= order=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Pfn"><c>pfn</c>: page frame number of the folio.</param>
/// <param name="IIno"><c>i_ino</c>: inode number (printed in hex after "ino").</param>
/// <param name="Index"><c>index</c>: page index in the file (printed as the byte offset ofs = index ×
/// 4096).</param>
/// <param name="SDev"><c>s_dev</c>: the filesystem's device.</param>
/// <param name="Order"><c>order</c>: folio order (2^order pages).</param>
public readonly record struct MmFilemapAddToPageCache(
    EventHeader Header,
    ulong Pfn,
    ulong IIno,
    ulong Index,
    DeviceNumber SDev,
    byte Order) : ITraceEvent<MmFilemapAddToPageCache>
{
    /// <inheritdoc />
    public static string EventName => "filemap:mm_filemap_add_to_page_cache";

    /// <summary>log2 of the page size baked into the printed <c>ofs</c> (the format's "REC->index &lt;&lt; 12").</summary>
    public const int PageShift = 12;

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out MmFilemapAddToPageCache value)
    {
        value = default;
        if (!e.Name.SequenceEqual("mm_filemap_add_to_page_cache"u8))
        {
            return false;
        }

        if (FilemapFields.TryRead(new PayloadReader(e.Payload), out ulong pfn, out ulong iIno, out ulong index, out DeviceNumber sDev, out byte order))
        {
            value = new MmFilemapAddToPageCache(EventHeader.From(e), pfn, iIno, index, sDev, order);
            return true;
        }

        return false;
    }
}
