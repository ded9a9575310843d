using System.Text.Json;
using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Commands;

/// <summary>
/// What reading a trace met besides its events, reported the same way by every command that reads one leniently (the
/// default; --strict refuses instead): one "ksim: warning:" line on stderr each, and a <c>reader</c> object in JSON.
/// </summary>
internal static class ReaderReport
{
    /// <summary>Default reader options of a command: lenient (malformed lines counted and skipped) unless --strict.</summary>
    public static TraceReaderOptions Options(bool strict) => TraceReaderOptions.Default with { Lenient = !strict };

    /// <summary>Prints each warning on stderr, prefixed with the capture's name when given.</summary>
    public static async Task PrintAsync(IEnumerable<string> warnings, string? capture = null)
    {
        foreach (string w in warnings)
        {
            await Console.Error.WriteLineAsync("ksim: warning: " + (capture is null ? string.Empty : capture + ": ") + w).ConfigureAwait(false);
        }
    }

    /// <summary>The <c>reader</c> object of one trace: malformed_lines, lost_events, truncated, warnings.</summary>
    public static void Json(Utf8JsonWriter w, long malformedLines, long lostEvents, bool truncated, IEnumerable<string> warnings)
    {
        w.WriteStartObject("reader");
        Fields(w, malformedLines, lostEvents, truncated, warnings);
        w.WriteEndObject();
    }

    /// <summary>The <c>reader</c> object of one trace read by a <see cref="TraceReader"/>.</summary>
    public static void Json(Utf8JsonWriter w, TraceDiagnostics? d) =>
        Json(w, d?.MalformedLines ?? 0, d?.LostEvents ?? 0, d?.Truncated ?? false, d?.Warnings() ?? []);

    /// <summary>The fields of a <c>reader</c> object, inside an object the caller opened.</summary>
    public static void Fields(Utf8JsonWriter w, long malformedLines, long lostEvents, bool truncated, IEnumerable<string> warnings)
    {
        w.WriteNumber("malformed_lines", malformedLines);
        w.WriteNumber("lost_events", lostEvents);
        w.WriteBoolean("truncated", truncated);
        w.WriteStartArray("warnings");
        foreach (string s in warnings)
        {
            w.WriteStringValue(s);
        }

        w.WriteEndArray();
    }
}
