using System.Globalization;
using System.Text.Json;
using KernelSim.Models.Signals;
using KernelSim.Replay.Formats;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Reads a container description for the stop what-if from JSON:
/// <code>
/// { "processes": [ { "name": "sh", "parent": null },
///                  { "name": "app", "parent": "sh", "handles": ["TERM"], "exit_after_ms": 300 } ],
///   "policy": { "signal": "TERM", "grace_ms": 10000 } }
/// </code>
/// Per process: <c>handles</c> and <c>ignores</c> (signal names or numbers), <c>exit_after_ms</c> (exit this long
/// after a handled signal), <c>forwards</c> (the handler forwards the signal to its children),
/// <c>reaps</c> (waits for exited children), <c>exit_when_children_gone</c> (tini-like). Policy defaults: TERM, 10 s.
/// </summary>
public static class StopScenarioFile
{
    /// <summary>Reads a scenario.</summary>
    /// <exception cref="TraceFormatException">Not valid JSON, or a field has the wrong shape (named in the message).</exception>
    public static (IReadOnlyList<StopProcessSpec> Processes, StopPolicy Policy) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new TraceFormatException(path, (ex.LineNumber ?? 0) + 1, ex.BytePositionInLine ?? 0, ex.Message, "a JSON stop scenario (see ksim whatif stop --help)");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (!root.TryGetProperty("processes", out JsonElement procs) || procs.ValueKind != JsonValueKind.Array)
            {
                throw Bad(path, "processes", "an array of processes");
            }

            var list = new List<StopProcessSpec>();
            foreach (JsonElement p in procs.EnumerateArray())
            {
                string name = p.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Bad(path, "processes[].name", "a string");
                string? parent = p.TryGetProperty("parent", out JsonElement par) && par.ValueKind == JsonValueKind.String ? par.GetString() : null;
                list.Add(new StopProcessSpec(
                    name,
                    parent,
                    Signals(path, p, "handles"),
                    Signals(path, p, "ignores"),
                    p.TryGetProperty("exit_after_ms", out JsonElement ms) && ms.ValueKind == JsonValueKind.Number ? SimDuration.FromMilliseconds(ms.GetInt64()) : null,
                    Flag(p, "forwards"),
                    Flag(p, "reaps"),
                    Flag(p, "exit_when_children_gone")));
            }

            StopPolicy policy = StopPolicy.DockerDefault;
            if (root.TryGetProperty("policy", out JsonElement pol) && pol.ValueKind == JsonValueKind.Object)
            {
                if (pol.TryGetProperty("signal", out JsonElement s))
                {
                    policy = policy with { Signal = ParseSignal(path, s) };
                }

                if (pol.TryGetProperty("grace_ms", out JsonElement g) && g.ValueKind == JsonValueKind.Number)
                {
                    policy = policy with { Grace = SimDuration.FromMilliseconds(g.GetInt64()) };
                }
            }

            return (list, policy);
        }
    }

    /// <summary>A signal by name ("TERM", "SIGTERM") or number.</summary>
    /// <exception cref="FormatException">Not a signal this model knows.</exception>
    public static int ParseSignal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToUpperInvariant();
        if (t.StartsWith("SIG", StringComparison.Ordinal))
        {
            t = t[3..];
        }

        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 64)
        {
            return n;
        }

        return t switch
        {
            "HUP" => SignalNumbers.SIGHUP,
            "INT" => SignalNumbers.SIGINT,
            "QUIT" => SignalNumbers.SIGQUIT,
            "KILL" => SignalNumbers.SIGKILL,
            "USR1" => SignalNumbers.SIGUSR1,
            "USR2" => SignalNumbers.SIGUSR2,
            "TERM" => SignalNumbers.SIGTERM,
            "CHLD" => SignalNumbers.SIGCHLD,
            "CONT" => SignalNumbers.SIGCONT,
            "STOP" => SignalNumbers.SIGSTOP,
            "TSTP" => SignalNumbers.SIGTSTP,
            "WINCH" => SignalNumbers.SIGWINCH,
            _ => throw new FormatException($"'{text}' is not a signal: expected a name such as TERM, INT, USR1 or a number 1-64"),
        };
    }

    private static int ParseSignal(string path, JsonElement e)
    {
        try
        {
            return e.ValueKind == JsonValueKind.Number ? ParseSignal(e.GetInt32().ToString(CultureInfo.InvariantCulture)) : ParseSignal(e.GetString() ?? string.Empty);
        }
        catch (FormatException ex)
        {
            throw new TraceFormatException(path, 0, 0, e.ToString(), ex.Message);
        }
    }

    private static int[] Signals(string path, JsonElement p, string name)
    {
        if (!p.TryGetProperty(name, out JsonElement a))
        {
            return [];
        }

        if (a.ValueKind != JsonValueKind.Array)
        {
            throw Bad(path, "processes[]." + name, "an array of signal names");
        }

        var list = new List<int>();
        foreach (JsonElement s in a.EnumerateArray())
        {
            list.Add(ParseSignal(path, s));
        }

        return list.ToArray();
    }

    private static bool Flag(JsonElement p, string name) => p.TryGetProperty(name, out JsonElement f) && f.ValueKind == JsonValueKind.True;

    private static TraceFormatException Bad(string path, string field, string expected) => new(path, 0, 0, field, expected + " for '" + field + "'");
}
