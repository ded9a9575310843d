using System.Runtime.InteropServices;
using KernelSim.Replay.Workload;
using KernelSim.Statistics;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Request latency and throughput under a proposal: the application's requests (<see cref="WriteWorkload.Requests"/>,
/// or every file operation) with the file operations each made replaced by what the replay predicts for them.
/// </summary>
/// <remarks>
/// <para>A request's operations are its serving thread's operations that lie inside it. Its predicted latency is
/// <c>observed − tracing + Σ (predicted − observed net of tracing)</c> over those operations, where the tracing
/// overhead is <see cref="WriteReplay.TracingCostPerEvent"/> for every event the thread fired inside the request
/// (its own calls' events, the untraced calls', the scheduler's). Everything else the request did (user space,
/// reads, socket calls, waits) keeps its observed time net of tracing.</para>
/// <para>Generic over operation kinds: an operation is replaced when the replay predicts its kind
/// (<c>WriteWhatIf.Predicts</c>: page-cache writes today); any other keeps its observed time net of tracing, and the
/// result counts both (<see cref="RequestPrediction.PredictedOps"/>, <see cref="RequestPrediction.ObservedOps"/>).
/// An operation inside two overlapping requests of one thread (a server that read both before answering) counts in
/// both: it delayed both.</para>
/// <para>Throughput: each serving thread's requests over its span, first start to last end, net of tracing and
/// shifted by its operations' predicted changes inside that span; summed over threads (closed loops run side by
/// side). The predicted timeline keeps each request's position, so a slower server is not modelled as turning
/// clients away, and a client outside the capture (its own queueing) is not seen at all.</para>
/// </remarks>
public static class RequestWhatIf
{
    /// <summary>The requests <paramref name="grouping"/> selects from a workload (empty when it has none).</summary>
    public static IReadOnlyList<RequestSpan> Select(WriteWorkload workload, RequestGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(workload);
        switch (grouping)
        {
            case RequestGrouping.None:
                return [];
            case RequestGrouping.FileOps:
                return FileOpRequests(workload);
            case RequestGrouping.Markers:
                return Of(workload.Requests, RequestBoundary.Marker);
            case RequestGrouping.SocketExchanges:
                return Of(workload.Requests, RequestBoundary.SocketExchange);
            default:
                List<RequestSpan> markers = Of(workload.Requests, RequestBoundary.Marker);
                return markers.Count > 0 ? markers : Of(workload.Requests, RequestBoundary.SocketExchange);
        }
    }

    /// <summary>
    /// Request latency and throughput of <paramref name="workload"/> under <paramref name="prediction"/> (a
    /// <see cref="WriteWhatIf.Predict(WriteWorkload, KernelSim.Models.Memcg.WritePathCosts, CaptureConfig, WriteProposal)"/> of the same workload); null when <paramref name="grouping"/> finds no requests.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="prediction"/> was not made from this workload.</exception>
    public static RequestPrediction? Predict(WriteWorkload workload, WritePrediction prediction, RequestGrouping grouping = RequestGrouping.Auto)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(prediction);
        IReadOnlyList<RequestSpan> requests = Select(workload, grouping);
        if (requests.Count == 0)
        {
            return null;
        }

        IReadOnlyList<FileOp> ops = workload.Ops;
        long[] predicted = prediction.OpLatencyNs;
        if (predicted.Length != ops.Count)
        {
            throw new ArgumentException($"the prediction covers {predicted.Length} operations, the workload has {ops.Count}: predict this workload first", nameof(prediction));
        }

        bool pageCacheTraced = (workload.Diagnostics.EventGroupsSeen & TracedEventGroups.PageCache) != 0;
        long c = prediction.TracingCostPerEvent.TotalNanoseconds;
        long crossingNs = prediction.Costs.SyscallCrossing.TotalNanoseconds;

        // Per thread: its operations in start order, with each one's predicted change (predicted - observed net of tracing).
        var byThread = new Dictionary<int, ThreadOps>();
        var delta = new long[ops.Count];
        var replaced = new bool[ops.Count];
        for (int i = 0; i < ops.Count; i++)
        {
            FileOp op = ops[i];
            long net = Math.Max(0, op.Observed.TotalNanoseconds - (WriteWhatIf.TracedEventsOf(op, pageCacheTraced) * c));
            replaced[i] = WriteWhatIf.Predicts(op, pageCacheTraced);
            // A replayed write or read includes the crossing into and out of the kernel, which the request's traced span
            // already holds between its calls: compare like with like.
            long crossing = op.Kind is FileOpKind.Write or FileOpKind.Read ? crossingNs : 0;
            delta[i] = replaced[i] ? predicted[i] - net - crossing : 0;
            ref ThreadOps? t = ref CollectionsMarshal.GetValueRefOrAddDefault(byThread, op.Pid, out _);
            t ??= new ThreadOps();
            t.Indices.Add(i);
        }

        var traced = new long[requests.Count];
        var observed = new long[requests.Count];
        var latency = new long[requests.Count];
        var spans = new Dictionary<int, ThreadSpan>();
        var observedKinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long predictedOps = 0;
        var inRequest = new bool[ops.Count];
        for (int r = 0; r < requests.Count; r++)
        {
            RequestSpan q = requests[r];
            long start = q.Start.TotalNanoseconds, end = q.End.TotalNanoseconds;
            long net = Math.Max(0, q.Observed.TotalNanoseconds - (q.Events * c));
            long change = 0;
            if (byThread.TryGetValue(q.Pid, out ThreadOps? t))
            {
                for (int k = t.FirstAtOrAfter(ops, start); k < t.Indices.Count; k++)
                {
                    int i = t.Indices[k];
                    FileOp op = ops[i];
                    if (op.Start.TotalNanoseconds > end)
                    {
                        break;
                    }

                    if (op.Start.TotalNanoseconds + op.Observed.TotalNanoseconds > end)
                    {
                        continue;
                    }

                    change += delta[i];
                    if (inRequest[i])
                    {
                        continue;
                    }

                    inRequest[i] = true;
                    if (replaced[i])
                    {
                        predictedOps++;
                    }
                    else
                    {
                        string kind = KindName(op, pageCacheTraced);
                        observedKinds[kind] = observedKinds.GetValueOrDefault(kind) + 1;
                    }
                }
            }

            traced[r] = q.Observed.TotalNanoseconds;
            observed[r] = net;
            latency[r] = Math.Max(0, net + change);

            ref ThreadSpan s = ref CollectionsMarshal.GetValueRefOrAddDefault(spans, q.Pid, out bool seen);
            if (!seen)
            {
                s = new ThreadSpan(start, end, q.EventsBefore + q.Events, 0);
            }
            else if (end > s.End)
            {
                s = s with { End = end, Events = q.EventsBefore + q.Events };
            }

            s = s with { Requests = s.Requests + 1 };
        }

        double tracedRate = 0, observedRate = 0, predictedRate = 0;
        foreach ((int pid, ThreadSpan s) in spans)
        {
            long window = s.End - s.Start;
            if (window <= 0)
            {
                continue;
            }

            long shift = 0;
            if (byThread.TryGetValue(pid, out ThreadOps? t))
            {
                for (int k = t.FirstAtOrAfter(ops, s.Start); k < t.Indices.Count; k++)
                {
                    int i = t.Indices[k];
                    if (ops[i].Start.TotalNanoseconds > s.End)
                    {
                        break;
                    }

                    if (ops[i].Start.TotalNanoseconds + ops[i].Observed.TotalNanoseconds <= s.End)
                    {
                        shift += delta[i];
                    }
                }
            }

            long net = Math.Max(1, window - (s.Events * c));
            tracedRate += s.Requests * 1e9 / window;
            observedRate += s.Requests * 1e9 / net;
            predictedRate += s.Requests * 1e9 / Math.Max(1, net + shift);
        }

        return new RequestPrediction(
            requests[0].Boundary,
            spans.Count,
            LatencyDistribution.FromNanoseconds(traced),
            LatencyDistribution.FromNanoseconds(observed),
            LatencyDistribution.FromNanoseconds(latency),
            tracedRate,
            observedRate,
            predictedRate,
            predictedOps,
            observedKinds);
    }

    private static string KindName(in FileOp op, bool pageCacheTraced) => op.Kind switch
    {
        FileOpKind.Write when !WriteWhatIf.Predicts(op, pageCacheTraced) => "write (socket, pipe or terminal)",
        FileOpKind.Read when !WriteWhatIf.Predicts(op, pageCacheTraced) => "read (socket, pipe or a file never seen in the page cache)",
        FileOpKind.Fsync => "fsync",
        FileOpKind.Fdatasync => "fdatasync",
        _ => op.Kind.ToString().ToLowerInvariant(),
    };

    private static List<RequestSpan> Of(IReadOnlyList<RequestSpan> all, RequestBoundary boundary)
    {
        var list = new List<RequestSpan>();
        foreach (RequestSpan r in all)
        {
            if (r.Boundary == boundary)
            {
                list.Add(r);
            }
        }

        return list;
    }

    // Every file operation (a write to a file, fsync, fdatasync; not a write to a socket, pipe or terminal) as a request
    // of its own, with the events it fired itself (the untraced time between operations is not part of any request).
    private static List<RequestSpan> FileOpRequests(WriteWorkload workload)
    {
        bool pageCacheTraced = (workload.Diagnostics.EventGroupsSeen & TracedEventGroups.PageCache) != 0;
        var list = new List<RequestSpan>();
        var before = new Dictionary<int, long>();
        foreach (FileOp op in workload.Ops)
        {
            // A file call: fsync/fdatasync, and a write or read of a page-cache file (or any, when page-cache events were not traced).
            bool file = op.Kind is FileOpKind.Fsync or FileOpKind.Fdatasync || op.PageCacheFile || op.Positional || !pageCacheTraced;
            if (!file)
            {
                continue;
            }

            int events = WriteWhatIf.TracedEventsOf(op, pageCacheTraced);
            ref long n = ref CollectionsMarshal.GetValueRefOrAddDefault(before, op.Pid, out _);
            list.Add(new RequestSpan(op.Pid, op.Start, op.Observed, RequestBoundary.FileOp, op.Fd, n, events));
            n += events;
        }

        return list;
    }

    // A thread's operations (indices into the workload's, in start order).
    private sealed class ThreadOps
    {
        public List<int> Indices { get; } = [];

        // First position whose operation starts at or after t (binary search; the list is in start order).
        public int FirstAtOrAfter(IReadOnlyList<FileOp> ops, long t)
        {
            int lo = 0, hi = Indices.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (ops[Indices[mid]].Start.TotalNanoseconds < t)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    private readonly record struct ThreadSpan(long Start, long End, long Events, int Requests);
}
