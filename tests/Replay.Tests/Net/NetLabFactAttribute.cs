namespace KernelSim.Replay.Tests.Net;

/// <summary>
/// A fact that needs the real net lab: Linux as root with tracefs, network namespaces, iproute2 and a C compiler, and
/// the opt-in KSIM_NET_LAB=1 (it creates a namespace and traces for a few seconds). Elsewhere it skips with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetLabFactAttribute : FactAttribute
{
    public NetLabFactAttribute()
    {
        if (Unavailable() is string why)
        {
            Skip = why;
        }
    }

    internal static string? Unavailable()
    {
        if (Environment.GetEnvironmentVariable("KSIM_NET_LAB") != "1")
        {
            return "set KSIM_NET_LAB=1 to run (creates a network namespace and traces for a few seconds; run under flock /tmp/ksim-quiet.lock)";
        }

        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "needs Linux as root";
        }

        if (!Directory.Exists("/sys/kernel/tracing/events") && !Directory.Exists("/sys/kernel/debug/tracing/events"))
        {
            return "needs tracefs (mount -t tracefs nodev /sys/kernel/tracing)";
        }

        if (!File.Exists("/proc/self/ns/net"))
        {
            return "needs network namespaces";
        }

        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (string tool in new[] { "ip", "taskset", "cc" })
        {
            if (!path.Any(d => File.Exists(Path.Combine(d, tool))))
            {
                return $"needs '{tool}' on PATH";
            }
        }

        return null;
    }
}
