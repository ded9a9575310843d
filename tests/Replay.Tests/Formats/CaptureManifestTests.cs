using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Tests.Formats;

public class CaptureManifestTests
{
    [Theory]
    [InlineData("/t/x.trace.gz", "/t/x.manifest.json")]
    [InlineData("/t/x.trace", "/t/x.manifest.json")]
    [InlineData("/t/x.txt.zst", "/t/x.manifest.json")]
    [InlineData("/t/x.dat", "/t/x.manifest.json")]
    [InlineData("/t/x.perf.txt.gz", "/t/x.perf.manifest.json")]
    [InlineData("/t/fio.v2.trace.xz", "/t/fio.v2.manifest.json")]
    public void PathFor_StripsCompressionThenTraceSuffix(string trace, string manifest) =>
        Assert.Equal(manifest, CaptureManifest.PathFor(trace));

    [Fact]
    public void ApplyTo_ReadsNestedClockUserHzTscAndLimit()
    {
        string dir = Directory.CreateTempSubdirectory("ksim-manifest").FullName;
        try
        {
            string trace = Path.Combine(dir, "x.trace.gz");
            File.WriteAllText(Path.Combine(dir, "x.manifest.json"), """
                {"schema_version":1,"kernel":{"release":"6.18.44-fc-v657","hz":250,"user_hz":100,"tsc_hz":2596122000},
                 "cgroup":{"version":1,"limit_bytes":134217728},"trace":{"clock":"x86-tsc","lost_events":12}}
                """);
            using CaptureManifest m = CaptureManifest.TryLoadFor(trace)!;
            TraceReaderOptions o = m.ApplyTo(TraceReaderOptions.Default);
            Assert.Equal(TraceClock.X86Tsc, o.Clock);
            Assert.Equal(2596122000L, o.TscTicksPerSecond);
            Assert.Equal(100, o.UserHz);
            Assert.Equal(250, m.Hz);
            Assert.Equal(134217728L, m.MemoryLimitBytes);
            Assert.Equal(1, m.CgroupVersion);
            Assert.Equal(12L, m.LostEvents);
            Assert.Equal("6.18.44-fc-v657", m.KernelRelease);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void GetInt64_KeysWithDots_ResolveUnderTheirObject()
    {
        string dir = Directory.CreateTempSubdirectory("ksim-manifest").FullName;
        try
        {
            string trace = Path.Combine(dir, "x.trace.gz");
            File.WriteAllText(Path.Combine(dir, "x.manifest.json"), """
                {"sysctl":{"vm.dirty_bytes":33554432,"vm.dirty_ratio":"0"},"host":{"cpus":2}}
                """);
            using CaptureManifest m = CaptureManifest.TryLoadFor(trace)!;
            Assert.Equal(33554432L, m.GetInt64("sysctl.vm.dirty_bytes"));
            Assert.Equal(0L, m.GetInt64("sysctl.vm.dirty_ratio"));
            Assert.Equal(2L, m.GetInt64("host.cpus"));
            Assert.Null(m.GetInt64("sysctl.vm.dirty_background_bytes"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Load_InvalidJson_TraceFormatExceptionWithLine()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\n  \"a\": 1,\n  oops\n}");
            TraceFormatException ex = Assert.Throws<TraceFormatException>(() => CaptureManifest.Load(path));
            Assert.Equal(3, ex.Line);
            Assert.Contains("manifest", ex.Expected, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
