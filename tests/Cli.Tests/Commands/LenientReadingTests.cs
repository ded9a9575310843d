using System.IO.Compression;
using System.Text.Json;
using static KernelSim.Cli.Tests.Commands.BadInputTests;

namespace KernelSim.Cli.Tests.Commands;

/// <summary>
/// Issue 17: every command that reads a trace reads it the same way. By default a malformed line is counted, skipped
/// and reported (a "ksim: warning:" line on stderr, and reader.malformed_lines in JSON); with --strict the command
/// refuses with the one-line error naming the file, the line and what was expected (exit 3). ksim check, whatif net
/// and validate once read strictly by default (check and validate) or counted silently (whatif net).
/// </summary>
public class LenientReadingTests
{
    private const string BadLine = "this is not a trace line";

    [Fact]
    public async Task Check_MalformedLine_CountedByDefault_RefusedWithStrict()
    {
        DirectoryInfo d = Directory.CreateTempSubdirectory("ksim-lenient-check");
        try
        {
            string trace = CopyWithBadLine("fio-seq64k-memcg128M", d.FullName, "fio-seq64k-memcg128M");
            (int rc, string stdout, string err) = await KsimAsync("check", trace, "--json");
            Assert.Equal(0, rc);
            Assert.Contains("ksim: warning: 1 malformed lines skipped", err, StringComparison.Ordinal);
            using (JsonDocument doc = JsonDocument.Parse(stdout))
            {
                Assert.Equal(1, doc.RootElement.GetProperty("reader").GetProperty("malformed_lines").GetInt64());
                Assert.Equal(1, doc.RootElement.GetProperty("reader").GetProperty("warnings").GetArrayLength());
                Assert.True(doc.RootElement.GetProperty("models").TryGetProperty("memcg", out _), "the memcg check still ran");
            }

            (int strict, string strictOut, string strictErr) = await KsimAsync("check", trace, "--strict", "--json");
            Assert.Equal(3, strict);
            Assert.Equal(string.Empty, strictOut);
            AssertOneLineError(strictErr, trace, BadLine, "expected 'COMM-PID [CPU]'");
        }
        finally
        {
            d.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task WhatIfNet_MalformedLine_CountedByDefault_RefusedWithStrict()
    {
        DirectoryInfo d = Directory.CreateTempSubdirectory("ksim-lenient-net");
        try
        {
            string trace = CopyWithBadLine("net-loopback-udp64-pinned", d.FullName, "n");
            (int rc, string stdout, string err) = await KsimAsync("whatif", "net", trace, "--topology", "veth", "--json");
            Assert.Equal(0, rc);
            Assert.Contains("ksim: warning: 1 malformed lines skipped", err, StringComparison.Ordinal);
            using (JsonDocument doc = JsonDocument.Parse(stdout))
            {
                Assert.Equal(1, doc.RootElement.GetProperty("reader").GetProperty("malformed_lines").GetInt64());
                Assert.True(doc.RootElement.GetProperty("count").GetInt64() > 1000, "the prediction was made");
            }

            (int strict, string strictOut, string strictErr) = await KsimAsync("whatif", "net", trace, "--topology", "veth", "--strict");
            Assert.Equal(3, strict);
            Assert.Equal(string.Empty, strictOut);
            AssertOneLineError(strictErr, trace, BadLine);
        }
        finally
        {
            d.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Validate_MalformedLines_CountedPerCaptureByDefault_RefusedWithStrict()
    {
        DirectoryInfo d = Directory.CreateTempSubdirectory("ksim-lenient-validate");
        try
        {
            string write = CopyWithBadLine("fio-seq64k-memcg128M", d.FullName, "fio-seq64k-memcg128M");
            CopyWithBadLine("net-loopback-udp64-pinned", d.FullName, "net-loopback-udp64-pinned");
            string groundTruth = Path.Combine(RepoRoot, "traces", "groundtruth");
            string[] args =
            [
                "validate", "--traces", d.FullName, "--groundtruth", Path.Combine(groundTruth, "write-latency.csv"),
                "--net-groundtruth", Path.Combine(groundTruth, "net-latency.csv"), "--corpus", Path.Combine(d.FullName, "no-corpus"),
            ];
            (int rc, string stdout, string err) = await KsimAsync([.. args, "--json"]);
            Assert.Equal(0, rc);
            Assert.Contains("ksim: warning: fio-seq64k-memcg128M.trace.gz: 1 malformed lines skipped", err, StringComparison.Ordinal);
            Assert.Contains("ksim: warning: net-loopback-udp64-pinned.trace.gz: 1 malformed lines skipped", err, StringComparison.Ordinal);
            using (JsonDocument doc = JsonDocument.Parse(stdout))
            {
                JsonElement reader = doc.RootElement.GetProperty("reader");
                Assert.Equal(2, reader.GetProperty("captures").GetInt32());
                Assert.Equal(2, reader.GetProperty("malformed_lines").GetInt64());
                Assert.Equal(2, reader.GetProperty("warnings").GetArrayLength());
                Assert.True(doc.RootElement.GetProperty("points").GetInt32() > 0, "the write capture was still predicted from");
                Assert.True(doc.RootElement.GetProperty("net").GetProperty("points").GetInt32() > 0, "the net capture was still predicted from");
            }

            (int strict, string strictOut, string strictErr) = await KsimAsync([.. args, "--strict", "--json"]);
            Assert.Equal(3, strict);
            Assert.Equal(string.Empty, strictOut);
            AssertOneLineError(strictErr, BadLine);
            Assert.Contains(Path.GetDirectoryName(write)!, strictErr, StringComparison.Ordinal);
        }
        finally
        {
            d.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Copies the committed capture <paramref name="capture"/> (trace and the files beside it) to <paramref name="dir"/>
    /// under <paramref name="name"/>, with one malformed line after its 200th line; returns the trace's path.
    /// </summary>
    private static string CopyWithBadLine(string capture, string dir, string name)
    {
        string traces = Path.Combine(RepoRoot, "traces");
        foreach (string f in Directory.GetFiles(traces, capture + ".*"))
        {
            string suffix = Path.GetFileName(f)[capture.Length..];
            if (suffix != ".trace.gz")
            {
                File.Copy(f, Path.Combine(dir, name + suffix));
            }
        }

        string[] lines;
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(traces, capture + ".trace.gz")), CompressionMode.Decompress))
        using (var r = new StreamReader(gz))
        {
            lines = r.ReadToEnd().Split('\n');
        }

        string path = Path.Combine(dir, name + ".trace.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz))
        {
            w.Write(string.Join('\n', lines[..200]) + "\n" + BadLine + "\n" + string.Join('\n', lines[200..]));
        }

        return path;
    }
}
