using System.Globalization;
using System.Text.Json;
using KernelSim.Models.Signals;
using KernelSim.Replay.Formats;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Reads a container description for the stop what-if from JSON (or the same document in YAML, for a
/// file named *.yaml or *.yml):
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
            string text = File.ReadAllText(path);
            doc = JsonDocument.Parse(path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? YamlToJson(path, text)
                : text);
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

    // The same document written in YAML: mappings, sequences and scalars (plain scalars that read as numbers,
    // booleans or null keep those types, as YAML 1.2's core schema has them).
    private static string YamlToJson(string path, string text)
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new TraceFormatException(path, ex.Start.Line, ex.Start.Index, ex.Message, "a YAML stop scenario (see ksim whatif stop --help)");
        }

        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            if (yaml.Documents.Count == 0)
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }
            else
            {
                WriteNode(w, yaml.Documents[0].RootNode);
            }
        }

        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter w, YamlDotNet.RepresentationModel.YamlNode node)
    {
        switch (node)
        {
            case YamlDotNet.RepresentationModel.YamlMappingNode map:
                w.WriteStartObject();
                foreach (KeyValuePair<YamlDotNet.RepresentationModel.YamlNode, YamlDotNet.RepresentationModel.YamlNode> kv in map.Children)
                {
                    w.WritePropertyName(((YamlDotNet.RepresentationModel.YamlScalarNode)kv.Key).Value ?? string.Empty);
                    WriteNode(w, kv.Value);
                }

                w.WriteEndObject();
                break;
            case YamlDotNet.RepresentationModel.YamlSequenceNode seq:
                w.WriteStartArray();
                foreach (YamlDotNet.RepresentationModel.YamlNode item in seq.Children)
                {
                    WriteNode(w, item);
                }

                w.WriteEndArray();
                break;
            case YamlDotNet.RepresentationModel.YamlScalarNode scalar:
                string v = scalar.Value ?? string.Empty;
                bool plain = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;
                if (plain && (v.Length == 0 || v is "null" or "~"))
                {
                    w.WriteNullValue();
                }
                else if (plain && v is "true" or "false")
                {
                    w.WriteBooleanValue(v == "true");
                }
                else if (plain && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
                {
                    w.WriteNumberValue(n);
                }
                else
                {
                    w.WriteStringValue(v);
                }

                break;
            default:
                w.WriteNullValue();
                break;
        }
    }

    private static bool Flag(JsonElement p, string name) => p.TryGetProperty(name, out JsonElement f) && f.ValueKind == JsonValueKind.True;

    private static TraceFormatException Bad(string path, string field, string expected) => new(path, 0, 0, field, expected + " for '" + field + "'");
}
