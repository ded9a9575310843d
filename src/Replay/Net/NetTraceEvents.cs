using System.Globalization;
using System.Text;
using KernelSim.Replay.Capture;
using KernelSim.Replay.Events;
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

    /// <summary>read/readv entry, until the post-pass knows whether its fd is a socket (then <see cref="RecvEnter"/>).</summary>
    ReadEnter,
    ReadExit,

    /// <summary>write/writev entry, until the post-pass knows whether its fd is a socket (then <see cref="SendEnter"/>).</summary>
    WriteEnter,
    WriteExit,

    /// <summary>A readiness wait (epoll_wait, epoll_pwait, poll, ppoll) entry; part of the wake stage, never a boundary.</summary>
    PollEnter,
    PollExit,
}

/// <summary>One event of a net capture, reduced to what the ping-pong extractor needs (a value, no strings).</summary>
/// <param name="Ns">Timestamp (trace clock, ns).</param>
/// <param name="Cpu">CPU.</param>
/// <param name="Pid">common_pid.</param>
/// <param name="Kind">What it is.</param>
/// <param name="A">Kind-specific: napi_poll work, sched_wakeup target pid, sched_switch next pid.</param>
/// <param name="B">Kind-specific: napi_poll budget, sched_switch prev_state is runnable (1) or not (0); net_dev_queue: device is lo (1).</param>
/// <param name="InKsoftirqd">The event ran in a ksoftirqd thread.</param>
/// <param name="Fd">Syscall entries and exits: the file descriptor (exits take their entry's); -1 otherwise.</param>
/// <param name="Skb">net_dev_queue, netif_receive_skb: skbaddr (the hashed pointer ftrace prints; stable within a capture); 0 otherwise.</param>
/// <remarks>Syscall exits carry the return value (clamped to int) in <paramref name="A"/>; net_dev_queue and netif_receive_skb their len.</remarks>
internal readonly record struct NetEvent(long Ns, int Cpu, int Pid, NetEventKind Kind, int A, int B, bool InKsoftirqd, int Fd = -1, long Skb = 0);

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
            NetEventKind kind = Classify(e, out int a, out int b, out int fd, out long skb);
            bool ksoftirqd = e.Comm.StartsWith("ksoftirqd"u8);
            if (kind is NetEventKind.SendEnter or NetEventKind.RecvExit or NetEventKind.WriteEnter or NetEventKind.ReadExit or NetEventKind.DevQueue && !comms.ContainsKey(e.Pid))
            {
                comms[e.Pid] = Encoding.UTF8.GetString(e.Comm);
            }

            list.Add(new NetEvent(e.Timestamp.TotalNanoseconds, e.Cpu, e.Pid, kind, a, b, ksoftirqd, fd, skb));
        }

        diagnostics = reader.Diagnostics;
        ResolveSockets(list);
        return list;
    }

    /// <summary>
    /// The post-pass over syscalls: every exit takes its entry's fd; read/readv and write/writev become receives and
    /// sends when their fd is a socket, and anything else (files, pipes, a terminal) becomes <see cref="NetEventKind.Other"/>;
    /// a receive that returned nothing (EAGAIN, EOF, an error) is not a response and becomes Other too.
    /// </summary>
    /// <remarks>
    /// A syscall's fd is a socket when the task used it with a socket-only call (sendto/recvfrom/sendmsg/recvmsg and
    /// their mmsg forms) or when a write on it transmitted: a net_dev_queue of the same task on the same CPU between
    /// its entry and exit (net/socket.c sock_write_iter reaches the protocol's sendmsg, which transmits in the caller's
    /// context unless the data has to wait for the window). Sockets are keyed by (task, fd): threads of one process that
    /// share an fd learn it separately, which only leaves out some reads of a thread that never sent.
    /// </remarks>
    internal static void ResolveSockets(List<NetEvent> ev)
    {
        var sockets = new HashSet<(int Pid, int Fd)>();
        var open = new Dictionary<int, (int Index, bool Transmitted)>();
        for (int i = 0; i < ev.Count; i++)
        {
            NetEvent e = ev[i];
            switch (e.Kind)
            {
                case NetEventKind.SendEnter or NetEventKind.RecvEnter or NetEventKind.WriteEnter or NetEventKind.ReadEnter or NetEventKind.PollEnter:
                    open[e.Pid] = (i, false);
                    if (e.Kind is NetEventKind.SendEnter or NetEventKind.RecvEnter && e.Fd >= 0)
                    {
                        sockets.Add((e.Pid, e.Fd));
                    }

                    break;
                case NetEventKind.DevQueue when open.TryGetValue(e.Pid, out (int Index, bool Transmitted) o) && ev[o.Index].Cpu == e.Cpu:
                    open[e.Pid] = (o.Index, true);
                    break;
                case NetEventKind.SendExit or NetEventKind.RecvExit or NetEventKind.WriteExit or NetEventKind.ReadExit or NetEventKind.PollExit:
                    if (open.Remove(e.Pid, out (int Index, bool Transmitted) entry))
                    {
                        NetEvent en = ev[entry.Index];
                        ev[i] = e with { Fd = en.Fd };
                        if (en.Kind == NetEventKind.WriteEnter && entry.Transmitted && en.Fd >= 0)
                        {
                            sockets.Add((e.Pid, en.Fd));
                        }
                    }

                    break;
            }
        }

        // second pass: read/write on sockets become receives/sends; empty receives are no responses
        for (int i = 0; i < ev.Count; i++)
        {
            NetEvent e = ev[i];
            switch (e.Kind)
            {
                case NetEventKind.ReadEnter or NetEventKind.WriteEnter:
                    bool socket = sockets.Contains((e.Pid, e.Fd));
                    ev[i] = e with { Kind = !socket ? NetEventKind.Other : e.Kind == NetEventKind.ReadEnter ? NetEventKind.RecvEnter : NetEventKind.SendEnter };
                    break;
                case NetEventKind.ReadExit or NetEventKind.WriteExit:
                    bool s = e.Fd >= 0 && sockets.Contains((e.Pid, e.Fd));
                    NetEventKind k = !s ? NetEventKind.Other : e.Kind == NetEventKind.ReadExit ? NetEventKind.RecvExit : NetEventKind.SendExit;
                    ev[i] = e with { Kind = k == NetEventKind.RecvExit && e.A <= 0 ? NetEventKind.Other : k };
                    break;
                case NetEventKind.RecvExit when e.A <= 0:
                    ev[i] = e with { Kind = NetEventKind.Other };
                    break;
            }
        }
    }

    private static NetEventKind Classify(in RawEvent e, out int a, out int b, out int fd, out long skb)
    {
        a = 0;
        b = 0;
        fd = -1;
        skb = 0;
        ReadOnlySpan<byte> n = e.Name;
        if (n.StartsWith("sys_"u8))
        {
            return ClassifySyscall(e, n, ref a, ref fd);
        }

        if (n.SequenceEqual("net_dev_queue"u8))
        {
            b = IndexOf(e.Payload, "dev=lo "u8) >= 0 || IndexOf(e.Payload, "name=lo"u8) >= 0 ? 1 : 0;
            a = IntAfter(e.Payload, "len="u8);
            skb = SkbAddr(e.Payload);
            return NetEventKind.DevQueue;
        }

        if (n.SequenceEqual("net_dev_xmit"u8))
        {
            return NetEventKind.DevXmit;
        }

        if (n.SequenceEqual("netif_receive_skb"u8))
        {
            a = IntAfter(e.Payload, "len="u8);
            skb = SkbAddr(e.Payload);
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

    // The send/receive family (sendto, sendmsg, sendmmsg / recvfrom, recvmsg, recvmmsg: sockets by definition),
    // read/write and their vector forms (sockets only if the post-pass says so) and the readiness waits.
    private static NetEventKind ClassifySyscall(in RawEvent e, ReadOnlySpan<byte> n, ref int a, ref int fd)
    {
        bool enter = n.StartsWith("sys_enter_"u8);
        if (!enter && !n.StartsWith("sys_exit_"u8))
        {
            return NetEventKind.Other;
        }

        ReadOnlySpan<byte> call = n[(enter ? 10 : 9)..];
        NetEventKind kind = call switch
        {
            _ when call.SequenceEqual("sendto"u8) || call.SequenceEqual("sendmsg"u8) || call.SequenceEqual("sendmmsg"u8) => enter ? NetEventKind.SendEnter : NetEventKind.SendExit,
            _ when call.SequenceEqual("recvfrom"u8) || call.SequenceEqual("recvmsg"u8) || call.SequenceEqual("recvmmsg"u8) => enter ? NetEventKind.RecvEnter : NetEventKind.RecvExit,
            _ when call.SequenceEqual("write"u8) || call.SequenceEqual("writev"u8) => enter ? NetEventKind.WriteEnter : NetEventKind.WriteExit,
            _ when call.SequenceEqual("read"u8) || call.SequenceEqual("readv"u8) => enter ? NetEventKind.ReadEnter : NetEventKind.ReadExit,
            _ when call.SequenceEqual("epoll_wait"u8) || call.SequenceEqual("epoll_pwait"u8) || call.SequenceEqual("poll"u8) || call.SequenceEqual("ppoll"u8) => enter ? NetEventKind.PollEnter : NetEventKind.PollExit,
            _ => NetEventKind.Other,
        };
        if (kind == NetEventKind.Other)
        {
            return kind;
        }

        if (enter)
        {
            var r = new PayloadReader(e.Payload);
            fd = r.TryGetInt32("fd"u8, out int f) ? f : -1;
        }
        else if (SyscallText.TryGetRet(e.Payload, out long ret))
        {
            a = (int)Math.Clamp(ret, int.MinValue, int.MaxValue);
        }
        else
        {
            a = 1; // a return the reader cannot parse counts as data (the committed sockperf captures all parse)
        }

        return kind;
    }

    private static long SkbAddr(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        return r.TryGetHex("skbaddr"u8, out ulong v) ? unchecked((long)v) : 0;
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
