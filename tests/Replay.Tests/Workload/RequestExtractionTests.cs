using KernelSim.Replay.Workload;
using KernelSim.Time;

namespace KernelSim.Replay.Tests.Workload;

/// <summary>Request boundaries the extractor finds in <see cref="RequestTrace"/> (answers worked out by hand there).</summary>
public class RequestExtractionTests
{
    private static readonly Lazy<WriteWorkload> W = new(() => RequestTrace.Extract(RequestTrace.Text));

    private static SimTime At(long us) => SimTime.FromNanoseconds(10_000_000_000 + (us * 1000));

    [Fact]
    public void Extract_MarkersAndSocketExchanges_FourRequestsInStartOrder()
    {
        IReadOnlyList<RequestSpan> r = W.Value.Requests;
        Assert.Equal(
            [
                (100, RequestBoundary.Marker, -1, At(12), 28L),
                (100, RequestBoundary.Marker, -1, At(50), 30L),
                (200, RequestBoundary.SocketExchange, 7, At(211), 34L),
                (200, RequestBoundary.SocketExchange, 9, At(251), 11L),
            ],
            r.Select(x => (x.Pid, x.Boundary, x.Fd, x.Start, x.Observed.TotalNanoseconds / 1000)));
    }

    [Fact]
    public void Extract_MarkerWrittenWithWrite_RunsFromThatCallsReturnToTheEndMarkersEntry_AndTheCallsAreNoOperations()
    {
        WriteWorkload w = W.Value;

        // The two marker write(2) calls are not the application's work: left out, counted.
        Assert.Equal(2, w.Diagnostics.RequestMarkerCalls);
        Assert.DoesNotContain(w.Ops, o => o.Fd == 4);
        Assert.Equal(5, w.Ops.Count(o => o.Kind != FileOpKind.Read));

        // ...and their time leaves the thread's timeline: the fsync's think time is 10 us before the end marker's call and
        // 18 us after it, not the 30 us from the pwrite64's return.
        FileOp fsync = Assert.Single(w.Ops, o => o.Kind == FileOpKind.Fsync);
        Assert.Equal(SimDuration.FromMicroseconds(28), fsync.ThinkBefore);
    }

    [Fact]
    public void Extract_EventsInsideEachRequest_AreTheServingThreadsOwn()
    {
        IReadOnlyList<RequestSpan> r = W.Value.Requests;

        // A: pwrite64 enter, page add, exit (the end marker's call is outside). B: fsync enter and exit.
        // C: read(5) enter/exit, write(5) enter/page add/exit, the reply's enter/exit. D: sendto enter/exit.
        Assert.Equal([3L, 2L, 7L, 2L], r.Select(x => x.Events));

        // Each thread's count runs from its first request: B starts after A's 3, the end marker call's 3 and its own marker;
        // D after C's 7 and recvfrom's two.
        Assert.Equal([0L, 7L, 0L, 9L], r.Select(x => x.EventsBefore));
    }

    [Fact]
    public void Extract_ReadsThatAreNoRequests_FilesStandardStreamsAndUnansweredOnes_AreNotRequests()
    {
        WriteWorkload w = W.Value;

        // fd 5 was opened (a file): reading and writing it made no request; fd 1 is a standard stream; fd 8 got no reply.
        Assert.DoesNotContain(w.Requests, x => x.Fd is 5 or 1 or 8);
        Assert.Equal(1, w.Diagnostics.UnansweredExchanges);
        Assert.Equal(1, w.Diagnostics.UnmatchedRequestMarkers);
    }

    [Fact]
    public void Extract_NoRequestEvents_NoRequests()
    {
        // The same trace without markers, socket reads or socket writes.
        string plain = string.Join('\n', RequestTrace.Text.Split('\n').Where(l => !l.Contains("tracing_mark", StringComparison.Ordinal) && !l.Contains("srv-200", StringComparison.Ordinal)));
        Assert.Empty(RequestTrace.Extract(plain).Requests);
    }
}
