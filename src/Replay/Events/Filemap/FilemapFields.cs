namespace KernelSim.Replay.Events;

/// <summary>
/// The fields mm_filemap_add_to_page_cache and mm_filemap_delete_from_page_cache share (event class
/// mm_filemap_op_page_cache, include/trace/events/filemap.h), read without building a record: the ftrace
/// form "dev 254:0 ino 35e01d pfn=0x11c080 ofs=65536 order=1" or trace-cmd -R's
/// "pfn=... i_ino=... index=... s_dev=... order=...".
/// </summary>
internal static class FilemapFields
{
    public static bool TryRead(PayloadReader r, out ulong pfn, out ulong iIno, out ulong index, out DeviceNumber sDev, out byte order)
    {
        iIno = 0;
        index = 0;
        sDev = default;
        order = 0;
        return r.TryGetHex("pfn"u8, out pfn)
            && ((r.TryGetWord("ino"u8, out ReadOnlySpan<byte> inoText) && PayloadReader.TryParseHex(inoText, out iIno)) || r.TryGetHex("i_ino"u8, out iIno))
            && TryGetIndex(r, out index)
            && ((r.TryGetWord("dev"u8, out ReadOnlySpan<byte> devText) && DeviceNumber.TryParse(devText, out sDev)) || r.TryGetDevice("s_dev"u8, out sDev))
            && r.TryGetByte("order"u8, out order);
    }

    private static bool TryGetIndex(PayloadReader r, out ulong index)
    {
        if (r.TryGetUInt64("ofs"u8, out ulong ofs))
        {
            index = ofs >> MmFilemapAddToPageCache.PageShift;
            return true;
        }

        return r.TryGetUInt64("index"u8, out index);
    }
}
