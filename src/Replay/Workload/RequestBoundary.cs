namespace KernelSim.Replay.Workload;

/// <summary>Where the boundaries of an application request came from.</summary>
public enum RequestBoundary
{
    /// <summary>
    /// The application wrote <c>ksim-request-begin</c> and <c>ksim-request-end</c> to the tracing instance's trace_marker
    /// (ksim-capture exports its path as <c>KSIM_TRACE_MARKER</c>): the request runs from the begin marker write's return
    /// to the end marker write's entry on the same thread.
    /// </summary>
    Marker,

    /// <summary>
    /// A server thread read a request from a socket (read or recvfrom returning data on an fd that is not a file the
    /// trace saw opened or caching pages) and answered on the same fd (write or sendto): the request runs from the
    /// read's return to the reply's return.
    /// </summary>
    SocketExchange,

    /// <summary>Each file operation of the workload is one request (sysbench fileio counts its events so).</summary>
    FileOp,
}
