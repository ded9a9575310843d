using KernelSim.Models.Memcg;
using KernelSim.Replay.Tests.Workload;
using KernelSim.Replay.WhatIf;
using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Tests.WhatIf;

/// <summary>
/// <see cref="RequestWhatIf"/> on the hand-written <see cref="RequestTrace"/>: which requests each grouping selects, and
/// how a request's prediction is composed (the page-cache writes inside it replaced, every other call kept net of tracing).
/// </summary>
public class RequestWhatIfTests
{
    private const long PerEvent = 280;

    // The default crossing: a replayed write or read includes it, the request's traced span holds it already.
    private static readonly long Crossing = new WritePathCosts().SyscallCrossing.TotalNanoseconds;

    private static readonly Lazy<WriteWorkload> W = new(() => RequestTrace.Extract(RequestTrace.Text));

    // The workload's own prediction, with each operation's predicted latency set by hand (50 us each).
    private static WritePrediction Prediction()
    {
        WritePrediction p = WriteWhatIf.Predict(W.Value, new WritePathCosts(), new CaptureConfig(), new WriteProposal());
        return p with { OpLatencyNs = [.. W.Value.Ops.Select(_ => 50_000L)] };
    }

    [Fact]
    public void Select_Auto_TakesTheMarkersWhenThereAreAny_ElseTheSocketExchanges()
    {
        Assert.All(RequestWhatIf.Select(W.Value, RequestGrouping.Auto), r => Assert.Equal(RequestBoundary.Marker, r.Boundary));
        Assert.Equal(2, RequestWhatIf.Select(W.Value, RequestGrouping.SocketExchanges).Count);
        Assert.Empty(RequestWhatIf.Select(W.Value, RequestGrouping.None));

        // Each file call is a request of its own (the four of before, and now the read of fd 5's file); the reply on the
        // socket and the socket reads are not file calls.
        Assert.Equal(5, RequestWhatIf.Select(W.Value, RequestGrouping.FileOps).Count);
        Assert.All(RequestWhatIf.Select(W.Value, RequestGrouping.FileOps), r => Assert.NotEqual(7, r.Fd));
    }

    [Fact]
    public void Predict_Markers_PageCacheWriteAndFsyncReplaced()
    {
        RequestPrediction r = RequestWhatIf.Predict(W.Value, Prediction(), RequestGrouping.Markers)!;

        // A: 28 us less its 3 events, with the pwrite64 (10 us less its 3 events) replaced by 50 us less the crossing the
        // span already holds. B: 30 us less its 2 events, with its fsync (10 us less its 2 events) replaced by 50 us (the
        // replay simulates its data writeback; no crossing is added to an fsync).
        long a = (28_000 - (3 * PerEvent)) - (10_000 - (3 * PerEvent)) + 50_000 - Crossing;
        long b = (30_000 - (2 * PerEvent)) - (10_000 - (2 * PerEvent)) + 50_000;
        Assert.Equal([a, b], r.Latency.SortedNanoseconds.ToArray());
        Assert.Equal([28_000L - (3 * PerEvent), 30_000L - (2 * PerEvent)], r.Observed.SortedNanoseconds.ToArray());
        Assert.Equal(2, r.PredictedOps);
        Assert.False(r.ObservedOps.ContainsKey("fsync"));
        Assert.Equal(1, r.Threads);
    }

    [Fact]
    public void Predict_SocketExchanges_TheReplyKeepsItsObservedTime()
    {
        RequestPrediction r = RequestWhatIf.Predict(W.Value, Prediction(), RequestGrouping.SocketExchanges)!;

        // C: the file write inside (10 us, 3 events) and the read of that file (1 us, 2 events) become 50 us each, less the
        // crossing each already has in the span; the reply on the socket is kept. D has no file call.
        long c = (34_000 - (7 * PerEvent)) - (10_000 - (3 * PerEvent)) - (1_000 - (2 * PerEvent)) + 50_000 + 50_000 - (2 * Crossing);
        long d = 11_000 - (2 * PerEvent);
        Assert.Equal([d, c], r.Latency.SortedNanoseconds.ToArray());
        Assert.Equal(1, r.ObservedOps["write (socket, pipe or terminal)"]);
    }

    [Fact]
    public void Predict_Throughput_IsEachThreadsRequestsOverItsSpan_OnThePredictedTimeline()
    {
        RequestPrediction r = RequestWhatIf.Predict(W.Value, Prediction(), RequestGrouping.Markers)!;

        // Two requests from 10.000012 to 10.000080: 68 us traced, less the 9 events in between (A's 3, the marker call's
        // 3, the begin marker, B's 2), plus the pwrite64's and the fsync's change.
        long net = 68_000 - (9 * PerEvent);
        Assert.Equal(2e9 / 68_000, r.TracedPerSecond, 6);
        Assert.Equal(2e9 / net, r.ObservedPerSecond, 6);
        Assert.Equal(2e9 / (net - (10_000 - (3 * PerEvent)) + 50_000 - Crossing - (10_000 - (2 * PerEvent)) + 50_000), r.PredictedPerSecond, 6);
    }

    [Fact]
    public void Predict_NoRequests_Null()
    {
        Assert.Null(RequestWhatIf.Predict(W.Value, Prediction(), RequestGrouping.None));
    }
}
