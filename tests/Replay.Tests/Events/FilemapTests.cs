using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// filemap records. TP_printk: "dev 254:0 ino 35e01d pfn=0x11c080 ofs=65536 order=1" (ino in hex, ofs = index × 4096);
/// trace-cmd report -R: "pfn=0x11c080 i_ino=35e01d index=0x10 s_dev=266338304 order=1". Lines from CAPTURES.md
/// capture A (the ksimev workload writing /var/tmp/ksimev-file, then unlinking it).
/// </summary>
public class FilemapTests
{
    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [MmFilemapAddToPageCache.EventName] = Entry<MmFilemapAddToPageCache>(),
        [MmFilemapDeleteFromPageCache.EventName] = Entry<MmFilemapDeleteFromPageCache>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { MmFilemapAddToPageCache.EventName, "dev 254:0 ino 35e01d pfn=0x11c080 ofs=65536 order=1", "dev 254:0 pfn=0x11c080 ofs=65536 order=1", "mm_filemap_delete_from_page_cache" },
        { MmFilemapDeleteFromPageCache.EventName, "dev 254:0 ino 35e01d pfn=0x13aa33 ofs=0 order=0", "ino 35e01d pfn=0x13aa33 ofs=0 order=0", "mm_filemap_add_to_page_cache" },
    };

    [Theory]
    [InlineData("dev 254:0 ino 35e01d pfn=0x11c080 ofs=65536 order=1")] // ftrace and trace-cmd report: ksimev-11693 [001] 659.920793 (pwrite at 64 KiB)
    [InlineData("pfn=0x11c080 i_ino=35e01d index=0x10 s_dev=266338304 order=1")] // trace-cmd report -R
    public void MmFilemapAddToPageCache_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new MmFilemapAddToPageCache(Header, 0x11c080, 0x35e01d, 16, new DeviceNumber(254, 0), 1), Decode<MmFilemapAddToPageCache>(payload));

    [Theory]
    [InlineData("dev 0:3 ino fe00000 pfn=0x17419e ofs=14898171904 order=0")] // capture A: ip-11684 [000] 658.788415 (an internal mount)
    [InlineData("pfn=0x17419e i_ino=fe00000 index=0x378001 s_dev=3 order=0")] // trace-cmd report -R
    public void MmFilemapAddToPageCache_LargeOffset_ReadsIndex(string payload) =>
        Assert.Equal(new MmFilemapAddToPageCache(Header, 0x17419e, 0xfe00000, 0x378001, new DeviceNumber(0, 3), 0), Decode<MmFilemapAddToPageCache>(payload));

    [Theory]
    [InlineData("dev 254:0 ino 35e01d pfn=0x13aa33 ofs=0 order=0")] // ftrace and trace-cmd report: ksimev-11693 [001] 659.921258 (unlink)
    [InlineData("pfn=0x13aa33 i_ino=35e01d index=0x0 s_dev=266338304 order=0")] // trace-cmd report -R
    public void MmFilemapDeleteFromPageCache_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new MmFilemapDeleteFromPageCache(Header, 0x13aa33, 0x35e01d, 0, new DeviceNumber(254, 0), 0), Decode<MmFilemapDeleteFromPageCache>(payload));
}
