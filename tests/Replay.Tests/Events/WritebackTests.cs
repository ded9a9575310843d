using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// writeback records. TP_printk puts the bdi first as "bdi 254:0: ..." and writeback_work_class prints
/// "sb_dev 0:0", kupdate=, background=, reason=background; trace-cmd report -R prints the field names (bdi=, name=,
/// avg_write_bw=, nr_dirty=, for_kupdate=), a raw dev_t and a numeric reason. Lines from
/// traces/samples/ftrace-writeback.txt and CAPTURES.md captures B, B2 and D (dd under vm.dirty_bytes=16M, sync).
/// </summary>
public class WritebackTests
{
    private const string ExecLine = "bdi 254:0: sb_dev 254:0 nr_pages=9223372036854775807 sync_mode=1 kupdate=0 range_cyclic=0 background=0 reason=sync cgroup_ino=1";
    private const string ExecRaw = "name=254:0 nr_pages=9223372036854775807 sb_dev=266338304 sync_mode=1 for_kupdate=0 range_cyclic=0 for_background=0 reason=2 cgroup_ino=1";
    private const string StartLine = "bdi 254:0: sb_dev 0:0 nr_pages=9223372036854775807 sync_mode=0 kupdate=0 range_cyclic=1 background=1 reason=background cgroup_ino=1";
    private const string StartRaw = "name=254:0 nr_pages=9223372036854775807 sb_dev=0 sync_mode=0 for_kupdate=0 range_cyclic=1 for_background=1 reason=0 cgroup_ino=1";
    private const string WrittenLine = "bdi 254:0: sb_dev 0:0 nr_pages=9223372036854773841 sync_mode=0 kupdate=0 range_cyclic=1 background=1 reason=background cgroup_ino=1";

    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [BalanceDirtyPages.EventName] = Entry<BalanceDirtyPages>(),
        [GlobalDirtyState.EventName] = Entry<GlobalDirtyState>(),
        [BdiDirtyRatelimit.EventName] = Entry<BdiDirtyRatelimit>(),
        [WritebackQueue.EventName] = Entry<WritebackQueue>(),
        [WritebackExec.EventName] = Entry<WritebackExec>(),
        [WritebackStart.EventName] = Entry<WritebackStart>(),
        [WritebackWritten.EventName] = Entry<WritebackWritten>(),
        [WritebackWait.EventName] = Entry<WritebackWait>(),
        [WritebackPagesWritten.EventName] = Entry<WritebackPagesWritten>(),
        [WritebackWakeBackground.EventName] = Entry<WritebackWakeBackground>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        {
            BalanceDirtyPages.EventName,
            "bdi 254:0: limit=4096 setpoint=3584 dirty=3500 wb_setpoint=3583 wb_dirty=3496 dirty_ratelimit=102400 task_ratelimit=103000 dirtied=256 dirtied_pause=32 paused=0 pause=12 period=8 think=-4 cgroup_ino=1",
            "limit=4096 setpoint=3584 dirty=3500 wb_setpoint=3583 wb_dirty=3496 dirty_ratelimit=102400 task_ratelimit=103000 dirtied=256 dirtied_pause=32 paused=0 pause=12 period=8 think=-4 cgroup_ino=1",
            "bdi_dirty_ratelimit"
        },
        {
            GlobalDirtyState.EventName,
            "dirty=1195 writeback=0 bg_thresh=2048 thresh=4096 limit=4096 dirtied=2369985 written=2257401",
            "dirty=1195 writeback=0 bg_thresh=2048 limit=4096 dirtied=2369985 written=2257401",
            "balance_dirty_pages"
        },
        {
            BdiDirtyRatelimit.EventName,
            "bdi 254:0: write_bw=295636 awrite_bw=234092 dirty_rate=409000 dirty_ratelimit=102400 task_ratelimit=197304 balanced_dirty_ratelimit=112924 cgroup_ino=1",
            "bdi 254:0: write_bw=295636 dirty_rate=409000 dirty_ratelimit=102400 task_ratelimit=197304 balanced_dirty_ratelimit=112924 cgroup_ino=1",
            "balance_dirty_pages"
        },
        { WritebackQueue.EventName, ExecLine, ExecLine.Replace(" reason=sync", "", StringComparison.Ordinal), "writeback_exec" },
        { WritebackExec.EventName, ExecLine, ExecLine.Replace("sb_dev 254:0 ", "", StringComparison.Ordinal), "writeback_queue" },
        { WritebackStart.EventName, StartLine, StartLine.Replace("bdi 254:0: ", "", StringComparison.Ordinal), "writeback_written" },
        { WritebackWritten.EventName, WrittenLine, WrittenLine.Replace(" cgroup_ino=1", "", StringComparison.Ordinal), "writeback_start" },
        { WritebackWait.EventName, WrittenLine, WrittenLine.Replace(" kupdate=0", "", StringComparison.Ordinal), "writeback_written" },
        { WritebackPagesWritten.EventName, "1966", "pages=", "writeback_wake_background" },
        { WritebackWakeBackground.EventName, "bdi 254:0: cgroup_ino=1", "bdi 254:0:", "writeback_pages_written" },
    };

    [Theory]
    // capture B: dd-12598 [001] 703.671736 (ftrace; trace-cmd report prints the same text)
    [InlineData("bdi 254:0: limit=4096 setpoint=3584 dirty=3500 wb_setpoint=3583 wb_dirty=3496 dirty_ratelimit=102400 task_ratelimit=103000 dirtied=256 dirtied_pause=32 paused=0 pause=12 period=8 think=-4 cgroup_ino=1")]
    // trace-cmd report -R
    [InlineData("bdi=254:0 limit=4096 setpoint=3584 dirty=3500 wb_setpoint=3583 wb_dirty=3496 dirty_ratelimit=102400 task_ratelimit=103000 dirtied=256 dirtied_pause=32 paused=0 pause=12 period=8 think=-4 cgroup_ino=1")]
    public void BalanceDirtyPages_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(
            new BalanceDirtyPages(Header, "254:0", 4096, 3584, 3500, 3583, 3496, 102400, 103000, 256, 32, 0, 12, 8, -4, 1),
            Decode<BalanceDirtyPages>(payload));

    [Fact]
    public void BalanceDirtyPages_SampleWithoutPause_ReadsZeroPause() =>
        // traces/samples/ftrace-writeback.txt: dd-11807 [001] 662.112249
        Assert.Equal(
            new BalanceDirtyPages(Header, "254:0", 4096, 3584, 3092, 3583, 3092, 102400, 192700, 32, 32, 0, 0, 0, 0, 1),
            Decode<BalanceDirtyPages>("bdi 254:0: limit=4096 setpoint=3584 dirty=3092 wb_setpoint=3583 wb_dirty=3092 dirty_ratelimit=102400 task_ratelimit=192700 dirtied=32 dirtied_pause=32 paused=0 pause=0 period=0 think=0 cgroup_ino=1"));

    [Theory]
    [InlineData("dirty=1195 writeback=0 bg_thresh=2048 thresh=4096 limit=4096 dirtied=2369985 written=2257401")] // capture B: dd-12598 703.668922
    [InlineData("nr_dirty=1195 nr_writeback=0 background_thresh=2048 dirty_thresh=4096 dirty_limit=4096 nr_dirtied=2369985 nr_written=2257401")] // trace-cmd report -R
    public void GlobalDirtyState_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new GlobalDirtyState(Header, 1195, 0, 2048, 4096, 4096, 2369985, 2257401), Decode<GlobalDirtyState>(payload));

    [Theory]
    // capture B2: dd-12863 [001] 722.863762
    [InlineData("bdi 254:0: write_bw=295636 awrite_bw=234092 dirty_rate=409000 dirty_ratelimit=102400 task_ratelimit=197304 balanced_dirty_ratelimit=112924 cgroup_ino=1")]
    [InlineData("bdi=254:0 write_bw=295636 avg_write_bw=234092 dirty_rate=409000 dirty_ratelimit=102400 task_ratelimit=197304 balanced_dirty_ratelimit=112924 cgroup_ino=1")]
    public void BdiDirtyRatelimit_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new BdiDirtyRatelimit(Header, "254:0", 295636, 234092, 409000, 102400, 197304, 112924, 1), Decode<BdiDirtyRatelimit>(payload));

    [Theory]
    [InlineData(ExecLine)] // capture B: sync-12619 [001] 704.017569 (ftrace; trace-cmd report the same)
    [InlineData(ExecRaw)] // trace-cmd report -R
    public void WritebackQueue_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new WritebackQueue(Header, "254:0", long.MaxValue, new DeviceNumber(254, 0), 1, 0, 0, 0, WbReason.Sync, 1), Decode<WritebackQueue>(payload));

    [Theory]
    [InlineData(ExecLine)] // capture B: kworker/u8:2-35 [001] 704.017577
    [InlineData(ExecRaw)]
    public void WritebackExec_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new WritebackExec(Header, "254:0", long.MaxValue, new DeviceNumber(254, 0), 1, 0, 0, 0, WbReason.Sync, 1), Decode<WritebackExec>(payload));

    [Theory]
    [InlineData(StartLine)] // capture B: kworker/u8:2-35 [001] 703.670075
    [InlineData(StartRaw)]
    public void WritebackStart_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new WritebackStart(Header, "254:0", long.MaxValue, default, 0, 0, 1, 1, WbReason.Background, 1), Decode<WritebackStart>(payload));

    [Fact]
    public void WritebackStart_PeriodicPayload_ReadsKupdate() =>
        // capture D: kworker/u8:1-32 [000] 795.886812
        Assert.Equal(
            new WritebackStart(Header, "254:0", 42475, default, 0, 1, 1, 0, WbReason.Periodic, 1),
            Decode<WritebackStart>("bdi 254:0: sb_dev 0:0 nr_pages=42475 sync_mode=0 kupdate=1 range_cyclic=1 background=0 reason=periodic cgroup_ino=1"));

    [Theory]
    [InlineData(WrittenLine)] // capture B: kworker/u8:2-35 [001] 703.675037
    [InlineData("name=254:0 nr_pages=9223372036854773841 sb_dev=0 sync_mode=0 for_kupdate=0 range_cyclic=1 for_background=1 reason=0 cgroup_ino=1")]
    public void WritebackWritten_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new WritebackWritten(Header, "254:0", 9223372036854773841, default, 0, 0, 1, 1, WbReason.Background, 1), Decode<WritebackWritten>(payload));

    [Fact]
    public void WritebackWait_SyntheticPayload_ReadsEveryField() =>
        // synthetic: writeback_wait was not provoked; it shares writeback_work_class and its print fmt with
        // writeback_written, so this is capture B's writeback_written text.
        Assert.Equal(new WritebackWait(Header, "254:0", 9223372036854773841, default, 0, 0, 1, 1, WbReason.Background, 1), Decode<WritebackWait>(WrittenLine));

    [Theory]
    [InlineData("vmscan", WbReason.Vmscan)]
    [InlineData("laptop_timer", WbReason.LaptopTimer)]
    [InlineData("fs_free_space", WbReason.FsFreeSpace)]
    [InlineData("forker_thread", WbReason.ForkerThread)]
    [InlineData("foreign_flush", WbReason.ForeignFlush)]
    [InlineData("7", WbReason.ForeignFlush)]
    public void WritebackQueue_EachReasonName_MapsToWbReason(string printed, WbReason reason) =>
        Assert.Equal(reason, Decode<WritebackQueue>(StartLine.Replace("reason=background", "reason=" + printed, StringComparison.Ordinal)).Reason);

    [Fact]
    public void WritebackQueue_UnknownReason_ReturnsFalse() =>
        Assert.False(TryDecode<WritebackQueue>("writeback", "writeback_queue", StartLine.Replace("reason=background", "reason=bogus", StringComparison.Ordinal), out _));

    [Theory]
    [InlineData("1966")] // capture B: kworker/u8:2-35 [001] 703.675062: writeback_pages_written: 1966
    [InlineData("pages=1966")] // trace-cmd report -R
    public void WritebackPagesWritten_RealPayload_ReadsPages(string payload) =>
        Assert.Equal(new WritebackPagesWritten(Header, 1966), Decode<WritebackPagesWritten>(payload));

    [Theory]
    [InlineData("bdi 254:0: cgroup_ino=1")] // capture B: dd-12598 [001] 703.669876
    [InlineData("name=254:0 cgroup_ino=1")] // trace-cmd report -R
    public void WritebackWakeBackground_RealPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new WritebackWakeBackground(Header, "254:0", 1), Decode<WritebackWakeBackground>(payload));
}
