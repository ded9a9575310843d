using System.Globalization;
using KernelSim.Time;

namespace KernelSim.Cli.Commands;

/// <summary>
/// Units in ksim's text output, one spelling each: durations in ns/µs/ms/s (µs, never "us"), sizes with IEC
/// suffixes (KiB, MiB, GiB; never a bare K), trace timestamps in seconds with "s". JSON output keeps integers in
/// ns and bytes.
/// </summary>
internal static class TextUnits
{
    /// <summary>"850 ns", "12.5 µs", "3.2 ms", "1.5 s".</summary>
    public static string Duration(SimDuration d)
    {
        long ns = d.TotalNanoseconds;
        long abs = ns == long.MinValue ? long.MaxValue : Math.Abs(ns);
        return abs switch
        {
            < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{ns} ns"),
            < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:0.###} µs"),
            < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:0.###} ms"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e9:0.###} s"),
        };
    }

    /// <summary>A trace timestamp: "1855.948279000 s" (seconds as the trace prints them, ns resolution).</summary>
    public static string Timestamp(SimTime t) => t.ToString() + " s";

    /// <summary>"1000 B", "64 KiB", "128 MiB", "1.5 GiB" (two decimals at most: 4095 bytes is "4 KiB").</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int i = 0;
        double v = bytes;
        while (Math.Abs(v) >= 1024 && i < units.Length - 1)
        {
            v /= 1024;
            i++;
        }

        return i == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{v:0.##} {units[i]}");
    }
}
