using System.Text.Json;
using KernelSim.Cli.Commands;

namespace KernelSim.Cli.Tests.Commands;

public class CheckCommandTests
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
    public async Task Check_Json_SignalTrace_ReportsTheSignalsModel()
    {
        var file = new FileInfo(Path.Combine(RepoRoot, "traces", "pidns-signals.trace.gz"));
        using var stdout = new MemoryStream();
        int rc = await CheckCommand.RunAsync(new CheckOptions { Trace = file, Json = true }, stdout, CancellationToken.None);
        Assert.Equal(0, rc);
        using JsonDocument doc = JsonDocument.Parse(stdout.ToArray());
        JsonElement signals = doc.RootElement.GetProperty("models").GetProperty("signals");
        Assert.Equal(57, signals.GetProperty("compared").GetInt64());
        Assert.Equal(56, signals.GetProperty("agreed").GetInt64());
        Assert.Equal(1, signals.GetProperty("mismatches").GetArrayLength());
    }
}
