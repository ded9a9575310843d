namespace KernelSim.Models.Signals;

/// <summary>One event of the model's log, in the order it happened.</summary>
/// <param name="Sequence">Position in the log (0-based).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Sig">The signal (for Exit: the terminating signal, 0 for a normal exit).</param>
/// <param name="SenderPid">Generate: the sending thread's host pid (0 for the kernel). Others: 0.</param>
/// <param name="TargetPid">The thread concerned (host pid): the target of a Generate, the dequeuer of a Deliver, the leader for Exit/Reap/Stop.</param>
/// <param name="Code">si_code (Generate as the tracepoint prints it: 0 no-info, 128 kernel). Exit: the exit code.</param>
/// <param name="SiPid">si_pid as the receiver sees it (0 from an ancestor namespace or the kernel).</param>
/// <param name="Group">Generate: shared (process-wide) rather than thread-directed.</param>
/// <param name="Result">Generate: what became of the signal.</param>
public readonly record struct SignalLogEntry(
    long Sequence,
    SignalLogKind Kind,
    int Sig,
    int SenderPid,
    int TargetPid,
    int Code,
    int SiPid,
    bool Group,
    SignalGenerateResult Result);
