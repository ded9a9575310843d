using System.Text;
using System.Text.Json;
using KernelSim.Cli.Commands;

namespace KernelSim.Cli.Tests.Commands;

public class WhatIfStopCommandTests
{
    private static FileInfo Scenario()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Sim.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return new FileInfo(Path.Combine(dir!, "traces", "stop", "shell-pid1.json"));
    }

    [Fact]
    public async Task WhatIfStop_ShellPid1_BaselineNeedsKill_HandlerProposalStopsIn200ms()
    {
        var ms = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, await WhatIfStopCommand.RunAsync(new WhatIfStopOptions { Scenario = Scenario(), Pid1HandlesTermMs = 200, Json = true }, ms));
        JsonElement root = JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray())).RootElement;
        Assert.True(root.GetProperty("baseline").GetProperty("needed_kill").GetBoolean());
        Assert.Equal(10_000_000_000L, root.GetProperty("baseline").GetProperty("time_to_stop_ns").GetInt64());
        Assert.False(root.GetProperty("proposed").GetProperty("needed_kill").GetBoolean());
        Assert.Equal(200_000_000L, root.GetProperty("proposed").GetProperty("time_to_stop_ns").GetInt64());
    }

    [Theory]
    [InlineData("10s", 10_000_000_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("30", 30_000_000_000L)]
    public void ParseDuration_SecondsOrMilliseconds(string text, long ns) =>
        Assert.Equal(ns, WhatIfStopCommand.ParseDuration(text).TotalNanoseconds);

    [Fact]
    public async Task WhatIfStop_Json_SignalNamesAndPerProcessEnd()
    {
        var ms = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, await WhatIfStopCommand.RunAsync(new WhatIfStopOptions { Scenario = Scenario(), Json = true }, ms));
        JsonElement baseline = JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray())).RootElement.GetProperty("baseline");
        Assert.Equal("SIGTERM", baseline.GetProperty("signal").GetString());
        Dictionary<string, JsonElement> procs = baseline.GetProperty("processes").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal("grace_sigkill", procs["sh"].GetProperty("ended_by").GetString());
        Assert.Equal("ignored", procs["sh"].GetProperty("stop_signal").GetString());
        Assert.Equal("teardown_sigkill", procs["app"].GetProperty("ended_by").GetString());
        Assert.Equal("SIGKILL", procs["app"].GetProperty("exit_signal").GetString());
        Assert.DoesNotContain(baseline.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("what").GetString()!.Contains("signal ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhatIfStop_UnknownInit_UsageError() =>
        Assert.Equal(ExitCodes.Usage, await WhatIfStopCommand.RunAsync(new WhatIfStopOptions { Scenario = Scenario(), Init = "systemd", Json = true }, new MemoryStream()));
}

public class WhatIfStopYamlTests
{
    [Fact]
    public async Task WhatIfStop_Yaml_ShorterGraceThanTheDrain_NeedsKill()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Sim.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        var ms = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, await WhatIfStopCommand.RunAsync(new WhatIfStopOptions { Scenario = new FileInfo(Path.Combine(dir!, "traces", "stop", "tini-app.yaml")), Grace = "1s", Json = true }, ms));
        JsonElement root = JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray())).RootElement;
        Assert.Equal(2_000_000_000L, root.GetProperty("baseline").GetProperty("time_to_stop_ns").GetInt64());
        Assert.False(root.GetProperty("baseline").GetProperty("needed_kill").GetBoolean());
        Assert.True(root.GetProperty("proposed").GetProperty("needed_kill").GetBoolean());
        Assert.Equal("SIGKILL", root.GetProperty("proposed").GetProperty("exit_signals").GetProperty("app").GetString());
    }

    [Fact]
    public async Task WhatIfStop_BadYaml_BadInputWithLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ksim-bad-{Environment.ProcessId}.yaml");
        await File.WriteAllTextAsync(path, "processes:\n  - name: [unclosed\n");
        try
        {
            Assert.Equal(ExitCodes.BadInput, await WhatIfStopCommand.RunAsync(new WhatIfStopOptions { Scenario = new FileInfo(path), Json = true }, new MemoryStream()));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
