using System.Diagnostics;
using System.Text.Json;
using KernelSim.Replay.Net;
using KernelSim.Replay.Tests.Events;

namespace KernelSim.Replay.Tests.Net;

/// <summary>The capture kit on the real kernel (issue 14): capture-net with a user's server and client, then the extraction.</summary>
public sealed class NetServiceCaptureLabTests : IDisposable
{
    private static readonly string Kit = Path.Combine(RepoPaths.Root, "traces", "capture");
    private readonly string _dir = Directory.CreateTempSubdirectory("ksim-netlab-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void HostFacts_IsOneJsonObjectWithTheFactsThatChangeNetLatency()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // reads /proc and /sys; nothing to check elsewhere
        }

        using JsonDocument doc = JsonDocument.Parse(Run(Path.Combine(Kit, "host-facts")));
        JsonElement f = doc.RootElement;
        foreach (string key in new[] { "kernel_release", "cmdline", "cpuidle_driver", "cpuidle_governor", "haltpoll", "cpu_mhz", "clocksource", "cpus_online" })
        {
            Assert.True(f.TryGetProperty(key, out _), key);
        }

        Assert.Equal(JsonValueKind.Array, f.GetProperty("cpu_mhz").ValueKind);
    }

    [NetLabFact]
    public void CaptureNet_AnyServerAndClient_IsExtractedAsOneFlow_WithItsHostInTheManifest()
    {
        string bin = Path.Combine(_dir, "rr-client");
        Run("cc", "-O2", "-o", bin, Path.Combine(Kit, "rr-client.c"));
        Run(Path.Combine(Kit, "capture-net"), "--no-probe", "--name", "echo", "-o", _dir,
            "--server", $"{bin} -s -p 11398",
            "--client", $"{bin} -u -h $KSIM_SERVER_IP -p 11398 -q hello -r 5 -n 300 -w 0",
            "loopback");

        string trace = Path.Combine(_dir, "echo-loopback.trace.gz");
        NetCalibration c = NetCalibration.FromFile(trace);
        Assert.Equal(NetExtractionMode.PingPong, c.Trace.Mode);
        Assert.InRange(c.Trace.Trips.Count, 290, 310);
        Assert.Equal("loopback", c.Trace.Topology);
        Assert.True(c.RecordsItsHost, "the manifest records host_facts");
        using JsonDocument m = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "echo-loopback.manifest.json")));
        Assert.True(m.RootElement.GetProperty("host_facts").TryGetProperty("cpuidle_driver", out _));
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} exited {p.ExitCode}: {err.Result}");
        return output;
    }
}
