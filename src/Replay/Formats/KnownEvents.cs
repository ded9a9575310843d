using System.Reflection;
using System.Text;

namespace KernelSim.Replay.Formats;

/// <summary>
/// Maps a bare tracepoint name ("sched_switch", as ftrace text prints it) to its subsystem, from the
/// host's tracefs <c>available_events</c> list embedded at build time (traces/formats/available_events.txt).
/// </summary>
internal static class KnownEvents
{
    private static readonly Dictionary<string, string> SystemByName = Load();

    public static bool TryGetSystem(string name, out string system) => SystemByName.TryGetValue(name, out system!);

    private static Dictionary<string, string> Load()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        using Stream? s = Assembly.GetExecutingAssembly().GetManifestResourceStream("KernelSim.Replay.available_events.txt");
        if (s is not null)
        {
            using var reader = new StreamReader(s, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    map.TryAdd(line[(colon + 1)..].Trim(), line[..colon].Trim());
                }
            }
        }

        // ftrace-internal events are not listed in available_events.
        map.TryAdd("print", "ftrace");
        return map;
    }
}
