namespace KernelSim.Models.Signals;

/// <summary>The <c>sa_flags</c> the model acts on (kernel values).</summary>
/// <remarks>Kernel: include/uapi/asm-generic/signal-defs.h.</remarks>
[Flags]
public enum SaFlags
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary><c>SA_NOCLDSTOP</c>: no SIGCHLD when a child stops or continues.</summary>
    NoCldStop = 0x1,

    /// <summary><c>SA_NOCLDWAIT</c>: children are reaped automatically.</summary>
    NoCldWait = 0x2,

    /// <summary><c>SA_SIGINFO</c>: the handler takes a siginfo (recorded; the model always keeps si_pid/si_code).</summary>
    SigInfo = 0x4,

    /// <summary><c>SA_NODEFER</c>: the signal is not blocked while its handler runs.</summary>
    NoDefer = 0x40000000,

    /// <summary><c>SA_RESETHAND</c> (<c>SA_ONESHOT</c>): the disposition returns to SIG_DFL when the handler is entered.</summary>
    ResetHand = int.MinValue,
}
