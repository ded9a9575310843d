using System.Text;
using System.Text.Json;
using KernelSim.Cli.Commands;

namespace KernelSim.Cli.Tests.Commands;

public class WhatIfCommandsTests
{
    private static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Sim.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir!;
        }
    }

    private static FileInfo Trace(string name) => new(Path.Combine(RepoRoot, "traces", name));

    [Fact]
    public async Task WhatIfMemory_Json_HasLatencyNsAndBreakdown()
    {
        var ms = new MemoryStream();
        int rc = await WhatIfMemoryCommand.RunAsync(new WhatIfMemoryOptions { Trace = Trace("fio-seq64k-memcg1G.trace.gz"), MemoryLimit = "256M", Json = true }, ms, CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, rc);
        JsonElement root = JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray())).RootElement;
        JsonElement lat = root.GetProperty("latency_ns");
        long[] values = new[] { "p50", "p90", "p99", "p999", "max" }.Select(k => lat.GetProperty(k).GetInt64()).ToArray();
        Assert.True(values.Zip(values.Skip(1)).All(t => t.First <= t.Second), "percentiles are ordered");
        Assert.True(lat.GetProperty("mean").GetInt64() > 0);
        Assert.Equal(8192, root.GetProperty("count").GetInt32());
        Assert.Equal(256L << 20, root.GetProperty("proposal").GetProperty("limit_bytes").GetInt64());
        Assert.Equal(1L << 30, root.GetProperty("capture").GetProperty("limit_bytes").GetInt64());
        Assert.True(root.GetProperty("breakdown_ns").GetProperty("reclaim").GetInt64() > 0);
        Assert.True(root.GetProperty("reclaim_episodes").GetInt64() > 0);
    }

    [Fact]
    public async Task WhatIfMemory_BadLimit_UsageExitCode()
    {
        int rc = await WhatIfMemoryCommand.RunAsync(new WhatIfMemoryOptions { Trace = Trace("fio-seq64k-memcg1G.trace.gz"), MemoryLimit = "lots", Json = true }, new MemoryStream(), CancellationToken.None);
        Assert.Equal(ExitCodes.Usage, rc);
    }

    [Fact]
    public async Task WhatIfMemory_TraceWithoutWrites_BadInputWithReason()
    {
        int rc = await WhatIfMemoryCommand.RunAsync(new WhatIfMemoryOptions { Trace = new FileInfo(Path.Combine(RepoRoot, "traces", "samples", "ftrace-signal.txt")), MemoryLimit = "128M", Json = true }, new MemoryStream(), CancellationToken.None);
        Assert.Equal(ExitCodes.BadInput, rc);
    }

    [Fact]
    public async Task SweepMemory_PlotWritesAPng_AndJsonHasOneObjectPerLimit()
    {
        string png = Path.Combine(Path.GetTempPath(), $"ksim-sweep-{Environment.ProcessId}.png");
        try
        {
            var ms = new MemoryStream();
            int rc = await SweepMemoryCommand.RunAsync(new SweepMemoryOptions { Trace = Trace("fio-seq64k-memcg1G.trace.gz"), MemoryLimits = "128M,512M,max", Plot = new FileInfo(png), Json = true }, ms, CancellationToken.None);
            Assert.Equal(ExitCodes.Ok, rc);
            JsonElement arr = JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray())).RootElement;
            Assert.Equal(3, arr.GetArrayLength());
            Assert.Equal(JsonValueKind.Null, arr[2].GetProperty("proposal").GetProperty("limit_bytes").ValueKind);
            byte[] head = File.ReadAllBytes(png)[..8];
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, head);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public async Task SweepMemory_GroundTruthOnThePlot_WorkloadFromTheName_AndAClearErrorWithoutOne()
    {
        string png = Path.Combine(Path.GetTempPath(), $"ksim-sweep-gt-{Environment.ProcessId}.png");
        var csv = new FileInfo(Path.Combine(RepoRoot, "traces", "groundtruth", "write-latency.csv"));
        try
        {
            int rc = await SweepMemoryCommand.RunAsync(new SweepMemoryOptions { Trace = Trace("fio-seq64k-memcg1G.trace.gz"), MemoryLimits = "128M,1G", Plot = new FileInfo(png), Json = true, GroundTruth = csv }, new MemoryStream(), CancellationToken.None);
            Assert.Equal(ExitCodes.Ok, rc);
            Assert.True(new FileInfo(png).Length > 1000);
            int bad = await SweepMemoryCommand.RunAsync(new SweepMemoryOptions { Trace = Trace("fio-seq64k-memcg1G.trace.gz"), MemoryLimits = "128M", Plot = new FileInfo(png), Json = true, GroundTruth = csv, Workload = "no-such-workload" }, new MemoryStream(), CancellationToken.None);
            Assert.Equal(ExitCodes.BadInput, bad);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public async Task Check_Json_ModelsMemcgHasComparedAndAgreed()
    {
        var ms = new MemoryStream();
        int rc = await CheckCommand.RunAsync(new CheckOptions { Trace = Trace("fio-seq64k-memcg128M.trace.gz"), Json = true }, ms, CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, rc);
        JsonElement memcg = JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray())).RootElement.GetProperty("models").GetProperty("memcg");
        Assert.True(memcg.GetProperty("compared").GetInt64() >= memcg.GetProperty("agreed").GetInt64());
        Assert.True(memcg.GetProperty("agreed").GetInt64() >= 1);
        Assert.Equal(JsonValueKind.Array, memcg.GetProperty("mismatches").ValueKind);
    }
}
