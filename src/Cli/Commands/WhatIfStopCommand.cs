using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KernelSim.Models.Signals;
using KernelSim.Replay.Formats;
using KernelSim.Replay.WhatIf;
using KernelSim.Time;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim whatif stop SCENARIO.json</c>: what a stop policy does to a container's processes.</summary>
internal static class WhatIfStopCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "JSON or YAML process tree with dispositions and handler behaviour (see traces/stop/), or a trace with sched and signal events (then give --root). Bounds: at most 1 MiB, 1000 processes, nesting 64 deep, 100,000 YAML nodes with aliases expanded; grace_ms and exit_after_ms whole milliseconds in [0, 86400000]." };
        var rootPid = new Option<int?>("--root") { Description = "With a trace: host pid of the container's PID 1; its descendants make the tree." };
        var grace = new Option<string?>("--grace") { Description = "Proposed grace period before SIGKILL, e.g. 10s, 30s, 500ms (at most one day)." };
        var signal = new Option<string?>("--signal") { Description = "Proposed stop signal (TERM, INT, QUIT, ...)." };
        var init = new Option<string?>("--init") { Description = "Proposed init: 'tini' runs a tini-like PID 1 (forwards signals, reaps, exits with its child) above the current root." };
        var handle = new Option<int?>("--pid1-handles-term") { Description = "Proposal: PID 1 handles the stop signal and exits this many ms later." };
        var json = new Option<bool>("--json") { Description = "Print {\"baseline\": {...}, \"proposed\": {...}} with signal (a name), time_to_stop_ns, needed_kill (the grace period ran out), exit_signals (name, null for an own exit), processes (stop_signal: handled/ignored/default action/not sent; ended_by: own_exit/stop_signal/grace_sigkill/teardown_sigkill), zombies, timeline." };
        var cmd = new Command("stop", "Predict what docker stop / Kubernetes termination does to a container (signals, exits, time to stop, zombies).\n\nExamples:\n  ksim whatif stop traces/stop/shell-pid1.json\n  ksim whatif stop traces/pidns-signals.trace.gz --root 12992\n  ksim whatif stop traces/stop/shell-pid1.json --init tini\n  ksim whatif stop traces/stop/shell-pid1.json --grace 30s --json");
        cmd.Arguments.Add(scenario);
        cmd.Options.Add(grace);
        cmd.Options.Add(signal);
        cmd.Options.Add(init);
        cmd.Options.Add(handle);
        cmd.Options.Add(json);
        cmd.Options.Add(rootPid);
        cmd.SetAction(async (r, ct) =>
        {
            var options = new WhatIfStopOptions
            {
                Scenario = r.GetValue(scenario)!,
                RootPid = r.GetValue(rootPid),
                Grace = r.GetValue(grace),
                Signal = r.GetValue(signal),
                Init = r.GetValue(init),
                Pid1HandlesTermMs = r.GetValue(handle),
                Json = r.GetValue(json),
            };
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(options, stdout).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(WhatIfStopOptions o, Stream stdout)
    {
        if (!o.Scenario.Exists)
        {
            await Console.Error.WriteLineAsync($"ksim: {o.Scenario.FullName}: no such file").ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        IReadOnlyList<StopProcessSpec> tree;
        StopPolicy policy;
        try
        {
            string ext = o.Scenario.Extension.ToUpperInvariant();
            if (ext is ".JSON" or ".YAML" or ".YML")
            {
                (tree, policy) = StopScenarioFile.Load(o.Scenario.FullName);
            }
            else if (o.RootPid is int root)
            {
                tree = StopScenarioFromTrace.Build(o.Scenario.FullName, root);
                policy = StopPolicy.DockerDefault;
            }
            else
            {
                await Console.Error.WriteLineAsync($"ksim: {o.Scenario.Name} looks like a trace: give the container's PID 1 with --root HOSTPID").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        }
        catch (TraceFormatException ex)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        IReadOnlyList<StopProcessSpec> proposedTree = tree;
        StopPolicy proposedPolicy = policy;
        try
        {
            if (o.Grace is string grace)
            {
                proposedPolicy = proposedPolicy with { Grace = ParseDuration(grace) };
            }

            if (o.Signal is string signal)
            {
                proposedPolicy = proposedPolicy with { Signal = StopScenarioFile.ParseSignal(signal) };
            }

            if (o.Pid1HandlesTermMs is int ms)
            {
                if (ms < 0 || ms > StopScenarioFile.MaxDurationMs)
                {
                    throw new FormatException($"--pid1-handles-term {ms}: expected milliseconds in [0, {StopScenarioFile.MaxDurationMs}]");
                }

                proposedTree = proposedTree.Select(p => p.Parent is null
                    ? p with { Handled = p.Handled.Append(proposedPolicy.Signal).Distinct().ToArray(), ExitAfterHandling = SimDuration.FromMilliseconds(ms) }
                    : p).ToList();
            }

            if (o.Init is string init)
            {
                if (!string.Equals(init, "tini", StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"--init '{init}': the known init is 'tini'");
                }

                var tini = new StopProcessSpec("tini", null, [SignalNumbers.SIGTERM, SignalNumbers.SIGINT, SignalNumbers.SIGQUIT, SignalNumbers.SIGHUP, SignalNumbers.SIGUSR1, SignalNumbers.SIGUSR2], [], null, ForwardsSignals: true, ReapsChildren: true, ExitWhenChildrenGone: true);
                proposedTree = proposedTree.Select(p => p.Parent is null ? p with { Parent = "tini" } : p).Prepend(tini).ToList();
            }

            StopOutcome baseline = ContainerStop.Predict(tree, policy);
            StopOutcome proposed = ContainerStop.Predict(proposedTree, proposedPolicy);
            if (o.Json)
            {
                using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteString("scenario", o.Scenario.FullName);
                Write(w, "baseline", baseline, policy);
                Write(w, "proposed", proposed, proposedPolicy);
                w.WriteEndObject();
                w.Flush();
                stdout.Write("\n"u8);
            }
            else
            {
                var t = new Table().AddColumn("").AddColumn("stop signal").AddColumn("grace").AddColumn("time to stop").AddColumn("grace ran out (SIGKILL to PID 1)").AddColumn("zombies before teardown");
                t.AddRow("as described", SignalNumbers.Name(policy.Signal), TextUnits.Duration(policy.Grace), TextUnits.Duration(baseline.TimeToStop), baseline.NeededKill ? "yes" : "no", Markup.Escape(string.Join(", ", baseline.ZombiesBeforeTeardown)));
                t.AddRow("[bold]proposed[/]", SignalNumbers.Name(proposedPolicy.Signal), TextUnits.Duration(proposedPolicy.Grace), TextUnits.Duration(proposed.TimeToStop), proposed.NeededKill ? "yes" : "no", Markup.Escape(string.Join(", ", proposed.ZombiesBeforeTeardown)));
                TableOutput.Write(t);
                foreach ((string label, StopOutcome outcome, StopPolicy pol) in new[] { ("as described", baseline, policy), ("proposed", proposed, proposedPolicy) })
                {
                    var pt = new Table().AddColumn("process (" + label + ")").AddColumn(SignalNumbers.Name(pol.Signal) + " from the stop").AddColumn("ended by").AddColumn("at");
                    foreach (StopProcessOutcome po in outcome.Processes)
                    {
                        pt.AddRow(Markup.Escape(po.Name), po.StopSignal, Markup.Escape(EndedBy(po, pol)), po.At is SimDuration poAt ? TextUnits.Duration(poAt) : "-");
                    }

                    TableOutput.Write(pt);
                }

                var tl = new Table().AddColumn("t (proposed)").AddColumn("process").AddColumn("what");
                foreach (StopEvent e in proposed.Timeline)
                {
                    tl.AddRow(TextUnits.Duration(e.Time), Markup.Escape(e.Process), Markup.Escape(e.What));
                }

                TableOutput.Write(tl);
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return ExitCodes.Ok;
    }

    internal static SimDuration ParseDuration(string text)
    {
        string t = text.Trim();
        (string num, long scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 1_000_000L)
            : t.EndsWith('s') ? (t[..^1], 1_000_000_000L)
            : (t, 1_000_000_000L);
        return long.TryParse(num, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v <= StopScenarioFile.MaxDurationMs * 1_000_000L / scale
            ? SimDuration.FromNanoseconds(v * scale)
            : throw new FormatException($"--grace '{text}': expected a duration such as 10s or 500ms, at most one day");
    }

    // "its own exit (code 0)", "SIGKILL in the namespace teardown", ...
    private static string EndedBy(StopProcessOutcome p, StopPolicy policy) => p.EndedBy switch
    {
        StopEnd.OwnExit => $"its own exit (code {p.ExitCode})",
        StopEnd.StopSignal => $"the stop signal ({SignalNumbers.Name(policy.Signal)})",
        StopEnd.GraceKill => "SIGKILL when the grace period ran out",
        StopEnd.TeardownKill => "SIGKILL in the namespace teardown (PID 1 exited)",
        StopEnd.OtherSignal => SignalNumbers.Name(p.Signal),
        _ => "still running",
    };

    private static string EndedByKey(StopEnd e) => e switch
    {
        StopEnd.OwnExit => "own_exit",
        StopEnd.StopSignal => "stop_signal",
        StopEnd.GraceKill => "grace_sigkill",
        StopEnd.TeardownKill => "teardown_sigkill",
        StopEnd.OtherSignal => "other_signal",
        _ => "running",
    };

    private static void Write(Utf8JsonWriter w, string name, StopOutcome o, StopPolicy p)
    {
        w.WriteStartObject(name);
        w.WriteString("signal", SignalNumbers.Name(p.Signal));
        w.WriteNumber("grace_ns", p.Grace.TotalNanoseconds);
        w.WriteNumber("time_to_stop_ns", o.TimeToStop.TotalNanoseconds);
        w.WriteBoolean("needed_kill", o.NeededKill);
        w.WriteStartObject("exit_signals");
        foreach (KeyValuePair<string, int> kv in o.ExitSignals)
        {
            if (kv.Value == 0)
            {
                w.WriteNull(kv.Key);
            }
            else
            {
                w.WriteString(kv.Key, SignalNumbers.Name(kv.Value));
            }
        }

        w.WriteEndObject();
        w.WriteStartArray("processes");
        foreach (StopProcessOutcome po in o.Processes)
        {
            w.WriteStartObject();
            w.WriteString("name", po.Name);
            w.WriteString("stop_signal", po.StopSignal);
            w.WriteString("ended_by", EndedByKey(po.EndedBy));
            if (po.EndedBy == StopEnd.OwnExit)
            {
                w.WriteNumber("exit_code", po.ExitCode);
            }
            else if (po.Signal != 0)
            {
                w.WriteString("exit_signal", SignalNumbers.Name(po.Signal));
            }

            if (po.At is SimDuration at)
            {
                w.WriteNumber("t_ns", at.TotalNanoseconds);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("zombies_before_teardown");
        foreach (string z in o.ZombiesBeforeTeardown)
        {
            w.WriteStringValue(z);
        }

        w.WriteEndArray();
        w.WriteStartArray("timeline");
        foreach (StopEvent e in o.Timeline)
        {
            w.WriteStartObject();
            w.WriteNumber("t_ns", e.Time.TotalNanoseconds);
            w.WriteString("process", e.Process);
            w.WriteString("what", e.What);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
