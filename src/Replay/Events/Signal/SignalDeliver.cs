using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// signal:signal_deliver — a task dequeues a signal to act on it.
/// </summary>
/// <remarks>
/// Kernel: kernel/signal.c <c>get_signal</c>; fields per events/signal/signal_deliver/format. Printed "sig=%d
/// errno=%d code=%d sa_handler=%lx sa_flags=%lx" (handler and flags in hex without 0x).
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Sig"><c>sig</c>: signal number.</param>
/// <param name="Errno"><c>errno</c>: si_errno.</param>
/// <param name="Code"><c>code</c>: si_code.</param>
/// <param name="SaHandler"><c>sa_handler</c>: the handler address (0 SIG_DFL, 1 SIG_IGN).</param>
/// <param name="SaFlags"><c>sa_flags</c>: SA_* flags.</param>
public readonly record struct SignalDeliver(
    EventHeader Header,
    int Sig,
    int Errno,
    int Code,
    ulong SaHandler,
    ulong SaFlags) : ITraceEvent<SignalDeliver>
{
    /// <inheritdoc />
    public static string EventName => "signal:signal_deliver";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SignalDeliver value)
    {
        value = default;
        if (!e.Name.SequenceEqual("signal_deliver"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetInt32("sig"u8, out int sig)
            && r.TryGetInt32("errno"u8, out int errno)
            && r.TryGetInt32("code"u8, out int code)
            && r.TryGetHex("sa_handler"u8, out ulong saHandler)
            && r.TryGetHex("sa_flags"u8, out ulong saFlags))
        {
            value = new SignalDeliver(EventHeader.From(e), sig, errno, code, saHandler, saFlags);
            return true;
        }

        return false;
    }
}
