using System.Text.Json;
using KernelSim.Cli.Commands;

namespace KernelSim.Cli.Tests.Commands;

/// <summary><c>ksim whatif net</c> on a captured service (issue 14) and on a capture it cannot use.</summary>
public class WhatIfNetServiceTests
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

    [Fact]
    public async Task Json_RedisCapture_SaysHowItWasExtracted_AndUsesItsHostsCosts()
    {
        var file = new FileInfo(Path.Combine(RepoRoot, "traces", "net-services", "redis-get-rr-loopback.trace.gz"));
        using var stdout = new MemoryStream();
        int rc = await WhatIfNetCommand.RunAsync(new WhatIfNetOptions { Trace = file, Topology = "veth-bridge", Json = true }, stdout, CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, rc);
        using JsonDocument doc = JsonDocument.Parse(stdout.ToArray());
        JsonElement root = doc.RootElement;
        JsonElement capture = root.GetProperty("capture");
        Assert.Equal("ping-pong", capture.GetProperty("extraction").GetString());
        Assert.Equal(1, capture.GetProperty("flows").GetInt32());
        Assert.Equal("loopback", capture.GetProperty("topology").GetString());
        JsonElement costs = root.GetProperty("costs");
        Assert.StartsWith("manifest", costs.GetProperty("tracing_overhead_source").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(276, costs.GetProperty("tracing_overhead_per_event_ns").GetInt32());
        Assert.StartsWith("the capture's own", costs.GetProperty("vm_stalls").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("latency_ns").GetProperty("p50").GetInt64() > root.GetProperty("baseline").GetProperty("latency_ns").GetProperty("p50").GetInt64());
    }

    [Fact]
    public async Task NoNetEvents_IsExit3_NamingTheMissingEvents()
    {
        var fio = new FileInfo(Path.Combine(RepoRoot, "traces", "fio-seq64k-memcg1G.trace.gz"));
        TextWriter old = Console.Error;
        using var err = new StringWriter();
        Console.SetError(err);
        try
        {
            int rc = await WhatIfNetCommand.RunAsync(new WhatIfNetOptions { Trace = fio, Json = true }, Stream.Null, CancellationToken.None);
            Assert.Equal(ExitCodes.BadInput, rc);
            Assert.Contains("no request/response found; missing events: net:net_dev_queue", err.ToString(), StringComparison.Ordinal);
            Assert.Contains("napi:napi_poll", err.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(old);
        }
    }
}
