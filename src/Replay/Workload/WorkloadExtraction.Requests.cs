using System.Runtime.InteropServices;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Workload;

/// <summary>
/// Request boundaries (<see cref="RequestSpan"/>): trace markers the application wrote (<c>ksim-request-begin</c> /
/// <c>ksim-request-end</c>) and a server's socket exchanges (a request read from a socket, the reply written back on it),
/// with the events each serving thread fired, which a prediction takes off as tracing overhead.
/// </summary>
internal sealed partial class WorkloadExtraction
{
    /// <summary>Marker text that opens a request on the writing thread.</summary>
    internal static ReadOnlySpan<byte> BeginMarker => "ksim-request-begin"u8;

    /// <summary>Marker text that closes it.</summary>
    internal static ReadOnlySpan<byte> EndMarker => "ksim-request-end"u8;

    // Open exchanges a thread may hold at once (a server reading many sockets before it replies); past it the oldest is dropped.
    private const int MaxOpenExchanges = 4096;

    private readonly List<RequestSpan> _requests = [];
    private int _countingThreads;
    private int _countedPid = -1;
    private ThreadState? _counted;

    // Every event of a thread that serves requests costs that thread time while traced: count them (the caller checks
    // _countingThreads first, so workloads without requests pay nothing; runs of events from one thread hit the cache).
    private void CountThreadEvent(int pid)
    {
        if (pid != _countedPid)
        {
            _countedPid = pid;
            _counted = _threads.TryGetValue(pid, out ThreadState? t) && t.Counting ? t : null;
        }

        if (_counted is not null)
        {
            _counted.Events++;
        }
    }

    private void StartCounting(ThreadState t)
    {
        if (!t.Counting)
        {
            t.Counting = true;
            _countingThreads++;
            _countedPid = -1;
        }
    }

    private bool Foreign(in RawEvent e) => _tree is not null && !_tree.Contains(e.Pid) && !_tree.Contains(e.Tgid);

    // ftrace:print (a trace_marker write). Written with write(2) the marker fires inside that call, whose bounds are
    // used and which is left out of the workload (the untraced application makes no such call); written otherwise
    // (writev, a call the capture does not trace) the event's own time is the bound.
    private void OnMarker(in RawEvent e)
    {
        ReadOnlySpan<byte> text = e.Payload;
        bool begin = text.IndexOf(BeginMarker) >= 0;
        if ((!begin && text.IndexOf(EndMarker) < 0) || Foreign(e))
        {
            return;
        }

        ThreadState t = Thread(e.Pid, e.Tgid);
        bool inWrite = t.Open && t.Kind == FileOpKind.Write && !t.Positional;
        if (inWrite)
        {
            t.MarkerCall = begin ? MarkerCallKind.Begin : MarkerCallKind.End;
        }

        if (begin)
        {
            if (!inWrite)
            {
                OpenMarkerRequest(t, e.Timestamp.TotalNanoseconds);
            }

            return;
        }

        // The end: at the marker call's entry (the events before it), or at this event (the events before it).
        CloseMarkerRequest(t, inWrite ? t.StartNs : e.Timestamp.TotalNanoseconds, inWrite ? t.EventsAtEnter : t.Events - 1);
    }

    private void OpenMarkerRequest(ThreadState t, long ns)
    {
        if (t.MarkerStartNs >= 0)
        {
            _diag.UnmatchedRequestMarkers++;
        }

        StartCounting(t);
        t.MarkerStartNs = ns;
        t.MarkerStartEvents = t.Events;
    }

    private void CloseMarkerRequest(ThreadState t, long ns, long events)
    {
        if (t.MarkerStartNs < 0)
        {
            _diag.UnmatchedRequestMarkers++;
            return;
        }

        AddRequest(t, RequestBoundary.Marker, -1, t.MarkerStartNs, ns, t.MarkerStartEvents, events);
        t.MarkerStartNs = -1;
    }

    // The exit of a write(2) a marker fired in: not a file operation of the workload. Its time leaves the thread's
    // timeline (the next call's think time does not include it).
    private void OnMarkerCallExit(ThreadState t, long end)
    {
        _diag.RequestMarkerCalls++;
        if (t.MarkerCall == MarkerCallKind.Begin)
        {
            OpenMarkerRequest(t, end);
        }

        if (t.LastExitNs >= 0)
        {
            t.LastExitNs += NonNegative(end - t.StartNs);
        }

        t.MarkerCall = MarkerCallKind.None;
    }

    // read(2) or recvfrom(2) entered: remember the fd for the exit.
    private void OnReadEnter(in RawEvent e)
    {
        if (Foreign(e))
        {
            return;
        }

        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("fd"u8, out long fd) || fd < 0 || fd > int.MaxValue)
        {
            _undecoded++;
            return;
        }

        Thread(e.Pid, e.Tgid).PendingReadFd = (int)fd;
    }

    // A read that returned data on a socket opens an exchange on that fd (unless one is open: a request read in pieces).
    private void OnReadExit(in RawEvent e, bool socketCall)
    {
        if (!_threads.TryGetValue(e.Pid, out ThreadState? t) || t.PendingReadFd < 0)
        {
            return;
        }

        int fd = t.PendingReadFd;
        t.PendingReadFd = -1;
        if (!SyscallText.TryGetRet(e.Payload, out long ret) || ret <= 0 || (!socketCall && !MaybeSocket(t, fd)))
        {
            return;
        }

        t.Exchanges ??= [];
        foreach (OpenExchange x in t.Exchanges)
        {
            if (x.Fd == fd)
            {
                return;
            }
        }

        if (t.Exchanges.Count >= MaxOpenExchanges)
        {
            t.Exchanges.RemoveAt(0);
            _diag.UnansweredExchanges++;
        }

        StartCounting(t);
        t.Exchanges.Add(new OpenExchange(fd, e.Timestamp.TotalNanoseconds, t.Events));
    }

    // read(2) serves files, pipes and sockets alike; a socket is an fd the trace never saw opened (openat) or caching
    // pages, other than the standard streams.
    private bool MaybeSocket(ThreadState t, int fd)
    {
        if (fd <= 2)
        {
            return false;
        }

        return !_fds.TryGetValue((t.Process, fd), out FdState? f) || (!f.Opened && !f.HasInode);
    }

    private void OnSendEnter(in RawEvent e)
    {
        if (Foreign(e))
        {
            return;
        }

        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("fd"u8, out long fd) || fd < 0 || fd > int.MaxValue)
        {
            _undecoded++;
            return;
        }

        Thread(e.Pid, e.Tgid).PendingSendFd = (int)fd;
    }

    private void OnSendExit(in RawEvent e)
    {
        if (!_threads.TryGetValue(e.Pid, out ThreadState? t) || t.PendingSendFd < 0)
        {
            return;
        }

        int fd = t.PendingSendFd;
        t.PendingSendFd = -1;
        if (SyscallText.TryGetRet(e.Payload, out long ret) && ret > 0)
        {
            OnReplied(t, fd, e.Timestamp.TotalNanoseconds);
        }
    }

    // A reply written on an fd with an open exchange closes it (at the reply's return).
    private void OnReplied(ThreadState t, int fd, long end)
    {
        if (t.Exchanges is not { Count: > 0 } open)
        {
            return;
        }

        for (int i = 0; i < open.Count; i++)
        {
            if (open[i].Fd == fd)
            {
                AddRequest(t, RequestBoundary.SocketExchange, fd, open[i].StartNs, end, open[i].StartEvents, t.Events);
                open.RemoveAt(i);
                return;
            }
        }
    }

    private void AddRequest(ThreadState t, RequestBoundary boundary, int fd, long startNs, long endNs, long startEvents, long endEvents)
    {
        _requests.Add(new RequestSpan(
            t.Pid,
            SimTime.FromNanoseconds(startNs),
            SimDuration.FromNanoseconds(NonNegative(endNs - startNs)),
            boundary,
            fd,
            startEvents,
            Math.Max(0, endEvents - startEvents)));
    }

    // Requests in start order; a thread's events are counted from its first request on, so each thread's EventsBefore
    // is made relative to its first request's start.
    private List<RequestSpan> FinishRequests()
    {
        foreach (ThreadState t in _threads.Values)
        {
            if (t.MarkerStartNs >= 0)
            {
                _diag.UnmatchedRequestMarkers++;
            }

            _diag.UnansweredExchanges += t.Exchanges?.Count ?? 0;
        }

        Span<RequestSpan> span = CollectionsMarshal.AsSpan(_requests);
        span.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Pid.CompareTo(b.Pid));
        var first = new Dictionary<int, long>();
        for (int i = 0; i < span.Length; i++)
        {
            ref long origin = ref CollectionsMarshal.GetValueRefOrAddDefault(first, span[i].Pid, out bool seen);
            if (!seen)
            {
                origin = span[i].EventsBefore;
            }

            span[i] = span[i] with { EventsBefore = Math.Max(0, span[i].EventsBefore - origin) };
        }

        return _requests;
    }
}

/// <summary>Which request marker a thread's open write(2) call carries.</summary>
internal enum MarkerCallKind : byte
{
    None,
    Begin,
    End,
}

/// <summary>A request read from a socket and not answered yet: the fd, when it was read, the thread's event count then.</summary>
internal readonly record struct OpenExchange(int Fd, long StartNs, long StartEvents);
