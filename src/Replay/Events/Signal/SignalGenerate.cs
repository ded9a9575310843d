using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// signal:signal_generate — a signal is sent to a task (fired on every outcome, including ignored and coalesced).
/// </summary>
/// <remarks>
/// Kernel: kernel/signal.c <c>__send_signal_locked</c> (also <c>posixtimer_send_sigqueue</c>); fields per
/// events/signal/signal_generate/format. Printed keys differ from the fields: grp= is group, res= is result
/// (trace-cmd -R prints group= and result=). pid/comm are the target; the sender is the header's pid.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Sig"><c>sig</c>: signal number.</param>
/// <param name="Errno"><c>errno</c>: si_errno.</param>
/// <param name="Code"><c>code</c>: si_code (0 SI_USER, 128 SI_KERNEL, -1 SI_QUEUE, -6 SI_TKILL...).</param>
/// <param name="Comm"><c>comm</c>: the target thread's name.</param>
/// <param name="Pid"><c>pid</c>: the target thread (init-namespace pid).</param>
/// <param name="Group"><c>group</c>: 1 for a process-wide (shared) signal (printed grp).</param>
/// <param name="Result"><c>result</c>: what became of it (printed res).</param>
public readonly record struct SignalGenerate(
    EventHeader Header,
    int Sig,
    int Errno,
    int Code,
    string Comm,
    int Pid,
    int Group,
    TraceSignalResult Result) : ITraceEvent<SignalGenerate>
{
    /// <inheritdoc />
    public static string EventName => "signal:signal_generate";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SignalGenerate value)
    {
        value = default;
        if (!e.Name.SequenceEqual("signal_generate"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("sig"u8, out int sig)
            && r.TryGetInt32("errno"u8, out int errno)
            && r.TryGetInt32("code"u8, out int code)
            && r.TryGetString("comm"u8, out string comm)
            && r.TryGetInt32("pid"u8, out int pid)
            && (r.TryGetInt32("grp"u8, out int group) || r.TryGetInt32("group"u8, out group))
            && (r.TryGetInt32("res"u8, out int result) || r.TryGetInt32("result"u8, out result)))
        {
            value = new SignalGenerate(
                EventHeader.From(e),
                sig,
                errno,
                code,
                comm,
                pid,
                group,
                (TraceSignalResult)result);
            return true;
        }

        return false;
    }
}
