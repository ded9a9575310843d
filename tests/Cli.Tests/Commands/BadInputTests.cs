using System.Diagnostics;

namespace KernelSim.Cli.Tests.Commands;

/// <summary>
/// Issue 17: inputs that once ended in a stack trace, a hang or a wrong answer. Each runs the real ksim process
/// and asserts the documented exit code and a one-line error naming the file and the problem.
/// </summary>
public class BadInputTests
{
    internal static string RepoRoot
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

    internal static string Bad(string name) => Path.Combine(RepoRoot, "tests", "bad-inputs", name);

    /// <summary>Runs ksim; a generous guard turns a hang into a failure (not a timing assertion).</summary>
    internal static async Task<(int ExitCode, string Stdout, string Stderr)> KsimAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ksim.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await p.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("ksim " + string.Join(' ', args) + " did not finish within 3 minutes");
        }

        return (p.ExitCode, await stdout, await stderr);
    }

    internal static void AssertOneLineError(string stderr, params string[] contains)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "one line expected:\n" + stderr);
        Assert.StartsWith("ksim: ", lines[0], StringComparison.Ordinal);
        foreach (string c in contains)
        {
            Assert.Contains(c, lines[0], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("cpus0", "host.cpus = 0")]
    [InlineData("cpushuge", "host.cpus = 9999999999")]
    public async Task WhatIfMemory_ManifestCpusOutOfRange_Exit3NamingManifestAndField(string dir, string found)
    {
        (int rc, _, string err) = await KsimAsync("whatif", "memory", Bad(dir + "/w.trace.gz"));
        Assert.Equal(3, rc);
        AssertOneLineError(err, Bad(dir + "/w.manifest.json"), found, "[1, 8192]");
    }

    [Fact]
    public async Task WhatIfNet_ManifestCommandNotStrings_Exit3NamingField()
    {
        DirectoryInfo d = Directory.CreateTempSubdirectory("ksim-netcmd");
        try
        {
            string trace = Path.Combine(d.FullName, "n.trace.gz");
            File.Copy(Path.Combine(RepoRoot, "traces", "net-loopback-udp64-pinned.trace.gz"), trace);
            File.WriteAllText(Path.Combine(d.FullName, "n.manifest.json"), "{\"command\": [1, 2]}");
            (int rc, _, string err) = await KsimAsync("whatif", "net", trace);
            Assert.Equal(3, rc);
            AssertOneLineError(err, "n.manifest.json", "'command' an array of strings");
        }
        finally
        {
            d.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Check_WritebackTraceWithoutManifest_SaysWhatIsMissingExit4()
    {
        (int rc, string stdout, string err) = await KsimAsync("check", Bad("nomanifest/wb.trace.gz"), "--json");
        Assert.Equal(4, rc);
        AssertOneLineError(err, "writeback check skipped", "wb.manifest.json", "sysctls");
        Assert.Contains("\"skipped\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_ArgumentStartingWithAt_IsAValueNotAResponseFile()
    {
        // tools/Fuzz found '@/' read as a response file (UnauthorizedAccessException, an internal error, exit 70).
        (int rc, string stdout, string err) = await KsimAsync("whatif", "memory", Path.Combine(RepoRoot, "traces", "fio-seq64k-memcg1G.trace.gz"), "--memory-limit", "@/");
        Assert.Equal(2, rc);
        Assert.Equal(string.Empty, stdout);
        AssertOneLineError(err, "--memory-limit '@/'");
    }

    [Fact]
    public async Task SweepMemory_EmptyLimitList_Exit2()
    {
        (int rc, string stdout, string err) = await KsimAsync("sweep", "memory", Path.Combine(RepoRoot, "traces", "fio-seq64k-memcg1G.trace.gz"), "--memory-limit", "");
        Assert.Equal(2, rc);
        Assert.Equal(string.Empty, stdout);
        AssertOneLineError(err, "--memory-limit ''");
    }

    [Fact]
    public async Task WhatIfMemory_WriteAtTwoToThe63Ns_Exit3NamingSpan()
    {
        (int rc, _, string err) = await KsimAsync("whatif", "memory", Bad("hugets/dd.trace.gz"), "--memory-limit", "256M");
        Assert.Equal(3, rc);
        AssertOneLineError(err, "dd.trace.gz", "9223372036.854775000", "at most 2592000 s");
    }

    [Theory]
    [InlineData("--memory-limit", "0", "expected a positive size")]
    [InlineData("--memory-limit", "4M", "not above the workload's non-reclaimable memory")]
    [InlineData("--anon", "1E", "at most 8 TiB")]
    [InlineData("--anon", "300M", "not above the workload's non-reclaimable memory")]
    public async Task WhatIfMemory_LimitTheWorkloadCannotFit_Exit2(string option, string value, string problem)
    {
        string[] args = option == "--anon"
            ? ["whatif", "memory", Path.Combine(RepoRoot, "traces", "fio-seq64k-memcg1G.trace.gz"), "--memory-limit", "256M", option, value]
            : ["whatif", "memory", Path.Combine(RepoRoot, "traces", "fio-seq64k-memcg1G.trace.gz"), option, value];
        (int rc, string stdout, string err) = await KsimAsync(args);
        Assert.Equal(2, rc);
        Assert.Equal(string.Empty, stdout);
        AssertOneLineError(err, problem);
    }

    [Fact]
    public async Task WhatIfMemory_NoProposal_CapturedRowOnceLabelled()
    {
        (int rc, string stdout, _) = await KsimAsync("whatif", "memory", Path.Combine(RepoRoot, "traces", "fio-seq64k-memcg1G.trace.gz"));
        Assert.Equal(0, rc);
        Assert.Contains("model as captured (1 GiB)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("model proposed", stdout, StringComparison.Ordinal);
        Assert.Contains("no change proposed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIfMemory_MalformedLine_LenientByDefaultStrictOnRequest()
    {
        DirectoryInfo d = Directory.CreateTempSubdirectory("ksim-malformed");
        try
        {
            string trace = Path.Combine(d.FullName, "w.trace");
            string text;
            using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(Bad("cpus0/w.trace.gz")), System.IO.Compression.CompressionMode.Decompress))
            using (var r = new StreamReader(gz))
            {
                text = r.ReadToEnd();
            }

            int at = text.IndexOf('\n', text.IndexOf("sys_write", StringComparison.Ordinal)) + 1;
            File.WriteAllText(trace, text[..at] + "this is not a trace line\n" + text[at..]);
            (int lenient, _, _) = await KsimAsync("whatif", "memory", trace, "--memory-limit", "256M", "--json");
            Assert.Equal(0, lenient);
            (int strict, _, string err) = await KsimAsync("whatif", "memory", trace, "--memory-limit", "256M", "--strict");
            Assert.Equal(3, strict);
            AssertOneLineError(err, trace, "this is not a trace line");
        }
        finally
        {
            d.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("hugegrace.json", "'policy.grace_ms'")]
    [InlineData("exitafter_double.json", "'processes[0].exit_after_ms'")]
    [InlineData("negexit.json", "'processes[0].exit_after_ms'")]
    [InlineData("billion-laughs.yaml", "aliases expanded")]
    public async Task WhatIfStop_ScenarioOutOfBounds_Exit3NamingFileAndField(string name, string problem)
    {
        (int rc, string stdout, string err) = await KsimAsync("whatif", "stop", Bad("stop/" + name), "--json");
        Assert.Equal(3, rc);
        Assert.Equal(string.Empty, stdout);
        AssertOneLineError(err, Bad("stop/" + name), problem);
    }

    [Theory]
    [InlineData("--grace", "9223372036854775807s")]
    [InlineData("--pid1-handles-term", "-5")]
    public async Task WhatIfStop_OptionOutOfRange_Exit2(string option, string value)
    {
        (int rc, _, string err) = await KsimAsync("whatif", "stop", Path.Combine(RepoRoot, "traces", "stop", "shell-pid1.json"), option, value);
        Assert.Equal(2, rc);
        AssertOneLineError(err, option);
    }

    [Fact]
    public async Task WhatIfStop_Text_SignalNamesAndPerProcessEnd()
    {
        (int rc, string stdout, _) = await KsimAsync("whatif", "stop", Path.Combine(RepoRoot, "traces", "stop", "shell-pid1.json"));
        Assert.Equal(0, rc);
        Assert.Contains("SIGTERM", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SIGKILL needed", stdout, StringComparison.Ordinal);
        Assert.Contains("namespace teardown", stdout, StringComparison.Ordinal);
    }
}
