using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// vmscan records. ftrace and trace-cmd report print the same text; trace-cmd report -R prints the format's field
/// names (highest_zoneidx=, nr_activate0=, reclaim_flags=, usec_delayed=, zid=) and raw numbers (gfp_flags=0x100cca,
/// lru=2, reason=1). Lines from traces/samples/ftrace-vmscan.txt and CAPTURES.md captures B, B2 (64M v1 memcg + dd)
/// and C (global pressure from a sparse-file read).
/// </summary>
public class VmscanTests
{
    private const string NofsHighMovable = "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL";
    private const string FileAsync = "RECLAIM_WB_FILE|RECLAIM_WB_ASYNC";

    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [MmVmscanMemcgReclaimBegin.EventName] = Entry<MmVmscanMemcgReclaimBegin>(),
        [MmVmscanMemcgReclaimEnd.EventName] = Entry<MmVmscanMemcgReclaimEnd>(),
        [MmVmscanDirectReclaimBegin.EventName] = Entry<MmVmscanDirectReclaimBegin>(),
        [MmVmscanDirectReclaimEnd.EventName] = Entry<MmVmscanDirectReclaimEnd>(),
        [MmVmscanLruShrinkInactive.EventName] = Entry<MmVmscanLruShrinkInactive>(),
        [MmVmscanLruShrinkActive.EventName] = Entry<MmVmscanLruShrinkActive>(),
        [MmVmscanLruIsolate.EventName] = Entry<MmVmscanLruIsolate>(),
        [MmVmscanWriteFolio.EventName] = Entry<MmVmscanWriteFolio>(),
        [MmVmscanThrottled.EventName] = Entry<MmVmscanThrottled>(),
        [MmVmscanKswapdWake.EventName] = Entry<MmVmscanKswapdWake>(),
        [MmVmscanKswapdSleep.EventName] = Entry<MmVmscanKswapdSleep>(),
        [MmVmscanWakeupKswapd.EventName] = Entry<MmVmscanWakeupKswapd>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { MmVmscanMemcgReclaimBegin.EventName, "order=0 gfp_flags=GFP_HIGHUSER_MOVABLE", "order=0", "mm_vmscan_direct_reclaim_begin" },
        { MmVmscanMemcgReclaimEnd.EventName, "nr_reclaimed=256", "", "mm_vmscan_direct_reclaim_end" },
        { MmVmscanDirectReclaimBegin.EventName, "order=9 gfp_flags=" + NofsHighMovable, "gfp_flags=" + NofsHighMovable, "mm_vmscan_memcg_reclaim_begin" },
        { MmVmscanDirectReclaimEnd.EventName, "nr_reclaimed=32", "nr_reclaimed=", "mm_vmscan_memcg_reclaim_end" },
        {
            MmVmscanLruShrinkInactive.EventName,
            "nid=0 nr_scanned=256 nr_reclaimed=0 nr_dirty=256 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 nr_activate_file=256 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=" + FileAsync,
            "nid=0 nr_scanned=256 nr_reclaimed=0 nr_dirty=256 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=" + FileAsync,
            "mm_vmscan_lru_shrink_active"
        },
        {
            MmVmscanLruShrinkActive.EventName,
            "nid=0 nr_taken=32 nr_active=23 nr_deactivated=9 nr_referenced=23 priority=12 flags=" + FileAsync,
            "nid=0 nr_taken=32 nr_active=23 nr_referenced=23 priority=12 flags=" + FileAsync,
            "mm_vmscan_lru_shrink_inactive"
        },
        {
            MmVmscanLruIsolate.EventName,
            "classzone=4 order=0 nr_requested=3 nr_scanned=256 nr_skipped=0 nr_taken=256 lru=inactive_file",
            "classzone=4 order=0 nr_requested=3 nr_scanned=256 nr_skipped=0 nr_taken=256",
            "mm_vmscan_lru_shrink_inactive"
        },
        { MmVmscanWriteFolio.EventName, "page=0000000062f1c0a5 pfn=0x11c080 flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC", "page=0000000062f1c0a5 flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC", "mm_vmscan_lru_isolate" },
        { MmVmscanThrottled.EventName, "nid=0 usec_timeout=100000 usect_delayed=4000 reason=VMSCAN_THROTTLE_WRITEBACK", "nid=0 usec_timeout=100000 usect_delayed=4000", "mm_vmscan_kswapd_wake" },
        { MmVmscanKswapdWake.EventName, "nid=0 order=9", "nid=0", "mm_vmscan_kswapd_sleep" },
        { MmVmscanKswapdSleep.EventName, "nid=0", "", "mm_vmscan_kswapd_wake" },
        { MmVmscanWakeupKswapd.EventName, "nid=0 order=9 gfp_flags=" + NofsHighMovable, "nid=0 gfp_flags=" + NofsHighMovable, "mm_vmscan_kswapd_wake" },
    };

    [Theory]
    [InlineData("order=0 gfp_flags=GFP_HIGHUSER_MOVABLE")] // ftrace (samples/ftrace-vmscan.txt: dd-11225 629.677607) and trace-cmd report
    [InlineData("order=0 gfp_flags=0x100cca")] // trace-cmd report -R (capture B, dd-12598 703.783985)
    public void MmVmscanMemcgReclaimBegin_RealPayload_ReadsEveryField(string payload)
    {
        MmVmscanMemcgReclaimBegin e = Decode<MmVmscanMemcgReclaimBegin>(payload);
        Assert.Equal(new MmVmscanMemcgReclaimBegin(Header, 0, "GFP_HIGHUSER_MOVABLE"), e);
        Assert.Equal(0x100ccaUL, e.GfpFlagsValue);
    }

    [Fact]
    public void MmVmscanMemcgReclaimEnd_RealPayload_ReadsNrReclaimed() =>
        Assert.Equal(new MmVmscanMemcgReclaimEnd(Header, 256), Decode<MmVmscanMemcgReclaimEnd>("nr_reclaimed=256"));

    [Theory]
    [InlineData("order=9 gfp_flags=" + NofsHighMovable)] // ftrace and trace-cmd report (capture C, dd-13457 780.477064)
    [InlineData("order=9 gfp_flags=0x152c4a")] // trace-cmd report -R
    public void MmVmscanDirectReclaimBegin_RealPayload_ReadsEveryField(string payload)
    {
        MmVmscanDirectReclaimBegin e = Decode<MmVmscanDirectReclaimBegin>(payload);
        Assert.Equal(new MmVmscanDirectReclaimBegin(Header, 9, NofsHighMovable), e);
        Assert.Equal(0x152c4aUL, e.GfpFlagsValue);
    }

    [Fact]
    public void MmVmscanDirectReclaimEnd_RealPayload_ReadsNrReclaimed() =>
        // capture C: dd-13459 [001] 780.477219: mm_vmscan_direct_reclaim_end: nr_reclaimed=32
        Assert.Equal(new MmVmscanDirectReclaimEnd(Header, 32), Decode<MmVmscanDirectReclaimEnd>("nr_reclaimed=32"));

    [Theory]
    // capture B2 (dirty 64M memcg, v1 writeback throttling): dd-12859 718.948819, ftrace and trace-cmd report
    [InlineData("nid=0 nr_scanned=256 nr_reclaimed=0 nr_dirty=256 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 nr_activate_file=256 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC")]
    // trace-cmd report -R of the same event
    [InlineData("nid=0 nr_scanned=256 nr_reclaimed=0 nr_dirty=256 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate0=0 nr_activate1=256 nr_ref_keep=0 nr_unmap_fail=0 priority=12 reclaim_flags=10")]
    public void MmVmscanLruShrinkInactive_RealPayload_ReadsEveryField(string payload)
    {
        MmVmscanLruShrinkInactive e = Decode<MmVmscanLruShrinkInactive>(payload);
        Assert.Equal(new MmVmscanLruShrinkInactive(Header, 0, 256, 0, 256, 0, 0, 0, 0, 256, 0, 0, 12, FileAsync), e);
        Assert.Equal(ReclaimWbFlags.File | ReclaimWbFlags.Async, e.ReclaimFlagsValue);
    }

    [Theory]
    [InlineData("nid=0 nr_taken=32 nr_active=23 nr_deactivated=9 nr_referenced=23 priority=12 flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC")] // capture C: kswapd0-45 780.459493
    [InlineData("nid=0 nr_taken=32 nr_active=23 nr_deactivated=9 nr_referenced=23 priority=12 reclaim_flags=10")] // trace-cmd report -R
    public void MmVmscanLruShrinkActive_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new MmVmscanLruShrinkActive(Header, 0, 32, 23, 9, 23, 12, FileAsync), Decode<MmVmscanLruShrinkActive>(payload));

    [Theory]
    [InlineData("classzone=4 order=0 nr_requested=3 nr_scanned=256 nr_skipped=0 nr_taken=256 lru=inactive_file")] // capture B: dd-12598 703.783992
    [InlineData("highest_zoneidx=4 order=0 nr_requested=3 nr_scanned=256 nr_skipped=0 nr_taken=256 lru=2")] // trace-cmd report -R
    public void MmVmscanLruIsolate_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new MmVmscanLruIsolate(Header, 4, 0, 3, 256, 0, 256, LruList.InactiveFile), Decode<MmVmscanLruIsolate>(payload));

    [Theory]
    [InlineData("inactive_anon", LruList.InactiveAnon)]
    [InlineData("active_anon", LruList.ActiveAnon)]
    [InlineData("active_file", LruList.ActiveFile)]
    [InlineData("unevictable", LruList.Unevictable)]
    [InlineData("1", LruList.ActiveAnon)]
    public void MmVmscanLruIsolate_EachLruName_MapsToLruList(string printed, LruList lru) =>
        Assert.Equal(lru, Decode<MmVmscanLruIsolate>("classzone=4 order=0 nr_requested=32 nr_scanned=32 nr_skipped=0 nr_taken=32 lru=" + printed).Lru);

    [Theory]
    [InlineData("lru=bogus")]
    [InlineData("lru=5")]
    public void MmVmscanLruIsolate_UnknownLru_ReturnsFalse(string lru) =>
        Assert.False(TryDecode<MmVmscanLruIsolate>("vmscan", "mm_vmscan_lru_isolate", "classzone=4 order=0 nr_requested=32 nr_scanned=32 nr_skipped=0 nr_taken=32 " + lru, out _));

    [Theory]
    // synthetic (print fmt "page=%p pfn=0x%lx flags=%s"): reclaim writes no file folios on 6.18 and the host has no swap.
    [InlineData("page=0000000062f1c0a5 pfn=0x11c080 flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC")]
    [InlineData("pfn=0x11c080 reclaim_flags=9")] // synthetic trace-cmd report -R
    public void MmVmscanWriteFolio_SyntheticPayload_ReadsEveryField(string payload)
    {
        MmVmscanWriteFolio e = Decode<MmVmscanWriteFolio>(payload);
        Assert.Equal(new MmVmscanWriteFolio(Header, 0x11c080, "RECLAIM_WB_ANON|RECLAIM_WB_ASYNC"), e);
        Assert.Equal(ReclaimWbFlags.Anon | ReclaimWbFlags.Async, e.ReclaimFlagsValue);
    }

    [Theory]
    [InlineData("nid=0 usec_timeout=100000 usect_delayed=4000 reason=VMSCAN_THROTTLE_WRITEBACK")] // samples/ftrace-vmscan.txt dd-11225 629.679532; capture B2 718.953231
    [InlineData("nid=0 usec_timeout=100000 usec_delayed=4000 reason=1")] // trace-cmd report -R (capture B2)
    public void MmVmscanThrottled_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new MmVmscanThrottled(Header, 0, 100000, 4000, VmscanThrottleReason.Writeback), Decode<MmVmscanThrottled>(payload));

    [Theory]
    // synthetic from show_throttle_flags: only WRITEBACK could be provoked (v1 memcg reclaim on this host).
    [InlineData("VMSCAN_THROTTLE_ISOLATED", VmscanThrottleReason.Isolated)]
    [InlineData("VMSCAN_THROTTLE_NOPROGRESS", VmscanThrottleReason.NoProgress)]
    [InlineData("VMSCAN_THROTTLE_CONGESTED", VmscanThrottleReason.Congested)]
    [InlineData("VMSCAN_THROTTLE_WRITEBACK|VMSCAN_THROTTLE_ISOLATED", VmscanThrottleReason.Writeback | VmscanThrottleReason.Isolated)]
    [InlineData("VMSCAN_THROTTLE_NONE", VmscanThrottleReason.None)]
    [InlineData("8", VmscanThrottleReason.Congested)]
    public void MmVmscanThrottled_SyntheticReason_MapsToFlags(string printed, VmscanThrottleReason reason) =>
        Assert.Equal(reason, Decode<MmVmscanThrottled>("nid=0 usec_timeout=20000 usect_delayed=4000 reason=" + printed).Reason);

    [Fact]
    public void MmVmscanThrottled_UnknownReasonName_ReturnsFalse() =>
        Assert.False(TryDecode<MmVmscanThrottled>("vmscan", "mm_vmscan_throttled", "nid=0 usec_timeout=20000 usect_delayed=0 reason=VMSCAN_THROTTLE_BOGUS", out _));

    [Fact]
    public void MmVmscanKswapdWake_FtracePayload_HasNoZid() =>
        // capture C: kswapd0-45 [001] 780.458111: mm_vmscan_kswapd_wake: nid=0 order=9 (zid is not printed)
        Assert.Equal(new MmVmscanKswapdWake(Header, 0, null, 9), Decode<MmVmscanKswapdWake>("nid=0 order=9"));

    [Fact]
    public void MmVmscanKswapdWake_TraceCmdRawPayload_ReadsZid() =>
        Assert.Equal(new MmVmscanKswapdWake(Header, 0, 3, 9), Decode<MmVmscanKswapdWake>("nid=0 zid=3 order=9"));

    [Fact]
    public void MmVmscanKswapdSleep_RealPayload_ReadsNid() =>
        // capture C: kswapd0-45 [001] 780.790844: mm_vmscan_kswapd_sleep: nid=0
        Assert.Equal(new MmVmscanKswapdSleep(Header, 0), Decode<MmVmscanKswapdSleep>("nid=0"));

    [Theory]
    [InlineData("nid=0 order=9 gfp_flags=" + NofsHighMovable, null)] // capture C: dd-13457 780.441695 (ftrace, trace-cmd report)
    [InlineData("nid=0 zid=3 order=9 gfp_flags=0x152c4a", 3)] // trace-cmd report -R
    public void MmVmscanWakeupKswapd_RealPayload_ReadsEveryField(string payload, int? zid) =>
        Assert.Equal(new MmVmscanWakeupKswapd(Header, 0, zid, 9, NofsHighMovable), Decode<MmVmscanWakeupKswapd>(payload));

    [Theory]
    [InlineData(0x0UL, "none")]
    [InlineData(0xcc0UL, "GFP_KERNEL")]
    [InlineData(0x100ccaUL, "GFP_HIGHUSER_MOVABLE")]
    [InlineData(0x152c4aUL, NofsHighMovable)]
    [InlineData(0x2000000000000cc0UL, "GFP_KERNEL|0x2000000000000000")]
    public void GfpFlagNamesFormat_KnownMask_PrintsLikeShowGfpFlags(ulong mask, string printed) =>
        Assert.Equal(printed, GfpFlagNames.Format(mask));

    [Property]
    public Property GfpFlagNamesParse_OfFormat_RoundTrips(ulong mask) =>
        (GfpFlagNames.Parse(GfpFlagNames.Format(mask)) == mask).Label($"Parse(Format(0x{mask:x})) = 0x{mask:x}");

    [Property]
    public Property ReclaimFlags_FormatThenParse_RoundTrips(byte bits)
    {
        var flags = (ReclaimWbFlags)bits;
        return (VmscanSymbols.ParseReclaimFlags(VmscanSymbols.FormatReclaimFlags(flags)) == flags).Label($"flags 0x{bits:x}");
    }

    [Fact]
    public void ParseReclaimFlags_UnknownName_ReturnsNull() =>
        Assert.Null(VmscanSymbols.ParseReclaimFlags("RECLAIM_WB_FILE|RECLAIM_WB_BOGUS"));
}
