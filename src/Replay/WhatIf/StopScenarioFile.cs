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
/// Bounds (anything outside is a <see cref="TraceFormatException"/> naming the file and field): at most
/// <see cref="MaxBytes"/> of input, <see cref="MaxProcesses"/> processes, nesting <see cref="MaxDepth"/> deep and,
/// in YAML, <see cref="MaxYamlNodes"/> nodes after alias expansion; durations are whole milliseconds in
/// [0, <see cref="MaxDurationMs"/>].
/// </summary>
public static class StopScenarioFile
{
    /// <summary>Largest scenario file read (1 MiB).</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Most processes in a scenario.</summary>
    public const int MaxProcesses = 1000;

    /// <summary>Deepest nesting of JSON or YAML collections (aliases expanded).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most YAML nodes after expanding aliases (a 1 KB "billion laughs" expands to 10^9).</summary>
    public const int MaxYamlNodes = 100_000;

    /// <summary>Longest grace period or handler delay, in milliseconds (one day).</summary>
    public const long MaxDurationMs = 86_400_000;

    /// <summary>Reads a scenario.</summary>
    /// <exception cref="TraceFormatException">Not valid JSON, or a field has the wrong shape (named in the message).</exception>
    public static (IReadOnlyList<StopProcessSpec> Processes, StopPolicy Policy) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument doc;
        try
        {
            long size = new FileInfo(path).Length;
            if (size > MaxBytes)
            {
                throw new TraceFormatException(path, 0, 0, size.ToString(CultureInfo.InvariantCulture) + " bytes", $"a stop scenario of at most {MaxBytes} bytes ({MaxProcesses} processes)");
            }

            string text = File.ReadAllText(path);
            doc = JsonDocument.Parse(
                path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) ? YamlToJson(path, text) : text,
                new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new TraceFormatException(path, (ex.LineNumber ?? 0) + 1, ex.BytePositionInLine ?? 0, ex.Message, "a JSON stop scenario (see ksim whatif stop --help)");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("processes", out JsonElement procs) || procs.ValueKind != JsonValueKind.Array)
            {
                throw Bad(path, "processes", "an array of processes");
            }

            int count = procs.GetArrayLength();
            if (count > MaxProcesses)
            {
                throw Bad(path, "processes", $"at most {MaxProcesses} processes (found {count})");
            }

            var list = new List<StopProcessSpec>();
            int i = 0;
            foreach (JsonElement p in procs.EnumerateArray())
            {
                string at = "processes[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                if (p.ValueKind != JsonValueKind.Object)
                {
                    throw Bad(path, at, "an object");
                }

                string name = p.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 and <= 256 } s ? s : throw Bad(path, at + ".name", "a string of 1-256 characters");
                string? parent = !p.TryGetProperty("parent", out JsonElement par) || par.ValueKind == JsonValueKind.Null ? null
                    : par.ValueKind == JsonValueKind.String ? par.GetString() : throw Bad(path, at + ".parent", "a process name or null");
                list.Add(new StopProcessSpec(
                    name,
                    parent,
                    Signals(path, p, "handles"),
                    Signals(path, p, "ignores"),
                    p.TryGetProperty("exit_after_ms", out JsonElement ms) && ms.ValueKind != JsonValueKind.Null ? Milliseconds(path, at + ".exit_after_ms", ms) : null,
                    Flag(p, "forwards"),
                    Flag(p, "reaps"),
                    Flag(p, "exit_when_children_gone")));
                i++;
            }

            CheckTree(path, list);

            StopPolicy policy = StopPolicy.DockerDefault;
            if (root.TryGetProperty("policy", out JsonElement pol) && pol.ValueKind == JsonValueKind.Object)
            {
                if (pol.TryGetProperty("signal", out JsonElement s))
                {
                    policy = policy with { Signal = ParseSignal(path, s) };
                }

                if (pol.TryGetProperty("grace_ms", out JsonElement g) && g.ValueKind != JsonValueKind.Null)
                {
                    policy = policy with { Grace = Milliseconds(path, "policy.grace_ms", g) };
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

    private static SimDuration Milliseconds(string path, string field, JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long ms) && ms is >= 0 and <= MaxDurationMs
            ? SimDuration.FromMilliseconds(ms)
            : throw new TraceFormatException(path, 0, 0, field + " = " + Shorten(e.GetRawText()), $"'{field}' a whole number of milliseconds in [0, {MaxDurationMs}] (one day)");

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "..." : s;

    // Exactly one root, unique names, every parent named in the file, no cycle.
    private static void CheckTree(string path, List<StopProcessSpec> list)
    {
        var byName = new Dictionary<string, StopProcessSpec>(StringComparer.Ordinal);
        foreach (StopProcessSpec p in list)
        {
            if (!byName.TryAdd(p.Name, p))
            {
                throw Bad(path, "processes[].name", $"unique process names ('{p.Name}' appears twice)");
            }
        }

        int roots = list.Count(p => p.Parent is null);
        if (roots != 1)
        {
            throw Bad(path, "processes[].parent", $"exactly one process with parent null, the container's PID 1 (found {roots})");
        }

        foreach (StopProcessSpec p in list)
        {
            int steps = 0;
            for (StopProcessSpec q = p; q.Parent is string parent; steps++)
            {
                if (!byName.TryGetValue(parent, out StopProcessSpec? up))
                {
                    throw Bad(path, "processes[].parent", $"the name of a process in the file ('{q.Name}' has parent '{parent}')");
                }

                if (steps > list.Count)
                {
                    throw Bad(path, "processes[].parent", $"a tree ('{p.Name}' is its own ancestor)");
                }

                q = up;
            }
        }
    }

    private static int ParseSignal(string path, JsonElement e)
    {
        try
        {
            return e.ValueKind switch
            {
                JsonValueKind.Number => ParseSignal(e.GetInt32().ToString(CultureInfo.InvariantCulture)),
                JsonValueKind.String => ParseSignal(e.GetString() ?? string.Empty),
                _ => throw new FormatException($"'{Shorten(e.ToString())}': expected a signal name or number"),
            };
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

        if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() > 64)
        {
            throw Bad(path, "processes[]." + name, "an array of at most 64 signal names");
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
            CheckYamlBounds(path, text);
            yaml.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new TraceFormatException(path, ex.Start.Line, ex.Start.Index, ex.Message, "a YAML stop scenario (see ksim whatif stop --help)");
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet 18.1.0 parser throws this (its scanner state, not a YamlException) on some malformed documents,
            // e.g. a flow sequence cut short before an alias (fuzz: tools/Fuzz, scenario input 137 of seed 17).
            throw new TraceFormatException(path, 0, 0, ex.Message, "a YAML stop scenario the YAML parser can read (see ksim whatif stop --help)");
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

    // Walks the parser's events (no tree, no recursion) and bounds nesting and size with aliases expanded,
    // before YamlStream builds the tree (recursively: 200,000 levels overflowed the stack) and WriteNode expands
    // aliases (a 1 KB billion-laughs document allocated 6 GB).
    private static void CheckYamlBounds(string path, string text)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        var open = new Stack<(long Nodes, int Height, string? Anchor)>();
        var anchors = new Dictionary<string, (long Nodes, int Height)>(StringComparer.Ordinal);
        long total = 0;
        // nodes: what the event adds to its parent; expanded: what it adds to the document (a collection's own
        // node at its start, each scalar, an alias's whole expansion).
        void Add(long nodes, long expanded, int height, YamlDotNet.Core.Mark at)
        {
            if (open.Count + height > MaxDepth)
            {
                throw new TraceFormatException(path, at.Line, at.Index, "nesting " + (open.Count + height).ToString(CultureInfo.InvariantCulture) + " deep", $"YAML nested at most {MaxDepth} deep (aliases expanded)");
            }

            total = Math.Min(total + expanded, long.MaxValue / 2);
            if (total > MaxYamlNodes)
            {
                throw new TraceFormatException(path, at.Line, at.Index, "more than " + MaxYamlNodes.ToString(CultureInfo.InvariantCulture) + " nodes", $"a YAML scenario of at most {MaxYamlNodes} nodes with aliases expanded (anchors and aliases that multiply, such as a 'billion laughs', are refused)");
            }

            if (open.Count > 0)
            {
                (long n, int h, string? a) = open.Pop();
                open.Push((n + nodes, Math.Max(h, height + 1), a));
            }
        }

        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                {
                    var node = (YamlDotNet.Core.Events.NodeEvent)parser.Current;
                    Add(0, 1, 1, node.Start);
                    open.Push((1, 1, node.Anchor.IsEmpty ? null : node.Anchor.Value));
                    break;
                }

                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                {
                    (long n, int h, string? a) = open.Pop();
                    if (a is not null)
                    {
                        anchors[a] = (n, h);
                    }

                    Add(n, 0, h, parser.Current.Start);
                    break;
                }

                case YamlDotNet.Core.Events.Scalar scalar:
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = (1, 0);
                    }

                    Add(1, 1, 0, scalar.Start);
                    break;
                case YamlDotNet.Core.Events.AnchorAlias alias:
                {
                    // An alias inside the collection its anchor names is a cycle (`&i [{handles: *i}]`): the tree
                    // YamlStream builds refers to itself and WriteNode would recurse without end.
                    foreach ((long _, int _, string? openAnchor) in open)
                    {
                        if (openAnchor == alias.Value.Value)
                        {
                            throw new TraceFormatException(path, alias.Start.Line, alias.Start.Index, "*" + alias.Value.Value, $"no alias inside its own anchor &{alias.Value.Value} (a cycle)");
                        }
                    }

                    (long n, int h) = anchors.GetValueOrDefault(alias.Value.Value, (1, 0));
                    Add(n, n, h, alias.Start);
                    break;
                }
            }
        }
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
