using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Net;
using KernelSim.Statistics;
using Spectre.Console;

namespace KernelSim.Cli.Commands;

/// <summary><c>ksim whatif net TRACE --topology veth-bridge</c>: predicted UDP round-trip latency on another topology or with other softirq settings.</summary>
internal static class WhatIfNetCommand
{
    public static Command Create()
    {
        var trace = new Argument<FileInfo?>("trace") { Description = "A net capture of a request/response service, UDP or TCP (capture-net: x.trace.gz with x.manifest.json beside it; for sockperf also its x.sockperf-full.csv); without syscall events the requests come from the packets and the receivers' wakeups. Default: the pinned loopback capture embedded in ksim (traces/net-loopback-udp64-pinned).", Arity = ArgumentArity.ZeroOrOne };
        var topology = new Option<string?>("--topology") { Description = "Proposed path: loopback, veth or veth-bridge (default: as captured)." };
        var budget = new Option<int?>("--netdev-budget") { Description = "Proposed net.core.netdev_budget (packets per NET_RX softirq)." };
        var weight = new Option<int?>("--dev-weight") { Description = "Proposed net.core.dev_weight (packets per backlog poll)." };
        var backlog = new Option<int?>("--backlog") { Description = "Proposed net.core.netdev_max_backlog (packets)." };
        var load = new Option<string?>("--load") { Description = "Background UDP flood on the same CPU and path: packets per second, or 'max' (a sender as fast as it can, sockperf --mps=max)." };
        var size = new Option<int?>("--msg-size") { Description = "UDP payload per message in bytes (default: as captured)." };
        var gro = new Option<string?>("--veth-gro") { Description = "on: veth in NAPI mode (ethtool -K gro on rx-udp-gro-forwarding on at every veth end): the socket's skb goes onto the peer's 256-entry ring and veth_poll delivers it, instead of the backlog. off (default): the backlog path." };
        var rps = new Option<bool>("--rps") { Description = "RPS on every veth end to the other CPU (rps_cpus): the receive runs there after an IPI and wakes the pinned peer across CPUs (pinned captures, no --load)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: latency_ns (p50/p90/p99/p999/max/mean, integer ns), count, proposal, softirq figures, costs, reader (malformed lines skipped, lost events, truncation, warnings)." };
        var strict = new Option<bool>("--strict") { Description = "Fail on the first malformed trace line instead of skipping and counting it." };
        var cmd = new Command("net", "Predict the request/response round-trip latency of a UDP or TCP service on another topology, with other softirq settings or under a flood.\n\nExamples:\n  ksim whatif net --topology veth-bridge\n  ksim whatif net traces/net-loopback-udp64-pinned.trace.gz --topology veth-bridge\n  ksim whatif net traces/net-veth-udp64-pinned.trace.gz --load max --json\n  ksim whatif net traces/net-loopback-udp64-pinned.trace.gz --topology veth --msg-size 1400 --dev-weight 16\n  ksim whatif net traces/net-veth-udp64-pinned.trace.gz --veth-gro on\n  ksim whatif net traces/net-veth-udp64-pinned.trace.gz --rps --json");
        cmd.Arguments.Add(trace);
        cmd.Options.Add(topology);
        cmd.Options.Add(budget);
        cmd.Options.Add(weight);
        cmd.Options.Add(backlog);
        cmd.Options.Add(load);
        cmd.Options.Add(size);
        cmd.Options.Add(gro);
        cmd.Options.Add(rps);
        cmd.Options.Add(json);
        cmd.Options.Add(strict);
        cmd.SetAction(async (r, ct) =>
        {
            var options = new WhatIfNetOptions
            {
                Trace = r.GetValue(trace),
                Topology = r.GetValue(topology),
                NetdevBudget = r.GetValue(budget),
                DevWeight = r.GetValue(weight),
                Backlog = r.GetValue(backlog),
                Load = r.GetValue(load),
                MessageBytes = r.GetValue(size),
                VethGro = r.GetValue(gro),
                Rps = r.GetValue(rps),
                Json = r.GetValue(json),
                Strict = r.GetValue(strict),
            };
            using Stream stdout = Console.OpenStandardOutput();
            return await RunAsync(options, stdout, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(WhatIfNetOptions o, Stream stdout, CancellationToken ct)
    {
        // A pipe or "-" is copied to a temp file first: the trace is read more than once, by path.
        using TraceArgument input = TraceArgument.Resolve(o.Trace, DefaultTrace.ExtractNet, spoolPipes: true);
        FileInfo file = input.File;
        if (TraceArgument.Problem(file) is string missing)
        {
            await Console.Error.WriteLineAsync("ksim: " + missing).ConfigureAwait(false);
            return ExitCodes.NoInput;
        }

        long pps = 0;
        if (o.Load is string load)
        {
            string l = load.Trim();
            if (l is "max" or "MAX")
            {
                pps = NetWhatIf.MaxLoad;
            }
            else if (!long.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out pps) || pps < 0)
            {
                await Console.Error.WriteLineAsync($"ksim: --load '{load}': expected packets per second (>= 0) or 'max'").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        }

        if (o.Topology is string topology && !NetWhatIf.Topologies.Contains(topology))
        {
            await Console.Error.WriteLineAsync($"ksim: --topology '{topology}': expected one of {string.Join(", ", NetWhatIf.Topologies)}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        bool? groOn = o.VethGro?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "on" => true,
            "off" => false,
            _ => null,
        };
        if (o.VethGro is string vethGro && groOn is null)
        {
            await Console.Error.WriteLineAsync($"ksim: --veth-gro '{vethGro}': expected on or off").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var proposal = new NetProposal { Topology = o.Topology, NetdevBudget = o.NetdevBudget, DevWeight = o.DevWeight, Backlog = o.Backlog, LoadPps = pps, MessageBytes = o.MessageBytes, VethGro = groOn, Rps = o.Rps };
        NetCalibration cal;
        NetPrediction p;
        try
        {
            cal = await Task.Run(() => NetCalibration.FromFile(file.FullName, NetCalibration.DefaultOverheadPerEventNs, ReaderReport.Options(o.Strict)), ct).ConfigureAwait(false);
            p = NetWhatIf.Predict(cal, proposal);
        }
        catch (ArgumentException ex)
        {
            string message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            await Console.Error.WriteLineAsync("ksim: " + message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is TraceFormatException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync("ksim: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        NetPrediction baseline = NetWhatIf.Predict(cal, new NetProposal());
        await ReaderReport.PrintAsync(cal.Reader?.Warnings() ?? []).ConfigureAwait(false);
        if (o.Json)
        {
            WriteJson(stdout, file.FullName, cal, p, baseline);
        }
        else
        {
            WriteTable(file.Name, cal, p, baseline);
        }

        return ExitCodes.Ok;
    }

    private static void WriteJson(Stream stdout, string trace, NetCalibration cal, NetPrediction p, NetPrediction baseline)
    {
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("trace", trace);
        w.WriteStartObject("proposal");
        Settings(w, p);
        w.WriteEndObject();
        w.WriteStartObject("capture");
        w.WriteString("topology", cal.Trace.Topology);
        w.WriteNumber("msg_size", cal.MessageBytes);
        w.WriteNumber("netdev_budget", cal.CapturedConfig.NetdevBudget);
        w.WriteNumber("dev_weight", cal.CapturedConfig.DevWeight);
        w.WriteNumber("backlog", cal.CapturedConfig.NetdevMaxBacklog);
        w.WriteNumber("hz", cal.CapturedConfig.Hz);
        w.WriteNumber("round_trips", cal.Trace.Trips.Count);
        w.WriteNumber("round_trips_regular", cal.RegularTrips);
        w.WriteNumber("interval_ns", cal.Trace.IntervalNs);
        w.WriteString("extraction", cal.Trace.Mode switch { NetExtractionMode.Flows => "flows", NetExtractionMode.Packets => "packets", _ => "ping-pong" });
        w.WriteNumber("flows", cal.Trace.Flows);
        w.WriteEndObject();
        Prediction(w, p);
        w.WriteStartObject("baseline");
        Prediction(w, baseline);
        w.WriteEndObject();
        w.WriteStartObject("costs");
        w.WriteNumber("tracing_overhead_per_event_ns", cal.OverheadPerEventNs);
        w.WriteString("tracing_overhead_source", cal.OverheadSource);
        w.WriteString("vm_stalls", cal.RecordsItsHost ? "the capture's own (it records its host)" : "the lab VM's pooled stall process (the capture does not record its host)");
        w.WriteNumber("traced_events_per_round_trip", Math.Round(cal.EventsPerTrip, 2));
        w.WriteNumber("client_user_ns", cal.ClientUserNs);
        w.WriteString("client_user_source", cal.ClientUserSource);
        NetStageMeans m = cal.Means;
        w.WriteNumber("send_path_ns", m.SendNs);
        w.WriteNumber("first_xmit_ns", m.Xmit0Ns);
        w.WriteNumber("softirq_entry_ns", m.EntryNs);
        w.WriteNumber("last_receive_ns", m.ReceiveLastNs);
        w.WriteNumber("bridge_forward_ns", m.BridgeForwardNs);
        w.WriteNumber("bridge_xmit_ns", m.BridgeXmitNs);
        w.WriteNumber("request_return_ns", m.RequestReturnNs);
        w.WriteNumber("server_wake_ns", m.ServerWakeNs);
        w.WriteNumber("turnaround_ns", m.TurnaroundNs);
        w.WriteNumber("reply_return_ns", m.ReplyReturnNs);
        w.WriteNumber("client_wake_ns", m.ClientWakeNs);
        w.WriteEndObject();
        ReaderReport.Json(w, cal.Reader);
        w.WriteEndObject();
        w.Flush();
        stdout.Write("\n"u8);
    }

    private static void Settings(Utf8JsonWriter w, NetPrediction p)
    {
        w.WriteString("topology", p.Topology);
        w.WriteNumber("netdev_budget", p.Config.NetdevBudget);
        w.WriteNumber("dev_weight", p.Config.DevWeight);
        w.WriteNumber("backlog", p.Config.NetdevMaxBacklog);
        w.WriteNumber("msg_size", p.MessageBytes);
        w.WriteBoolean("veth_gro", p.VethGro);
        w.WriteBoolean("rps", p.Rps);
        if (p.LoadPps == NetWhatIf.MaxLoad)
        {
            w.WriteString("load_pps", "max");
        }
        else
        {
            w.WriteNumber("load_pps", p.LoadPps);
        }
    }

    private static void Prediction(Utf8JsonWriter w, NetPrediction p)
    {
        JsonOut.Latency(w, "latency_ns", p.Latency);
        w.WriteNumber("count", p.Latency.Count);
        w.WriteNumber("lost", p.Lost);
        w.WriteNumber("idle_round_trip_ns", p.IdleRoundTripNs);
        w.WriteNumber("net_rx_softirqs", p.NetRxPasses);
        w.WriteNumber("napi_polls", p.NapiPolls);
        w.WriteNumber("napi_poll_work", p.NapiPollWork);
        w.WriteNumber("backlog_drops", p.BacklogDrops);
        w.WriteNumber("time_squeeze", p.TimeSqueeze);
        w.WriteNumber("ksoftirqd_wakeups", p.KsoftirqdWakeups);
        w.WriteNumber("veth_ring_drops", p.RingDrops);
        w.WriteNumber("rps_ipis", p.RpsIpis);
        w.WriteNumber("flood_capacity_pps", p.FloodCapacityPps);
        w.WriteNumber("cpu_bound_tasks", p.CpuBoundTasks);
        w.WriteNumber("sched_slice_ns", p.SliceNs);
    }

    private static void WriteTable(string name, NetCalibration cal, NetPrediction p, NetPrediction baseline)
    {
        string found = cal.Trace.Mode switch
        {
            NetExtractionMode.Flows => string.Create(CultureInfo.InvariantCulture, $" from {cal.Trace.Flows} flow(s) matched by socket and skb"),
            NetExtractionMode.Packets => " from packets and wakeups (no syscalls: transmit to the client's switch-in)",
            _ => string.Empty,
        };
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]{Markup.Escape(name)}[/]: {cal.Trace.Trips.Count:N0} round trips{found} ({cal.RegularTrips:N0} split into stages), captured on {cal.Trace.Topology}, {cal.MessageBytes} B, netdev_budget {cal.CapturedConfig.NetdevBudget}, dev_weight {cal.CapturedConfig.DevWeight}, backlog {cal.CapturedConfig.NetdevMaxBacklog}"));
        var t = new Table().AddColumn("round trip").AddColumn("n").AddColumn("p50").AddColumn("p90").AddColumn("p99").AddColumn("p99.9").AddColumn("max").AddColumn("mean");
        AddRow(t, "model as captured", baseline.Latency);
        AddRow(t, "[bold]model " + Markup.Escape(Describe(p)) + "[/]", p.Latency);
        TableOutput.Write(t);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey]µs, untraced (tracing netted out: {cal.OverheadPerEventNs} ns x {cal.EventsPerTrip:F0} events per round trip), {(cal.Trace.Mode == NetExtractionMode.Packets ? "from the request's first transmit to the client's switch-in" : cal.ClientUserSource.StartsWith("sockperf", StringComparison.Ordinal) ? "as sockperf ping-pong measures a round trip" : "from the client's send syscall to its receive's return, plus " + cal.ClientUserNs + " ns of its own time")}[/]"));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"NET_RX softirqs {p.NetRxPasses:N0}, napi_polls {p.NapiPolls:N0} taking {p.NapiPollWork:N0} packets, backlog drops {p.BacklogDrops:N0}, time_squeeze {p.TimeSqueeze:N0}, ksoftirqd hand-offs {p.KsoftirqdWakeups:N0}, lost {p.Lost}{(p.VethGro ? $", veth ring drops {p.RingDrops:N0}" : string.Empty)}{(p.Rps ? $", RPS IPIs {p.RpsIpis:N0}" : string.Empty)}"));
        if (p.LoadPps > 0)
        {
            string text = p.CpuBoundTasks == 1
                ? string.Create(CultureInfo.InvariantCulture, $"flood: CPU-bound (capacity ~{p.FloodCapacityPps:N0} packets/s on this path); after the server's reply the client waits for it or runs after 0-2 of its packets, as measured on this lab's kernel (sched captures), the waits scaled x{p.FloodWaitScale:0.00} for this path (payback {p.FloodPayback:0.00})")
                : p.CpuBoundTasks > 1
                    ? string.Create(CultureInfo.InvariantCulture, $"flood: CPU-bound (capacity ~{p.FloodCapacityPps:N0} packets/s on this path), {p.CpuBoundTasks} CPU-bound tasks; woken ping-pong tasks wait behind them under EEVDF (slice {p.SliceNs / 1e6:0.##} ms, tick {1000 / p.Config.Hz} ms)")
                    : string.Create(CultureInfo.InvariantCulture, $"flood: {p.LoadPps:N0} packets/s leaves the CPU idle part of the time (capacity ~{p.FloodCapacityPps:N0}/s): its packets interleave with the ping-pong's");
            AnsiConsole.MarkupLine(text);
        }
    }

    private static string Describe(NetPrediction p)
    {
        string load = p.LoadPps == 0 ? string.Empty : p.LoadPps == NetWhatIf.MaxLoad ? ", flood max" : string.Create(CultureInfo.InvariantCulture, $", flood {p.LoadPps} pps");
        string mode = (p.VethGro ? ", veth GRO (NAPI)" : string.Empty) + (p.Rps ? ", RPS to the other CPU" : string.Empty);
        return string.Create(CultureInfo.InvariantCulture, $"{p.Topology} {p.MessageBytes} B{mode}{load}");
    }

    private static string Us(KernelSim.Time.SimDuration d) => (d.TotalNanoseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static void AddRow(Table t, string label, LatencyDistribution d)
    {
        if (d.Count == 0)
        {
            t.AddRow(label, "0", "-", "-", "-", "-", "-", "-");
            return;
        }

        t.AddRow(label, d.Count.ToString(CultureInfo.InvariantCulture), Us(d.P50), Us(d.P90), Us(d.P99), Us(d.P999), Us(d.Max), Us(d.Mean));
    }
}
