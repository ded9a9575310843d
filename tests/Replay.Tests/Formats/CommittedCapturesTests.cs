using KernelSim.Replay.Capture;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Tests.Formats;

/// <summary>
/// The committed captures (traces/*.trace.gz, made by traces/capture/make-fixtures) read strictly,
/// agree with what the capture kit counted independently (awk over the same text), and every event
/// with a typed record decodes into it.
/// </summary>
public class CommittedCapturesTests
{
    public static TheoryData<string> Captures()
    {
        var d = new TheoryData<string>();
        foreach (string f in CaptureManifest.FindCaptures(Path.Combine(Fixtures.RepoRoot, "traces")))
        {
            d.Add(Path.GetFileName(f));
        }

        return d;
    }

    [Fact]
    public void Captures_TheIssueListIsCommitted()
    {
        string[] names = CaptureManifest.FindCaptures(Path.Combine(Fixtures.RepoRoot, "traces")).Select(Path.GetFileName).ToArray()!;
        Assert.Contains("fio-seq64k-memcg128M.trace.gz", names);
        Assert.Contains("fio-seq64k-memcg1G.trace.gz", names);
        Assert.Contains("fio-seq64k-dirtybytes32M.trace.gz", names);
        Assert.Contains("veth-udp-pingpong64.trace.gz", names);
        Assert.Contains("pidns-signals.trace.gz", names);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Read_Capture_StrictAndAgreesWithTheKitsCount(string name)
    {
        string path = Fixtures.Trace(name);
        using CaptureManifest manifest = CaptureManifest.TryLoadFor(path) ?? throw new InvalidOperationException("no manifest beside " + name);
        using TraceReader r = TraceReader.Open(path, manifest.ApplyTo(TraceReaderOptions.Default));
        long events = 0;
        while (r.Read())
        {
            events++;
        }

        Assert.Equal(0, r.Diagnostics.MalformedLines);
        Assert.False(r.Diagnostics.TruncatedLastLine);
        Assert.Equal(manifest.GetInt64("trace.event_lines"), events + r.Diagnostics.LostEventMarkers);
        Assert.Equal(manifest.GetInt64("host.cpus"), r.Diagnostics.HeaderCpuCount);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Decode_EveryTypedEventInACapture_DecodesToItsRecord(string name)
    {
        string path = Fixtures.Trace(name);
        using TraceReader r = TraceReader.Open(path);
        var failures = new Dictionary<string, (int Count, string Example)>();
        long typed = 0;
        while (r.Read())
        {
            string full = r.EventTypes[r.Current.TypeId];
            if (!TraceEvents.IsTyped(full))
            {
                continue;
            }

            typed++;
            if (TraceEvents.Decode(r.Current) is GenericEvent g)
            {
                failures[full] = (failures.GetValueOrDefault(full).Count + 1, g.Payload);
            }
        }

        Assert.True(typed > 0, "no typed events in " + name);
        Assert.True(failures.Count == 0, string.Join("; ", failures.Select(f => $"{f.Key} x{f.Value.Count}: '{f.Value.Example}'")));
    }
}
