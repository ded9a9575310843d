using KernelSim.Time;

namespace KernelSim.Replay.Workload;

/// <summary>
/// One application request as the trace bounds it: the thread that served it, when it started and how long it
/// took as traced, and how many trace events that thread fired, which a prediction takes off as tracing overhead.
/// The file operations the request made are the thread's <see cref="FileOp"/>s that lie inside it.
/// </summary>
/// <param name="Pid">The thread that served the request.</param>
/// <param name="Start">Start of the request (see <see cref="RequestBoundary"/> for where each kind starts).</param>
/// <param name="Observed">Traced duration, tracing overhead included.</param>
/// <param name="Boundary">Where the boundaries came from.</param>
/// <param name="Fd">The socket for <see cref="RequestBoundary.SocketExchange"/>, else -1.</param>
/// <param name="EventsBefore">Events the thread fired from its first request's start to this request's start (0 for its first).</param>
/// <param name="Events">Events the thread fired inside the request (its file calls' own events included).</param>
public readonly record struct RequestSpan(int Pid, SimTime Start, SimDuration Observed, RequestBoundary Boundary, int Fd, long EventsBefore, long Events)
{
    /// <summary>End of the request: <see cref="Start"/> + <see cref="Observed"/>.</summary>
    public SimTime End => Start + Observed;
}
