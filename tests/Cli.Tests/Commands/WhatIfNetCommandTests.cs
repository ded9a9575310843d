using System.Text.Json;
using KernelSim.Cli.Commands;

namespace KernelSim.Cli.Tests.Commands;

public class WhatIfNetCommandTests
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

    private static FileInfo Capture(string name) => new(Path.Combine(RepoRoot, "traces", name));

    private static async Task<(int Rc, string Out)> Run(FileInfo? file, string? topology = null, int? budget = null, int? weight = null, int? backlog = null, string? load = null, int? size = null)
    {
        using var stdout = new MemoryStream();
        int rc = await WhatIfNetCommand.RunAsync(new WhatIfNetOptions { Trace = file, Topology = topology, NetdevBudget = budget, DevWeight = weight, Backlog = backlog, Load = load, MessageBytes = size, Json = true }, stdout, CancellationToken.None);
        return (rc, System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Json_HasTheLatencyObjectInIntegerNanoseconds_CountAndProposal()
    {
        (int rc, string text) = await Run(Capture("net-loopback-udp64-pinned.trace.gz"), topology: "veth-bridge", weight: 32, load: "max", size: 1400);
        Assert.Equal(ExitCodes.Ok, rc);
        using JsonDocument doc = JsonDocument.Parse(text);
        JsonElement root = doc.RootElement;
        JsonElement lat = root.GetProperty("latency_ns");
        foreach (string k in new[] { "p50", "p90", "p99", "p999", "max", "mean" })
        {
            Assert.True(lat.GetProperty(k).TryGetInt64(out long v) && v > 0, k);
        }

        Assert.True(lat.GetProperty("p50").GetInt64() <= lat.GetProperty("p99").GetInt64());
        Assert.Equal(1410, root.GetProperty("count").GetInt32());
        JsonElement p = root.GetProperty("proposal");
        Assert.Equal("veth-bridge", p.GetProperty("topology").GetString());
        Assert.Equal(32, p.GetProperty("dev_weight").GetInt32());
        Assert.Equal(1400, p.GetProperty("msg_size").GetInt32());
        Assert.Equal("max", p.GetProperty("load_pps").GetString());
        Assert.Equal("loopback", root.GetProperty("capture").GetProperty("topology").GetString());
        Assert.Equal(276, root.GetProperty("costs").GetProperty("tracing_overhead_per_event_ns").GetInt32());
        Assert.True(root.GetProperty("baseline").GetProperty("latency_ns").GetProperty("p50").GetInt64() > 0);
    }

    [Fact]
    public async Task VethGroAndRps_AreInTheProposal_AndCheckedForTheirValues()
    {
        FileInfo veth = Capture("net-veth-udp64-pinned.trace.gz");
        using var stdout = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, await WhatIfNetCommand.RunAsync(new WhatIfNetOptions { Trace = veth, Json = true, VethGro = "off", Rps = true }, stdout, CancellationToken.None));
        using JsonDocument doc = JsonDocument.Parse(stdout.ToArray());
        JsonElement p = doc.RootElement.GetProperty("proposal");
        Assert.True(!p.GetProperty("veth_gro").GetBoolean() && p.GetProperty("rps").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("rps_ipis").GetInt64() > 0);
        Assert.Equal(ExitCodes.Usage, await WhatIfNetCommand.RunAsync(new WhatIfNetOptions { Trace = veth, Json = true, VethGro = "on", Rps = true }, Stream.Null, CancellationToken.None));
        Assert.Equal(ExitCodes.Usage, await WhatIfNetCommand.RunAsync(new WhatIfNetOptions { Trace = veth, Json = true, VethGro = "maybe" }, Stream.Null, CancellationToken.None));
        Assert.Equal(ExitCodes.Usage, await WhatIfNetCommand.RunAsync(new WhatIfNetOptions { Trace = Capture("net-loopback-udp64-pinned.trace.gz"), Json = true, Rps = true }, Stream.Null, CancellationToken.None));
    }

    [Fact]
    public async Task ExitCodes_AreTheHouseOnes()
    {
        Assert.Equal(ExitCodes.NoInput, (await Run(Capture("no-such.trace.gz"))).Rc);
        Assert.Equal(ExitCodes.Usage, (await Run(Capture("net-veth-udp64-pinned.trace.gz"), load: "lots")).Rc);
        Assert.Equal(ExitCodes.Usage, (await Run(Capture("net-veth-udp64-pinned.trace.gz"), topology: "wifi")).Rc);
        Assert.Equal(ExitCodes.Usage, (await Run(Capture("net-veth-udp64-pinned.trace.gz"), budget: 0)).Rc);
        Assert.Equal(ExitCodes.BadInput, (await Run(Capture("fio-seq64k-memcg1G.trace.gz"))).Rc);
    }

    [Fact]
    public async Task Check_Json_NetCapture_ReportsTheNetModel()
    {
        using var stdout = new MemoryStream();
        int rc = await CheckCommand.RunAsync(new CheckOptions { Trace = Capture("net-veth-bridge-udp64-pinned.trace.gz"), Json = true }, stdout, CancellationToken.None);
        Assert.Equal(0, rc);
        using JsonDocument doc = JsonDocument.Parse(stdout.ToArray());
        JsonElement net = doc.RootElement.GetProperty("models").GetProperty("net");
        Assert.Equal(5, net.GetProperty("compared").GetInt64());
        Assert.Equal(5, net.GetProperty("agreed").GetInt64());
        Assert.True(net.GetProperty("napi_poll_work2_budget64_model").GetDouble() > 2800);
    }

    [Fact]
    public async Task Validate_Json_HasTheNetTable()
    {
        using var stdout = new MemoryStream();
        var traces = new DirectoryInfo(Path.Combine(RepoRoot, "traces"));
        int rc = await ValidateCommand.RunAsync(new ValidateOptions { Traces = traces, GroundTruth = new FileInfo(Path.Combine(traces.FullName, "groundtruth", "write-latency.csv")), NetGroundTruth = new FileInfo(Path.Combine(traces.FullName, "groundtruth", "net-latency.csv")), Json = true }, stdout, CancellationToken.None);
        Assert.Equal(0, rc);
        using JsonDocument doc = JsonDocument.Parse(stdout.ToArray());
        JsonElement net = doc.RootElement.GetProperty("net");
        Assert.Equal(144, net.GetProperty("points").GetInt32());
        Assert.True(net.GetProperty("inside").GetInt32() >= 125); // 125 of 144 when committed (README: the misses and why)
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("topology,msg_size\nveth,64\n", "no column 'pinned'")]
    [InlineData("topology,msg_size,pinned,load,p50_ns,p99_ns\nveth,64,1,idle,11000\n", "line 2: 5 fields, the header has 6")]
    [InlineData("topology,msg_size,pinned,load,p50_ns,p99_ns\nveth,64,1,idle,11000,1.5e4\n", "line 2: column 'p99_ns' is '1.5e4'")]
    public async Task Validate_BadNetGroundTruth_IsExit3WithFileAndLine(string csv, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ksim-bad-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        TextWriter old = Console.Error;
        using var err = new StringWriter();
        Console.SetError(err);
        try
        {
            // no captures (nothing to predict), so the ground truth is all that is read
            DirectoryInfo traces = Directory.CreateTempSubdirectory("ksim-empty-traces");
            int rc = await ValidateCommand.RunAsync(new ValidateOptions { Traces = traces, GroundTruth = new FileInfo(Path.Combine(RepoRoot, "traces", "groundtruth", "write-latency.csv")), NetGroundTruth = new FileInfo(path), Json = true }, Stream.Null, CancellationToken.None);
            traces.Delete();
            Assert.Equal(3, rc);
            Assert.Contains(path, err.ToString());
            Assert.Contains(expected, err.ToString());
        }
        finally
        {
            Console.SetError(old);
            File.Delete(path);
        }
    }
}
