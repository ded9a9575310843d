using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Formats;

public class FtraceTextTests
{
    private const string Header = """
        # tracer: nop
        #
        # entries-in-buffer/entries-written: 5/9   #P:2
        #
        #           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
        #              | |         |   |||||     |         |

        """;

    [Fact]
    public void Read_IrqInfoLine_AllColumns()
    {
        List<RawEventRecord> e = Fixtures.ReadAll(Header + "           mandb-2244    [000] d..2.    91.516534: sched_switch: prev_comm=mandb prev_pid=2244 prev_prio=120 prev_state=D ==> next_comm=swapper/0 next_pid=0 next_prio=120\n");
        RawEventRecord r = Assert.Single(e);
        Assert.Equal(("mandb", 2244, -1, 0, "d..2."), (r.Comm, r.Pid, r.Tgid, r.Cpu, r.Flags));
        Assert.Equal(91_516_534_000L, r.Timestamp.TotalNanoseconds);
        Assert.Equal("sched:sched_switch", r.FullName);
        Assert.StartsWith("prev_comm=mandb", r.Payload, StringComparison.Ordinal);
        Assert.Equal(7, r.Line);
    }

    [Theory]
    [InlineData("   my worker-1/x-9447    [001] .....   554.439507: sys_write -> 0xd", "my worker-1/x", 9447)]
    [InlineData(" kworker/u8:2-events_unbound-123 [001] .....   1.000001: sched_wakeup: comm=a pid=1 prio=120 target_cpu=001", "kworker/u8:2-events_unbound", 123)]
    [InlineData("           <...>-77      [000] .....     2.5: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000", "<...>", 77)]
    [InlineData("          <idle>-0       [001] dNh2.    91.517798: sched_wakeup: comm=mandb pid=2244 prio=120 target_cpu=000", "<idle>", 0)]
    [InlineData("a [b]-c-5 [001] ..... 3.000000: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000", "a [b]-c", 5)]
    public void Read_OddComms_SplitAtTheLastDashBeforeTheCpu(string line, string comm, int pid)
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll(line + "\n"));
        Assert.Equal(comm, r.Comm);
        Assert.Equal(pid, r.Pid);
    }

    [Fact]
    public void Read_RecordTgid_TgidColumn()
    {
        List<RawEventRecord> e = Fixtures.ReadAll(
            "            bash-2250    (   2249) [001] .....    91.516306: sys_write(fd: 1, buf: 0x5565f5b82e30, count: 2)\n" +
            "          <idle>-0       (-------) [000] d..2.    91.517586: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=mandb next_pid=2244 next_prio=120\n");
        Assert.Equal([2249, -1], e.Select(x => x.Tgid));
        Assert.Equal([2250, 0], e.Select(x => x.Pid));
    }

    [Fact]
    public void Read_NoIrqInfo_NoFlags()
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll("            bash-2250    [001]    91.516306: sched_wakeup: comm=a pid=1 prio=120 target_cpu=001\n"));
        Assert.Equal(string.Empty, r.Flags);
        Assert.Equal(91_516_306_000L, r.Timestamp.TotalNanoseconds);
    }

    [Fact]
    public void Read_SyscallEnterAndExit_NormalisedToTracepointNames()
    {
        List<RawEventRecord> e = Fixtures.ReadAll(
            "              dd-3578    [001] .....   285.887737: sys_write(fd: 1, buf: 0x55c1805a4000, count: 0x64)\n" +
            "              dd-3578    [001] .....   285.887738: sys_write -> 0x64\n" +
            "              dd-3578    [001] .....   285.887739: sys_enter: NR 1 (1, 55c1805a4000, 64, 0, 0, 0)\n");
        Assert.Equal(["syscalls:sys_enter_write", "syscalls:sys_exit_write", "raw_syscalls:sys_enter"], e.Select(x => x.FullName));
        Assert.Equal("fd: 1, buf: 0x55c1805a4000, count: 0x64", e[0].Payload);
        Assert.Equal("0x64", e[1].Payload);
    }

    [Fact]
    public void Read_MarkersAndHeader_CountedNotEvents()
    {
        using TraceReader r = TraceReader.FromStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Header +
            "##### CPU 1 buffer started ####\n" +
            "            bash-2250    [001] .....    91.516306: sched_wakeup: comm=a pid=1 prio=120 target_cpu=001\n" +
            "CPU:0 [LOST 123 EVENTS]\n" +
            "CPU:1 [LOST 7 EVENTS]\n" +
            "            bash-2250    [001] .....    91.516307: sched_wakeup: comm=a pid=1 prio=120 target_cpu=001\n")), "t");
        List<RawEventRecord> e = Fixtures.ReadAll(r);
        Assert.Equal(2, e.Count);
        Assert.Equal(130, r.Diagnostics.LostEvents);
        Assert.Equal(2, r.Diagnostics.LostEventMarkers);
        Assert.Equal(1, r.Diagnostics.BufferStartedMarkers);
        Assert.Equal(2, r.Diagnostics.HeaderCpuCount);
        Assert.Equal(4, r.Diagnostics.OverwrittenEntries);
        Assert.Equal(TraceFormat.FtraceText, r.Format);
    }

    [Fact]
    public void Read_TraceMarker_IsFtracePrint()
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll("            bash-9606    [000] .....   559.785156: tracing_mark_write: ksim start\n"));
        Assert.Equal("ftrace:print", r.FullName);
        Assert.Equal("ksim start", r.Payload);
    }

    [Fact]
    public void Read_UnknownEvent_KeptWithBareName()
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll("            bash-1    [000] .....   1.000000: my_custom_probe: x=1 y=two\n"));
        Assert.Equal("my_custom_probe", r.FullName);
        Assert.Equal("x=1 y=two", r.Payload);
    }

    [Theory]
    [InlineData(TraceClock.Uptime, 100, 53805L * 10_000_000)]
    [InlineData(TraceClock.Counter, 100, 53805L)]
    [InlineData(TraceClock.Auto, 100, 53805L)]
    public void Read_IntegerTimestamps_ConvertedPerClock(TraceClock clock, int userHz, long expectedNs)
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll("            bash-1    [000] .....   53805: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000\n", new TraceReaderOptions { Clock = clock, UserHz = userHz }));
        Assert.Equal(expectedNs, r.Timestamp.TotalNanoseconds);
    }

    [Fact]
    public void Read_TscClock_UsesFrequency()
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll("            bash-1    [000] .....   3000000000: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000\n", new TraceReaderOptions { Clock = TraceClock.X86Tsc, TscTicksPerSecond = 3_000_000_000 }));
        Assert.Equal(1_000_000_000L, r.Timestamp.TotalNanoseconds);
    }

    [Fact]
    public void Read_NanosecondTimestamps_NineDigits()
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll("            bash-1    [000] .....   559.785155591: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000\n"));
        Assert.Equal(559_785_155_591L, r.Timestamp.TotalNanoseconds);
    }

    [Fact]
    public void Read_OutOfOrderOnACpu_Counted()
    {
        using TraceReader r = TraceReader.FromStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            "  a-1 [000] ..... 2.000000: x: \n  a-1 [000] ..... 1.000000: x: \n  a-1 [001] ..... 1.500000: x: \n")), "t");
        Assert.Equal(3, Fixtures.ReadAll(r).Count);
        Assert.Equal(1, r.Diagnostics.OutOfOrderEvents);
        Assert.Equal(2, r.CpusSeen);
    }

    [Fact]
    public void Read_CrLfLineEndings_Accepted()
    {
        RawEventRecord r = Assert.Single(Fixtures.ReadAll("  a-1 [000] ..... 2.000000: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000\r\n"));
        Assert.EndsWith("target_cpu=000", r.Payload, StringComparison.Ordinal);
    }
}
