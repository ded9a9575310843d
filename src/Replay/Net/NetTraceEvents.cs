using System.Globalization;
using System.Text;
using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Net;

/// <summary>What a net-profile event is, for the ping-pong extractor.</summary>
internal enum NetEventKind : byte
{
    Other,
    SendEnter,
    SendExit,
    RecvEnter,
    RecvExit,
    DevQueue,
    DevXmit,
    SoftirqRaise,
    SoftirqEntry,
    SoftirqExit,
    ReceiveSkb,
    NapiPoll,
    Wakeup,
    Switch,
}

/// <summary>One event of a net capture, reduced to what the ping-pong extractor needs (a value, no strings).</summary>
/// <param name="Ns">Timestamp (trace clock, ns).</param>
/// <param name="Cpu">CPU.</param>
/// <param name="Pid">common_pid.</param>
/// <param name="Kind">What it is.</param>
/// <param name="A">Kind-specific: napi_poll work, sched_wakeup target pid, sched_switch next pid.</param>
/// <param name="B">Kind-specific: napi_poll budget, sched_switch prev_state is runnable (1) or not (0); net_dev_queue: device is lo (1).</param>
/// <param name="InKsoftirqd">The event ran in a ksoftirqd thread.</param>
internal readonly record struct NetEvent(long Ns, int Cpu, int Pid, NetEventKind Kind, int A, int B, bool InKsoftirqd);

/// <summary>Reads a capture into the compact event list the extractor walks (one pass, streaming).</summary>
internal static class NetTraceEvents
{
    /// <summary>Reads every event of <paramref name="tracePath"/> leniently (reader options from its manifest when present).</summary>
    public static List<NetEvent> Read(string tracePath, out Dictionary<int, string> comms) =>
        Read(tracePath, TraceReaderOptions.Default with { Lenient = true }, out comms, out _);

    /// <summary>Reads every event of <paramref name="tracePath"/> with <paramref name="options"/> (the manifest's clock and HZ on top).</summary>
    /// <exception cref="TraceFormatException">A malformed line when <paramref name="options"/> is strict.</exception>
    public static List<NetEvent> Read(string tracePath, TraceReaderOptions options, out Dictionary<int, string> comms, out TraceDiagnostics diagnostics)
    {
        TraceReaderOptions o = options;
        using (CaptureManifest? manifest = CaptureManifest.TryLoadFor(tracePath))
        {
            if (manifest is not null)
            {
                o = manifest.ApplyTo(o);
            }
        }

        var list = new List<NetEvent>(1 << 16);
        comms = [];
        using TraceReader reader = TraceReader.Open(tracePath, o);
        while (reader.Read())
        {
            RawEvent e = reader.Current;
            NetEventKind kind = Classify(e, out int a, out int b);
            bool ksoftirqd = e.Comm.StartsWith("ksoftirqd"u8);
            if (kind is NetEventKind.SendEnter or NetEventKind.RecvExit && !comms.ContainsKey(e.Pid))
            {
                comms[e.Pid] = Encoding.UTF8.GetString(e.Comm);
            }

            list.Add(new NetEvent(e.Timestamp.TotalNanoseconds, e.Cpu, e.Pid, kind, a, b, ksoftirqd));
        }

        diagnostics = reader.Diagnostics;
        return list;
    }

    private static NetEventKind Classify(in RawEvent e, out int a, out int b)
    {
        a = 0;
        b = 0;
        ReadOnlySpan<byte> n = e.Name;
        if (n.SequenceEqual("sys_enter_sendto"u8) || n.SequenceEqual("sys_enter_sendmsg"u8))
        {
            return NetEventKind.SendEnter;
        }

        if (n.SequenceEqual("sys_exit_sendto"u8) || n.SequenceEqual("sys_exit_sendmsg"u8))
        {
            return NetEventKind.SendExit;
        }

        if (n.SequenceEqual("sys_enter_recvfrom"u8) || n.SequenceEqual("sys_enter_recvmsg"u8))
        {
            return NetEventKind.RecvEnter;
        }

        if (n.SequenceEqual("sys_exit_recvfrom"u8) || n.SequenceEqual("sys_exit_recvmsg"u8))
        {
            return NetEventKind.RecvExit;
        }

        if (n.SequenceEqual("net_dev_queue"u8))
        {
            b = IndexOf(e.Payload, "dev=lo "u8) >= 0 || IndexOf(e.Payload, "name=lo"u8) >= 0 ? 1 : 0;
            return NetEventKind.DevQueue;
        }

        if (n.SequenceEqual("net_dev_xmit"u8))
        {
            return NetEventKind.DevXmit;
        }

        if (n.SequenceEqual("netif_receive_skb"u8))
        {
            return NetEventKind.ReceiveSkb;
        }

        if (n.SequenceEqual("softirq_raise"u8) || n.SequenceEqual("softirq_entry"u8) || n.SequenceEqual("softirq_exit"u8))
        {
            if (!IsNetRx(e.Payload))
            {
                return NetEventKind.Other;
            }

            return n[8] switch
            {
                (byte)'r' => NetEventKind.SoftirqRaise,
                (byte)'e' when n[9] == (byte)'n' => NetEventKind.SoftirqEntry,
                _ => NetEventKind.SoftirqExit,
            };
        }

        if (n.SequenceEqual("napi_poll"u8))
        {
            a = IntAfter(e.Payload, "work"u8);
            b = IntAfter(e.Payload, "budget"u8);
            return NetEventKind.NapiPoll;
        }

        if (n.SequenceEqual("sched_wakeup"u8))
        {
            a = IntAfter(e.Payload, "pid="u8);
            return NetEventKind.Wakeup;
        }

        if (n.SequenceEqual("sched_switch"u8))
        {
            a = IntAfter(e.Payload, "next_pid="u8);
            int s = IndexOf(e.Payload, "prev_state="u8);
            b = s >= 0 && s + 11 < e.Payload.Length && e.Payload[s + 11] == (byte)'R' ? 1 : 0;
            return NetEventKind.Switch;
        }

        return NetEventKind.Other;
    }

    // vec=3 is NET_RX (include/linux/interrupt.h NET_RX_SOFTIRQ)
    private static bool IsNetRx(ReadOnlySpan<byte> payload) => IndexOf(payload, "vec=3 "u8) >= 0 || payload.EndsWith("vec=3"u8);

    private static int IndexOf(ReadOnlySpan<byte> s, ReadOnlySpan<byte> what) => s.IndexOf(what);

    // the integer after "key" (and an optional '=' or ' ')
    private static int IntAfter(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key)
    {
        int i = payload.IndexOf(key);
        if (i < 0)
        {
            return 0;
        }

        ReadOnlySpan<byte> rest = payload[(i + key.Length)..].TrimStart((byte)' ').TrimStart((byte)'=');
        int len = 0;
        while (len < rest.Length && (char.IsAsciiDigit((char)rest[len]) || (len == 0 && rest[len] == (byte)'-')))
        {
            len++;
        }

        return int.TryParse(rest[..len], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0;
    }
}
