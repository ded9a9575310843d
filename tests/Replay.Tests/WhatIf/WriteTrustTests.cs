using KernelSim.Replay.Tests.Formats;
using KernelSim.Replay.WhatIf;
using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Tests.WhatIf;

/// <summary>
/// The trust report of a write what-if: it stays quiet on a capture the model reproduces and speaks up on a
/// capture that was made on a busy machine (traces/trust/dd-1M-noisy-memcg128M: dd under 128M while two
/// CPU-bound python loops and a shell loop writing a file every 10 ms ran beside it).
/// </summary>
public class WriteTrustTests
{
    private static readonly Lazy<WriteReplay> Dd = new(() => WriteReplay.Load(Fixtures.Trace("dd-1M-memcg256M.trace.gz")));
    private static readonly Lazy<WriteReplay> Noisy = new(() => WriteReplay.Load(Path.Combine(Fixtures.RepoRoot, "traces", "trust", "dd-1M-noisy-memcg128M.trace.gz")));

    private static WriteTrust Assess(WriteReplay r)
    {
        var pids = r.Workload.Ops.Select(o => o.Pid).ToHashSet();
        CpuActivity a = CpuActivity.Measure(r.Source, pids);
        return WriteTrust.Assess(r, CaptureConfig.ForTrace(r.Source), a);
    }

    [Fact]
    public void Assess_QuietCaptureTheModelReproduces_Ok()
    {
        WriteTrust t = Assess(Dd.Value);
        Assert.True(t.Ok, string.Join("; ", t.Reasons.Select(x => x.Message)));
        Assert.DoesNotContain(t.Reasons, x => x.Severity == TrustSeverity.Untrusted);
    }

    [Fact]
    public void Assess_CaptureOnABusyMachine_ForeignActivityMakesItUntrusted()
    {
        WriteTrust t = Assess(Noisy.Value);
        Assert.False(t.Ok);
        TrustReason r = Assert.Single(t.Reasons, x => x.Code == "foreign_activity");
        Assert.Equal(TrustSeverity.Untrusted, r.Severity);
    }

    [Fact]
    public void Extract_ForeignProgramsFileCalls_LeftOutOfTheWorkloadAndCounted()
    {
        // The shell loop beside dd wrote a file every 10 ms (sh, and the sleep it runs); the manifest's workload_pid tree is dd alone.
        WriteWorkload w = Noisy.Value.Workload;
        Assert.True(w.Diagnostics.ForeignCalls > 0);
        // The loop's own calls: sh writing the file, the sleep it starts reading its libraries.
        Assert.Matches("^(sh|sleep) ", w.Diagnostics.TopForeignProgram);
        int ddPid = w.Ops[^1].Pid;
        Assert.All(w.Ops, o => Assert.Equal(ddPid, o.Pid));
        Assert.Contains(Assess(Noisy.Value).Reasons, x => x.Code == "foreign_calls" && x.Severity == TrustSeverity.Warning);
    }

    [Fact]
    public void Assess_LostEvents_Untrusted()
    {
        // The same capture with a ring-buffer loss marker in the middle: the workload is incomplete.
        string src = Fixtures.Trace("dd-1M-memcg256M.trace.gz");
        string dir = Directory.CreateTempSubdirectory("ksim-trust-").FullName;
        try
        {
            string path = Path.Combine(dir, "lost.trace");
            string[] lines = ReadAllLines(src);
            int mid = Array.FindIndex(lines, l => l.Contains("sys_write(", StringComparison.Ordinal) && l.Contains("count: 0x100000", StringComparison.Ordinal)) + 200;
            var edited = lines.Take(mid).Append("CPU:1 [LOST 1234 EVENTS]").Concat(lines.Skip(mid));
            File.WriteAllLines(path, edited);
            File.Copy(Path.ChangeExtension(Path.ChangeExtension(src, null), null) + ".manifest.json", Path.Combine(dir, "lost.manifest.json"));
            WriteReplay r = WriteReplay.Load(path);
            WriteTrust t = WriteTrust.Assess(r, CaptureConfig.ForTrace(path));
            Assert.False(t.Ok);
            Assert.Contains(t.Reasons, x => x.Code == "lost_events" && x.Message.Contains("1,234", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Assess_NoManifest_WarnsButStaysOk()
    {
        string src = Fixtures.Trace("dd-1M-memcg256M.trace.gz");
        string dir = Directory.CreateTempSubdirectory("ksim-trust-").FullName;
        try
        {
            string path = Path.Combine(dir, "bare.trace");
            File.WriteAllLines(path, ReadAllLines(src));
            WriteReplay r = WriteReplay.Load(path);
            WriteTrust t = WriteTrust.Assess(r, CaptureConfig.ForTrace(path) with { LimitBytes = 256L << 20 });
            Assert.Contains(t.Reasons, x => x.Code == "no_manifest" && x.Severity == TrustSeverity.Warning);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Assess_ManifestWithoutSyscallProbe_Warns_WithOneTheHostsFiguresAreUsed()
    {
        Assert.Contains(Assess(Dd.Value).Reasons, x => x.Code == "no_syscall_probe" && x.Severity == TrustSeverity.Warning);

        // The same capture with the kit's syscall probe in its manifest: read, applied, no warning; values out of range are ignored.
        string src = Fixtures.Trace("dd-1M-memcg256M.trace.gz");
        string dir = Directory.CreateTempSubdirectory("ksim-trust-").FullName;
        try
        {
            string path = Path.Combine(dir, "probed.trace.gz");
            File.Copy(src, path);
            string manifest = File.ReadAllText(Path.ChangeExtension(Path.ChangeExtension(src, null), null) + ".manifest.json");
            var doc = System.Text.Json.Nodes.JsonNode.Parse(manifest)!.AsObject();
            doc["host"]!.AsObject()["syscall"] = new System.Text.Json.Nodes.JsonObject { ["crossing_ns"] = 1316, ["tracing_ns_per_event"] = 248 };
            File.WriteAllText(Path.Combine(dir, "probed.manifest.json"), doc.ToJsonString());
            CaptureConfig c = CaptureConfig.ForTrace(path);
            Assert.Equal(1316, c.SyscallCrossingNs);
            Assert.Equal(248, c.TracingNsPerEvent);
            Assert.Equal(1316, c.WithHostFacts(new KernelSim.Models.Memcg.WritePathCosts()).SyscallCrossing.TotalNanoseconds);
            WriteReplay r = WriteReplay.Load(path);
            Assert.DoesNotContain(WriteTrust.Assess(r, c).Reasons, x => x.Code == "no_syscall_probe");

            doc["host"]!.AsObject()["syscall"] = new System.Text.Json.Nodes.JsonObject { ["crossing_ns"] = -5, ["tracing_ns_per_event"] = 1e12 };
            File.WriteAllText(Path.Combine(dir, "probed.manifest.json"), doc.ToJsonString());
            CaptureConfig bad = CaptureConfig.ForTrace(path);
            Assert.Null(bad.SyscallCrossingNs);
            Assert.Null(bad.TracingNsPerEvent);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Assess_SameInput_SameReasons()
    {
        WriteTrust a = Assess(Noisy.Value);
        WriteTrust b = Assess(Noisy.Value);
        Assert.Equal(a.Reasons, b.Reasons);
    }

    private static string[] ReadAllLines(string gz)
    {
        using var f = File.OpenRead(gz);
        using var z = new System.IO.Compression.GZipStream(f, System.IO.Compression.CompressionMode.Decompress);
        using var s = new StreamReader(z);
        var list = new List<string>();
        while (s.ReadLine() is string l)
        {
            list.Add(l);
        }

        return list.ToArray();
    }
}
