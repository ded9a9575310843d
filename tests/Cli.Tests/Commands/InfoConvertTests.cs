using System.Text;
using System.Text.Json;
using KernelSim.Cli.Commands;
using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Tests.Commands;

public class InfoConvertTests
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

    private static string Sample(string name) => Path.Combine(RepoRoot, "traces", "samples", name);

    [Fact]
    public async Task Info_Json_HasTheDocumentedKeys()
    {
        JsonElement root = await InfoJson(Sample("ftrace-lost.txt"), TraceReaderOptions.Default with { Lenient = true });
        foreach (string key in new[] { "format", "events", "lost_events", "malformed_lines", "cpus", "first_ns", "last_ns" })
        {
            Assert.True(root.TryGetProperty(key, out _), "missing " + key);
        }

        Assert.Equal("ftrace", root.GetProperty("format").GetString());
        Assert.True(root.GetProperty("lost_events").GetInt64() > 0);
        long sum = root.GetProperty("events").EnumerateObject().Sum(p => p.Value.GetInt64());
        Assert.Equal(root.GetProperty("total_events").GetInt64(), sum);
        Assert.True(root.GetProperty("first_ns").GetInt64() <= root.GetProperty("last_ns").GetInt64());
    }

    [Fact]
    public async Task Convert_ThenInfoOnParquet_SameCounts()
    {
        string dir = Directory.CreateTempSubdirectory("ksim-cli").FullName;
        try
        {
            string pq = Path.Combine(dir, "x.parquet");
            TraceReaderOptions o = TraceReaderOptions.Default with { Lenient = true };
            Assert.Equal(ExitCodes.Ok, await ConvertCommand.RunAsync(new ConvertOptions { Trace = new FileInfo(Sample("perf-script.txt")), Output = new FileInfo(pq), Reader = o }, CancellationToken.None));
            JsonElement text = await InfoJson(Sample("perf-script.txt"), o);
            JsonElement parquet = await InfoJson(pq, o);
            Assert.Equal("parquet", parquet.GetProperty("format").GetString());
            Assert.Equal(text.GetProperty("events").ToString(), parquet.GetProperty("events").ToString());
            Assert.Equal(text.GetProperty("first_ns").GetInt64(), parquet.GetProperty("first_ns").GetInt64());
            Assert.Equal(text.GetProperty("last_ns").GetInt64(), parquet.GetProperty("last_ns").GetInt64());
            Assert.Equal(text.GetProperty("cpus").GetInt32(), parquet.GetProperty("cpus").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Info_MissingFile_ExitCodeNoInput() =>
        Assert.Equal(ExitCodes.NoInput, await InfoCommand.RunAsync(new InfoOptions { Trace = new FileInfo("/nonexistent/x.trace"), Json = true }, new MemoryStream(), CancellationToken.None));

    [Fact]
    public async Task Info_StrictOnGarbage_ExitCodeBadInput()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "  a-1 [000] ..... 1.000000: x: y\nnot a trace line\n");
            Assert.Equal(ExitCodes.BadInput, await InfoCommand.RunAsync(new InfoOptions { Trace = new FileInfo(path), Json = true }, new MemoryStream(), CancellationToken.None));
            JsonElement lenient = await InfoJson(path, TraceReaderOptions.Default with { Lenient = true });
            Assert.Equal(1, lenient.GetProperty("malformed_lines").GetInt64());
            Assert.Equal(2, lenient.GetProperty("issues")[0].GetProperty("line").GetInt64());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Help_EveryLeafCommand_HasAnExampleAndRuns()
    {
        var root = Program.BuildRoot();
        var leaves = new List<(string[] Path, System.CommandLine.Command Command)>();
        void Walk(System.CommandLine.Command c, string[] path)
        {
            if (c.Subcommands.Count == 0)
            {
                leaves.Add((path, c));
            }

            foreach (System.CommandLine.Command sub in c.Subcommands)
            {
                Walk(sub, [.. path, sub.Name]);
            }
        }

        Walk(root, []);
        Assert.True(leaves.Count >= 7, "info, convert, check, whatif memory, whatif stop, sweep memory, validate");
        foreach ((string[] path, System.CommandLine.Command c) in leaves)
        {
            Assert.Contains("Example", c.Description, StringComparison.Ordinal);
            Assert.Equal(0, root.Parse([.. path, "--help"]).Invoke());
        }
    }

    private static async Task<JsonElement> InfoJson(string path, TraceReaderOptions options)
    {
        var ms = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, await InfoCommand.RunAsync(new InfoOptions { Trace = new FileInfo(path), Json = true, Reader = options }, ms, CancellationToken.None));
        return JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray())).RootElement.Clone();
    }
}
