using System.Reflection;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// The decoder table as a whole: every record is registered, every registered name is a real tracepoint of the host
/// (has a tracefs format file in traces/formats), and the reader plus <see cref="TraceEvents.Decode"/> turn real
/// captures into typed records in every text form. Fixtures: Fixtures/ksimev-first-of-each.*.txt, see CAPTURES.md.
/// </summary>
public class EventCatalogTests
{
    /// <summary>Typed events the host could not be made to emit, and sched_switch, which the fixtures did not enable.</summary>
    private static readonly string[] NotInFixtures = ["sched:sched_switch", "vmscan:mm_vmscan_write_folio", "writeback:writeback_wait"];

    public static TheoryData<string> TypedNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in TraceEvents.TypedEventNames.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TypedNames))]
    public void TypedEventNames_EachName_HasTracefsFormatFile(string fullName)
    {
        (string system, string name) = EventTestKit.Split(fullName);
        string path = Path.Combine(RepoPaths.FormatsDirectory(), system, name + ".format");
        Assert.True(File.Exists(path), $"{fullName}: no {path}");
        Assert.Contains("name: " + name + "\n", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void TypedEventNames_EveryRecordType_IsRegistered()
    {
        Type open = typeof(ITraceEvent<>);
        var names = typeof(TraceEvents).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == open))
            .Select(t => (string)t.GetProperty(nameof(SchedSwitch.EventName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(58, names.Count);
        Assert.Equal(names, TraceEvents.TypedEventNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Decode_BareNameWithoutSubsystem_UsesTypedDecoder()
    {
        // ftrace text names events without their subsystem; a reader without the available_events map leaves
        // System empty. samples/trace-cmd-report-raw.txt 559.806556:
        var record = new KernelSim.Tracing.RawEventRecord(
            KernelSim.Time.SimTime.FromNanoseconds(559_806_556_000), 0, 35, -1, "kworker/u8:2", "", "sched_wakeup", "comm=python3 pid=9611 prio=120 target_cpu=000", "", 1, 0);

        ITraceEvent e = TraceEvents.Decode(record.AsRawEvent());

        Assert.Equal(new SchedWakeup(new EventHeader(record.Timestamp, 0, 35, -1, "kworker/u8:2"), "python3", 9611, 120, 0), e);
    }

    [Fact]
    public void Decode_TypedNameWithUnreadablePayload_KeepsGenericEvent()
    {
        ITraceEvent e = TraceEvents.Decode(EventTestKit.Record("sched", "sched_wakeup", "comm=python3 pid=x").AsRawEvent());

        GenericEvent g = Assert.IsType<GenericEvent>(e);
        Assert.Equal("sched:sched_wakeup", g.FullName);
        Assert.Equal("comm=python3 pid=x", g.Payload);
    }

    [Theory]
    [InlineData("ksimev-first-of-each.ftrace.txt", TraceFormat.FtraceText)]
    // trace-cmd text is named explicitly: auto-detection reads it as ftrace text (see CAPTURES.md, reader notes).
    [InlineData("ksimev-first-of-each.trace-cmd.txt", TraceFormat.TraceCmdReport)]
    [InlineData("ksimev-first-of-each.trace-cmd-raw.txt", TraceFormat.TraceCmdReport)]
    public void Decode_RealCaptureThroughReader_EveryEventTyped(string fixture, TraceFormat format)
    {
        List<ITraceEvent> events = ReadAll(fixture, format);

        Assert.All(events, e => Assert.IsNotType<GenericEvent>(e));
        var decoded = events.Select(e => NameOf(e.GetType())).ToHashSet(StringComparer.Ordinal);
        var expected = TraceEvents.TypedEventNames.Except(NotInFixtures).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), decoded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Decode_TraceCmdReportAndRawForms_GiveEqualRecords()
    {
        List<ITraceEvent> report = ReadAll("ksimev-first-of-each.trace-cmd.txt", TraceFormat.TraceCmdReport);
        List<ITraceEvent> raw = ReadAll("ksimev-first-of-each.trace-cmd-raw.txt", TraceFormat.TraceCmdReport);

        Assert.Equal(report.Count, raw.Count);
        for (int i = 0; i < report.Count; i++)
        {
            ITraceEvent fromRaw = raw[i] switch
            {
                // zid is not in TP_printk, so only the -R text has it.
                MmVmscanKswapdWake k => k with { Zid = null },
                MmVmscanWakeupKswapd k => k with { Zid = null },
                var other => other,
            };
            Assert.Equal(report[i], fromRaw);
        }
    }

    [Fact]
    public void Decode_FtraceAndTraceCmdForms_GiveEqualRecordsExceptHashedPointers()
    {
        Dictionary<(long, int, Type), ITraceEvent> ftrace = ReadAll("ksimev-first-of-each.ftrace.txt", TraceFormat.FtraceText)
            .ToDictionary(e => (e.Header.Timestamp.TotalNanoseconds, e.Header.Cpu, e.GetType()));
        int compared = 0;
        foreach (ITraceEvent e in ReadAll("ksimev-first-of-each.trace-cmd.txt", TraceFormat.TraceCmdReport))
        {
            // ftrace hashes %p (skbaddr, napi); trace-cmd prints the address.
            if (e is NetDevQueue or NetDevStartXmit or NetDevXmit or NetifRx or NetifRxEntry or NetifReceiveSkb or NapiPoll
                || !ftrace.TryGetValue((e.Header.Timestamp.TotalNanoseconds, e.Header.Cpu, e.GetType()), out ITraceEvent? f))
            {
                continue;
            }

            Assert.Equal(f, e);
            compared++;
        }

        Assert.True(compared > 40, $"only {compared} events matched between the two forms");
    }

    private static List<ITraceEvent> ReadAll(string fixture, TraceFormat format)
    {
        var events = new List<ITraceEvent>();
        using TraceReader reader = TraceReader.Open(RepoPaths.Fixture(fixture), new TraceReaderOptions { Format = format });
        while (reader.Read())
        {
            events.Add(TraceEvents.Decode(reader.Current));
        }

        Assert.NotEmpty(events);
        return events;
    }

    private static string NameOf(Type t) =>
        (string)t.GetProperty(nameof(SchedSwitch.EventName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
