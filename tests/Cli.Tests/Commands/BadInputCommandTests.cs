using System.Text;
using System.Text.Json;
using KernelSim.Cli.Commands;
using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Tests.Commands;

/// <summary>Bad trace input ends in one line and a documented exit code, never a stack trace (issue 17).</summary>
public class BadInputCommandTests
{
    private static readonly TraceReaderOptions Lenient = TraceReaderOptions.Default with { Lenient = true };

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

    private static string Bad(string name) => Path.Combine(RepoRoot, "traces", "samples", "bad", name);

    private static string Sample(string name) => Path.Combine(RepoRoot, "traces", "samples", name);

    private static Task<int> Info(string path, TraceReaderOptions o, Stream? stdout = null) =>
        InfoCommand.RunAsync(new InfoOptions { Trace = new FileInfo(path), Json = true, Reader = o }, stdout ?? new MemoryStream(), CancellationToken.None);

    [Theory]
    [InlineData("corrupt.gz")]
    [InlineData("corrupthdr.xz")]
    [InlineData("truncated.zst")]
    [InlineData("truncated.xz")]
    public async Task Info_DamagedOrCutBeforeFirstEvent_BadInput(string file)
    {
        Assert.Equal(ExitCodes.BadInput, await Info(Bad(file), Lenient));
        Assert.Equal(ExitCodes.BadInput, await Info(Bad(file), TraceReaderOptions.Default));
    }

    [Fact]
    public async Task Info_TruncatedGzip_LenientWarnsStrictBadInput()
    {
        var ms = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, await Info(Bad("truncated.gz"), Lenient, ms));
        JsonElement root = JsonDocument.Parse(ms.ToArray()).RootElement;
        Assert.True(root.GetProperty("truncated").GetBoolean());
        Assert.Contains("gzip", root.GetProperty("truncation").GetString(), StringComparison.Ordinal);
        Assert.Contains(root.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("truncated", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.BadInput, await Info(Bad("truncated.gz"), TraceReaderOptions.Default));
    }

    [Fact]
    public async Task Info_LostEvents_JsonFieldAndWarning()
    {
        var ms = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, await Info(Sample("ftrace-lost.txt"), Lenient, ms));
        JsonElement root = JsonDocument.Parse(ms.ToArray()).RootElement;
        Assert.True(root.GetProperty("lost_events").GetInt64() > 0);
        Assert.Contains(root.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("lost", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello\nthis is not a trace\n")]
    [InlineData("# tracer: nop\n#\n")]
    public async Task Info_NoEvents_BadInput(string content)
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, content);
            Assert.Equal(ExitCodes.BadInput, await Info(path, Lenient));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Info_Directory_NoInput()
    {
        Assert.Equal(ExitCodes.NoInput, await Info(Path.Combine(RepoRoot, "traces"), Lenient));
        Assert.Contains("is a directory", TraceArgument.Problem(new FileInfo(Path.Combine(RepoRoot, "traces"))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-100")]
    [InlineData("2000000")]
    public void Info_UserHzOutOfRange_Usage(string hz) =>
        Assert.Equal(ExitCodes.Usage, Program.BuildRoot().Parse(["info", Sample("ftrace-clock-uptime.txt"), "--clock", "Uptime", "--user-hz", hz]).Invoke());

    [Theory]
    [InlineData("corrupt.gz")]
    [InlineData("truncated.xz")]
    public async Task Convert_BadInput_LeavesNoTmpNorOutput(string file)
    {
        string dir = Directory.CreateTempSubdirectory("ksim-convert").FullName;
        try
        {
            string pq = Path.Combine(dir, "x.parquet");
            Assert.Equal(ExitCodes.BadInput, await ConvertCommand.RunAsync(new ConvertOptions { Trace = new FileInfo(Bad(file)), Output = new FileInfo(pq), Reader = Lenient }, CancellationToken.None));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Convert_Cancelled_LeavesNoTmp()
    {
        string dir = Directory.CreateTempSubdirectory("ksim-convert").FullName;
        try
        {
            using var cts = new CancellationTokenSource();
            await cts.CancelAsync();
            try
            {
                // Small inputs may finish before the token is looked at: either way no .tmp is left.
                await ConvertCommand.RunAsync(new ConvertOptions { Trace = new FileInfo(Sample("perf-script.txt")), Output = new FileInfo(Path.Combine(dir, "x.parquet")), Reader = Lenient }, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Empty(Directory.GetFiles(dir));
            }

            Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void DefaultTrace_PlantedFileOfRightLength_RewrittenWithEmbeddedContent()
    {
        string dir = Directory.CreateTempSubdirectory("ksim-cache").FullName;
        try
        {
            FileInfo good = DefaultTrace.Extract(dir);
            byte[] expected = File.ReadAllBytes(good.FullName);
            File.WriteAllBytes(good.FullName, new byte[expected.Length]);
            FileInfo again = DefaultTrace.Extract(dir);
            Assert.Equal(expected, File.ReadAllBytes(again.FullName));
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(RepoRoot, "traces", DefaultTrace.Name)));
            Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void DefaultTrace_Extract_InOwnerOnlyCacheFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string cache = Path.GetDirectoryName(DefaultTrace.Extract().DirectoryName!)!;
        Assert.Equal("ksim", Path.GetFileName(cache));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache));
    }
}
