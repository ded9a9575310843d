namespace KernelSim.Models.Signals;

/// <summary>
/// Signal numbers, si_code values and the kernel's signal classes (x86-64 numbering).
/// </summary>
/// <remarks>Kernel: include/uapi/asm-generic/signal.h, include/uapi/asm-generic/siginfo.h, include/linux/signal.h
/// (<c>SIG_KERNEL_ONLY_MASK</c>, <c>SIG_KERNEL_STOP_MASK</c>, <c>SIG_KERNEL_COREDUMP_MASK</c>, <c>SIG_KERNEL_IGNORE_MASK</c>)
/// and kernel/signal.c <c>SYNCHRONOUS_MASK</c>.</remarks>
public static class SignalNumbers
{
    /// <summary>Hangup.</summary>
    public const int SIGHUP = 1;
    /// <summary>Interrupt.</summary>
    public const int SIGINT = 2;
    /// <summary>Quit (core).</summary>
    public const int SIGQUIT = 3;
    /// <summary>Illegal instruction (core, synchronous).</summary>
    public const int SIGILL = 4;
    /// <summary>Trace trap (core, synchronous).</summary>
    public const int SIGTRAP = 5;
    /// <summary>Abort (core).</summary>
    public const int SIGABRT = 6;
    /// <summary>Bus error (core, synchronous).</summary>
    public const int SIGBUS = 7;
    /// <summary>Floating-point exception (core, synchronous).</summary>
    public const int SIGFPE = 8;
    /// <summary>Kill: cannot be caught, blocked or ignored.</summary>
    public const int SIGKILL = 9;
    /// <summary>User signal 1.</summary>
    public const int SIGUSR1 = 10;
    /// <summary>Segmentation fault (core, synchronous).</summary>
    public const int SIGSEGV = 11;
    /// <summary>User signal 2.</summary>
    public const int SIGUSR2 = 12;
    /// <summary>Broken pipe.</summary>
    public const int SIGPIPE = 13;
    /// <summary>Alarm clock.</summary>
    public const int SIGALRM = 14;
    /// <summary>Termination.</summary>
    public const int SIGTERM = 15;
    /// <summary>Child stopped, continued or exited (default: ignore).</summary>
    public const int SIGCHLD = 17;
    /// <summary>Continue (default: ignore, side effects at generation).</summary>
    public const int SIGCONT = 18;
    /// <summary>Stop: cannot be caught, blocked or ignored.</summary>
    public const int SIGSTOP = 19;
    /// <summary>Terminal stop.</summary>
    public const int SIGTSTP = 20;
    /// <summary>Background read from the terminal.</summary>
    public const int SIGTTIN = 21;
    /// <summary>Background write to the terminal.</summary>
    public const int SIGTTOU = 22;
    /// <summary>Urgent socket data (default: ignore).</summary>
    public const int SIGURG = 23;
    /// <summary>CPU limit exceeded (core).</summary>
    public const int SIGXCPU = 24;
    /// <summary>File size limit exceeded (core).</summary>
    public const int SIGXFSZ = 25;
    /// <summary>Window size change (default: ignore).</summary>
    public const int SIGWINCH = 28;
    /// <summary>Bad system call (core, synchronous).</summary>
    public const int SIGSYS = 31;
    /// <summary>First real-time signal as the kernel numbers it (glibc reserves 32 and 33).</summary>
    public const int SIGRTMIN = 32;
    /// <summary>Last real-time signal.</summary>
    public const int SIGRTMAX = 64;

    /// <summary><c>SI_USER</c>: kill(), or no siginfo (<c>SEND_SIG_NOINFO</c>).</summary>
    public const int SI_USER = 0;
    /// <summary><c>SI_KERNEL</c>: sent by the kernel (<c>SEND_SIG_PRIV</c>, force_sig).</summary>
    public const int SI_KERNEL = 0x80;
    /// <summary><c>SI_QUEUE</c>: sigqueue().</summary>
    public const int SI_QUEUE = -1;
    /// <summary><c>SI_TKILL</c>: tkill()/tgkill().</summary>
    public const int SI_TKILL = -6;
    /// <summary><c>CLD_EXITED</c>: the child exited.</summary>
    public const int CLD_EXITED = 1;
    /// <summary><c>CLD_KILLED</c>: the child was killed by a signal.</summary>
    public const int CLD_KILLED = 2;
    /// <summary><c>CLD_DUMPED</c>: the child was killed and dumped core.</summary>
    public const int CLD_DUMPED = 3;
    /// <summary><c>CLD_STOPPED</c>: the child stopped.</summary>
    public const int CLD_STOPPED = 5;
    /// <summary><c>CLD_CONTINUED</c>: the stopped child continued.</summary>
    public const int CLD_CONTINUED = 6;

    private static readonly string[] Names =
    [
        "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
        "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The name of <paramref name="sig"/> as in the kernel's include/uapi/asm-generic/signal.h ("SIGTERM"); real-time signals read "SIGRTMIN+n" (kernel numbering, SIGRTMIN = 32); anything else its number.</summary>
    public static string Name(int sig) =>
        sig is > 0 and < SIGRTMIN ? Names[sig]
        : sig == SIGRTMIN ? "SIGRTMIN"
        : sig is > SIGRTMIN and <= SIGRTMAX ? "SIGRTMIN+" + (sig - SIGRTMIN).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : sig.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The bit of <paramref name="sig"/> in a 64-bit signal mask (bit <c>sig - 1</c>, as <c>sigmask()</c>).</summary>
    /// <param name="sig">A signal number, 1..64.</param>
    /// <returns>The mask with only that signal set.</returns>
    public static ulong Bit(int sig)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sig, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sig, SIGRTMAX);
        return 1UL << (sig - 1);
    }

    /// <summary>A mask of several signals.</summary>
    /// <param name="sigs">Signal numbers, 1..64.</param>
    /// <returns>The union of their bits.</returns>
    public static ulong Mask(params int[] sigs)
    {
        ArgumentNullException.ThrowIfNull(sigs);
        ulong m = 0;
        foreach (int s in sigs)
        {
            m |= Bit(s);
        }

        return m;
    }

    /// <summary>True for 1..64.</summary>
    /// <param name="sig">A signal number.</param>
    /// <returns>Whether it is a valid signal (<c>valid_signal</c> without 0).</returns>
    public static bool IsValid(int sig) => sig is >= 1 and <= SIGRTMAX;

    /// <summary>True for real-time signals (queued every time, never coalesced).</summary>
    /// <param name="sig">A signal number.</param>
    /// <returns><c>sig &gt;= SIGRTMIN</c>.</returns>
    public static bool IsRealTime(int sig) => sig >= SIGRTMIN;

    /// <summary>SIGKILL and SIGSTOP (<c>sig_kernel_only</c>).</summary>
    /// <param name="sig">A signal number.</param>
    /// <returns>Whether the signal cannot be caught, blocked or ignored.</returns>
    public static bool IsKernelOnly(int sig) => sig is SIGKILL or SIGSTOP;

    /// <summary>Default action stop (<c>sig_kernel_stop</c>): STOP, TSTP, TTIN, TTOU.</summary>
    /// <param name="sig">A signal number.</param>
    /// <returns>Whether the default action stops the process.</returns>
    public static bool IsStop(int sig) => sig is SIGSTOP or SIGTSTP or SIGTTIN or SIGTTOU;

    /// <summary>Default action ignore (<c>sig_kernel_ignore</c>): CONT, CHLD, WINCH, URG.</summary>
    /// <param name="sig">A signal number.</param>
    /// <returns>Whether SIG_DFL means ignore.</returns>
    public static bool IsDefaultIgnored(int sig) => sig is SIGCONT or SIGCHLD or SIGWINCH or SIGURG;

    /// <summary>Default action core (<c>sig_kernel_coredump</c>).</summary>
    /// <param name="sig">A signal number.</param>
    /// <returns>Whether SIG_DFL terminates with a core dump.</returns>
    public static bool IsCoreDump(int sig) =>
        sig is SIGQUIT or SIGILL or SIGTRAP or SIGABRT or SIGBUS or SIGFPE or SIGSEGV or SIGXCPU or SIGXFSZ or SIGSYS;

    /// <summary>Synchronous (fault) signals, dequeued before all others (<c>SYNCHRONOUS_MASK</c>).</summary>
    /// <param name="sig">A signal number.</param>
    /// <returns>Whether the signal is one of SEGV, BUS, ILL, TRAP, FPE, SYS.</returns>
    public static bool IsSynchronous(int sig) => sig is SIGSEGV or SIGBUS or SIGILL or SIGTRAP or SIGFPE or SIGSYS;
}
