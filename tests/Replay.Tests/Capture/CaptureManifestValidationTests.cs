using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Tests.Formats;

namespace KernelSim.Replay.Tests.Capture;

public class CaptureManifestValidationTests
{
    public static TheoryData<string> CommittedManifests()
    {
        var d = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "traces"), "*.manifest.json").Order(StringComparer.Ordinal))
        {
            d.Add(Path.GetFileName(f));
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(CommittedManifests))]
    public void Load_CommittedManifest_Valid(string name)
    {
        using CaptureManifest m = CaptureManifest.Load(Path.Combine(Fixtures.RepoRoot, "traces", name));
        Assert.NotNull(m.Document);
    }

    [Theory]
    [InlineData("{\"host\": {\"cpus\": 0}}", "host.cpus")]
    [InlineData("{\"host\": {\"cpus\": 9999999999}}", "host.cpus")]
    [InlineData("{\"host\": {\"cpus\": \"two\"}}", "host.cpus")]
    [InlineData("{\"command\": [1, 2]}", "command")]
    [InlineData("{\"command\": \"fio\"}", "command")]
    [InlineData("{\"cgroup\": {\"version\": 3}}", "cgroup.version")]
    [InlineData("{\"cgroup\": {\"limit_bytes\": 0}}", "cgroup.limit_bytes")]
    [InlineData("{\"sysctl\": {\"vm.dirty_ratio\": 101}}", "sysctl.vm.dirty_ratio")]
    [InlineData("{\"sysctl\": {\"vm.dirty_expire_centisecs\": 1e12}}", "sysctl.vm.dirty_expire_centisecs")]
    [InlineData("{\"kernel\": {\"hz\": -250}}", "kernel.hz")]
    [InlineData("{\"footprint\": {\"anon_bytes\": -1}}", "footprint.anon_bytes")]
    [InlineData("{\"footprint\": {\"kmem_base_bytes\": 1e300}}", "footprint.kmem_base_bytes")]
    [InlineData("[1, 2]", "(document)")]
    public void Load_FieldOutOfRange_TraceFormatExceptionNamingFileAndField(string json, string field)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ksim-manifest-{Environment.ProcessId}-{field}.manifest.json");
        File.WriteAllText(path, json);
        try
        {
            TraceFormatException ex = Assert.Throws<TraceFormatException>(() => CaptureManifest.Load(path));
            Assert.Equal(path, ex.SourceName);
            Assert.Contains("'" + field + "'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_NullsAndAbsentFields_Valid()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ksim-manifest-{Environment.ProcessId}-nulls.manifest.json");
        File.WriteAllText(path, "{\"kernel\": {\"hz\": null}, \"cgroup\": {\"limit_bytes\": null, \"version\": null}, \"command\": [\"sleep\", \"5\"]}");
        try
        {
            using CaptureManifest m = CaptureManifest.Load(path);
            Assert.Null(m.Hz);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Found by tools/Fuzz (seed 17, manifest #9326): bad UTF-8 inside a string threw InvalidOperationException from GetString.
    [Fact]
    public void Load_InvalidUtf8InString_TraceFormatException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ksim-manifest-{Environment.ProcessId}-utf8.manifest.json");
        File.WriteAllBytes(path, [.. "{\"trace\": {\"clock\": \"mo"u8, 0xC3, 0x28, .. "no\"}}"u8]);
        Assert.Contains("UTF-8", Assert.Throws<TraceFormatException>(() => CaptureManifest.Load(path)).Message, StringComparison.Ordinal);
    }
}
